"""Demo casework (SPEC §12), added through the real services once the cases exist: notes in
the decision log (shared and PSD only, and a correction of a note), a corrected detail, two
linked cases and a restricted case with a named investigator."""

from __future__ import annotations

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
