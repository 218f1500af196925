"""Time helpers: one clock for the whole app, always timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; treat them as the UTC they were stored as."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


LONDON = ZoneInfo("Europe/London")


def to_local(value: datetime) -> datetime:
    """Show times as people in England and Wales read them (GMT/BST)."""
    return as_utc(value).astimezone(LONDON)


def today() -> date:
    """Today's date in England and Wales (dates on cases are local dates)."""
    return utcnow().astimezone(LONDON).date()
