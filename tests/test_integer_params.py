"""Security review finding 8: integers from the address bar never reach the database raw.

`/audit?before=99999999999999999999999` was a 500 (SQLite: OverflowError, the value does
not fit a 64-bit INTEGER). Every integer query parameter the app reads is fuzzed here with
in-range, huge, negative and non-numeric values (never a 500: a sane default or a clear
400 page), and every <int:…> path part is walked with values no database integer can hold
(always "Page not found").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from werkzeug.routing import IntegerConverter

from casetrack.audit.service import record
from casetrack.auth.permissions import Role, role_can
from casetrack.extensions import db
from conftest import AuthActions

HUGE = str(10**30)
JUST_TOO_BIG = str(2**63)  # one more than SQLite's INTEGER and PostgreSQL's bigint hold
LARGEST = str(2**63 - 1)
LARGEST_ID = str(2**31 - 1)  # ids are INTEGER: 32 bits on PostgreSQL
JUST_TOO_BIG_ID = str(2**31)
VALUES = [
    "1",
    "2",
    "3",
    "0",
    "-1",
    LARGEST,
    JUST_TOO_BIG,
    "9" * 19,
    HUGE,
    "-" + HUGE,
    "abc",
    "1.5",
    "1e3",
    "0x10",
    " 4 ",
    "",
    "\uff11",  # full-width 1
    "\u0663",  # Arabic-Indic 3: str.isdigit() says yes
]

# (role, path, the other query parameters, the integer parameter): every integer the app
# reads from a query string, found by reading the views and their GET forms.
QUERY_INTEGERS = [
    ("psd_head", "/audit", {}, "before"),
    ("standards_manager", "/cases", {}, "page"),
    ("psd", "/cases", {}, "page"),
    ("psd", "/cases", {}, "force"),
    ("standards_manager", "/cases", {}, "department"),
    ("leadership", "/reports", {}, "year"),
    ("leadership", "/reports", {"basis": "calendar"}, "year"),
    ("leadership", "/reports/outcomes.json", {}, "year"),
]
# Dates arrive as three integers under one name (day, month, year).
QUERY_DATES = [
    ("standards_manager", "/cases", {}, "received_from"),
    ("psd", "/cases", {}, "received_to"),
    ("leadership", "/reports", {"basis": "range", "date_to": ["31", "3", "2026"]}, "date_from"),
    ("leadership", "/reports", {"basis": "range", "date_from": ["1", "4", "2025"]}, "date_to"),
    ("psd_head", "/audit", {"date_to": ["31", "3", "2026"]}, "date_from"),
    ("psd_head", "/audit", {"date_from": ["1", "4", "2025"]}, "date_to"),
]
# Readers of integers that the lists above must cover (checked against the source below).
INTEGER_READERS = {
    "casetrack/audit/views.py": {"before"},
    "casetrack/cases/forms.py": {"page"},
    "casetrack/reports/forms.py": {"year"},
}


@pytest.fixture
def clients(app, make_user, make_department, make_force):
    """A signed-in client per role, all in one force with one department."""
    force = make_force("WMP")
    department = make_department("BIRM_E", force=force)
    result = {}
    for role in Role:
        user = make_user(
            role.value,
            forces=[force],
            departments=[department] if role is Role.STANDARDS_MANAGER else [],
        )
        actions = AuthActions(app.test_client())
        assert actions.sign_in(user.email).status_code == 302
        result[role.value] = actions
    return result


def _check(response, where: str) -> None:
    assert response.status_code in (200, 400), f"{where}: {response.status_code}"
    body = response.get_data(as_text=True)
    if response.status_code == 400:
        assert "There is a problem" in body or "problem with the request" in body, where


@pytest.mark.parametrize(("role", "path", "others", "name"), QUERY_INTEGERS)
def test_integer_query_parameters(clients, role, path, others, name) -> None:
    client = clients[role].client
    for value in VALUES:
        response = client.get(path, query_string={**others, name: value})
        _check(response, f"{path}?{name}={value!r}")


@pytest.mark.parametrize(("role", "path", "others", "name"), QUERY_DATES)
def test_date_query_parameters(clients, role, path, others, name) -> None:
    client = clients[role].client
    for part in range(3):
        for value in VALUES:
            parts = ["1", "4", "2025"]
            parts[part] = value
            response = client.get(path, query_string={**others, name: parts})
            _check(response, f"{path}?{name}={parts!r}")


def test_audit_before_pages_back_and_ignores_what_no_entry_has(app, clients) -> None:
    seqs = {}
    for n in range(1, 6):
        seqs[n] = record(f"probe_{n}").seq
    db.session.commit()
    client = clients["psd_head"].client
    older = client.get("/audit", query_string={"before": str(seqs[3])})
    assert older.status_code == 200

    def entries(response) -> str:  # the table (the "What happened" filter lists every action)
        return response.get_data(as_text=True).split('<tbody class="govuk-table__body">')[1]

    page = entries(older)
    assert "Probe 2" in page and "Probe 1" in page
    assert "Probe 3" not in page and "Probe 4" not in page and "Probe 5" not in page
    for value in (HUGE, JUST_TOO_BIG, "-" + HUGE, "-1", "0", "abc"):
        response = client.get("/audit", query_string={"before": value})
        assert response.status_code == 200, value
        assert "Probe 5" in entries(response), value  # newest first, as without


def test_integer_query_readers_are_all_fuzzed() -> None:
    """A new `type=int`, IntegerField or `coerce=int` in a GET view or form needs a row above."""
    root = Path(__file__).resolve().parent.parent
    fuzzed = {name for _, _, _, name in QUERY_INTEGERS}
    assert fuzzed >= set().union(*INTEGER_READERS.values())
    pattern = re.compile(r"(\w+)\s*=\s*(?:IntegerField\(|SelectField\([^)]*coerce=int)")
    for relative in ("casetrack/cases/forms.py", "casetrack/reports/forms.py"):
        found = set(pattern.findall((root / relative).read_text(encoding="utf-8")))
        assert found <= INTEGER_READERS[relative] | {"force", "department"}, (relative, found)
    for source in (root / "casetrack").rglob("views.py"):
        text = source.read_text(encoding="utf-8")
        for name in re.findall(r"args\.get\(\s*\"(\w+)\"[^)]*type=int", text):
            assert name in fuzzed, f"{source}: ?{name}= is read as an integer but not fuzzed"


# ---- integer path parts ----------------------------------------------------------------------

SENTINEL = 424242


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            yield rule


def _url(app, rule, value: str) -> str:
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = SENTINEL
        else:  # <any(…):action>: the first choice
            values[name] = sorted(getattr(converter, "items", None) or ["x"])[0]
    with app.test_request_context():
        from flask import url_for

        url = url_for(rule.endpoint, **values)
    return url.replace(str(SENTINEL), value)


# The roles tried for a route, in order: the first whose permission table grants the route's
# permission answers (so the route's own view would run, if the value reached it).
ROLE_ORDER = ["psd_head", "standards_manager", "psd", "leadership", "admin"]


def test_every_integer_path_part_too_big_for_the_database_is_not_found(app, clients) -> None:
    rules = list(_int_rules(app))
    assert len(rules) >= 15  # cases, evidence, retention, administration
    for rule in rules:
        permission = getattr(app.view_functions[rule.endpoint], "required_permission", None)
        role = next((r for r in ROLE_ORDER if role_can(r, permission)), "psd_head")
        actions = clients[role]
        token = actions.csrf_token("/")
        for value in (HUGE, JUST_TOO_BIG, JUST_TOO_BIG_ID, "9" * 40):
            url = _url(app, rule, value)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                data = {"csrf_token": token} if method == "POST" else None
                response = actions.client.open(url, method=method, data=data)
                where = f"{method} {url} as {role}"
                assert response.status_code == 404, f"{where}: {response.status_code}"
                assert "Page not found" in response.get_data(as_text=True), where


def test_largest_storable_id_is_simply_absent(app, clients) -> None:
    """2**31 - 1 fits an id column on both databases: the views' own "Page not found"."""
    for path in ("/cases/{}", "/evidence/{}", "/admin/users/{}", "/retention/{}"):
        role = "admin" if path.startswith("/admin") else "psd_head"
        response = clients[role].client.get(path.format(LARGEST_ID))
        assert response.status_code == 404, (path, response.status_code)
        assert "Page not found" in response.get_data(as_text=True), path
