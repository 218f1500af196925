"""Work queues, reminders and notifications (SPEC §13): tasks the workflow makes and completes,
tasks people give each other, PSD's team queue, notifications in the application, and email
through a real SMTP server (tests/smtpserver.py). Expected dates are worked out by hand from
SPEC §3.3 (working days skip weekends and England and Wales bank holidays)."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casetrack.audit.models import AuditEvent
from casetrack.cases import casework, service
from casetrack.cases.workflow import Action
from casetrack.extensions import db
from casetrack.queues import mail
from casetrack.queues.models import Notification, Task
from clock import LONDON
from conftest import AuthActions

# The session's moment is Wednesday 18 November 2026 (tests/clock.py); tests that need another
# travel there. Received today: assessment due 5 working days later, Wednesday 25 November.
RECEIVED = date(2026, 11, 18)


@pytest.fixture(autouse=True)
def wednesday_18_november(travel_to):
    """Every test here at the moment its hand-worked dates assume, whatever moment the run
    was started at (CASETRACK_TEST_NOW)."""
    travel_to(datetime(2026, 11, 18, 14, 30, tzinfo=LONDON))


@pytest.fixture
def wmp(make_force, make_department):
    force = make_force("WMP")
    return force, make_department("BIRM_E", force=force)


@pytest.fixture
def people(wmp, make_user, make_force, make_department):
    """A Standards Manager of BIRM_E, two PSD users and a head of PSD of WMP, and a PSD user
    of another force."""
    force, dept = wmp
    warks = make_force("WARKS")
    return {
        "sm": make_user("standards_manager", forces=[force], departments=[dept], name="Sam SM"),
        "psd": make_user("psd", forces=[force], name="Pat PSD"),
        "psd2": make_user("psd", forces=[force], name="Priya PSD"),
        "head": make_user("psd_head", forces=[force], name="Hana Head"),
        "warks": make_user("psd", forces=[warks], name="Wes Warks"),
    }


def _concern(people, wmp, make_person, received=RECEIVED, restricted=False):
    force, dept = wmp
    subject = make_person(force, name="Constable Zebediah Quill", staff_number="QX4471")
    case = service.record_concern(
        people["sm"],
        service.ConcernDetails(
            received_date=received,
            department=dept,
            summary="Posted a mocking meme about a vulnerable witness named Orla Fennimore",
            categories=["inappropriate_content"],
            platforms=["facebook"],
            account_handle="@quill_the_real_one",
            content_urls=["https://social.example.com/quill/post/998877"],
            restricted=restricted,
        ),
        [subject],
    )
    db.session.commit()
    return case


def _assess(case, user):
    service.perform(
        case,
        Action.ASSESS,
        user,
        case.version,
        subjects={inv.id: ("misconduct", ["discreditable_conduct"]) for inv in case.investigations},
        risk_flags=[],
        interim_measures=[],
        rationale="Assessed.",
    )
    db.session.commit()


def _refer(case, user):
    _assess(case, user)
    service.perform(case, Action.REFER_TO_PSD, user, case.version, note="Please investigate.")
    db.session.commit()


def _open(case, kind):
    return db.session.scalars(
        select(Task).where(Task.case_id == case.id, Task.kind == kind).order_by(Task.id)
    ).all()


def _notes(user, kind=None):
    stmt = select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return db.session.scalars(stmt.order_by(Notification.id)).all()


# ---- tasks the workflow makes and completes -------------------------------------------------


def test_workflow_steps_make_and_complete_their_tasks(app, people, wmp, make_person):
    case = _concern(people, wmp, make_person)
    (assessment,) = _open(case, "assessment")
    assert assessment.assignee_id == people["sm"].id
    assert assessment.due == date(2026, 11, 25)  # Thu 19, Fri 20, Mon 23, Tue 24, Wed 25
    assert assessment.done_at is None

    _refer(case, people["sm"])
    db.session.refresh(assessment)
    assert assessment.done_at is not None and assessment.done_by_name == "Sam SM"
    (decision,) = _open(case, "referral_decision")
    assert decision.assignee_id is None  # the team's until someone takes it
    # 10 working days from Wednesday 18 November: 19, 20, 23, 24, 25, 26, 27, 30, 1, 2 December
    assert decision.due == date(2026, 12, 2)
    # the referral arrives for PSD of the force (not of another force); not for the SM
    for who in ("psd", "psd2", "head"):
        assert [n.message for n in _notes(people[who], "referral_arrived")] == [
            f"{case.reference} was referred to PSD"
        ]
    assert _notes(people["warks"]) == [] and _notes(people["sm"]) == []

    service.perform(
        case, Action.PSD_ACCEPT, people["head"], case.version, investigator_id=people["psd"].id
    )
    db.session.commit()
    db.session.refresh(decision)
    assert decision.done_at is not None and decision.done_by_name == "Hana Head"
    (pcc,) = _open(case, "pcc_notification")
    assert pcc.assignee_id == people["psd"].id
    assert pcc.due == date(2027, 11, 18)  # 12 months after the investigation started
    assert [n.message for n in _notes(people["psd"], "assigned")] == [
        f"You were assigned {case.reference} to investigate"
    ]

    service.perform(
        case, Action.PCC_NOTIFICATION, people["psd"], case.version, notified_on=RECEIVED
    )
    db.session.commit()
    db.session.refresh(pcc)
    assert pcc.done_at is not None
    following = [t for t in _open(case, "pcc_notification") if t.done_at is None]
    # again 6 months after the last notification
    assert [t.due for t in following] == [date(2027, 5, 18)]


def test_a_returned_case_tells_its_standards_manager(app, people, wmp, make_person):
    case = _concern(people, wmp, make_person)
    _refer(case, people["sm"])
    service.perform(case, Action.PSD_RETURN, people["psd"], case.version, note="Local matter.")
    db.session.commit()
    assert [n.message for n in _notes(people["sm"], "case_returned")] == [
        f"{case.reference} was returned to you by PSD"
    ]
    assert all(t.done_at is not None for t in _open(case, "referral_decision"))


# ---- tasks people give each other -----------------------------------------------------------


def test_adding_a_task_checks_every_field_and_keeps_what_was_typed(
    app, people, wmp, make_person, make_user, make_department
):
    case = _concern(people, wmp, make_person)
    force, _ = wmp
    elsewhere = make_user(
        "standards_manager", forces=[force], departments=[make_department("COV", force=force)]
    )
    auth = AuthActions(app.test_client())
    auth.sign_in(people["sm"].email)
    url = f"/cases/{case.id}/tasks/new"
    page = auth.client.get(url).get_data(as_text=True)
    assert "Pat PSD" in page and elsewhere.name not in page  # only who may see the case
    response = auth.post(
        url,
        {
            "what": "Ring the witness back",
            "assignee": str(elsewhere.id),
            "due": ["1", "1", "2020"],
        },
        form_path=url,
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Choose someone who may see this case" in body
    assert "The due date must be today or in the future" in body
    assert 'value="Ring the witness back"' in body
    response = auth.post(url, {"what": "", "assignee": ""}, form_path=url)
    body = response.get_data(as_text=True)
    assert "Enter what needs doing" in body and "Enter the due date" in body
    assert (
        db.session.scalar(select(func.count()).select_from(Task).where(Task.kind == "custom")) == 0
    )

    response = auth.post(
        url,
        {
            "what": "Ring the witness back",
            "assignee": str(people["psd"].id),
            "due": ["19", "11", "2026"],
        },
        form_path=url,
    )
    assert response.status_code == 302
    (task,) = _open(case, "custom")
    assert (task.what, task.assignee_id, task.due) == (
        "Ring the witness back",
        people["psd"].id,
        date(2026, 11, 19),
    )
    assert [n.message for n in _notes(people["psd"], "assigned")] == [
        f"You were given a task on {case.reference}"
    ]
    added = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "task_added")).all()
    assert any(f'"task": {task.id}' in e.details or f'"task":{task.id}' in e.details for e in added)


def test_only_the_assignee_marks_their_task_done(app, people, wmp, make_person):
    case = _concern(people, wmp, make_person)
    from casetrack.queues import tasks

    task = tasks.add_task(case, people["sm"], "Check the account", people["psd"].id, RECEIVED)
    db.session.commit()
    other = AuthActions(app.test_client())
    other.sign_in(people["psd2"].email)
    response = other.post("/tasks/done", {"task_id": str(task.id)}, form_path="/")
    assert response.status_code == 302
    db.session.refresh(task)
    assert task.done_at is None
    assert "You can only mark your own tasks done" in other.client.get("/").get_data(as_text=True)

    owner = AuthActions(app.test_client())
    owner.sign_in(people["psd"].email)
    home = owner.client.get("/").get_data(as_text=True)
    assert "Your tasks, soonest due first" in home and "Check the account" in home
    assert "Due today" in home
    owner.post("/tasks/done", {"task_id": str(task.id)}, form_path="/")
    db.session.refresh(task)
    assert task.done_at is not None and task.done_by_name == "Pat PSD"
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "task_done")
        )
        == 1
    )
    # a workflow task is done by its step, not by hand
    (assessment,) = _open(case, "assessment")
    sm = AuthActions(app.test_client())
    sm.sign_in(people["sm"].email)
    sm.post("/tasks/done", {"task_id": str(assessment.id)}, form_path="/")
    db.session.refresh(assessment)
    assert assessment.done_at is None


def test_home_lists_tasks_soonest_first_with_overdue_in_words(app, people, wmp, make_person):
    from casetrack.queues import tasks

    late = _concern(people, wmp, make_person, received=date(2026, 11, 2))  # due 9 November
    soon = _concern(people, wmp, make_person)  # due 25 November
    tasks.add_task(soon, people["sm"], "Chase the screenshot", people["sm"].id, date(2026, 11, 20))
    db.session.commit()
    auth = AuthActions(app.test_client())
    auth.sign_in(people["sm"].email)
    home = auth.client.get("/").get_data(as_text=True)
    table = home.split("Your tasks, soonest due first</caption>")[1].split("</table>")[0]
    rows = table.split("<tr")[2:]  # after the heading row
    assert len(rows) == 3
    assert late.reference in rows[0] and "Overdue" in rows[0]
    assert "Chase the screenshot" in rows[1] and "Overdue" not in rows[1]
    assert soon.reference in rows[2] and "Assess the concern" in rows[2]
    assert "1 of your tasks is overdue." in home


def test_tasks_of_a_restricted_case_are_invisible_to_those_not_allowed(
    app, people, wmp, make_person
):
    from casetrack.queues import tasks

    case = _concern(people, wmp, make_person)
    tasks.add_task(case, people["sm"], "Secret errand", people["psd"].id, date(2026, 11, 30))
    db.session.commit()
    assert [t.what for t in tasks.my_tasks(people["psd"])] == ["Secret errand"]
    casework.set_restricted(case, people["head"], case.version, True, "Senior officer involved")
    db.session.commit()
    assert tasks.my_tasks(people["psd"]) == []
    auth = AuthActions(app.test_client())
    auth.sign_in(people["psd"].email)
    assert case.reference not in auth.client.get("/").get_data(as_text=True)
    # nor can a task be given to someone who may not see it
    with pytest.raises(Exception, match="Choose someone who may see this case"):
        tasks.add_task(case, people["head"], "Another", people["psd2"].id, date(2026, 11, 30))


def test_what_follows_an_outcome_is_a_task_done_by_recording_it(app, people, wmp, make_person):
    """SPEC §14.2 through §13: a reflective practice outcome in local resolution gives the
    Standards Manager the subject's account (5 working days) and, once a review date is set,
    the review; leaving under investigation gives the investigator an Advisory List report.
    Recording each completes its task."""
    from casetrack.cases.proceedings_service import save_list_report, save_review

    local = _concern(people, wmp, make_person)
    _assess(local, people["sm"])
    service.perform(local, Action.RESOLVE_LOCALLY, people["sm"], local.version, note="Words.")
    inv = local.investigations[0]
    service.perform(
        local,
        Action.RECORD_OUTCOME,
        people["sm"],
        local.version,
        investigation_id=inv.id,
        outcome="reflective_practice",
        outcome_date=RECEIVED,
    )
    db.session.commit()
    (account,) = _open(local, "rprp_account")
    assert (account.assignee_id, account.due) == (people["sm"].id, date(2026, 11, 25))
    save_review(local, people["sm"], inv.id, {}, date(2026, 12, 3), RECEIVED)
    db.session.commit()
    db.session.refresh(account)
    assert account.done_at is not None
    (review,) = _open(local, "rprp_review")
    assert (review.assignee_id, review.due, review.done_at) == (
        people["sm"].id,
        date(2026, 12, 3),
        None,
    )

    leaving = _concern(people, wmp, make_person)
    _refer(leaving, people["sm"])
    service.perform(
        leaving, Action.PSD_ACCEPT, people["psd"], leaving.version, investigator_id=people["psd"].id
    )
    inv = leaving.investigations[0]
    service.perform(
        leaving,
        Action.RECORD_OUTCOME,
        people["psd"],
        leaving.version,
        investigation_id=inv.id,
        outcome="retired",
        outcome_date=RECEIVED,
        rationale="Retired during the investigation.",
    )
    db.session.commit()
    (report,) = _open(leaving, "list_report")
    assert (report.what, report.assignee_id, report.due) == (
        "Advisory List report to the College of Policing",
        people["psd"].id,
        date(2026, 11, 25),
    )
    save_list_report(
        leaving,
        people["psd"],
        inv.id,
        date_of_birth=date(1980, 5, 1),
        status="retired",
        reasons="Retired while under investigation for discreditable conduct.",
        prior_advisory=None,
        reported_on=RECEIVED,
    )
    db.session.commit()
    db.session.refresh(report)
    assert report.done_at is not None and report.done_by_name == "Pat PSD"


# ---- PSD's team queue -----------------------------------------------------------------------


def test_psd_takes_a_referral_and_the_head_assigns_several(app, people, wmp, make_person):
    first = _concern(people, wmp, make_person)
    second = _concern(people, wmp, make_person)
    _refer(first, people["sm"])
    _refer(second, people["sm"])
    psd = AuthActions(app.test_client())
    psd.sign_in(people["psd"].email)
    queue = psd.client.get("/queue").get_data(as_text=True)
    assert first.reference in queue and second.reference in queue
    assert "Nobody yet" in queue
    assert "Assign the chosen cases" not in queue  # only the head of PSD assigns
    response = psd.post(
        "/queue/take",
        {"case_id": str(first.id), f"version_{first.id}": str(first.version)},
        form_path="/queue",
    )
    assert response.status_code == 302
    (decision,) = _open(first, "referral_decision")
    assert decision.assignee_id == people["psd"].id
    assert first.reference in psd.client.get("/").get_data(as_text=True)  # on their home page

    other = AuthActions(app.test_client())
    other.sign_in(people["psd2"].email)
    response = other.post(
        "/queue/take",
        {"case_id": str(first.id), f"version_{first.id}": str(first.version)},
        form_path="/queue",
    )
    assert response.status_code == 409
    assert "already taken by Pat PSD" in response.get_data(as_text=True)

    head = AuthActions(app.test_client())
    head.sign_in(people["head"].email)
    assert "Assign the chosen cases" in head.client.get("/queue").get_data(as_text=True)
    db.session.refresh(first)
    db.session.refresh(second)
    response = head.client.post(
        "/queue/assign",
        data={
            "csrf_token": head.csrf_token("/queue"),
            "cases": [str(first.id), str(second.id)],
            f"version_{first.id}": str(first.version),
            f"version_{second.id}": str(second.version),
            "assignee": str(people["psd2"].id),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert {
        t.case_id
        for t in _open(first, "referral_decision") + _open(second, "referral_decision")
        if t.assignee_id == people["psd2"].id
    } == {first.id, second.id}
    assert len(_notes(people["psd2"], "assigned")) == 2


def test_a_stale_bulk_assignment_changes_nothing(app, people, wmp, make_person):
    first = _concern(people, wmp, make_person)
    second = _concern(people, wmp, make_person)
    _refer(first, people["sm"])
    _refer(second, people["sm"])
    service.perform(second, Action.PSD_ACCEPT, people["psd"], second.version)  # no investigator
    db.session.commit()
    head = AuthActions(app.test_client())
    head.sign_in(people["head"].email)
    response = head.client.post(
        "/queue/assign",
        data={
            "csrf_token": head.csrf_token("/queue"),
            "cases": [str(first.id), str(second.id)],
            f"version_{first.id}": str(first.version),
            f"version_{second.id}": str(second.version - 1),  # the page was made before
            "assignee": str(people["psd2"].id),
        },
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.get_data(as_text=True)
    db.session.expire_all()
    assert all(t.assignee_id is None for t in _open(first, "referral_decision"))
    assert db.session.get(type(second), second.id).investigator_id is None
    # now fresh: the investigation without an investigator gets one
    db.session.refresh(second)
    response = head.client.post(
        "/queue/assign",
        data={
            "csrf_token": head.csrf_token("/queue"),
            "cases": [str(second.id)],
            f"version_{second.id}": str(second.version),
            "assignee": str(people["psd2"].id),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(second), second.id).investigator_id == people["psd2"].id


def test_who_may_be_given_a_case_is_found_among_its_force_and_department(
    app, people, wmp, make_person, make_user, make_force, make_department
):
    """case_users reads only accounts holding the case's force or department (SQL), then
    applies can() to each: the answer below is worked out by hand from SPEC §1 and §9.1."""
    from casetrack.cases.access import case_users

    force, _dept = wmp
    warks = people["warks"].forces[0]
    make_user("psd", forces=[warks, force], name="Nia National")
    other_dept = make_department("COV", force=force)
    make_user("standards_manager", forces=[force], departments=[other_dept], name="Cy Coventry")
    make_user("psd_head", forces=[warks], name="Hal Warks Head")
    gone = make_user("psd", forces=[force], name="Gil Gone")
    gone.active = False
    db.session.commit()
    case = _concern(people, wmp, make_person)
    names = [u.name for u in case_users(case, ["standards_manager", "psd", "psd_head"])]
    assert names == ["Hana Head", "Nia National", "Pat PSD", "Priya PSD", "Sam SM"]


def test_the_queue_respects_force_scope(app, people, wmp, make_person):
    case = _concern(people, wmp, make_person)
    _refer(case, people["sm"])
    outsider = AuthActions(app.test_client())
    outsider.sign_in(people["warks"].email)
    assert case.reference not in outsider.client.get("/queue").get_data(as_text=True)
    response = outsider.post(
        "/queue/take",
        {"case_id": str(case.id), f"version_{case.id}": str(case.version)},
        form_path="/queue",
    )
    assert response.status_code == 404


# ---- notifications in the application -------------------------------------------------------


def test_header_count_and_list_marking_read(app, people, wmp, make_person):
    case = _concern(people, wmp, make_person)
    _refer(case, people["sm"])
    auth = AuthActions(app.test_client())
    auth.sign_in(people["psd"].email)
    home = auth.client.get("/").get_data(as_text=True)
    assert "Notifications, 1 unread" in home
    page = auth.client.get("/notifications").get_data(as_text=True)
    assert f"{case.reference} was referred to PSD" in page and "Unread" in page
    (row,) = _notes(people["psd"])
    auth.post("/notifications/read", {"notification_id": str(row.id)}, form_path="/notifications")
    assert "Notifications, 0 unread" in auth.client.get("/").get_data(as_text=True)
    # someone else's notification is not theirs to mark
    (other,) = _notes(people["psd2"])
    auth.post("/notifications/read", {"notification_id": str(other.id)}, form_path="/notifications")
    db.session.refresh(other)
    assert other.read_at is None


# ---- email ----------------------------------------------------------------------------------


def _case_words(case):
    """Everything a case holds that must never be in an email."""
    inv = case.investigations[0]
    return [
        "Zebediah",
        "Quill",
        "QX4471",
        "Orla",
        "Fennimore",
        "mocking meme",
        "vulnerable witness",
        "quill_the_real_one",
        "social.example.com",
        "998877",
        "facebook",
        "Facebook",
        inv.person.name,
        inv.person.staff_number,
        case.summary,
    ]


def test_every_email_kind_carries_no_case_content(
    mail_config, app, smtp_server, people, wmp, make_person
):
    """Referral arrives, case comes back, you are assigned (a case and a task), a task due
    tomorrow and overdue: each email has the reference and a link, and not one word of the
    case."""
    from casetrack.queues import tasks

    case = _concern(people, wmp, make_person)
    _refer(case, people["sm"])  # referral_arrived ×3
    service.perform(case, Action.PSD_RETURN, people["psd"], case.version, note="Local.")
    db.session.commit()  # case_returned
    second = _concern(people, wmp, make_person)
    _refer(second, people["sm"])
    service.perform(
        second, Action.PSD_ACCEPT, people["head"], second.version, investigator_id=people["psd"].id
    )
    tasks.add_task(
        second,
        people["head"],
        "Interview Zebediah Quill about Orla",
        people["psd2"].id,
        date(2026, 11, 19),
    )
    tasks.add_task(second, people["head"], "Quill's phone", people["psd"].id, RECEIVED)
    db.session.commit()
    # the one due today was overdue by tomorrow's run... run reminders today and two days on
    assert mail.make_reminders() == 1  # psd2's task due tomorrow (19th)
    assert mail.make_reminders(date(2026, 11, 20)) == 2  # both overdue now
    result = mail.send_pending()
    kinds = {n.kind for n in db.session.scalars(select(Notification))}
    assert kinds == {
        "referral_arrived",
        "case_returned",
        "assigned",
        "task_due_tomorrow",
        "task_overdue",
    }
    total = db.session.scalar(select(func.count()).select_from(Notification))
    assert result.sent == total and result.failed == 0
    received = smtp_server.wait_for(total)
    assert len(received) == total
    for message in received:
        text = message.raw_text
        for word in _case_words(case) + _case_words(second):
            assert word not in text, f"{word!r} in {message.subject!r}"
        assert case.reference in text or second.reference in text
        assert "https://casetrack.example.police.uk/cases/" in message.body
        assert message.message["From"] == "casetrack@example.police.uk"
    subjects = sorted(m.subject for m in received)
    assert f"CaseTrack: {case.reference} was returned to you by PSD" in subjects
    assert (
        f"CaseTrack: A task of yours on {second.reference} is due on Thursday 19 November 2026"
        in subjects
    )
    sent_to = {m.envelope_to[0] for m in received if "returned" in m.subject}
    assert sent_to == {people["sm"].email}


def test_nothing_is_sent_from_the_users_request(
    mail_config, app, smtp_server, people, wmp, make_person
):
    case = _concern(people, wmp, make_person)
    sm = AuthActions(app.test_client())
    sm.sign_in(people["sm"].email)
    _assess(case, people["sm"])
    db.session.refresh(case)
    response = sm.post(
        f"/cases/{case.id}/refer_to_psd",
        {"version": str(case.version), "note": "Please look."},
        form_path=f"/cases/{case.id}/refer_to_psd",
    )
    assert response.status_code == 302
    assert smtp_server.wait_for(1, timeout=0.5) == []
    assert {n.email_status for n in db.session.scalars(select(Notification))} == {"pending"}
    assert mail.send_pending().sent == 3
    assert len(smtp_server.wait_for(3)) == 3


def test_running_twice_sends_each_once(mail_config, app, smtp_server, people, wmp, make_person):
    from casetrack.queues import tasks

    case = _concern(people, wmp, make_person)
    tasks.add_task(case, people["sm"], "x", people["psd"].id, date(2026, 11, 19))
    db.session.commit()
    assert mail.make_reminders() == 1
    assert mail.make_reminders() == 0
    first, second = mail.send_pending(), mail.send_pending()
    assert (first.sent, second.sent) == (2, 0)  # the assignment and the reminder
    assert len(smtp_server.wait_for(3, timeout=1)) == 2


def test_turning_an_email_kind_off_keeps_the_notification(
    mail_config, app, smtp_server, people, wmp, make_person
):
    auth = AuthActions(app.test_client())
    auth.sign_in(people["psd"].email)
    kinds = ["case_returned", "assigned", "task_due_tomorrow", "task_overdue"]
    response = auth.post(
        "/notifications/settings", {"kinds": kinds}, form_path="/notifications/settings"
    )
    assert response.status_code == 302
    page = auth.client.get("/notifications/settings").get_data(as_text=True)
    assert 'value="referral_arrived"' in page and 'value="referral_arrived" checked' not in page
    case = _concern(people, wmp, make_person)
    _refer(case, people["sm"])
    (mine,) = _notes(people["psd"])
    assert mine.email_status == "off"
    mail.send_pending()
    received = smtp_server.wait_for(2)
    assert people["psd"].email not in {m.envelope_to[0] for m in received}
    assert {m.envelope_to[0] for m in received} == {people["psd2"].email, people["head"].email}
    bad = auth.post(
        "/notifications/settings", {"kinds": ["nonsense"]}, form_path="/notifications/settings"
    )
    assert bad.status_code == 200 and "There is a problem" in bad.get_data(as_text=True)


def test_a_server_that_is_down_loses_nothing(
    mail_config, app, smtp_server, people, wmp, make_person, caplog
):
    smtp_server.stop()
    case = _concern(people, wmp, make_person)
    _refer(case, people["sm"])  # the user's action commits
    with caplog.at_level(logging.WARNING, logger="casetrack.mail"):
        result = mail.send_pending()
    assert result.failed == 1 and result.sent == 0
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert {r.email_status for r in rows} == {"pending"}
    assert rows[0].email_attempts == 1 and "Connection" in (rows[0].email_last_error or "")
    assert f"notification {rows[0].id}" in caplog.text and "retried" in caplog.text
    for word in _case_words(case):
        assert word not in caplog.text
    smtp_server.start()
    assert mail.send_pending().sent == 3
    assert len(smtp_server.wait_for(3)) == 3


def test_a_server_that_refuses_keeps_the_message_pending(
    mail_config, app, smtp_server, people, wmp, make_person, caplog
):
    smtp_server.refuse = True
    case = _concern(people, wmp, make_person)
    _refer(case, people["sm"])
    with caplog.at_level(logging.WARNING, logger="casetrack.mail"):
        result = mail.send_pending()
    assert (result.sent, result.failed) == (0, 3)
    rows = db.session.scalars(select(Notification)).all()
    assert all(r.email_status == "pending" and r.email_attempts == 1 for r in rows)
    assert all("550" in (r.email_last_error or "") for r in rows)
    assert "550" in caplog.text and case.summary not in caplog.text
    smtp_server.refuse = False
    assert mail.send_pending().sent == 3
    assert all(r.email_attempts == 2 for r in db.session.scalars(select(Notification)))


# ---- smtps: TLS from the first byte, with a login ----------------------------------------------

SMTPS_LOGIN = ("casetrack", "s3cret pass/word")  # a space and a slash: the URL quotes them


@pytest.fixture
def smtps_server():
    """A real smtps server on a free loopback port, with a certificate from a test CA
    (trustme) for 127.0.0.1: what a force's mail relay with a private CA looks like."""
    import ssl

    import trustme
    from smtpserver import SmtpServer

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    server = SmtpServer(tls=context, logins=dict([SMTPS_LOGIN]))
    server.start()
    yield server, ca
    server.stop()


