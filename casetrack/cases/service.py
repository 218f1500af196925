"""Record concerns and carry out workflow actions. Each change adds a timeline entry and an
audit entry in the caller's transaction; nothing here commits.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from casetrack import vocab
from casetrack.audit.service import record
from casetrack.auth.models import User
from casetrack.auth.permissions import Permission, Role, can
from casetrack.cases import deadlines, proceedings
from casetrack.cases.access import case_users
from casetrack.cases.models import (
    Case,
    CaseEvent,
    Investigation,
    PccNotification,
    Person,
    ReferenceCounter,
)
from casetrack.cases.workflow import (
    LOCAL_OUTCOMES,
    TRANSITIONS,
    Action,
    Allowed,
    CaseSnapshot,
    State,
    iopc_referral_may_apply,
    next_state,
    side_for,
)
from casetrack.errors import DomainError, Problems
from casetrack.extensions import db
from casetrack.org.models import Department, Force
from casetrack.org.numbers import normal_staff_number
from casetrack.queues import tasks
from casetrack.timeutil import today, utcnow

CONDUCT_REGULATIONS_2020 = proceedings.CONDUCT_REGULATIONS_2020
PRE_2020_OUTCOMES = proceedings.LEGACY  # replaced by reflective practice on 1 February 2020

IOPC_DATE_MISSING = "Enter the date of the IOPC referral"


def outcomes_for(case: Case) -> dict[str, str]:
    """The outcomes that may be recorded on this case now: no warnings or dismissal from local
    resolution, and the pre-2020 outcomes only for concerns received before 1 February 2020."""
    return {
        code: label
        for code, label in vocab.OUTCOMES.items()
        if (case.state != State.LOCAL_RESOLUTION or code in LOCAL_OUTCOMES)
        and (code not in PRE_2020_OUTCOMES or case.received_date < CONDUCT_REGULATIONS_2020)
    }


STALE_MESSAGE = "This case was changed by someone else — review and try again."


class StaleCase(DomainError):
    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE)


# ---- references and people ------------------------------------------------------------------


def allocate_reference(force: Force, year: int) -> str:
    """Next `<FORCE>-<YYYY>-<NNNNN>`: one atomic upsert, safe with concurrent writers."""
    dialect = db.engine.dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(ReferenceCounter)
        .values(force_id=force.id, year=year, last=1)
        .on_conflict_do_update(
            index_elements=["force_id", "year"], set_={"last": ReferenceCounter.last + 1}
        )
        .returning(ReferenceCounter.last)
    )
    number = db.session.execute(stmt).scalar_one()
    return f"{force.code}-{year}-{number:05d}"


def person_by_number(force: Force, staff_number: str | None) -> Person | None:
    """The force's workforce record with this number, however it was typed (SPEC §9.1)."""
    number = normal_staff_number(staff_number)
    if number is None:
        return None
    return db.session.scalar(
        select(Person).where(Person.force_id == force.id, Person.staff_number == number)
    )


@dataclass
class SubjectDetails:
    """A subject typed in while recording a concern (or imported)."""

    name: str | None
    staff_number: str | None
    role: str
    rank: str | None = None
    department: Department | None = None
    politically_restricted: bool = False


def _same_name(typed: str | None, recorded: str | None) -> bool:
    def norm(text: str | None) -> str:
        return " ".join(unicodedata.normalize("NFKC", text or "").split()).casefold()

    return bool(norm(typed)) and norm(typed) == norm(recorded)


