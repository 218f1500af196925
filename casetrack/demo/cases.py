"""The demo case set: about 240 cases over five years, driven through the real case service.

The plan (demo_plan) says what happened to each case and when; here every step is carried out
with record_concern() and perform() as the right user, so each guard is respected and the
timeline and audit entries are real. The service dates what it does "today", so after each step
the dates it derived (referral, start of investigation, closing, due dates, timeline times) are
set back to the step's historical date. Nothing here commits: the caller commits once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from casetrack.auth.models import User
from casetrack.auth.permissions import Role
from casetrack.cases import deadlines
from casetrack.cases.models import Case, Person
from casetrack.cases.service import (
    ConcernDetails,
    SubjectDetails,
    find_or_add_person,
    perform,
    record_concern,
)
from casetrack.cases.workflow import Action, State
from casetrack.demo.actions import payload_for, prepare_outcome
from casetrack.demo.data import CONFLICT_USER_EMAIL, FORCE_PLAN
from casetrack.demo.evidence import DemoEvidence
from casetrack.demo.people import Member, make_roster
from casetrack.demo.plan import CasePlan, plan_all
from casetrack.demo.timeline import TimelineWriter
from casetrack.extensions import db
from casetrack.org.models import Department, Force
from casetrack.timeutil import today


@dataclass
class Cast:
    """The forces, departments and users the demo cases are recorded and handled by."""

    forces: dict[str, Force]
    departments: dict[tuple[str, str], Department]
    managers: dict[int, User]  # department id → its Standards Manager
    psd: dict[str, list[User]]  # force code → PSD reviewers
    heads: dict[str, list[User]]  # force code → heads of PSD
    users: list[User]

    @classmethod
    def load(cls) -> Cast:
        forces = {f.code: f for f in db.session.scalars(select(Force).order_by(Force.code))}
        departments = {(d.force.code, d.code): d for d in db.session.scalars(select(Department))}
        users = list(db.session.scalars(select(User).order_by(User.id)))
        cast = cls(forces, departments, {}, {}, {}, users)
        for user in users:
            if user.role == Role.STANDARDS_MANAGER:
                cast.managers.update({d.id: user for d in user.departments})
            elif user.role in (Role.PSD, Role.PSD_HEAD):
                side = cast.psd if user.role == Role.PSD else cast.heads
                for force in user.forces:
                    side.setdefault(force.code, []).append(user)
        return cast

    def department_codes(self) -> dict[str, list[str]]:
        codes: dict[str, list[str]] = {}
        for (force, code), department in sorted(self.departments.items()):
            if department.id in self.managers:  # someone must be able to record its concerns
                codes.setdefault(force, []).append(code)
        return codes

    def conflict_member(self) -> Member:
        """The workforce record of the PSD user who is the subject of one WMP case."""
        user = next(u for u in self.users if u.email == CONFLICT_USER_EMAIL)
        assert user.staff_number, "the conflict-of-interest demo needs the PSD user's number"
        return Member("WMP", user.name, user.staff_number, "police_officer", "sergeant", None)


def load_demo_cases(rng_seed: int = 2026) -> None:
    """Plan and record the demo cases (forces, departments and users must already exist)."""
    rng = random.Random(rng_seed)
    cast = Cast.load()
    codes = cast.department_codes()
    taken_names = {u.name for u in cast.users}
    taken_numbers = {u.staff_number for u in cast.users if u.staff_number}
    rosters = {
        force: make_roster(rng, force, prefix, size, codes[force], taken_names, taken_numbers)
        for force, (size, _share, prefix) in FORCE_PLAN.items()
    }
    plans = plan_all(rng, rosters, codes, today(), cast.conflict_member())
    people: dict[tuple[str, str], Person] = {}
    evidence = DemoEvidence(random.Random(rng_seed + 1), plans)
    for plan in plans:
        CaseDriver(cast, plan, people, rng, evidence).run()


@dataclass
class Team:
    manager: User
    decider: User  # accepts or returns the referral
    investigator: User


def _team(cast: Cast, plan: CasePlan, department: Department) -> Team:
    force = plan.spec.force
    numbers = {s.member.staff_number for s in plan.subjects}
    reviewers = [u for u in cast.psd.get(force, []) if u.staff_number not in numbers]
    heads = [u for u in cast.heads.get(force, []) if u.staff_number not in numbers]
    manager = cast.managers[department.id]
    if plan.spec.restricted or not reviewers:  # only the head of PSD sees restricted cases
        return Team(manager, heads[0], heads[0])
    decider = heads[0] if heads and plan.head_decides else reviewers[0]
    investigator = heads[0] if heads and plan.head_investigates else reviewers[0]
    return Team(manager, decider, investigator)


class CaseDriver:
    """Carries one planned case through the case service, step by step."""

    def __init__(
        self,
        cast: Cast,
        plan: CasePlan,
        people: dict[tuple[str, str], Person],
        rng: random.Random,
        evidence: DemoEvidence | None = None,
    ) -> None:
        self.cast, self.plan, self.people, self.rng = cast, plan, people, rng
        self.evidence = evidence
        self.force = cast.forces[plan.spec.force]
        self.department = cast.departments[(self.force.code, plan.department)]
        self.team = _team(cast, plan, self.department)
        self.config = current_app.config
        self.case: Case | None = None
        self.timeline: TimelineWriter | None = None

    def run(self) -> None:
        subjects = [self._person(s.member) for s in self.plan.subjects]
        self.case = record_concern(self.team.manager, self._concern(), subjects)
        self.timeline = TimelineWriter(self.case, self.rng)
        self.timeline.stamp(self.plan.received)
        if self.evidence:  # while the case is still open
            self.evidence.attach(self.case, self.team.manager, self.plan, self.timeline)
        for action, on, index in self.plan.steps:
            self._step(action, on, index)
            self._backdate(action, on)
            self.timeline.stamp(on)
        self.timeline.finish()
        assert self.case.state == self.plan.final_state.value, self.case.reference

    def _person(self, member: Member) -> Person:
        key = (member.force, member.staff_number)
        if key not in self.people:
            department = self.cast.departments.get((member.force, member.department or ""))
            self.people[key] = find_or_add_person(
                self.force,
                SubjectDetails(
                    name=member.name,
                    staff_number=member.staff_number,
                    role=member.role,
                    rank=member.rank,
                    department=department,
                    politically_restricted=member.restricted_post,
                ),
            )
        return self.people[key]

    def _concern(self) -> ConcernDetails:
        content = self.plan.content
        return ConcernDetails(
            received_date=self.plan.received,
            department=self.department,
            summary=content.summary,
            categories=list(self.plan.scenario.categories),
            case_type=content.case_type,
            source=content.source,
            account_type=content.account_type,
            platforms=[content.platform],
            account_handle=content.handle,
            content_urls=content.urls,
            content_posted_dates=content.posted,
            reporter_name=content.reporter_name,
            reporter_contact=content.reporter_contact,
            reporter_anonymous=content.reporter_anonymous,
            no_evidence_reason=content.no_evidence_reason,
            restricted=self.plan.spec.restricted,
        )

    def _perform(self, action: Action, user: User, **payload: Any) -> None:
        assert self.case is not None
        perform(self.case, action, user, self.case.version, **payload)

    def _step(self, action: Action, on: date, index: int) -> None:
        if action is Action.RECORD_OUTCOME:
            prepare_outcome(self, on, index)
        user, payload = payload_for(self, action, on, index)
        self._perform(action, user, **payload)

    def _backdate(self, action: Action, on: date) -> None:
        """Put back the dates the service took from today() to when the step happened."""
        case, config = self.case, self.config
        assert case is not None
        if action is Action.REFER_TO_PSD:
            case.referred_on = on
            case.decision_due = deadlines.decision_due(on, config["PSD_DECISION_DUE_WORKING_DAYS"])
        elif action is Action.PSD_ACCEPT:
            case.investigation_started_on = on
            case.pcc_due = deadlines.next_pcc_due(
                on,
                [],
                config["PCC_FIRST_NOTIFICATION_MONTHS"],
                config["PCC_REPEAT_NOTIFICATION_MONTHS"],
            )
        elif action is Action.CLOSE:
            case.closed_on = on

    @property
    def holder(self) -> User:
        """Who records outcomes and closes: the SM in local resolution, else the investigator."""
        assert self.case is not None
        local = self.case.state == State.LOCAL_RESOLUTION
        return self.team.manager if local else self.team.investigator
