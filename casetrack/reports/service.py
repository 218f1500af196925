"""Compute outcome figures with grouped queries in the database (never loading cases)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    select,
    text,
)

from casetrack import vocab
from casetrack.cases.models import Case, CaseCategory, CasePlatform, Investigation, Person
from casetrack.cases.workflow import State
from casetrack.extensions import db
from casetrack.org.models import Department, Force
from casetrack.reports.figures import (
    OutcomeFigures,
    Period,
    complete,
    median_of,
    outcome_groups,
)
from casetrack.timeutil import today


@dataclass(frozen=True)
class Scope:
    """Which investigations a report covers: forces, and for Standards Managers departments."""

    forces: Sequence[Force]
    department_ids: Sequence[int] | None = None  # None: the whole of each force
    reader: Any = None  # a case-role user: only the cases they may see (visible_cases)


def _where(period: Period, scope: Scope) -> list[Any]:
    conditions = [
        Case.received_date >= period.start,
        Case.received_date <= period.end,
        Case.state != State.WITHDRAWN.value,
        Case.force_id.in_([force.id for force in scope.forces]),
    ]
    if scope.department_ids is not None:
        conditions.append(Case.department_id.in_(list(scope.department_ids)))
    if scope.reader is not None:
        from casetrack.cases.access import visible_cases

        conditions.append(visible_cases(scope.reader))
    return conditions


def _investigations(period: Period, scope: Scope) -> Select:
    return (
        select()
        .select_from(Investigation)
        .join(Case, Case.id == Investigation.case_id)
        .where(*_where(period, scope))
    )


def _queries(period: Period, scope: Scope) -> dict[str, Select]:
    """The grouped queries every figure is summed from (a few thousand rows in all), run side
    by side (_run_together).

    Over the period's investigations — subjects: (outcome, role, rank, n); proceedings:
    (proceedings, finding, days to finalise, days of those suspended, n) over the finalised
    ones (SPEC §14.3). Over the period's cases with subjects, each weighing its number of
    subjects (cases.subject_count, kept by the database) — places: (force id, department id,
    month received, investigations, cases); category / platform: (code, investigations)."""
    subject_columns = (Investigation.outcome, Person.role, Person.rank)
    month = _month_received()
    cases = select().select_from(Case).where(*_where(period, scope), Case.subject_count > 0)
    subjects = func.sum(Case.subject_count)
    queries = {
        "subjects": _investigations(period, scope)
        .add_columns(*subject_columns, func.count())
        .join(Person, Person.id == Investigation.person_id)
        .group_by(*subject_columns),
        "places": cases.add_columns(
            Case.force_id, Case.department_id, month, subjects, func.count()
        ).group_by(Case.force_id, Case.department_id, month),
    }
    finalised = _investigations(period, scope).where(Investigation.outcome.is_not(None))
    days, suspended = _days_to_finalise()
    columns = (Investigation.proceedings, Investigation.finding, days, suspended)
    queries["proceedings"] = finalised.add_columns(*columns, func.count()).group_by(*columns)
    for name, model in (("category", CaseCategory), ("platform", CasePlatform)):
        queries[name] = (
            cases.add_columns(model.code, subjects)
            .join(model, model.case_id == Case.id)
            .group_by(model.code)
        )
    return queries


def _month_received() -> Any:
    """The month a case was received, "2026-04", in the database; Period.year_of_month gives
    its report year. On SQLite a slice of the stored date groups a third faster than the year
    worked out with strftime."""
    received = Case.received_date
    if db.session.get_bind().dialect.name == "sqlite":
        return func.substr(received, 1, 7)
    return func.to_char(received, "YYYY-MM")


def _days_to_finalise() -> tuple[Any, Any]:
    """Days from receipt to the outcome, and the days of those spent suspended (the overlap of
    the suspension with them), as SQL on either database (SPEC §14.3)."""
    sqlite = db.session.get_bind().dialect.name == "sqlite"

    def days(later: Any, earlier: Any) -> Any:
        if sqlite:
            return cast(func.julianday(later) - func.julianday(earlier), Integer)
        return later - earlier

    least, greatest = (func.min, func.max) if sqlite else (func.least, func.greatest)
    outcome, received = Investigation.outcome_date, Case.received_date
    end = least(func.coalesce(Investigation.suspended_to, outcome), outcome)
    start = greatest(Investigation.suspended_from, received)
    suspended = case(
        (
            and_(Investigation.suspended_from.is_not(None), end > start),
            days(end, start),
        ),
        else_=0,
    )
    return days(outcome, received), suspended


def _proceedings_figures(rows: list[Any]) -> tuple[dict[str, int], dict[str, int]]:
    """By proceedings and by finding (SPEC §14.3): "not_applicable" is a finding where there
    were no proceedings; "not_recorded" a record that does not say (most imported history)."""
    by_proceedings: dict[str, int] = {}
    by_finding: dict[str, int] = {}
    for proceedings, finding, _days, _suspended, n in rows:
        kind = proceedings if proceedings in vocab.PROCEEDINGS else "not_recorded"
        if kind == "none":
            found = "not_applicable"
        else:
            found = finding if finding in vocab.FINDINGS else "not_recorded"
        by_proceedings[kind] = by_proceedings.get(kind, 0) + int(n)
        by_finding[found] = by_finding.get(found, 0) + int(n)
    return (
        complete(by_proceedings, list(vocab.PROCEEDINGS_FIGURES)),
        complete(by_finding, list(vocab.FINDING_FIGURES)),
    )


def _timeliness(rows: list[Any]) -> dict[str, float | None]:
    total: dict[int, int] = {}
    unsuspended: dict[int, int] = {}
    for _proceedings, _finding, days, suspended, n in rows:
        if days is None:
            continue
        total[int(days)] = total.get(int(days), 0) + int(n)
        key = int(days) - int(suspended or 0)
        unsuspended[key] = unsuspended.get(key, 0) + int(n)
    return {
        "median_days_to_finalise": median_of(total),
        "median_days_to_finalise_excluding_suspension": median_of(unsuspended),
    }


def _run_together(queries: dict[str, Select]) -> dict[str, list[Any]]:
    """Run the figures' statements side by side, each on a connection of its own (both
    databases work on one core per statement and the drivers release the GIL meanwhile), so
    the figures take about as long as the slowest statement, and so that they agree.

    PostgreSQL: every connection reads one snapshot. The first opens a REPEATABLE READ
    transaction and exports its snapshot (pg_export_snapshot); the others import it before
    their first read, so a case committed meanwhile is in none of the figures rather than in
    some. SQLite: each reader sees the last commit when it starts, as SQLite's single writer
    allows. An in-memory SQLite database (one connection shared by every thread, tests) runs
    them in turn."""
    engine = db.engine
    if engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"):
        return {name: list(db.session.execute(stmt)) for name, stmt in queries.items()}
    with ExitStack() as stack:
        connections = []
        snapshot = None
        for _ in queries:
            conn = stack.enter_context(engine.connect())
            if engine.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
                stack.enter_context(conn.begin())
                if snapshot is None:  # the first statement fixes the snapshot
                    snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                else:  # a statement that takes no parameters; the id is the server's own
                    if not re.fullmatch(r"[0-9A-Fa-f-]+", snapshot):
                        raise RuntimeError(f"unexpected snapshot id {snapshot!r}")
                    conn.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
            connections.append(conn)

        def fetch(conn: Any, stmt: Any) -> list[Any]:
            return list(conn.execute(stmt))

        with ThreadPoolExecutor(max_workers=len(queries)) as pool:
            futures = {
                name: pool.submit(fetch, conn, stmt)
                for conn, (name, stmt) in zip(connections, queries.items(), strict=True)
            }
            return {name: future.result() for name, future in futures.items()}


def _tally(rows: Any, key: int, value: int = -1) -> dict[Any, int]:
    """Sum one count column of grouped rows by one of their columns."""
    totals: dict[Any, int] = {}
    for row in rows:
        totals[row[key]] = totals.get(row[key], 0) + int(row[value])
    return totals


def outcome_figures(period: Period, scope: Scope) -> OutcomeFigures:
    """Five grouped statements (_queries); every figure is a sum over their groups."""
    found = _run_together(_queries(period, scope))
    subjects = [
        (outcome, role, vocab.rank_group(role, rank), int(n))
        for outcome, role, rank, n in found["subjects"]
    ]
    places = [
        (f, d, period.year_of_month(month), int(n), int(c)) for f, d, month, n, c in found["places"]
    ]
    codes = {kind: {code: int(n) for code, n in found[kind]} for kind in ("category", "platform")}
    by_outcome_all = _tally(subjects, 0)
    by_proceedings, by_finding = _proceedings_figures(found["proceedings"])
    forces = sorted(scope.forces, key=lambda f: f.code)
    code_of = {f.id: f.code for f in forces}
    departments = db.session.execute(
        select(Department.id, Department.code, Department.name, Force.code)
        .join(Force)
        .where(Department.force_id.in_([f.id for f in forces]))
        .order_by(Force.code, Department.name)
    ).all()
    shown = [
        row for row in departments if scope.department_ids is None or row[0] in scope.department_ids
    ]
    by_department_id = _tally(places, 1, 3)
    by_outcome = complete({k: v for k, v in by_outcome_all.items() if k}, list(vocab.OUTCOMES))
    return OutcomeFigures(
        period=period,
        forces=[f.code for f in forces],
        total_investigations=sum(row[-1] for row in subjects),
        total_cases=sum(row[4] for row in places),
        open_investigations=by_outcome_all.get(None, 0),
        by_outcome=by_outcome,
        by_outcome_group=outcome_groups(by_outcome),
        by_role=complete(_tally(subjects, 1), list(vocab.PERSON_ROLES)),
        by_rank_group=complete(_tally(subjects, 2), list(vocab.RANK_GROUPS)),
        by_category=complete(codes["category"], list(vocab.CATEGORIES)),
        by_platform=complete(codes["platform"], list(vocab.PLATFORMS)),
        by_force=complete(
            {code_of[k]: v for k, v in _tally(places, 0, 3).items()}, [f.code for f in forces]
        ),
        by_department={
            f"{force}/{code}": by_department_id.get(dept_id, 0) for dept_id, code, _, force in shown
        },
        by_year=complete(
            {period.year_key(y): n for y, n in _tally(places, 2, 3).items()}, period.years(today())
        ),
        department_names={f"{force}/{code}": f"{name} ({force})" for _, code, name, force in shown},
        by_proceedings=by_proceedings,
        by_finding=by_finding,
        timeliness=_timeliness(found["proceedings"]),
        force_names={f.code: f.name for f in forces},
    )
