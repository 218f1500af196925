"""Injection: XSS, template-injection and formula-injection payloads typed into every
free-text field through the real forms, then read back from every output that shows them —
HTML pages, form re-displays after a refusal, the PDF report (with a loopback listener that
must receive nothing), the report CSV, and the evidence export bundle (manifest CSV/JSON,
custody log CSV).

Each payload carries a marker naming the field it went into (ZQ<payload><field>), so every
output is checked for *which* fields it shows, and:
  HTML  no markup from input (no tag, attribute, event handler or script URL made of it);
        no template evaluated (49 for {{7*7}}, the configuration, the secret key)
  PDF   markers present as text, nothing fetched, nothing evaluated
  CSV   no cell starts with = + - @ tab or carriage return (formulas are neutralised with ')
"""

from __future__ import annotations

import csv
import io
import json
import re
import socketserver
import threading
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from .figures import FULL
from .helpers import PNG, browser_filename, csrf, errors_on, scan_html, signed_in_client, token_in

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ---- the corpus -----------------------------------------------------------------------------

# {M} is the marker; {U} a URL on the loopback listener. "default" payloads run in CI.
PAYLOADS: list[tuple[str, str, bool]] = [
    ("xss-script", '<script>alert("{M}")</script>', True),
    ("xss-attribute-breakout", '"><img src=x onerror=alert(1) data-{M}=1>', True),
    ("xss-single-quote", "'><svg onload=alert(1) id={M}>", False),
    ("xss-textarea-breakout", "</textarea><script>/*{M}*/</script>", False),
    ("xss-javascript-url", "javascript:alert('{M}')", False),
    ("xss-anchor", '<a href="javascript:alert(1)">{M}</a>', False),
    ("fetch-img", '<img src="{U}/{M}.png">{M}', True),
    (
        "fetch-css",
        '<link rel=stylesheet href="{U}/{M}.css"><style>@import "{U}/{M}-i";</style>',
        False,
    ),
    ("css-breakout", '{M}";}} @page {{ @top-left {{ content: url({U}/{M}-u) }} }} x{{a:"', True),
    ("template-jinja", "{{{{7*7}}}}{M}", True),
    ("template-config", "{{{{config}}}}{{{{config.SECRET_KEY}}}}{M}", False),
    ("template-statement", "{{% print(7*7) %}}{{% for x in range(3) %}}X{{% endfor %}}{M}", False),
    ("template-other", "${{7*7}}#{{7*7}}<%= 7*7 %>{M}", False),
    ("formula-cmd", "=cmd|' /C calc'!A0 {M}", True),
    ("formula-plus", "+1+1 {M}", False),
    ("formula-minus", "-2+3+cmd|' /C calc'!A0 {M}", False),
    ("formula-at", "@SUM(1+1)*cmd|' /C calc'!A0 {M}", True),
    ("formula-hyperlink", '=HYPERLINK("{U}/{M}","click") ', False),
    ("formula-tab", "\t=1+1 {M}", False),
    ("formula-cr", "\r=1+1 {M}", False),
]
PDF_TARGETED = {"fetch-img", "fetch-css", "css-breakout"}
EVALUATED = ["49ZQ", "XXXZQ"]  # what {{7*7}} / the for-loop would leave before a marker


@dataclass
class Field:
    key: str
    label: str


FIELDS = [
    Field(k, label)
    for k, label in [
        ("case.summary", "case summary"),
        ("case.account_handle", "case account handle"),
        ("case.content_urls", "case content web addresses"),
        ("case.reporter_name", "reporter name"),
        ("case.reporter_contact", "reporter contact"),
        ("case.no_evidence_reason", "why no evidence"),
        ("case.subject_name", "subject name"),
        ("case.subject_number", "subject staff number"),
        ("case.content_posted", "content posted dates (always refused)"),
        ("action.assess.rationale", "assessment rationale"),
        ("action.refer.note", "referral note"),
        ("action.accept.note", "PSD acceptance note"),
        ("action.severity.rationale", "severity rationale"),
        ("action.iopc.reference", "IOPC reference"),
        ("action.iopc.rationale", "IOPC rationale"),
        ("action.outcome.rationale", "outcome rationale"),
        ("action.close.note", "closing note"),
        ("action.reopen.note", "reopening reason"),
        ("action.withdraw.note", "withdrawal reason"),
        ("evidence.filename", "evidence file name"),
        ("evidence.description", "evidence description"),
        ("evidence.captured_by", "evidence captured by"),
        ("evidence.capture_method", "evidence capture method"),
        ("evidence.account_handle", "evidence account handle"),
        ("evidence.source_url", "evidence source web address"),
        ("evidence.correction.value", "correction value"),
        ("evidence.correction.reason", "correction reason"),
        ("evidence.withdraw.reason", "evidence withdrawal reason"),
        ("admin.user.name", "user name (administrator)"),
        ("admin.user.staff_number", "user staff number (administrator)"),
        ("admin.force.name", "force name (administrator)"),
        ("admin.department.name", "department name (administrator)"),
        ("reports.foi_reference", "FOI reference (web)"),
        ("reports.foi_reference_cli", "FOI reference (command line)"),
        ("search.q", "case list search"),
        ("audit.actor", "audit log filter"),
        ("import.filename", "import file name"),
        ("import.summary", "imported summary"),
        ("import.subject_name", "imported subject name"),
        ("import.bad_value", "imported invalid value (problem list)"),
    ]
]
FIELD_INDEX = {f.key: i for i, f in enumerate(FIELDS)}


