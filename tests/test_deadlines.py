"""Time limits (SPEC §3.3): working days skip weekends and England & Wales bank holidays."""

from __future__ import annotations

from datetime import date

import pytest

from casetrack.cases.deadlines import add_months, add_working_days, is_working_day, next_pcc_due

# make mutation: these take milliseconds; five seconds means a mutant loops for ever
# (tests/conftest.py, _mutant_time_limit)
MUTATION_TIME_LIMIT = 5


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 11, 16), 5, date(2026, 11, 23)),  # Monday + 5 = next Monday
        (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Friday + 1 skips the weekend
        (date(2026, 12, 23), 5, date(2027, 1, 4)),  # Christmas, Boxing Day (sub), New Year
        (date(2026, 4, 1), 5, date(2026, 4, 10)),  # Good Friday and Easter Monday
        (date(2026, 5, 1), 1, date(2026, 5, 5)),  # early May bank holiday
        (date(2026, 8, 28), 1, date(2026, 9, 1)),  # summer bank holiday (England)
        (date(2026, 11, 16), 10, date(2026, 11, 30)),
    ],
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    assert add_working_days(start, days) == expected


def test_scottish_holidays_are_not_used() -> None:
    assert is_working_day(date(2026, 11, 30))  # St Andrew's Day is a Scottish holiday only
    assert is_working_day(date(2027, 1, 4)) and not is_working_day(date(2026, 12, 28))


def test_add_months_clamps() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


def test_pcc_notifications() -> None:
    started = date(2025, 3, 10)
    assert next_pcc_due(started, [], 12, 6) == date(2026, 3, 10)
    assert next_pcc_due(started, [date(2026, 3, 20)], 12, 6) == date(2026, 9, 20)
    assert next_pcc_due(started, [date(2026, 3, 20), date(2026, 9, 1)], 12, 6) == date(2027, 3, 1)


def test_configurable_limits(app, make_case, travel_to) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    travel_to(datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Europe/London")))
    app.config["ASSESSMENT_DUE_WORKING_DAYS"] = 2
    case = make_case("logged", received=date(2026, 11, 16))
    assert case.assessment_due == date(2026, 11, 18)
