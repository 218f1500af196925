"""The case list as CSV and ODS (SPEC §12 "Exporting a list"): the page's columns, every case
the filters match (not one page), within what the user may see, formula-safe, audited.

The ODS is read back with the standard library's XML parser, not with odfpy, which wrote it:
a second reader that shares no code with the writer."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date, timedelta
from typing import Any
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from casetrack.audit.models import AuditEvent
from casetrack.extensions import db
from casetrack.timeutil import today

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
HEADER = ["Reference", "Received", "Subjects", "State", "Due", "Restricted"]


def _csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())  # so Excel reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _ods(body: bytes) -> list[list[str]]:
    """Rows of the first sheet as text, from content.xml (what a spreadsheet shows)."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        root = ElementTree.fromstring(archive.read("content.xml"))  # noqa: S314 (our own file)
    [sheet] = root.iter(f"{{{TABLE}}}table")
    rows = []
    for row in sheet.iter(f"{{{TABLE}}}table-row"):
        cells = []
        for cell in row.iter(f"{{{TABLE}}}table-cell"):
            cells.append("".join("".join(p.itertext()) for p in cell.iter(f"{{{TEXT}}}p")))
        rows.append(cells)
    return rows


def _ods_types(body: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))  # noqa: S314
    second_row = list(root.iter(f"{{{TABLE}}}table-row"))[1]
    return [c.get(f"{{{OFFICE}}}value-type") for c in second_row.iter(f"{{{TABLE}}}table-cell")]


def _page_headers(html: str) -> list[str]:
    table = html.split('<table class="govuk-table', 1)[1].split("</thead>", 1)[0]
    return re.findall(r'<th scope="col" class="govuk-table__header">([^<]+)</th>', table)


def _page_references(html: str) -> list[str]:
    return re.findall(r'href="/cases/\d+">([A-Z]+-\d{4}-\d{5})</a>', html)


def _entries(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def world(make_case, make_user, make_department, make_force, make_person) -> dict[str, Any]:
    """Cases of two Birmingham departments and of another force, one restricted, one with a
    subject whose name would be a formula in a spreadsheet."""
    force = make_force("WMP")
    east = make_department("BIRM_E", force=force)
    west = make_department("BIRM_W", force=force)
    other = make_department("HQ", force=make_force("WARKS"))
    sm = make_user("standards_manager", departments=[east], forces=[force])
    formula = make_person(force, name='=HYPERLINK("http://evil.example","click")')
    at_sign = make_person(force, name="@SUM(1+1)")
    cases = {
        "old": make_case("logged", department=east, recorder=sm, received=date(2026, 1, 5)),
        "formula": make_case("assessed", department=east, recorder=sm, subjects=[formula, at_sign]),
        "restricted": make_case("referred_to_psd", department=east, restricted=True),
        "west": make_case("logged", department=west),
        "warks": make_case("logged", department=other),
    }
    return {"force": force, "east": east, "west": west, "sm": sm, "cases": cases}


def test_the_csv_has_the_pages_columns_and_every_matching_case(app, world, auth) -> None:
    app.config["PAGE_SIZE"] = 1  # the list shows one case a page; the download has them all
    auth.sign_in(world["sm"].email)
    page = auth.client.get("/cases").get_data(as_text=True)
    assert _page_headers(page) == HEADER[:5]  # the export adds "Restricted", a tag on the page
    assert "Download this list as CSV" in page and "Download this list as ODS" in page
    response = auth.client.get("/cases/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="cases-{today().isoformat()}.csv"'
    )
    rows = _csv(response.data)
    assert rows[0] == HEADER
    cases = world["cases"]
    # the Standards Manager sees BIRM_E only, the restricted case not at all (not named on it)
    expected = [cases["formula"], cases["old"]]  # received newest first, as the list sorts
    assert [r[0] for r in rows[1:]] == [c.reference for c in expected]
    old = rows[2]
    assert old[1] == "2026-01-05"
    assert old[3] == "Logged"
    assert old[4].startswith("Assessment ")  # due text as on the page
    assert old[5] == "No"


def test_the_download_uses_the_list_filters(app, world, make_user, auth) -> None:
    head = make_user("psd_head", forces=[world["force"]])
    auth.sign_in(head.email)
    cases = world["cases"]
    query = f"state=logged&department={world['west'].id}"
    page = auth.client.get(f"/cases?{query}").get_data(as_text=True)
    rows = _csv(auth.client.get(f"/cases/export.csv?{query}&page=3").data)
    assert [r[0] for r in rows[1:]] == _page_references(page) == [cases["west"].reference]
    # the head of PSD sees the restricted case, and the other force's case never
    everything = _csv(auth.client.get("/cases/export.csv?sort=reference").data)
    references = [r[0] for r in everything[1:]]
    assert cases["restricted"].reference in references
    assert cases["warks"].reference not in references
    assert references == sorted(references)
    restricted = next(r for r in everything if r[0] == cases["restricted"].reference)
    assert restricted[5] == "Yes"


def test_cells_that_would_be_formulas_are_written_as_text(app, world, auth) -> None:
    auth.sign_in(world["sm"].email)
    reference = world["cases"]["formula"].reference
    for fmt, read in (("csv", _csv), ("ods", _ods)):
        rows = read(auth.client.get(f"/cases/export.{fmt}?q={reference}").data)
        [row] = rows[1:]
        assert row[2] == '\'=HYPERLINK("http://evil.example","click") (S0001); @SUM(1+1) (S0002)'
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), fmt