def find_or_add_person(
    force: Force, details: SubjectDetails, *, visible_departments: Iterable[int] | None = None
) -> Person:
    """The workforce record with this staff number in this force, or a new one.

    `visible_departments`: the departments whose workforce records the user may see (a
    Standards Manager's own); None means every record of the force. A record outside them is
    never shown: it is used only when the name typed is the name it holds (the person is the
    same — one record per number keeps the conflict-of-interest rule and the person's history
    whole), and nothing from it is read back into the form or changed. Otherwise the number
    is refused without saying whose it is.
    """
    number = normal_staff_number(details.staff_number)
    if number and len(number) > 32:
        raise DomainError("Staff number must be 32 characters or fewer", "subject_number")
    if details.role not in vocab.PERSON_ROLES:
        raise DomainError(f"Unknown role {details.role!r}", "subject_role")
    if details.rank and details.rank not in vocab.RANKS:
        raise DomainError(f"Unknown rank {details.rank!r}", "subject_rank")
    if details.rank and details.role not in vocab.RANKED_ROLES:
        raise DomainError("Only police officers and special constables hold a rank", "subject_rank")
    if number:
        existing = person_by_number(force, number)
        if existing is not None:
            allowed = None if visible_departments is None else set(visible_departments)
            hidden = allowed is not None and existing.department_id not in allowed
            if hidden and not _same_name(details.name, existing.name):
                raise DomainError(
                    f"Staff number {number} is on a workforce record outside your departments "
                    "under a different name, which you cannot see. Check the number, and enter "
                    "the subject's full name as the force records it.",
                    "subject_number",
                )
            return existing
    person = Person(
        force=force,
        staff_number=number,
        name=(details.name or "").strip() or None,
        role=details.role,
        rank=details.rank or None,
        department=details.department,
        politically_restricted=details.politically_restricted,
    )
    db.session.add(person)
    db.session.flush()
    record(
        "person_added",
        object_type="person",
        object_id=person.id,
        details={"force": force.code, "staff_number": number},
    )
    return person


# ---- recording a concern --------------------------------------------------------------------


@dataclass
class ConcernDetails:
    received_date: date
    department: Department
    summary: str
    categories: list[str]
    case_type: str = "conduct_matter"
    source: str | None = None
    account_type: str | None = None
    platforms: list[str] = field(default_factory=list)
    account_handle: str | None = None
    content_urls: list[str] = field(default_factory=list)
    content_posted_dates: list[date] = field(default_factory=list)
    reporter_name: str | None = None
    reporter_contact: str | None = None
    reporter_anonymous: bool = False
    no_evidence_reason: str | None = None
    restricted: bool = False


def _event(
    case: Case, user: User | None, action: str, from_state: str | None, note: str = ""
) -> CaseEvent:
    event = CaseEvent(
        case=case,
        actor_id=user.id if user else None,
        actor_name=user.name if user else "system",
        action=action,
        from_state=from_state,
        to_state=case.state,
        note=note,
    )
    db.session.add(event)
    return event


def _check_codes(
    values: Iterable[str], vocabulary: dict[str, str], what: str, field_: str
) -> list[str]:
    values = list(dict.fromkeys(values))
    unknown = [v for v in values if v not in vocabulary]
    if unknown:
        raise DomainError(f"Unknown {what}: {', '.join(unknown)}", field_)
    return values


def validate_concern(details: ConcernDetails) -> None:
    if details.received_date > today():
        raise DomainError("The date received must be today or in the past", "received_date")
    late = [d for d in details.content_posted_dates if d > details.received_date]
    if late:
        raise DomainError(
            "Content cannot have been posted after the concern was received", "content_posted_dates"
        )
    room = Case.__table__.c.content_posted_dates.type.length  # ISO dates, one per line
    if len("\n".join(d.isoformat() for d in details.content_posted_dates)) > room:
        raise DomainError(
            f"Enter at most {(room + 1) // 11} dates the content was posted", "content_posted_dates"
        )
    if not details.summary.strip():
        raise DomainError("Enter a summary of the concern", "summary")
    if not details.categories:
        raise DomainError("Choose at least one policy breach category", "categories")
    _check_codes(details.categories, vocab.CATEGORIES, "category", "categories")
    _check_codes(details.platforms, vocab.PLATFORMS, "platform", "platforms")
    if details.case_type not in vocab.CASE_TYPES:
        raise DomainError("Choose whether this is a complaint or a conduct matter", "case_type")
    if details.source and details.source not in vocab.SOURCES:
        raise DomainError("Unknown source", "source")
    if details.account_type and details.account_type not in vocab.ACCOUNT_TYPES:
        raise DomainError("Unknown account type", "account_type")
    check_content_urls(details.content_urls)


