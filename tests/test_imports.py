"""Importing historical records (SPEC §7): all or nothing, idempotent, CSV and XLSX alike."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from casetrack.cases.models import Case, CaseEvent, Investigation, Person
from casetrack.extensions import db
from casetrack.imports import importer

HEADER = (
    "reference,force,department,received_date,source,account_type,platform,categories,"
    "summary,subject_number,subject_name,subject_role,subject_rank,severity,"
    "referred_to_psd,outcome,outcome_date"
)
GOOD = [
    # labels and codes in other letter case, UK and ISO dates, quoted commas, non-ASCII
    "WMP-2014-00007,wmp,cov,03/05/2014,Complaint from the public,PERSONAL,"
    'Facebook;twitter_x,"Inappropriate, offensive or discreditable content",'
    '"Posted a meme, captioned “jokes”, about Zoë",W100,Zoë Ó Briain,Police officer,'
    "constable,MISCONDUCT,yes,Written warning,12/09/2014",
    "WMP-2014-00007,WMP,COV,2014-05-03,public_complaint,personal,facebook;Twitter / X,"
    'inappropriate_content,"Posted a meme, captioned “jokes”, about Zoë",W101,Sam Smith,'
    "police_staff,,misconduct,Yes,nfa,2014-09-12",
    "HIST/77,WMP,,1/6/2015,,,instagram,on_duty_use,Selfies on duty,,,pcso,,,no,,",
]


@pytest.fixture
def org(app, make_force, make_department):
    wmp = make_force("WMP")
    make_department("COV", force=wmp)
    return wmp


def write_csv(tmp_path: Path, rows: list[str], bom: bool = False, name: str = "cases.csv") -> Path:
    path = tmp_path / name
    path.write_text(("\ufeff" if bom else "") + "\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def write_xlsx(tmp_path: Path, csv_path: Path) -> Path:
    import csv

    workbook = Workbook()
    sheet = workbook.active
    for row in csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))):
        sheet.append(row)
    path = tmp_path / "cases.xlsx"
    workbook.save(path)
    return path


def _import(path: Path) -> importer.Summary:
    checked = importer.plan(path)
    assert checked.ok, [str(p) for p in checked.problems]
    summary = importer.execute(checked, "tester")
    db.session.commit()
    return summary


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _snapshot() -> list[tuple]:
    return sorted(
        (
            c.reference,
            c.state,
            c.received_date,
            c.source,
            tuple(sorted(c.platforms)),
            tuple(sorted(c.categories)),
            c.summary,
            tuple(
                sorted(
                    (
                        i.person.staff_number or "",
                        i.person.name or "",
                        i.person.role,
                        i.outcome or "",
                        str(i.outcome_date),
                    )
                    for i in c.investigations
                )
            ),
        )
        for c in db.session.scalars(select(Case))
    )


def test_good_file_imports_correctly(org, tmp_path) -> None:
    summary = _import(write_csv(tmp_path, GOOD, bom=True))
    assert (summary.cases_created, summary.investigations_created) == (2, 3)
    case = db.session.scalar(select(Case).where(Case.reference == "WMP-2014-00007"))
    assert case.state == "closed" and case.closed_on.isoformat() == "2014-09-12"
    assert sorted(case.platforms) == ["facebook", "twitter_x"]
    assert case.categories == ["inappropriate_content"]
    assert case.summary == "Posted a meme, captioned “jokes”, about Zoë"
    assert case.source == "public_complaint" and case.account_type == "personal"
    names = sorted(i.person.name for i in case.investigations)
    assert names == ["Sam Smith", "Zoë Ó Briain"]
    assert [e.action for e in case.events] == ["imported"]
    open_case = db.session.scalar(select(Case).where(Case.reference == "HIST/77"))
    assert open_case.state == "assessed" and open_case.department_id is None
    assert open_case.received_date.isoformat() == "2015-06-01"


def test_subjects_matched_to_workforce_records(org, tmp_path, make_person) -> None:
    known = make_person(org, staff_number="W100", name="Existing Record")
    _import(write_csv(tmp_path, GOOD))
    assert (
        db.session.scalar(
            select(func.count()).select_from(Person).where(Person.staff_number == "W100")
        )
        == 1
    )
    assert (
        db.session.scalar(
            select(Investigation.person_id).join(Person).where(Person.staff_number == "W100")
        )
        == known.id
    )


def test_reimport_changes_nothing(org, tmp_path) -> None:
    path = write_csv(tmp_path, GOOD)
    _import(path)
    before = (_snapshot(), _count(Person), _count(CaseEvent))
    summary = _import(path)
    assert summary.cases_created == 0 and summary.skipped == ["HIST/77", "WMP-2014-00007"]
    assert (_snapshot(), _count(Person), _count(CaseEvent)) == before


def test_dry_run_writes_nothing(app, org, tmp_path) -> None:
    from casetrack.imports.cli import import_cases

    result = app.test_cli_runner().invoke(
        import_cases, [str(write_csv(tmp_path, GOOD)), "--dry-run"]
    )
    assert result.exit_code == 0 and "Would create 2 cases" in result.output
    assert _count(Case) == 0 and _count(Person) == 0


def test_csv_and_xlsx_give_the_same_result(org, tmp_path) -> None:
    csv_path = write_csv(tmp_path, GOOD)
    _import(csv_path)
    from_csv = _snapshot()
    db.session.execute(Investigation.__table__.delete())
    db.session.execute(CaseEvent.__table__.delete())
    from casetrack.cases.models import CaseCategory, CasePlatform

    db.session.execute(CaseCategory.__table__.delete())
    db.session.execute(CasePlatform.__table__.delete())
    db.session.execute(Case.__table__.delete())
    db.session.execute(Person.__table__.delete())
    db.session.commit()
    _import(write_xlsx(tmp_path, csv_path))
    assert _snapshot() == from_csv


def test_bad_file_refused_whole_naming_every_line_and_column(app, org, tmp_path) -> None:
    rows = GOOD + [
        "X-1,WMP,NOWHERE,31/02/2014,,,,,,,,police_officer,,,,,",  # dept, impossible date
        "X-2,NOPE,,2014-01-01,gossip,,myspace,bad_cat,,,,king,,,maybe,,",
        "X-3,WMP,,2014-06-01,,,,,,,,police_staff,sergeant,,,nfa,2014-05-01",
        "WMP-2014-00007,WMP,COV,2014-05-04,public_complaint,personal,facebook;twitter_x,"
        'inappropriate_content,"Posted a meme, captioned “jokes”, about Zoë",W102,,'
        "police_officer,,,yes,,",
        "X-4,WMP,,2099-01-01,,,,,,,,volunteer,,,,,",
    ]
    path = write_csv(tmp_path, rows)
    checked = importer.plan(path)
    found = {(p.line, p.column) for p in checked.problems}
    assert found >= {
        (5, "department"),
        (5, "received_date"),
        (6, "force"),
        (6, "source"),
        (6, "platform"),
        (6, "categories"),
        (6, "subject_role"),
        (6, "referred_to_psd"),
        (7, "subject_rank"),
        (7, "outcome_date"),
        (8, "received_date"),
        (9, "received_date"),
    }
    messages = [str(p) for p in checked.problems]
    assert (
        "line 8, column received_date: differs from line 2, which has the same reference "
        "WMP-2014-00007" in messages
    )
    assert "line 5, column received_date: '31/02/2014' is not a real date" in messages
    from casetrack.imports.cli import import_cases

    result = app.test_cli_runner().invoke(import_cases, [str(path)])
    assert result.exit_code == 1
    assert "nothing imported" in result.output and "line 6, column force" in result.output
    assert _count(Case) == 0 and _count(Person) == 0


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("reference,force,received_date", "column subject_role: required column is missing"),
        (HEADER + ",colour", "column colour: unknown column"),
        (HEADER + ",force", "column force: appears more than once"),
    ],
)
def test_header_problems(org, tmp_path, header, message) -> None:
    path = tmp_path / "h.csv"
    path.write_text(header + "\n")
    assert any(message in str(p) for p in importer.plan(path).problems)


def test_unreadable_files_get_a_message(org, tmp_path) -> None:
    from casetrack.errors import DomainError

    not_utf8 = tmp_path / "latin1.csv"
    not_utf8.write_bytes(
        (HEADER + "\nX,WMP,,2014-01-01,,,,,Caf\xe9,,,pcso,,,,,\n").encode("latin-1")
    )
    with pytest.raises(DomainError, match="not a UTF-8 CSV file"):
        importer.plan(not_utf8)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook")
    with pytest.raises(DomainError, match="not a readable XLSX"):
        importer.plan(fake)
    with pytest.raises(DomainError, match="only .csv and .xlsx"):
        importer.plan(tmp_path / "x.txt")


def test_new_references_do_not_collide_with_imported_ones(
    org, tmp_path, make_case, make_department
) -> None:
    from datetime import date

    _import(write_csv(tmp_path, GOOD))
    case = make_case(
        "logged", department=make_department("COV", force=org), received=date(2014, 7, 1)
    )
    assert case.reference == "WMP-2014-00008"


def test_reports_include_imported_cases(org, tmp_path) -> None:
    from casetrack.reports.figures import financial_year
    from casetrack.reports.service import Scope, outcome_figures

    _import(write_csv(tmp_path, GOOD))
    figures = outcome_figures(financial_year(2014), Scope([org]))
    assert figures.total_investigations == 2 and figures.by_outcome["written_warning"] == 1
    assert figures.by_platform["twitter_x"] == 2


@pytest.mark.parametrize("role", ["standards_manager", "psd", "leadership", "admin"])
def test_only_head_of_psd_imports_on_the_web(app, org, make_user, role) -> None:
    from conftest import AuthActions

    actions = AuthActions(app.test_client())
    actions.sign_in(make_user(role, forces=[org]).email)
    assert actions.client.get("/imports").status_code == 403


def test_web_import_preview_then_confirm(app, org, tmp_path, make_user) -> None:
    from casetrack.audit.models import AuditEvent
    from conftest import AuthActions

    head = make_user("psd_head", forces=[org])
    actions = AuthActions(app.test_client())
    actions.sign_in(head.email)
    bad = write_csv(tmp_path, ["Y-1,WMP,,2014-02-30,,,,,,,,pcso,,,,,"], name="bad.csv")
    token = actions.csrf_token("/imports")
    response = actions.client.post(
        "/imports", data={"csrf_token": token, "file": (io.BytesIO(bad.read_bytes()), "bad.csv")}
    )
    page = actions.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "nothing will be imported" in page and "2014-02-30" in page
    good = write_csv(tmp_path, GOOD, name="good.csv")
    actions.client.post(
        "/imports",
        data={
            "csrf_token": actions.csrf_token("/imports"),
            "file": (io.BytesIO(good.read_bytes()), "good.csv"),
        },
    )
    page = actions.client.get("/imports/preview").get_data(as_text=True)
    assert "Ready to import" in page and "Cases to create" in page
    assert _count(Case) == 0
    response = actions.post("/imports/confirm", form_path="/imports/preview")
    assert response.status_code == 302 and _count(Case) == 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cases_imported"))
    assert event.actor == head.email and '"cases":2' in event.details
    assert actions.post("/imports/confirm", form_path="/imports").status_code == 400


def test_web_import_limited_to_own_forces(app, org, tmp_path, make_user, make_force) -> None:
    from conftest import AuthActions

    other = make_force("WARKS")
    head = make_user("psd_head", forces=[other])
    actions = AuthActions(app.test_client())
    actions.sign_in(head.email)
    good = write_csv(tmp_path, GOOD)
    actions.client.post(
        "/imports",
        data={
            "csrf_token": actions.csrf_token("/imports"),
            "file": (io.BytesIO(good.read_bytes()), "x.csv"),
        },
    )
    page = actions.client.get("/imports/preview").get_data(as_text=True)
    assert "WMP is not one of your forces" in page


@pytest.mark.parametrize(
    ("data", "over"),
    [
        (b"<a>" + b"x" * 100 + b"</a>", False),
        (b"x" * 1000, True),  # no tag at all
        (b"<a>" + b"x" * 999, True),  # a run to the end
        (b"<a>" + b"x" * 200 + b"<b>" + b"y" * 200 + b"</b>", False),
        (b"<a>" + b"x" * 200 + b"<" + b"y" * 257 + b"<", True),  # crosses a chunk boundary
        (b"<" + b"x" * 256 + b"<", False),  # exactly the limit
        (b"<" + b"x" * 257 + b"<", True),
    ],
)
def test_text_runs_are_measured_across_chunks(monkeypatch, data: bytes, over: bool) -> None:
    from casetrack.imports import reader

    monkeypatch.setattr(reader, "_CHUNK", 256)
    assert reader._longest_run_over(io.BytesIO(data), 256) is over


def test_xlsx_that_expands_too_far_is_refused_before_opening(org, tmp_path, monkeypatch) -> None:
    """A decompression bomb: a small file whose one cell is bigger than any column takes."""
    import zipfile

    from casetrack.errors import DomainError
    from casetrack.imports import reader

    path = write_xlsx(tmp_path, write_csv(tmp_path, GOOD))
    assert importer.plan(path).ok
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                cell = b'<row r="9"><c r="A9" t="inlineStr"><is><t>' + b"A" * (3 << 20)
                data = data.replace(b"</sheetData>", cell + b"</t></is></c></row></sheetData>")
            out.writestr(info, data)
    assert bomb.stat().st_size < 50_000
    with pytest.raises(DomainError, match="bomb.xlsx has a cell holding more than 1 MB"):
        importer.plan(bomb)
    monkeypatch.setattr(reader, "MAX_XLSX_EXPANDED", 1 << 20)
    with pytest.raises(DomainError, match="bomb.xlsx is too large when opened"):
        importer.plan(bomb)


def test_case_plans_are_packed_without_losing_anything() -> None:
    from datetime import date

    from casetrack.imports.importer import FINGERPRINT_SIZE, CasePlan, CasePlans

    plans = CasePlans()
    first = CasePlan(7, bytes(range(FINGERPRINT_SIZE)))
    plans.put("WMP-2014-00007", first)
    assert plans["WMP-2014-00007"] == first and plans.get("nope") is None
    later = CasePlan(
        2**31, b"\xff" * FINGERPRINT_SIZE, 3, date(2014, 9, 12), b"s" * 24, 2**40, 65535
    )
    plans.put("HIST/77", later)
    assert plans["HIST/77"] == later
    assert list(plans) == ["WMP-2014-00007", "HIST/77"] and len(plans) == 2


# ---- what the import reveals, and to whom (SPEC §1, §9, §9.1) --------------------------------


def _row(reference: str, force: str = "WMP") -> str:
    return f"{reference},{force},,2014-01-01,,,,,,,,pcso,,,,,"


def _upload(actions, path: Path, name: str) -> str:
    actions.client.post(
        "/imports",
        data={
            "csrf_token": actions.csrf_token("/imports"),
            "file": (io.BytesIO(path.read_bytes()), name),
        },
    )
    return actions.client.get("/imports/preview").get_data(as_text=True)


def _problem_table(page: str) -> list[tuple[str, str, str]]:
    import html
    import re

    cells = [
        html.unescape(c) for c in re.findall(r'<td class="govuk-table__cell">(.*?)</td>', page)
    ]
    return [tuple(cells[i : i + 3]) for i in range(0, len(cells), 3)]


def _audit(action: str) -> list[tuple[str, dict]]:
    import json

    from casetrack.audit.models import AuditEvent

    return [
        (e.actor, json.loads(e.details))
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        )
    ]


def _counter(force, year: int) -> int | None:
    from casetrack.cases.models import ReferenceCounter

    counter = db.session.get(ReferenceCounter, (force.id, year))
    return None if counter is None else counter.last


@pytest.fixture
def war_cases(org, tmp_path, make_force, make_department, make_case):
    """WAR's own case, and a WAR case imported earlier under a legacy reference."""
    from datetime import date

    war = make_force("WAR")
    case = make_case(department=make_department("LEAM", force=war), received=date(2025, 3, 1))
    assert case.reference == "WAR-2025-00001"
    _import(write_csv(tmp_path, [_row("HIST/9", "WAR")], name="war.csv"))
    return war


