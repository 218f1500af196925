"""Correcting a case's details (SPEC §12): nothing is silently overwritten.

Each changed detail becomes a `CaseCorrection` (who, when, why, the value before and after), the
submission one timeline entry listing them, and one audit entry naming the fields. The audit
entry carries a SHA-256 of the old and new values rather than the values themselves: the audit
log outlives the case (retention deletes the case, never the log), so it holds no case content,
yet a value altered afterwards in the corrections table no longer matches its audit entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from casetrack import vocab
from casetrack.audit.service import record
from casetrack.auth.models import User
from casetrack.auth.permissions import Permission, can
from casetrack.cases import deadlines
from casetrack.cases.models import Case, CaseCorrection
from casetrack.cases.service import (
    ConcernDetails,
    _check_codes,
    _event,
    _text,
    _touch,
    check_version,
    validate_concern,
)
from casetrack.cases.workflow import State
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.queues import tasks
from casetrack.templating import format_date


@dataclass(frozen=True)
class Detail:
    """One correctable detail: its label, how to read it from a case and write it back, and
    how to show a value of it (on the timeline, in the case pack)."""

    label: str
    read: Callable[[Case], Any]
    write: Callable[[Case, Any], None]
    show: Callable[[Any], str]


def _attr(name: str) -> tuple[Callable[[Case], Any], Callable[[Case, Any], None]]:
    return (lambda case: getattr(case, name)), (lambda case, value: setattr(case, name, value))


def _codes_attr(name: str) -> tuple[Callable[[Case], Any], Callable[[Case, Any], None]]:
    def read(case: Case) -> tuple[str, ...]:
        return tuple(sorted(getattr(case, name)))

    def write(case: Case, value: tuple[str, ...]) -> None:
        rows = getattr(case, name)
        for code in [c for c in rows if c not in value]:
            rows.remove(code)
        rows.extend(c for c in value if c not in rows)

    return read, write


def _lines_attr(
    name: str, parse: Callable[[str], Any] = str, store: Callable[[Any], str] = str
) -> tuple[Callable[[Case], Any], Callable[[Case, Any], None]]:
    def read(case: Case) -> tuple[Any, ...]:
        return tuple(parse(line) for line in (getattr(case, name) or "").splitlines() if line)

    def write(case: Case, value: tuple[Any, ...]) -> None:
        setattr(case, name, "\n".join(store(v) for v in value))

    return read, write


def _text_value(value: Any) -> str:
    return value if value else "Not recorded"


def _label_of(vocabulary: dict[str, str]) -> Callable[[Any], str]:
    return lambda value: vocab.label(vocabulary, value) if value else "Not recorded"


def _labels_of(vocabulary: dict[str, str]) -> Callable[[Any], str]:
    return lambda values: "; ".join(vocab.label(vocabulary, v) for v in values) or "None"


def _dates(values: Iterable[date]) -> str:
    return ", ".join(format_date(d) for d in values) or "Not recorded"


DETAILS: dict[str, Detail] = {
    "received_date": Detail("Date received", *_attr("received_date"), format_date),
    "case_type": Detail("Type of case", *_attr("case_type"), _label_of(vocab.CASE_TYPES)),
    "source": Detail("How it came in", *_attr("source"), _label_of(vocab.SOURCES)),
    "account_type": Detail("Account type", *_attr("account_type"), _label_of(vocab.ACCOUNT_TYPES)),
    "platforms": Detail("Platforms", *_codes_attr("platforms"), _labels_of(vocab.PLATFORMS)),
    "account_handle": Detail("Account name or handle", *_attr("account_handle"), _text_value),
    "content_urls": Detail(
        "Web addresses of the content",
        *_lines_attr("content_urls"),
        lambda urls: "\n".join(urls) or "None",
    ),
    "content_posted_dates": Detail(
        "Dates the content was posted",
        *_lines_attr("content_posted_dates", date.fromisoformat, date.isoformat),
        _dates,
    ),
    "summary": Detail("Summary of the concern", *_attr("summary"), _text_value),
    "categories": Detail(
        "Policy breach categories", *_codes_attr("categories"), _labels_of(vocab.CATEGORIES)
    ),
    "reporter_anonymous": Detail(
        "Reporter anonymous", *_attr("reporter_anonymous"), lambda v: "Yes" if v else "No"
    ),
    "reporter_name": Detail("Reporter's name", *_attr("reporter_name"), _text_value),
    "reporter_contact": Detail(
        "Reporter's contact details", *_attr("reporter_contact"), _text_value
    ),
    "no_evidence_reason": Detail("Why no evidence", *_attr("no_evidence_reason"), _text_value),
    "risk_flags": Detail("Risk flags", *_codes_attr("risk_flags"), _labels_of(vocab.RISK_FLAGS)),
    "interim_measures": Detail(
        "Interim measures", *_codes_attr("interim_measures"), _labels_of(vocab.INTERIM_MEASURES)
    ),
}


def current_values(case: Case) -> dict[str, Any]:
    return {name: detail.read(case) for name, detail in DETAILS.items()}


def _normal(name: str, value: Any) -> Any:
    """The value as the case stores it, so "no change" compares equal."""
    if name in ("platforms", "categories", "risk_flags", "interim_measures"):
        return tuple(sorted(dict.fromkeys(value or ())))
    if name in ("content_urls", "content_posted_dates"):
        return tuple(dict.fromkeys(value or ()))
    if name == "reporter_anonymous":
        return bool(value)
    if name in ("received_date", "case_type", "summary"):
        return value.strip() if isinstance(value, str) else value
    return (value or "").strip() or None if isinstance(value, str | None) else value


def _validate(case: Case, new: dict[str, Any]) -> None:
    validate_concern(
        ConcernDetails(
            received_date=new["received_date"],
            department=case.department,  # type: ignore[arg-type]
            summary=new["summary"] or "",
            categories=list(new["categories"]),
            case_type=new["case_type"],
            source=new["source"],
            account_type=new["account_type"],
            platforms=list(new["platforms"]),
            account_handle=new["account_handle"],
            content_urls=list(new["content_urls"]),
            content_posted_dates=list(new["content_posted_dates"]),
        )
    )
    _check_codes(new["risk_flags"], vocab.RISK_FLAGS, "risk flag", "risk_flags")
    _check_codes(
        new["interim_measures"], vocab.INTERIM_MEASURES, "interim measure", "interim_measures"
    )
    if new["reporter_anonymous"] and (new["reporter_name"] or new["reporter_contact"]):
        raise DomainError(
            "An anonymous reporter has no name or contact details: clear them, or untick anonymous",
            "reporter_anonymous",
        )


def _values_digest(rows: list[CaseCorrection]) -> str:
    payload = [[r.field, r.old_value, r.new_value] for r in rows]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def correct_case(
    case: Case, user: User, version: int | None, changes: dict[str, Any], reason: str | None
) -> list[CaseCorrection]:
    """Apply the changed details, one correction each. Unchanged details are left alone; a
    submission that changes nothing is refused (there is nothing to record)."""
    check_version(case, version)
    if not can(user, Permission.CASE_CORRECT, case):
        raise DomainError(
            "Only the case's Standards Manager (before referral) or PSD (after) can correct "
            "an open case"
        )
    unknown = set(changes) - set(DETAILS)
    if unknown:
        raise DomainError(f"Unknown detail: {', '.join(sorted(unknown))}")
    why = _text(reason, "why you are making the correction", "reason", limit=2000)
    old = {name: _normal(name, value) for name, value in current_values(case).items()}
    new = {**old, **{name: _normal(name, value) for name, value in changes.items()}}
    if new["reporter_anonymous"]:
        new["reporter_name"] = new["reporter_contact"] = None
    changed = [name for name in DETAILS if new[name] != old[name]]
    if not changed:
        raise DomainError("Nothing was changed: correct at least one detail", "reason")
    _validate(case, new)
    event = _event(case, user, "correct", case.state, "")
    rows = []
    for name in changed:
        detail = DETAILS[name]
        detail.write(case, new[name])
        rows.append(
            CaseCorrection(
                case=case,
                actor_id=user.id,
                actor_name=user.name,
                field=name,
                old_value=detail.show(old[name]),
                new_value=detail.show(new[name]),
                reason=why,
            )
        )
    if "received_date" in changed and case.state == State.LOGGED:
        case.assessment_due = deadlines.assessment_due(
            case.received_date, current_app.config["ASSESSMENT_DUE_WORKING_DAYS"]
        )
        for task in tasks.open_tasks(case, "assessment"):  # its task follows (SPEC §13)
            task.due = case.assessment_due
    event.note = (
        "\n".join(f"{DETAILS[r.field].label}: “{r.old_value}” → “{r.new_value}”" for r in rows)
        + f"\nWhy: {why}"
    )
    db.session.add_all(rows)
    _touch(case)
    db.session.flush()
    for row in rows:
        row.event_id = event.id
    record(
        "case_corrected",
        object_type="case",
        object_id=case.id,
        details={
            "reference": case.reference,
            "fields": changed,
            "corrections": [r.id for r in rows],
            "values_sha256": _values_digest(rows),
        },
    )
    return rows


def corrections_for(case: Case) -> list[CaseCorrection]:
    return list(
        db.session.scalars(
            select(CaseCorrection)
            .where(CaseCorrection.case_id == case.id)
            .order_by(CaseCorrection.id)
        )
    )
