"""Outcome statistics (SPEC §6, §6.1): hand-computed datasets checked figure by figure."""

from __future__ import annotations

import io
import json
import re
import socket
import threading
from datetime import date
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from casetrack.cases.models import Case, Investigation, Person
from casetrack.extensions import db
from casetrack.reports import document, formats
from casetrack.reports.figures import Period, calendar_year, financial_year
from casetrack.reports.headlines import headlines, in_words
from casetrack.reports.service import Scope, outcome_figures


@pytest.fixture
def dataset(app, make_force, make_department):
    """Eight cases around the 2013/14 boundaries, in three forces (WMP never selected)."""
    wmerc, warks, wmp = make_force("WMERC"), make_force("WARKS"), make_force("WMP")
    depts = {f.code: make_department(f"{f.code}_D", force=f) for f in (wmerc, warks, wmp)}
    people = {}

    def person(key, force, role, rank=None):
        people[key] = Person(
            force=force, staff_number=key, name=f"Person {key}", role=role, rank=rank
        )
        return people[key]

    def case(ref, force, received, subjects, categories, platforms, state="closed"):
        c = Case(
            reference=ref,
            force=force,
            department=depts[force.code],
            state=state,
            received_date=received,
            summary="s",
            case_type="conduct_matter",
        )
        c.categories.extend(categories)
        c.platforms.extend(platforms)
        for p, outcome in subjects:
            c.investigations.append(
                Investigation(
                    person=p,
                    outcome=outcome,
                    severity="misconduct",
                    outcome_date=None if outcome is None else received,
                )
            )
        db.session.add(c)

    case(
        "C1",
        wmerc,
        date(2013, 4, 1),
        [
            (person("A", wmerc, "police_officer", "constable"), "written_warning"),
            (person("B", wmerc, "police_staff"), "nfa"),
        ],
        ["inappropriate_content", "on_duty_use"],
        ["facebook", "twitter_x"],
    )
    case(
        "C2",
        wmerc,
        date(2014, 3, 31),
        [(person("C", wmerc, "police_officer", "inspector"), "dismissed")],
        ["operational_disclosure"],
        ["facebook"],
    )
    case(
        "C3",
        wmerc,
        date(2013, 3, 31),
        [(person("D", wmerc, "police_officer", "constable"), "nfa")],
        ["other"],
        ["tiktok"],
    )
    case("C4", wmerc, date(2014, 4, 1), [(people["D"], "retired")], ["other"], ["tiktok"])
    case(
        "C5",
        warks,
        date(2013, 12, 31),
        [(person("E", warks, "police_officer", "sergeant"), None)],
        ["harassment"],
        ["whatsapp"],
        state="psd_investigation",
    )
    case(
        "C6",
        warks,
        date(2014, 1, 1),
        [(person("F", warks, "special_constable", "constable"), "reflective_practice")],
        ["personal_gain"],
        ["instagram"],
    )
    case(
        "C7",
        warks,
        date(2013, 6, 1),
        [(person("G", warks, "police_officer", "constable"), None)],
        ["harassment"],
        ["facebook"],
        state="withdrawn",
    )
    case(
        "C8",
        wmp,
        date(2013, 6, 1),
        [(person("H", wmp, "pcso"), "nfa")],
        ["harassment"],
        ["facebook"],
    )
    db.session.commit()
    return Scope([wmerc, warks])


