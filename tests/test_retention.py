"""Retention (SPEC §9): review closed cases past the period; deletion leaves a tombstone."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from casetrack.audit.models import AuditEvent
from casetrack.audit.service import verify_chain
from casetrack.cases.models import Case, CaseEvent, Investigation
from casetrack.evidence.models import CustodyEvent, EvidenceItem
from casetrack.extensions import db
from conftest import AuthActions


def _old_closed_case(make_case, make_evidence, make_user):
    psd = make_user("psd")
    case = make_case("psd_investigation", psd=psd)
    item = make_evidence(case)
    from casetrack.cases import service
    from casetrack.cases.workflow import Action
    from casetrack.timeutil import today

    service.perform(
        case,
        Action.ASSESS_SEVERITY,
        psd,
        case.version,
        severities={case.investigations[0].id: "no_misconduct"},
        rationale="No misconduct.",
    )
    service.perform(
        case,
        Action.RECORD_OUTCOME,
        psd,
        case.version,
        investigation_id=case.investigations[0].id,
        outcome="nfa",
        outcome_date=today(),
        rationale="No misconduct, no further action.",
    )
    service.perform(case, Action.CLOSE, psd, case.version)
    case.received_date = date(2015, 1, 5)
    case.closed_on = date(2016, 2, 1)
    db.session.commit()
    return case, item


def test_review_and_delete(app, make_case, make_evidence, make_user) -> None:
    case, item = _old_closed_case(make_case, make_evidence, make_user)
    case_id, reference, sha256 = case.id, case.reference, item.sha256
    recent = make_case("closed")
    path = Path(app.config["EVIDENCE_DIR"]) / "objects" / item.storage_name
    assert path.exists()
    head = make_user("psd_head")
    actions = AuthActions(app.test_client())
    actions.sign_in(head.email)
    page = actions.client.get("/retention").get_data(as_text=True)
    assert case.reference in page and recent.reference not in page
    form = f"/retention/{case.id}"
    body = actions.post(form, {"reason": "Past six years", "confirmation": "WRONG"}).get_data(
        as_text=True
    )
    assert f"Type the reference {case.reference} to confirm" in body
    response = actions.post(
        form, {"reason": "Past six years, no appeal", "confirmation": case.reference.lower()}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case_id) is None and not path.exists()
    assert db.session.scalar(select(func.count()).select_from(EvidenceItem)) == 0
    assert db.session.scalar(select(func.count()).select_from(CustodyEvent)) == 0
    assert (
        db.session.scalar(
            select(func.count()).select_from(Investigation).where(Investigation.case_id == case_id)
        )
        == 0
    )
    assert (
        db.session.scalar(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id)
        )
        == 0
    )
    tombstone = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "case_deleted_under_retention")
    )
    assert reference in tombstone.details and sha256 in tombstone.details
    assert verify_chain()[1] is None
    from casetrack.evidence.cli import verify

    assert app.test_cli_runner().invoke(verify).exit_code == 0


def test_recent_cases_cannot_be_deleted(app, make_case, make_user) -> None:
    recent = make_case("closed")
    head = make_user("psd_head")
    actions = AuthActions(app.test_client())
    actions.sign_in(head.email)
    assert actions.client.get(f"/retention/{recent.id}").status_code == 404


def test_only_head_of_psd(app, make_user) -> None:
    for role in ("psd", "standards_manager", "leadership", "admin"):
        actions = AuthActions(app.test_client())
        actions.sign_in(make_user(role).email)
        assert actions.client.get("/retention").status_code == 403


def test_period_is_configurable(app, make_case, make_user) -> None:
    from casetrack.retention.service import cutoff, due_for_review
    from casetrack.timeutil import today

    case = make_case("closed")
    case.closed_on = today() - timedelta(days=800)
    db.session.commit()
    head = make_user("psd_head")
    assert case not in due_for_review(head)
    app.config["RETENTION_YEARS"] = 2
    assert cutoff() < today() and case in due_for_review(head)


def test_retention_list_hides_cases_about_the_head_of_psd(
    app, make_case, make_user, make_person, make_department
) -> None:
    """Finding (issue 12): the retention page went round the case list's visibility rule."""
    from casetrack.retention.service import due_for_review
    from casetrack.timeutil import today

    department = make_department()
    mine = make_case(
        "closed", department=department, subjects=[make_person(staff_number="WMP5150")]
    )
    other = make_case("closed", department=department)
    for case in (mine, other):
        case.closed_on = today() - timedelta(days=7 * 366)
    db.session.commit()
    head = make_user("psd_head", staff_number="WMP5150")
    assert due_for_review(head) == [other]
    actions = AuthActions(app.test_client())
    actions.sign_in(head.email)
    page = actions.client.get("/retention").get_data(as_text=True)
    assert other.reference in page and mine.reference not in page
    assert actions.client.get(f"/retention/{mine.id}").status_code == 404


