"""hidden cases: an index on restricted cases

Every list and every report subtracts the cases hidden from its reader (restricted cases they
are not named on, and cases in which they are a subject; casetrack/cases/access.py
hidden_cases) as one subquery worked out once per statement. With this index that subquery
reads the few restricted cases instead of every case.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 15:10:00

"""
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_cases_restricted', 'cases', ['restricted'], unique=False)


def downgrade():
    op.drop_index('ix_cases_restricted', table_name='cases')
