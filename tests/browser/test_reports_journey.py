"""Outcome statistics (SPEC §6) in a real browser, with axe checks on every report page shown.

Leadership signs in, sees the headline figures on the home page, opens "Outcome statistics"
from the main menu (figures for this financial year first), then asks for a multi-year range as
a publication version with an FOI reference, marked OFFICIAL, and downloads the PDF, CSV and
JSON. The downloads are checked against each other and against the page: the JSON keeps the
§6.1 contract with every count from 1 to 4 suppressed, the CSV carries the same numbers, and the
PDF carries the headline sentences shown on the page, the marking and "Page 1 of".

A PSD user and a Standards Manager can open the page too; an administrator cannot.

The tests never depend on how many cases the demo data holds, only on its shape (leadership
sees one force, WMP; the demo covers the five financial years before this one).
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from playwright.sync_api import Download, Locator, Page, expect
from pypdf import PdfReader

from casetrack import vocab
from casetrack.demo import DEMO_PASSWORD
from casetrack.timeutil import today

from .browser_helpers import (
    ARTIFACTS,
    LiveServer,
    check_accessibility,
    safe_name,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser

LEADERSHIP = "leadership@example.police.uk"
PSD = "psd@example.police.uk"
SM = "sm.birmingham@example.police.uk"
ADMIN = "admin@example.police.uk"

FOI_REFERENCE = "FOI/2026/123"
DOWNLOADS = ARTIFACTS / "downloads"

# SPEC §6.1, in its order, then §14.3's additions.
CONTRACT_KEYS = [
    "period",
    "forces",
    "suppressed",
    "total_investigations",
    "total_cases",
    "open_investigations",
    "by_outcome",
    "by_outcome_group",
    "by_role",
    "by_rank_group",
    "by_category",
    "by_platform",
    "by_force",
    "by_year",
    "by_proceedings",
    "by_finding",
    "timeliness",
]
TOTALS = ["total_investigations", "total_cases", "open_investigations"]
VOCABULARIES = {
    "by_outcome": vocab.OUTCOMES,
    "by_outcome_group": vocab.OUTCOME_GROUPS,
    "by_role": vocab.PERSON_ROLES,
    "by_rank_group": vocab.RANK_GROUPS,
    "by_category": vocab.CATEGORIES,
    "by_platform": vocab.PLATFORMS,
}


class Journey:
    """Numbered screenshots and axe checks as the journey goes along."""

    def __init__(self, page: Page, prefix: str) -> None:
        self.page = page
        self.prefix = prefix
        self.step = 0

    def shot(self, label: str, *, axe: bool = False) -> None:
        self.step += 1
        if axe:
            check_accessibility(self.page, f"{self.prefix}-{label}")
        screenshot(self.page, f"{self.prefix}-{self.step:02d}-{label}")


def h1(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def main_menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main menu")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(h1(page)).to_have_text("Sign in to CaseTrack")


def fill_date(page: Page, legend: str, day: int, month: int, year: int) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def headline_sentences(page: Page) -> list[str]:
    return [" ".join(p.split()) for p in page.locator(".govuk-inset-text p").all_inner_texts()]


def read(value: Any, hidden: str = "[c]") -> str:
    """A JSON figure as people read it: "*" is [c] (SPEC §6)."""
    return hidden if value == "*" else str(value)


def table_value(page: Page, table_id: str, row: str) -> str:
    table = page.locator(f"table#{table_id}")
    cells = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=row, exact=True))
    expect(cells).to_have_count(1)
    return cells.get_by_role("cell").inner_text().replace("(not published)", "").strip()


def download(page: Page, name: str) -> tuple[Download, bytes]:
    """Press a download button; keep the file under test-artifacts/downloads."""
    with page.expect_download() as info:
        page.get_by_role("button", name=name).click()
    file = info.value
    assert file.failure() is None, file.failure()
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    target = DOWNLOADS / safe_name(f"reports-journey-{file.suggested_filename}")
    file.save_as(target)
    return file, target.read_bytes()


def counts_of(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every count of a §6.1 report, as (where, value)."""
    found = [(key, data[key]) for key in TOTALS]
    for key in CONTRACT_KEYS:
        if key.startswith("by_"):
            found += [(f"{key}.{code}", value) for code, value in data[key].items()]
    return found


def financial_year_start() -> int:
    on = today()
    return on.year if on.month >= 4 else on.year - 1


