"""Evidence items, their custody log and metadata corrections (all append-only)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.cases.models import Case
from casetrack.extensions import db
from casetrack.timeutil import utcnow

EVIDENCE_KINDS = {
    "screenshot": "Screenshot",
    "web_capture": "Web capture (PDF, MHTML or WARC)",
    "video": "Video",
    "message_export": "Message export",
    "document": "Document",
    "other": "Other",
}

# Fields a correction may change; the original values are never overwritten.
CORRECTABLE = {
    "kind": "What it is",
    "source_url": "Source web address",
    "platform": "Platform",
    "account_handle": "Account handle",
    "content_posted_on": "When the content was posted",
    "captured_at": "When it was captured",
    "captured_by": "Captured by",
    "capture_method": "Capture method",
    "description": "Description",
}


class EvidenceItem(db.Model):
    __tablename__ = "evidence_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    source_url: Mapped[str | None] = mapped_column(String(2000))
    platform: Mapped[str | None] = mapped_column(String(32))
    account_handle: Mapped[str | None] = mapped_column(String(200))
    content_posted_on: Mapped[date | None] = mapped_column(Date)
    captured_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    captured_by: Mapped[str] = mapped_column(String(200))
    capture_method: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    original_filename: Mapped[str] = mapped_column(String(255))
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    media_type: Mapped[str] = mapped_column(String(100))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_by_name: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by_name: Mapped[str | None] = mapped_column(String(400))
    last_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_verified_ok: Mapped[bool | None] = mapped_column(Boolean)

    case: Mapped[Case] = relationship()
    custody: Mapped[list[CustodyEvent]] = relationship(
        back_populates="item", order_by="CustodyEvent.id"
    )
    corrections: Mapped[list[EvidenceCorrection]] = relationship(
        back_populates="item", order_by="EvidenceCorrection.id"
    )

    def current(self, field: str) -> object:
        """A metadata value as corrected (the newest correction wins), else the original."""
        for correction in reversed(self.corrections):
            if correction.field == field:
                return correction.new_value
        return getattr(self, field)


class CustodyEvent(db.Model):
    """Who did what to an evidence item, when, and the hash at that moment."""

    __tablename__ = "custody_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(400))
    action: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[EvidenceItem] = relationship(back_populates="custody")


class EvidenceCorrection(db.Model):
    __tablename__ = "evidence_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_name: Mapped[str] = mapped_column(String(400))

    item: Mapped[EvidenceItem] = relationship(back_populates="corrections")
