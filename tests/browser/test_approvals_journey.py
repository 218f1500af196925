"""Separation of duties in a real browser (SPEC §9.1): the administrator's request for a new
PSD investigator waits for the head of PSD, who approves it and chooses the temporary password;
the investigator signs in with it, must change it, and then sees cases. axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from casetrack.demo import DEMO_PASSWORD, PENDING_ACCOUNT

from .browser_helpers import LiveServer, check_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser

ADMIN = "admin@example.police.uk"
HEAD = "head.psd@example.police.uk"
TEMPORARY = "Approved-by-head-2026"
OWN = "Rowan-chose-this-one-2026"


def h1(page: Page):  # noqa: ANN201
    return page.get_by_role("heading", level=1)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_a_new_investigator_waits_for_the_head_of_psd(page: Page, live_server: LiveServer) -> None:
    email, name = PENDING_ACCOUNT

    # The administrator sees the account waiting, with no role, and cannot approve it.
    sign_in(page, live_server, ADMIN, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/admin/users")
    row = page.get_by_role("row").filter(has_text=email)
    expect(row).to_contain_text("Awaiting approval")
    check_accessibility(page, "approvals-admin-users")
    assert page.goto(f"{live_server.url}/approvals").status == 403
    page.goto(f"{live_server.url}/")
    sign_out(page)

    # The account cannot be used yet: nobody knows its password, not even the administrator.
    page.goto(f"{live_server.url}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(TEMPORARY)
    page.get_by_role("button", name="Sign in").click()
    expect(h1(page)).to_have_text("Sign in to CaseTrack")

    # The head of PSD finds the request from the menu.
    sign_in(page, live_server, HEAD, DEMO_PASSWORD)
    page.get_by_role("link", name="Access requests").first.click()
    expect(h1(page)).to_have_text("Access requests")
    check_accessibility(page, "approvals-index")
    screenshot(page, "approvals-01-index")
    page.get_by_role("link", name=name).click()
    expect(h1(page)).to_have_text(f"Access request for {name}")
    check_accessibility(page, "approvals-decide")

    # Approving without a password is explained, beside the field and in the summary.
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page, "approvals-decide-errors")
    screenshot(page, "approvals-02-decide-errors")
    page.get_by_label("Approve").check()
    page.get_by_label("Temporary password", exact=True).fill(TEMPORARY)
    page.get_by_label("Confirm temporary password").fill(TEMPORARY)
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-notification-banner, .govuk-panel")).to_contain_text(
        re.compile(name)
    )
    sign_out(page)

    # The investigator signs in with the head's password and must choose their own.
    sign_in(page, live_server, email, TEMPORARY)
    expect(h1(page)).to_have_text(re.compile("password", re.IGNORECASE))
    check_accessibility(page, "approvals-first-sign-in")
    page.get_by_label("Current password").fill(TEMPORARY)
    page.get_by_label("New password", exact=True).fill(OWN)
    page.get_by_label("Confirm new password").fill(OWN)
    page.get_by_role("button", name="Change password").click()
    page.goto(f"{live_server.url}/cases")
    expect(h1(page)).to_have_text(re.compile("Cases"))
    expect(page.locator("table")).to_contain_text("WMP-")
