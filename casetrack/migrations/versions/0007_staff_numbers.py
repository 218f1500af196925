"""people, users: staff/collar numbers in one normal form; duplicate workforce records merged

SPEC §9.1 (issue 12, finding 2): `WMP 3310`, `WMP\u200b3310` and the full-width `ＷＭＰ３３１０`
were stored as three workforce records, so the real WMP3310 could see and be assigned a case
about themselves. This brings every stored number to the normal form the application now
uses (NFKC, spaces and invisible characters removed, upper case) and merges the records of
one force that share a normal form into the oldest (lowest id): their investigations are
re-pointed to it (two investigations of one case for the same person become one: the one
already on the surviving record, with blanks filled in from the other), blank details are
filled in from the merged records, and each merge and each renumbering is an audit entry,
chained like every other (`casetrack audit verify` stays clean).

Nothing in the schema changes. The downgrade does nothing: a merge cannot be undone, and
the old spellings are kept in the audit entries.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 10:00:00

"""
import json
import unicodedata
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from casetrack.audit.service import entry_hash


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

GENESIS_HASH = '0' * 64
ACTOR = 'migration 0007'

# A frozen copy of casetrack/org/numbers.py as it was when this migration was written, so
# that later changes there do not change what this migration did.
_INVISIBLE = frozenset({'Zs', 'Zl', 'Zp', 'Cc', 'Cf', 'Cn', 'Co', 'Cs'})
_IGNORABLE = frozenset(
    {0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F}
    | set(range(0xFE00, 0xFE10))
    | set(range(0xE0100, 0xE01F0))
)


def normal(value):
    if value is None:
        return None
    text = unicodedata.normalize('NFKC', value)
    text = ''.join(
        ch for ch in text
        if unicodedata.category(ch) not in _INVISIBLE and ord(ch) not in _IGNORABLE
    )
    text = unicodedata.normalize('NFKC', text.upper())
    return text or None


people = sa.table(
    'people',
    sa.column('id', sa.Integer),
    sa.column('force_id', sa.Integer),
    sa.column('department_id', sa.Integer),
    sa.column('staff_number', sa.String),
    sa.column('name', sa.String),
    sa.column('role', sa.String),
    sa.column('rank', sa.String),
    sa.column('politically_restricted', sa.Boolean),
)
users = sa.table('users', sa.column('id', sa.Integer), sa.column('staff_number', sa.String))
forces = sa.table('forces', sa.column('id', sa.Integer), sa.column('code', sa.String))
investigations = sa.table(
    'investigations',
    sa.column('id', sa.Integer),
    sa.column('case_id', sa.Integer),
    sa.column('person_id', sa.Integer),
    sa.column('severity', sa.String),
    sa.column('outcome', sa.String),
    sa.column('outcome_date', sa.Date),
)
standards = sa.table(
    'investigation_standards', sa.column('investigation_id', sa.Integer), sa.column('code', sa.String)
)
audit_events = sa.table(
    'audit_events',
    sa.column('seq', sa.BigInteger),
    sa.column('at', sa.DateTime(timezone=True)),
    sa.column('actor_id', sa.Integer),
    sa.column('actor', sa.String),
    sa.column('action', sa.String),
    sa.column('object_type', sa.String),
    sa.column('object_id', sa.String),
    sa.column('address', sa.String),
    sa.column('details', sa.Text),
    sa.column('prev_hash', sa.String),
    sa.column('hash', sa.String),
)
audit_head = sa.table(
    'audit_head', sa.column('id', sa.Integer), sa.column('seq', sa.BigInteger),
    sa.column('last_hash', sa.String),
)


class Chain:
    """Appends audit entries exactly as casetrack.audit.service.record() does."""

    def __init__(self, conn):
        self.conn = conn
        query = sa.select(audit_head.c.seq, audit_head.c.last_hash).where(audit_head.c.id == 1)
        if conn.dialect.name == 'postgresql':
            query = query.with_for_update()
        row = conn.execute(query).first()
        if row is None:
            conn.execute(sa.insert(audit_head).values(id=1, seq=0, last_hash=GENESIS_HASH))
            self.seq, self.last = 0, GENESIS_HASH
        else:
            self.seq, self.last = int(row[0]), row[1]

    def record(self, action, object_type, object_id, details):
        at = datetime.now(UTC)
        entry = {
            'seq': self.seq + 1,
            'at': at,
            'actor_id': None,
            'actor': ACTOR,
            'action': action,
            'object_type': object_type,
            'object_id': str(object_id),
            'address': None,
            'details': json.dumps(details, sort_keys=True, separators=(',', ':'), default=str),
            'prev_hash': self.last,
        }
        entry['hash'] = entry_hash(**entry)
        self.conn.execute(sa.insert(audit_events).values(**entry))
        self.seq, self.last = entry['seq'], entry['hash']

    def close(self):
        self.conn.execute(
            sa.update(audit_head)
            .where(audit_head.c.id == 1)
            .values(seq=self.seq, last_hash=self.last)
        )


