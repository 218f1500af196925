"""Tasks on cases (SPEC §13): the ones workflow steps make and complete, and the ones people
give each other. Every change is an audit entry in the caller's transaction; nothing here
commits."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from casetrack.audit.service import record
from casetrack.auth.models import User
from casetrack.auth.permissions import Permission, Role, can
from casetrack.cases.access import case_users, visible_cases
from casetrack.cases.models import Case, Investigation
from casetrack.cases.workflow import Action, State
from casetrack.errors import DomainError, Problems
from casetrack.extensions import db
from casetrack.queues import notify
from casetrack.queues.models import Task
from casetrack.timeutil import today, utcnow

# What each kind of task is called. Everything but "custom" is made by a workflow step; the
# words are fixed, so a reminder may name the kind without carrying anything typed in a case.
KIND_LABELS = {
    "assessment": "Assess the concern",
    "referral_decision": "Decide the referral: accept or return",
    "pcc_notification": "Notify the Police and Crime Commissioner",
    "rprp_account": "Reflective review: the subject's account",
    "rprp_review": "Reflective review meeting",
    "list_report": "College of Policing list report",
    "custom": "Task",
}
# Kinds that only their workflow step completes; the others the assignee marks done.
AUTOMATIC = frozenset(
    {"assessment", "referral_decision", "pcc_notification", "rprp_account", "list_report"}
)
WHAT_LIMIT = 200
CASE_ROLES = (Role.STANDARDS_MANAGER, Role.PSD, Role.PSD_HEAD)
PSD_ROLES = (Role.PSD, Role.PSD_HEAD)


def add(
    case: Case,
    kind: str,
    due: date,
    assignee: User | None,
    *,
    by: User | None,
    what: str | None = None,
    investigation: Investigation | None = None,
) -> Task:
    task = Task(
        case=case,
        kind=kind,
        what=what or KIND_LABELS[kind],
        due=due,
        assignee=assignee,
        investigation_id=investigation.id if investigation else None,
        created_by_name=by.name if by else "system",
    )
    db.session.add(task)
    db.session.flush()
    record(
        "task_added",
        object_type="case",
        object_id=case.id,
        details={
            "reference": case.reference,
            "task": task.id,
            "kind": kind,
            "assignee": assignee.id if assignee else None,
            "due": due.isoformat(),
        },
    )
    # A step's own task is announced by the step's notification (assigned, referred); a task
    # someone gives is announced here.
    if kind == "custom" and assignee is not None and (by is None or assignee.id != by.id):
        notify.assigned_task(assignee, case)
    return task


def open_tasks(case: Case, kind: str, investigation_id: int | None = None) -> list[Task]:
    stmt = select(Task).where(Task.case_id == case.id, Task.kind == kind, Task.done_at.is_(None))
    if investigation_id is not None:
        stmt = stmt.where(Task.investigation_id == investigation_id)
    return list(db.session.scalars(stmt.order_by(Task.id)))


def _complete(task: Task, by: User | None, how: str) -> None:
    task.done_at = utcnow()
    task.done_by_name = by.name if by else "system"
    record(
        "task_done",
        object_type="case",
        object_id=task.case_id,
        details={"task": task.id, "kind": task.kind, "how": how},
    )


def complete(case: Case, kind: str, by: User | None, investigation_id: int | None = None) -> None:
    """The step this kind of task waits for was taken: its open tasks are done."""
    for task in open_tasks(case, kind, investigation_id):
        _complete(task, by, "step")


def _psd_holder(case: Case) -> User | None:
    """Who a PSD-side task goes to: the investigator, or the team (nobody) until there is one."""
    return case.investigator


# ---- the workflow makes and completes its own -------------------------------------------------


def after_concern(case: Case, recorder: User) -> None:
    """A concern was recorded: its Standards Manager assesses it within the time limit."""
    if case.assessment_due is not None:
        add(case, "assessment", case.assessment_due, recorder, by=recorder)


def after_action(case: Case, action: Action, user: User, before: str) -> None:
    """A workflow step was taken (casetrack/cases/service.py perform): its tasks and
    notifications, in the same transaction."""
    if action in (Action.ASSESS, Action.WITHDRAW):
        complete(case, "assessment", user)
    elif action is Action.REFER_TO_PSD:
        if case.decision_due is not None:
            add(case, "referral_decision", case.decision_due, None, by=user)
        for colleague in case_users(case, PSD_ROLES):
            notify.referral_arrived(colleague, case)
    elif action in (Action.PSD_ACCEPT, Action.PSD_RETURN):
        complete(case, "referral_decision", user)
        manager = case.created_by
        returned = action is Action.PSD_RETURN and manager is not None and manager.active
        if returned and can(manager, Permission.CASE_VIEW, case):
            notify.case_returned(manager, case)  # type: ignore[arg-type]
        if action is Action.PSD_ACCEPT:
            _pcc_task(case, user)
            if case.investigator is not None and case.investigator.id != user.id:
                notify.assigned_case(case.investigator, case)
    elif action is Action.ASSIGN_INVESTIGATOR:
        _hand_to_investigator(case, user)
    elif action is Action.PCC_NOTIFICATION:
        complete(case, "pcc_notification", user)
        _pcc_task(case, user)
    elif action is Action.CLOSE:
        complete(case, "pcc_notification", user)
    elif action is Action.REOPEN:
        _pcc_task(case, user)


def _pcc_task(case: Case, user: User) -> None:
    if case.pcc_due is not None and not open_tasks(case, "pcc_notification"):
        add(case, "pcc_notification", case.pcc_due, _psd_holder(case), by=user)


def _hand_to_investigator(case: Case, user: User) -> None:
    """A new investigator takes over the case's open PSD-side workflow tasks."""
    investigator = case.investigator
    assert investigator is not None
    for task in db.session.scalars(
        select(Task).where(
            Task.case_id == case.id,
            Task.done_at.is_(None),
            Task.kind.in_(["pcc_notification", "list_report"]),
        )
    ):
        task.assignee = investigator
    if investigator.id != user.id:
        notify.assigned_case(investigator, case)