def test_only_a_head_of_psd_who_may_decide_deletes(
    app, make_case, make_evidence, make_user, make_force
) -> None:
    """The service decides, not the page: another force's head of PSD, a PSD reviewer, an
    open case however old, a blank reason and a wrong reference are each refused, and nothing
    is deleted."""
    import json

    import pytest

    from casetrack.errors import DomainError
    from casetrack.retention.service import delete_case

    case, item = _old_closed_case(make_case, make_evidence, make_user)
    other_head = make_user("psd_head", forces=[make_force("WARKS")])
    reviewer = make_user("psd")
    head = make_user("psd_head")
    for user in (other_head, reviewer):
        with pytest.raises(DomainError, match="Only closed cases of your forces"):
            delete_case(case, user, "Past six years", case.reference)
    still_open = make_case("psd_investigation")
    still_open.received_date = date(2010, 1, 4)
    db.session.commit()
    with pytest.raises(DomainError, match="Only closed cases of your forces"):
        delete_case(still_open, head, "Past six years", still_open.reference)
    with pytest.raises(DomainError, match="Enter the reason"):
        delete_case(case, head, "   ", case.reference)
    with pytest.raises(DomainError, match=f"Type the reference {case.reference}"):
        delete_case(case, head, "Past six years", case.reference + "X")
    db.session.rollback()
    assert db.session.get(Case, case.id) is not None

    names = delete_case(case, head, "  Past six years  ", f"  {case.reference.lower()} ")
    db.session.commit()
    assert names == [item.storage_name]
    tombstone = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "case_deleted_under_retention")
    )
    assert tombstone.object_type == "case" and tombstone.object_id == str(case.id)
    assert json.loads(tombstone.details) == {
        "reference": case.reference,
        "received": "2015-01-05",
        "closed": "2016-02-01",
        "reason": "Past six years",
        "investigations": 1,
        "evidence": [{"item": item.id, "sha256": item.sha256, "size": item.size}],
    }


def test_removing_files_after_the_commit(app, make_case, make_evidence, make_user) -> None:
    from casetrack.retention.service import remove_files

    case, item = _old_closed_case(make_case, make_evidence, make_user)
    path = Path(app.config["EVIDENCE_DIR"]) / "objects" / item.storage_name
    assert path.exists()
    remove_files([item.storage_name, item.storage_name])  # a second time: already gone, fine
    assert not path.exists()


