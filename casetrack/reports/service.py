"""Compute outcome figures with grouped queries in the database (never loading cases)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, distinct, extract, func, select

from casetrack import vocab
from casetrack.cases.models import Case, CaseCategory, CasePlatform, Investigation, Person
from casetrack.cases.workflow import State
from casetrack.extensions import db
from casetrack.org.models import Department, Force
from casetrack.reports.figures import OutcomeFigures, Period, complete, outcome_groups


@dataclass(frozen=True)
class Scope:
    """Which investigations a report covers: forces, and for Standards Managers departments."""

    forces: Sequence[Force]
    department_ids: Sequence[int] | None = None  # None: the whole of each force


def _where(period: Period, scope: Scope) -> list[Any]:
    conditions = [
        Case.received_date >= period.start,
        Case.received_date <= period.end,
        Case.state != State.WITHDRAWN.value,
        Case.force_id.in_([force.id for force in scope.forces]),
    ]
    if scope.department_ids is not None:
        conditions.append(Case.department_id.in_(list(scope.department_ids)))
    return conditions


def _grouped(stmt: Select) -> dict[Any, int]:
    return {key: count for key, count in db.session.execute(stmt)}


def _by(
    column: Any, period: Period, scope: Scope, *joins: Any, extra: Sequence[Any] = ()
) -> dict[Any, int]:
    stmt = (
        select(column, func.count(Investigation.id))
        .select_from(Investigation)
        .join(Case, Case.id == Investigation.case_id)
    )
    for target, on in joins:
        stmt = stmt.join(target, on)
    stmt = stmt.where(and_(*_where(period, scope), *extra)).group_by(column)
    return _grouped(stmt)


def _rank_group_column() -> Any:
    ranked = Person.role.in_(sorted(vocab.RANKED_ROLES))
    return case(
        (and_(ranked, Person.rank == "constable"), "constable"),
        (and_(ranked, Person.rank == "sergeant"), "sergeant"),
        (and_(ranked, Person.rank.is_not(None)), "inspector_or_above"),
        else_=None,
    )


def _year_column(period: Period) -> Any:
    year = extract("year", Case.received_date)
    if period.year_basis == "financial":
        return case((extract("month", Case.received_date) >= 4, year), else_=year - 1)
    return year


def outcome_figures(period: Period, scope: Scope) -> OutcomeFigures:
    person = (Person, Person.id == Investigation.person_id)
    finalised = [Investigation.outcome.is_not(None)]
    totals = db.session.execute(
        select(
            func.count(Investigation.id),
            func.count(distinct(Case.id)),
            func.count(Investigation.id).filter(Investigation.outcome.is_(None)),
        )
        .select_from(Investigation)
        .join(Case, Case.id == Investigation.case_id)
        .where(*_where(period, scope))
    ).one()
    by_outcome = complete(
        _by(Investigation.outcome, period, scope, extra=finalised), list(vocab.OUTCOMES)
    )
    by_year_raw = _by(_year_column(period), period, scope)
    forces = sorted(scope.forces, key=lambda f: f.code)
    by_department_id = _by(Case.department_id, period, scope)
    departments = db.session.execute(
        select(Department.id, Department.code, Department.name, Force.code)
        .join(Force)
        .where(Department.force_id.in_([f.id for f in forces]))
        .order_by(Force.code, Department.name)
    ).all()
    shown = [
        row for row in departments if scope.department_ids is None or row[0] in scope.department_ids
    ]
    by_department = {
        f"{force}/{code}": by_department_id.get(dept_id, 0) for dept_id, code, _, force in shown
    }
    return OutcomeFigures(
        period=period,
        forces=[f.code for f in forces],
        total_investigations=int(totals[0]),
        total_cases=int(totals[1]),
        open_investigations=int(totals[2]),
        by_outcome=by_outcome,
        by_outcome_group=outcome_groups(by_outcome),
        by_role=complete(_by(Person.role, period, scope, person), list(vocab.PERSON_ROLES)),
        by_rank_group=complete(
            _by(_rank_group_column(), period, scope, person), list(vocab.RANK_GROUPS)
        ),
        by_category=complete(
            _by(CaseCategory.code, period, scope, (CaseCategory, CaseCategory.case_id == Case.id)),
            list(vocab.CATEGORIES),
        ),
        by_platform=complete(
            _by(CasePlatform.code, period, scope, (CasePlatform, CasePlatform.case_id == Case.id)),
            list(vocab.PLATFORMS),
        ),
        by_force=complete(
            _by(Force.code, period, scope, (Force, Force.id == Case.force_id)),
            [f.code for f in forces],
        ),
        by_department=by_department,
        by_year=complete(
            {period.year_key(int(y)): n for y, n in by_year_raw.items()}, period.years()
        ),
        department_names={f"{force}/{code}": f"{name} ({force})" for _, code, name, force in shown},
        force_names={f.code: f.name for f in forces},
    )