def test_leadership_downloads_a_publication_version(page: Page, live_server: LiveServer) -> None:
    journey = Journey(page, "reports")
    start = financial_year_start()
    first, last = start - 5, start - 1  # the five financial years before this one

    # ---- 1. Home: headline figures, and the way to the report ---------------------------------
    sign_in(page, live_server, LEADERSHIP, DEMO_PASSWORD)
    expect(h1(page)).to_have_text("Outcome statistics")
    stats = page.locator(".ct-stat")
    expect(stats).to_have_count(4)
    for label in ("investigations", "finalised", "resulted in action of some form", "still open"):
        stat = stats.filter(has=page.locator(".ct-stat__label", has_text=re.compile(f"^{label}$")))
        # Leadership's figures are always protected (SPEC §6): 0, 5 and up, or * for 1 to 4.
        number = stat.locator(".ct-stat__number")
        expect(number).to_have_text(re.compile(r"^(0|[5-9]|\d{2,}|\[c\] \(not published\))$"))
    home_investigations = (
        stats.filter(has_text=re.compile(r"investigations$")).locator(".ct-stat__number")
    ).inner_text()
    expect(page.get_by_role("main")).to_contain_text(f"since 1 April {start}")
    journey.shot("leadership-home", axe=True)

    menu_link = main_menu(page).get_by_role("link", name="Outcome statistics", exact=True)
    expect(menu_link).to_be_visible()
    menu_link.click()

    # ---- 2. The report page: this financial year's figures first ------------------------------
    expect(page).to_have_url(f"{live_server.url}/reports")
    expect(h1(page)).to_have_text("Outcome statistics")
    expect(page).to_have_title(re.compile(r"^Outcome statistics"))
    period = f"1 April {start} to 31 March {start + 1}"
    expect(page.locator(".govuk-summary-list__row").filter(has_text="Period")).to_contain_text(
        period
    )
    expect(page.get_by_role("heading", name="Headlines", level=2)).to_be_visible()
    sentences = headline_sentences(page)
    assert sentences, "no headline sentences on the default report"
    assert period in sentences[0], sentences[0]
    # The same financial year as the home page, so the same number of investigations.
    assert table_value(page, "totals", "Investigations (one per person in a case)") == (
        home_investigations
    )
    journey.shot("default-year", axe=True)

    # ---- 3. Dates of my choice, publication version, FOI reference, OFFICIAL ------------------
    page.get_by_text("Choose the period, forces and version").click()
    page.get_by_role("group", name="Period").get_by_label("Dates of my choice").check()
    fill_date(page, "From", 1, 4, first)
    fill_date(page, "To", 31, 3, last + 1)
    expect(
        page.get_by_role("group", name="Forces").get_by_label("West Midlands Police (WMP)")
    ).to_be_checked()
    # No choice of version for leadership: the page says their figures are always protected.
    expect(page.get_by_label(re.compile(r"^Publication version"))).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("Your figures are always the publication")
    page.get_by_label("FOI reference (optional)").fill(FOI_REFERENCE)
    page.get_by_role("group", name="Security marking").get_by_label("OFFICIAL", exact=True).check()
    journey.shot("choices")
    page.get_by_role("button", name="Show figures").click()

    period = f"1 April {first} to 31 March {last + 1}"
    expect(page.locator(".govuk-summary-list__row").filter(has_text="Period")).to_contain_text(
        period
    )
    expect(page).to_have_url(re.compile(r"[?&]basis=range\b"))
    main = page.get_by_role("main")
    expect(main).to_contain_text("Publication version: [c] confidential: not published")
    sentences = headline_sentences(page)
    assert sentences and period in sentences[0], sentences
    # Small numbers never appear as numerals in the sentences of a publication version.
    for sentence in sentences:
        assert not re.search(r"(?<![\d/])[1-4](?![\d/])", sentence.replace(period, "")), sentence
    page_cells = page.locator("table.ct-figures td").all_inner_texts()
    # a hidden figure reads [c], with words for screen readers (issue 17)
    assert any(c.startswith("[c]") for c in page_cells), "the demo should have hidden counts"
    hidden_words = page.locator("table.ct-figures td .govuk-visually-hidden").first
    expect(hidden_words).to_have_text(" (not published)")  # words for screen readers
    journey.shot("publication-figures", axe=True)

    # ---- 4. JSON: the §6.1 contract, suppressed --------------------------------------------
    stem = f"outcomes-WMP-{first}-04-01-{last + 1}-03-31"
    json_file, body = download(page, "Download JSON")
    assert json_file.suggested_filename == f"{stem}.json"
    data = json.loads(body)
    assert list(data) == CONTRACT_KEYS
    assert data["period"] == {
        "from": f"{first}-04-01",
        "to": f"{last + 1}-03-31",
        "year_basis": "financial",
    }
    assert data["forces"] == ["WMP"]
    assert data["suppressed"] is True
    for key, labels in VOCABULARIES.items():
        assert list(data[key]) == list(labels), key  # every code, in vocabulary order
    assert list(data["by_force"]) == ["WMP"]
    assert list(data["by_year"]) == [f"{y}/{(y + 1) % 100:02d}" for y in range(first, last + 1)]
    stars = 0
    for where, value in counts_of(data):
        if isinstance(value, str):
            assert value == "*", (where, value)
            stars += 1
        else:
            assert isinstance(value, int) and not isinstance(value, bool), (where, value)
            assert value == 0 or value >= 5, f"{where} = {value} is not suppressed"
    assert stars, "the demo data should have some counts from 1 to 4"
    # The page shows the same figures as the JSON.
    assert table_value(page, "totals", "Investigations (one per person in a case)") == read(
        data["total_investigations"]
    )
    for code, label in vocab.OUTCOME_GROUPS.items():
        assert table_value(page, "by-outcome-group", label) == read(data["by_outcome_group"][code])

    # ---- 5. CSV: the same numbers, breakdown by breakdown ----------------------------------
    csv_file, body = download(page, "Download CSV")
    assert csv_file.suggested_filename == f"{stem}.csv"
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows
    values: dict[tuple[str, str], str] = {}
    for row in rows:
        assert (row["period_from"], row["period_to"]) == (f"{first}-04-01", f"{last + 1}-03-31")
        assert row["forces"] == "WMP"
        key = (row["breakdown"], row["code"])
        assert key not in values, f"{key} twice in the CSV"
        values[key] = row["value"]
    for total in TOTALS:
        assert values[("total", total)] == read(data[total]), total
    for key in CONTRACT_KEYS:
        if key.startswith("by_"):
            for code, value in data[key].items():
                assert values.get((key.removeprefix("by_"), code)) == read(value), (key, code)

    # ---- 6. PDF: headlines as on the page, the marking, page numbers -----------------------
    pdf_file, body = download(page, "Download PDF")
    assert pdf_file.suggested_filename == f"{stem}.pdf"
    assert body.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(body))
    pages = [page_.extract_text() or "" for page_ in reader.pages]
    text = " ".join(" ".join(pages).split())
    for sentence in sentences:
        assert sentence in text, f"headline not in the PDF: {sentence!r}"
    assert "OFFICIAL" in text and "OFFICIAL-SENSITIVE" not in text
    assert "Page 1 of" in text
    assert f"Page {len(pages)} of {len(pages)}" in text
    for number, page_text in enumerate(pages, start=1):
        assert "OFFICIAL" in page_text, f"no marking on page {number}"
    assert FOI_REFERENCE in text
    assert "West Midlands Police (WMP)" in text
    assert "[c] confidential: not published" in text
    assert "(not published)" not in text  # the screen-reader words are for the web page

    # ---- 7. HTML report and ODS workbook (SPEC §15): axe on the HTML -------------------------
    html_file, body = download(page, "Download HTML")
    assert html_file.suggested_filename == f"{stem}.html"
    report_page = page.context.new_page()
    report_page.set_content(body.decode())
    for sentence in sentences:
        expect(report_page.get_by_role("main")).to_contain_text(sentence)
    check_accessibility(report_page, "reports-html-report")
    report_page.close()
    ods_file, body = download(page, "Download spreadsheet (ODS)")
    assert ods_file.suggested_filename == f"{stem}.ods"
    assert body.startswith(b"PK") and b"application/vnd.oasis.opendocument.spreadsheet" in body
    # The page is unchanged by the downloads.
    expect(page.locator(".govuk-summary-list__row").filter(has_text="Period")).to_contain_text(
        period
    )
    journey.shot("after-downloads")


