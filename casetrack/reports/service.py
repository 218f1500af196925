"""Compute outcome figures with grouped queries in the database (never loading cases)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, distinct, extract, func, select

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


def _tally(rows: Any, key: int) -> dict[Any, int]:
    """Sum the counts (last column) of grouped rows by one of their columns."""
    totals: dict[Any, int] = {}
    for row in rows:
        totals[row[key]] = totals.get(row[key], 0) + int(row[-1])
    return totals


def _investigation_groups(period: Period, scope: Scope) -> list[tuple[Any, ...]]:
    """One grouped pass over the period's investigations by outcome, role, rank, force, year
    and month; every investigation-level breakdown is a sum over these few thousand groups.
    Plain columns only, so PostgreSQL and SQLite group them identically. Returns rows of
    (outcome, role, rank group, force id, report year, count)."""
    year, month = extract("year", Case.received_date), extract("month", Case.received_date)
    columns = (Investigation.outcome, Person.role, Person.rank, Case.force_id, year, month)
    stmt = (
        select(*columns, func.count(Investigation.id))
        .select_from(Investigation)
        .join(Case, Case.id == Investigation.case_id)
        .join(Person, Person.id == Investigation.person_id)
        .where(*_where(period, scope))
        .group_by(*columns)
    )
    rows = []
    for outcome, role, rank, force_id, y, m, count in db.session.execute(stmt):
        y, m = int(y), int(m)
        report_year = y - 1 if period.year_basis == "financial" and m < 4 else y
        rows.append((outcome, role, vocab.rank_group(role, rank), force_id, report_year, count))
    return rows


def _department_groups(period: Period, scope: Scope) -> list[Any]:
    """Per department: investigations and distinct cases (a case has one department)."""
    stmt = (
        select(Case.department_id, func.count(distinct(Case.id)), func.count(Investigation.id))
        .select_from(Investigation)
        .join(Case, Case.id == Investigation.case_id)
        .where(*_where(period, scope))
        .group_by(Case.department_id)
    )
    return list(db.session.execute(stmt))


def outcome_figures(period: Period, scope: Scope) -> OutcomeFigures:
    groups = _investigation_groups(period, scope)
    by_outcome_all = _tally(groups, 0)
    forces = sorted(scope.forces, key=lambda f: f.code)
    code_of = {f.id: f.code for f in forces}
    by_department_rows = _department_groups(period, scope)
    departments = db.session.execute(
        select(Department.id, Department.code, Department.name, Force.code)
        .join(Force)
        .where(Department.force_id.in_([f.id for f in forces]))
        .order_by(Force.code, Department.name)
    ).all()
    shown = [
        row for row in departments if scope.department_ids is None or row[0] in scope.department_ids
    ]
    by_department_id = {row[0]: int(row[2]) for row in by_department_rows}
    by_outcome = complete({k: v for k, v in by_outcome_all.items() if k}, list(vocab.OUTCOMES))
    return OutcomeFigures(
        period=period,
        forces=[f.code for f in forces],
        total_investigations=sum(int(row[-1]) for row in groups),
        total_cases=sum(int(row[1]) for row in by_department_rows),
        open_investigations=by_outcome_all.get(None, 0),
        by_outcome=by_outcome,
        by_outcome_group=outcome_groups(by_outcome),
        by_role=complete(_tally(groups, 1), list(vocab.PERSON_ROLES)),
        by_rank_group=complete(_tally(groups, 2), list(vocab.RANK_GROUPS)),
        by_category=complete(
            _by(CaseCategory.code, period, scope, (CaseCategory, CaseCategory.case_id == Case.id)),
            list(vocab.CATEGORIES),
        ),
        by_platform=complete(
            _by(CasePlatform.code, period, scope, (CasePlatform, CasePlatform.case_id == Case.id)),
            list(vocab.PLATFORMS),
        ),
        by_force=complete(
            {code_of[k]: v for k, v in _tally(groups, 3).items()}, [f.code for f in forces]
        ),
        by_department={
            f"{force}/{code}": by_department_id.get(dept_id, 0) for dept_id, code, _, force in shown
        },
        by_year=complete(
            {period.year_key(int(y)): n for y, n in _tally(groups, 4).items()}, period.years()
        ),
        department_names={f"{force}/{code}": f"{name} ({force})" for _, code, name, force in shown},
        force_names={f.code: f.name for f in forces},
    )
