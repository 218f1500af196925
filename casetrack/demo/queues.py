"""Demo work queues (SPEC §13), through the real services once the cases exist: the workflow
has already made its tasks and notifications; here people give each other a few tasks, PSD
takes a referral from the team queue, and what is long past is marked read, so each demo
account opens on a short list of what is new."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from casetrack.auth.models import User
from casetrack.cases.deadlines import add_working_days
from casetrack.cases.models import Case, ListReport, ReflectiveReview
from casetrack.cases.workflow import State
from casetrack.extensions import db
from casetrack.org.models import Force
from casetrack.queues import tasks, team
from casetrack.queues.models import Notification
from casetrack.timeutil import today, utcnow


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None, email
    return user


def _open(state: State, force: str = "WMP") -> list[Case]:
    wmp = db.session.scalar(select(Force).where(Force.code == force))
    return list(
        db.session.scalars(
            select(Case)
            .where(Case.force_id == wmp.id, Case.state == state, Case.restricted.is_(False))
            .order_by(Case.id)
        )
    )


def _history_done(by: User) -> None:
    """Follow-ups of outcomes long past were done at the time: the older reflective review
    accounts were received on their due date and the older list reports were made, so only
    the last month's stay due (a PSD officer's list is what is happening now, not years of
    history)."""
    cutoff = today() - timedelta(days=30)
    for review in db.session.scalars(
        select(ReflectiveReview).where(
            ReflectiveReview.account_received.is_(None), ReflectiveReview.account_due < cutoff
        )
    ):
        review.account_received = review.account_due
        tasks.complete(review.investigation.case, "rprp_account", by, review.investigation_id)
    for report in db.session.scalars(
        select(ListReport).where(ListReport.reported_on.is_(None), ListReport.due < cutoff)
    ):
        inv = report.investigation
        report.status = report.status or (
            "former_officer" if inv.person.role == "police_officer" else "former_civilian"
        )
        report.date_of_birth = report.date_of_birth or date(1985, 6, 1)
        report.reasons = report.reasons or "As found at the hearing; see the outcome's rationale."
        report.reported_on, report.reported_by_name = report.due, by.name
        tasks.complete(inv.case, "list_report", by, inv.id)


def load_demo_queues() -> None:
    sam, priya = _user("sm.birmingham@example.police.uk"), _user("psd@example.police.uk")
    helen = _user("head.psd@example.police.uk")
    _history_done(helen)
    # Only what is still happening stays unread: the referrals waiting now, the returns and
    # assignments of open cases.
    waiting = set(db.session.scalars(select(Case.id).where(Case.state == State.REFERRED_TO_PSD)))
    db.session.execute(
        update(Notification)
        .where(Notification.case_id.not_in(sorted(waiting) or [0]))
        .values(read_at=utcnow() - timedelta(days=1))
    )
    referred = [c for c in _open(State.REFERRED_TO_PSD) if tasks.assignable(c)]
    mine = [c for c in referred if priya in tasks.assignable(c)]
    if mine:
        team.take(mine[0], priya, mine[0].version)
    investigating = [c for c in _open(State.PSD_INVESTIGATION) if c.investigator_id == priya.id]
    if investigating:
        case = investigating[0]
        tasks.add_task(
            case, helen, "Send me the timeline before the review meeting", priya.id,
            add_working_days(today(), 1),
        )  # fmt: skip
        tasks.add_task(
            case, helen, "Book the misconduct meeting room", priya.id, add_working_days(today(), 4)
        )
    logged = [c for c in _open(State.LOGGED) if c.created_by_id == sam.id]
    if logged and mine:
        tasks.add_task(
            logged[0], sam, "Ask the line manager for the duty roster", sam.id,
            add_working_days(today(), 2),
        )  # fmt: skip
    if mine:
        tasks.add_task(mine[0], helen, "Decide this one first: media interest", priya.id, today())
