"""Issue 17: the release formats (SPEC §15) and leadership's protection in every one of them
(SPEC §6): ODS read back with a second reader (the zip and its XML, not odfpy), the CSV with its
CSV on the Web metadata, the HTML report, the tagged PDF's structure tree (pikepdf), the
command line's --format ods|html, and the audit of every report the page offers on the demo."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from xml.etree import ElementTree

import pikepdf
import pytest

from casetrack.cases.models import Case, Investigation, Person
from casetrack.extensions import db

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
YEAR = "basis=financial&year=2018&forces=WMP"


@pytest.fixture
def small_force(app, make_force, make_department):
    """2018/19 in WMP: 12 NFA constables, 6 written warnings to police staff, 2 dismissals
    (a sergeant and an inspector) and 1 open PCSO: 21 investigations, 20 finalised."""
    force = make_force("WMP")
    department = make_department("BIRM_E", force=force)
    subjects = [("nfa", "police_officer", "constable")] * 12
    subjects += [("written_warning", "police_staff", None)] * 6
    subjects += [("dismissed", "police_officer", "sergeant")]
    subjects += [("dismissed", "police_officer", "inspector"), (None, "pcso", None)]
    for number, (outcome, role, rank) in enumerate(subjects):
        case = Case(
            reference=f"WMP-2018-{number:05d}",
            force=force,
            department=department,
            state="closed" if outcome else "psd_investigation",
            received_date=date(2018, 5, 1 + number),
            summary="s",
            case_type="conduct_matter",
        )
        case.categories.append("inappropriate_content")
        case.platforms.append("facebook")
        person = Person(force=force, staff_number=f"WMP{number}", name="P", role=role, rank=rank)
        case.investigations.append(
            Investigation(person=person, outcome=outcome, outcome_date=date(2018, 9, 1))
        )
        db.session.add(case)
    db.session.commit()
    return force


def _client(app, make_user, role, force):
    from conftest import AuthActions

    departments = force.departments if role == "standards_manager" else []
    user = make_user(role, forces=[force], departments=departments)
    actions = AuthActions(app.test_client())
    assert actions.sign_in(user.email).status_code == 302
    return actions.client


def _sheets(body: bytes) -> dict[str, list[list[str]]]:
    """Every sheet's rows of cell text, read from content.xml; merged cells fail the test."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        root = ElementTree.fromstring(archive.read("content.xml"))  # noqa: S314 - ours
    sheets = {}
    for table in root.iter(f"{{{TABLE}}}table"):
        rows = []
        for row in table.iter(f"{{{TABLE}}}table-row"):
            cells = []
            for cell in row.iter(f"{{{TABLE}}}table-cell"):
                assert f"{{{TABLE}}}number-columns-spanned" not in cell.attrib  # no merged cells
                text = "".join(p.text or "" for p in cell.iter(f"{{{TEXT}}}p"))
                kind = cell.get(f"{{{OFFICE}}}value-type")
                if kind == "float":
                    assert cell.get(f"{{{OFFICE}}}value") == text  # a number, not text
                cells.append(text)
            rows.append(cells)
        sheets[table.get(f"{{{TABLE}}}name")] = rows
    return sheets


