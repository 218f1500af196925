"""Historical times for a demo case's timeline entries (the service stamps them "now")."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from casetrack.cases.models import Case

LONDON = ZoneInfo("Europe/London")


class TimelineWriter:
    """Gives each new timeline entry a time during the working day of its step, always later
    than the entry before it."""

    def __init__(self, case: Case, rng: random.Random) -> None:
        self.case, self.rng = case, rng
        self.stamped = 0
        self.last: datetime | None = None

    def stamp(self, on: date) -> None:
        events = self.case.events
        for event in events[self.stamped :]:
            event.at = self._time(on)
        self.stamped = len(events)

    def _time(self, on: date) -> datetime:
        minutes = self.rng.randint(0, 9 * 60)
        at = (datetime.combine(on, time(8, 0), LONDON) + timedelta(minutes=minutes)).astimezone(UTC)
        if self.last is not None and at <= self.last:
            at = self.last + timedelta(minutes=self.rng.randint(3, 45))
        self.last = at
        return at

    def finish(self) -> None:
        """The case was created with its first entry and last changed with its latest."""
        self.case.created_at = self.case.events[0].at
        self.case.updated_at = self.last
