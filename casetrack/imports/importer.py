"""Two passes over the file: validate every row (nothing is written if anything is wrong),
then insert the new cases in batches. Both passes stream, so memory stays bounded.

Inserts go through the tables (SQLAlchemy Core executemany with RETURNING), not the ORM's
bulk path, which falls back to one statement per row for some of these models."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from casetrack.audit.service import record
from casetrack.cases.models import (
    Case,
    CaseCategory,
    CaseEvent,
    CasePlatform,
    Investigation,
    Person,
    ReferenceCounter,
)
from casetrack.cases.workflow import State
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.imports.reader import open_rows
from casetrack.imports.validate import (
    OUR_REFERENCE,
    ImportRow,
    Problem,
    RowChecker,
    check_header,
)
from casetrack.org.models import Department, Force
from casetrack.timeutil import today, utcnow

BATCH = 2000
CASE_COLUMNS = (
    "force",
    "department",
    "received_date",
    "source",
    "account_type",
    "platform",
    "categories",
    "summary",
    "referred_to_psd",
)
Progress = Callable[[int], None]


@dataclass(slots=True)
class CasePlan:
    """What pass 1 remembers of one reference. Pass 2 adds the id of the case it inserts."""

    first_line: int
    fingerprint: bytes  # 4 bytes of hash per case column, compared column by column
    open_rows: int = 0
    last_outcome: date | None = None
    subjects: bytes = b""  # 8 bytes of hash per staff number seen (no two are the same)
    case_id: int | None = None
    force: int = 0  # the rows' force, as its place in Plan.forces

    # first line, open rows, last outcome (ordinal), case id, force
    _HEAD = struct.Struct("<IIiqH")

    def pack(self) -> bytes:
        outcome = self.last_outcome.toordinal() if self.last_outcome else 0
        head = self._HEAD.pack(
            self.first_line, self.open_rows, outcome, self.case_id or 0, self.force
        )
        return head + self.fingerprint + self.subjects

    @classmethod
    def unpack(cls, packed: bytes) -> CasePlan:
        line, open_rows, outcome, case_id, force = cls._HEAD.unpack_from(packed)
        split = cls._HEAD.size + FINGERPRINT_SIZE
        return cls(
            line,
            packed[cls._HEAD.size : split],
            open_rows,
            date.fromordinal(outcome) if outcome else None,
            packed[split:],
            case_id or None,
            force,
        )


FINGERPRINT_SIZE = 4 * len(CASE_COLUMNS)


def _fingerprint(values: Iterable[str]) -> bytes:
    return b"".join((hash(value) & 0xFFFFFFFF).to_bytes(4, "little") for value in values)


class CasePlans:
    """Reference → CasePlan, one per case in the file, so memory grows with the file: each is
    kept packed in one bytes object (about 200 bytes with its key, a third of a dataclass).
    Read with plans[ref] / plans.get(ref); store changes back with plans.put(ref, plan)."""

    def __init__(self) -> None:
        self._packed: dict[str, bytes] = {}

    def __contains__(self, reference: object) -> bool:
        return reference in self._packed

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)

    def __getitem__(self, reference: str) -> CasePlan:
        return CasePlan.unpack(self._packed[reference])

    def get(self, reference: str) -> CasePlan | None:
        packed = self._packed.get(reference)
        return None if packed is None else CasePlan.unpack(packed)

    def put(self, reference: str, plan: CasePlan) -> None:
        self._packed[reference] = plan.pack()


@dataclass
class Plan:
    path: Path
    rows: int = 0
    cases: CasePlans = field(default_factory=CasePlans)
    existing: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    forces: list[str] = field(default_factory=list)  # CasePlan.force → force code
    refused: int = 0  # references already used by a case that may not be reported

    def force_of(self, reference: str) -> str:
        return self.forces[self.cases[reference].force]

    @property
    def new_references(self) -> list[str]:
        return [ref for ref in self.cases if ref not in self.existing]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Summary:
    rows: int
    cases_created: int
    investigations_created: int
    people_created: int
    skipped: list[str]


def _forces() -> tuple[dict[str, Force], dict[str, set[str]]]:
    forces = {f.code: f for f in db.session.scalars(select(Force))}
    departments: dict[str, set[str]] = {code: set() for code in forces}
    for force_code, dept_code in db.session.execute(
        select(Force.code, Department.code).join(Department.force)
    ):
        departments[force_code].add(dept_code)
    return forces, departments


def plan(
    path: Path,
    allowed_forces: set[str] | None = None,
    progress: Progress | None = None,
    viewer: Any = None,
) -> Plan:
    """Pass 1: check every row; work out what would be created and skipped.

    `viewer` is the user who will see the result (the web import): a reference is reported
    as already in CaseTrack only if it is a case of the row's force that the viewer may see.
    Without one (the command line: the operator, any force) every case counts."""
    result = Plan(path)
    header, rows = open_rows(path)
    with rows:
        result.problems = check_header(header)
        if result.problems:
            return result
        _, departments = _forces()
        checker = RowChecker(departments, today())
        for line, raw in rows:
            result.rows += 1
            row = checker.check(line, raw)
            if row is not None:
                _add_to_plan(result, row, checker, allowed_forces)
            if progress and result.rows % 1000 == 0:
                progress(result.rows)
    result.problems = checker.problems + result.problems
    _match_existing(result, viewer)
    result.problems.sort(key=lambda p: (p.line, p.column))
    return result


def _add_to_plan(
    result: Plan, row: ImportRow, checker: RowChecker, allowed: set[str] | None
) -> None:
    if allowed is not None and row.force not in allowed:
        checker.problems.append(
            Problem(row.line, "force", f"{row.force} is not one of your forces")
        )
        return
    fingerprint = _fingerprint(row.case_fields())
    case = result.cases.get(row.reference)
    if case is None:
        if row.force not in result.forces:
            result.forces.append(row.force)
        case = CasePlan(row.line, fingerprint, force=result.forces.index(row.force))
    elif case.fingerprint != fingerprint:
        differing = [
            name
            for i, name in enumerate(CASE_COLUMNS)
            if case.fingerprint[4 * i : 4 * i + 4] != fingerprint[4 * i : 4 * i + 4]
        ]
        for column in differing:
            checker.problems.append(
                Problem(
                    row.line,
                    column,
                    f"differs from line {case.first_line}, which has the same "
                    f"reference {row.reference}",
                )
            )
        return
    if row.subject_number:
        seen = (hash(row.subject_number) & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little")
        if any(case.subjects[i : i + 8] == seen for i in range(0, len(case.subjects), 8)):
            checker.problems.append(
                Problem(
                    row.line,
                    "subject_number",
                    f"{row.subject_number} is already a subject of {row.reference}",
                )
            )
            return
        case.subjects += seen
    if row.outcome is None:
        case.open_rows += 1
    elif case.last_outcome is None or row.outcome_date > case.last_outcome:  # type: ignore[operator]
        case.last_outcome = row.outcome_date
    result.cases.put(row.reference, case)


NOT_YOURS = (
    "cannot be imported by you: give the case another reference, or ask the CaseTrack "
    "operator to import it"
)


def _match_existing(result: Plan, viewer: Any) -> None:
    """Which of the file's references are cases already (skipped), and which are taken.

    A reference is skipped only when it is a case of the row's own force that whoever sees the
    result may see. References are unique across CaseTrack (cases.reference), so one used by
    any other case cannot be imported: that row is a problem. The web import says so without
    naming or confirming a case the head of PSD may not see (another force's, or one in which
    they are a subject); the operator at the command line sees every case, and is told whose."""
    from casetrack.cases.access import visible_cases

    force_ids = {
        code: force_id for force_id, code in db.session.execute(select(Force.id, Force.code))
    }
    codes = {force_id: code for code, force_id in force_ids.items()}
    references = list(result.cases)
    for start in range(0, len(references), 500):
        chunk = references[start : start + 500]
        found = db.session.execute(
            select(Case.id, Case.reference, Case.force_id).where(Case.reference.in_(chunk))
        ).all()
        if not found:
            continue
        seen: set[int] | None = None
        if viewer is not None:
            ids = [case_id for case_id, _, _ in found]
            seen = set(
                db.session.scalars(select(Case.id).where(Case.id.in_(ids), visible_cases(viewer)))
            )
        for case_id, reference, force_id in found:
            row_force = result.force_of(reference)
            may_see = seen is None or case_id in seen
            if may_see and force_ids.get(row_force) == force_id:
                result.existing.add(reference)
                continue
            if may_see:
                message = (
                    f"{reference} is already the reference of a case of {codes[force_id]}, "
                    f"but the row's force is {row_force}"
                )
            else:
                message = f"{reference} {NOT_YOURS}"
                result.refused += 1
            result.problems.append(
                Problem(result.cases[reference].first_line, "reference", message)
            )


def record_check(checked: Plan, source_name: str | None = None) -> None:
    """Audit a check whose result is shown (the web preview, the command line's dry run or
    refusal): what it found, in counts, and which file — never the rows' content."""
    record(
        "import_checked",
        object_type="import",
        details={
            "file": source_name or checked.path.name,
            "sha256": file_digest(checked.path),
            "rows": checked.rows,
            "cases": len(checked.new_references) if checked.ok else 0,
            "skipped": len(checked.existing),
            "problems": len(checked.problems),
            "references_refused": checked.refused,
        },
    )


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def execute(
    checked: Plan,
    actor_name: str,
    actor_id: int | None = None,
    progress: Progress | None = None,
    source_name: str | None = None,
) -> Summary:
    """Pass 2: insert the new cases (never commits; the caller commits once)."""
    if not checked.ok:
        raise DomainError(f"{len(checked.problems)} problem(s) in the file: nothing imported")
    for reference in checked.cases:  # a plan may be executed again after a rollback
        case = checked.cases[reference]
        if case.case_id is not None:
            case.case_id = None
            checked.cases.put(reference, case)
    writer = _Writer(checked, actor_name, actor_id, source_name or checked.path.name)
    _, rows = open_rows(checked.path)
    with rows:
        for count, (line, raw) in enumerate(rows, start=1):
            writer.add(line, raw)
            if progress and count % 1000 == 0:
                progress(count)
    writer.flush()
    writer.bump_reference_counters()
    record(
        "cases_imported",
        object_type="import",
        details={
            "file": source_name or checked.path.name,
            "sha256": file_digest(checked.path),
            "rows": checked.rows,
            "cases": writer.cases_created,
            "investigations": writer.investigations_created,
            "skipped": len(checked.existing),
        },
        actor=(actor_id, actor_name),
    )
    return Summary(
        checked.rows,
        writer.cases_created,
        writer.investigations_created,
        writer.people_created,
        sorted(checked.existing),
    )


