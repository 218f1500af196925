"""PSD's team queue (SPEC §13): referrals nobody has accepted and investigations with no
investigator. A PSD user takes one; a head of PSD (re)assigns several at once. Nothing here
commits."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from casetrack.audit.service import record
from casetrack.auth.models import User
from casetrack.auth.permissions import Permission, Role, can
from casetrack.cases.access import visible_cases, within_reach
from casetrack.cases.models import Case, Investigation
from casetrack.cases.service import check_version, perform, psd_colleagues
from casetrack.cases.workflow import Action, State
from casetrack.errors import DomainError, Problems
from casetrack.extensions import db
from casetrack.queues import notify, tasks
from casetrack.queues.models import Task
from casetrack.timeutil import today

QUEUE_LIMIT = 200


def team_queue(user: Any) -> list[tuple[Case, Task | None]]:
    """Referrals nobody has accepted and investigations with no investigator, of the cases
    this user may see, soonest due first; with each referral's decision task (who took it)."""
    cases = list(
        db.session.scalars(
            select(Case)
            .where(
                visible_cases(user),
                or_(
                    Case.state == State.REFERRED_TO_PSD,
                    and_(Case.state == State.PSD_INVESTIGATION, Case.investigator_id.is_(None)),
                ),
            )
            .options(
                # what the access rule reads for each case (subjects, named users)
                selectinload(Case.investigations).selectinload(Investigation.person),
                selectinload(Case.named_users),
            )
            .order_by(Case.decision_due.is_(None), Case.decision_due, Case.received_date, Case.id)
            .limit(QUEUE_LIMIT)
        )
    )
    decision = {
        t.case_id: t
        for t in db.session.scalars(
            select(Task)
            .where(
                Task.case_id.in_([c.id for c in cases]),
                Task.kind == "referral_decision",
                Task.done_at.is_(None),
            )
            .options(selectinload(Task.assignee))
        )
    }
    return [(case, decision.get(case.id)) for case in cases]


def assignable_people(cases: list[Case]) -> list[User]:
    """Everyone in PSD who may see at least one of these cases (the head's "assign to" list);
    assign_many checks each case again. One query for the people, not one per case."""
    candidates = db.session.scalars(
        select(User)
        .where(
            User.active.is_(True),
            User.role.in_([Role.PSD, Role.PSD_HEAD]),
            within_reach(cases),
        )
        .order_by(User.name)
    ).all()
    return [u for u in candidates if any(can(u, Permission.CASE_VIEW, c) for c in cases)]


def _give_referral(case: Case, assignee: User, by: User) -> None:
    """The referral's decision task goes to one person (taken, or given by the head of PSD)."""
    found = tasks.open_tasks(case, "referral_decision")
    if not found:
        due = case.decision_due or today()
        tasks.add(case, "referral_decision", due, assignee, by=by)
        return
    for task in found:
        if task.assignee_id == assignee.id:
            continue
        task.assignee = assignee
        record(
            "task_assigned",
            object_type="case",
            object_id=case.id,
            details={"reference": case.reference, "task": task.id, "assignee": assignee.id},
        )
        if assignee.id != by.id:
            notify.assigned_task(assignee, case)


def _check_queued(case: Case, user: User, version: Any) -> None:
    if not re.fullmatch(r"[0-9]{1,9}", str(version or "")):
        raise DomainError("The form is incomplete — reload the page", "cases")
    check_version(case, int(version))
    if not can(user, Permission.CASE_PSD, case) or not tasks.is_psd_queue_case(case):
        raise DomainError(
            f"{case.reference} is no longer in the team queue: it was accepted or assigned "
            "by someone else — review and try again"
        )


def take(case: Case, user: User, version: Any) -> None:
    """A PSD user takes a queued case: the referral decision, or the investigation."""
    _check_queued(case, user, version)
    if case.state == State.REFERRED_TO_PSD:
        taken = [t for t in tasks.open_tasks(case, "referral_decision") if t.assignee_id]
        if taken and taken[0].assignee_id != user.id:
            raise DomainError(
                f"{case.reference} was already taken by {taken[0].assignee.name}"  # type: ignore[union-attr]
            )
        _give_referral(case, user, user)
    else:
        perform(case, Action.ASSIGN_INVESTIGATOR, user, case.version, investigator_id=user.id)


def assign_many(user: User, picks: list[tuple[Case, Any]], assignee_id: Any) -> int:
    """The head of PSD (re)assigns several queued cases to one person at once: all or none."""
    if not can(user, Permission.QUEUE_ASSIGN):
        raise DomainError("Only a head of PSD assigns cases from the queue")
    if not picks:
        raise DomainError("Choose at least one case", "cases")
    problems = Problems()
    for case, version in picks:
        problems.check(_check_queued, case, user, version)
        colleagues = psd_colleagues(case)
        if not problems.found and not any(str(u.id) == str(assignee_id) for u in colleagues):
            problems.add(
                f"Choose someone in PSD who may see {case.reference} and is not a subject of it",
                "assignee",
            )
    problems.raise_any()
    for case, _ in picks:
        assignee = db.session.get(User, int(assignee_id))
        assert assignee is not None
        if case.state == State.REFERRED_TO_PSD:
            _give_referral(case, assignee, user)
        elif case.investigator_id != assignee.id:
            perform(
                case, Action.ASSIGN_INVESTIGATOR, user, case.version, investigator_id=assignee.id
            )
    return len(picks)