@pytest.fixture
def smtps_config(app_config, smtps_server):
    from urllib.parse import quote

    server, _ca = smtps_server
    user, password = SMTPS_LOGIN
    app_config.update(
        {
            "SMTP_URL": server.smtps_url(quote(user, safe=""), quote(password, safe="")),
            "MAIL_FROM": "casetrack@example.police.uk",
            "BASE_URL": "https://casetrack.example.police.uk",
        }
    )
    return app_config


def _trust(monkeypatch, tmp_path, ca):
    """The operator's way to trust a private CA: OpenSSL's SSL_CERT_FILE (README)."""
    bundle = tmp_path / "force-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))


def test_smtps_sends_over_tls_after_signing_in(
    smtps_config, app, smtps_server, people, wmp, make_person, monkeypatch, tmp_path
):
    server, ca = smtps_server
    _trust(monkeypatch, tmp_path, ca)
    case = _concern(people, wmp, make_person)
    _refer(case, people["sm"])
    assert mail.send_pending().sent == 3
    received = server.wait_for(3)
    assert len(received) == 3
    assert all(m.tls_version in ("TLSv1.2", "TLSv1.3") for m in received)
    assert {m.login for m in received} == {"casetrack"}
    assert {r.email_status for r in db.session.scalars(select(Notification))} == {"sent"}