def test_financial_year_figure_by_figure(dataset) -> None:
    f = outcome_figures(financial_year(2013), dataset)
    assert (f.total_investigations, f.total_cases, f.open_investigations) == (5, 4, 1)
    assert {k: v for k, v in f.by_outcome.items() if v} == {
        "written_warning": 1,
        "nfa": 1,
        "dismissed": 1,
        "reflective_practice": 1,
    }
    assert f.by_outcome_group == {"no_action": 1, "learning": 1, "warning": 1, "left_service": 1}
    assert f.by_role == {
        "police_officer": 3,
        "special_constable": 1,
        "pcso": 0,
        "police_staff": 1,
        "volunteer": 0,
    }
    assert f.by_rank_group == {"constable": 2, "sergeant": 1, "inspector_or_above": 1}
    assert {k: v for k, v in f.by_category.items() if v} == {
        "inappropriate_content": 2,
        "on_duty_use": 2,
        "operational_disclosure": 1,
        "harassment": 1,
        "personal_gain": 1,
    }
    assert {k: v for k, v in f.by_platform.items() if v} == {
        "facebook": 3,
        "twitter_x": 2,
        "whatsapp": 1,
        "instagram": 1,
    }
    assert f.by_force == {"WARKS": 2, "WMERC": 3}
    assert f.by_year == {"2013/14": 5}
    assert f.by_department == {"WARKS/WARKS_D": 2, "WMERC/WMERC_D": 3}


def test_every_vocabulary_code_is_present(dataset) -> None:
    data = formats.contract(outcome_figures(financial_year(2013), dataset), False)
    from casetrack import vocab

    assert list(data["by_outcome"]) == list(vocab.OUTCOMES)
    assert list(data["by_category"]) == list(vocab.CATEGORIES)
    assert list(data["by_platform"]) == list(vocab.PLATFORMS)
    assert list(data["by_role"]) == list(vocab.PERSON_ROLES)
    assert list(data["by_rank_group"]) == ["constable", "sergeant", "inspector_or_above"]
    assert list(data) == [
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
        # SPEC §14.3, added to §6.1
        "by_proceedings",
        "by_finding",
        "timeliness",
    ]
    assert list(data["by_proceedings"]) == [
        "none",
        "misconduct_meeting",
        "misconduct_hearing",
        "accelerated_hearing",
        "not_recorded",
    ]
    assert list(data["by_finding"]) == [
        "misconduct",
        "gross_misconduct",
        "not_proven",
        "not_applicable",
        "not_recorded",
    ]
    assert list(data["timeliness"]) == [
        "median_days_to_finalise",
        "median_days_to_finalise_excluding_suspension",
    ]
    assert data["period"] == {"from": "2013-04-01", "to": "2014-03-31", "year_basis": "financial"}
    assert data["forces"] == ["WARKS", "WMERC"]


def test_calendar_year_boundaries(dataset) -> None:
    f = outcome_figures(calendar_year(2013), dataset)
    # C3 (31 March 2013), C1 (1 April) and C5 (31 December); not C6 (1 January 2014)
    assert (f.total_investigations, f.total_cases) == (4, 3)
    assert f.by_year == {"2013": 4}


def test_years_across_a_range(dataset) -> None:
    f = outcome_figures(Period(date(2012, 4, 1), date(2015, 3, 31), "financial"), dataset)
    assert f.by_year == {"2012/13": 1, "2013/14": 5, "2014/15": 1}
    g = outcome_figures(Period(date(2012, 4, 1), date(2015, 3, 31), "calendar"), dataset)
    assert g.by_year == {"2012": 0, "2013": 4, "2014": 3, "2015": 0}


@pytest.mark.parametrize(
    ("month", "basis", "year"),
    [
        ("2026-03", "financial", 2025),
        ("2026-04", "financial", 2026),
        ("2026-12", "financial", 2026),
        ("2027-01", "financial", 2026),
        ("2026-03", "calendar", 2026),
        ("2026-12", "calendar", 2026),
    ],
)
def test_report_year_of_a_month(month: str, basis: str, year: int) -> None:
    """The figures group cases by the month received ("2026-03") and give each its report
    year: the financial year starts on 1 April (SPEC §6)."""
    assert Period(date(2026, 1, 1), date(2026, 12, 31), basis).year_of_month(month) == year


def test_publication_mode_suppresses_one_to_four(dataset) -> None:
    data = formats.contract(outcome_figures(financial_year(2013), dataset), True)
    assert data["suppressed"] is True
    # Secondary suppression (issue 17): the four outcome groups are each at least 1 and the
    # finalised at most 5 − 1 (one open), so the total 5 would pin every group at 1: hidden.
    assert data["total_investigations"] == "*" and data["total_cases"] == "*"
    assert data["by_year"] == {"2013/14": "*"}  # the same figure as the total
    assert data["by_outcome"]["nfa"] == "*" and data["by_outcome"]["management_action"] == 0
    assert data["by_force"] == {"WARKS": "*", "WMERC": "*"}


