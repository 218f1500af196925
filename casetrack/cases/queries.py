"""Read-side queries: the filtered case list and the dashboards' counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from casetrack.cases import search
from casetrack.cases.access import visible_cases
from casetrack.cases.models import Case, CaseCategory, CasePlatform, Investigation
from casetrack.cases.workflow import OPEN_STATES, State
from casetrack.extensions import db
from casetrack.timeutil import today


@dataclass
class CaseFilters:
    q: str = ""
    state: str = ""
    force_id: int | None = None
    department_id: int | None = None
    platform: str = ""
    category: str = ""
    severity: str = ""
    received_from: date | None = None
    received_to: date | None = None
    overdue: bool = False
    mine: bool = False
    sort: str = "received_desc"


# What is due next on an open case, by its state (SPEC §3.3): the assessment while it is
# logged, PSD's decision while referred, the next PCC notification during an investigation.
# Assessed and local-resolution cases have no clock running. due_text() says the same in words.
NEXT_DUE = {
    State.LOGGED: ("assessment_due", "Assessment"),
    State.REFERRED_TO_PSD: ("decision_due", "PSD decision"),
    State.PSD_INVESTIGATION: ("pcc_due", "PCC notification"),
}


def next_due() -> Any:
    """The date of what is due next on each case, for ordering (NULL where nothing is)."""
    return case(
        *(
            (Case.state == state.value, getattr(Case, column))
            for state, (column, _) in NEXT_DUE.items()
        ),
        else_=None,
    )


def overdue_condition(on: date) -> Any:
    return or_(
        and_(Case.state == State.LOGGED, Case.assessment_due < on),
        and_(Case.state == State.REFERRED_TO_PSD, Case.decision_due < on),
        and_(Case.state == State.PSD_INVESTIGATION, Case.pcc_due < on),
    )


# A search matching at most this many cases is shown from their ids; a commoner one by
# walking the list in order, testing each case, until the page is full.
SEARCH_IDS_LIMIT = 1000


def _matches(text: str) -> ColumnElement[bool]:
    """Search (what matches, and which index finds it: casetrack/cases/search.py).

    First one query for the ids of the cases it matches, stopping at SEARCH_IDS_LIMIT + 1
    rows: by the trigram indexes (FTS5 on SQLite, pg_trgm on PostgreSQL) over cases and
    people. A rarer search (a reference, a handle, a staff number, a name) is then a list of
    ids, so the page query fetches and sorts just those, instead of walking every case in page
    order, running the access rule on each. A common one ("facebook") is left as a condition
    on each case in that walk, which fills the page after a few rows; collecting its ids would
    read them all. Either way the page query keeps visible_cases(user).
    """
    needle = search.Needle.of(text)
    rows = list(db.session.scalars(search.matching_case_ids(needle).limit(SEARCH_IDS_LIMIT + 1)))
    # Counted before removing duplicates (a case found by its summary and by a subject): a
    # full batch of rows means there may be more beyond it.
    if len(rows) <= SEARCH_IDS_LIMIT:
        return Case.id.in_(sorted(set(rows)))
    return search.case_condition(needle)


def case_list_query(user: Any, filters: CaseFilters) -> Select:
    """The list's statement; with a search, it runs one query first (see _matches)."""
    stmt = select(Case).where(visible_cases(user))
    if filters.state:
        stmt = stmt.where(Case.state == filters.state)
    if filters.force_id:
        stmt = stmt.where(Case.force_id == filters.force_id)
    if filters.department_id:
        stmt = stmt.where(Case.department_id == filters.department_id)
    if filters.platform:
        stmt = stmt.where(
            exists().where(CasePlatform.case_id == Case.id, CasePlatform.code == filters.platform)
        )
    if filters.category:
        stmt = stmt.where(
            exists().where(CaseCategory.case_id == Case.id, CaseCategory.code == filters.category)
        )
    if filters.severity:
        stmt = stmt.where(
            exists().where(
                Investigation.case_id == Case.id, Investigation.severity == filters.severity
            )
        )
    if filters.received_from:
        stmt = stmt.where(Case.received_date >= filters.received_from)
    if filters.received_to:
        stmt = stmt.where(Case.received_date <= filters.received_to)
    if filters.overdue:
        stmt = stmt.where(overdue_condition(today()))
    if filters.mine:
        stmt = stmt.where(Case.investigator_id == user.id)
    if filters.q:
        stmt = stmt.where(_matches(filters.q.strip()))
    order = {
        "received_asc": (Case.received_date.asc(), Case.id.asc()),
        "reference": (Case.reference.asc(),),
        "state": (Case.state.asc(), Case.received_date.desc(), Case.id.desc()),
    }.get(filters.sort, (Case.received_date.desc(), Case.id.desc()))
    return stmt.order_by(*order)


