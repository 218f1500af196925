"""Finding things in Chromium (SPEC §12): the case list searched by an account handle typed
without its @, and the subject picker's autocomplete — type part of a name, choose the
person, record the concern with them. axe on every page; no Content-Security-Policy
violation from the picker's scripts."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from casetrack.demo import DEMO_PASSWORD
from casetrack.timeutil import today

from .browser_helpers import ROOT, LiveServer, check_accessibility, screenshot, sign_in

SM_EMAIL = "sm.birmingham@example.police.uk"


def _demo(live_server: LiveServer):
    """A case the Birmingham Standards Manager sees that has an @handle, and a workforce
    record of their departments (from the demo data, whatever its random choices)."""
    from casetrack.auth.models import User
    from casetrack.cases.access import visible_cases, visible_people
    from casetrack.cases.models import Case, Person
    from casetrack.extensions import db

    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == SM_EMAIL))
        case = db.session.scalars(
            select(Case)
            .where(visible_cases(user), Case.account_handle.like("@%"))
            .order_by(Case.received_date.desc())
        ).first()
        person = db.session.scalars(
            select(Person).where(visible_people(user), Person.name.is_not(None)).order_by(Person.id)
        ).first()
        assert case is not None and person is not None
        found = (case.reference, case.account_handle, person.id, person.name, person.staff_number)
        db.session.remove()
    return found


def _csp_violations(page: Page) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return seen


def test_search_by_handle_without_the_at(page: Page, live_server: LiveServer) -> None:
    reference, handle, *_ = _demo(live_server)
    sign_in(page, live_server, SM_EMAIL, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cases")
    page.get_by_text("Filter and search").click()
    page.get_by_label("Search").fill(handle.lstrip("@"))
    page.get_by_role("button", name="Apply filters").click()
    table = page.locator("table.govuk-table")
    expect(table.get_by_role("link", name=reference)).to_be_visible()
    expect(page.get_by_label("Search")).to_have_value(handle.lstrip("@"))
    check_accessibility(page, "search-by-handle")
    shot = screenshot(page, "search-by-handle")
    shutil.copyfile(shot, ROOT / "docs" / "screenshots" / "search-by-handle.png")


def test_choose_a_subject_with_the_autocomplete(page: Page, live_server: LiveServer) -> None:
    _reference, _handle, person_id, name, number = _demo(live_server)
    violations = _csp_violations(page)
    sign_in(page, live_server, SM_EMAIL, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cases/new")
    picker = page.get_by_role("combobox", name="Find an existing workforce record")
    expect(picker).to_be_visible()  # the text input became the autocomplete
    # a name typed but nobody chosen: the page asks, listing the matches as radios
    picker.fill(name.split()[-1])
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Record concern").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose the person from the matches, or add a new record")
    expect(page.get_by_role("group", name=re.compile("Matches for"))).to_be_visible()
    check_accessibility(page, "picker-matches")
    picker.fill("")
    # the suggestions replace "Find", so Enter in any field is "Record concern" again
    expect(page.get_by_role("button", name="Find", exact=True)).to_have_count(0)
    typed = name.split()[-1][:4]
    picker.press_sequentially(typed, delay=60)
    option = page.get_by_role("option", name=re.compile(re.escape(f"{name} ({number})")))
    expect(option).to_be_visible()
    check_accessibility(page, "picker-suggestions")
    screenshot(page, "picker-suggestions")
    option.click()
    expect(picker).to_have_value(re.compile(re.escape(f"{name} ({number})")))
    chosen = page.locator("input[type=hidden][name=existing_person]")
    expect(chosen).to_have_value(str(person_id))

    received = today() - timedelta(days=1)
    date = page.get_by_role("group", name="Date received")
    date.get_by_label("Day").fill(str(received.day))
    date.get_by_label("Month").fill(str(received.month))
    date.get_by_label("Year").fill(str(received.year))
    page.get_by_label("Department", exact=True).first.select_option(index=1)
    page.get_by_role("group", name="Type of case").get_by_label(
        "Conduct matter raised internally"
    ).check()
    page.get_by_label("Summary of the concern").fill("Chosen with the autocomplete.")
    page.get_by_role("group", name="Policy breach categories").get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Record concern").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Concern recorded as")
    expect(page.get_by_role("main")).to_contain_text(f"{name} ({number})")
    check_accessibility(page, "picker-case-recorded")
    assert violations == []


def test_choose_a_subject_without_javascript(browser, live_server: LiveServer) -> None:
    """The plain control: type, "Find", choose among the matches (radios), record."""
    _reference, _handle, person_id, name, number = _demo(live_server)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, live_server, SM_EMAIL, DEMO_PASSWORD)
        page.goto(f"{live_server.url}/cases/new")
        page.get_by_label("Summary of the concern").fill("Chosen without JavaScript.")
        page.get_by_label("Find an existing workforce record").fill(name.split()[-1])
        page.get_by_role("button", name="Find", exact=True).click()
        matches = page.get_by_role("group", name=re.compile("Matches for"))
        expect(matches).to_be_visible()
        expect(page.get_by_label("Summary of the concern")).to_have_value(
            "Chosen without JavaScript."
        )
        screenshot(page, "picker-no-js-matches")  # (axe needs JavaScript: see the test above)
        matches.get_by_label(re.compile(re.escape(f"{name} ({number})"))).check()
        received = today() - timedelta(days=1)
        date = page.get_by_role("group", name="Date received")
        date.get_by_label("Day").fill(str(received.day))
        date.get_by_label("Month").fill(str(received.month))
        date.get_by_label("Year").fill(str(received.year))
        page.get_by_label("Department", exact=True).first.select_option(index=1)
        page.get_by_role("group", name="Type of case").get_by_label(
            "Conduct matter raised internally"
        ).check()
        page.get_by_role("group", name="Policy breach categories").get_by_role(
            "checkbox"
        ).first.check()
        page.get_by_role("button", name="Record concern").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Concern recorded as")
        expect(page.get_by_role("main")).to_contain_text(f"{name} ({number})")
    finally:
        context.close()
    assert person_id