def test_psd_and_standards_manager_can_open_the_report_but_admin_cannot(
    page: Page, live_server: LiveServer
) -> None:
    journey = Journey(page, "reports-access")

    # PSD: the whole of its force.
    sign_in(page, live_server, PSD, DEMO_PASSWORD)
    main_menu(page).get_by_role("link", name="Outcome statistics", exact=True).click()
    expect(h1(page)).to_have_text("Outcome statistics")
    expect(page.locator("table#totals")).to_be_visible()
    expect(page.locator("table#by-force")).to_contain_text("West Midlands Police")
    journey.shot("psd", axe=True)
    sign_out(page)

    # Standards Manager: their own departments only, and told so.
    sign_in(page, live_server, SM, DEMO_PASSWORD)
    main_menu(page).get_by_role("link", name="Outcome statistics", exact=True).click()
    expect(h1(page)).to_have_text("Outcome statistics")
    expect(page.get_by_role("main")).to_contain_text("You see your departments' figures only.")
    departments = page.locator("table#by-department").get_by_role("rowheader")
    expect(departments).to_have_text(["Birmingham East NPU (WMP)", "Birmingham West NPU (WMP)"])
    journey.shot("standards-manager", axe=True)
    sign_out(page)

    # Administrator: no menu item, the access-denied page, and no download either.
    sign_in(page, live_server, ADMIN, DEMO_PASSWORD)
    expect(main_menu(page).get_by_role("link", name="Outcome statistics")).to_have_count(0)
    response = page.goto(f"{live_server.url}/reports")
    assert response is not None and response.status == 403
    expect(h1(page)).to_have_text("You do not have access to this page")
    expect(page.locator("table.ct-figures")).to_have_count(0)
    journey.shot("admin-denied", axe=True)
    refused = page.request.get(f"{live_server.url}/reports/outcomes.json")
    assert refused.status == 403
    assert "application/json" not in refused.headers.get("content-type", "")
