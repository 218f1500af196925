"""Printing and handing over (SPEC §12) in a real browser, with axe on the pages shown.

A PSD investigator opens a case with evidence, downloads its case pack from the case page
and reads it (reference, marking and "Page X of Y" on every page, the shared note but not the
PSD-only one, every evidence item's SHA-256); prints the case page (Chromium's own print,
`page.pdf()`), which gives the summary without the menu, footer links or action links; and
downloads the filtered case list as CSV and ODS from the list page.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import func, select

from casetrack.auth.models import User
from casetrack.cases.access import visible_cases
from casetrack.cases.models import Case, CaseNote
from casetrack.demo import DEMO_PASSWORD
from casetrack.evidence.models import EvidenceItem
from casetrack.extensions import db
from casetrack.timeutil import utcnow

from .browser_helpers import ARTIFACTS, LiveServer, check_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser

PSD = "psd@example.police.uk"
DOWNLOADS = ARTIFACTS / "downloads"
SHARED = "Case conference held with the IOPC liaison; pack to follow."
PSD_ONLY = "Not for disclosure: informant says the account is shared."


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def _a_case_with_evidence(server: LiveServer) -> dict:
    """A demo case the PSD user may see, with the most evidence items, and two notes on it."""
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == PSD))
        case = db.session.scalar(
            select(Case)
            .join(EvidenceItem, EvidenceItem.case_id == Case.id)
            .where(visible_cases(user), Case.restricted.is_(False))
            .group_by(Case.id)
            .order_by(func.count(EvidenceItem.id).desc(), Case.id)
            .limit(1)
        )
        for text, psd_only in ((SHARED, False), (PSD_ONLY, True)):
            db.session.add(
                CaseNote(
                    case_id=case.id,
                    at=utcnow(),
                    author_id=user.id,
                    author_name=user.name,
                    author_role=user.role,
                    psd_only=psd_only,
                    text=text,
                )
            )
        db.session.commit()
        hashes = list(
            db.session.scalars(select(EvidenceItem.sha256).where(EvidenceItem.case_id == case.id))
        )
        result = {"id": case.id, "reference": case.reference, "hashes": hashes}
        db.session.remove()
        return result


def test_case_pack_print_and_list_export(page: Page, live_server: LiveServer) -> None:
    case = _a_case_with_evidence(live_server)
    sign_in(page, live_server, PSD, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cases/{case['id']}")
    handover = page.get_by_role("region", name="Print or hand over")
    expect(handover).to_be_visible()
    check_accessibility(page, "casepack-01-case-page")

    # the case pack
    with page.expect_download() as info:
        handover.get_by_role("link", name="Download the case pack (PDF)").click()
    download = info.value
    assert download.suggested_filename == f"{case['reference']}-case-pack.pdf"
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    target = DOWNLOADS / download.suggested_filename
    download.save_as(target)
    pages = _pages(target.read_bytes())
    for number, text in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in text and f"Page {number} of {len(pages)}" in text
        assert case["reference"] in text
    everything = " ".join(pages)
    assert SHARED in everything and PSD_ONLY not in everything
    for sha256 in case["hashes"]:
        assert sha256 in everything
    assert re.search(r"Generated on \d{1,2} \w+ \d{4} at \d\d:\d\d by ", everything)

    # the case page printed by the browser: the summary, without the page furniture
    page.emulate_media(media="print")
    screenshot(page, "casepack-02-case-page-as-printed")
    printout = page.pdf(format="A4", prefer_css_page_size=True)
    page.emulate_media(media="screen")
    (DOWNLOADS / f"{case['reference']}-printed.pdf").write_bytes(printout)
    printed = _pages(printout)
    text = " ".join(printed)
    assert case["reference"] in text and "OFFICIAL-SENSITIVE" in text
    for heading in ("Summary", "Subjects", "Evidence", "Timeline"):
        assert heading in text
    for sha256 in case["hashes"]:
        assert sha256 in text.replace(" ", "")  # in full on paper (16 characters on screen)
    for furniture in (
        "Skip to main content",
        "Sign out",
        "Main menu",
        "Accessibility",
        "Change your password",
        "Download the case pack",
        "Verify all files now",
        "(/cases",
        "(/evidence",
    ):
        assert furniture not in text, furniture
    assert f"Page 1 of {len(printed)}" in text

    # the list, filtered, as CSV and ODS
    page.goto(f"{live_server.url}/cases?state=psd_investigation")
    check_accessibility(page, "casepack-03-case-list")
    on_page = page.locator("table.govuk-table tbody tr td:first-child a").all_inner_texts()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download this list as CSV").click()
    text = info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Reference", "Received", "Subjects", "State", "Due", "Restricted"]
    assert {r[3] for r in rows[1:]} == {"PSD investigation"}
    assert [r[0] for r in rows[1 : len(on_page) + 1]] == on_page
    with page.expect_download() as info:
        page.get_by_role(
            "link", name="Download this list as ODS (OpenDocument spreadsheet)"
        ).click()
    assert info.value.suggested_filename.endswith(".ods")
    with zipfile.ZipFile(info.value.path()) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        content = archive.read("content.xml").decode()
    for reference in on_page:
        assert reference in content