def selected_payloads() -> list[tuple[str, str]]:
    return [(name, text) for name, text, default in PAYLOADS if default or FULL]


# ---- a loopback listener: the PDF renderer must never connect to it -----------------------


class Listener:
    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                self.request.settimeout(1)
                try:
                    hits.append(self.request.recv(200).decode("latin-1").split("\r\n")[0])
                except OSError:
                    hits.append("(connection)")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


# ---- one world per payload ------------------------------------------------------------------


@dataclass
class Output:
    name: str
    kind: str  # html, pdf, csv, json
    content: Any
    csp: str | None = None


@dataclass
class Run:
    payload_name: str
    template: str
    number: int
    url: str
    outputs: list[Output] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # field → where it was refused
    skipped: dict[str, str] = field(default_factory=dict)  # field → why not in this run

    def value(self, key: str, limit: int | None = None) -> str:
        marker = self.marker(key)
        text = self.template.format(M=marker, U=self.url)
        if limit is not None and len(text) > limit:
            text = marker + text[: limit - len(marker)]
        return text

    def marker(self, key: str) -> str:
        return f"ZQ{self.number:02d}{FIELD_INDEX[key]:02d}"

    @property
    def markers(self) -> dict[str, str]:
        return {f.key: self.marker(f.key) for f in FIELDS}

    def html(self, name: str, response: Any) -> Any:
        assert response.status_code < 500, f"{name}: {response.status_code}"
        self.outputs.append(
            Output(
                name,
                "html",
                response.get_data(as_text=True),
                response.headers.get("Content-Security-Policy"),
            )
        )
        return response


def _date(days_ago: int) -> list[str]:
    from casetrack.timeutil import today

    day = today() - timedelta(days=days_ago)
    return [str(day.day), str(day.month), str(day.year)]


def _post(
    run: Run,
    client: Any,
    path: str,
    data: dict[str, Any],
    name: str,
    form_path: str | None = None,
    **kwargs: Any,
) -> Any:
    token = csrf(client, form_path or path)
    response = client.post(path, data={**data, "csrf_token": token}, **kwargs)
    assert response.status_code < 500, f"{name}: {response.status_code}"
    if response.status_code != 302:  # refused: the form is shown again with what was typed
        run.html(f"refused form: {name}", response)
    return response


def _case_id(response: Any) -> int:
    match = re.search(r"/cases/(\d+)", response.headers.get("Location", ""))
    assert match, f"no case page after recording: {response.status_code}"
    return int(match.group(1))


def _version(case_id: int) -> str:
    from casetrack.cases.models import Case
    from casetrack.extensions import db

    db.session.expire_all()
    return str(db.session.get(Case, case_id).version)


def _investigations(case_id: int) -> list[int]:
    from casetrack.cases.models import Case
    from casetrack.extensions import db

    db.session.expire_all()
    return [inv.id for inv in db.session.get(Case, case_id).investigations]


def _act(run: Run, client: Any, case_id: int, action: str, data: dict[str, Any]) -> Any:
    path = f"/cases/{case_id}/{action}"
    response = _post(run, client, path, {"version": _version(case_id), **data}, action)
    assert response.status_code == 302, f"{action}: {errors_on(response.get_data(as_text=True))}"
    return response


