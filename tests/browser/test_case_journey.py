"""The whole case journey of SPEC §3 in a real browser, with axe checks on every page shown.

A Standards Manager records a concern (after first submitting the empty form), assesses it
with a risk flag that may meet the IOPC mandatory referral criteria and refers it to PSD.
PSD accepts the referral, assigns an investigator, assesses severity, is stopped from closing
before every subject has an outcome, records the IOPC decision and the outcome, and closes the
case. A refused action on the closed case changes nothing; the case list finds the case.

The test never depends on how many cases the demo data holds: it finds its own case by the
reference shown after recording, and its subject has a staff number of its own.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from casetrack.demo import DEMO_PASSWORD, USERS
from casetrack.timeutil import today

from .browser_helpers import LiveServer, check_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser

NAMES = {email: name for email, name, *_ in USERS}
SM_EMAIL = "sm.birmingham@example.police.uk"
PSD_EMAIL = "psd@example.police.uk"
SM_NAME, PSD_NAME = NAMES[SM_EMAIL], NAMES[PSD_EMAIL]  # Sam Patel, Priya Shah

REFERENCE = re.compile(r"\bWMP-\d{4}-\d{5}\b")
TIMELINE = [
    "Concern recorded",
    "Assessment saved",
    "Referred to PSD",
    "Referral accepted",
    "Severity assessed",
    "IOPC referral decision recorded",
    "Proceedings recorded",
    "Outcome recorded",
    "Case closed",
]


class Journey:
    """Numbered screenshots and axe checks as the journey goes along."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.step = 0

    def shot(self, label: str, *, axe: bool = False) -> None:
        self.step += 1
        if axe:
            check_accessibility(self.page, f"journey-{label}")
        screenshot(self.page, f"journey-{self.step:02d}-{label}")


def h1(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def main(page: Page) -> Locator:
    return page.get_by_role("main")


def success_banner(page: Page) -> Locator:
    return page.get_by_role("alert", name="Success")


def summary_value(page: Page, key: str) -> Locator:
    """The value of a row of the case page's summary list."""
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(f"^{re.escape(key)}$"))
    )
    return row.locator(".govuk-summary-list__value")


def fill_date(page: Page, legend: str, day: int, month: int, year: int) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def take_action(page: Page, name: str) -> None:
    """Follow an action link from the case page's Actions panel."""
    actions = page.get_by_role("complementary", name="Actions")
    actions.get_by_role("link", name=name, exact=True).click()
    expect(h1(page)).to_have_text(name)


def expect_case_page(page: Page, reference: str, state: str) -> None:
    heading = h1(page)
    expect(heading).to_contain_text(reference)
    expect(heading).to_contain_text(state)
    expect(page).to_have_title(f"{reference} – CaseTrack")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(h1(page)).to_have_text("Sign in to CaseTrack")


