"""Sign in and out in a real browser, for every role, with axe checks on every page shown."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from casetrack.auth.permissions import ROLE_LABELS, Role
from casetrack.demo import DEMO_PASSWORD, USERS
from conftest import totp_code

from .browser_helpers import LiveServer, check_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser

# The first demo user of each role: (email, name).
DEMO_USER = {}
for _email, _name, _role, *_ in USERS:
    DEMO_USER.setdefault(_role, (_email, _name))

HOME_HEADING = {
    "admin": "Administration",
    "standards_manager": "Your departments' cases",
    "psd": "Your work",
    "psd_head": "Your work",
    "leadership": "Outcome statistics",
}
ROLES = ["admin", "standards_manager", "psd", "psd_head", "leadership"]


def h1(page: Page):  # noqa: ANN201
    return page.get_by_role("heading", level=1)


def expect_sign_in_page(page: Page, server: LiveServer) -> None:
    expect(page).to_have_url(re.compile(re.escape(server.url) + r"/sign-in(\?.*)?$"))
    expect(h1(page)).to_have_text("Sign in to CaseTrack")
    expect(page.get_by_label("Email address")).to_be_visible()


def test_every_role_is_a_demo_role() -> None:
    assert set(ROLES) == {role.value for role in Role} == set(DEMO_USER)


@pytest.mark.parametrize("role", ROLES)
def test_sign_in_and_out(page: Page, live_server: LiveServer, role: str) -> None:
    email, name = DEMO_USER[role]

    page.goto(f"{live_server.url}/sign-in")
    expect_sign_in_page(page, live_server)
    expect(page).to_have_title("Sign in – CaseTrack")
    expect(page.get_by_role("banner")).not_to_contain_text("Signed in as")
    check_accessibility(page, "sign-in")
    if role == ROLES[0]:
        screenshot(page, "sign-in-page")

    sign_in(page, live_server, email, DEMO_PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(h1(page)).to_have_text(HOME_HEADING[role])
    expect(page.get_by_role("banner")).to_contain_text(
        f"Signed in as {name} ({ROLE_LABELS[Role(role)]})"
    )
    navigation = page.get_by_role("navigation", name="Main menu")
    expect(navigation.get_by_role("link", name="Home")).to_be_visible()
    admin_links = navigation.get_by_role("link", name=re.compile("^(Users|Forces|Departments)$"))
    expect(admin_links).to_have_count(3 if role == "admin" else 0)
    check_accessibility(page, f"home-{role}")
    screenshot(page, f"home-{role}")

    page.get_by_role("button", name="Sign out").click()

    expect_sign_in_page(page, live_server)
    banner = page.get_by_role("alert", name="Success")
    expect(banner).to_contain_text("You have signed out")
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    check_accessibility(page, "signed-out")

    page.goto(f"{live_server.url}/")
    expect_sign_in_page(page, live_server)
    expect(page.get_by_text("Sign in to continue")).to_be_visible()


def test_wrong_password_shows_the_problem_and_keeps_the_email(
    page: Page, live_server: LiveServer
) -> None:
    email, _name = DEMO_USER["psd"]

    sign_in(page, live_server, email, "not-the-password-at-all")

    expect_sign_in_page(page, live_server)
    expect(page).to_have_title("Error: Sign in – CaseTrack")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    problem = summary.get_by_role("link", name="Enter a correct email address and password")
    expect(problem).to_be_visible()
    # GOV.UK Frontend moves focus to the summary, so screen readers announce it at once.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.get_by_label("Email address")).to_have_value(email)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    check_accessibility(page, "sign-in-wrong-password")

    problem.click()  # the summary link takes you to the field to correct
    expect(page.get_by_label("Email address")).to_be_focused()


ADMIN_PAGES = [
    # (how to get there from the home page: nav link or button link), expected h1, path
    ("Users", "Users", "/admin/users"),
    ("Forces", "Forces", "/admin/forces"),
    ("Departments", "Departments", "/admin/departments"),
    ("Create a user", "Create a user", "/admin/users/new"),
]


@pytest.mark.parametrize(("link", "heading", "path"), ADMIN_PAGES, ids=lambda v: v)
def test_admin_pages(
    page: Page, live_server: LiveServer, link: str, heading: str, path: str
) -> None:
    email, _name = DEMO_USER["admin"]
    sign_in(page, live_server, email, DEMO_PASSWORD)
    expect(h1(page)).to_have_text(HOME_HEADING["admin"])

    navigation = page.get_by_role("navigation", name="Main menu")
    if link == "Create a user":
        navigation.get_by_role("link", name="Users").click()
        page.get_by_role("button", name="Create a user").click()  # a link styled as a button
    else:
        navigation.get_by_role("link", name=link).click()

    expect(page).to_have_url(f"{live_server.url}{path}")
    expect(h1(page)).to_have_text(heading)
    expect(page).to_have_title(f"{heading} – CaseTrack")
    if link != "Create a user":
        current = navigation.locator("[aria-current]")
        expect(current).to_have_text(link)
    if link == "Users":
        table = page.get_by_role("table")
        for _email, name, *_ in USERS:
            expect(table.get_by_role("link", name=name, exact=True)).to_be_visible()
    if link == "Forces":
        expect(page.get_by_role("link", name="West Midlands Police")).to_be_visible()
    if link == "Departments":
        expect(page.get_by_role("link", name="Birmingham East NPU")).to_be_visible()
    if link == "Create a user":
        expect(page.get_by_role("link", name="Back to users")).to_be_visible()
        expect(page.get_by_label("Email address")).to_be_visible()
    label = "admin-" + heading.lower().replace(" ", "-")
    check_accessibility(page, label)
    screenshot(page, label)


def test_sign_in_with_the_keyboard_only(page: Page, live_server: LiveServer) -> None:
    email, name = DEMO_USER["standards_manager"]
    page.goto(f"{live_server.url}/sign-in")
    expect_sign_in_page(page, live_server)

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()  # visually hidden until it has focus
    screenshot(page, "keyboard-skip-link-focused")

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))

    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.type(email)

    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")

    # The second factor (SPEC §16), by keyboard too. The redirect keeps the #main-content
    # fragment, so the next Tab stop is the code.
    expect(h1(page)).to_have_text("Confirm it is you")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Code from your authenticator app")).to_be_focused()
    page.keyboard.type(totp_code(live_server.app, email) or "")
    page.keyboard.press("Enter")

    # The form posts to /sign-in#main-content (the skip link's fragment); the browser keeps
    # that fragment across the redirect home, which is harmless.
    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/(#main-content)?$"))
    expect(h1(page)).to_have_text(HOME_HEADING["standards_manager"])
    expect(page.get_by_role("banner")).to_contain_text(f"Signed in as {name}")


def test_the_accessibility_check_reports_violations(page: Page) -> None:
    """The axe helper must fail a page with a real problem, not pass everything silently."""
    page.set_content(
        '<html lang="en"><head><title>Broken</title></head><body><main>'
        '<h1>Broken</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<input type="text"></main></body></html>'
    )
    with pytest.raises(pytest.fail.Exception) as failure:
        check_accessibility(page, "self-test-broken-page")
    report = str(failure.value)
    assert "image-alt [critical]" in report
    assert "label [critical]" in report


NARROW_PAGES = [
    pytest.param("/sign-in", None, id="sign-in"),
    pytest.param("/", "admin", id="home-admin"),
    pytest.param("/", "psd", id="home-psd"),
    pytest.param("/admin/users/new", "admin", id="create-a-user"),
    pytest.param("/admin/users", "admin", id="users"),
    pytest.param("/admin/forces", "admin", id="forces"),
    pytest.param("/admin/departments", "admin", id="departments"),
]


@pytest.mark.parametrize(("path", "role"), NARROW_PAGES)
def test_pages_reflow_at_320_css_pixels(
    browser: Browser, live_server: LiveServer, path: str, role: str | None
) -> None:
    """WCAG 1.4.10: at 400% zoom (320 CSS px wide) the page must not scroll sideways."""
    context = browser.new_context(viewport={"width": 320, "height": 800})
    narrow = context.new_page()
    try:
        if role:
            sign_in(narrow, live_server, DEMO_USER[role][0], DEMO_PASSWORD)
        narrow.goto(f"{live_server.url}{path}")
        expect(h1(narrow)).to_be_visible()
        label = f"narrow-320-{role or 'signed-out'}-{path.strip('/') or 'home'}"
        screenshot(narrow, label)
        width = narrow.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width}px wide at a 320px viewport: it scrolls sideways"
        check_accessibility(narrow, label)
    finally:
        context.close()