def build_and_render(app: Flask, run: Run, users: dict[str, Any], org: dict[str, Any]) -> None:
    from casetrack.cases.models import Case
    from casetrack.evidence.models import EvidenceItem
    from casetrack.extensions import db

    admin = signed_in_client(app, users["admin"])
    v = run.value

    # -- administration: names shown across the service
    sm = users["standards_manager"]
    _post(
        run,
        admin,
        f"/admin/forces/{org['force'].id}",
        {"name": v("admin.force.name", 120)},
        "force name",
    )
    _post(
        run,
        admin,
        f"/admin/departments/{org['department'].id}",
        {"name": v("admin.department.name", 120)},
        "department name",
    )
    _post(
        run,
        admin,
        f"/admin/users/{sm.id}",
        {
            "name": v("admin.user.name", 120),
            "role": sm.role,
            "forces": [org["force"].id],
            "departments": [org["department"].id],
            "staff_number": sm.staff_number or "",
        },
        "user name",
    )
    psd = users["psd"]
    _post(
        run,
        admin,
        f"/admin/users/{psd.id}",
        {
            "name": psd.name,
            "role": psd.role,
            "forces": [org["force"].id],
            "staff_number": v("admin.user.staff_number"),
        },
        "user staff number",
    )

    # -- a Standards Manager records a concern: first everything (refused: the dates are not
    # dates), then every field that can hold the payload
    client = signed_in_client(app, sm)
    everything = {
        "received_date": _date(3),
        "department": str(org["department"].id),
        "case_type": "conduct_matter",
        "categories": ["inappropriate_content"],
        "platforms": ["facebook"],
        "summary": v("case.summary"),
        "account_handle": v("case.account_handle"),
        "content_urls": v("case.content_urls"),
        "reporter_name": v("case.reporter_name"),
        "reporter_contact": v("case.reporter_contact"),
        "no_evidence_reason": v("case.no_evidence_reason"),
        "subject_name": v("case.subject_name"),
        "subject_number": v("case.subject_number"),
        "subject_role": "police_officer",
        "subject_rank": "constable",
        "existing_person": "",
        "content_posted": v("case.content_posted"),
    }
    _post(run, client, "/cases/new", everything, "record a concern (all fields)")
    fits = {
        **everything,
        "content_posted": "",
        "subject_number": v("case.subject_number", 32),
        "subject_name": v("case.subject_name", 120),
        "reporter_name": v("case.reporter_name", 120),
        "account_handle": v("case.account_handle", 200),
        "reporter_contact": v("case.reporter_contact", 200),
    }
    response = _post(run, client, "/cases/new", fits, "record a concern")
    if response.status_code != 302:  # e.g. a staff number that is not a staff number
        fits["subject_number"] = run.marker("case.subject_number")
        run.refused["case.subject_number"] = "record a concern"
        response = _post(run, client, "/cases/new", fits, "record a concern (plain number)")
    if response.status_code != 302:  # a payload that is not an http(s) address (SPEC §12)
        fits["content_urls"] = "https://facebook.example/p/" + run.marker("case.content_urls")
        run.refused["case.content_urls"] = "record a concern"
        response = _post(run, client, "/cases/new", fits, "record a concern (plain address)")
    case_a = _case_id(response)
    [inv] = _investigations(case_a)
    _act(
        run,
        client,
        case_a,
        "assess",
        {
            f"severity_{inv}": "misconduct",
            f"standards_{inv}": ["discreditable_conduct"],
            "rationale": v("action.assess.rationale"),
        },
    )

    # -- evidence on the case, secured by its Standards Manager before referral: every capture
    #    field, a correction and a withdrawal
    def upload(name: str) -> int:
        data = {
            "files": [(io.BytesIO(PNG), browser_filename(name))],
            "kind": "screenshot",
            "source_url": "https://social.example/" + v("evidence.source_url"),
            "platform": "facebook",
            "account_handle": v("evidence.account_handle", 200),
            "captured_on": _date(1),
            "captured_time": "09:30",
            "captured_by": v("evidence.captured_by", 200),
            "capture_method": v("evidence.capture_method", 200),
            "description": v("evidence.description"),
        }
        token = csrf(client, f"/cases/{case_a}/evidence/new")
        response = client.post(
            f"/cases/{case_a}/evidence/new",
            data={**data, "csrf_token": token},
            content_type="multipart/form-data",
        )
        if response.status_code != 302:
            run.html("refused form: evidence upload", response)
        assert response.status_code == 302, errors_on(response.get_data(as_text=True))
        run.html("flash: evidence preserved", client.get(response.headers["Location"]))
        db.session.expire_all()
        return db.session.scalars(select(EvidenceItem.id).order_by(EvidenceItem.id.desc())).first()

    item = upload(v("evidence.filename", 200) + "-" + run.marker("evidence.filename") + ".png")
    second = upload("second-" + run.marker("evidence.filename") + ".png")
    _post(
        run,
        client,
        f"/evidence/{item}/correct",
        {
            "field": "description",
            "value": v("evidence.correction.value"),
            "reason": v("evidence.correction.reason"),
        },
        "evidence correction",
    )
    _post(
        run,
        client,
        f"/evidence/{second}/withdraw",
        {"reason": v("evidence.withdraw.reason")},
        "evidence withdrawal",
    )

    _act(run, client, case_a, "refer_to_psd", {"note": v("action.refer.note")})

    # -- a second case, withdrawn with a reason
    other = {**fits, "subject_number": "", "subject_name": "Other Subject"}
    case_b = _case_id(_post(run, client, "/cases/new", other, "record a second concern"))
    _act(run, client, case_b, "withdraw", {"note": v("action.withdraw.note")})

    # -- PSD takes the case through to closed, then reopens it
    psd_client = signed_in_client(app, users["psd"])
    _act(
        run,
        psd_client,
        case_a,
        "psd_accept",
        {"investigator": str(users["psd"].id), "note": v("action.accept.note")},
    )
    _act(
        run,
        psd_client,
        case_a,
        "assess_severity",
        {f"severity_{inv}": "misconduct", "rationale": v("action.severity.rationale")},
    )
    response = _post(
        run,
        psd_client,
        f"/cases/{case_a}/iopc_decision",
        {
            "version": _version(case_a),
            "referred": "yes",
            "referral_date": _date(1),
            "reference": v("action.iopc.reference"),
            "rationale": v("action.iopc.rationale"),
        },
        "IOPC decision",
    )
    if response.status_code != 302:
        run.refused["action.iopc.reference"] = "IOPC decision (too long)"
        _act(
            run,
            psd_client,
            case_a,
            "iopc_decision",
            {
                "referred": "yes",
                "referral_date": _date(1),
                "reference": v("action.iopc.reference", 64),
                "rationale": v("action.iopc.rationale"),
            },
        )
    _act(
        run,
        psd_client,
        case_a,
        "record_outcome",
        {
            "investigation": str(inv),
            "outcome": "resigned",  # ends any stage, with or without proceedings (SPEC §14.1)
            "outcome_date": _date(0),
            "rationale": v("action.outcome.rationale"),
        },
    )
    _act(run, psd_client, case_a, "close", {"note": v("action.close.note")})
    _act(run, psd_client, case_a, "reopen", {"note": v("action.reopen.note")})

    # -- import by the head of PSD: a good file, and a file with a bad value
    head = signed_in_client(app, users["psd_head"])
    header = (
        "reference,force,department,received_date,source,account_type,platform,"
        "categories,summary,subject_number,subject_name,subject_role,subject_rank,"
        "severity,referred_to_psd,outcome,outcome_date"
    )
    rows = [
        [
            f"HIST/{run.number}",
            "WMP",
            "BIRM_E",
            "2024-06-01",
            "",
            "",
            "facebook",
            "inappropriate_content",
            v("import.summary"),
            f"H{run.number}",
            v("import.subject_name", 120),
            "police_officer",
            "constable",
            "",
            "no",
            "",
            "",
        ]
    ]
    imported = _import(
        run,
        head,
        header,
        rows,
        v("import.filename", 100) + "-" + run.marker("import.filename") + ".csv",
    )
    if imported is None:  # the name did not survive as a .csv name: import it plainly
        run.refused["import.filename"] = "import upload (not a .csv name)"
        imported = _import(run, head, header, rows, run.marker("import.filename") + ".csv")
    bad = [
        [
            f"HIST/B{run.number}",
            v("import.bad_value"),
            "BIRM_E",
            "2024-06-01",
            "",
            "",
            "facebook",
            v("import.bad_value"),
            "x",
            "",
            "",
            "police_officer",
            "",
            "",
            "no",
            "",
            "",
        ]
    ]
    _import(run, head, header, bad, "bad.csv", confirm=False)

    # -- reports: the FOI reference on the page, PDFs and CSVs by role
    for role in ("standards_manager", "leadership"):
        reporter = client if role == "standards_manager" else signed_in_client(app, users[role])
        run.html(
            f"reports page ({role}, FOI reference)",
            reporter.get("/reports", query_string={"foi_reference": v("reports.foi_reference")}),
        )
        run.html(f"reports page ({role})", reporter.get("/reports"))
        for fmt in ("pdf", "csv") if role == "standards_manager" or FULL else ("csv",):
            response = reporter.get(f"/reports/outcomes.{fmt}")
            assert response.status_code == 200, (role, fmt, response.status_code)
            run.outputs.append(Output(f"report {fmt.upper()} ({role})", fmt, response.get_data()))
    if not (FULL or run.payload_name in PDF_TARGETED):
        run.skipped["reports.foi_reference_cli"] = "CLI PDF rendered for PDF-targeted payloads"
        result = None
    else:
        result = app.test_cli_runner().invoke(
            args=[
                "report",
                "outcomes",
                "--from",
                "2024-04-01",
                "--to",
                "2030-03-31",
                "--format",
                "pdf",
                "--foi-reference",
                v("reports.foi_reference_cli", 40),
            ]
        )
        assert result.exit_code == 0, result.output
        run.outputs.append(
            Output("report PDF (command line, FOI reference)", "pdf", result.stdout_bytes)
        )

    # -- search and filters echo what was typed
    run.html("case list search", client.get("/cases", query_string={"q": v("search.q", 100)}))
    run.html(
        "audit log filter",
        head.get("/audit", query_string={"actor": v("audit.actor"), "action": v("audit.actor")}),
    )

    # -- every page that shows what was stored
    run.html("case page (Standards Manager)", client.get(f"/cases/{case_a}"))
    run.html("withdrawn case page", client.get(f"/cases/{case_b}"))
    run.html("case list (Standards Manager)", client.get("/cases"))
    run.html("home (Standards Manager)", client.get("/"))
    run.html("case page (PSD)", psd_client.get(f"/cases/{case_a}"))
    run.html("action page (PSD)", psd_client.get(f"/cases/{case_a}/record_outcome"))
    run.html("home (PSD)", psd_client.get("/"))
    run.html("case list (PSD)", psd_client.get("/cases"))
    run.html("evidence item page", client.get(f"/evidence/{item}"))
    run.html("withdrawn evidence page", client.get(f"/evidence/{second}"))
    run.html("correction page", client.get(f"/evidence/{item}/correct"))
    if imported is not None:
        run.html("imported case page", head.get(f"/cases/{imported}"))
    run.html("audit log", head.get("/audit"))
    for path in (
        "/admin/users",
        f"/admin/users/{sm.id}",
        f"/admin/users/{psd.id}",
        "/admin/forces",
        f"/admin/forces/{org['force'].id}",
        "/admin/departments",
        f"/admin/departments/{org['department'].id}",
        "/",
    ):
        run.html(f"admin {path}", admin.get(path))

    # -- the evidence export bundle
    response = client.get(f"/cases/{case_a}/evidence/export")
    assert response.status_code == 200
    bundle = zipfile.ZipFile(io.BytesIO(response.get_data()))
    for name in bundle.namelist():
        assert not name.startswith("/") and ".." not in name.split("/"), name
        if name.endswith(".csv"):
            run.outputs.append(Output(f"export {name}", "csv", bundle.read(name)))
        elif name.endswith(".json"):
            run.outputs.append(Output(f"export {name}", "json", bundle.read(name)))
    db.session.expire_all()
    assert db.session.get(Case, case_a) is not None