def check_content_urls(urls: Iterable[str]) -> None:
    """Content addresses are real web addresses: http or https, with a host (SPEC §12)."""
    for url in urls:
        try:
            parts = urlsplit(url)
            real = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        except ValueError:  # e.g. an unclosed [IPv6 address
            real = False
        if not real or any(c.isspace() for c in url):
            shown = url if len(url) <= 60 else url[:57] + "…"
            raise DomainError(
                f"“{shown}” is not a web address: enter each address in full, one per line, "
                "starting https:// or http://",
                "content_urls",
            )


def record_concern(user: User, details: ConcernDetails, subjects: Sequence[Person]) -> Case:
    """A Standards Manager records a concern: the case starts in `logged`."""
    if not can(user, Permission.CASE_CREATE):
        raise DomainError("Only Standards Managers record concerns")
    if details.department.id not in user.department_ids:
        raise DomainError("You can only record concerns for your own departments", "department")
    validate_concern(details)
    if not subjects:
        raise DomainError("Add at least one subject", "subjects")
    force = details.department.force
    if any(person.force_id != force.id for person in subjects):
        raise DomainError("Every subject must belong to the case's force", "subjects")
    if user.staff_number and any(p.staff_number == user.staff_number for p in subjects):
        raise DomainError("You cannot record a concern about yourself", "subjects")
    config = current_app.config
    case = Case(
        reference=allocate_reference(force, details.received_date.year),
        force=force,
        department=details.department,
        state=State.LOGGED.value,
        received_date=details.received_date,
        source=details.source,
        case_type=details.case_type,
        account_type=details.account_type,
        account_handle=details.account_handle or None,
        content_urls="\n".join(details.content_urls),
        content_posted_dates="\n".join(d.isoformat() for d in details.content_posted_dates),
        summary=details.summary.strip(),
        reporter_name=details.reporter_name or None,
        reporter_contact=details.reporter_contact or None,
        reporter_anonymous=details.reporter_anonymous,
        no_evidence_reason=details.no_evidence_reason or None,
        restricted=details.restricted,
        created_by=user,
        assessment_due=deadlines.assessment_due(
            details.received_date, config["ASSESSMENT_DUE_WORKING_DAYS"]
        ),
    )
    case.platforms.extend(dict.fromkeys(details.platforms))
    case.categories.extend(dict.fromkeys(details.categories))
    for person in dict.fromkeys(subjects):
        case.investigations.append(Investigation(person=person))
    if details.restricted:
        case.named_users.append(user)  # the recorder keeps access to what they restricted
    db.session.add(case)
    db.session.flush()
    _event(
        case,
        user,
        "record",
        None,
        f"Concern recorded with {len(subjects)} subject{'s' if len(subjects) != 1 else ''}.",
    )
    record(
        "case_created",
        object_type="case",
        object_id=case.id,
        details={"reference": case.reference, "subjects": [p.id for p in subjects]},
    )
    tasks.after_concern(case, user)
    return case


def add_subject(case: Case, user: User, person: Person, version: int) -> Investigation:
    check_version(case, version)
    if case.state not in (State.LOGGED, State.ASSESSED):
        raise DomainError("Subjects can only be added before the case is resolved or referred")
    if not can(user, Permission.CASE_ASSESS, case):
        raise DomainError("Only the case's Standards Manager can add subjects")
    if person.force_id != case.force_id:
        raise DomainError("The subject must belong to the case's force", "subjects")
    if any(inv.person_id == person.id for inv in case.investigations):
        raise DomainError(f"{person.display_name} is already a subject of this case", "subjects")
    if user.staff_number and person.staff_number == user.staff_number:
        raise DomainError("You cannot add yourself as a subject", "subjects")
    investigation = Investigation(person=person)
    case.investigations.append(investigation)
    _touch(case)
    _event(case, user, "add_subject", case.state, f"Subject added: {person.display_name}.")
    record(
        "case_subject_added", object_type="case", object_id=case.id, details={"person": person.id}
    )
    return investigation