def test_headlines(dataset) -> None:
    sentences = headlines(outcome_figures(financial_year(2013), dataset), False)
    assert sentences == [
        "There were 5 investigations into 4 cases received from 1 April 2013 to 31 March 2014.",
        "Of the 4 finalised investigations, 3 resulted in action of some form and 1 in no "
        "further action or no case to answer.",
        "Of those finalised, 1 ended in resignation, dismissal or retirement.",
        "One investigation is still open.",
    ]
    hidden = headlines(outcome_figures(financial_year(2013), dataset), True)
    # Publication: only figures the release shows — never "fewer than five", which would tell
    # a reader which hidden figures are the small ones
    assert hidden == [
        "The number of investigations into concerns received from 1 April 2013 to 31 March "
        "2014 is not published, to protect the people involved.",
        "The number of finalised investigations and their outcomes are not published.",
        "The number of investigations still open is not published.",
    ]


def test_headline_fractions_and_complements() -> None:
    from casetrack.reports.figures import OutcomeFigures, outcome_groups

    by_outcome = dict.fromkeys(["nfa", "written_warning", "dismissed", "reflective_practice"], 0)
    by_outcome.update(nfa=12, written_warning=50, dismissed=8, reflective_practice=8)
    figures = OutcomeFigures(
        period=financial_year(2020),
        forces=["X"],
        total_investigations=78,
        total_cases=75,
        open_investigations=0,
        by_outcome=by_outcome,
        by_outcome_group=outcome_groups(by_outcome),
    )
    sentences = headlines(figures, False)
    assert (
        "About a seventh of finalised investigations ended with no further action" in sentences[2]
    )
    assert sentences[3] == (
        "Of those finalised, 8 ended in resignation, dismissal or retirement (about a tenth)."
    )
    figures.by_outcome["nfa"] = 3
    figures.by_outcome_group = outcome_groups(figures.by_outcome)
    figures.total_investigations = 69
    hidden = headlines(figures, True)
    assert hidden[1] == (
        "Of the 69 finalised investigations, the numbers that resulted in action of some form "
        "and in no further action or no case to answer are not published."
    )
    assert not any("66" in s for s in hidden)  # 69 - 66 would give the hidden 3 away


@pytest.mark.parametrize(
    ("share", "words"),
    [
        (1 / 7, "a seventh"),
        (2 / 19, "about a tenth"),
        (0.5, "half"),
        (2 / 3, "two thirds"),
        (0.26, "about a quarter"),
        (0, "none"),
        (1, "all"),
        (0.03, "fewer than one in ten"),
    ],
)
def test_fractions_in_words(share: float, words: str) -> None:
    assert in_words(share) == words


def test_csv_and_json_agree(dataset) -> None:
    figures = outcome_figures(financial_year(2013), dataset)
    data = json.loads(formats.to_json(figures, False))
    import csv

    rows = list(csv.DictReader(io.StringIO(formats.to_csv(figures, False))))
    lookup = {(r["breakdown"], r["code"]): r["value"] for r in rows}
    for key in (
        "by_outcome",
        "by_category",
        "by_platform",
        "by_force",
        "by_year",
        "by_role",
        "by_rank_group",
        "by_outcome_group",
    ):
        for code, value in data[key].items():
            assert lookup[(key.removeprefix("by_"), code)] == str(value), (key, code)
    assert lookup[("total", "total_investigations")] == "5"
    assert lookup[("department", "WMERC/WMERC_D")] == "3"


