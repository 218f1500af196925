"""Everyday casework (SPEC §12) in a real browser, with axe on every new page.

A Standards Manager corrects a logged case's handle and web address (a bad address first) and
writes a note; the head of PSD restricts the case, names an investigator, links it to another
case and opens the subject's history; the named investigator then sees it, with the
correction on its timeline.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from casetrack.demo import DEMO_PASSWORD

from .browser_helpers import LiveServer, check_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser

SM = "sm.birmingham@example.police.uk"
HEAD = "head.psd@example.police.uk"
PSD = "psd@example.police.uk"
REFERENCE = re.compile(r"\bWMP-\d{4}-\d{5}\b")


def h1(page: Page):  # noqa: ANN201
    return page.get_by_role("heading", level=1)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def open_a_logged_case(page: Page, server: LiveServer) -> str:
    page.goto(f"{server.url}/cases?state=logged&sort=reference")
    link = page.locator("table a").filter(has_text=REFERENCE).first
    reference = link.inner_text().strip()
    link.click()
    expect(h1(page)).to_contain_text(reference)
    return reference


def test_correct_note_restrict_link_and_history(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, SM, DEMO_PASSWORD)
    reference = open_a_logged_case(page, live_server)
    case_url = page.url

    # A correction: a bad web address is refused, naming it; then the handle and address.
    page.get_by_role("link", name="Correct the details").first.click()
    expect(h1(page)).to_have_text("Correct the case details")
    check_accessibility(page, "casework-correct")
    page.get_by_label("Account name or handle").fill("@WMPInspReed")
    page.get_by_label("Web addresses of the content").fill("not a url at all")
    page.get_by_label("Why you are making the correction").fill("Handle mistyped at recording")
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("is not a web address")
    check_accessibility(page, "casework-correct-errors")
    page.get_by_label("Web addresses of the content").fill("https://x.com/WMPInspReed/status/17")
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("2 details corrected")
    timeline = page.locator(".ct-timeline__item").first
    expect(timeline).to_contain_text("Details corrected")
    expect(timeline).to_contain_text("→ “@WMPInspReed”")
    expect(timeline).to_contain_text("Why: Handle mistyped at recording")
    timeline.scroll_into_view_if_needed()
    screenshot(page, "casework-01-correction-on-timeline")

    # A note in the decision log.
    page.get_by_role("link", name="Add a note").first.click()
    expect(h1(page)).to_have_text("Add a note")
    check_accessibility(page, "casework-note")
    expect(page.get_by_label("PSD only")).to_have_count(0)  # not for a Standards Manager
    page.get_by_label("Note").fill("Reporter called: the post is still up at 10:15.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#notes ~ .ct-notes")).to_contain_text("the post is still up")
    check_accessibility(page, "casework-case-with-note")
    sign_out(page)

    # The head of PSD restricts the case and names an investigator.
    sign_in(page, live_server, HEAD, DEMO_PASSWORD)
    page.goto(case_url)
    page.get_by_role("link", name="Restrict the case").click()
    expect(h1(page)).to_have_text("Restricted access")
    check_accessibility(page, "casework-access-unrestricted")
    page.get_by_label("Why").fill("The subject is a senior officer in the same building")
    page.get_by_role("button", name="Restrict case").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Case restricted")
    priya = page.locator("#name-user option", has_text="Priya Shah").get_attribute("value")
    page.get_by_label("Name a user who may see the case").select_option(value=priya)
    page.get_by_role("button", name="Name user").click()
    expect(page.locator("table")).to_contain_text("Priya Shah")
    check_accessibility(page, "casework-access-restricted")
    screenshot(page, "casework-02-restricted-access")

    # …links it to another case of the force…
    page.goto(case_url)
    expect(page.locator(".govuk-summary-list")).to_contain_text("Priya Shah")
    page.get_by_role("link", name="Link to another case").first.click()
    check_accessibility(page, "casework-link")
    page.goto(f"{live_server.url}/cases?state=closed&sort=reference")
    other = page.locator("table a").filter(has_text=REFERENCE).first.inner_text().strip()
    page.go_back()
    page.get_by_label("Reference of the other case").fill(other)
    page.get_by_label("Same account").check()
    page.get_by_label("Why").fill("Both concerns are about the same account")
    page.get_by_role("button", name="Link cases").click()
    expect(page.locator("#links ~ ul")).to_contain_text(other)

    # …and opens the subject's history.
    page.locator("table a[href*='/cases/people/']").first.click()
    expect(page.get_by_role("heading", level=2, name="Cases")).to_be_visible()
    expect(page.locator("table")).to_contain_text(reference)
    check_accessibility(page, "casework-person-history")
    screenshot(page, "casework-03-person-history")
    sign_out(page)

    # The named investigator sees the restricted case and the correction on its timeline.
    sign_in(page, live_server, PSD, DEMO_PASSWORD)
    page.goto(case_url)
    expect(h1(page)).to_contain_text("Restricted")
    expect(page.locator(".ct-timeline")).to_contain_text("Details corrected")
    expect(page.locator(".ct-notes")).to_contain_text("the post is still up")
    expect(page.get_by_text("Who may see it")).to_have_count(0)  # the head of PSD's view only
    screenshot(page, "casework-04-named-investigator")
