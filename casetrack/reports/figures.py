"""Report figures as plain data, and the arithmetic on them (pure: no Flask, no SQL)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from casetrack import vocab

Count = int | str  # a number, or "*" once suppressed

SUPPRESSED = "*"
TIMELINESS_KEYS = (
    "median_days_to_finalise",
    "median_days_to_finalise_excluding_suspension",
)
SUPPRESS_BELOW = 5  # counts from 1 to 4 are hidden in publication mode
# The longest period a report covers. Police conduct records are kept for 6 years by default
# and FOI requests ask for 5 to 15; 50 years holds every record a force could still have
# (the present forces date from 1974) and keeps a by-year table to at most 51 rows, where a
# date range of 0001 to 9999 rendered 9,000 rows and took the worker past its time limit.
MAX_PERIOD_YEARS = 50


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year without one: the day after 28 February
        return date(day.year + years, 3, 1)


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

    def year_of_month(self, month: str) -> int:
        """The report year of a month written "2026-03" (in 2025/26 on the financial basis)."""
        year = int(month[:4])
        if self.year_basis == "financial" and int(month[5:7]) < 4:
            return year - 1
        return year

    def years(self, until: date | None = None) -> list[str]:
        """The report years of the period; with `until` (today), none after the year it falls
        in — cases are never received in the future, so later years can hold no data."""
        first, last = self.year_of(self.start), self.year_of(self.end)
        if until is not None:
            last = max(first, min(last, self.year_of(until)))
        return [self.year_key(year) for year in range(first, last + 1)]

    def too_long(self) -> str | None:
        """Why this period cannot be reported on, or None (see MAX_PERIOD_YEARS)."""
        if self.end.year - self.start.year > MAX_PERIOD_YEARS or (
            self.end.year - self.start.year == MAX_PERIOD_YEARS
            and (self.end.month, self.end.day) >= (self.start.month, self.start.day)
        ):
            return (
                f"The period can be at most {MAX_PERIOD_YEARS} years long: "
                f"choose an end date before {_add_years(self.start, MAX_PERIOD_YEARS):%-d %B %Y}"
            )
        return None

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
    # SPEC §14.3: over finalised investigations
    by_proceedings: dict[str, int] = field(default_factory=dict)
    by_finding: dict[str, int] = field(default_factory=dict)
    timeliness: dict[str, float | None] = field(
        default_factory=lambda: dict.fromkeys(TIMELINESS_KEYS)
    )
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


def median_of(histogram: dict[int, int]) -> float | None:
    """The median of values given as {value: how many}; None when there are none."""
    total = sum(histogram.values())
    if total == 0:
        return None
    wanted = [(total - 1) // 2, total // 2]  # the middle one, or the middle two
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        while wanted and wanted[0] < seen + count:
            found.append(value)
            wanted.pop(0)
        seen += count
    return sum(found) / 2.0
