"""Time limits of SPEC §3.3: working days skip weekends and England & Wales bank holidays."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share one list of bank holidays; the "ENG" subdivision is it.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself is day 0)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def add_months(start: date, months: int) -> date:
    """Same day of the month, months later (clamped to the month's last day)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def assessment_due(received: date, working_days: int) -> date:
    return add_working_days(received, working_days)


def decision_due(referred: date, working_days: int) -> date:
    return add_working_days(referred, working_days)


def next_pcc_due(
    started: date, notifications: list[date], first_months: int, repeat_months: int
) -> date:
    """First notice after `first_months`; then every `repeat_months` after the last one."""
    if not notifications:
        return add_months(started, first_months)
    return add_months(max(notifications), repeat_months)