def test_smtps_refuses_a_server_certificate_it_cannot_verify(
    smtps_config, app, smtps_server, people, wmp, make_person, caplog
):
    """Without the CA trusted, the server's certificate is refused: nothing goes out over a
    connection that could be intercepted, and every message waits for the next run."""
    server, _ca = smtps_server
    case = _concern(people, wmp, make_person)
    _refer(case, people["sm"])
    with caplog.at_level(logging.WARNING, logger="casetrack.mail"):
        result = mail.send_pending()
    assert (result.sent, result.failed) == (0, 1)  # the run stops at the first refusal
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert {r.email_status for r in rows} == {"pending"}
    assert "CERTIFICATE_VERIFY_FAILED" in (rows[0].email_last_error or "")
    assert server.wait_for(1, timeout=0.5) == []
    for word in _case_words(case):
        assert word not in caplog.text


def test_smtps_with_the_wrong_password_keeps_the_messages(
    app_config, smtps_server, request, monkeypatch, tmp_path
):
    server, ca = smtps_server
    _trust(monkeypatch, tmp_path, ca)
    app_config.update(
        {
            "SMTP_URL": server.smtps_url("casetrack", "wrong"),
            "MAIL_FROM": "casetrack@example.police.uk",
            "BASE_URL": "https://casetrack.example.police.uk",
        }
    )
    request.getfixturevalue("app")  # made with the settings above
    people, wmp = request.getfixturevalue("people"), request.getfixturevalue("wmp")
    case = _concern(people, wmp, request.getfixturevalue("make_person"))
    _refer(case, people["sm"])
    result = mail.send_pending()
    # A refused login stops the run: trying it once per message could lock the account.
    assert (result.sent, result.failed) == (0, 1)
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert {r.email_status for r in rows} == {"pending"}
    assert [r.email_attempts for r in rows] == [1, 0, 0]
    assert "535" in (rows[0].email_last_error or "")
    assert server.wait_for(1, timeout=0.5) == []