def test_the_ods_matches_the_csv(app, world, make_user, auth) -> None:
    head = make_user("psd_head", forces=[world["force"]])
    auth.sign_in(head.email)
    csv_rows = _csv(auth.client.get("/cases/export.csv").data)
    response = auth.client.get("/cases/export.ods")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response.headers["Content-Disposition"].endswith(f'cases-{today().isoformat()}.ods"')
    assert _ods(response.data) == csv_rows
    assert _ods_types(response.data) == ["string", "date", "string", "string", "string", "string"]


def test_an_export_is_audited_with_the_filters_and_the_count_only(app, world, auth) -> None:
    auth.sign_in(world["sm"].email)
    auth.client.get("/cases/export.csv?state=logged")
    auth.client.get("/cases/export.ods?q=Offensive")
    first, second = _entries("case_list_exported")
    assert first.actor == world["sm"].email
    assert json.loads(first.details) == {
        "format": "csv",
        "rows": 1,
        "state": "logged",
        "sort": "received_desc",
    }
    details = json.loads(second.details)
    assert details["format"] == "ods" and details["rows"] == 2 and details["q"] == "Offensive"
    for entry in (first, second):
        for case in world["cases"].values():
            assert case.reference not in entry.details


def test_too_many_rows_are_refused_with_a_clear_message(app, world, make_user, auth) -> None:
    app.config["LIST_EXPORT_MAX_ROWS_ODS"] = 3
    head = make_user("psd_head", forces=[world["force"]])
    auth.sign_in(head.email)
    response = auth.client.get("/cases/export.ods?sort=reference&page=2")
    assert response.status_code == 302
    assert response.headers["Location"] == "/cases?sort=reference"
    page = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "This list has 4 cases, more than the 3 that can be downloaded as ODS at once. "
        "Narrow the filters, or download it as CSV." in page
    )
    assert _entries("case_list_exported") == []
    assert auth.client.get("/cases/export.csv?sort=reference").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "state=nonsense",
        "department=999999",
        "department=abc",
        "received_from-day=31&received_from-month=2&received_from-year=2026",
        "q=" + "x" * 500,
        "sort=drop+table",
        "page=-5",
    ],
)
def test_bad_filters_never_give_a_500(app, world, auth, query) -> None:
    auth.sign_in(world["sm"].email)
    for fmt in ("csv", "ods"):
        response = auth.client.get(f"/cases/export.{fmt}?{query}")
        assert response.status_code in (200, 302), (fmt, query, response.status_code)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/cases?")
            assert _entries("case_list_exported") == []


def test_an_unknown_format_is_404(app, world, auth) -> None:
    auth.sign_in(world["sm"].email)
    assert auth.client.get("/cases/export.xlsx").status_code == 404
    assert auth.client.get("/cases/export.").status_code == 404


def test_the_csv_streams_in_batches(app, world, make_user, auth) -> None:
    from casetrack.cases import export

    head = make_user("psd_head", forces=[world["force"]])
    auth.sign_in(head.email)
    export_batch, export.BATCH = export.BATCH, 1
    try:
        rows = _csv(auth.client.get("/cases/export.csv").data)
    finally:
        export.BATCH = export_batch
    assert len(rows) == 1 + 4


def test_dates_in_the_export_are_the_received_dates(app, world, auth) -> None:
    auth.sign_in(world["sm"].email)
    rows = _csv(auth.client.get("/cases/export.csv").data)
    received = {r[0]: r[1] for r in rows[1:]}
    assert (
        received[world["cases"]["formula"].reference] == (today() - timedelta(days=20)).isoformat()
    )
