"""The audit log for the head of PSD: newest first, filterable, with the chain's state."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import String, and_, cast, false, or_, select
from sqlalchemy.sql.elements import ColumnElement

from casetrack.audit.models import AuditEvent
from casetrack.audit.service import record, verify_chain
from casetrack.auth.access import require
from casetrack.auth.permissions import Permission
from casetrack.cases.access import visible_cases
from casetrack.cases.models import Case, Person
from casetrack.evidence.models import EvidenceItem
from casetrack.extensions import db

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


@bp.route("")
@require(Permission.AUDIT_READ)
def index() -> ResponseReturnValue:
    action = (request.args.get("action") or "").strip()[:64]
    actor = (request.args.get("actor") or "").strip()[:254]
    object_id = (request.args.get("case") or "").strip()[:64]
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
    if object_id:
        stmt = stmt.where(AuditEvent.object_type == "case", AuditEvent.object_id == object_id)
    if before:
        stmt = stmt.where(AuditEvent.seq < before)
    rows = list(db.session.scalars(stmt))
    checked, problem = verify_chain() if request.args.get("verify") else (None, None)
    record("audit_log_viewed", details={"action": action, "actor": actor, "case": object_id})
    db.session.commit()
    older = rows[PAGE - 1].seq if len(rows) > PAGE else None
    return render_template(
        "audit/index.html",
        events=rows[:PAGE],
        older=older,
        action=action,
        actor=actor,
        case=object_id,
        checked=checked,
        problem=problem,
    )