def test_ods_follows_the_analysis_function_guidance(app, small_force, make_user) -> None:
    client = _client(app, make_user, "leadership", small_force)
    response = client.get(f"/reports/outcomes.ods?{YEAR}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    sheets = _sheets(response.data)
    names = list(sheets)
    assert names[:3] == ["Cover_sheet", "Contents", "Notes"]
    cover = {row[0]: row[1] for row in sheets["Cover_sheet"][1:]}
    assert sheets["Cover_sheet"][0] == [
        "Social media misconduct investigations: outcome statistics"
    ]
    assert {"Period", "Forces", "Source", "Contact", "Marking"} <= set(cover)
    assert cover["Marking"] == "OFFICIAL-SENSITIVE" and "(WMP)" in cover["Forces"]
    listed = [row[0] for row in sheets["Contents"][3:]]
    assert listed == names[2:]  # the contents list the notes and every table, in order
    notes = {row[0]: row[1] for row in sheets["Notes"][2:]}
    assert notes["[note 1]"].startswith("[c] confidential: not published")
    for name in names[3:]:
        title, about, header, *rows = sheets[name]
        assert re.fullmatch(r"Table \d+: .+", title[0]), title  # the title in A1
        assert "[note 1]" in about[0]
        assert header[-1] == "Number of investigations"
        assert rows and all(row and row[0] for row in rows), name  # no blank rows
        for row in rows:
            assert row[-1] == "[c]" or int(row[-1]) == 0 or int(row[-1]) >= 5, (name, row)
    outcomes = {row[1]: row[2] for row in sheets["Outcomes"][3:]}
    assert outcomes["dismissed"] == "[c]" and outcomes["nfa"] == "12"
    groups = {row[1]: row[2] for row in sheets["Outcome_groups"][3:]}
    assert groups["left_service"] == "[c]"  # 2 dismissed
    assert "[c]" in (groups["warning"], groups["no_action"])  # or 20 − 12 − 6 gives the 2 away


def test_csv_and_its_csvw_metadata(app, small_force, make_user) -> None:
    client = _client(app, make_user, "psd", small_force)
    response = client.get(f"/reports/outcomes.csv?{YEAR}&publication=y")
    name = re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"])[1]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    meta = client.get(f"/reports/outcomes.csv-metadata.json?{YEAR}&publication=y")
    assert meta.status_code == 200
    assert meta.headers["Content-Type"] == "application/csvm+json"
    assert meta.headers["Content-Disposition"] == f'attachment; filename="{name}-metadata.json"'
    described = meta.get_json()
    assert described["@context"] == "http://www.w3.org/ns/csvw"
    assert described["url"] == name  # the CSV beside it, as downloaded
    columns = described["tableSchema"]["columns"]
    assert [c["name"] for c in columns] == list(rows[0])  # every column, in order
    value = next(c for c in columns if c["name"] == "value")
    assert value["datatype"] == "nonNegativeInteger" and value["null"] == "[c]"
    dates = [c["name"] for c in columns if c["datatype"] == "date"]
    assert dates == ["period_from", "period_to"]
    for row in rows:  # every value is what the metadata says it is
        assert row["value"] == "[c]" or row["value"].isdigit(), row
        assert date.fromisoformat(row["period_from"]) == date(2018, 4, 1)
    keys = [(row["breakdown"], row["code"]) for row in rows]
    assert len(keys) == len(set(keys))  # the declared primary key holds


def test_html_report_is_a_page_of_its_own(app, small_force, make_user) -> None:
    client = _client(app, make_user, "leadership", small_force)
    response = client.get(f"/reports/outcomes.html?{YEAR}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    html = response.get_data(as_text=True)
    assert '<html lang="en-GB"' in html and "<main>" in html and "<h1>" in html
    assert '<th scope="col"' in html and '<th scope="row"' in html
    assert '[c]<span class="govuk-visually-hidden"> (not published)</span>' in html
    assert "[c] confidential: not published" in html  # the note
    cells = re.findall(r'govuk-table__cell--numeric">([^<]*)<', html)
    assert cells and all(c == "[c]" or c == "0" or int(c) >= 5 for c in cells), cells
    assert 'role="img"' in html and "<title id=" in html  # charts with their figures as text
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")


def _structure(pdf: pikepdf.Pdf) -> list[tuple[str, pikepdf.Object]]:
    found = []

    def walk(element: pikepdf.Object) -> None:
        kids = element.get("/K")
        if isinstance(element, pikepdf.Dictionary) and "/S" in element:
            found.append((str(element.S), element))
        if isinstance(kids, pikepdf.Array):
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary):
                    walk(kid)
        elif isinstance(kids, pikepdf.Dictionary):
            walk(kids)

    walk(pdf.Root.StructTreeRoot)
    return found


def test_pdf_is_tagged(app, small_force, make_user) -> None:
    client = _client(app, make_user, "leadership", small_force)
    response = client.get(f"/reports/outcomes.pdf?{YEAR}")
    with pikepdf.open(io.BytesIO(response.data)) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "en-GB"
        assert str(pdf.docinfo["/Title"]) == "Social media misconduct: outcome statistics"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfuaid:part") == "1"
        tags = _structure(pdf)
        kinds = {kind for kind, _ in tags}
        assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/TR", "/Caption", "/Figure"} <= kinds
        figures = [element for kind, element in tags if kind == "/Figure"]
        assert len(figures) >= 1
        alts = [str(figure.Alt) for figure in figures]
        for alt in alts:  # the chart's title and figures, as in its SVG <title>
            assert re.fullmatch(
                r"(Finalised i|I)nvestigations by [^:]+: .+: (\d+|not published)\.", alt
            ), alt
        assert any("not published" in alt for alt in alts)
        cells = [element for kind, element in tags if kind == "/TD"]
        assert all(len(cell.A.Headers) >= 1 for cell in cells)  # each cell names its headers


@pytest.mark.parametrize("fmt", ["json", "csv", "html", "ods", "pdf", "csv-metadata.json"])
def test_leadership_always_gets_the_protected_version(app, small_force, make_user, fmt) -> None:
    """Asking for the full figures changes nothing for leadership, in any format."""
    client = _client(app, make_user, "leadership", small_force)
    protected = client.get(f"/reports/outcomes.{fmt}?{YEAR}")
    asked = client.get(f"/reports/outcomes.{fmt}?{YEAR}&publication=")
    assert protected.status_code == asked.status_code == 200
    if fmt == "json":
        data = protected.get_json()
        assert data["suppressed"] is True and data["by_outcome"]["dismissed"] == "*"
        assert asked.get_json() == data
    elif fmt in ("csv", "html"):
        text = protected.get_data(as_text=True)
        assert "[c]" in text and text == asked.get_data(as_text=True)
    elif fmt == "ods":
        assert _sheets(protected.data)["Outcomes"] == _sheets(asked.data)["Outcomes"]
    elif fmt == "pdf":
        from pypdf import PdfReader

        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(protected.data)).pages)
        assert "[c]" in text and "Publication version" in text


