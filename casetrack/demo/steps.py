"""The dated workflow steps of one planned demo case, in order, ending at its target state.

Dates only go forward. The planner drops steps dated today or later, so a case whose next step
would be in the future simply stays where it is.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from casetrack.cases.deadlines import add_months
from casetrack.cases.workflow import Action

if TYPE_CHECKING:
    from casetrack.demo.plan import CasePlan

Step = tuple[Action, date, int]  # action, date, subject index (for outcomes)

# How long PSD investigations take to reach outcomes, by final severity (days after accepting).
DURATIONS = {
    "no_misconduct": (30, 150),
    "misconduct": (60, 300),
    "gross_misconduct": (120, 500),
}
LONG_DURATION = (400, 620)


def _after(rng: random.Random, day: date, low: int, high: int) -> date:
    return day + timedelta(days=rng.randint(low, high))


def steps_for(rng: random.Random, plan: CasePlan, today: date) -> list[Step]:
    target, day = plan.spec.target, plan.received
    if target == "logged":
        return []
    if target == "withdrawn":
        return _withdrawn(rng, day)
    day = _after(rng, day, 1, 7) if rng.random() < 0.85 else _after(rng, day, 8, 16)
    steps: list[Step] = [(Action.ASSESS, day, 0)]
    if target == "assessed":
        return steps
    if plan.route == "local":
        day = _after(rng, day, 0, 3)
        return [*steps, (Action.RESOLVE_LOCALLY, day, 0), *_local_outcomes(rng, plan, day)]
    day = _after(rng, day, 0, 4)
    steps.append((Action.REFER_TO_PSD, day, 0))
    early_iopc = plan.iopc_due and (plan.route == "returned" or rng.random() < 0.3)
    if early_iopc:
        day = _after(rng, day, 1, 6)
        steps.append((Action.IOPC_DECISION, day, 0))
    if target == "referred_to_psd":
        return steps
    if plan.route == "returned":
        day = _after(rng, day, 3, 15)
        return [*steps, (Action.PSD_RETURN, day, 0), *_local_outcomes(rng, plan, day)]
    return steps + _investigation(rng, plan, day, plan.iopc_due and not early_iopc, today)


def _withdrawn(rng: random.Random, day: date) -> list[Step]:
    steps: list[Step] = []
    if rng.random() < 0.5:
        day = _after(rng, day, 1, 7)
        steps.append((Action.ASSESS, day, 0))
    return [*steps, (Action.WITHDRAW, _after(rng, day, 1, 20), 0)]


def _local_outcomes(rng: random.Random, plan: CasePlan, day: date) -> list[Step]:
    if plan.spec.target == "local_resolution":
        return []
    return _outcomes_and_close(rng, plan, _after(rng, day, 14, 90))


def _outcomes_and_close(rng: random.Random, plan: CasePlan, day: date) -> list[Step]:
    steps: list[Step] = []
    for index in range(len(plan.subjects)):
        day = _after(rng, day, 0, 10) if index else day
        steps.append((Action.RECORD_OUTCOME, day, index))
    return [*steps, (Action.CLOSE, _after(rng, day, 0, 7), 0)]


def _investigation(
    rng: random.Random, plan: CasePlan, referred: date, iopc: bool, today: date
) -> list[Step]:
    quick = rng.random() < 0.85
    accepted = _after(rng, referred, 2, 14) if quick else _after(rng, referred, 15, 30)
    day = accepted
    steps: list[Step] = [(Action.PSD_ACCEPT, day, 0)]
    if not plan.assign_at_accept:
        day = _after(rng, day, 1, 5)
        steps.append((Action.ASSIGN_INVESTIGATOR, day, 0))
    closing = plan.spec.target == "closed"
    if iopc and (closing or rng.random() < 0.6):
        day = _after(rng, day, 1, 20)
        steps.append((Action.IOPC_DECISION, day, 0))
    day = _after(rng, day, 5, 40)
    steps.append((Action.ASSESS_SEVERITY, day, 0))
    worst = max((s.final_severity for s in plan.subjects), key=list(DURATIONS).index)
    low, high = LONG_DURATION if plan.spec.long else DURATIONS[worst]
    first_outcome = max(_after(rng, day, 7, 20), _after(rng, accepted, low, high))
    end = first_outcome if closing else today
    policy = plan.spec.pcc or rng.choices(("all", "all_but_last", "none"), (70, 15, 15))[0]
    steps += [(Action.PCC_NOTIFICATION, on, 0) for on in _pcc_dates(rng, accepted, end, policy)]
    return steps + (_outcomes_and_close(rng, plan, first_outcome) if closing else [])


def _pcc_dates(rng: random.Random, started: date, end: date, policy: str) -> list[date]:
    """Notifications around each due date (12 months, then every 6) before `end`."""
    dates: list[date] = []
    due = add_months(started, 12)
    while (on := due + timedelta(days=rng.randint(-10, 12))) < end:
        dates.append(on)
        due = add_months(on, 6)
    if policy == "none":
        return []
    return dates[:-1] if policy == "all_but_last" else dates
