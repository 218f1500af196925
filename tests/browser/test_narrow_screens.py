"""At 390 px wide (a phone), no page is wider than the screen: case tables show every column
(a block per case), any other table fits or scrolls inside its own labelled, focusable region;
and the selected option of a select is readable (issue 14)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from casetrack.demo import DEMO_PASSWORD

from .browser_helpers import LiveServer, check_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser

PAGES = {
    "sm.birmingham@example.police.uk": ["/", "/cases"],
    "psd@example.police.uk": ["/", "/cases"],
    "head.psd@example.police.uk": ["/", "/audit"],
}

LAYOUT = """() => {
  const width = document.documentElement.clientWidth;
  const tables = [...document.querySelectorAll("table")].map((table) => {
    const region = table.closest('[role="region"]');
    return {
      fits: table.getBoundingClientRect().right <= width + 1,
      cases: [...table.querySelectorAll("th")].some((th) => th.textContent.trim() === "Reference"),
      region: region ? {
        label: region.getAttribute("aria-label"),
        focusable: region.tabIndex === 0,
        right: region.getBoundingClientRect().right,
        scrolls: getComputedStyle(region).overflowX,
      } : null,
    };
  });
  return {width, scrollWidth: document.documentElement.scrollWidth, tables};
}"""


@pytest.mark.parametrize("email", list(PAGES))
def test_pages_fit_a_390px_screen(browser: Browser, live_server: LiveServer, email: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, live_server, email, DEMO_PASSWORD)
        for path in PAGES[email]:
            page.goto(f"{live_server.url}{path}")
            layout = page.evaluate(LAYOUT)
            name = f"narrow-{email.split('@')[0]}-{path.strip('/') or 'home'}"
            screenshot(page, name)
            assert layout["scrollWidth"] <= layout["width"], (path, layout)
            assert layout["tables"], path
            for table in layout["tables"]:
                # a case table shows every column without scrolling: a block per case
                assert table["fits"] or not table["cases"], (path, table)
                if table["fits"]:
                    continue
                region = table["region"]
                assert region and region["label"] and region["focusable"], (path, table)
                assert region["scrolls"] in ("auto", "scroll"), (path, table)
                assert region["right"] <= layout["width"] + 1, (path, table)
            check_accessibility(page, name)
    finally:
        context.close()


def test_selected_option_is_white_on_brand_blue(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, live_server, "sm.birmingham@example.police.uk", DEMO_PASSWORD)
        page.goto(f"{live_server.url}/cases")
        colours = page.evaluate(
            """() => [...document.querySelectorAll("select.govuk-select option:checked")]
                 .map((o) => [getComputedStyle(o).color, getComputedStyle(o).backgroundColor])"""
        )
        assert colours
        assert set(map(tuple, colours)) == {("rgb(255, 255, 255)", "rgb(0, 58, 112)")}
    finally:
        context.close()
