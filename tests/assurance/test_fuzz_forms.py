"""Forms fuzzing: Hypothesis-generated input for every form and every query parameter.

The forms are not listed by hand: each role's pages are crawled from its home page (links
only, GET only) and every <form> found is fuzzed — POSTs with a valid CSRF token, GET forms
as query strings — with text (any Unicode, control characters, NUL, huge strings), numbers
that are not numbers, lists where one value is expected, legitimate choices (so validation
passes and the service code is reached), missing fields and extra fields. Every GET page
visited is also requested with fuzzed query parameters. Nothing may answer 5xx.

Per form: one example per field and targeted value (the rest of the form plausible, so the
value reaches the view), then ASSURE_FUZZ_EXAMPLES random examples from Hypothesis (default 10,
on the first database; 200 on every database with ASSURE_FULL=1). On the other databases the
default run sends the targeted examples the database itself could refuse (NUL, huge text).
The default run is derandomized (the same examples every time, as CI needs); ASSURE_FULL=1
explores with fresh random examples on every run.
"""

from __future__ import annotations

import io
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .figures import FULL, scale
from .findings import FINDINGS, finding
from .helpers import csrf, signed_in_client
from .world import build_world

EXAMPLES = scale(10, 200, "ASSURE_FUZZ_EXAMPLES")
MAX_PAGES = scale(150, 600)
# Links never followed: they end the session, stream files, or are the same page again.
SKIP_LINK = re.compile(
    r"^/(static/|sign-out)|/download$|/preview$|/evidence/export$|/reports/outcomes\.|"
    r"/pack\.pdf$|^/cases/export\."  # downloads: tests/test_casepack.py, test_case_export.py
)


# ---- discovering forms ----------------------------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, hidden, file, date...
    options: list[str] = field(default_factory=list)
    value: str = ""
    multiple: bool = False


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: dict[str, FormField] = field(default_factory=dict)

    @property
    def key(self) -> str:
        names = sorted({re.sub(r"_\d+$", "_<id>", name) for name in self.fields})
        return f"{self.method} {pattern(self.action)} ({','.join(names)})"


class FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self.current: Form | None = None
        self.select: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.page, a["href"]))
        elif tag == "form":
            self.current = Form(
                self.page,
                urljoin(self.page, a.get("action") or self.page),
                (a.get("method") or "get").upper(),
            )
            self.forms.append(self.current)
        elif self.current is None or not a.get("name"):
            return
        elif tag in ("input", "textarea"):
            kind = a.get("type", "text") if tag == "input" else "textarea"
            if kind in ("submit", "button", "reset", "image"):
                return
            existing = self.current.fields.get(a["name"])
            if existing is not None:  # checkboxes, radios and date parts share a name
                existing.options.append(a.get("value", "on"))
                existing.multiple = existing.multiple or kind in ("checkbox", "text")
                return
            self.current.fields[a["name"]] = FormField(
                a["name"],
                kind,
                [a.get("value", "on")] if kind in ("checkbox", "radio") else [],
                a.get("value", ""),
            )
        elif tag == "select":
            self.select = FormField(a["name"], "select", multiple="multiple" in a)
            self.current.fields[a["name"]] = self.select
        elif tag == "option" and self.select is not None:
            self.select.options.append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def pattern(url: str) -> str:
    path = urlsplit(url).path
    return re.sub(r"/\d+", "/<id>", path)


def crawl(client: Any, start: str = "/") -> tuple[list[str], list[Form]]:
    """GET pages reachable by links from `start`; one page per URL pattern and query keys."""
    seen: set[str] = set()
    pages: list[str] = []
    forms: dict[str, Form] = {}
    queue = [start]
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or SKIP_LINK.search(parts.path):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        # Case and evidence pages differ by state, so each is visited; other pages once per
        # pattern (and query keys).
        exact = re.match(r"^/(cases|evidence|retention)/\d+", parts.path)
        key = (
            (parts.path if exact else pattern(path))
            + "?"
            + ",".join(sorted(k for k, _ in parse_qsl(parts.query)))
        )
        if key in seen:
            continue
        seen.add(key)
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        pages.append(path)
        parser = FormParser(f"http://localhost{path}")
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            form.action = urlsplit(form.action).path + (
                f"?{urlsplit(form.action).query}" if urlsplit(form.action).query else ""
            )
            if form.key not in forms:
                forms[form.key] = form
        queue += [link.split("#")[0] for link in parser.links]
    return pages, list(forms.values())


