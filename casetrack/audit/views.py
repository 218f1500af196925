"""The audit log for the head of PSD: newest first, filterable, with the chain's state."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from casetrack.audit.models import AuditEvent
from casetrack.audit.service import record, verify_chain
from casetrack.auth.access import require
from casetrack.auth.permissions import Permission
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


@bp.route("")
@require(Permission.AUDIT_READ)
def index() -> ResponseReturnValue:
    action = (request.args.get("action") or "").strip()[:64]
    actor = (request.args.get("actor") or "").strip()[:254]
    object_id = (request.args.get("case") or "").strip()[:64]
    before = _sequence_number(request.args.get("before"))
    stmt = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(PAGE + 1)
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