def test_the_review_list_order_limit_and_which_cases(app, make_case, make_user, travel_to) -> None:
    """On 18 November 2026 the cutoff is 18 November 2020. Listed: closed
    cases closed on or before it, and closed cases without a closing date received on or
    before it; oldest closing first (none first), then by id; at most `limit`."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from casetrack.retention.service import cutoff, due_for_review

    travel_to(datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Europe/London")))
    assert cutoff() == date(2020, 11, 18)
    head = make_user("psd_head")

    def closed(closed_on, received):
        case = make_case("closed")
        case.closed_on, case.received_date = closed_on, received
        return case

    later_same_day = closed(date(2016, 2, 1), date(2015, 1, 5))
    no_date_old = closed(None, date(2020, 11, 18))  # received on the cutoff: listed
    first_same_day = closed(date(2016, 2, 1), date(2015, 1, 5))
    oldest = closed(date(2014, 6, 30), date(2014, 1, 2))
    no_date_recent = closed(None, date(2020, 11, 19))  # a day too late
    recent_but_old = closed(date(2025, 1, 1), date(2012, 5, 5))  # closed recently
    open_old = make_case("psd_investigation")
    open_old.received_date = date(2010, 1, 4)
    db.session.commit()
    # same closing date: the lower id first
    first_same_day, later_same_day = sorted([first_same_day, later_same_day], key=lambda c: c.id)
    assert due_for_review(head) == [no_date_old, oldest, first_same_day, later_same_day]
    assert due_for_review(head, limit=2) == [no_date_old, oldest]
    for case in (no_date_recent, recent_but_old, open_old):
        assert case not in due_for_review(head)


def test_deletion_refusals_word_for_word(app, make_case, make_evidence, make_user) -> None:
    import pytest

    from casetrack.errors import DomainError
    from casetrack.retention.service import delete_case

    case, item = _old_closed_case(make_case, make_evidence, make_user)
    head = make_user("psd_head")
    recent = make_case("closed")
    cases = [
        (recent, "Reason", recent.reference,
         "This case has not yet passed the retention period", None),
        (case, "Reason", "WMP", f"Type the reference {case.reference} to confirm", "confirmation"),
        (case, None, case.reference, "Enter the reason for the decision", "reason"),
    ]  # fmt: skip
    for target, reason, confirmation, message, field in cases:
        with pytest.raises(DomainError) as refused:
            delete_case(target, head, reason, confirmation)
        assert (refused.value.message, refused.value.field) == (message, field)
    with pytest.raises(DomainError) as refused:
        delete_case(case, make_user("psd"), "Reason", case.reference)
    assert refused.value.message == "Only closed cases of your forces can be deleted"


def test_deleting_one_case_leaves_every_other_cases_evidence(
    app, make_case, make_evidence, make_user
) -> None:
    import json

    from casetrack.evidence import service as evidence
    from casetrack.evidence.models import EvidenceCorrection
    from casetrack.retention.service import delete_case

    case, item = _old_closed_case(make_case, make_evidence, make_user)
    case.closed_on = None  # an old record without a closing date, received in 2015
    # a correction made while the case was open goes with its item
    db.session.add(
        EvidenceCorrection(
            item=item, field="captured_by", old_value="", new_value="DC Reed", reason="Typo",
            actor_name="x",
        )
    )  # fmt: skip
    other = make_case("logged")
    kept = make_evidence(other)
    evidence.correct(kept, other.created_by, "captured_by", "DC Jones", "Typo")
    db.session.commit()
    delete_case(case, make_user("psd_head"), "Past six years", case.reference)
    db.session.commit()
    assert db.session.get(EvidenceItem, kept.id) is not None
    corrections = db.session.execute(
        select(EvidenceCorrection.item_id, EvidenceCorrection.new_value)
    ).all()
    assert [tuple(c) for c in corrections] == [(kept.id, "DC Jones")]
    assert db.session.scalar(
        select(func.count()).select_from(CustodyEvent).where(CustodyEvent.item_id == kept.id)
    )
    tombstone = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "case_deleted_under_retention")
    )
    assert json.loads(tombstone.details)["closed"] is None


def test_deletion_takes_the_casework_rows_with_it(app, make_case, make_evidence, make_user) -> None:
    """Corrections, notes (with a correction of a note) and links of a deleted case go too; the
    linked case stays."""
    from casetrack.cases import casework
    from casetrack.cases.models import CaseCorrection, CaseLink, CaseNote
    from casetrack.retention.service import delete_case

    case, _item = _old_closed_case(make_case, make_evidence, make_user)
    other = make_case("closed")
    head = make_user("psd_head", forces=[case.force])
    first = casework.add_note(case, head, "First")
    casework.add_note(case, head, "First, corrected", corrects=str(first.id))
    casework.link_cases(case, head, other.reference, "same_account", "Same handle")
    db.session.add(
        CaseCorrection(
            case=case, actor_name="x", field="summary", old_value="a", new_value="b", reason="r"
        )
    )
    # its tasks and notifications (SPEC §13) go too; the other case's stay
    from casetrack.queues.models import Notification, Task

    for which in (case, other):
        db.session.add(
            Task(case_id=which.id, kind="custom", what="Check", due=date(2020, 1, 6),
                 created_by_name="x")
        )  # fmt: skip
        db.session.add(
            Notification(user_id=head.id, kind="task", case_id=which.id,
                         reference=which.reference, message="A task")
        )  # fmt: skip
    # the other cases' casework stays, a correction of a note still pointing to its note
    third = make_case("closed")
    kept_note = casework.add_note(other, head, "Other")
    kept_fix = casework.add_note(other, head, "Other, corrected", corrects=str(kept_note.id))
    casework.link_cases(other, head, third.reference, "same_account", "Same handle")
    db.session.add(
        CaseCorrection(
            case=other, actor_name="x", field="summary", old_value="c", new_value="d", reason="r"
        )
    )
    db.session.commit()
    tasks_kept = set(db.session.scalars(select(Task.id).where(Task.case_id != case.id)))
    notices_kept = set(
        db.session.scalars(select(Notification.id).where(Notification.case_id != case.id))
    )
    assert len(tasks_kept) > 1 and len(notices_kept) >= 1
    delete_case(case, head, "Past six years", case.reference)
    db.session.commit()
    # read as plain rows: the session may still hold the objects as they were
    notes = db.session.execute(
        select(CaseNote.id, CaseNote.case_id, CaseNote.corrects_id).order_by(CaseNote.id)
    ).all()
    assert [tuple(n) for n in notes] == [
        (kept_note.id, other.id, None),
        (kept_fix.id, other.id, kept_note.id),
    ]
    links = db.session.execute(select(CaseLink.case_id, CaseLink.other_id)).all()
    assert [tuple(link) for link in links] == [(other.id, third.id)]
    corrections = db.session.execute(select(CaseCorrection.case_id, CaseCorrection.new_value))
    assert [tuple(c) for c in corrections] == [(other.id, "d")]
    assert db.session.get(Case, other.id) is not None
    assert set(db.session.scalars(select(Task.id))) == tasks_kept
    assert set(db.session.scalars(select(Notification.id))) == notices_kept
