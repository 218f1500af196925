"""case list: one force's cases in date order; indexes for the substring search

ix_cases_force_received lets the list filtered by force read its page in date order instead
of sorting all that force's cases.

The search (reference, summary, a subject's name or staff number containing the text) read
every case and every person. On PostgreSQL these are trigram GIN indexes, which ILIKE
'%text%' can use; they need the pg_trgm extension (shipped with PostgreSQL; "trusted" since
PostgreSQL 13, so the database's owner may install it). If it cannot be installed the indexes
are left out with a warning: the search still works, only slower, and `alembic check` will
list the two indexes as missing. On SQLite they are ordinary indexes that the search scans
instead of the tables.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 19:30:00

"""
import logging

from alembic import op
from sqlalchemy.exc import DBAPIError


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')

INDEXES = (
    ('ix_cases_search', 'cases', ('reference', 'summary')),
    ('ix_people_search', 'people', ('name', 'staff_number')),
)


def _trigrams_available(bind):
    """Install pg_trgm if it is not there; False (and the transaction intact) if refused."""
    if bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").first():
        return True
    try:
        with bind.begin_nested():
            bind.exec_driver_sql('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    except DBAPIError as error:
        log.warning(
            'pg_trgm cannot be installed (%s); the case search will work without its '
            'indexes, reading whole tables', str(error.orig).strip().splitlines()[0],
        )
        return False
    return True


def upgrade():
    op.create_index(
        'ix_cases_force_received', 'cases', ['force_id', 'received_date', 'id'], unique=False
    )
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        if not _trigrams_available(bind):
            return
        for name, table, columns in INDEXES:
            op.create_index(
                name, table, list(columns), unique=False,
                postgresql_using='gin',
                postgresql_ops=dict.fromkeys(columns, 'gin_trgm_ops'),
            )
        return
    for name, table, columns in INDEXES:
        op.create_index(name, table, list(columns), unique=False)


def downgrade():
    op.drop_index('ix_cases_force_received', table_name='cases')
    for name, table, _columns in INDEXES:
        op.execute(f'DROP INDEX IF EXISTS {name}')
