"""evidence: room for "name (email)" actors (assurance finding F6)

A user's name (120) and email (254) recorded as "name (email)" can reach 377 characters;
the three columns holding it were VARCHAR(254), so PostgreSQL refused such a user's evidence
work.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

COLUMNS = (
    ('custody_events', 'actor_name', False),
    ('evidence_corrections', 'actor_name', False),
    ('evidence_items', 'withdrawn_by_name', True),
)


def _resize(old, new):
    for table, column, nullable in COLUMNS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(
                column,
                existing_type=sa.String(length=old),
                type_=sa.String(length=new),
                existing_nullable=nullable,
            )


def upgrade():
    _resize(254, 400)


def downgrade():
    _resize(400, 254)