def test_web_preview_reveals_no_case_outside_the_heads_scope(
    app, org, war_cases, tmp_path, make_user, make_department, make_case, make_person
) -> None:
    from datetime import date

    from conftest import AuthActions

    cov = make_department("COV", force=org)
    mine = make_case(
        department=cov, subjects=[make_person(org, staff_number="W900")], received=date(2025, 4, 1)
    )
    restricted = make_case(department=cov, restricted=True, received=date(2025, 5, 1))
    assert (mine.reference, restricted.reference) == ("WMP-2025-00001", "WMP-2025-00002")
    head = make_user("psd_head", forces=[org], staff_number="w 900")  # a subject of `mine`
    actions = AuthActions(app.test_client())
    actions.sign_in(head.email)
    probe = write_csv(
        tmp_path,
        [
            _row("WAR-2025-00001"),  # WAR's case: the finding's reproduction
            _row("WAR-2025-00012"),  # no such case: refused in the same words
            _row("HIST/9"),  # WAR's legacy reference
            _row("WMP-2025-00001"),  # the head's own force, but they are its subject
            _row("WMP-2025-00002"),  # restricted, which the head of PSD sees: skipped
            _row("HIST/10"),  # new
        ],
        name="probe.csv",
    )
    page = _upload(actions, probe, "probe.csv")
    assert "4 problems in the file: nothing will be imported" in page
    refused = (
        "cannot be imported by you: give the case another reference, or ask the CaseTrack "
        "operator to import it"
    )
    assert _problem_table(page) == [
        ("2", "reference", "WAR-2025-00001 is a WAR reference, but the row's force is WMP"),
        ("3", "reference", "WAR-2025-00012 is a WAR reference, but the row's force is WMP"),
        ("4", "reference", f"HIST/9 {refused}"),
        ("5", "reference", f"WMP-2025-00001 {refused}"),
    ]
    assert "Already in CaseTrack" not in page
    digest = importer.file_digest(probe)
    assert _audit("import_checked") == [
        (
            head.email,
            {
                "file": "probe.csv",
                "sha256": digest,
                "rows": 6,
                "cases": 0,
                "skipped": 1,
                "problems": 4,
                "references_refused": 2,
            },
        )
    ]
    # confirming the refused file imports nothing and leaves WAR's numbering alone
    response = actions.post("/imports/confirm", form_path="/imports/preview")
    assert response.status_code == 302 and response.headers["Location"] == "/imports/preview"
    assert _count(Case) == 4 and _counter(war_cases, 2025) == 1
    assert len(_audit("import_checked")) == 2  # the preview, fetched for its form
    assert [actor for actor, _ in _audit("cases_imported")] == ["tester"]  # WAR's, earlier

    fixed = write_csv(tmp_path, [_row("WMP-2025-00002"), _row("HIST/10")], name="fixed.csv")
    page = _upload(actions, fixed, "fixed.csv")
    assert "Ready to import" in page
    assert '<span class="govuk-hint">WMP-2025-00002</span>' in page
    response = actions.post("/imports/confirm", form_path="/imports/preview")
    assert response.status_code == 302
    assert db.session.scalar(select(Case.force_id).where(Case.reference == "HIST/10")) == org.id
    assert (_counter(war_cases, 2025), _counter(org, 2025)) == (1, 2)
    checks, imports = _audit("import_checked"), _audit("cases_imported")
    assert checks[-1] == (
        head.email,
        {
            "file": "fixed.csv",
            "sha256": importer.file_digest(fixed),
            "rows": 2,
            "cases": 1,
            "skipped": 1,
            "problems": 0,
            "references_refused": 0,
        },
    )
    assert imports[-1] == (
        head.email,
        {
            "file": "fixed.csv",
            "sha256": importer.file_digest(fixed),
            "rows": 2,
            "cases": 1,
            "investigations": 1,
            "skipped": 1,
        },
    )