# ---- when "due tomorrow" is ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "due", "kind"),
    [
        # a Wednesday: Thursday's is due tomorrow; Friday's not yet; Tuesday's overdue
        (date(2026, 11, 18), date(2026, 11, 19), "task_due_tomorrow"),
        (date(2026, 11, 18), date(2026, 11, 20), None),
        (date(2026, 11, 18), date(2026, 11, 18), None),
        (date(2026, 11, 18), date(2026, 11, 17), "task_overdue"),
        # a Friday: the weekend's and Monday's are due by the next working day
        (date(2026, 11, 20), date(2026, 11, 21), "task_due_tomorrow"),
        (date(2026, 11, 20), date(2026, 11, 22), "task_due_tomorrow"),
        (date(2026, 11, 20), date(2026, 11, 23), "task_due_tomorrow"),
        (date(2026, 11, 20), date(2026, 11, 24), None),
        # Christmas Eve 2026 (Thursday): 25th, the weekend and Monday 28th (substitute Boxing
        # Day) are holidays, so Tuesday 29th is the next working day
        (date(2026, 12, 24), date(2026, 12, 29), "task_due_tomorrow"),
        (date(2026, 12, 24), date(2026, 12, 30), None),
        # Thursday before Easter 2027: Good Friday 26 March and Easter Monday 29 March
        (date(2027, 3, 25), date(2027, 3, 30), "task_due_tomorrow"),
        (date(2027, 3, 25), date(2027, 3, 31), None),
    ],
)
def test_due_tomorrow_means_by_the_next_working_day(on, due, kind):
    assert mail.reminder_kind(due, on) == kind


