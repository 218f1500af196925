"""search: account handles and content URLs; trigram full-text indexes on both databases

The case list's search also looks in account handles (with or without @) and content URLs
(SPEC §12). Both databases get a trigram index, which finds any substring of three
characters or more, exactly as LIKE '%text%' would (casetrack/cases/search.py says why
trigrams rather than word search):

- PostgreSQL: ix_cases_search_content, a GIN trigram index on account_handle and
  content_urls, beside 0005's on reference/summary and people's name/staff number. It needs
  pg_trgm; if that cannot be installed the index is left out with a warning, as in 0005.
- SQLite: FTS5 tables with the trigram tokenizer over the same columns (cases_fts: reference,
  summary, account_handle, content_urls; people_fts: name, staff_number), external content
  (the text stays in cases/people, the FTS5 table holds only the index), filled from the
  rows already there and kept in step by triggers. The plain index ix_cases_search_content
  is what the models declare; the search scans it for text of one or two characters.

A later migration that rebuilds `cases` or `people` on SQLite (batch mode copies the table
and drops the old one) drops these triggers with it: it must create them again (copy
TRIGGERS below) and rebuild the index (`INSERT INTO cases_fts(cases_fts) VALUES('rebuild')`).
tests/test_search.py checks that head has them and that the index agrees with the rows.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:00:00

"""
import logging

from alembic import op
from sqlalchemy.exc import DBAPIError


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')

FTS = {
    'cases_fts': ('cases', ('reference', 'summary', 'account_handle', 'content_urls')),
    'people_fts': ('people', ('name', 'staff_number')),
}


def _triggers(fts, source, columns):
    names = ', '.join(columns)
    new = ', '.join(f'new.{c}' for c in columns)
    old = ', '.join(f'old.{c}' for c in columns)
    insert = f'INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});'
    delete = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"
    return [
        f'CREATE TRIGGER {fts}_insert AFTER INSERT ON {source} BEGIN {insert} END',
        f'CREATE TRIGGER {fts}_delete AFTER DELETE ON {source} BEGIN {delete} END',
        # only when a searched column changes: a case's state and version change often
        f'CREATE TRIGGER {fts}_update AFTER UPDATE OF {names} ON {source} '
        f'BEGIN {delete} {insert} END',
    ]


TRIGGERS = {fts: _triggers(fts, source, columns) for fts, (source, columns) in FTS.items()}


def _trigrams_available(bind):
    """pg_trgm installed (by 0005, or now); False (and the transaction intact) if refused."""
    if bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").first():
        return True
    try:
        with bind.begin_nested():
            bind.exec_driver_sql('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    except DBAPIError as error:
        log.warning(
            'pg_trgm cannot be installed (%s); the search of handles and URLs will read '
            'the cases table', str(error.orig).strip().splitlines()[0],
        )
        return False
    return True


def _sqlite_fts(bind):
    try:
        bind.exec_driver_sql("CREATE VIRTUAL TABLE temp.trigram_probe USING fts5(a, tokenize='trigram')")
        bind.exec_driver_sql('DROP TABLE temp.trigram_probe')
    except DBAPIError as error:
        raise RuntimeError(
            "CaseTrack's search needs SQLite 3.34 or later with FTS5 (the trigram tokenizer): "
            f'this one ({bind.dialect.dbapi.sqlite_version}) refused it: {error.orig}'
        ) from error
    for fts, (source, columns) in FTS.items():
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({', '.join(columns)}, "
            f"content='{source}', content_rowid='id', tokenize='trigram')"
        )
        for statement in TRIGGERS[fts]:
            op.execute(statement)
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def upgrade():
    bind = op.get_bind()
    columns = ['account_handle', 'content_urls']
    if bind.dialect.name == 'postgresql':
        if _trigrams_available(bind):
            op.create_index(
                'ix_cases_search_content', 'cases', columns, unique=False,
                postgresql_using='gin', postgresql_ops=dict.fromkeys(columns, 'gin_trgm_ops'),
            )
        return
    op.create_index('ix_cases_search_content', 'cases', columns, unique=False)
    _sqlite_fts(bind)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for fts in FTS:
            for kind in ('insert', 'delete', 'update'):
                op.execute(f'DROP TRIGGER IF EXISTS {fts}_{kind}')
            op.execute(f'DROP TABLE IF EXISTS {fts}')
    op.execute('DROP INDEX IF EXISTS ix_cases_search_content')