# ---- what Hypothesis sends ------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "%00",
    "\r\n",
    "\u202e",
    "\ufeff",
    "￿",
    "𝟘",
    "²",
    "٣",
    "१२",
    "-1",
    "0",
    "00",
    "-0",
    "1e309",
    "NaN",
    "inf",
    "9" * 30,
    "9" * 5000,
    "1.5",
    "0x10",
    "true",
    "on",
    "None",
    "null",
    "[]",
    "{}",
    "../../etc/passwd",
    "/",
    "//evil.example",
    "\\\\evil",
    "javascript:alert(1)",
    "<script>",
    "{{7*7}}",
    "'; DROP TABLE cases; --",
    "A" * 10_000,
    "é" * 70_000,
    "😀" * 5000,
    "\t" * 300,
    "29 2 2023",
    "31/02/2024",
    "2024-13-01",
    "25:61",
    "99:99",
]
text = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300),
    st.sampled_from(NASTY),
    st.text(alphabet=st.characters(max_codepoint=0x1F, exclude_categories=("Cs",)), max_size=20),
)


# For ids, versions and choices: what a number-parsing view could trip on.
NUMBERISH = ["²", "٣", "１２", "-1", "0", "9" * 30, "9" * 5000, "1e309", "", "\x00", "1 ", " 1"]


def value_for(form_field: FormField) -> st.SearchStrategy[Any]:
    legitimate: list[st.SearchStrategy[Any]] = []
    if form_field.kind in ("hidden", "select", "radio", "checkbox"):
        legitimate.append(st.sampled_from(NUMBERISH))
    if form_field.options:
        legitimate.append(st.sampled_from(form_field.options))
        legitimate.append(st.lists(st.sampled_from(form_field.options), max_size=4))
    if form_field.value:
        legitimate.append(st.just(form_field.value))
    if form_field.kind == "file":
        return st.builds(
            lambda content, name: (io.BytesIO(content), name),
            st.one_of(
                st.binary(max_size=2000),
                st.sampled_from([b"", b"GIF89a<script>", b"%PDF-1.4\n", b"\x89PNG\r\n"]),
            ),
            st.one_of(text, st.sampled_from(["a.csv", "a.xlsx", "a.png", "../x.csv", ""])),
        )
    return st.one_of(*legitimate, text, st.lists(text, max_size=4))


def form_data(form: Form) -> st.SearchStrategy[dict[str, Any]]:
    fields = {
        name: st.one_of(st.none(), value_for(f))  # None: the field is left out
        for name, f in form.fields.items()
        if name != "csrf_token"
    }
    extra = st.dictionaries(
        st.sampled_from(["page", "next", "id", "version", "role", "x"]), text, max_size=2
    )
    return st.builds(
        lambda values, more: {k: v for k, v in {**more, **values}.items() if v is not None},
        st.fixed_dictionaries(fields),
        extra,
    )


# ---- running ------------------------------------------------------------------------------


@dataclass
class Tally:
    examples: int = 0
    targeted: int = 0
    by_form: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (where, error, input)
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def send(
    client: Any,
    tally: Tally,
    where: str,
    method: str,
    path: str,
    data: dict[str, Any],
    token: str | None,
) -> None:
    tally.examples += 1
    tally.by_form[where] += 1
    try:
        if method == "GET":
            response = client.get(path, query_string=_flatten(data))
        else:
            has_file = any(isinstance(v, tuple) for v in data.values())
            response = client.post(
                path,
                data={**data, "csrf_token": token},
                content_type="multipart/form-data" if has_file else None,
            )
        tally.statuses[response.status_code] += 1
        if response.status_code >= 500:
            tally.errors.append((where, f"HTTP {response.status_code}", _shown(data)))
    except Exception as error:  # noqa: BLE001 (the app re-raises unexpected errors in tests)
        tally.statuses[500] += 1
        message = (
            f"{type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"
        )
        tally.errors.append((where, message, _shown(data)))


def _flatten(data: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, tuple):
                pairs.append((key, item))
    return pairs


def _shown(data: dict[str, Any]) -> str:
    def short(v: Any) -> str:
        text = repr(v)
        return text if len(text) < 80 else text[:60] + f"…({len(text)} chars)"

    return "{" + ", ".join(f"{k}: {short(v)}" for k, v in data.items()) + "}"


