"""Accessibility: every page of every role's journey through axe-core at WCAG 2.2 AA, and the
main journey with the keyboard alone.

The pages are not listed by hand: each demo role signs in and follows the links it is shown
(same origin, GET, no downloads or sign-out), and every page found is checked — one page per
route (and workflow action) in the default run, every page of every role with ASSURE_FULL=1.
The forms' error states are checked too: each form page below is submitted empty once.

The keyboard test uses only page.keyboard after opening the sign-in page: a Standards Manager
signs in, records a concern, reaches the case page and assesses the case. Every focus stop on
the way must be visible on screen with a focus indicator.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from casetrack.demo import DEMO_PASSWORD

from .figures import FULL, scale

pytestmark = [pytest.mark.browser, pytest.mark.assurance_slow]

ROLES = {
    "standards_manager": "sm.birmingham@example.police.uk",
    "psd": "psd@example.police.uk",
    "psd_head": "head.psd@example.police.uk",
    "leadership": "leadership@example.police.uk",
    "admin": "admin@example.police.uk",
}
MAX_PAGES = scale(45, 400)
SKIP = re.compile(
    r"^/(static/|sign-out)|/download$|/preview$|/evidence/export$|"
    r"/reports/outcomes\.|^/audit\?.*verify|^/cases/export\.|/pack\.pdf$"
)
# Form pages whose empty submission shows the error state (never changes anything).
ERROR_STATES = re.compile(
    r"^/(cases/new|cases/\d+/subjects/new|cases/\d+/evidence/new|cases/\d+/tasks/new|"
    r"cases/\d+/(withdraw|"
    r"resolve_locally|psd_return|reopen|assess)|evidence/\d+/(correct|withdraw)|admin/users/new|"
    r"admin/forces|admin/departments|admin/users/\d+/password|account/password|imports)$"
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def in_browser(label: str, body: Callable[[Page], Any]) -> Any:
    """Run body(page) in a thread with its own Playwright and Chromium (Playwright's sync API
    allows one instance per thread; tests/browser keeps one on the main thread)."""
    from browser.browser_helpers import screenshot
    from browser.conftest import CHROMIUM, CHROMIUM_ARGS

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            with sync_playwright() as playwright:
                chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = chromium.new_context(viewport={"width": 1280, "height": 900})
                context.set_default_timeout(15_000)
                page = context.new_page()
                try:
                    outcome["value"] = body(page)
                finally:
                    try:
                        screenshot(page, f"assurance-{label}")
                    finally:
                        context.close()
                        chromium.close()
        except BaseException as error:  # noqa: BLE001 (re-raised in the test's thread)
            outcome["error"] = error

    thread = threading.Thread(target=run, name=f"assurance-{label}")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def route_of(path: str) -> str:
    return re.sub(r"/\d+", "/<id>", urlsplit(path).path)


def axe(page: Page, label: str) -> list[str]:
    """Violations of WCAG 2.0–2.2 A/AA on the page (any impact), one line each."""
    from browser.browser_helpers import run_axe

    response = run_axe(page, f"assurance-{label}")
    return [
        f"{label} ({urlsplit(page.url).path}): {v['id']} [{v['impact']}] {v['help']} — "
        + "; ".join(", ".join(map(str, n["target"])) for n in v["nodes"][:3])
        for v in response["violations"]
    ]


def sign_in(page: Page, base: str, email: str, app: Any) -> None:
    from browser.browser_helpers import second_factor

    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    second_factor(page, app, email)  # set up (first time) or shown (SPEC §16)


def links(page: Page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIP.search(path):
            found.append(path)
    return found


def submit_empty(page: Page) -> bool:
    """Press the main form's button without filling anything in; True if errors show."""
    button = page.locator(
        "main form[method='post'] button[type=submit], main form[method='POST'] button[type=submit]"
    ).first
    if button.count() == 0:
        return False
    button.click()
    page.wait_for_load_state("load")
    return page.locator(".govuk-error-summary").count() > 0


def test_every_page_of_every_role_passes_axe(small_server, figures) -> None:
    in_browser("axe-sweep", lambda page: _sweep(page, small_server.url, figures, small_server.app))


