"""Report figures as plain data, and the arithmetic on them (pure: no Flask, no SQL)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from casetrack import vocab

Count = int | str  # a number, or "*" once suppressed

SUPPRESSED = "*"
SUPPRESS_BELOW = 5  # counts from 1 to 4 are hidden in publication mode


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    year_basis: str = "financial"  # or "calendar"

    def year_key(self, year: int) -> str:
        """`2009/10` on the financial basis, `2009` on the calendar basis."""
        if self.year_basis == "financial":
            return f"{year}/{(year + 1) % 100:02d}"
        return str(year)

    def year_of(self, day: date) -> int:
        if self.year_basis == "financial":
            return day.year if day.month >= 4 else day.year - 1
        return day.year

    def years(self) -> list[str]:
        first, last = self.year_of(self.start), self.year_of(self.end)
        return [self.year_key(year) for year in range(first, last + 1)]

    def describe(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"

    def title(self, today: date) -> str:
        """ "Financial year 2025/26 (1 April 2025 to 31 March 2026)", with "year to date"."""
        whole_year = (self.start.month, self.start.day, self.end.month, self.end.day) == (
            (4, 1, 3, 31) if self.year_basis == "financial" else (1, 1, 12, 31)
        ) and self.year_of(self.start) == self.year_of(self.end)
        if whole_year:
            name = "Financial year " if self.year_basis == "financial" else "Calendar year "
            text = f"{name}{self.year_key(self.year_of(self.start))} ({self.describe()})"
        else:
            basis = "financial years" if self.year_basis == "financial" else "calendar years"
            text = f"Concerns received from {self.describe()} (years shown as {basis})"
        if self.end > today:
            text += f", year to date: to {today:%-d %B %Y}"
        return text


def financial_year(start_year: int) -> Period:
    return Period(date(start_year, 4, 1), date(start_year + 1, 3, 31), "financial")


def calendar_year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), "calendar")


@dataclass
class OutcomeFigures:
    """Every figure of one report. Breakdowns list every vocabulary code, 0 where empty."""

    period: Period
    forces: list[str]
    total_investigations: int = 0
    total_cases: int = 0
    open_investigations: int = 0
    by_outcome: dict[str, int] = field(default_factory=dict)
    by_outcome_group: dict[str, int] = field(default_factory=dict)
    by_role: dict[str, int] = field(default_factory=dict)
    by_rank_group: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_platform: dict[str, int] = field(default_factory=dict)
    by_force: dict[str, int] = field(default_factory=dict)
    by_department: dict[str, int] = field(default_factory=dict)
    by_year: dict[str, int] = field(default_factory=dict)
    department_names: dict[str, str] = field(default_factory=dict)
    force_names: dict[str, str] = field(default_factory=dict)

    @property
    def finalised(self) -> int:
        return sum(self.by_outcome.values())

    @property
    def faced_action(self) -> int:
        return sum(n for group, n in self.by_outcome_group.items() if group != "no_action")


def complete(counts: dict[str | None, int], keys: list[str]) -> dict[str, int]:
    """Every key present, in order, with 0 where the query found nothing."""
    return {key: int(counts.get(key, 0)) for key in keys}


def outcome_groups(by_outcome: dict[str, int]) -> dict[str, int]:
    groups = dict.fromkeys(vocab.OUTCOME_GROUPS, 0)
    for outcome, count in by_outcome.items():
        groups[vocab.OUTCOME_GROUP[outcome]] += count
    return groups


def suppress(count: int, on: bool) -> Count:
    return SUPPRESSED if on and 0 < count < SUPPRESS_BELOW else count


def suppress_all(counts: dict[str, int], on: bool) -> dict[str, Count]:
    return {key: suppress(value, on) for key, value in counts.items()}