def baseline(form: Form) -> dict[str, Any]:
    """A plausible submission: existing values, the first real choice, today's date, text."""
    from casetrack.timeutil import today

    day = today()
    data: dict[str, Any] = {}
    for name, f in form.fields.items():
        if name == "csrf_token" or f.kind == "file":
            continue
        if f.kind in ("text", "number") and f.multiple:  # a GOV.UK date: day, month, year
            data[name] = [str(day.day), str(day.month), str(day.year)]
        elif f.value:
            data[name] = f.value
        elif f.options:
            data[name] = next((o for o in f.options if o), f.options[0])
        elif f.kind in ("text", "textarea"):
            data[name] = "Because."
    return data


# One field at a time is changed to each of these, the rest left plausible, so validation
# passes and the value reaches the view and the service code.
TARGETED = {
    "choice": ["²", "9" * 5000, "-1", "\x00"],
    "text": ["\x00", "é" * 20_000, "\r\n\t{{7*7}}"],
}


# On the other databases (default run): what the database itself may refuse.
TARGETED_LIGHT = {"choice": ["9" * 5000], "text": ["\x00", "é" * 20_000]}


def targeted(form: Form, light: bool = False) -> list[dict[str, Any]]:
    base = baseline(form)
    examples = []
    for name, f in form.fields.items():
        if name == "csrf_token" or f.kind == "file":
            continue
        kind = "choice" if f.kind in ("hidden", "select", "radio", "checkbox") else "text"
        for value in (TARGETED_LIGHT if light else TARGETED)[kind]:
            examples.append({**base, name: value})
    return examples


def fuzz_form(client: Any, form: Form, tally: Tally, examples: int) -> None:
    token = csrf(client, form.page) if form.method == "POST" else None
    where = form.key
    for data in targeted(form, light=not examples):
        send(client, tally, where, form.method, form.action, data, token)
        tally.targeted += 1
    if not examples:
        return

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        derandomize=not FULL,
        suppress_health_check=list(HealthCheck),
    )
    @given(form_data(form))
    def run(data: dict[str, Any]) -> None:
        send(client, tally, where, form.method, form.action, data, token)

    run()


QUERY_NAMES = [
    "page",
    "q",
    "next",
    "sort",
    "state",
    "force",
    "department",
    "year",
    "basis",
    "forces",
    "action",
    "actor",
    "case",
    "before",
    "verify",
    "marking",
    "publication",
    "date_from",
    "date_to",
    "received_from",
    "overdue",
    "mine",
    "fmt",
    "x",
]


def fuzz_query(client: Any, path: str, tally: Tally, examples: int) -> None:
    values = ("²", "-1", "9" * 5000, "\x00", "é" * 5000) if examples else ("\x00", "9" * 5000)
    for value in values:  # every parameter at once
        params = {name: value for name in QUERY_NAMES}
        send(client, tally, f"GET {pattern(path)}?…", "GET", path.split("?")[0], params, None)
        tally.targeted += 1
    if not examples:
        return
    names = st.sampled_from(QUERY_NAMES)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        derandomize=not FULL,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.dictionaries(names, st.one_of(text, st.lists(text, max_size=3)), max_size=4))
    def run(params: dict[str, Any]) -> None:
        send(client, tally, f"GET {pattern(path)}?…", "GET", path.split("?")[0], params, None)

    run()


@pytest.fixture
def fuzz_world(app, make_user, make_force, make_department, make_case, make_person, make_evidence):
    world = build_world(
        make_user,
        make_force,
        make_department,
        make_case,
        make_person,
        make_evidence,
        state="assessed",
    )
    mine = world.department
    recorder = world.extras["recorder"]
    sm = world.users["standards_manager"]
    for state in (
        "logged",
        "local_resolution",
        "referred_to_psd",
        "psd_investigation",
        "closed",
        "withdrawn",
    ):
        case = make_case(state, department=mine, recorder=sm if state == "logged" else recorder)
        if state in ("logged", "psd_investigation"):
            make_evidence(case)
    return world


ROLE_ORDER = ["standards_manager", "psd", "psd_head", "leadership", "admin"]  # admin last


