"""The test run's clock: every test runs at a chosen moment, never at the real time.

The whole session travels (time-machine, ticking) to one moment before anything else runs,
so the app's `utcnow()`/`today()`, Python's `date.today()` and the live servers the browser
tests use all agree, whatever the machine's clock says. `CASETRACK_TEST_NOW` picks the
moment for a whole run: a name from MOMENTS or an ISO date-time read as London time
(`CASETRACK_TEST_NOW=end_of_financial_year make test`). Tests that need a particular
moment travel there themselves (the `travel_to` fixture), on top of the session's.

Subprocesses (the command line, gunicorn) run on the real clock; tests that start them only
use dates they choose themselves, and the suite is checked under libfaketime at the
awkward moments too (README, "Testing").
"""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

# A Wednesday afternoon in November, no bank holiday near: the default for a run.
DEFAULT_MOMENT = datetime(2026, 11, 18, 14, 30, tzinfo=LONDON)

# The moments at which date rules go wrong; hand-picked, with what makes each awkward.
MOMENTS: dict[str, datetime] = {
    "default": DEFAULT_MOMENT,
    # 00:20 in London is still yesterday in UTC during summer time (23:20 UTC).
    "just_after_midnight_bst": datetime(2026, 7, 15, 0, 20, tzinfo=LONDON),
    "just_after_midnight_gmt": datetime(2026, 11, 19, 0, 20, tzinfo=LONDON),
    # The last minutes of a financial year (1 April starts the next; BST since 28 March).
    "end_of_financial_year": datetime(2027, 3, 31, 23, 50, tzinfo=LONDON),
    # Clocks go forward at 01:00 GMT on 28 March 2027 (01:00–02:00 never happens).
    "clocks_go_forward": datetime(2027, 3, 28, 0, 50, tzinfo=LONDON),
    # Clocks go back at 02:00 BST on 25 October 2026: 01:30 happens twice (this is the second).
    "clocks_go_back": datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON),
    # Monday 28 December 2026 is the substitute Boxing Day bank holiday.
    "bank_holiday": datetime(2026, 12, 28, 10, 0, tzinfo=LONDON),
    # A leap day: a year on from it, and twelve months on, is not a real date.
    "leap_day": datetime(2028, 2, 29, 12, 0, tzinfo=LONDON),
}


def session_moment() -> datetime:
    """The moment the whole run travels to (CASETRACK_TEST_NOW, or the default)."""
    chosen = os.environ.get("CASETRACK_TEST_NOW", "").strip()
    if not chosen:
        return DEFAULT_MOMENT
    if chosen in MOMENTS:
        return MOMENTS[chosen]
    moment = datetime.fromisoformat(chosen)
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)