def _import(
    run: Run, client: Any, header: str, rows: list[list[str]], filename: str, confirm: bool = True
) -> int | None:
    from casetrack.cases.models import Case
    from casetrack.extensions import db

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header.split(","))
    writer.writerows(rows)
    token = csrf(client, "/imports")
    response = client.post(
        "/imports",
        data={
            "file": (io.BytesIO(buffer.getvalue().encode()), browser_filename(filename)),
            "csrf_token": token,
        },
        content_type="multipart/form-data",
    )
    if response.status_code != 302:
        run.html("refused form: import upload", response)
        return None
    preview = run.html(f"import preview ({filename[:12]}…)", client.get("/imports/preview"))
    if not confirm:
        token = token_in(preview.get_data(as_text=True))
        client.post("/imports/cancel", data={"csrf_token": token})
        return None
    token = token_in(preview.get_data(as_text=True))
    response = client.post("/imports/confirm", data={"csrf_token": token})
    assert response.status_code == 302, response.status_code
    run.html("flash: imported", client.get(response.headers["Location"]))
    db.session.expire_all()
    return db.session.scalar(select(Case.id).where(Case.reference == f"HIST/{run.number}"))


# ---- checks ---------------------------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return text + "\n" + json.dumps({k: str(v) for k, v in (reader.metadata or {}).items()})


