"""The audit log for the head of PSD: newest first, filterable, with the chain's state."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import String, and_, cast, false, or_, select, text
from sqlalchemy.sql.elements import ColumnElement

from casetrack.audit.forms import AuditFilterForm
from casetrack.audit.models import AuditEvent
from casetrack.audit.service import record, verify_chain
from casetrack.auth.access import require
from casetrack.auth.permissions import Permission
from casetrack.cases.access import visible_cases
from casetrack.cases.models import Case, Person
from casetrack.evidence.models import EvidenceItem
from casetrack.extensions import db
from casetrack.templating import custody_label, event_label
from casetrack.timeutil import LONDON

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE = 50
LARGEST_SEQ = 2**63 - 1  # the largest integer either database stores


def _sequence_number(raw: str | None) -> int | None:
    """The `before` cursor: a sequence number, or None (start from the newest entry) when it
    is missing, not a whole number, or outside what an entry can have: a hand-edited link
    shows the newest entries rather than failing in the database."""
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        return None
    value = int(raw)
    return value if 1 <= value <= LARGEST_SEQ else None


def readable_by(user: Any) -> ColumnElement[bool]:
    """The entries this reader may see: an entry about a case, an evidence item or a workforce
    record only if the reader may see that case (casetrack/cases/access.py: their forces,
    restricted cases, never one in which they are a subject) or the record is of their forces;
    a deleted case's tombstone if its reference is of their forces. Entries about accounts,
    organisation data, reports and lists carry no case content and are all shown."""
    cases = select(cast(Case.id, String)).where(visible_cases(user))
    items = (
        select(cast(EvidenceItem.id, String))
        .join(Case, Case.id == EvidenceItem.case_id)
        .where(visible_cases(user))
    )
    forces = list(user.force_ids)
    people = select(cast(Person.id, String)).where(Person.force_id.in_(forces))
    codes = [force.code for force in user.forces]
    tombstone = and_(
        AuditEvent.action == "case_deleted_under_retention",
        or_(false(), *[AuditEvent.details.like(f'%"reference":"{code}-%') for code in codes]),
    )
    return or_(
        AuditEvent.object_type.is_(None),
        AuditEvent.object_type.not_in(["case", "evidence", "person"]),
        and_(AuditEvent.object_type == "case", or_(AuditEvent.object_id.in_(cases), tombstone)),
        and_(AuditEvent.object_type == "evidence", AuditEvent.object_id.in_(items)),
        and_(AuditEvent.object_type == "person", AuditEvent.object_id.in_(people)),
    )


def action_label(action: str) -> str:
    """An audit action in words: a workflow step as the timeline names it, a custody step as
    the custody log does, anything else from its code ("password_changed" → "Password
    changed")."""
    if action.startswith("case_") and action != "case_viewed":
        label = event_label(action.removeprefix("case_"))
        if label != action.removeprefix("case_").replace("_", " ").capitalize():
            return f"Case: {label[0].lower()}{label[1:]}"
    if action.startswith("evidence_"):
        return f"Evidence: {custody_label(action.removeprefix('evidence_')).lower()}"
    return action.replace("_", " ").capitalize()


def action_choices() -> list[tuple[str, str]]:
    """Every action the log holds, by label. A loose index scan (a recursive query that jumps
    from one action to the next in the index), so it reads one index entry per action, not
    one per entry: the log has millions of entries and some tens of actions."""
    found = db.session.execute(
        text(
            "WITH RECURSIVE a(action) AS ("
            " SELECT MIN(action) FROM audit_events"
            " UNION ALL SELECT (SELECT MIN(action) FROM audit_events WHERE action > a.action)"
            " FROM a WHERE a.action IS NOT NULL)"
            " SELECT action FROM a WHERE action IS NOT NULL"
        )
    ).scalars()
    return [("", "Any")] + sorted(((a, action_label(a)) for a in found), key=lambda c: c[1])


def _about_case(reference: str) -> ColumnElement[bool]:
    """Entries about the case with this reference, and about its evidence, if the reader may
    see it; otherwise none (the same answer whether the case exists or not)."""
    seen = and_(Case.reference == reference.upper(), visible_cases(current_user))
    case_id = select(cast(Case.id, String)).where(seen)
    items = select(cast(EvidenceItem.id, String)).join(Case, Case.id == EvidenceItem.case_id)
    return or_(
        and_(AuditEvent.object_type == "case", AuditEvent.object_id.in_(case_id)),
        and_(AuditEvent.object_type == "evidence", AuditEvent.object_id.in_(items.where(seen))),
    )


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=LONDON).astimezone(UTC)


@bp.route("")
@require(Permission.AUDIT_READ)
def index() -> ResponseReturnValue:
    form = AuditFilterForm(request.args)
    form.action.choices = action_choices()
    valid = form.validate()
    reference = (form.reference.data or "").strip() if valid else ""
    action = form.action.data or "" if valid else ""
    actor = (form.actor.data or "").strip() if valid else ""
    before = _sequence_number(request.args.get("before"))
    stmt = (
        select(AuditEvent)
        .where(readable_by(current_user))
        .order_by(AuditEvent.seq.desc())
        .limit(PAGE + 1)
    )
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if actor:
        stmt = stmt.where(AuditEvent.actor.ilike(f"%{actor}%"))
    if reference:
        stmt = stmt.where(_about_case(reference))
    if valid and form.date_from.data:
        stmt = stmt.where(AuditEvent.at >= _london_midnight(form.date_from.data))
    if valid and form.date_to.data:
        stmt = stmt.where(AuditEvent.at < _london_midnight(form.date_to.data + timedelta(days=1)))
    if before:
        stmt = stmt.where(AuditEvent.seq < before)
    rows = list(db.session.scalars(stmt)) if valid else []
    checked, problem = verify_chain() if request.args.get("verify") else (None, None)
    record(
        "audit_log_viewed",
        details={
            "action": action,
            "actor": actor,
            "reference": reference,
            "from": form.date_from.data.isoformat() if valid and form.date_from.data else None,
            "to": form.date_to.data.isoformat() if valid and form.date_to.data else None,
        },
    )
    db.session.commit()
    older = rows[PAGE - 1].seq if len(rows) > PAGE else None
    filters = {  # the "Older entries" link keeps the filters (only the form's own fields)
        name: request.args.getlist(name) for name in form._fields if request.args.get(name)
    }
    return render_template(
        "audit/index.html",
        form=form,
        events=rows[:PAGE],
        older=older,
        filters=filters,
        action_label=action_label,
        checked=checked,
        problem=problem,
    )
