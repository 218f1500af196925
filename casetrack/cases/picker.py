"""The subject picker (SPEC §12): find a workforce record by name or staff number, among the
records the user may see, in a force of 20,000 or more.

One query serves the JSON the autocomplete asks for as the user types and the list of
matches shown as radios when the page is used without JavaScript. At most PICKER_LIMIT
people come back, an exact staff number first, then by name.

Each search that shows people is an audit entry (`people_searched`) with the ids of the
records shown and the length of the text typed, not the text: what the user was shown is
the personal data disclosed, and a name typed that matched nobody disclosed nothing, yet
would put a name, perhaps of someone outside the force, into the audit log for good.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case as when
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casetrack import vocab
from casetrack.audit.service import record
from casetrack.cases.access import may_see_person, visible_people
from casetrack.cases.models import Person
from casetrack.cases.search import Needle, matching_people
from casetrack.extensions import db

PICKER_LIMIT = 20
MAX_TEXT = 100  # the longest search text accepted (the case list's search box too)


@dataclass(frozen=True)
class Found:
    people: list[Person]
    more: bool  # more matched than were returned: type more of the name or number


def person_label(person: Person) -> str:
    """What the picker shows for a person: name, staff number, role and department."""
    parts = [person.display_name, vocab.label(vocab.PERSON_ROLES, person.role)]
    if person.department is not None:
        parts.append(person.department.label)
    return ", ".join(parts)


def find_people(
    user: Any, text: str, *, force_ids: Iterable[int] | None = None, limit: int = PICKER_LIMIT
) -> Found:
    """The records this user may see whose name or staff number contains the text."""
    needle = Needle.of(text or "")
    if not needle.text:
        return Found([], False)
    stmt = select(Person).where(visible_people(user), matching_people(needle))
    if force_ids is not None:
        stmt = stmt.where(Person.force_id.in_(list(force_ids)))
    exact = when((Person.staff_number == needle.number, 0), else_=1)
    rows = list(
        db.session.scalars(
            stmt.options(selectinload(Person.department))
            .order_by(exact, Person.name, Person.id)
            .limit(limit + 1)
        )
    )
    return Found(rows[:limit], len(rows) > limit)


def chosen_person(user: Any, value: str | None, force_ids: Iterable[int]) -> Person | None:
    """The record a form sent back as chosen, if it is one the user may pick here."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > 9:
        return None
    person = db.session.get(Person, int(value))
    if person is None or person.force_id not in set(force_ids) or not may_see_person(user, person):
        return None
    return person


def audit_search(found: Found, typed: str, page: str) -> None:
    """The audit entry for a search that showed people (flushed; the view commits)."""
    if not found.people:
        return
    record(
        "people_searched",
        object_type="person",
        details={
            "shown": [person.id for person in found.people],
            "typed_length": len(typed),
            "page": page,
        },
    )