@pytest.mark.parametrize(
    "query",
    [
        "basis=financial&year=abc&forces=WMP",
        "basis=range&date_from=x&date_to=1&forces=WMP",
        "basis=nonsense",
        "forces=NOPE",
        "basis=range&date_from=1&date_from=1&date_from=0001&date_to=31&date_to=12&date_to=9999",
    ],
)
@pytest.mark.parametrize("fmt", ["ods", "html", "csv-metadata.json"])
def test_bad_input_is_a_400_never_a_500(app, small_force, make_user, fmt, query) -> None:
    client = _client(app, make_user, "psd", small_force)
    assert client.get(f"/reports/outcomes.{fmt}?{query}").status_code == 400


def test_cli_formats_ods_and_html(app, small_force, tmp_path) -> None:
    from casetrack.reports.cli import outcomes

    runner = app.test_cli_runner()
    base = ["--from", "2018-04-01", "--to", "2019-03-31", "--publication"]
    out = tmp_path / "r.ods"
    result = runner.invoke(outcomes, [*base, "--format", "ods", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert _sheets(out.read_bytes())["Outcomes"][3][2] in ("0", "[c]")
    html = runner.invoke(outcomes, [*base, "--format", "html"])
    assert html.exit_code == 0 and html.output.startswith("<!DOCTYPE html>")
    assert "[c]" in html.output
    bad = runner.invoke(outcomes, [*base, "--format", "xlsx"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_every_report_the_page_offers_on_the_demo_passes_the_audit(app) -> None:
    """Every role that may see statistics, every year the page offers on both bases, and the
    whole demo period, through the page's own choices and scope (casetrack/reports/views.py)."""
    from flask_login import login_user
    from sqlalchemy import select
    from test_suppression_audit import check_release

    from casetrack.auth.models import User
    from casetrack.demo import load_demo
    from casetrack.reports import document, views

    load_demo()
    db.session.commit()
    roles = ("standards_manager", "psd", "psd_head", "leadership")
    users = db.session.scalars(select(User).where(User.role.in_(roles)).order_by(User.id)).all()
    assert {u.role for u in users} == {"standards_manager", "psd", "psd_head", "leadership"}
    audited = hidden = 0
    for user in users:
        with app.test_request_context("/reports"):
            login_user(user)
            form = views._form()
            years = [year for year, _ in form.year.choices]
        for basis in ("financial", "calendar"):
            for year in years:
                queries = [f"basis={basis}&year={year}&publication=y"]
                if basis == "financial" and year == years[-1]:  # the whole demo period
                    queries.append(
                        f"basis=range&date_from=1&date_from=1&date_from={year}&date_to=18"
                        f"&date_to=11&date_to={years[0] + 1}&publication=y"
                    )
                for query in queries:
                    with app.test_request_context(f"/reports?{query}"):
                        login_user(user)
                        report = views._report_request(views._form())
                        assert report is not None and report.suppressed, (user.email, query)
                        release = check_release(document.compute(report))
                        audited += 1
                        hidden += len(release.hidden)
    assert audited > 100 and hidden > 0