def check(run: Run, secret: str) -> tuple[dict[str, set[str]], list[str]]:
    """(field → outputs showing it, problems)."""
    markers = run.markers
    seen: dict[str, set[str]] = defaultdict(set)
    problems: list[str] = []

    def evaluated(text: str, where: str) -> None:
        for sign in EVALUATED:
            if sign in text:
                problems.append(f"{where}: a template was evaluated ({sign}…)")
        if secret in text or "<Config " in text:
            problems.append(f"{where}: the configuration leaked")

    for output in run.outputs:
        where = f"{run.payload_name} → {output.name}"
        if output.kind == "html":
            text = output.content
            problems += [
                f"{where}: {p}" for p in scan_html(text, list(markers.values()), output.csp)
            ]
        elif output.kind == "pdf":
            text = _pdf_text(output.content)
        elif output.kind == "json":
            text = output.content.decode("utf-8-sig")
            json.loads(text)
        else:
            text = output.content.decode("utf-8-sig")
            for number, row in enumerate(csv.reader(io.StringIO(text))):
                for cell in row:
                    if cell.startswith(FORMULA_START):
                        problems.append(f"{where}: row {number} cell {cell[:40]!r} is a formula")
        evaluated(text, where)
        for key, marker in markers.items():
            if marker in text:
                seen[key].add(output.name)
    return seen, problems