def test_the_whole_case_journey(page: Page, live_server: LiveServer) -> None:
    journey = Journey(page)
    on = today()
    received = on - timedelta(days=2)
    posted = [on - timedelta(days=5), on - timedelta(days=4)]
    unique = uuid.uuid4().hex[:6].upper()
    subject_name, staff_number = f"Casey Journey {unique}", f"J{unique}"
    subject = f"{subject_name} ({staff_number})"  # as the app displays a person

    # ---- 1. The Standards Manager records a concern ------------------------------------------
    sign_in(page, live_server, SM_EMAIL, DEMO_PASSWORD)
    expect(h1(page)).to_have_text("Your departments' cases")
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Record a concern"
    ).click()
    expect(page).to_have_url(f"{live_server.url}/cases/new")
    expect(h1(page)).to_have_text("Record a concern")
    journey.shot("record-form", axe=True)

    page.get_by_role("button", name="Record concern").click()
    expect(page).to_have_title("Error: Record a concern – CaseTrack")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    missing = [
        "Enter the date received",
        "Choose the department",
        "Choose the type of case",
        "Enter a summary of the concern",
        "Choose at least one policy breach category",
    ]
    for message in missing:
        expect(summary.get_by_role("link", name=message)).to_be_visible()
        inline = page.locator(".govuk-error-message").filter(has_text=message)
        expect(inline).to_have_count(1)
        expect(inline).to_be_visible()
    journey.shot("record-form-errors", axe=True)
    # An error summary link takes you to its field.
    summary.get_by_role("link", name="Enter a summary of the concern").click()
    expect(page.get_by_label("Summary of the concern")).to_be_focused()

    fill_date(page, "Date received", received.day, received.month, received.year)
    # Two fields are labelled just "Department" (the case's and the subject's): the first is
    # the case's. Reported: the subject's should say whose department it is.
    page.get_by_label("Department", exact=True).first.select_option(
        label="Birmingham East NPU (WMP)"
    )
    page.get_by_role("group", name="Type of case").get_by_label(
        "Conduct matter raised internally"
    ).check()
    page.get_by_label("How it came in").select_option(label="Colleague")
    page.get_by_label("Summary of the concern").fill(
        "A colleague reported that the officer sent private messages to a victim of a "
        "burglary he attended, asking to meet socially."
    )
    categories = page.get_by_role("group", name="Policy breach categories")
    categories.get_by_label("Inappropriate contact with victims or the public").check()
    categories.get_by_label("Misuse of a corporate account").check()
    page.get_by_label("Account type").select_option(label="Personal account")
    platforms = page.get_by_role("group", name="Platforms")
    platforms.get_by_label("Facebook Messenger").check()
    platforms.get_by_label("Instagram", exact=True).check()
    page.get_by_label("Account name or handle").fill("@pc_casey_j")
    page.get_by_label("Web addresses of the content").fill(
        "https://www.instagram.com/pc_casey_j/\nhttps://www.facebook.com/messages/t/12345"
    )
    page.get_by_label("Dates the content was posted").fill(
        ", ".join(f"{d.day}/{d.month}/{d.year}" for d in posted)
    )
    expect(page.get_by_label("Find an existing workforce record")).to_have_value("")
    page.get_by_label("Full name").fill(subject_name)
    page.get_by_label("Staff or collar number").fill(staff_number)
    page.get_by_label("Role", exact=True).select_option(label="Police officer")
    page.get_by_label("Rank (officers and specials)").select_option(label="Constable")
    page.get_by_label("Reporter's name (optional)").fill("PC Robin Reporter")
    page.get_by_label("Reporter's contact details (optional)").fill("Birmingham East response")
    journey.shot("record-form-filled")
    page.get_by_role("button", name="Record concern").click()

    banner = success_banner(page)
    expect(banner).to_contain_text(REFERENCE)
    match = REFERENCE.search(banner.inner_text())
    assert match, banner.inner_text()
    reference = match.group(0)
    assert reference.startswith(f"WMP-{received.year}-")
    expect(banner).to_contain_text(f"Concern recorded as {reference}")
    expect_case_page(page, reference, "Logged")
    case_url = page.url
    case_id = int(re.search(r"/cases/(\d+)$", case_url).group(1))  # type: ignore[union-attr]
    content = main(page)
    expect(page.get_by_text("West Midlands Police — Birmingham East NPU")).to_be_visible()
    summary = content.locator(".govuk-summary-list").first
    expect(summary.locator(".govuk-summary-list__row", has_text="Type")).to_contain_text(
        "Conduct matter raised internally"
    )
    expect(summary.locator(".govuk-summary-list__row", has_text="How it came in")).to_contain_text(
        "Colleague"
    )
    expect(content).to_contain_text("Facebook Messenger")
    expect(content).to_contain_text("@pc_casey_j")
    subjects = page.get_by_role("table", name=re.compile("Subjects"))
    expect(subjects).to_contain_text(subject)
    expect(subjects).to_contain_text("Police officer, constable")
    journey.shot("case-recorded", axe=True)

    # ---- 2. Assess, with a risk flag that may meet the IOPC mandatory referral criteria ------
    take_action(page, "Assess")
    expect(page).to_have_title(f"Assess – {reference} – CaseTrack")
    page.get_by_role("group", name=f"Severity for {subject}").get_by_label(
        "Misconduct", exact=True
    ).check()
    standards = page.get_by_role(
        "group", name=f"Standards of Professional Behaviour engaged — {subject}"
    )
    standards.get_by_label("Authority, respect and courtesy").check()
    standards.get_by_label("Discreditable conduct").check()
    page.get_by_role("group", name="Risk flags").get_by_label(
        "Contact with a victim or vulnerable person"
    ).check()
    page.get_by_role("group", name="Interim measures taken").get_by_label(
        "Restricted duties"
    ).check()
    page.get_by_label("Rationale", exact=True).fill(
        "Repeated unsolicited contact with a victim met in the course of duty."
    )
    journey.shot("assess", axe=True)
    page.get_by_role("button", name="Assess", exact=True).click()

    expect(success_banner(page)).to_contain_text("Assessment saved.")
    expect_case_page(page, reference, "Assessed")
    expect(content).to_contain_text("may meet the IOPC mandatory referral criteria")
    expect(summary_value(page, "Risk flags")).to_have_text(
        "Contact with a victim or vulnerable person"
    )
    journey.shot("case-assessed-iopc-warning", axe=True)

    # ---- 3. Refer to PSD, then sign out ------------------------------------------------------
    take_action(page, "Refer to PSD")
    page.get_by_label("Why it is referred (optional)").fill(
        "Possible misconduct with a victim: for PSD to investigate."
    )
    journey.shot("refer", axe=True)
    page.get_by_role("button", name="Refer to PSD", exact=True).click()
    expect(success_banner(page)).to_contain_text("Referred to PSD.")
    expect_case_page(page, reference, "Referred to PSD")
    expect(content).to_contain_text("PSD decision due by")
    expect(page.get_by_role("complementary", name="Actions")).to_contain_text(
        "There is no workflow step for you on this case now."
    )
    journey.shot("case-referred")
    sign_out(page)

    # ---- 4. PSD accepts, assesses severity, records the IOPC decision and outcome, closes ----
    sign_in(page, live_server, PSD_EMAIL, DEMO_PASSWORD)
    expect(h1(page)).to_have_text("Your work")
    referrals = page.get_by_role("table", name="Referrals awaiting a decision")
    expect(referrals).to_be_visible()
    referral = referrals.get_by_role("link", name=reference, exact=True)
    expect(referral).to_be_visible()
    check_accessibility(page, "journey-psd-home")
    journey.shot("psd-home")
    referral.click()
    expect_case_page(page, reference, "Referred to PSD")

    take_action(page, "Accept referral")
    expect(content).to_contain_text("may meet the IOPC mandatory referral criteria")
    page.get_by_label("Investigator (optional)").select_option(label=PSD_NAME)
    journey.shot("accept", axe=True)
    page.get_by_role("button", name="Accept referral").click()
    expect(success_banner(page)).to_contain_text("Referral accepted.")
    expect_case_page(page, reference, "PSD investigation")
    expect(summary_value(page, "Investigator")).to_have_text(PSD_NAME)

    take_action(page, "Severity assessment")
    severity = page.get_by_role("group", name=f"Severity for {subject}")
    expect(severity.get_by_label("Misconduct", exact=True)).to_be_checked()  # as assessed
    expect(severity.get_by_label("Not assessed")).to_have_count(0)
    page.get_by_label("Rationale", exact=True).fill(
        "Agree misconduct: contact was unwanted but there was no sexual motive."
    )
    journey.shot("severity", axe=True)
    page.get_by_role("button", name="Severity assessment", exact=True).click()
    expect(success_banner(page)).to_contain_text("Severity assessed.")
    expect(page.get_by_role("table", name=re.compile("Subjects"))).to_contain_text("Misconduct")

    # Closing before every subject has an outcome: the page explains, and offers no button.
    take_action(page, "Close case")
    expect(content).to_contain_text(
        "Record an outcome for every subject before closing: 1 subject has no outcome yet."
    )
    expect(content.get_by_role("button")).to_have_count(0)
    journey.shot("close-blocked", axe=True)
    page.get_by_role("link", name=f"Back to {reference}").click()
    expect_case_page(page, reference, "PSD investigation")

    take_action(page, "IOPC referral decision")
    page.get_by_role("group", name="Was the matter referred to the IOPC?").get_by_label(
        "No", exact=True
    ).check()
    page.get_by_label("Rationale for the decision").fill(
        "No serious harm and no discrimination: criteria not met after review with the DAC."
    )
    journey.shot("iopc-decision", axe=True)
    page.get_by_role("button", name="IOPC referral decision", exact=True).click()
    expect(success_banner(page)).to_contain_text("IOPC referral decision recorded.")
    expect(content).not_to_contain_text("may meet the IOPC mandatory referral criteria")
    expect(summary_value(page, "IOPC referral")).to_contain_text("Not referred")

    # A written warning needs a misconduct meeting that finds misconduct (SPEC §14.1)
    page.get_by_role("link", name=re.compile("^Record proceedings")).click()
    page.locator("input[name='p-case_to_answer'][value='yes']").check()
    page.get_by_label("Misconduct meeting", exact=True).check()
    page.locator("#p-proceedings_date-day").fill(str(on.day))
    page.locator("#p-proceedings_date-month").fill(str(on.month))
    page.locator("#p-proceedings_date-year").fill(str(on.year))
    page.get_by_label("Who chaired it").fill("Supt K. Barnes")
    page.locator("input[name='p-finding'][value='misconduct']").check()
    journey.shot("proceedings", axe=True)
    page.get_by_role("button", name="Save proceedings").click()
    expect(success_banner(page)).to_contain_text(f"Saved for {subject}")

    take_action(page, "Record outcome")
    page.get_by_label("Subject", exact=True).select_option(label=subject)
    page.get_by_label("Outcome", exact=True).select_option(label="Written warning")
    fill_date(page, "Date of the outcome", on.day, on.month, on.year)
    page.get_by_label("Rationale").fill("Found at the misconduct meeting; first matter.")
    journey.shot("outcome", axe=True)
    page.get_by_role("button", name="Record outcome").click()
    expect(success_banner(page)).to_contain_text("Outcome recorded.")
    expect(page.get_by_role("table", name=re.compile("Subjects"))).to_contain_text(
        "Written warning"
    )

    take_action(page, "Close case")
    expect(page.locator(".govuk-warning-text")).to_have_count(0)
    page.get_by_label("Closing note (optional)").fill("Written warning given; no appeal.")
    journey.shot("close", axe=True)
    page.get_by_role("button", name="Close case", exact=True).click()
    expect(success_banner(page)).to_contain_text("Case closed.")
    expect_case_page(page, reference, "Closed")
    expect(summary_value(page, "Closed")).to_have_text(f"{on.day} {on:%B %Y}")

    timeline = page.locator(".ct-timeline")
    steps = timeline.get_by_role("heading", level=3)
    expect(steps).to_have_count(len(TIMELINE))
    # Newest first, each with who did it.
    expected_actor = {
        "Concern recorded": SM_NAME,
        "Assessment saved": SM_NAME,
        "Referred to PSD": SM_NAME,
    }
    for position, label in enumerate(reversed(TIMELINE)):
        expect(steps.nth(position)).to_contain_text(label)
        item = timeline.locator("li").nth(position)
        expect(item).to_contain_text(f"{expected_actor.get(label, PSD_NAME)}, ")
    expect(timeline).to_contain_text("PSD investigation to Closed")
    journey.shot("case-closed", axe=True)

    # ---- 5. A refused action on the closed case changes nothing -----------------------------
    page.goto(f"{live_server.url}/cases/{case_id}/withdraw")
    expect(h1(page)).to_have_text("You cannot withdraw this concern now")
    expect(content).to_contain_text("not possible while the case is closed")
    expect(content).to_contain_text("Nothing has been changed")
    expect(content.get_by_role("button")).to_have_count(0)
    journey.shot("refused", axe=True)
    page.get_by_role("link", name="Go back to the case").click()
    expect_case_page(page, reference, "Closed")
    expect(page.locator(".ct-timeline").get_by_role("heading", level=3)).to_have_count(
        len(TIMELINE)
    )

    # ---- 6. The case list finds it ------------------------------------------------------------
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Cases").click()
    expect(h1(page)).to_have_text("Cases")
    page.get_by_text("Filter and search").click()
    page.get_by_label("Search").fill(reference)
    page.get_by_role("button", name="Apply filters").click()
    results = page.get_by_role("table", name=re.compile(r"^Cases \d+ to \d+$"))
    expect(results.get_by_role("row")).to_have_count(2)  # the header and the one case
    expect(results.get_by_role("link", name=reference, exact=True)).to_be_visible()
    expect(results).to_contain_text(subject)
    check_accessibility(page, "journey-case-list-search")
    journey.shot("case-list-search")

    page.get_by_label("Search").fill("")
    page.get_by_label("State").select_option(label="Closed")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"[?&]state=closed\b"))
    expect(page.get_by_label("State")).to_have_value("closed")
    results = page.get_by_role("table", name=re.compile(r"^Cases \d+ to \d+$"))
    expect(results).to_be_visible()
    for row in results.get_by_role("row").all()[1:]:  # every row shown is a closed case
        expect(row.get_by_role("cell").nth(3)).to_have_text("Closed")
    found = results.get_by_role("link", name=reference, exact=True)
    # However many closed cases there are, the case is on one of the pages.
    page_number = 1
    while not found.count():
        page_number += 1
        page.get_by_role("navigation", name="Pagination").get_by_role(
            "link", name=re.compile("Next")
        ).click()
        expect(page).to_have_url(re.compile(rf"[?&]page={page_number}\b"))
        expect(results).to_be_visible()
    expect(found).to_be_visible()
    check_accessibility(page, "journey-case-list-closed")
    journey.shot("case-list-closed")