def case_page(
    user: Any, filters: CaseFilters, page: int, page_size: int
) -> tuple[list[Case], bool]:
    """One page of cases and whether there is another: no count over the whole table."""
    stmt = (
        case_list_query(user, filters)
        .options(
            selectinload(Case.investigations).selectinload(Investigation.person),
            selectinload(Case.department),
            selectinload(Case.force),
        )
        .offset((page - 1) * page_size)
        .limit(page_size + 1)
    )
    rows = list(db.session.scalars(stmt))
    return rows[:page_size], len(rows) > page_size


def _count(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def dashboard(user: Any) -> dict[str, Any]:
    """What is due and overdue for the person looking (SPEC §3.3)."""
    on = today()
    mine = select(Case.id).where(visible_cases(user))
    open_ = mine.where(Case.state.in_([s.value for s in OPEN_STATES]))
    recent = (
        select(Case)
        .where(visible_cases(user))
        .options(selectinload(Case.investigations).selectinload(Investigation.person))
    )
    role = user.role
    if role == "standards_manager":
        logged = mine.where(Case.state == State.LOGGED)
        return {
            "open_count": _count(open_),
            "due_count": _count(logged.where(Case.assessment_due >= on)),
            "overdue_count": _count(logged.where(Case.assessment_due < on)),
            "cases": list(
                db.session.scalars(
                    recent.where(Case.state.in_([s.value for s in OPEN_STATES]))
                    .order_by(next_due().asc().nulls_last(), Case.received_date.desc())
                    .limit(15)
                )
            ),
        }
    referred = mine.where(Case.state == State.REFERRED_TO_PSD)
    investigations = mine.where(
        Case.state == State.PSD_INVESTIGATION, Case.investigator_id == user.id
    )
    pcc = mine.where(Case.state == State.PSD_INVESTIGATION, Case.pcc_due <= on)
    return {
        "referred_count": _count(referred),
        "referred_overdue": _count(referred.where(Case.decision_due < on)),
        "my_count": _count(investigations),
        "pcc_count": _count(pcc),
        "referrals": list(
            db.session.scalars(
                recent.where(Case.state == State.REFERRED_TO_PSD)
                .order_by(Case.decision_due.asc(), Case.id)
                .limit(15)
            )
        ),
        "mine": list(
            db.session.scalars(
                recent.where(Case.state == State.PSD_INVESTIGATION, Case.investigator_id == user.id)
                .order_by(Case.pcc_due.asc(), Case.id)
                .limit(15)
            )
        ),
        "pcc": list(
            db.session.scalars(
                recent.where(Case.state == State.PSD_INVESTIGATION, Case.pcc_due <= on)
                .order_by(Case.pcc_due.asc(), Case.id)
                .limit(15)
            )
        ),
    }


def financial_year_start(on: date) -> date:
    return date(on.year if on.month >= 4 else on.year - 1, 4, 1)


def leadership_headlines(force_ids: list[int]) -> dict[str, Any]:
    """Aggregates only — never names or case details — for this financial year so far, with
    publication protection always (SPEC §6: these are leadership's figures)."""
    from casetrack.reports.figures import suppress
    from casetrack.vocab import OUTCOME_GROUP

    start = financial_year_start(today())
    base = (
        select(Investigation.outcome, func.count())
        .join(Case, Case.id == Investigation.case_id)
        .where(
            Case.force_id.in_(force_ids), Case.received_date >= start, Case.state != State.WITHDRAWN
        )
        .group_by(Investigation.outcome)
    )
    counts = {outcome: n for outcome, n in db.session.execute(base)}
    finalised = sum(n for outcome, n in counts.items() if outcome)
    action = sum(
        n for outcome, n in counts.items() if outcome and OUTCOME_GROUP.get(outcome) != "no_action"
    )
    return {
        "since": start,
        "investigations": suppress(sum(counts.values()), True),
        "open": suppress(counts.get(None, 0), True),
        "finalised": suppress(finalised, True),
        "faced_action": suppress(action, True),
    }