# ---- workflow actions -----------------------------------------------------------------------


def check_version(case: Case, version: int | None) -> None:
    """Optimistic locking: the form must have been made from the case as it is now."""
    if version is None or int(version) != case.version:
        raise StaleCase()


def _touch(case: Case) -> None:
    """Bump the version even when only child rows change (version_id_col counts the case row)."""
    case.updated_at = utcnow()


def iopc_required(case: Case) -> bool:
    return iopc_referral_may_apply(case.risk_flags, case.categories)


def iopc_reasons(case: Case) -> list[str]:
    """Which flags or categories make the IOPC criteria relevant, in words."""
    reasons = [
        vocab.label(vocab.RISK_FLAGS, f).lower()
        for f in case.risk_flags
        if f in vocab.IOPC_RISK_FLAGS
    ]
    reasons += [
        vocab.label(vocab.CATEGORIES, c).lower()
        for c in case.categories
        if c in vocab.IOPC_CATEGORIES
    ]
    return reasons


def snapshot(case: Case) -> CaseSnapshot:
    return CaseSnapshot(
        state=State(case.state),
        subjects_without_outcome=sum(1 for inv in case.investigations if not inv.outcome),
        iopc_required=iopc_required(case),
        iopc_decided=case.iopc_referred is not None and bool(case.iopc_rationale),
        investigator_assigned=case.investigator_id is not None,
        subjects_without_severity=sum(
            1 for inv in case.investigations if inv.severity == "not_assessed"
        ),
    )


def may_take(user: User, case: Case, action: Action) -> bool:
    """The table allows it now and this user is on the side that acts (and may see the case)."""
    state = State(case.state)
    if (state, action) not in TRANSITIONS:
        return False
    needed = Permission.CASE_ASSESS if side_for(action, state) == "sm" else Permission.CASE_PSD
    return can(user, needed, case)


def perform(case: Case, action: Action, user: User, version: int | None, **payload: Any) -> None:
    """Carry out one workflow action, or raise DomainError saying why not (nothing changed)."""
    check_version(case, version)
    if not can(user, Permission.CASE_VIEW, case):
        raise DomainError("You do not have access to this case")
    result = next_state(snapshot(case), action)
    if not isinstance(result, Allowed):
        raise DomainError(result.reason)
    if not may_take(user, case, action):
        side = side_for(action, State(case.state))
        who = "the case's Standards Manager" if side == "sm" else "PSD"
        raise DomainError(f"Only {who} can {action.phrase} at this stage")
    before = case.state
    note, details = _HANDLERS[action](case, user, **payload)
    case.state = result.new_state.value
    _touch(case)
    _event(case, user, action.value, before, note)
    record(
        f"case_{action.value}",
        object_type="case",
        object_id=case.id,
        details={"reference": case.reference, "from": before, "to": case.state, **details},
    )
    tasks.after_action(case, action, user, before)


def _text(
    value: str | None, what: str, field_: str, required: bool = True, limit: int = 5000
) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"Enter {what}", field_)
    if len(value) > limit:
        raise DomainError(f"{what.capitalize()} must be {limit} characters or fewer", field_)
    return value


def _investigation(case: Case, investigation_id: Any) -> Investigation:
    for inv in case.investigations:
        if str(inv.id) == str(investigation_id):
            return inv
    raise DomainError("Choose a subject of this case", "investigation")


