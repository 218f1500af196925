"""Work queues and notifications in a real browser (SPEC §13): a Standards Manager refers a
case; PSD signs in and sees the header count go up, the notification, and the case in the
team queue, and takes it; the email arrives at a real SMTP server (aiosmtpd) when the
sending step runs, with the reference and a link and nothing of the case. axe checks each
page.

The live server is shared with the other browser tests, so this test makes its own case (in
the server's database, through the real service) and points the server at its SMTP server
only while it runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from casetrack.auth.models import User
from casetrack.cases import service
from casetrack.cases.models import Case
from casetrack.cases.workflow import Action
from casetrack.demo import DEMO_PASSWORD
from casetrack.extensions import db
from casetrack.org.models import Department
from casetrack.queues import mail, notify
from casetrack.timeutil import today

from .browser_helpers import LiveServer, check_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser

SM_EMAIL = "sm.birmingham@example.police.uk"
PSD_EMAIL = "psd@example.police.uk"
SUMMARY = "Shared a photograph of a custody detainee named Ottoline Brackenbury"


@pytest.fixture
def mailing(live_server: LiveServer, smtp_server) -> Iterator[None]:
    config = live_server.app.config
    config.update(SMTP_URL=smtp_server.url, MAIL_FROM="casetrack@example.police.uk")
    try:
        yield
    finally:
        config.update(SMTP_URL=None, MAIL_FROM=None)


def _assessed_case(live_server: LiveServer) -> tuple[int, str]:
    from casetrack.cases.service import ConcernDetails, SubjectDetails, find_or_add_person

    with live_server.app.app_context():
        sm = db.session.scalar(select(User).where(User.email == SM_EMAIL))
        department = db.session.scalar(select(Department).where(Department.code == "BIRM_E"))
        person = find_or_add_person(
            department.force,
            SubjectDetails(
                name="Constable Thaddeus Wren",
                staff_number="QQ9182",
                role="police_officer",
                rank="constable",
            ),  # fmt: skip
        )
        case = service.record_concern(
            sm,
            ConcernDetails(
                received_date=today() - timedelta(days=1),
                department=department,
                summary=SUMMARY,
                categories=["inappropriate_content"],
                platforms=["instagram"],
            ),
            [person],
        )
        service.perform(
            case,
            Action.ASSESS,
            sm,
            case.version,
            subjects={inv.id: ("misconduct", ["confidentiality"]) for inv in case.investigations},
            risk_flags=[],
            interim_measures=[],
            rationale="Assessed in the browser test.",
        )
        db.session.commit()
        return case.id, case.reference


def _unread(live_server: LiveServer, email: str) -> int:
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        count = notify.unread_count(user)
        db.session.remove()
        return count


def test_a_referral_reaches_the_team_queue_the_header_and_the_inbox(
    page: Page, live_server: LiveServer, smtp_server, mailing
) -> None:
    case_id, reference = _assessed_case(live_server)
    before = _unread(live_server, PSD_EMAIL)

    # the Standards Manager refers it
    sign_in(page, live_server, SM_EMAIL, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cases/{case_id}/refer_to_psd")
    page.get_by_label("Why it is referred (optional)").fill("For PSD to decide.")
    page.get_by_role("button", name="Refer to PSD", exact=True).click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Referred to PSD.")
    assert smtp_server.messages == []  # nothing is sent from the user's request
    page.get_by_role("button", name="Sign out").click()

    # PSD: the header count, the notification, the team queue
    sign_in(page, live_server, PSD_EMAIL, DEMO_PASSWORD)
    header = page.get_by_role("link", name=f"Notifications, {before + 1} unread")
    expect(header).to_be_visible()
    header.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    row = page.get_by_role("row").filter(has_text=f"{reference} was referred to PSD")
    expect(row).to_contain_text("Unread")
    check_accessibility(page, "queues-notifications")
    screenshot(page, "queues-notifications")
    page.get_by_role("link", name="Team queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team queue")
    queued = page.get_by_role("row").filter(has_text=reference)
    expect(queued).to_contain_text("A decision on the referral")
    expect(queued).to_contain_text("Nobody yet")
    check_accessibility(page, "queues-team-queue")
    screenshot(page, "queues-team-queue")
    queued.get_by_role("button", name=f"Take {reference}").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(f"You took {reference}.")
    expect(page.get_by_role("row").filter(has_text=reference)).to_contain_text("Priya Shah")
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("table", name="Your tasks, soonest due first")).to_contain_text(
        reference
    )
    check_accessibility(page, "queues-home-with-tasks")
    screenshot(page, "queues-home-with-tasks")

    # the sending step (what `casetrack reminders send` runs) delivers the email
    with live_server.app.app_context():
        result = mail.send_pending()
        db.session.remove()
    assert result.failed == 0 and result.sent >= 1
    arrived = [m for m in smtp_server.wait_for(result.sent) if m.envelope_to == [PSD_EMAIL]]
    assert [m.subject for m in arrived] == [f"CaseTrack: {reference} was referred to PSD"]
    text = arrived[0].raw_text
    for word in ("Ottoline", "Brackenbury", "Thaddeus", "Wren", "QQ9182", "instagram", SUMMARY):
        assert word not in text
    assert f"/cases/{case_id}" in arrived[0].body


HEAD_EMAIL = "head.psd@example.police.uk"


def _referred_case(live_server: LiveServer) -> str:
    case_id, reference = _assessed_case(live_server)
    with live_server.app.app_context():
        sm = db.session.scalar(select(User).where(User.email == SM_EMAIL))
        case = db.session.get(Case, case_id)
        service.perform(case, Action.REFER_TO_PSD, sm, case.version, note="For PSD.")
        db.session.commit()
        db.session.remove()
    return reference


def test_the_head_of_psd_assigns_several_at_once(page: Page, live_server: LiveServer) -> None:
    first, second = _referred_case(live_server), _referred_case(live_server)
    sign_in(page, live_server, HEAD_EMAIL, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/queue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team queue")

    # nothing chosen: the error names the problem and links to the checkboxes
    page.get_by_label("Assign to").select_option(label="Priya Shah (PSD reviewer / investigator)")
    page.get_by_role("button", name="Assign the chosen cases").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Choose at least one case")
    check_accessibility(page, "queues-assign-error")

    page.get_by_label(f"Choose {first}").check()
    page.get_by_label(f"Choose {second}").check()
    page.get_by_label("Assign to").select_option(label="Priya Shah (PSD reviewer / investigator)")
    page.get_by_role("button", name="Assign the chosen cases").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("2 cases assigned.")
    for reference in (first, second):
        expect(page.get_by_role("row").filter(has_text=reference)).to_contain_text("Priya Shah")
    check_accessibility(page, "queues-team-queue-assigned")