def follow_up_due(
    case: Case,
    inv: Investigation,
    kind: str,
    due: date | None,
    *,
    by: User | None,
    what: str | None = None,
) -> None:
    """What follows an outcome (SPEC §14.2): a reflective review's account or meeting, or a
    list report, is due (or, with due None, no longer called for)."""
    existing = open_tasks(case, kind, inv.id)
    if due is None:
        for task in existing:
            db.session.delete(task)
        return
    if existing:
        for task in existing:
            task.due, task.what = due, what or task.what
        return
    if kind == "list_report":
        assignee = _psd_holder(case)
    elif case.referred_on is None:  # resolved locally: the case's Standards Manager
        assignee = case.created_by
    else:
        assignee = _psd_holder(case)
    add(case, kind, due, assignee, by=by, investigation=inv, what=what)


def follow_up_done(case: Case, inv: Investigation, kind: str, by: User) -> None:
    complete(case, kind, by, inv.id)


# ---- people add their own -------------------------------------------------------------------


def assignable(case: Case) -> list[User]:
    """Who may be given a task on this case: anyone active who may see it."""
    return case_users(case, CASE_ROLES)


def add_task(case: Case, user: User, what: str | None, assignee_id: Any, due: date | None) -> Task:
    if not can(user, Permission.TASK_ADD, case):
        raise DomainError("You cannot add tasks to this case")
    problems = Problems()
    what = (what or "").strip()
    if not what:
        problems.add("Enter what needs doing", "what")
    elif len(what) > WHAT_LIMIT:
        problems.add(f"What needs doing must be {WHAT_LIMIT} characters or fewer", "what")
    assignee = next((u for u in assignable(case) if str(u.id) == str(assignee_id)), None)
    if assignee is None:
        problems.add("Choose someone who may see this case", "assignee")
    if due is None:
        problems.add("Enter the date it is due", "due")
    elif due < today():
        problems.add("The due date must be today or in the future", "due")
    problems.raise_any()
    assert assignee is not None and due is not None
    return add(case, "custom", due, assignee, by=user, what=what)


def mark_done(task: Task, user: User) -> None:
    """The assignee marks their own task done; a workflow task is done by taking its step."""
    if task.done_at is not None:
        raise DomainError("This task is already done")
    if task.assignee_id != user.id or not can(user, Permission.CASE_VIEW, task.case):
        raise DomainError("You can only mark your own tasks done")
    if task.kind in AUTOMATIC:
        raise DomainError(
            "This task is done when its step is recorded on the case: open the case to do it"
        )
    _complete(task, user, "marked")


# ---- queues ---------------------------------------------------------------------------------


def my_tasks(user: Any, limit: int = 50) -> list[Task]:
    """The user's open tasks on cases they may still see, soonest due first."""
    return list(
        db.session.scalars(
            select(Task)
            .join(Case, Case.id == Task.case_id)
            .where(Task.assignee_id == user.id, Task.done_at.is_(None), visible_cases(user))
            .options(contains_eager(Task.case))
            .order_by(Task.due, Task.id)
            .limit(limit)
        )
    )


def case_tasks(case: Case) -> list[Task]:
    return list(
        db.session.scalars(
            select(Task)
            .where(Task.case_id == case.id)
            .options(selectinload(Task.assignee))
            .order_by(Task.done_at.is_not(None), Task.due, Task.id)
        )
    )


def overdue(task: Task, on: date | None = None) -> bool:
    return task.done_at is None and task.due < (on or today())


def is_psd_queue_case(case: Case) -> bool:
    return case.state == State.REFERRED_TO_PSD or (
        case.state == State.PSD_INVESTIGATION and case.investigator_id is None
    )