def _assess(
    case: Case,
    user: User,
    *,
    subjects: dict[int, tuple[str, list[str]]],
    risk_flags: list[str],
    interim_measures: list[str],
    rationale: str,
) -> tuple[str, dict]:
    rationale = _text(rationale, "the rationale for the assessment", "rationale")
    risk_flags = _check_codes(risk_flags, vocab.RISK_FLAGS, "risk flag", "risk_flags")
    interim_measures = _check_codes(
        interim_measures, vocab.INTERIM_MEASURES, "interim measure", "interim_measures"
    )
    lines = []
    for inv in case.investigations:
        severity, standards = subjects.get(inv.id, ("not_assessed", []))
        if severity not in vocab.SEVERITIES:
            raise DomainError(
                "Choose a provisional severity for every subject", f"severity_{inv.id}"
            )
        standards = _check_codes(standards, vocab.STANDARDS, "standard", f"standards_{inv.id}")
        inv.severity = severity
        inv.standards.clear()
        inv.standards.extend(standards)
        lines.append(f"{inv.person.display_name}: {vocab.label(vocab.SEVERITIES, severity)}")
    case.assessment_due = None  # the assessment is done: that clock stops
    case.risk_flags.clear()
    case.risk_flags.extend(risk_flags)
    case.interim_measures.clear()
    case.interim_measures.extend(interim_measures)
    case.assessment_rationale = rationale
    note = "Provisional severity — " + "; ".join(lines) + ". " + rationale
    return note, {"risk_flags": risk_flags, "interim_measures": interim_measures}


def _with_note(required_what: str | None = None) -> Any:
    def handler(case: Case, user: User, *, note: str = "") -> tuple[str, dict]:
        text = _text(note, required_what or "a note", "note", required=bool(required_what))
        return text, {}

    return handler


def _refer(case: Case, user: User, *, note: str = "") -> tuple[str, dict]:
    text = _text(note, "why the case is referred", "note", required=False)
    case.referred_on = today()
    case.decision_due = deadlines.decision_due(
        case.referred_on, current_app.config["PSD_DECISION_DUE_WORKING_DAYS"]
    )
    return text or "Referred to PSD.", {}


def psd_colleagues(case: Case) -> list[User]:
    """PSD users who may be assigned: of the case's force, active, never a subject."""
    # can() covers the force, restricted cases (head of PSD or named users) and conflicts.
    return case_users(case, [Role.PSD, Role.PSD_HEAD])


def _assign(case: Case, investigator_id: Any) -> User:
    investigator = next(
        (u for u in psd_colleagues(case) if str(u.id) == str(investigator_id)), None
    )
    if investigator is None:
        raise DomainError(
            "Choose a PSD investigator of this case's force who is not a subject of it",
            "investigator",
        )
    case.investigator = investigator
    return investigator


def _accept(
    case: Case, user: User, *, investigator_id: Any = None, note: str = ""
) -> tuple[str, dict]:
    text = _text(note, "a note", "note", required=False)
    case.investigation_started_on = today()
    config = current_app.config
    case.pcc_due = deadlines.next_pcc_due(
        case.investigation_started_on,
        [],
        config["PCC_FIRST_NOTIFICATION_MONTHS"],
        config["PCC_REPEAT_NOTIFICATION_MONTHS"],
    )
    case.decision_due = None
    details: dict[str, Any] = {}
    lines = ["Referral accepted."]
    if investigator_id:
        investigator = _assign(case, investigator_id)
        lines.append(f"Investigator: {investigator.name}.")
        details["investigator"] = investigator.id
    return " ".join(lines + ([text] if text else [])), details


def _return(case: Case, user: User, *, note: str = "") -> tuple[str, dict]:
    text = _text(note, "your advice to the Standards Manager", "note")
    case.decision_due = None
    return "Returned with advice: " + text, {}


def _assign_action(case: Case, user: User, *, investigator_id: Any = None) -> tuple[str, dict]:
    investigator = _assign(case, investigator_id)
    return f"Investigator assigned: {investigator.name}.", {"investigator": investigator.id}