def test_the_operator_is_told_whose_reference_it_is(app, org, war_cases, tmp_path) -> None:
    import getpass

    from casetrack.imports.cli import import_cases

    runner = app.test_cli_runner()
    wrong = write_csv(tmp_path, [_row("HIST/9")], name="wrong.csv")
    result = runner.invoke(import_cases, [str(wrong)])
    assert result.exit_code == 1
    assert "line 2, column reference: HIST/9 is already the reference of a case of WAR, but " in (
        result.output
    )
    assert "the row's force is WMP" in result.output
    again = write_csv(tmp_path, [_row("HIST/9", "WAR")], name="again.csv")
    result = runner.invoke(import_cases, [str(again), "--dry-run"])
    assert result.exit_code == 0
    assert "Would create 0 cases; would skip 1 already present: HIST/9." in result.output
    operator = f"cli:{getpass.getuser()}"
    assert [
        (actor, d["file"], d["problems"], d["skipped"]) for actor, d in _audit("import_checked")
    ] == [(operator, "wrong.csv", 1, 0), (operator, "again.csv", 0, 1)]


def test_a_head_of_two_forces_is_told_whose_reference_it_is(
    app, org, war_cases, tmp_path, make_user
) -> None:
    head = make_user("psd_head", forces=[org, war_cases])
    path = write_csv(tmp_path, [_row("HIST/9"), _row("HIST/11", "WAR")])
    checked = importer.plan(path, allowed_forces={"WMP", "WAR"}, viewer=head)
    assert [str(p) for p in checked.problems] == [
        "line 2, column reference: HIST/9 is already the reference of a case of WAR, but the "
        "row's force is WMP"
    ]
    assert checked.refused == 0


def test_reference_counters_are_raised_for_the_rows_own_force_only(
    app, org, war_cases, tmp_path
) -> None:
    from datetime import date

    from casetrack.imports.importer import _Writer
    from casetrack.imports.validate import ImportRow

    writer = _Writer(importer.Plan(tmp_path / "x.csv"), "tester", None, "x.csv")

    def row(reference: str, force: str) -> ImportRow:
        return ImportRow(
            2,
            reference,
            force,
            None,
            date(2014, 1, 1),
            None,
            None,
            (),
            (),
            "",
            None,
            None,
            "pcso",
            None,
            None,
            None,
            None,
            None,
        )

    writer._remember_counter(row("WAR-2025-00012", "WMP"))
    assert writer.counters == {}
    writer._remember_counter(row("WAR-2025-00012", "WAR"))
    writer._remember_counter(row("WAR-2025-00007", "WAR"))
    assert writer.counters == {(war_cases.id, 2025): 12}