@pytest.mark.parametrize(
    ("moment", "due_tomorrow"),
    [
        # 00:20 in London is still the day before in UTC during summer time
        (datetime(2026, 7, 15, 0, 20, tzinfo=LONDON), date(2026, 7, 16)),
        (datetime(2026, 7, 14, 23, 50, tzinfo=LONDON), date(2026, 7, 15)),
        (datetime(2026, 11, 19, 0, 20, tzinfo=LONDON), date(2026, 11, 20)),
    ],
)
def test_reminders_use_the_london_date_across_midnight(
    app, people, wmp, make_person, travel_to, moment, due_tomorrow
):
    from casetrack.queues import tasks

    case = _concern(people, wmp, make_person, received=date(2026, 7, 1))
    travel_to(moment)
    tasks.add_task(case, people["sm"], "Tomorrow's", people["psd"].id, due_tomorrow)
    db.session.commit()
    assert mail.make_reminders() == 2  # this one due tomorrow; the assessment overdue
    (reminder,) = _notes(people["psd"], "task_due_tomorrow")
    assert reminder.key.endswith(due_tomorrow.isoformat())


# ---- two runs at once ------------------------------------------------------------------------

CASETRACK = str(Path(sys.executable).with_name("casetrack"))


def test_two_runs_at_once_on_postgresql_send_each_once(
    app, backend, smtp_server, people, wmp, make_person, tmp_path
):
    """Two `casetrack reminders send` processes against one PostgreSQL database, at the same
    time: every reminder is made once and every email is sent once."""
    if backend != "postgresql":
        pytest.skip("two writers at once: PostgreSQL (SQLite takes one writer at a time)")
    case = _concern(people, wmp, make_person)
    _assess(case, people["sm"])  # its assessment task is done: no reminder of it
    users = [people["sm"], people["psd"], people["psd2"], people["head"]]
    for n in range(20):  # overdue on any real date the processes run at
        db.session.add(
            Task(
                case=case,
                kind="custom",
                what=f"Old task {n}",
                assignee=users[n % 4],
                due=date(2020, 1, 2 + n),  # each reminder its own subject
                created_by_name="test",
            )
        )
    for n in range(200):
        db.session.add(
            Notification(
                user=users[n % 4],
                kind="assigned",
                case_id=case.id,
                reference=case.reference,
                message=f"Message number {n}",
                email_status="pending",
                email_attempts=0,
            )
        )
    db.session.commit()
    smtp_server.delay = 0.01
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASETRACK_")}
    env.update(
        {
            "CASETRACK_DATABASE_URL": app.config["DATABASE_URL"],
            "CASETRACK_INSTANCE_PATH": str(tmp_path / "instance"),
            "CASETRACK_SECRET_KEY": "test-secret-key-not-for-production",
            "CASETRACK_SMTP_URL": smtp_server.url,
            "CASETRACK_MAIL_FROM": "casetrack@example.police.uk",
        }
    )
    runs = [
        subprocess.Popen(
            [CASETRACK, "reminders", "send"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    made = [int(re.search(r"(\d+) new reminder", out).group(1)) for out, _ in outputs]
    sent = [int(re.search(r"(\d+) email\(s\) sent", out).group(1)) for out, _ in outputs]
    assert sum(made) == 20  # one per overdue task, whichever run made it
    assert sum(sent) == 220
    assert min(sent) > 0, outputs  # both runs really sent: they ran at the same time
    received = smtp_server.wait_for(220)
    assert len(received) == 220
    keys = Counter((m.envelope_to[0], m.subject) for m in received)
    assert max(keys.values()) == 1
    db.session.expire_all()
    assert {n.email_status for n in db.session.scalars(select(Notification))} == {"sent"}


def _cli_env(app, tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASETRACK_")}
    env.update(
        {
            "CASETRACK_DATABASE_URL": app.config["DATABASE_URL"],
            "CASETRACK_INSTANCE_PATH": str(tmp_path / "instance"),
            "CASETRACK_SECRET_KEY": "test-secret-key-not-for-production",
            **extra,
        }
    )
    return env


def _cli(env):
    return subprocess.run(
        [CASETRACK, "reminders", "send"], env=env, capture_output=True, text=True, timeout=120
    )


def test_reminders_send_without_a_mail_server_exits_0_and_keeps_in_app(
    app, people, wmp, make_person, tmp_path
):
    case = _concern(people, wmp, make_person, received=date(2020, 1, 2))  # long overdue
    result = _cli(_cli_env(app, tmp_path))
    assert result.returncode == 0, result.stderr
    assert "1 new reminder(s). No email sent" in result.stdout
    db.session.expire_all()
    (reminder,) = _notes(people["sm"], "task_overdue")
    assert (reminder.email_status, reminder.reference) == ("none", case.reference)
    assert _cli(_cli_env(app, tmp_path)).stdout.startswith("0 new reminder(s)")


@pytest.mark.parametrize(
    "url", ["smtp://mail.example.police.uk", "http://mail.example.police.uk:25", "smtp://:25"]
)
def test_a_bad_smtp_url_is_one_line_naming_it(app, tmp_path, url):
    env = _cli_env(app, tmp_path, CASETRACK_SMTP_URL=url, CASETRACK_MAIL_FROM="ct@example.org")
    result = _cli(env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "casetrack: error: CASETRACK_SMTP_URL must look like smtp://host:port or "
        "smtps://user:password@host:port"
    ]


# ---- migration 0015 on existing data --------------------------------------------------------


def test_migration_gives_open_cases_the_tasks_of_their_stage(app, people, wmp, make_person):
    """0015 on a database with cases: logged cases get their assessment, waiting referrals
    PSD's decision, investigations the next PCC notification (on both databases)."""
    from flask_migrate import downgrade, upgrade

    logged = _concern(people, wmp, make_person)
    referred = _concern(people, wmp, make_person)
    _refer(referred, people["sm"])
    investigating = _concern(people, wmp, make_person)
    _refer(investigating, people["sm"])
    service.perform(
        investigating,
        Action.PSD_ACCEPT,
        people["psd"],
        investigating.version,
        investigator_id=people["psd"].id,
    )
    db.session.commit()
    ids = (logged.id, referred.id, investigating.id)
    sm, psd = people["sm"].id, people["psd"].id
    db.session.remove()
    try:
        downgrade(revision="0014")
        upgrade()
    finally:
        upgrade()  # whatever happened, the shared test database is left at head
    rows = db.session.execute(
        select(Task.case_id, Task.kind, Task.assignee_id, Task.due, Task.done_at).order_by(
            Task.case_id, Task.kind
        )
    ).all()
    assert [tuple(r) for r in rows] == [
        (ids[0], "assessment", sm, date(2026, 11, 25), None),
        (ids[1], "referral_decision", None, date(2026, 12, 2), None),
        (ids[2], "pcc_notification", psd, date(2027, 11, 18), None),
    ]