def _severity(
    case: Case, user: User, *, severities: dict[int, str], rationale: str
) -> tuple[str, dict]:
    rationale = _text(rationale, "the rationale for the severity assessment", "rationale")
    lines = []
    for inv in case.investigations:
        severity = severities.get(inv.id)
        if severity not in vocab.SEVERITIES or severity == "not_assessed":
            raise DomainError(
                "Choose misconduct, gross misconduct or neither for every subject",
                f"severity_{inv.id}",
            )
        inv.severity = severity
        inv.psd_assessed = True
        lines.append(f"{inv.person.display_name}: {vocab.label(vocab.SEVERITIES, severity)}")
    return "Severity assessment — " + "; ".join(lines) + ". " + rationale, {
        "severities": {str(k): v for k, v in severities.items()}
    }


def _iopc(
    case: Case,
    user: User,
    *,
    referred: bool | None,
    referral_date: date | None,
    reference: str | None,
    rationale: str,
) -> tuple[str, dict]:
    problems = Problems()
    if referred is None:
        problems.add("Choose whether the matter was referred to the IOPC", "referred")
    if referred and referral_date is None:
        problems.add(IOPC_DATE_MISSING, "referral_date")
    if referral_date and referral_date > today():
        problems.add("The referral date must be today or in the past", "referral_date")
    if referral_date and referral_date < case.received_date:
        problems.add("The referral date cannot be before the concern was received", "referral_date")
    rationale = problems.check(_text, rationale, "the rationale for the decision", "rationale")
    problems.raise_any()
    case.iopc_referred = referred
    case.iopc_date = referral_date if referred else None
    case.iopc_reference = (reference or "").strip()[:64] or None if referred else None
    case.iopc_rationale = rationale
    decision = "Referred to the IOPC" if referred else "Not referred to the IOPC"
    return f"{decision}. {rationale}", {"referred": referred}


def _outcome(
    case: Case,
    user: User,
    *,
    investigation_id: Any,
    outcome: str,
    outcome_date: date | None,
    rationale: str | None = None,
) -> tuple[str, dict]:
    inv = _investigation(case, investigation_id)
    problems = Problems()
    psd_side = case.state == State.PSD_INVESTIGATION
    if outcome not in vocab.OUTCOMES:
        problems.add("Choose an outcome", "outcome")
    elif case.state == State.LOCAL_RESOLUTION and outcome not in LOCAL_OUTCOMES:
        problems.add(
            "Written warnings, reduction in rank and dismissal can only come "
            "from a PSD investigation: refer the case instead",
            "outcome",
        )
    elif psd_side or (
        outcome in PRE_2020_OUTCOMES and case.received_date >= CONDUCT_REGULATIONS_2020
    ):
        # What the proceedings allow (SPEC §14.1, casetrack/cases/proceedings.py); in local
        # resolution only the 1 February 2020 rule applies.
        refusal = proceedings.outcome_refusal(standing(case, inv), outcome)
        if refusal:
            problems.add(refusal, "outcome")
    why = problems.check(
        _text, rationale, "the rationale for the outcome", "rationale", required=psd_side
    )
    if outcome_date is None:
        problems.add("Enter the date of the outcome", "outcome_date")
    elif outcome_date > today():
        problems.add("The outcome date must be today or in the past", "outcome_date")
    elif outcome_date < case.received_date:
        problems.add("The outcome date cannot be before the concern was received", "outcome_date")
    problems.raise_any()
    inv.outcome, inv.outcome_date = outcome, outcome_date
    inv.outcome_rationale = why or None
    from casetrack.cases.proceedings_service import after_outcome

    after_outcome(case, inv, under_investigation=psd_side, by=user)
    return (
        f"Outcome for {inv.person.display_name}: {vocab.label(vocab.OUTCOMES, outcome)} "
        f"({outcome_date:%d/%m/%Y})." + (f" {why}" if why else "")
    ), {"investigation": inv.id, "outcome": outcome}


