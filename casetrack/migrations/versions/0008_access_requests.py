"""access requests: case roles and placements approved by a head of PSD (SPEC §9.1)

An administrator no longer gives a case role (Standards Manager, PSD, head of PSD), changes
such an account's forces, departments or staff number, reactivates it, or resets its password
on their own: the change is
stored here as a pending request and takes effect only when a head of PSD of the force
approves it. Each request, approval, refusal and withdrawal is also an audit entry.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 11:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('access_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('new_account', sa.Boolean(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('changes_staff_number', sa.Boolean(), nullable=False),
    sa.Column('staff_number', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_access_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_access_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_access_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_requests'))
    )
    with op.batch_alter_table('access_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_requests_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_requests_user_id'), ['user_id'], unique=False)

    op.create_table('access_request_forces',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('force_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['force_id'], ['forces.id'], name=op.f('fk_access_request_forces_force_id_forces')),
    sa.ForeignKeyConstraint(['request_id'], ['access_requests.id'], name=op.f('fk_access_request_forces_request_id_access_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'force_id', name=op.f('pk_access_request_forces'))
    )
    op.create_table('access_request_departments',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_access_request_departments_department_id_departments')),
    sa.ForeignKeyConstraint(['request_id'], ['access_requests.id'], name=op.f('fk_access_request_departments_request_id_access_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'department_id', name=op.f('pk_access_request_departments'))
    )


def downgrade():
    op.drop_table('access_request_departments')
    op.drop_table('access_request_forces')
    with op.batch_alter_table('access_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_access_requests_status'))

    op.drop_table('access_requests')
