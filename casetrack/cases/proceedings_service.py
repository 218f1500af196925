"""Recording what follows PSD's severity assessment (SPEC §14): proceedings and finding,
appeal, suspension, the reflective review report and College of Policing list reports. The
rules are casetrack/cases/proceedings.py; this module applies them to the database. Each change
is a timeline entry and an audit entry in the caller's transaction; nothing here commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from casetrack import vocab
from casetrack.audit.service import record
from casetrack.auth.models import User
from casetrack.auth.permissions import Permission, can
from casetrack.cases import proceedings
from casetrack.cases.deadlines import add_working_days
from casetrack.cases.models import Case, Investigation, ListReport, ReflectiveReview
from casetrack.cases.service import (
    _event,
    _investigation,
    _text,
    _touch,
    check_version,
    standing,
)
from casetrack.cases.workflow import State
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.queues import tasks
from casetrack.timeutil import today

# Reports and accounts due within 5 working days (regulation 70; Police Barred List and Police
# Advisory List Regulations 2017, regulations 3(1) and 12(1)).
DUE_WORKING_DAYS = 5
LIST_NAMES = {"barred": "Barred List", "advisory": "Advisory List"}


def _require_psd(user: User, case: Case, states: set[State], what: str) -> None:
    if not can(user, Permission.CASE_PSD, case) or State(case.state) not in states:
        raise DomainError(f"Only PSD can {what}, while the case is under PSD investigation")


def _check_day(day: date | None, case: Case, what: str, field_: str, required: bool) -> None:
    if day is None:
        if required:
            raise DomainError(f"Enter the date of {what}", field_)
        return
    if day > today():
        raise DomainError(f"The date of {what} must be today or in the past", field_)
    if day < case.received_date:
        raise DomainError(f"The date of {what} cannot be before the concern was received", field_)


@dataclass
class ProceedingsDetails:
    case_to_answer: bool | None
    proceedings: str | None
    proceedings_date: date | None = None
    chair: str | None = None
    finding: str | None = None
    fww_in_force: bool = False
    unconnected_incidents: bool = False


def record_proceedings(
    case: Case, user: User, version: int | None, investigation_id: Any, d: ProceedingsDetails
) -> Investigation:
    check_version(case, version)
    _require_psd(user, case, {State.PSD_INVESTIGATION}, "record proceedings")
    inv = _investigation(case, investigation_id)
    if inv.outcome:
        raise DomainError(
            "This subject already has an outcome: the proceedings are recorded before it",
            "proceedings",
        )
    if d.case_to_answer is None:
        raise DomainError("Choose whether there is a case to answer", "case_to_answer")
    if d.proceedings not in vocab.PROCEEDINGS:
        raise DomainError("Choose the proceedings", "proceedings")
    if d.finding and d.finding not in vocab.FINDINGS:
        raise DomainError("Choose the finding", "finding")
    held = d.proceedings != "none"
    _check_day(d.proceedings_date, case, "the meeting or hearing", "proceedings_date", held)
    chair = _text(d.chair, "who chaired it", "chair", required=held, limit=120)
    candidate = standing(case, inv)
    candidate = proceedings.Standing(
        **{
            **vars(candidate),
            "case_to_answer": d.case_to_answer,
            "proceedings": d.proceedings,
            "finding": d.finding or None,
            "fww_in_force": d.fww_in_force,
            "unconnected_incidents": d.unconnected_incidents,
        }
    )
    refusal = proceedings.proceedings_refusal(candidate)
    if refusal:
        raise DomainError(refusal, "proceedings")
    inv.case_to_answer = d.case_to_answer
    inv.proceedings = d.proceedings
    inv.proceedings_date = d.proceedings_date if held else None
    inv.proceedings_chair = chair or None if held else None
    inv.finding = (d.finding or None) if held else None
    inv.fww_in_force = d.fww_in_force
    inv.unconnected_incidents = d.unconnected_incidents
    _touch(case)
    words = [f"Case to answer: {'yes' if d.case_to_answer else 'no'}"]
    words.append(vocab.label(vocab.PROCEEDINGS, d.proceedings))
    if held:
        words.append(f"on {d.proceedings_date:%d/%m/%Y}, chaired by {chair}")
    if inv.finding:
        words.append(f"finding: {vocab.label(vocab.FINDINGS, inv.finding).lower()}")
    _event(
        case,
        user,
        "proceedings",
        case.state,
        f"{inv.person.display_name} — " + "; ".join(words) + ".",
    )
    record(
        "case_proceedings_recorded",
        object_type="case",
        object_id=case.id,
        details={
            "reference": case.reference,
            "investigation": inv.id,
            "proceedings": d.proceedings,
            "finding": inv.finding,
        },
    )
    return inv


def record_appeal(
    case: Case,
    user: User,
    version: int | None,
    investigation_id: Any,
    appeal: str | None,
    on: date | None,
) -> Investigation:
    check_version(case, version)
    _require_psd(user, case, {State.PSD_INVESTIGATION, State.CLOSED}, "record an appeal")
    inv = _investigation(case, investigation_id)
    if appeal not in vocab.APPEALS:
        raise DomainError("Choose the appeal", "appeal")
    if appeal != "none" and not (inv.outcome and inv.finding and inv.finding != "not_proven"):
        raise DomainError(
            "An appeal is against a finding and outcome of a meeting or hearing: record them "
            "first (regulations 43 and 45)",
            "appeal",
        )
    _check_day(on, case, "the appeal", "appeal_date", appeal != "none")
    if on and inv.outcome_date and on < inv.outcome_date:
        raise DomainError("The appeal cannot be dated before the outcome", "appeal_date")
    inv.appeal, inv.appeal_date = appeal, (on if appeal != "none" else None)
    _touch(case)
    _event(
        case,
        user,
        "appeal",
        case.state,
        f"{inv.person.display_name} — {vocab.label(vocab.APPEALS, appeal)}"
        + (f" ({on:%d/%m/%Y})." if on else "."),
    )
    record(
        "case_appeal_recorded",
        object_type="case",
        object_id=case.id,
        details={"reference": case.reference, "investigation": inv.id, "appeal": appeal},
    )
    return inv


def record_suspension(
    case: Case,
    user: User,
    version: int | None,
    investigation_id: Any,
    start: date | None,
    end: date | None,
) -> Investigation:
    """Suspension from duty (an interim measure) with its dates, so timeliness can be measured
    with and without it (SPEC §14.1). An open suspension has no end date yet."""
    check_version(case, version)
    _require_psd(user, case, {State.PSD_INVESTIGATION}, "record a suspension")
    inv = _investigation(case, investigation_id)
    _check_day(start, case, "the start of the suspension", "suspended_from", True)
    _check_day(end, case, "the end of the suspension", "suspended_to", False)
    if start and end and end < start:
        raise DomainError("The suspension cannot end before it starts", "suspended_to")
    inv.suspended_from, inv.suspended_to = start, end
    if "suspended_from_duty" not in case.interim_measures:
        case.interim_measures.append("suspended_from_duty")
    _touch(case)
    _event(
        case,
        user,
        "suspension",
        case.state,
        f"{inv.person.display_name} — suspended from {start:%d/%m/%Y}"
        + (f" to {end:%d/%m/%Y}." if end else ", continuing."),
    )
    record(
        "case_suspension_recorded",
        object_type="case",
        object_id=case.id,
        details={"reference": case.reference, "investigation": inv.id},
    )
    return inv


# ---- after the outcome -----------------------------------------------------------------------


def after_outcome(
    case: Case, inv: Investigation, *, under_investigation: bool, by: User | None = None
) -> None:
    """What an outcome makes due: the reflective review (RPRP) with the subject's account within
    5 working days; a Barred or Advisory List report within 5 working days. A due item that the
    outcome no longer calls for is removed if nothing was recorded in it yet."""
    assert inv.outcome_date is not None and inv.outcome is not None
    due = add_working_days(inv.outcome_date, DUE_WORKING_DAYS)
    review = review_for(inv)
    if inv.outcome == "reflective_practice":
        if review is None:
            db.session.add(ReflectiveReview(investigation=inv, account_due=due))
            tasks.follow_up_due(case, inv, "rprp_account", due, by=by)
    elif review is not None and not review.matter_summary and not review.account_received:
        db.session.delete(review)
        tasks.follow_up_due(case, inv, "rprp_account", None, by=by)
        tasks.follow_up_due(case, inv, "rprp_review", None, by=by)
    wanted = proceedings.list_report_due(
        standing(case, inv), inv.outcome, under_investigation=under_investigation
    )
    report = list_report_for(inv)
    if wanted:
        if report is None:
            db.session.add(
                ListReport(
                    investigation=inv, list_name=wanted, event_date=inv.outcome_date, due=due
                )
            )
            tasks.follow_up_due(case, inv, "list_report", due, by=by, what=_report_task(wanted))
        elif report.reported_on is None:
            report.list_name, report.event_date, report.due = wanted, inv.outcome_date, due
            tasks.follow_up_due(case, inv, "list_report", due, by=by, what=_report_task(wanted))
    elif report is not None and report.reported_on is None:
        db.session.delete(report)
        tasks.follow_up_due(case, inv, "list_report", None, by=by)


def _report_task(list_name: str) -> str:
    return f"{LIST_NAMES[list_name]} report to the College of Policing"


def review_for(inv: Investigation) -> ReflectiveReview | None:
    return db.session.scalar(
        select(ReflectiveReview).where(ReflectiveReview.investigation_id == inv.id)
    )


def list_report_for(inv: Investigation) -> ListReport | None:
    return db.session.scalar(select(ListReport).where(ListReport.investigation_id == inv.id))


def may_write_review(user: User, case: Case) -> bool:
    """PSD, for their forces' cases; the case's Standards Manager when it was resolved locally
    (never referred), also after it closed — the review follows the outcome."""
    if can(user, Permission.CASE_PSD, case):
        return True
    locally = case.referred_on is None
    return locally and user.role == "standards_manager" and can(user, Permission.CASE_VIEW, case)


REVIEW_FIELDS = (
    "reviewer",
    "matter_summary",
    "discussion_summary",
    "key_actions",
    "lessons_officer",
    "lessons_force",
)


def save_review(
    case: Case,
    user: User,
    investigation_id: Any,
    fields: dict[str, str | None],
    review_date: date | None,
    account_received: date | None,
) -> ReflectiveReview:
    """The reflective review development report (regulation 70(2)): by PSD, or by the case's
    Standards Manager when it was resolved locally."""
    if not may_write_review(user, case):
        raise DomainError("You cannot record the reflective review of this case now")
    inv = _investigation(case, investigation_id)
    review = review_for(inv)
    if review is None:
        raise DomainError("Reflective practice is not this subject's outcome", "matter_summary")
    for name in REVIEW_FIELDS:
        limit = 120 if name == "reviewer" else 5000
        setattr(review, name, _text(fields.get(name), name, name, required=False, limit=limit))
    if review_date is not None and inv.outcome_date and review_date < inv.outcome_date:
        raise DomainError("The review date cannot be before the outcome", "review_date")
    _check_day(account_received, case, "the subject's account", "account_received", False)
    review.review_date, review.account_received = review_date, account_received
    if account_received is not None:
        tasks.follow_up_done(case, inv, "rprp_account", user)
    if review_date is not None and review_date >= today():
        tasks.follow_up_due(case, inv, "rprp_review", review_date, by=user)
    _event(
        case, user, "rprp", case.state, f"Reflective review updated for {inv.person.display_name}."
    )
    record(
        "case_reflective_review_saved",
        object_type="case",
        object_id=case.id,
        details={"reference": case.reference, "investigation": inv.id},
    )
    return review


def save_list_report(
    case: Case,
    user: User,
    investigation_id: Any,
    *,
    date_of_birth: date | None,
    status: str | None,
    reasons: str | None,
    prior_advisory: str | None,
    reported_on: date | None,
) -> ListReport:
    """The fields the College of Policing needs (Barred List Regulations 2017 reg 3(2); Advisory
    List reg 12(2)); the report itself goes through the College's own channel."""
    if not can(user, Permission.CASE_PSD, case):
        raise DomainError("Only PSD records list reports")
    inv = _investigation(case, investigation_id)
    report = list_report_for(inv)
    if report is None:
        raise DomainError("No list report is due for this subject", "reasons")
    if date_of_birth is not None and date_of_birth >= today():
        raise DomainError("The date of birth must be in the past", "date_of_birth")
    report.date_of_birth = date_of_birth
    report.status = _text(status, "the status", "status", required=False, limit=32) or None
    report.reasons = _text(reasons, "the reasons", "reasons", required=False) or None
    report.prior_advisory = (
        _text(prior_advisory, "any earlier report", "prior_advisory", required=False, limit=200)
        or None
    )
    if reported_on is not None:
        if not (report.reasons and report.date_of_birth and report.status):
            raise DomainError(
                "Record the date of birth, status and reasons before marking it reported",
                "reported_on",
            )
        _check_day(reported_on, case, "the report", "reported_on", True)
        report.reported_by_name = user.name
    report.reported_on = reported_on
    if reported_on is not None:
        tasks.follow_up_done(case, inv, "list_report", user)
    name = LIST_NAMES[report.list_name]
    _event(
        case,
        user,
        "list_report",
        case.state,
        f"{name} report for {inv.person.display_name} "
        + (f"sent {reported_on:%d/%m/%Y}." if reported_on else "updated."),
    )
    record(
        "case_list_report_saved",
        object_type="case",
        object_id=case.id,
        details={"reference": case.reference, "investigation": inv.id, "list": report.list_name},
    )
    return report


def follow_ups(case: Case) -> dict[int, tuple[ReflectiveReview | None, ListReport | None]]:
    """Each subject's reflective review and list report, if any (for the case page)."""
    ids = [inv.id for inv in case.investigations]
    reviews = {
        r.investigation_id: r
        for r in db.session.scalars(
            select(ReflectiveReview).where(ReflectiveReview.investigation_id.in_(ids))
        )
    }
    reports = {
        r.investigation_id: r
        for r in db.session.scalars(select(ListReport).where(ListReport.investigation_id.in_(ids)))
    }
    return {i: (reviews.get(i), reports.get(i)) for i in ids}