def _merge_investigations(conn, survivor_id, duplicate_id):
    """Re-point the duplicate's investigations; returns (moved, combined) investigation ids."""
    moved, combined = [], []
    rows = conn.execute(
        sa.select(investigations).where(investigations.c.person_id == duplicate_id)
    ).mappings().all()
    for inv in rows:
        kept = conn.execute(
            sa.select(investigations).where(
                investigations.c.case_id == inv['case_id'],
                investigations.c.person_id == survivor_id,
            )
        ).mappings().first()
        if kept is None:
            conn.execute(
                sa.update(investigations)
                .where(investigations.c.id == inv['id'])
                .values(person_id=survivor_id)
            )
            moved.append(inv['id'])
            continue
        # the same person twice in one case: keep one investigation, lose nothing recorded
        fill = {}
        if kept['severity'] in (None, 'not_assessed') and inv['severity'] not in (
            None, 'not_assessed'
        ):
            fill['severity'] = inv['severity']
        if kept['outcome'] is None and inv['outcome'] is not None:
            fill['outcome'], fill['outcome_date'] = inv['outcome'], inv['outcome_date']
        if fill:
            conn.execute(
                sa.update(investigations).where(investigations.c.id == kept['id']).values(**fill)
            )
        have = set(
            conn.execute(
                sa.select(standards.c.code).where(standards.c.investigation_id == kept['id'])
            ).scalars()
        )
        for code in conn.execute(
            sa.select(standards.c.code).where(standards.c.investigation_id == inv['id'])
        ).scalars():
            if code not in have:
                conn.execute(sa.insert(standards).values(investigation_id=kept['id'], code=code))
        conn.execute(sa.delete(standards).where(standards.c.investigation_id == inv['id']))
        conn.execute(sa.delete(investigations).where(investigations.c.id == inv['id']))
        combined.append({'kept': kept['id'], 'removed': inv['id'], 'case': inv['case_id']})
    return moved, combined


def _merge_people(conn, chain):
    codes = dict(conn.execute(sa.select(forces.c.id, forces.c.code)).all())
    rows = conn.execute(
        sa.select(people).where(people.c.staff_number.is_not(None)).order_by(people.c.id)
    ).mappings().all()
    groups = {}
    for row in rows:
        groups.setdefault((row['force_id'], normal(row['staff_number'])), []).append(row)
    for (force_id, number), members in groups.items():
        if number is None:  # only spaces or invisible characters: no number at all
            for member in members:
                conn.execute(
                    sa.update(people).where(people.c.id == member['id']).values(staff_number=None)
                )
                chain.record(
                    'person_staff_number_normalised',
                    'person',
                    member['id'],
                    {'force': codes.get(force_id), 'from': member['staff_number'], 'to': None},
                )
            continue
        survivor, duplicates = members[0], members[1:]
        fill = {}
        for column in ('name', 'rank', 'department_id'):
            if survivor[column] is None:
                found = next((d[column] for d in duplicates if d[column] is not None), None)
                if found is not None:
                    fill[column] = found
        if not survivor['politically_restricted'] and any(
            d['politically_restricted'] for d in duplicates
        ):
            fill['politically_restricted'] = True  # the safer reading of a record in doubt
        for duplicate in duplicates:
            moved, combined = _merge_investigations(conn, survivor['id'], duplicate['id'])
            conn.execute(sa.delete(people).where(people.c.id == duplicate['id']))
            chain.record(
                'person_merged',
                'person',
                survivor['id'],
                {
                    'force': codes.get(force_id),
                    'staff_number': number,
                    'merged_person': duplicate['id'],
                    'merged_staff_number': duplicate['staff_number'],
                    'investigations_moved': moved,
                    'investigations_combined': combined,
                    'reason': 'same staff number in normal form (SPEC 9.1)',
                },
            )
        if number != survivor['staff_number']:
            fill['staff_number'] = number
        if fill:
            conn.execute(sa.update(people).where(people.c.id == survivor['id']).values(**fill))
        if number != survivor['staff_number']:
            chain.record(
                'person_staff_number_normalised',
                'person',
                survivor['id'],
                {'force': codes.get(force_id), 'from': survivor['staff_number'], 'to': number},
            )


def _normalise_users(conn, chain):
    rows = conn.execute(
        sa.select(users.c.id, users.c.staff_number)
        .where(users.c.staff_number.is_not(None))
        .order_by(users.c.id)
    ).all()
    for user_id, number in rows:
        new = normal(number)
        if new != number:
            conn.execute(sa.update(users).where(users.c.id == user_id).values(staff_number=new))
            chain.record(
                'user_staff_number_normalised', 'user', user_id, {'from': number, 'to': new}
            )


def upgrade():
    conn = op.get_bind()
    chain = Chain(conn)
    _merge_people(conn, chain)
    _normalise_users(conn, chain)
    chain.close()


def downgrade():
    pass  # merged records cannot be split again; the audit entries keep the old spellings
