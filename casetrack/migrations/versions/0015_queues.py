"""queues: tasks on cases, notifications with their email outbox, email settings (SPEC §13)

- tasks: what, who (none: PSD's team), due, done (by whom, when); workflow steps make
  their own (kind) and complete them;
- notifications: shown in the application until read; the email outbox (email_status,
  attempts, last error); `key` unique so a reminder is made once however often it runs;
- email_opt_outs: the kinds of email a user turned off.

Open cases get the tasks their workflow step would have made: the assessment of logged cases,
PSD's decision on waiting referrals, the next PCC notification of investigations, and the list
reports and reflective review accounts still due (the dashboards' "follow-ups" until now).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 15:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('investigation_id', sa.Integer(), nullable=True),
    sa.Column('what', sa.String(length=200), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_name', sa.String(length=120), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by_name', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_tasks_assignee_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_tasks_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['investigation_id'], ['investigations.id'], name=op.f('fk_tasks_investigation_id_investigations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_open_by_assignee', ['assignee_id', 'done_at', 'due'], unique=False)
        batch_op.create_index('ix_tasks_case_kind', ['case_id', 'kind', 'done_at'], unique=False)
        batch_op.create_index('ix_tasks_open_by_due', ['done_at', 'due'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('message', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('email_status', sa.String(length=12), nullable=False),
    sa.Column('email_attempts', sa.Integer(), nullable=False),
    sa.Column('email_last_error', sa.Text(), nullable=True),
    sa.Column('email_claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('email_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_notifications_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('key', name=op.f('uq_notifications_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_unread', ['user_id', 'read_at', 'id'], unique=False)
        batch_op.create_index('ix_notifications_user_newest', ['user_id', 'id'], unique=False)
        batch_op.create_index('ix_notifications_email_status', ['email_status', 'id'], unique=False)

    op.create_table('email_opt_outs',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_email_opt_outs_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_email_opt_outs'))
    )

    _backfill()


def _backfill():
    insert = (
        "INSERT INTO tasks (case_id, kind, investigation_id, what, assignee_id, due, "
        "created_at, created_by_name) "
    )
    op.execute(
        insert + "SELECT id, 'assessment', NULL, 'Assess the concern', created_by_id, "
        "assessment_due, CURRENT_TIMESTAMP, 'system' FROM cases "
        "WHERE state = 'logged' AND assessment_due IS NOT NULL"
    )
    op.execute(
        insert + "SELECT id, 'referral_decision', NULL, 'Decide the referral: accept or "
        "return', NULL, decision_due, CURRENT_TIMESTAMP, 'system' FROM cases "
        "WHERE state = 'referred_to_psd' AND decision_due IS NOT NULL"
    )
    op.execute(
        insert + "SELECT id, 'pcc_notification', NULL, 'Notify the Police and Crime "
        "Commissioner', investigator_id, pcc_due, CURRENT_TIMESTAMP, 'system' FROM cases "
        "WHERE state = 'psd_investigation' AND pcc_due IS NOT NULL"
    )
    op.execute(
        insert + "SELECT c.id, 'list_report', i.id, CASE WHEN r.list_name = 'barred' "
        "THEN 'Barred List report to the College of Policing' ELSE 'Advisory List report to "
        "the College of Policing' END, "
        "c.investigator_id, r.due, CURRENT_TIMESTAMP, 'system' FROM list_reports r "
        "JOIN investigations i ON i.id = r.investigation_id JOIN cases c ON c.id = i.case_id "
        "WHERE r.reported_on IS NULL"
    )
    op.execute(
        insert + "SELECT c.id, 'rprp_account', i.id, 'Reflective review: the subject''s "
        "account', CASE WHEN c.referred_on IS NULL THEN c.created_by_id "
        "ELSE c.investigator_id END, r.account_due, CURRENT_TIMESTAMP, 'system' "
        "FROM reflective_reviews r JOIN investigations i ON i.id = r.investigation_id "
        "JOIN cases c ON c.id = i.case_id WHERE r.account_received IS NULL"
    )


def downgrade():
    op.drop_table('email_opt_outs')
    op.drop_table('notifications')
    op.drop_table('tasks')
