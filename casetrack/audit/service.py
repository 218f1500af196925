"""Write audit entries in the caller's transaction, and verify the chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import g, has_app_context, has_request_context, request
from flask_login import current_user
from sqlalchemy import select, update

from casetrack.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from casetrack.extensions import db
from casetrack.timeutil import as_utc, utcnow


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor: str,
    action: str,
    object_type: str | None,
    object_id: str | None,
    address: str | None,
    details: str,
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical JSON of every field and the previous entry's hash."""
    payload = json.dumps(
        [
            seq,
            as_utc(at).isoformat(),
            actor_id,
            actor,
            action,
            object_type,
            object_id,
            address,
            details,
            prev_hash,
        ],
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def _hash_of(event: AuditEvent) -> str:
    return entry_hash(
        seq=event.seq,
        at=event.at,
        actor_id=event.actor_id,
        actor=event.actor,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        address=event.address,
        details=event.details,
        prev_hash=event.prev_hash,
    )


def _current_actor() -> tuple[int | None, str]:
    if has_request_context() and current_user.is_authenticated:
        return current_user.id, current_user.email
    if has_app_context() and "audit_actor" in g:
        return g.audit_actor  # set by the command line: "cli:<os user>"
    return None, "system"


def record(
    action: str,
    *,
    object_type: str | None = None,
    object_id: Any = None,
    details: dict[str, Any] | None = None,
    actor: tuple[int | None, str] | None = None,
) -> AuditEvent:
    """Append one entry to the chain. Flushes, never commits: it lands with the change."""
    session = db.session
    # Bumping the head first takes the write lock (row lock on PostgreSQL, the database
    # write lock on SQLite), so concurrent writers line up and the chain never forks.
    row = session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.last_hash)
    ).one_or_none()
    if row is None:
        session.add(AuditHead(id=1, seq=1, last_hash=GENESIS_HASH))
        session.flush()
        seq, prev_hash = 1, GENESIS_HASH
    else:
        seq, prev_hash = row
    actor_id, actor_name = actor if actor is not None else _current_actor()
    event = AuditEvent(
        seq=seq,
        at=utcnow(),
        actor_id=actor_id,
        actor=actor_name,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        address=request.remote_addr if has_request_context() else None,
        details=json.dumps(details or {}, sort_keys=True, separators=(",", ":"), default=str),
        prev_hash=prev_hash,
    )
    event.hash = _hash_of(event)
    session.add(event)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=event.hash))
    session.flush()
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"entry {self.seq} (id {self.event_id})" if self.seq is not None else "chain head"
        return f"{where}: {self.reason}"


def _events() -> Iterator[AuditEvent]:
    """Every entry in chain order, streamed (a server-side cursor on PostgreSQL)."""
    stmt = select(AuditEvent).order_by(AuditEvent.seq, AuditEvent.id)
    result = db.session.scalars(stmt.execution_options(yield_per=2000, populate_existing=True))
    try:
        yield from result
    finally:
        result.close()  # also when the walk stops early at a bad entry


def verify_chain() -> tuple[int, ChainProblem | None]:
    """Walk the chain in order; return (entries checked, first problem or None)."""
    events = _events()
    try:
        return _walk(events)
    finally:
        events.close()


def _walk(events: Iterator[AuditEvent]) -> tuple[int, ChainProblem | None]:
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for event in events:
        if event.seq != expected_seq:
            reason = (
                f"expected entry {expected_seq} here — an entry is missing or was inserted"
                if event.seq > expected_seq
                else "sequence number repeats or goes backwards — entries were reordered"
            )
            return checked, ChainProblem(event.seq, event.id, reason)
        if event.prev_hash != prev_hash:
            return checked, ChainProblem(
                event.seq,
                event.id,
                "does not link to the entry before it — "
                "entries were deleted, inserted or reordered",
            )
        if _hash_of(event) != event.hash:
            return checked, ChainProblem(
                event.seq, event.id, "hash does not match its contents — the entry was edited"
            )
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = db.session.get(AuditHead, 1, populate_existing=True)
    head_seq, head_hash = (head.seq, head.last_hash) if head else (0, GENESIS_HASH)
    if head_seq != checked or head_hash != prev_hash:
        return checked, ChainProblem(
            None,
            None,
            f"the head records {head_seq} entries but {checked} were found — "
            "the newest entries were deleted or the head was altered",
        )
    return checked, None