class _Writer:
    """Buffers rows and writes them with bulk inserts, a batch at a time."""

    def __init__(self, checked: Plan, actor_name: str, actor_id: int | None, source: str):
        self.plan, self.actor_name, self.actor_id, self.source = (
            checked,
            actor_name,
            actor_id,
            source,
        )
        self.forces, departments = _forces()
        self.department_ids = {
            (f, d): i
            for f, d, i in db.session.execute(
                select(Force.code, Department.code, Department.id).join(Department.force)
            )
        }
        self.checker = RowChecker(departments, today())
        self.pending: list[ImportRow] = []
        self.cases_created = self.investigations_created = self.people_created = 0
        self.counters: dict[tuple[int, int], int] = {}

    def _known_people(self, rows: list[ImportRow]) -> dict[tuple[int, str], int]:
        """The workforce records this batch's subjects match (looked up per batch, so memory
        does not grow with the file; people created by earlier batches are found too)."""
        wanted: dict[int, set[str]] = {}
        for r in rows:
            if r.subject_number:
                wanted.setdefault(self.forces[r.force].id, set()).add(r.subject_number)
        known: dict[tuple[int, str], int] = {}
        for force_id, numbers in wanted.items():
            for person_id, number in db.session.execute(
                select(Person.id, Person.staff_number).where(
                    Person.force_id == force_id, Person.staff_number.in_(sorted(numbers))
                )
            ):
                known[(force_id, number)] = person_id
        return known

    def add(self, line: int, raw: dict[str, str]) -> None:
        row = self.checker.check(line, raw)
        if row is None or row.reference in self.plan.existing:
            return
        self.pending.append(row)
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        rows, self.pending = self.pending, []
        self._insert_cases([r for r in rows if self.plan.cases[r.reference].case_id is None])
        person_ids = self._insert_people(rows)
        db.session.execute(
            insert(Investigation.__table__),
            [
                {
                    "case_id": self.plan.cases[r.reference].case_id,
                    "person_id": person_ids[i],
                    "severity": r.severity or "not_assessed",
                    "outcome": r.outcome,
                    "outcome_date": r.outcome_date,
                    "proceedings": r.proceedings,
                    "finding": r.finding,
                    "appeal": r.appeal,
                }
                for i, r in enumerate(rows)
            ],
        )
        self.investigations_created += len(rows)

    def _insert_cases(self, rows: list[ImportRow]) -> None:
        firsts = list({r.reference: r for r in reversed(rows)}.values())
        if not firsts:
            return
        values = [self._case_values(r) for r in firsts]
        for new_id, reference in _insert_returning(
            insert(Case.__table__).returning(Case.id, Case.reference), values
        ):
            case = self.plan.cases[reference]
            case.case_id = new_id
            self.plan.cases.put(reference, case)
        self.cases_created += len(firsts)
        for r in firsts:
            self._remember_counter(r)
        codes = [(CaseCategory, "categories"), (CasePlatform, "platforms")]
        for model, attribute in codes:
            values = [
                {"case_id": self.plan.cases[r.reference].case_id, "code": code}
                for r in firsts
                for code in getattr(r, attribute)
            ]
            if values:
                db.session.execute(insert(model.__table__), values)
        now = utcnow()
        db.session.execute(
            insert(CaseEvent.__table__),
            [
                {
                    "case_id": self.plan.cases[r.reference].case_id,
                    "at": now,
                    "actor_id": self.actor_id,
                    "actor_name": self.actor_name,
                    "action": "imported",
                    "from_state": None,
                    "to_state": self._state(r),
                    "note": f"Imported from {self.source}, line {r.line}.",
                }
                for r in firsts
            ],
        )

    def _state(self, row: ImportRow) -> str:
        case = self.plan.cases[row.reference]
        if case.open_rows == 0:
            return State.CLOSED.value
        return State.PSD_INVESTIGATION.value if row.referred else State.ASSESSED.value

    def _case_values(self, r: ImportRow) -> dict[str, Any]:
        force = self.forces[r.force]
        state = self._state(r)
        case = self.plan.cases[r.reference]
        return {
            "reference": r.reference,
            "force_id": force.id,
            "department_id": self.department_ids.get((r.force, r.department)),
            "state": state,
            "received_date": r.received,
            "source": r.source,
            "case_type": "complaint" if r.source == "public_complaint" else "conduct_matter",
            "account_type": r.account_type,
            "content_urls": "",
            "content_posted_dates": "",
            "summary": r.summary,
            "reporter_anonymous": False,
            "restricted": False,
            "imported": True,
            "referred_on": r.received if r.referred else None,
            "closed_on": case.last_outcome if state == State.CLOSED else None,
            "created_at": utcnow(),
            "updated_at": utcnow(),
            "version": 1,
        }

    def _insert_people(self, rows: list[ImportRow]) -> list[int]:
        """Match subjects by force and staff number; create the ones not known yet."""
        people = self._known_people(rows)
        new: dict[tuple[int, str], ImportRow] = {}
        anonymous: list[int] = []
        for i, r in enumerate(rows):
            key = (self.forces[r.force].id, r.subject_number or "")
            if not r.subject_number:
                anonymous.append(i)
            elif key not in people and key not in new:
                new[key] = r
        to_create = [(key, r) for key, r in new.items()] + [
            ((self.forces[rows[i].force].id, ""), rows[i]) for i in anonymous
        ]
        created: list[int] = []
        if to_create:
            stmt = insert(Person.__table__).returning(Person.id, sort_by_parameter_order=True)
            result = _insert_returning(
                stmt,
                [
                    {
                        "force_id": key[0],
                        "staff_number": key[1] or None,
                        "name": r.subject_name,
                        "role": r.subject_role,
                        "rank": r.subject_rank,
                        "department_id": self.department_ids.get((r.force, r.department)),
                        "politically_restricted": False,
                    }
                    for key, r in to_create
                ],
            )
            created = [row[0] for row in result]
            self.people_created += len(created)
        for (key, _r), person_id in zip(to_create[: len(new)], created, strict=False):
            people[key] = person_id
        anonymous_ids = dict(zip(anonymous, created[len(new) :], strict=True))
        return [
            anonymous_ids[i]
            if i in anonymous_ids
            else people[(self.forces[r.force].id, r.subject_number or "")]
            for i, r in enumerate(rows)
        ]

    def _remember_counter(self, row: ImportRow) -> None:
        match = OUR_REFERENCE.match(row.reference)
        if match and match[1] == row.force and row.force in self.forces:
            key = (self.forces[match[1]].id, int(match[2]))
            self.counters[key] = max(self.counters.get(key, 0), int(match[3]))

    def bump_reference_counters(self) -> None:
        """New references never collide with imported ones of the same force and year."""
        for (force_id, year), last in self.counters.items():
            counter = db.session.get(ReferenceCounter, (force_id, year))
            if counter is None:
                db.session.add(ReferenceCounter(force_id=force_id, year=year, last=last))
            elif counter.last < last:
                counter.last = last
        db.session.flush()


RETURNING_PAGE = 200


def _insert_returning(stmt: Any, values: list[dict[str, Any]]) -> list[Any]:
    """INSERT … RETURNING in pages of exactly RETURNING_PAGE rows, the rest a row at a time,
    returning the rows in parameter order. Multi-row statements of every batch's own size would
    each be a new statement: SQLite's connection keeps up to 128 of them prepared, each as big
    as its rows, which made a 100,000-row import's memory grow by ~40 MB. Two shapes only."""
    found: list[Any] = []
    full = len(values) - len(values) % RETURNING_PAGE
    for start in range(0, full, RETURNING_PAGE):
        page = values[start : start + RETURNING_PAGE]
        found.extend(
            db.session.execute(
                stmt, page, execution_options={"insertmanyvalues_page_size": RETURNING_PAGE}
            )
        )
    for value in values[full:]:
        found.extend(db.session.execute(stmt, [value]))
    return found


def refresh_statistics() -> None:
    """After a bulk load, let the query planner see the new data (SQLite never gathers
    statistics by itself, and without them it sorts whole tables for the case list)."""
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


def iterate_problems(checked: Plan) -> Iterator[str]:
    for problem in checked.problems:
        yield str(problem)
