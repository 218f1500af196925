"""Misconduct proceedings in a real browser (SPEC §14), axe on every new page.

1. Misconduct: PSD's severity assessment → a misconduct meeting finds misconduct → a written
   warning (a dismissal is refused first, naming regulation 42(2)) → the appeal is dismissed.
2. Gross misconduct: a misconduct hearing finds gross misconduct → dismissal → a Barred List
   report is due, and PSD fills it in.

Each case is recorded and referred through the real services on the live server (the journey
of SPEC §3 is tests/browser/test_case_journey.py); PSD's part is driven through the pages.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from casetrack.demo import DEMO_PASSWORD

from .browser_helpers import LiveServer, check_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser

PSD = "psd@example.police.uk"  # Priya Shah


def _referred_case(server: LiveServer, severity: str) -> int:
    """A new WMP case with one police officer subject, accepted by Priya Shah."""
    from sqlalchemy import select

    from casetrack.auth.models import User
    from casetrack.cases import service
    from casetrack.cases.workflow import Action
    from casetrack.extensions import db
    from casetrack.org.models import Department
    from casetrack.timeutil import today

    with server.app.app_context():
        manager = db.session.scalar(
            select(User).where(User.email == "sm.birmingham@example.police.uk")
        )
        psd = db.session.scalar(select(User).where(User.email == PSD))
        department = db.session.scalar(select(Department).where(Department.code == "BIRM_E"))
        person = service.find_or_add_person(
            department.force,
            service.SubjectDetails(
                name=f"Alex Proceedings {uuid.uuid4().hex[:4]}",
                staff_number=f"WMP{uuid.uuid4().int % 10**6:06d}",
                role="police_officer",
                rank="sergeant",
                department=department,
            ),
        )
        case = service.record_concern(
            manager,
            service.ConcernDetails(
                received_date=today() - timedelta(days=30),
                department=department,
                summary="Offensive comments about a community posted on a personal account.",
                categories=["inappropriate_content"],
                platforms=["facebook"],
            ),
            [person],
        )
        inv = case.investigations[0].id
        service.perform(
            case,
            Action.ASSESS,
            manager,
            case.version,
            subjects={inv: (severity, ["discreditable_conduct"])},
            risk_flags=[],
            interim_measures=[],
            rationale="Provisional.",
        )
        service.perform(case, Action.REFER_TO_PSD, manager, case.version, note="For PSD.")
        service.perform(case, Action.PSD_ACCEPT, psd, case.version, investigator_id=psd.id)
        db.session.commit()
        return case.id


def _severity(page: Page, choice: str) -> None:
    page.get_by_role("link", name="Severity assessment").click()
    page.get_by_label(choice, exact=True).check()
    page.get_by_label("Rationale").fill("Assessed on the evidence secured.")
    page.get_by_role("button", name="Severity assessment").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()


def _outcome(page: Page, outcome: str) -> None:
    from casetrack.timeutil import today

    page.get_by_role("link", name="Record outcome").click()
    subject = page.get_by_label("Subject")
    subject.select_option(index=1)
    page.get_by_label("Outcome", exact=True).select_option(label=outcome)
    on = today()
    page.locator("#outcome_date-day").fill(str(on.day))
    page.locator("#outcome_date-month").fill(str(on.month))
    page.locator("#outcome_date-year").fill(str(on.year))
    page.get_by_label("Rationale").fill(f"{outcome}: proportionate to what was found.")
    page.get_by_role("button", name="Record outcome").click()


def _proceedings(page: Page, kind: str, finding: str) -> None:
    from casetrack.timeutil import today

    page.get_by_role("link", name=re.compile("^Record proceedings")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Proceedings for")
    check_accessibility(page, f"proceedings-{kind}")
    page.locator("#p-case_to_answer-0, input[name='p-case_to_answer'][value='yes']").first.check()
    page.get_by_label(kind, exact=True).check()
    on = today()
    page.locator("#p-proceedings_date-day").fill(str(on.day))
    page.locator("#p-proceedings_date-month").fill(str(on.month))
    page.locator("#p-proceedings_date-year").fill(str(on.year))
    page.get_by_label("Who chaired it").fill("Supt K. Barnes")
    page.locator(f"input[name='p-finding'][value='{finding}']").check()
    page.get_by_role("button", name="Save proceedings").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved for")


def test_meeting_warning_appeal(page: Page, live_server: LiveServer) -> None:
    from casetrack.timeutil import today

    case_id = _referred_case(live_server, "misconduct")
    sign_in(page, live_server, PSD, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cases/{case_id}")
    _severity(page, "Misconduct")
    _proceedings(page, "Misconduct meeting", "misconduct")
    _outcome(page, "Dismissed")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "a meeting can give at most a final written warning (regulation 42(2))"
    )
    check_accessibility(page, "proceedings-outcome-refused")
    page.goto(f"{live_server.url}/cases/{case_id}")
    _outcome(page, "Written warning")
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Proceedings and appeal")).click()
    page.locator("input[name='a-appeal'][value='dismissed']").check()
    on = today()
    page.locator("#a-appeal_date-day").fill(str(on.day))
    page.locator("#a-appeal_date-month").fill(str(on.month))
    page.locator("#a-appeal_date-year").fill(str(on.year))
    page.get_by_role("button", name="Save appeal").click()
    subjects = page.get_by_role("table", name=re.compile("^Subjects, with severity"))
    expect(subjects).to_contain_text("Misconduct meeting")
    expect(subjects).to_contain_text("Finding: misconduct")
    expect(subjects).to_contain_text("Appeal dismissed")
    expect(page.locator(".ct-timeline")).to_contain_text("Proceedings recorded")
    check_accessibility(page, "proceedings-case-page")
    subjects.scroll_into_view_if_needed()
    screenshot(page, "proceedings-01-meeting-warning-appeal")


def test_hearing_dismissal_barred_list(page: Page, live_server: LiveServer) -> None:
    case_id = _referred_case(live_server, "gross_misconduct")
    sign_in(page, live_server, PSD, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cases/{case_id}")
    _severity(page, "Gross misconduct")
    _proceedings(page, "Misconduct hearing", "gross_misconduct")
    _outcome(page, "Dismissed")
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    subjects = page.get_by_role("table", name=re.compile("^Subjects, with severity"))
    expect(subjects).to_contain_text("Barred List report")
    expect(subjects).to_contain_text(re.compile(r"due \d+ \w+ \d{4}"))
    page.get_by_role("link", name="Barred List report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Barred List report for")
    check_accessibility(page, "proceedings-barred-list")
    page.locator("#date_of_birth-day").fill("12")
    page.locator("#date_of_birth-month").fill("3")
    page.locator("#date_of_birth-year").fill("1984")
    page.locator("input[name='status'][value='former_officer']").check()
    page.locator("#reasons").fill("Dismissed without notice for gross misconduct.")
    page.get_by_role("button", name="Save list report").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("List report saved")
    screenshot(page, "proceedings-02-barred-list-due")