@pytest.fixture
def org(app, make_force, make_department, make_user) -> dict[str, Any]:
    force = make_force("WMP")
    department = make_department("BIRM_E", force=force)
    users = {
        role: make_user(
            role,
            forces=[force],
            departments=[department] if role == "standards_manager" else [],
            staff_number=f"U{n}",
        )
        for n, role in enumerate(["admin", "standards_manager", "psd", "psd_head", "leadership"])
    }
    return {"force": force, "department": department, "users": users}


def test_payloads_everywhere(
    app: Flask, org, listener: Listener, backend: str, figures, only_first_backend
) -> None:
    """One app for the whole corpus (its templates compile once); a world per payload."""
    problems: list[str] = []
    never_shown: list[str] = []
    fetched: list[str] = []
    for name, template in selected_payloads():
        number = [p[0] for p in PAYLOADS].index(name)
        run = Run(name, template, number, listener.url)
        hits_before = len(listener.hits)
        build_and_render(app, run, org["users"], org)
        seen, found = check(run, app.config["SECRET_KEY"])
        problems += found
        fetched += listener.hits[hits_before:]
        never_shown += [
            f"{name}: {f.key}"
            for f in FIELDS
            if not seen.get(f.key) and f.key not in run.refused and f.key not in run.skipped
        ]
        figures.add("injection", "payloads", 1, backend)
        figures.add("injection", "outputs_checked", len(run.outputs), backend)
        figures.add(
            "injection",
            "payload_field_output_checks",
            sum(len(outputs) for outputs in seen.values()),
            backend,
        )
        figures.add("injection", "pdf_outputs", sum(o.kind == "pdf" for o in run.outputs), backend)
        figures.add("injection", "csv_outputs", sum(o.kind == "csv" for o in run.outputs), backend)
        figures.add("injection", "fields_refused_by_validation", len(run.refused), backend)
        for key in run.refused:
            figures.note(
                "injection",
                f"{FIELDS[FIELD_INDEX[key]].label}: some payloads refused "
                f"by validation ({run.refused[key]}); the refusal page was checked",
            )
    figures.set("injection", "fields", len(FIELDS))
    figures.add("injection", "problems", len(problems), backend)
    figures.add("injection", "loopback_requests", len(fetched), backend)
    figures.set("injection", "corpus", [p[0] for p in PAYLOADS])
    figures.set("injection", "corpus_run", [p[0] for p in selected_payloads()])
    figures.set("injection", "field_list", [f.label for f in FIELDS])
    assert fetched == [], f"the PDF renderer fetched {fetched}"
    assert problems == []
    assert never_shown == [], f"fields never read back in any output: {never_shown}"
