"""What the case list's search and the subject picker match, and how each database finds it.

**What matches** (SPEC §12 "Finding things"), the same on SQLite and PostgreSQL: the text
typed, ignoring case, *anywhere* in a case's reference, summary or content URLs; in its
account handle with or without a leading `@` (`WMPInspReed` and `@WMPInspReed` find each
other); anywhere in a subject's name; and anywhere in a subject's staff number once both are
in the normal form of casetrack/org/numbers.py (`wmp 3310` finds `WMP3310`). The text is one
phrase: `custody suite` finds those words together, as typed. `%`, `_`, quotes and FTS5's
operators (`*`, `NEAR`, `-`, `^`) are literal characters.

**Why substring and trigrams, not word search.** Handles, URL fragments (`status/1234`),
partial references (`00042`) and staff numbers are not words: a word index (PostgreSQL's
tsvector, FTS5's default tokenizer) cannot find `InspReed` inside `@WMPInspReed`, nor `4711`
in `WMP04711`, and its stemming would make the two databases disagree. A trigram index finds
any substring of three characters or more and answers exactly what LIKE would:

- **PostgreSQL**: GIN trigram indexes (pg_trgm) on the columns themselves, used by
  `ILIKE '%text%'` (migrations 0005 and 0010; without pg_trgm the same query reads the tables).
- **SQLite**: FTS5 tables with the `trigram` tokenizer (`cases_fts`, `people_fts`), external
  content kept in step with `cases` and `people` by triggers (migration 0010), queried with
  `MATCH '"text"'` (a quoted phrase: nothing in it is FTS5 syntax).

Text shorter than three characters has no trigram: then both read the columns with LIKE
(SQLite scans its covering indexes), which for such short text soon finds enough rows.

One difference remains on SQLite: FTS5 folds the case of every letter, its LIKE only of
ASCII ones, so `MÜLLER` finds `Müller` through the index but not in the walk that a search
matching more than 1,000 cases uses (queries._matches). PostgreSQL's ILIKE folds both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, column, exists, literal_column, or_, select, table
from sqlalchemy import false as sql_false

from casetrack.cases.models import Case, Investigation, Person
from casetrack.extensions import db
from casetrack.org.numbers import normal_staff_number

CASES_FTS = "cases_fts"
PEOPLE_FTS = "people_fts"
FTS_TABLES = (CASES_FTS, PEOPLE_FTS)
TRIGRAM = 3  # the shortest text a trigram index can look up

_cases_fts = table(CASES_FTS, column("rowid"))
_people_fts = table(PEOPLE_FTS, column("rowid"))


def is_fts_table(name: str | None) -> bool:
    """An FTS5 table or one of its shadow tables (cases_fts_data, …): not in the models."""
    return bool(name) and any(name == t or name.startswith(f"{t}_") for t in FTS_TABLES)


def include_name(name: str | None, type_: str, _parent_names: Any) -> bool:
    """Alembic's filter: compare everything but the FTS5 tables, which SQLAlchemy cannot
    describe (migration 0010 creates them on SQLite only)."""
    return not (type_ == "table" and is_fts_table(name))


@dataclass(frozen=True)
class Needle:
    """The search text, in the forms each column is compared with."""

    text: str  # as typed, without surrounding spaces
    handle: str  # without a leading @, for account handles
    number: str | None  # the staff-number normal form, or None if nothing is left

    @classmethod
    def of(cls, typed: str) -> Needle:
        text = typed.strip()
        return cls(text=text, handle=text.lstrip("@") or text, number=normal_staff_number(text))


def _sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column_: Any, text: str | None) -> ColumnElement[bool]:
    """Case-insensitive substring match. SQLite's LIKE already ignores (ASCII) case, as its
    lower() does, so plain LIKE there: the same rows without a lower() call on every row."""
    if not text:
        return sql_false()
    pattern = f"%{_escape_like(text)}%"
    if _sqlite():
        return column_.like(pattern, escape="\\")
    return column_.ilike(pattern, escape="\\")


def _phrase(text: str) -> str:
    """An FTS5 string: double quotes around it, its own double quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


def _indexable(*texts: str | None) -> bool:
    return _sqlite() and all(t is not None and len(t) >= TRIGRAM for t in texts)


def case_fields(needle: Needle, case: Any = Case) -> ColumnElement[bool]:
    """Per row: the needle in one of the case's own searchable columns."""
    return or_(
        contains(case.reference, needle.text),
        contains(case.summary, needle.text),
        contains(case.content_urls, needle.text),
        contains(case.account_handle, needle.handle),
    )


def person_fields(needle: Needle, person: Any = Person) -> ColumnElement[bool]:
    """Per row: the needle in the person's name or (normal form) staff number."""
    return or_(contains(person.name, needle.text), contains(person.staff_number, needle.number))


def case_condition(needle: Needle) -> ColumnElement[bool]:
    """Per case, for walking the list in order: its columns, or one of its subjects."""
    subject = exists(
        select(Investigation.id)
        .join(Person, Person.id == Investigation.person_id)
        .where(Investigation.case_id == Case.id, person_fields(needle))
    )
    return or_(case_fields(needle), subject)


def _cases_index_match(needle: Needle) -> Select:
    if needle.handle == needle.text:
        query = _phrase(needle.text)
    else:  # the handle column is searched without the @
        columns = "{reference summary content_urls}"
        query = f"{columns} : {_phrase(needle.text)} OR account_handle : {_phrase(needle.handle)}"
    return select(_cases_fts.c.rowid).where(literal_column(CASES_FTS).op("MATCH")(query))


def _people_index_match(needle: Needle) -> Select:
    query = f"name : {_phrase(needle.text)}"
    if needle.number:
        query += f" OR staff_number : {_phrase(needle.number)}"
    return select(_people_fts.c.rowid).where(literal_column(PEOPLE_FTS).op("MATCH")(query))


def matching_people(needle: Needle) -> ColumnElement[bool]:
    """People whose name or staff number contains the needle, by the index where there is one."""
    if _indexable(needle.text, needle.number):
        return Person.id.in_(_people_index_match(needle))
    return person_fields(needle)


def matching_case_ids(needle: Needle) -> Select:
    """One statement: the ids of the cases matching the needle (a case may come twice, from
    its own columns and from a subject). Not limited to what anyone may see: the caller
    intersects it with visible_cases()."""
    if _indexable(needle.text, needle.handle):
        direct = _cases_index_match(needle)
    else:
        found = Case.__table__.alias("found")
        direct = select(found.c.id).where(case_fields(needle, found.c))
    people = select(Person.id).where(matching_people(needle))
    subjects = select(Investigation.case_id).where(Investigation.person_id.in_(people))
    return direct.union_all(subjects)
