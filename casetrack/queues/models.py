"""Tasks on cases, notifications (in the application, and the email outbox), email settings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.auth.models import User
from casetrack.cases.models import Case
from casetrack.extensions import db
from casetrack.timeutil import utcnow


class Task(db.Model):
    """Something to do on a case, by someone, by a date. A workflow step makes its own
    (`kind` other than "custom") and completes it when the step is taken. `assignee_id` is
    empty for a team task (PSD's referral decision until someone takes it)."""

    __tablename__ = "tasks"
    __table_args__ = (
        # Each person's open tasks, soonest first (home page); the team's open referral tasks.
        Index("ix_tasks_open_by_assignee", "assignee_id", "done_at", "due"),
        Index("ix_tasks_case_kind", "case_id", "kind", "done_at"),
        Index("ix_tasks_open_by_due", "done_at", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    # For tasks about one subject (reflective review, list report): which investigation.
    investigation_id: Mapped[int | None] = mapped_column(
        ForeignKey("investigations.id", ondelete="CASCADE")
    )
    what: Mapped[str] = mapped_column(String(200))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_name: Mapped[str] = mapped_column(String(120))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by_name: Mapped[str | None] = mapped_column(String(120))

    case: Mapped[Case] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])


class Notification(db.Model):
    """One thing that happened, for one user: shown in the application until read, and the
    email outbox row (`email_status`: pending → sent; "off" when the user turned the kind
    off, "none" when no SMTP server is configured). `key` makes a reminder unique, so the
    reminder run can be repeated or run twice at once and still make (and send) it once."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
        Index("ix_notifications_user_newest", "user_id", "id"),
        Index("ix_notifications_email_status", "email_status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    reference: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(String(200))
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    email_status: Mapped[str] = mapped_column(String(12), default="pending")
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_last_error: Mapped[str | None] = mapped_column(Text)
    email_claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    email_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class EmailOptOut(db.Model):
    """A kind of email this user has turned off (in-application notifications stay)."""

    __tablename__ = "email_opt_outs"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