def _sweep(page: Page, base: str, figures: Any, app: Any) -> None:
    violations: list[str] = []
    checked: set[str] = set()
    pages_checked = error_states = 0
    # Signed out: the sign-in page, its error state, and the public pages.
    for path in ("/sign-in", "/accessibility", "/privacy"):
        page.goto(base + path)
        violations += axe(page, f"anonymous {path}")
        pages_checked += 1
    page.goto(base + "/sign-in")
    page.get_by_label("Email address").fill("nobody@example.police.uk")
    page.get_by_label("Password", exact=True).fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    violations += axe(page, "anonymous sign-in error")
    error_states += 1
    for role, email in ROLES.items():
        page.context.clear_cookies()
        sign_in(page, base, email, app)
        queue, seen = ["/"], set()
        while queue and len(seen) < MAX_PAGES:
            path = queue.pop(0)
            key = route_of(path) + ("?" if "?" in path else "")
            if key in seen:
                continue
            seen.add(key)
            response = page.goto(base + path)
            if (
                response is None
                or response.status != 200
                or "text/html" not in (response.headers.get("content-type", ""))
            ):
                continue
            queue += links(page, base)
            if not FULL and key in checked:
                continue  # the same page was checked for another role
            checked.add(key)
            violations += axe(page, f"{role} {key}")
            pages_checked += 1
            if ERROR_STATES.search(urlsplit(path).path) and submit_empty(page):
                violations += axe(page, f"{role} {key} (errors)")
                error_states += 1
    figures.add("accessibility", "pages_checked", pages_checked)
    figures.add("accessibility", "routes_checked", len(checked))
    figures.add("accessibility", "error_states_checked", error_states)
    figures.add("accessibility", "violations", len(violations))
    figures.set("accessibility", "standard", "axe-core, WCAG 2.0/2.1/2.2 A and AA, any impact")
    figures.set("accessibility", "roles", ["anonymous", *ROLES])
    figures.set("accessibility", "routes", sorted(checked))
    assert violations == [], "\n".join(violations)


# ---- the main journey with the keyboard alone -------------------------------------------------

FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  const inView = box.width > 0 && box.height > 0 && box.bottom > 0 &&
                 box.top < window.innerHeight && box.right > 0 && box.left < window.innerWidth;
  const indicator = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 ||
                    style.boxShadow !== 'none';
  return {tag: el.tagName, id: el.id, name: el.getAttribute('name'), text: (el.innerText || '')
          .trim().slice(0, 40), href: el.getAttribute('href'), inView, indicator};
}"""


class Keyboard:
    """Tab through a page until the wanted element has focus; count and check every stop."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.presses = 0
        self.stops = 0
        self.invisible: list[str] = []

    def tab_to(self, selector: str, limit: int = 250) -> None:
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            self.presses += 1
            state = self.page.evaluate(FOCUS_STATE)
            if state is None:
                continue
            self.stops += 1
            if not (state["inView"] and state["indicator"]):
                self.invisible.append(f"{self.page.url} {state}")
            if self.page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} cannot be reached with Tab on {self.page.url}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.presses += 1


def test_main_journey_with_the_keyboard_alone(small_server, figures) -> None:
    in_browser(
        "keyboard-journey",
        lambda page: _keyboard_journey(page, small_server.url, figures, small_server.app),
    )


def _keyboard_journey(page: Page, base: str, figures: Any, app: Any) -> None:
    from browser.browser_helpers import second_factor

    from casetrack.timeutil import today

    keys = Keyboard(page)
    unique = uuid.uuid4().hex[:6].upper()
    page.goto(f"{base}/sign-in")

    # The first Tab stop is the skip link.
    keys.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('govuk-skip-link')")
    keys.tab_to("input[name=email]")
    keys.type(ROLES["standards_manager"])
    keys.tab_to("input[name=password]")
    keys.type(DEMO_PASSWORD)
    keys.tab_to("main button[type=submit]")
    with page.expect_navigation():
        keys.press("Enter")
    second_factor(page, app, ROLES["standards_manager"])

    keys.tab_to("a[href='/cases/new']")
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a concern")

    day = today()
    keys.tab_to("#received_date-day")
    keys.type(str(day.day))
    keys.tab_to("#received_date-month")
    keys.type(str(day.month))
    keys.tab_to("#received_date-year")
    keys.type(str(day.year))
    keys.tab_to("#department")
    keys.press("ArrowDown")  # the first of the user's departments
    keys.tab_to("input[name=case_type]")
    keys.press("ArrowDown")  # moves to, and chooses, "conduct matter"
    keys.tab_to("#summary")
    keys.type(f"Keyboard-only journey {unique}: offensive post on a public page.")
    keys.tab_to("input[name=categories][value=inappropriate_content]")
    keys.press("Space")
    keys.tab_to("#subject_name")
    keys.type(f"Kim Keyboard {unique}")
    keys.tab_to("#subject_number")
    keys.type(f"K{unique}")
    keys.tab_to("#subject_role")
    keys.press("ArrowDown")  # police officer
    keys.tab_to("main button[type=submit]")
    with page.expect_navigation():
        keys.press("Enter")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Logged")
    assert re.search(r"/cases/\d+$", page.url), page.url

    keys.tab_to("a[href$='/assess']")
    with page.expect_navigation():
        keys.press("Enter")
    keys.tab_to("input[name^=severity_]")
    keys.press("ArrowDown")
    keys.press("ArrowDown")  # misconduct
    keys.tab_to("#rationale")
    keys.type("Assessed with the keyboard alone.")
    keys.tab_to("main button[type=submit]")
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Assessed")
    expect(page.get_by_role("alert", name="Success")).to_be_visible()

    figures.add("accessibility", "keyboard_journey_steps", 4)
    figures.add("accessibility", "keyboard_presses", keys.presses)
    figures.add("accessibility", "keyboard_focus_stops", keys.stops)
    figures.add("accessibility", "focus_stops_not_visible", len(keys.invisible))
    assert keys.invisible == [], "\n".join(keys.invisible[:10])
