"""Demo casework (SPEC §12), added through the real services once the cases exist: notes in
the decision log (shared and PSD only, and a correction of a note), a corrected detail, two
linked cases and a restricted case with a named investigator."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from casetrack.auth.models import User
from casetrack.cases import casework
from casetrack.cases.corrections import correct_case
from casetrack.cases.models import Case
from casetrack.cases.workflow import State
from casetrack.extensions import db
from casetrack.org.models import Force


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None, email
    return user


def _cases(state: State, restricted: bool = False) -> list[Case]:
    wmp = db.session.scalar(select(Force).where(Force.code == "WMP"))
    return list(
        db.session.scalars(
            select(Case)
            .where(Case.force_id == wmp.id, Case.state == state, Case.restricted.is_(restricted))
            .order_by(Case.id)
        )
    )


def load_demo_casework() -> None:
    head = _user("head.psd@example.police.uk")
    investigating = [c for c in _cases(State.PSD_INVESTIGATION) if c.investigator is not None]
    if investigating:
        case = investigating[0]
        who = case.investigator
        casework.add_note(
            case, who, "Spoke to the subject's line manager: no previous concerns on file."
        )
        casework.add_note(
            case,
            who,
            "IOPC adviser consulted by phone; no referral needed on what we know now.",
            psd_only=True,
        )
        wrong = casework.add_note(case, who, "Misconduct meeting pencilled in for 3 December.")
        casework.add_note(
            case, who, "Meeting is on 4 December, not 3 (room change).", corrects=str(wrong.id)
        )
        handle = (case.account_handle or "").lstrip("@") or "unknown"
        correct_case(
            case,
            who,
            case.version,
            {"account_handle": f"@{handle}_official"},
            "The handle was mistyped when the concern was recorded; checked against the capture.",
        )
    logged = _cases(State.LOGGED)
    if logged:
        manager = logged[0].created_by
        if manager is not None:
            casework.add_note(
                logged[0],
                manager,
                "Reporter called back: the post was still up at 10:15; second capture taken.",
            )
    same_department = [
        c for c in _cases(State.PSD_INVESTIGATION) + _cases(State.CLOSED) if c.department_id
    ]
    pairs = [
        (a, b)
        for a in same_department
        for b in same_department
        if a.id < b.id and a.department_id == b.department_id
    ]
    if pairs:
        first, second = pairs[0]
        casework.link_cases(
            first,
            head,
            second.reference,
            "same_group_chat",
            "Both concerns are about messages in the same off-duty group chat.",
        )
    restricted = [c for c in _cases(State.PSD_INVESTIGATION, restricted=True)] + [
        c for c in _cases(State.REFERRED_TO_PSD, restricted=True)
    ]
    if restricted:
        psd = _user("psd@example.police.uk")
        case = restricted[0]
        if psd not in case.named_users and psd in casework.nameable_users(case):
            casework.name_user(case, head, case.version, str(psd.id))
    db.session.flush()


def load_demo_proceedings() -> None:
    """SPEC §14 on show: an appeal dismissed, a suspension, a reflective review filled in and a
    Barred List report sent, through the real services (after the cases are driven)."""
    from datetime import timedelta

    from casetrack.cases import proceedings_service as after
    from casetrack.cases.models import Investigation, ListReport, ReflectiveReview

    meeting = db.session.scalar(
        select(Investigation)
        .join(Case, Case.id == Investigation.case_id)
        .where(
            Case.state == State.CLOSED,
            Investigation.proceedings == "misconduct_meeting",
            Investigation.outcome == "final_written_warning",
        )
        .order_by(Investigation.id)
    )
    if meeting is not None and meeting.case.investigator is not None:
        case = meeting.case
        on = meeting.outcome_date + timedelta(days=14)
        after.record_appeal(case, case.investigator, case.version, meeting.id, "dismissed", on)
    gross = db.session.scalar(
        select(Investigation)
        .join(Case, Case.id == Investigation.case_id)
        .where(
            Case.state == State.PSD_INVESTIGATION,
            Investigation.severity == "gross_misconduct",
            Case.investigator_id.is_not(None),
        )
        .order_by(Investigation.id)
    )
    if gross is not None:
        case = gross.case
        start = case.investigation_started_on or case.received_date
        after.record_suspension(case, case.investigator, case.version, gross.id, start, None)
    review = db.session.scalar(select(ReflectiveReview).order_by(ReflectiveReview.id))
    if review is not None:
        inv = review.investigation
        case = inv.case
        who = case.investigator or case.created_by
        after.save_review(
            case,
            who,
            inv.id,
            {
                "reviewer": "Insp D. Shah (line manager)",
                "matter_summary": "A post on a personal account fell short of the standard "
                "expected; no misconduct.",
                "discussion_summary": "Discussed why the post caused concern and how it reads "
                "to the public.",
                "key_actions": "Complete the social media e-learning within 1 month.",
                "lessons_officer": "Think before posting about operational matters.",
                "lessons_force": "Remind the team of the social media policy at briefing.",
            },
            inv.outcome_date + timedelta(days=90) if inv.outcome_date else None,
            inv.outcome_date + timedelta(days=3) if inv.outcome_date else None,
        )
    barred = db.session.scalar(
        select(ListReport).where(ListReport.list_name == "barred").order_by(ListReport.id)
    )
    if barred is not None:
        inv = barred.investigation
        case = inv.case
        after.save_list_report(
            case,
            case.investigator or _user("head.psd@example.police.uk"),
            inv.id,
            date_of_birth=date(1984, 3, 12),
            status="former_officer",
            reasons="Dismissed without notice for gross misconduct: discreditable conduct "
            "(posts on a personal account).",
            prior_advisory=None,
            reported_on=barred.due - timedelta(days=1),
        )
    db.session.flush()
