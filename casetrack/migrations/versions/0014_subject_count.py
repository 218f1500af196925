"""statistics: each case's number of subjects, kept by the database

cases.subject_count is the number of investigations (subjects) of the case. Triggers on
investigations keep it, on both databases, whatever writes them (the application, an import,
a bulk load, a cascade); nothing else writes it. The case-level figures (by force,
department, year, category and platform) then read the period's cases alone, with their
subject counts in the covering index ix_cases_force_received, instead of joining every
investigation: three of the five statistics scans at about half the cost (issue 16). Two
covering indexes serve the other two: ix_investigations_finalised (what the timeliness and
proceedings figures read of each finalised investigation) and ix_people_role_rank (a
subject's role and rank), a third less time each once SQLite has statistics for them (the
application gathers them with PRAGMA optimize after a slow request).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 15:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

INDEX_BEFORE = ['force_id', 'received_date', 'id', 'state', 'department_id']
INDEX_AFTER = INDEX_BEFORE + ['subject_count']
FINALISED = ['case_id', 'outcome', 'proceedings', 'finding', 'outcome_date', 'suspended_from',
             'suspended_to']

SQLITE_TRIGGERS = [
    'CREATE TRIGGER investigations_count_insert AFTER INSERT ON investigations BEGIN '
    'UPDATE cases SET subject_count = subject_count + 1 WHERE id = NEW.case_id; END',
    'CREATE TRIGGER investigations_count_delete AFTER DELETE ON investigations BEGIN '
    'UPDATE cases SET subject_count = subject_count - 1 WHERE id = OLD.case_id; END',
    'CREATE TRIGGER investigations_count_update AFTER UPDATE OF case_id ON investigations '
    'WHEN OLD.case_id IS NOT NEW.case_id BEGIN '
    'UPDATE cases SET subject_count = subject_count - 1 WHERE id = OLD.case_id; '
    'UPDATE cases SET subject_count = subject_count + 1 WHERE id = NEW.case_id; END',
]
SQLITE_NAMES = ['investigations_count_insert', 'investigations_count_delete',
                'investigations_count_update']

POSTGRESQL_FUNCTION = """
CREATE FUNCTION casetrack_subject_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE cases SET subject_count = subject_count + 1 WHERE id = NEW.case_id;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE cases SET subject_count = subject_count - 1 WHERE id = OLD.case_id;
    END IF;
    RETURN NULL;
END
$$
"""
POSTGRESQL_TRIGGER = (
    'CREATE TRIGGER investigations_subject_count '
    'AFTER INSERT OR DELETE OR UPDATE OF case_id ON investigations '
    'FOR EACH ROW EXECUTE FUNCTION casetrack_subject_count()'
)


def upgrade():
    # plain ALTER TABLE on both (a batch copy of cases would lose its search triggers)
    op.add_column(
        'cases', sa.Column('subject_count', sa.Integer(), nullable=False, server_default='0')
    )
    op.execute(
        'UPDATE cases SET subject_count = '
        '(SELECT count(*) FROM investigations WHERE investigations.case_id = cases.id)'
    )
    op.drop_index('ix_cases_force_received', table_name='cases')
    op.create_index('ix_cases_force_received', 'cases', INDEX_AFTER, unique=False)
    op.create_index('ix_investigations_finalised', 'investigations', FINALISED, unique=False)
    op.create_index('ix_people_role_rank', 'people', ['id', 'role', 'rank'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRESQL_FUNCTION)
        op.execute(POSTGRESQL_TRIGGER)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS investigations_subject_count ON investigations')
        op.execute('DROP FUNCTION IF EXISTS casetrack_subject_count()')
    else:
        for name in SQLITE_NAMES:
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
    op.drop_index('ix_people_role_rank', table_name='people')
    op.drop_index('ix_investigations_finalised', table_name='investigations')
    op.drop_index('ix_cases_force_received', table_name='cases')
    op.create_index('ix_cases_force_received', 'cases', INDEX_BEFORE, unique=False)
    op.drop_column('cases', 'subject_count')
