"""Plan the demo case set: which cases, about whom, and the dated steps each case went through.

Pure (no database). A plan's steps are workflow actions in order with their historical dates;
the demo driver replays them through the real case service. Every date is before today, so
nothing is recorded as happening in the future.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from casetrack.cases.workflow import TRANSITIONS, Action, State, iopc_referral_may_apply
from casetrack.demo.content import Content, make_content
from casetrack.demo.data import (
    FORCE_PLAN,
    LEFT_SERVICE,
    LOCAL_OUTCOME_WEIGHTS,
    PSD_OUTCOMES,
    Scenario,
)
from casetrack.demo.people import (
    Member,
    can_be_reduced_in_rank,
    eligible,
    most_senior,
    pick_subjects,
)
from casetrack.demo.scenarios import BY_KEY, SCENARIOS
from casetrack.demo.steps import steps_for

RANDOM_CASES = 212
SEVERITY_ORDER = ("no_misconduct", "misconduct", "gross_misconduct")

# (younger than this many days, {target state: weight}): old cases are mostly closed.
AGE_TARGETS: tuple[tuple[int, dict[str, float]], ...] = (
    (10, {"logged": 35, "assessed": 25, "referred_to_psd": 15, "withdrawn": 5,
          "local_resolution": 10, "psd_investigation": 10}),
    (45, {"logged": 4, "assessed": 10, "referred_to_psd": 10, "local_resolution": 18,
          "psd_investigation": 28, "withdrawn": 6, "closed": 24}),
    (180, {"local_resolution": 14, "psd_investigation": 30, "closed": 49, "withdrawn": 7}),
    (365, {"local_resolution": 3, "psd_investigation": 17, "closed": 73, "withdrawn": 7}),
    (730, {"psd_investigation": 6, "closed": 88, "withdrawn": 6}),
    (10**6, {"psd_investigation": 1.5, "closed": 92.5, "withdrawn": 6}),
)  # fmt: skip


@dataclass(frozen=True)
class Spec:
    """What a case should demonstrate; ages are days before today."""

    force: str
    target: str
    ages: tuple[int, int]
    department: str | None = None
    pcc: str | None = None  # "all", "all_but_last" or "none" notifications to the PCC
    restricted: bool = False
    conflict: bool = False
    scenario: str | None = None
    long: bool = False
    pinned: bool = True


def pinned_specs() -> list[Spec]:
    """Cases that must exist whatever the dice say: every state, every kind of deadline.

    Ages leave room for the longest gaps between steps, so an "overdue" case is overdue on any
    day the demo is loaded (assessment: 5 working days; PSD decision: 10; PCC: 12 months).
    """
    s = Spec
    return [
        *(s(f, "logged", a) for f, a in [("WMP", (12, 30)), ("WMP", (14, 40)),
                                          ("WMERC", (12, 25)), ("WARKS", (12, 35))]),
        *(s(f, "logged", a) for f, a in [("WMP", (1, 3)), ("WMERC", (1, 4)), ("WARKS", (2, 4))]),
        s("WMP", "assessed", (6, 14)), s("WARKS", "assessed", (5, 12)),
        *(s(f, "referred_to_psd", a) for f, a in [("WMP", (45, 70)), ("WMERC", (45, 65)),
                                                   ("WARKS", (45, 60)), ("WMP", (5, 12))]),
        s("WMP", "withdrawn", (20, 200)), s("WMERC", "local_resolution", (20, 60)),
        s("WMP", "local_resolution", (15, 50)), s("WARKS", "local_resolution", (30, 90)),
        *(s(f, "psd_investigation", a, pcc="none") for f, a in [("WMP", (420, 540)),
          ("WMERC", (420, 520)), ("WARKS", (430, 570))]),
        s("WMP", "psd_investigation", (560, 800), pcc="all"),
        s("WMP", "psd_investigation", (700, 900), pcc="all_but_last"),
        s("WMERC", "psd_investigation", (600, 750), pcc="all"),
        s("WARKS", "closed", (900, 1200), pcc="all", long=True),
        s("WMP", "closed", (600, 900), restricted=True, scenario="discriminatory_content"),
        s("WMP", "psd_investigation", (60, 150), restricted=True, scenario="victim_contact"),
        s("WMP", "psd_investigation", (90, 200), department="CONTACT", conflict=True,
          scenario="police_information_shared"),
    ]  # fmt: skip


def random_specs(rng: random.Random, count: int) -> list[Spec]:
    """Cases spread over five years, more of them recent; state weighted by age."""
    forces = list(FORCE_PLAN)
    shares = [FORCE_PLAN[f][1] for f in forces]
    specs = []
    for _ in range(count):
        age = 1 + int(1824 * rng.random() ** 1.1)
        band = next(weights for limit, weights in AGE_TARGETS if age < limit)
        target = rng.choices(list(band), list(band.values()))[0]
        specs.append(Spec(rng.choices(forces, shares)[0], target, (age, age), pinned=False))
    return specs


@dataclass
class SubjectPlan:
    member: Member
    severity: str  # provisional, at assessment
    standards: list[str]
    final_severity: str  # after PSD's severity assessment
    outcome: str


@dataclass
class CasePlan:
    spec: Spec
    department: str
    received: date
    scenario: Scenario
    content: Content
    subjects: list[SubjectPlan]
    risk_flags: list[str]
    interim: list[str]
    route: str  # "local", "psd", or "returned" (PSD sent it back for local resolution)
    iopc_referred: bool
    assign_at_accept: bool
    head_decides: bool
    head_investigates: bool
    steps: list[tuple[Action, date, int]] = field(default_factory=list)
    final_state: State = State.LOGGED

    @property
    def iopc_due(self) -> bool:
        return iopc_referral_may_apply(self.risk_flags, self.scenario.categories)


def _department(rng: random.Random, spec: Spec, departments: dict[str, list[str]]) -> str:
    if spec.department:
        return spec.department
    codes = departments[spec.force]
    return rng.choices(codes, [0.5 if code == "CONTACT" else 1 for code in codes])[0]


def _scenario(rng: random.Random, spec: Spec) -> Scenario:
    if spec.scenario:
        return BY_KEY[spec.scenario]
    return rng.choices(SCENARIOS, [s.weight for s in SCENARIOS])[0]


def _members(
    rng: random.Random, spec: Spec, scenario: Scenario, roster: list[Member], plan_args: dict
) -> list[Member] | None:
    if spec.conflict:
        return [plan_args["conflict_member"]]
    if spec.restricted and scenario.key == "discriminatory_content":
        return [most_senior(roster)]
    candidates = eligible(roster, scenario, plan_args["received"])
    if not candidates:
        return None
    pair = rng.random() < scenario.pair_share and not spec.restricted
    return pick_subjects(rng, candidates, plan_args["department"], pair)


def _severities(rng: random.Random, scenario: Scenario, count: int) -> list[str]:
    names, weights = zip(*scenario.severities, strict=True)
    first = rng.choices(names, weights)[0]
    second = (
        first if rng.random() < 0.6 else SEVERITY_ORDER[max(0, SEVERITY_ORDER.index(first) - 1)]
    )
    return [first, second][:count]


def _route(rng: random.Random, spec: Spec, scenario: Scenario, worst: str, iopc: bool) -> str:
    if spec.target == "local_resolution":
        return "returned" if iopc or worst == "gross_misconduct" else "local"
    if spec.target in ("referred_to_psd", "psd_investigation") or spec.restricted or spec.conflict:
        return "psd"
    if iopc or worst == "gross_misconduct":
        return "psd"
    # potential misconduct usually goes to PSD; "no misconduct" mostly stays with the SM
    share = 0.6 + 0.4 * scenario.psd_share if worst == "misconduct" else scenario.psd_share * 0.3
    if rng.random() >= share:
        return "local"
    return "returned" if rng.random() < (0.3 if worst == "no_misconduct" else 0.08) else "psd"


def _final_severity(rng: random.Random, severity: str) -> str:
    roll = rng.random()
    if severity == "gross_misconduct":
        return "misconduct" if roll < 0.25 else severity
    if severity == "misconduct":
        return "no_misconduct" if roll < 0.2 else "gross_misconduct" if roll > 0.95 else severity
    return "misconduct" if roll < 0.1 else severity


def _outcome(rng: random.Random, route: str, member: Member, severity: str) -> str:
    table = LOCAL_OUTCOME_WEIGHTS if route != "psd" else PSD_OUTCOMES[severity]
    names, weights = zip(*table, strict=True)
    outcome = rng.choices(names, weights)[0]
    if outcome == "reduction_in_rank" and not can_be_reduced_in_rank(member):
        return "final_written_warning"
    if route == "psd" and severity == "no_misconduct" and outcome == "no_case_to_answer":
        return "nfa"  # with no misconduct assessed there is no case to answer (regulation 14)
    return outcome


def _subject_plans(
    rng: random.Random, scenario: Scenario, members: list[Member], route_of: Callable[[str], str]
) -> tuple[list[SubjectPlan], str]:
    severities = _severities(rng, scenario, len(members))
    worst = max(severities, key=SEVERITY_ORDER.index)
    route = route_of(worst)
    if route != "psd":  # handled by line management: provisional severity at most misconduct
        severities = [min(s, "misconduct", key=SEVERITY_ORDER.index) for s in severities]
    plans = []
    for member, severity in zip(members, severities, strict=True):
        standards = list(scenario.standards)
        if len(standards) > 1 and rng.random() < 0.3:
            standards.pop()
        final = _final_severity(rng, severity) if route == "psd" else severity
        plans.append(SubjectPlan(member, severity, standards, final, ""))
    for subject in plans:
        subject.outcome = _outcome(rng, route, subject.member, subject.final_severity)
    return plans, route


def _risk_flags(rng: random.Random, scenario: Scenario, members: list[Member]) -> list[str]:
    flags = list(scenario.risk_flags)
    flags += [f for f in scenario.maybe_flags if rng.random() < 0.35]
    if any(m.rank in ("superintendent", "chief_superintendent") for m in members):
        flags.append("senior_officer")
    return flags


def _interim(rng: random.Random, scenario: Scenario, subjects: list[SubjectPlan]) -> list[str]:
    gross = any(s.severity == "gross_misconduct" for s in subjects)
    options = [m for m in scenario.interim if gross or m != "suspended_from_duty"]
    if not options or rng.random() > (0.9 if gross else 0.55):
        return []
    if gross and "suspended_from_duty" in options and rng.random() < 0.5:
        return ["suspended_from_duty"]
    return [rng.choice(options)]


def _iopc_referred(rng: random.Random, flags: list[str], subjects: list[SubjectPlan]) -> bool:
    if not any(s.severity == "gross_misconduct" for s in subjects):
        return False
    chance = 0.7 if "victim_contact" in flags else 0.3 if "discrimination" in flags else 0
    return rng.random() < chance


def replay(steps: list[tuple[Action, date, int]]) -> State:
    """The state the steps lead to, by the workflow table (raises KeyError if impossible)."""
    state = State.LOGGED
    for action, _on, _index in steps:
        state = TRANSITIONS[(state, action)]
    return state


def _attempt(rng: random.Random, spec: Spec, roster: list[Member], args: dict) -> CasePlan | None:
    scenario = _scenario(rng, spec)
    members = _members(rng, spec, scenario, roster, args)
    if members is None:
        return None
    flags = _risk_flags(rng, scenario, members)
    iopc = iopc_referral_may_apply(flags, scenario.categories)
    subjects, route = _subject_plans(
        rng, scenario, members, lambda worst: _route(rng, spec, scenario, worst, iopc)
    )
    plan = CasePlan(
        spec=spec,
        department=args["department"],
        received=args["received"],
        scenario=scenario,
        content=make_content(rng, scenario, members[0], args["department"], args["received"]),
        subjects=subjects,
        risk_flags=flags,
        interim=_interim(rng, scenario, subjects),
        route=route,
        iopc_referred=_iopc_referred(rng, flags, subjects),
        assign_at_accept=rng.random() < 0.8,
        head_decides=rng.random() < 0.3,
        head_investigates=rng.random() < 0.2,
    )
    plan.steps = [s for s in steps_for(rng, plan, args["today"]) if s[1] < args["today"]]
    plan.final_state = replay(plan.steps)
    return plan


def _meets(plan: CasePlan | None) -> bool:
    """A pinned case must end in its target state and show what it is there to show."""
    if plan is None:
        return False
    spec = plan.spec
    if not spec.pinned:
        return True
    pcc = [step for step in plan.steps if step[0] is Action.PCC_NOTIFICATION]
    return plan.final_state.value == spec.target and (spec.pcc in (None, "none") or bool(pcc))


def plan_case(
    rng: random.Random, spec: Spec, rosters: dict[str, list[Member]], args: dict
) -> CasePlan:
    """One case; a pinned one is re-planned until it demonstrates its target."""
    for _ in range(60):
        plan = _attempt(rng, spec, rosters[spec.force], args)
        if _meets(plan):
            assert plan is not None
            return plan
    raise RuntimeError(f"Could not plan a demo case for {spec}")


def _record_history(plan: CasePlan) -> None:
    """Count each subject's cases, and note who left the service (never a subject again)."""
    for subject in plan.subjects:
        subject.member.cases += 1
    for action, on, index in plan.steps:
        subject = plan.subjects[index]
        if action is Action.RECORD_OUTCOME and subject.outcome in LEFT_SERVICE:
            subject.member.left_on = on


def plan_all(
    rng: random.Random,
    rosters: dict[str, list[Member]],
    departments: dict[str, list[str]],
    today: date,
    conflict_member: Member,
) -> list[CasePlan]:
    """Every demo case in order of receipt, so people who left are not subjects later."""
    specs = pinned_specs() + random_specs(rng, RANDOM_CASES)
    dated = sorted(
        (
            (today - timedelta(days=rng.randint(*spec.ages)), n, spec)
            for n, spec in enumerate(specs)
        ),
    )
    plans = []
    for received, _n, spec in dated:
        args = {
            "received": received,
            "today": today,
            "department": _department(rng, spec, departments),
            "conflict_member": conflict_member,
        }
        plan = plan_case(rng, spec, rosters, args)
        _record_history(plan)
        plans.append(plan)
    return plans
