"""`casetrack reminders send` (SPEC §13): make the reminders that are due, then send the
outbox. Safe to run twice, or on two hosts at once:

- a reminder's `key` is unique (kind, task, due date), and it is inserted with ON CONFLICT DO
  NOTHING, so however many runs see the same due task, one reminder exists;
- each email is claimed before it is sent by `UPDATE … SET email_status='sending' WHERE id=…
  AND email_status='pending'` and committed: only the run whose update changed the row sends
  it (PostgreSQL row locks; SQLite has one writer at a time).

A mail server that is down or refuses a message never loses it: the row goes back to pending
with its attempt count and the error, for the next run. Logs name notifications by id and
kind only, never by what a case holds.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app
from flask_mailman import EmailMessage, Mail
from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from casetrack.auth.models import User
from casetrack.auth.permissions import Permission, can
from casetrack.cases.deadlines import add_working_days
from casetrack.cases.models import Case
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.queues import notify
from casetrack.queues.models import EmailOptOut, Notification, Task
from casetrack.timeutil import today, utcnow

log = logging.getLogger("casetrack.mail")
mail = Mail()

# A claim older than this belongs to a run that died mid-send: the row is sent again.
STALE_CLAIM = timedelta(minutes=10)
# After this many failed attempts a message is given up ("failed"); it stays in the app.
MAX_ATTEMPTS = 50
BATCH = 200


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    use_ssl: bool
    username: str | None
    password: str | None


def smtp_settings(url: str) -> SmtpSettings:
    """`smtp://host:port` or `smtps://user:pass@host:port` (SPEC §13)."""
    problem = (
        "CASETRACK_SMTP_URL must look like smtp://host:port or smtps://user:password@host:port"
    )
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise DomainError(problem) from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname or port is None:
        raise DomainError(problem)
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        use_ssl=parts.scheme == "smtps",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def init_mail(app: Flask) -> None:
    app.config.setdefault("MAIL_BACKEND", "smtp")
    app.config.setdefault("MAIL_TIMEOUT", 10)
    mail.init_app(app)


# ---- reminders ------------------------------------------------------------------------------


def reminder_kind(due: date, on: date) -> str | None:
    """Which reminder a task due on `due` calls for on day `on`: overdue once the day has
    passed; "due tomorrow" on the last working day before it (a Friday reminds of Saturday's,
    Sunday's and Monday's; the day before a bank holiday weekend, of all of it)."""
    if due < on:
        return "task_overdue"
    if on < due <= add_working_days(on, 1):
        return "task_due_tomorrow"
    return None


def make_reminders(on: date | None = None) -> int:
    """Insert the reminders due today that do not exist yet; returns how many were new."""
    on = on or today()
    horizon = add_working_days(on, 1)
    tasks = db.session.execute(
        select(Task, Case)
        .join(Case, Case.id == Task.case_id)
        .where(Task.done_at.is_(None), Task.assignee_id.is_not(None), Task.due <= horizon)
        .order_by(Task.id)
    ).all()
    wanted = []
    for task, case in tasks:
        kind = reminder_kind(task.due, on)
        if kind is not None:
            wanted.append((task, case, kind))
    if not wanted:
        return 0
    keys = {f"{kind}:{task.id}:{task.due.isoformat()}" for task, _, kind in wanted}
    existing: set[str] = set()
    ordered = sorted(keys)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        found = db.session.scalars(select(Notification.key).where(Notification.key.in_(chunk)))
        existing |= {key for key in found if key}
    users: dict[int, User | None] = {}
    configured = notify.mail_configured()
    off = _opt_outs()
    rows = []
    for task, case, kind in wanted:
        if f"{kind}:{task.id}:{task.due.isoformat()}" in existing:
            continue
        assert task.assignee_id is not None
        user = users.setdefault(task.assignee_id, db.session.get(User, task.assignee_id))
        if user is None or not user.active or not can(user, Permission.CASE_VIEW, case):
            continue  # a task of a case its assignee may no longer see reminds nobody
        row = notify.reminder_row(user.id, kind, case, task.id, task.due)
        if not configured:
            row["email_status"] = "none"
        elif (user.id, kind) in off:
            row["email_status"] = "off"
        rows.append(row)
    if not rows:
        return 0
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    made = db.session.scalars(
        insert(Notification)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Notification.id)
    ).all()
    db.session.commit()
    return len(made)


def _opt_outs() -> set[tuple[int, str]]:
    return {(u, k) for u, k in db.session.execute(select(EmailOptOut.user_id, EmailOptOut.kind))}


# ---- sending --------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0


def _claimable() -> Any:
    stale = utcnow() - STALE_CLAIM
    return or_(
        Notification.email_status == "pending",
        and_(Notification.email_status == "sending", Notification.email_claimed_at < stale),
    )


def _claim(notification_id: int) -> bool:
    """Take one message for this run; False if another run has it (or it was sent)."""
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, _claimable())
        .values(email_status="sending", email_claimed_at=utcnow())
    ).rowcount
    db.session.commit()
    return claimed == 1


def email_for(row: Notification, address: str) -> EmailMessage:
    """The email: the reference, what happened, and a link. Nothing else about the case."""
    base = current_app.config["BASE_URL"].rstrip("/")
    link = f"{base}/cases/{row.case_id}" if row.case_id else f"{base}/notifications"
    body = (
        f"{row.message}.\n\n"
        f"Sign in to CaseTrack to see it:\n{link}\n\n"
        "You get these emails because of your CaseTrack settings. To change which ones you "
        f"get:\n{base}/notifications/settings\n"
    )
    return EmailMessage(
        subject=f"CaseTrack: {row.message}",
        body=body,
        from_email=current_app.config["MAIL_FROM"],
        to=[address],
    )


def send_pending() -> SendResult:
    """Send every pending email once. Each is claimed, then sent, then marked sent."""
    result = SendResult()
    if not notify.mail_configured():
        return result
    settings = smtp_settings(current_app.config["SMTP_URL"])
    connection = None
    while True:
        ids = list(
            db.session.scalars(
                select(Notification.id).where(_claimable()).order_by(Notification.id).limit(BATCH)
            )
        )
        db.session.commit()
        claimed_any = False
        for notification_id in ids:
            if not _claim(notification_id):
                continue
            claimed_any = True
            row = db.session.get(Notification, notification_id)
            assert row is not None
            if connection is None:
                connection = mail.get_connection(
                    host=settings.host,
                    port=settings.port,
                    username=settings.username or "",
                    password=settings.password or "",
                    use_ssl=settings.use_ssl,
                    use_tls=False,
                    fail_silently=False,
                )
                try:
                    connection.open()
                except Exception as error:  # noqa: BLE001 (kept on the message, logged)
                    # Unreachable, a certificate that does not verify, or a login refused: no
                    # other message would fare better on this run, and retrying a refused
                    # login once per message could lock the account. The rest wait.
                    _failed(row, error)
                    result.failed += 1
                    _close(connection)
                    return result
            try:
                message = email_for(row, row.user.email)
                message.connection = connection
                message.send(fail_silently=False)
            except Exception as error:  # noqa: BLE001 (any failure of one message is kept, logged)
                _failed(row, error)
                result.failed += 1
                if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError) or (
                    isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)
                ):
                    # The server itself is unreachable or broke off: leave the rest for the
                    # next run rather than trying each one against a dead server.
                    _close(connection)
                    return result
                continue
            row.email_status, row.email_sent_at = "sent", utcnow()
            row.email_attempts += 1
            row.email_last_error = None
            db.session.commit()
            log.info("Sent email for notification %s (%s)", row.id, row.kind)
            result.sent += 1
        if not claimed_any or len(ids) < BATCH:
            break
    _close(connection)
    return result


def _close(connection: Any) -> None:
    if connection is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()


def _failed(row: Notification, error: BaseException) -> None:
    row.email_attempts += 1
    row.email_last_error = f"{type(error).__name__}: {error}"[:500]
    row.email_status = "failed" if row.email_attempts >= MAX_ATTEMPTS else "pending"
    row.email_claimed_at = None
    db.session.commit()
    log.warning(
        "Could not send email for notification %s (%s), attempt %s: %s; %s",
        row.id,
        row.kind,
        row.email_attempts,
        row.email_last_error,
        "given up" if row.email_status == "failed" else "it will be retried by the next run",
    )
