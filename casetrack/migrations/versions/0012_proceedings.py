"""proceedings: what follows PSD's severity assessment (SPEC §14)

- investigations gain whether PSD assessed the severity, case to answer, proceedings with
  date and chair, finding, the grounds that allow dismissal for misconduct, the outcome's
  rationale, appeal, and suspension dates;
- reflective_reviews: the reflective review development report (regulation 70);
- list_reports: Barred List and Advisory List reports due to the College of Policing.

Existing subjects whose case has a PSD severity assessment on its timeline count as assessed.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 12:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

def _columns():
    return [
        sa.Column('psd_assessed', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('case_to_answer', sa.Boolean(), nullable=True),
        sa.Column('proceedings', sa.String(length=24), nullable=True),
        sa.Column('proceedings_date', sa.Date(), nullable=True),
        sa.Column('proceedings_chair', sa.String(length=120), nullable=True),
        sa.Column('finding', sa.String(length=24), nullable=True),
        sa.Column('fww_in_force', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('unconnected_incidents', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('outcome_rationale', sa.Text(), nullable=True),
        sa.Column('appeal', sa.String(length=16), nullable=True),
        sa.Column('appeal_date', sa.Date(), nullable=True),
        sa.Column('suspended_from', sa.Date(), nullable=True),
        sa.Column('suspended_to', sa.Date(), nullable=True),
    ]


def upgrade():
    with op.batch_alter_table('investigations', schema=None) as batch_op:
        for column in _columns():
            batch_op.add_column(column)
    op.execute(
        "UPDATE investigations SET psd_assessed = true WHERE case_id IN "
        "(SELECT case_id FROM case_events WHERE action = 'assess_severity')"
    )

    op.create_table('reflective_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('investigation_id', sa.Integer(), nullable=False),
    sa.Column('reviewer', sa.String(length=120), nullable=True),
    sa.Column('matter_summary', sa.Text(), nullable=False),
    sa.Column('discussion_summary', sa.Text(), nullable=False),
    sa.Column('key_actions', sa.Text(), nullable=False),
    sa.Column('lessons_officer', sa.Text(), nullable=False),
    sa.Column('lessons_force', sa.Text(), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=True),
    sa.Column('account_due', sa.Date(), nullable=False),
    sa.Column('account_received', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['investigation_id'], ['investigations.id'], name=op.f('fk_reflective_reviews_investigation_id_investigations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reflective_reviews')),
    sa.UniqueConstraint('investigation_id', name=op.f('uq_reflective_reviews_investigation_id'))
    )
    with op.batch_alter_table('reflective_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reflective_reviews_account_due'), ['account_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_reflective_reviews_review_date'), ['review_date'], unique=False)

    op.create_table('list_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('investigation_id', sa.Integer(), nullable=False),
    sa.Column('list_name', sa.String(length=16), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=True),
    sa.Column('prior_advisory', sa.String(length=200), nullable=True),
    sa.Column('reported_on', sa.Date(), nullable=True),
    sa.Column('reported_by_name', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['investigation_id'], ['investigations.id'], name=op.f('fk_list_reports_investigation_id_investigations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_list_reports')),
    sa.UniqueConstraint('investigation_id', name=op.f('uq_list_reports_investigation_id'))
    )
    with op.batch_alter_table('list_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_list_reports_due'), ['due'], unique=False)


def downgrade():
    op.drop_table('list_reports')
    op.drop_table('reflective_reviews')
    with op.batch_alter_table('investigations', schema=None) as batch_op:
        for column in reversed(_columns()):
            batch_op.drop_column(column.name)