def known_finding(where: str, error: str, data: str) -> str | None:
    """The open finding that explains this server error, if any."""
    for key, item in FINDINGS.items():
        if item.matches(where, error, data):
            return key
    return None


def test_fuzz_every_form_and_query(app: Flask, fuzz_world, backend: str, figures) -> None:
    """Targeted examples on every backend; Hypothesis's random examples on the first backend
    (on every backend with ASSURE_FULL=1)."""
    from conftest import BACKENDS

    examples = EXAMPLES if FULL or backend == BACKENDS[0] else 0
    tally = Tally()
    forms_fuzzed: set[str] = set()
    pages_fuzzed: set[str] = set()
    started = time.monotonic()
    for role in ROLE_ORDER:
        user = fuzz_world.users[role]
        client = signed_in_client(app, user)
        pages, forms = crawl(client)
        for form in forms:
            if form.action.startswith("/sign-out") or (
                role == "admin" and form.action.startswith(f"/admin/users/{user.id}")
            ):
                continue  # would end the fuzzing session or the fuzzing account
            key = form.key if not FULL else f"{role} {form.key}"
            if key in forms_fuzzed:
                continue  # the same form reached by another role (every role: ASSURE_FULL=1)
            fuzz_form(client, form, tally, examples)
            forms_fuzzed.add(key)
        for path in pages:
            key = pattern(path) if not FULL else f"{role} {pattern(path)}"
            if key in pages_fuzzed:
                continue
            fuzz_query(client, path, tally, max(3, examples // 5) if examples else 0)
            pages_fuzzed.add(key)
    anonymous = app.test_client()
    pages, forms = crawl(anonymous, "/sign-in")
    for form in forms:
        fuzz_form(anonymous, form, tally, examples)
        forms_fuzzed.add("anonymous " + form.key)
    unknown = [e for e in tally.errors if known_finding(*e) is None]
    known = [e for e in tally.errors if known_finding(*e) is not None]
    figures.add("fuzzing", "forms", len(forms_fuzzed), backend)
    figures.add("fuzzing", "pages_with_fuzzed_queries", len(pages_fuzzed), backend)
    figures.add("fuzzing", "examples", tally.examples, backend)
    figures.add("fuzzing", "examples_one_field_targeted", tally.targeted, backend)
    figures.add("fuzzing", "5xx", len(tally.errors), backend)
    figures.add("fuzzing", "5xx_from_open_findings", len(known), backend)
    figures.add("fuzzing", "seconds", int(time.monotonic() - started), backend)
    figures.set("fuzzing", "random_examples_per_form_first_database", EXAMPLES)
    for status, count in sorted(tally.statuses.items()):
        figures.add("fuzzing", f"status_{status}", count, backend)
    explained: dict[str, set[str]] = defaultdict(set)
    for where, error, data in known:
        explained[known_finding(where, error, data) or ""].add(where.split(" (")[0])
    for key, places in sorted(explained.items()):
        count = sum(1 for e in known if known_finding(*e) == key)
        figures.note(
            "fuzzing", f"{key} ({backend}): {count} server errors on " + ", ".join(sorted(places))
        )
    details = "\n".join(
        f"{where}: {error}\n    input {data}" for where, error, data in unknown[:15]
    )
    assert unknown == [], f"{len(unknown)} server errors:\n{details}"


# ---- regression tests for what the fuzzing found ------------------------------------------


@finding("F1")
@pytest.mark.parametrize("version", ["²", "⁵", "9" * 5000])
def test_version_field_of_odd_digits_is_refused_not_500(
    app: Flask, make_case, make_user, version: str
) -> None:
    app.config["PROPAGATE_UNEXPECTED"] = False
    logged = make_case("logged")
    referred = make_case("referred_to_psd", department=logged.department)
    psd = make_user("psd", forces=[logged.force])
    statuses = {}
    for user, case, action in (
        (logged.created_by, logged, "withdraw"),
        (logged.created_by, logged, "subjects/new"),
        (psd, referred, "psd_accept"),
    ):
        client = signed_in_client(app, user)
        path = f"/cases/{case.id}/{action}"
        response = client.post(
            path,
            data={
                "csrf_token": csrf(client, path),
                "version": version,
                "note": "Because.",
                "subject_role": "pcso",
                "subject_name": "Someone",
            },
        )
        statuses[action] = response.status_code
    assert all(status < 500 for status in statuses.values()), statuses


@finding("F2")
@pytest.mark.parametrize("where", ["case note", "force name", "case search", "audit filter"])
def test_nul_in_text_is_never_a_500_nor_stored(
    app: Flask, make_case, make_user, where: str, backend: str
) -> None:
    from sqlalchemy import select

    from casetrack.cases.models import CaseEvent
    from casetrack.extensions import db
    from casetrack.org.models import Force

    if backend == "sqlite" and where in ("case search", "audit filter"):
        pytest.skip("SQLite queries with a NUL; nothing is stored by a search")
    app.config["PROPAGATE_UNEXPECTED"] = False
    case = make_case("logged")
    if where == "case note":
        client = signed_in_client(app, case.created_by)
        path = f"/cases/{case.id}/withdraw"
        response = client.post(
            path,
            data={"csrf_token": csrf(client, path), "version": str(case.version), "note": "a\x00b"},
        )
    elif where == "force name":
        client = signed_in_client(app, make_user("admin", forces=[case.force]))
        path = f"/admin/forces/{case.force.id}"
        response = client.post(path, data={"csrf_token": csrf(client, path), "name": "W\x00MP"})
    elif where == "case search":
        client = signed_in_client(app, case.created_by)
        response = client.get("/cases", query_string={"q": "a\x00b"})
    else:
        client = signed_in_client(app, make_user("psd_head", forces=[case.force]))
        response = client.get("/audit", query_string={"actor": "a\x00b"})
    db.session.expire_all()
    stored = [n for n in db.session.scalars(select(CaseEvent.note)) if "\x00" in (n or "")]
    stored += [n for n in db.session.scalars(select(Force.name)) if "\x00" in n]
    assert response.status_code < 500 and stored == [], (response.status_code, stored)


@finding("F3")
@pytest.mark.parametrize("year", ["-1", "99999999999999999999"])
@pytest.mark.parametrize("path", ["/reports", "/reports/outcomes.csv"])
def test_report_year_outside_the_list_is_refused_not_500(
    app: Flask, make_user, path: str, year: str
) -> None:
    app.config["PROPAGATE_UNEXPECTED"] = False
    client = signed_in_client(app, make_user("leadership"))
    for basis in ("financial", "calendar"):
        response = client.get(path, query_string={"year": year, "basis": basis})
        assert response.status_code in (200, 400), (basis, response.status_code)


@finding("F5")
def test_many_posted_dates_are_refused_or_stored_not_500(
    app: Flask, make_user, make_department, backend: str
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite does not enforce VARCHAR lengths")
    from casetrack.timeutil import today

    app.config["PROPAGATE_UNEXPECTED"] = False
    department = make_department()
    user = make_user("standards_manager", departments=[department], forces=[department.force])
    client = signed_in_client(app, user)
    day = today()
    response = client.post(
        "/cases/new",
        data={
            "csrf_token": csrf(client, "/cases/new"),
            "received_date": [str(day.day), str(day.month), str(day.year)],
            "department": str(department.id),
            "case_type": "conduct_matter",
            "categories": ["other"],
            "summary": "Many posts.",
            "subject_name": "A Person",
            "subject_role": "pcso",
            "content_posted": "1/1/2020," * 44,
        },
    )
    assert response.status_code in (200, 302), response.status_code


@finding("F6")
def test_long_name_and_email_can_still_handle_evidence(
    app: Flask, make_user, make_department, make_case, backend: str
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite does not enforce VARCHAR lengths")
    import io

    from casetrack.timeutil import today

    from .helpers import PNG

    app.config["PROPAGATE_UNEXPECTED"] = False
    department = make_department()
    user = make_user(
        "standards_manager",
        departments=[department],
        forces=[department.force],
        name="N" * 120,
        email="e" * 64 + "@" + "d" * 60 + ".example.police.uk",
    )
    case = make_case("assessed", department=department, recorder=user)
    client = signed_in_client(app, user)
    path = f"/cases/{case.id}/evidence/new"
    day = today()
    response = client.post(
        path,
        data={
            "csrf_token": csrf(client, path),
            "files": [(io.BytesIO(PNG), "a.png")],
            "kind": "other",
            "captured_on": [str(day.day), str(day.month), str(day.year)],
            "captured_by": "Member of the public",
            "capture_method": "Screenshot",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.status_code
