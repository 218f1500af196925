"""Notifications (SPEC §13): written in the same transaction as what caused them, never sent
from a user's request. Each is shown in the application and, unless the user turned its kind
off or no mail server is configured, waits in the outbox for `casetrack reminders send`.

A notification says only the case's reference and what happened, in fixed words: never
anything typed into a case (subjects, the concern, evidence, a task's description), because
email leaves the service's protective marking.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from casetrack.auth.models import User
from casetrack.cases.models import Case
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.queues.models import EmailOptOut, Notification
from casetrack.timeutil import utcnow

# The kinds, as the settings page names them.
KINDS = {
    "referral_arrived": "A case is referred to PSD",
    "case_returned": "PSD returns a case to you",
    "assigned": "You are assigned a case or given a task",
    "task_due_tomorrow": "A task of yours is due tomorrow",
    "task_overdue": "A task of yours is overdue",
}


def mail_configured() -> bool:
    config = current_app.config
    return bool(config.get("SMTP_URL") and config.get("MAIL_FROM"))


def emails_off(user: User) -> set[str]:
    return set(db.session.scalars(select(EmailOptOut.kind).where(EmailOptOut.user_id == user.id)))


def _email_status(user: User, kind: str) -> str:
    if not mail_configured():
        return "none"
    return "off" if kind in emails_off(user) else "pending"


def _add(user: User, kind: str, case: Case, message: str) -> Notification:
    assert kind in KINDS
    row = Notification(
        user=user,
        kind=kind,
        case_id=case.id,
        reference=case.reference,
        message=message,
        email_status=_email_status(user, kind),
        email_attempts=0,
    )
    db.session.add(row)
    return row


def referral_arrived(user: User, case: Case) -> Notification:
    return _add(user, "referral_arrived", case, f"{case.reference} was referred to PSD")


def case_returned(user: User, case: Case) -> Notification:
    return _add(user, "case_returned", case, f"{case.reference} was returned to you by PSD")


def assigned_case(user: User, case: Case) -> Notification:
    return _add(user, "assigned", case, f"You were assigned {case.reference} to investigate")


def assigned_task(user: User, case: Case) -> Notification:
    return _add(user, "assigned", case, f"You were given a task on {case.reference}")


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def reminder_message(kind: str, reference: str, due: date) -> str:
    if kind == "task_due_tomorrow":
        return f"A task of yours on {reference} is due on {long_date(due)}"
    return f"A task of yours on {reference} was due on {long_date(due)} and is overdue"


def reminder_row(user_id: int, kind: str, case: Case, task_id: int, due: date) -> dict[str, Any]:
    """The values of one reminder; its key makes it once per task, kind and due date."""
    return {
        "user_id": user_id,
        "kind": kind,
        "case_id": case.id,
        "reference": case.reference,
        "message": reminder_message(kind, case.reference, due),
        "key": f"{kind}:{task_id}:{due.isoformat()}",
        "created_at": utcnow(),
        "email_status": "pending",
        "email_attempts": 0,
    }


# ---- in the application ---------------------------------------------------------------------


def unread_count(user: Any) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def recent(user: Any, limit: int = 50) -> list[Notification]:
    """Unread first, then the newest read ones: two index walks (unread by user; all by user
    and id, newest first) rather than sorting every notification the user ever had."""
    mine = Notification.user_id == user.id
    unread = list(
        db.session.scalars(
            select(Notification)
            .where(mine, Notification.read_at.is_(None))
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )
    if len(unread) >= limit:
        return unread
    read = db.session.scalars(
        select(Notification)
        .where(mine, Notification.read_at.is_not(None))
        .order_by(Notification.id.desc())
        .limit(limit - len(unread))
    )
    return unread + list(read)


def mark_read(user: Any, ids: list[int] | None) -> int:
    """Mark these (or, with None, all) of the user's unread notifications read."""
    stmt = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    return db.session.execute(stmt.values(read_at=utcnow())).rowcount


def save_email_settings(user: User, wanted: set[str]) -> None:
    """Email for the kinds in `wanted`, none for the others (in-application stays)."""
    unknown = wanted - set(KINDS)
    if unknown:
        raise DomainError("Choose from the kinds of email listed", "kinds")
    off = set(KINDS) - wanted
    current = emails_off(user)
    for kind in current - off:
        db.session.delete(db.session.get(EmailOptOut, (user.id, kind)))
    for kind in off - current:
        db.session.add(EmailOptOut(user_id=user.id, kind=kind))
    # Emails of the kinds now off that are still waiting are not sent.
    if off:
        db.session.execute(
            update(Notification)
            .where(
                Notification.user_id == user.id,
                Notification.email_status == "pending",
                Notification.kind.in_(sorted(off)),
            )
            .values(email_status="off")
        )