def standing(case: Case, inv: Investigation) -> proceedings.Standing:
    """Where one subject's matter stands, for the rules of casetrack/cases/proceedings.py."""
    return proceedings.Standing(
        role=inv.person.role,
        rank=inv.person.rank,
        received=case.received_date,
        severity=inv.severity,
        psd_assessed=bool(inv.psd_assessed),
        case_to_answer=inv.case_to_answer,
        proceedings=inv.proceedings,
        finding=inv.finding,
        fww_in_force=bool(inv.fww_in_force),
        unconnected_incidents=bool(inv.unconnected_incidents),
    )


def _pcc(case: Case, user: User, *, notified_on: date | None) -> tuple[str, dict]:
    if notified_on is None:
        raise DomainError("Enter the date the PCC was notified", "notified_on")
    if notified_on > today():
        raise DomainError("The notification date must be today or in the past", "notified_on")
    started = case.investigation_started_on or case.received_date
    if notified_on < started:
        raise DomainError(
            "The notification cannot be before the investigation started", "notified_on"
        )
    case.pcc_notifications.append(PccNotification(notified_on=notified_on))
    config = current_app.config
    case.pcc_due = deadlines.next_pcc_due(
        started,
        [n.notified_on for n in case.pcc_notifications],
        config["PCC_FIRST_NOTIFICATION_MONTHS"],
        config["PCC_REPEAT_NOTIFICATION_MONTHS"],
    )
    return f"PCC notified on {notified_on:%-d %B %Y}.", {"notified_on": notified_on.isoformat()}


def _close(case: Case, user: User, *, note: str = "") -> tuple[str, dict]:
    text = _text(note, "a note", "note", required=False)
    case.closed_on = today()
    case.pcc_due = case.decision_due = case.assessment_due = None
    return text or "Case closed: every subject has an outcome.", {}


def _reopen(case: Case, user: User, *, note: str = "") -> tuple[str, dict]:
    text = _text(note, "the reason for reopening", "note")
    case.closed_on = None
    case.investigation_started_on = case.investigation_started_on or today()
    config = current_app.config
    case.pcc_due = deadlines.next_pcc_due(
        case.investigation_started_on,
        [n.notified_on for n in case.pcc_notifications],
        config["PCC_FIRST_NOTIFICATION_MONTHS"],
        config["PCC_REPEAT_NOTIFICATION_MONTHS"],
    )
    previous = [
        f"{inv.person.display_name}: {vocab.label(vocab.OUTCOMES, inv.outcome)}"
        for inv in case.investigations
        if inv.outcome
    ]
    for inv in case.investigations:  # outcomes are reconsidered; the timeline keeps the old
        inv.outcome, inv.outcome_date = None, None
    return "Reopened: " + text + (
        " Previous outcomes — " + "; ".join(previous) + "." if previous else ""
    ), {}


def _withdraw(case: Case, user: User, *, note: str = "") -> tuple[str, dict]:
    text = _text(note, "the reason for withdrawing the concern", "note")
    case.assessment_due = None
    return "Withdrawn: " + text, {}


_HANDLERS = {
    Action.ASSESS: _assess,
    Action.RESOLVE_LOCALLY: _with_note("the reason for local resolution"),
    Action.REFER_TO_PSD: _refer,
    Action.PSD_ACCEPT: _accept,
    Action.PSD_RETURN: _return,
    Action.ASSIGN_INVESTIGATOR: _assign_action,
    Action.ASSESS_SEVERITY: _severity,
    Action.IOPC_DECISION: _iopc,
    Action.RECORD_OUTCOME: _outcome,
    Action.PCC_NOTIFICATION: _pcc,
    Action.CLOSE: _close,
    Action.REOPEN: _reopen,
    Action.WITHDRAW: _withdraw,
}
assert set(_HANDLERS) == set(Action)