def _pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_pdf_text(dataset) -> None:
    request = document.ReportRequest(
        period=financial_year(2013),
        forces=list(dataset.forces),
        marking="OFFICIAL",
        foi_reference="FOI/2014/0042",
        generated_by="Test Leader (Leadership)",
    )
    figures = document.compute(request)
    pages = _pdf_text(document.pdf_bytes(request, figures))
    text = "\n".join(pages)
    assert "There were 5 investigations into 4 cases" in text
    assert "3 resulted in action of some form" in text
    assert "FOI/2014/0042" in text and "Test Leader" in text
    assert "West Mercia" in text or "WMERC" in text
    for number, page in enumerate(pages, 1):
        assert page.count("OFFICIAL") >= 2  # header and footer on every page
        assert f"Page {number} of {len(pages)}" in page
    assert "Person A" not in text and "C1" not in text  # no names, no case details


class Listener:
    """A loopback HTTP listener that counts every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while self.running:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            connection.close()

    def stop(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()


def test_renderer_fetches_nothing_from_markup_in_names(app, dataset, tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    listener = Listener()
    try:
        force = dataset.forces[0]
        port = listener.port
        force.name = f'<img src="file://{secret}">'[:120]
        force.departments[0].name = f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x">'
        dataset.forces[1].name = f'<iframe src="http://127.0.0.1:{port}/"></iframe>'
        db.session.commit()
        request = document.ReportRequest(
            period=financial_year(2013),
            forces=list(dataset.forces),
            foi_reference=f"\\22 ;}} @import url(http://127.0.0.1:{listener.port}/a.css); "
            f"@top-left {{ content: url(file://{secret}) }}",
            generated_by=f'<img src="http://127.0.0.1:{listener.port}/g">',
        )
        from casetrack.reports.pdf import LockedFetcher, render_pdf

        html = document.report_html(request, document.compute(request))
        pdf, fetcher = render_pdf(html, app.static_folder)
        assert "TOP SECRET" not in "".join(_pdf_text(pdf))
        assert listener.hits == 0
        locked = LockedFetcher(app.static_folder)
        for url in (
            f"file://{secret}",
            f"http://127.0.0.1:{listener.port}/",
            "casetrack:/static/../../instance/secret_key",
            "data:text/plain,hi",
        ):
            with pytest.raises(ValueError):
                locked.fetch(url)
        assert listener.hits == 0
        assert locked.fetch("casetrack:/static/src/favicon.svg").read().startswith(b"<svg")
    finally:
        listener.stop()


SVG = "{http://www.w3.org/2000/svg}"


def _chart_parts(svg: str) -> tuple[ElementTree.Element, list[str]]:
    """The parsed chart and the text of its <text> elements, after checking it refers to
    nothing outside itself and draws its words as text, not as outlines."""
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own markup, not user input
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert tags <= {"svg", "title", "g", "text", "rect", "line"}, tags
    for element in root.iter():
        for name, value in element.attrib.items():
            assert "href" not in name, (element.tag, name)
            assert "url(" not in value and "//" not in value.replace(SVG[1:-1], ""), value
    # one accessible name carrying the figures: WeasyPrint makes the title the PDF's /Alt
    (title_id,) = root.get("aria-labelledby", "").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    return root, [element.text or "" for element in root.iter(f"{SVG}text")]


def test_charts_are_svg_with_the_figures_as_text(dataset) -> None:
    from casetrack.reports.pdf import BRAND, charts

    period = Period(date(2012, 4, 1), date(2015, 3, 31), "financial")
    figures = outcome_figures(period, dataset)
    drawn = charts(figures, suppressed=False)
    assert list(drawn) == ["outcome_groups", "by_year", "by_category"]
    ids = []
    for key, counts in (
        ("outcome_groups", figures.by_outcome_group),
        ("by_year", figures.by_year),
        ("by_category", {c: n for c, n in figures.by_category.items() if n}),
    ):
        root, texts = _chart_parts(drawn[key])
        ids += [root.find(f"{SVG}title").get("id")]
        values = [text for text in texts if text.isdigit()]
        assert sorted(map(int, values)) == sorted(counts.values()), key
        bars = list(root.iter(f"{SVG}rect"))
        assert len(bars) == sum(1 for n in counts.values() if n)
        assert {bar.get("fill") for bar in bars} <= {BRAND}
        description = root.find(f"{SVG}title").text or ""
        for value in counts.values():
            assert f": {value}" in description
    assert len(ids) == len(set(ids))  # unique in the document
    _, texts = _chart_parts(drawn["by_year"])
    assert {"2012/13", "2013/14", "2014/15"} <= set(texts)
    _, texts = _chart_parts(drawn["by_category"])
    assert "Harassment, bullying or intimidation" in texts


def test_charts_in_publication_mode_hide_one_to_four(dataset) -> None:
    from casetrack.reports.pdf import charts

    figures = outcome_figures(financial_year(2013), dataset)
    root, texts = _chart_parts(charts(figures, suppressed=True)["outcome_groups"])
    counts = figures.by_outcome_group
    assert counts == {"no_action": 1, "learning": 1, "warning": 1, "left_service": 1}
    assert texts.count("[c]") == 4 and not [text for text in texts if text.isdigit()]
    assert "[c] not published: a number from 1 to 4, or one that would reveal one" in texts
    description = root.find(f"{SVG}title").text or ""
    assert description.count(": not published") == 4
    assert not re.search(r"\d", description)
    assert not list(root.iter(f"{SVG}rect"))  # every group here is 0 or hidden


def test_chart_text_is_real_text_in_the_pdf(app) -> None:
    from casetrack.reports.pdf import bar_chart, render_pdf

    chart = bar_chart(
        "t",
        ["Written warning, final written warning or reduction in rank", "A & <b>"],
        [48475, 7],
        "A <chart> & its title",
    )
    pdf, fetcher = render_pdf(f"<p>x</p>{chart}", app.static_folder)
    text = " ".join(" ".join(_pdf_text(pdf)).split())
    for words in ("A <chart> & its title", "48475", "A & <b>", "reduction in rank"):
        assert words in text
    assert fetcher.refused == []


@pytest.mark.parametrize("role", ["leadership", "psd", "psd_head", "standards_manager", "admin"])
def test_report_page_and_downloads_by_role(app, dataset, make_user, role) -> None:
    from sqlalchemy import select

    from casetrack.audit.models import AuditEvent
    from conftest import AuthActions

    wmerc = dataset.forces[0]
    department = wmerc.departments[0]
    user = make_user(
        role, forces=[wmerc], departments=[department] if role == "standards_manager" else []
    )
    actions = AuthActions(app.test_client())
    actions.sign_in(user.email)
    query = "basis=financial&year=2013&forces=WMERC"
    page = actions.client.get(f"/reports?{query}")
    if role == "admin":
        assert page.status_code == 403
        assert actions.client.get(f"/reports/outcomes.json?{query}").status_code == 403
        return
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    protected = role == "leadership"  # SPEC §6: leadership always gets the publication version
    if not protected:
        assert "There were 3 investigations into 2 cases" in body
    words = re.sub(r'nonce="[^"]*"', "", body)  # the random CSP nonce could contain "C1"
    assert "Person A" not in words and not re.search(r"\bC1\b", words)
    data = actions.client.get(f"/reports/outcomes.json?{query}").get_json()
    assert data["total_investigations"] == ("*" if protected else 3)
    assert data["forces"] == ["WMERC"] and data["suppressed"] is protected
    csv_body = actions.client.get(f"/reports/outcomes.csv?{query}")
    assert (
        csv_body.mimetype == "text/csv" and "attachment" in csv_body.headers["Content-Disposition"]
    )
    pdf = actions.client.get(f"/reports/outcomes.pdf?{query}")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "report_generated")
    ).all()
    assert [json.loads(e.details)["format"] for e in events] == ["json", "csv", "pdf"]


def test_other_forces_cannot_be_asked_for(app, dataset, make_user) -> None:
    from conftest import AuthActions

    leader = make_user("leadership", forces=[dataset.forces[0]])
    actions = AuthActions(app.test_client())
    actions.sign_in(leader.email)
    response = actions.client.get("/reports/outcomes.json?basis=financial&year=2013&forces=WARKS")
    assert response.status_code == 400
    assert "&#39;WARKS&#39; is not a valid choice" in response.get_data(as_text=True)


def test_bad_report_input_is_explained(app, dataset, make_user) -> None:
    from conftest import AuthActions

    leader = make_user("psd", forces=list(dataset.forces))
    actions = AuthActions(app.test_client())
    actions.sign_in(leader.email)
    body = actions.client.get(
        "/reports?basis=range&date_from=1&date_from=5&date_from=2014&date_to=1&date_to=4"
        "&date_to=2014&forces=WMERC"
    ).get_data(as_text=True)
    assert "The end date must be the same as or after the start" in body
    body = actions.client.get(
        "/reports?basis=range&date_from=31&date_from=2&date_from=2014&forces=WMERC"
    ).get_data(as_text=True)
    assert "From must be a real date" in body and "Enter the end date" in body
    body = actions.client.get("/reports?foi_reference=%3Cscript%3E&forces=WMERC").get_data(
        as_text=True
    )
    assert "FOI reference can only use" in body and "<script>" not in body


def test_cli_report(app, dataset, tmp_path) -> None:
    from casetrack.reports.cli import outcomes

    runner = app.test_cli_runner()
    out = tmp_path / "r.json"
    result = runner.invoke(
        outcomes,
        [
            "--from",
            "01/04/2013",
            "--to",
            "2014-03-31",
            "--force",
            "wmerc",
            "--force",
            "WARKS",
            "--format",
            "json",
            "--output",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["total_investigations"] == 5
    stdout = runner.invoke(
        outcomes,
        [
            "--from",
            "2013-01-01",
            "--to",
            "2013-12-31",
            "--year-basis",
            "calendar",
            "--force",
            "WMERC",
            "--force",
            "WARKS",
            "--format",
            "csv",
            "--publication",
        ],
    )
    assert stdout.exit_code == 0 and "by_year" not in stdout.output  # breakdown names differ
    assert "year,2013," in stdout.output
    for args, message in [
        (["--from", "2014-02-30", "--to", "2014-03-31"], "is not a real date"),
        (["--from", "2014-03-31", "--to", "2014-01-01"], "is after --to"),
        (["--from", "2014-01-01", "--to", "2014-03-31", "--force", "NOPE"], "Unknown force NOPE"),
    ]:
        result = runner.invoke(outcomes, [*args, "--format", "json"])
        assert result.exit_code == 1 and message in result.output


def test_figures_read_one_snapshot_while_cases_are_written(
    dataset, backend, make_department
) -> None:
    """On PostgreSQL the four grouped queries read one snapshot: a case committed after the
    first of them has run appears in none of the figures rather than in some, so the figures
    always add up."""
    if backend != "postgresql":
        pytest.skip("SQLite's readers each see the last commit when they start")
    from sqlalchemy import event

    period = financial_year(2013)
    before = outcome_figures(period, dataset)
    wmerc = next(f for f in dataset.forces if f.code == "WMERC")
    late_department = make_department("LATE_D", force=wmerc)
    committed = []

    def commit_a_case(conn, *_args) -> None:
        if committed or conn.in_nested_transaction():
            return
        committed.append(True)
        late = Case(
            reference="LATE-1",
            force=wmerc,
            department=late_department,
            state="closed",
            received_date=date(2013, 6, 1),
            summary="s",
            case_type="conduct_matter",
            categories=["inappropriate_content"],
            platforms=["facebook"],
        )
        late.investigations.append(
            Investigation(
                person=Person(force=wmerc, name="Late", role="police_staff"),
                outcome="nfa",
                severity="misconduct",
                outcome_date=date(2013, 7, 1),
            )
        )
        db.session.add(late)
        db.session.commit()

    event.listen(db.engine, "after_execute", commit_a_case)
    try:
        during = outcome_figures(period, dataset)
    finally:
        event.remove(db.engine, "after_execute", commit_a_case)
    assert committed
    after = outcome_figures(period, dataset)
    assert during.total_cases == before.total_cases
    assert during.by_outcome == before.by_outcome and during.by_category == before.by_category
    assert after.total_cases == before.total_cases + 1
    assert after.by_outcome["nfa"] == before.by_outcome["nfa"] + 1
