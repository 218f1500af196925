"""Sessions and sign-in, as a matrix:

* replay: a copy of a signed-in cookie, after each event that must end it (sign-out,
  own password change, and an administrator's role, force, department, password-reset and
  deactivation changes) × each role as the victim × three probes (a GET of home, a GET of
  the role's own page, a POST with the CSRF token from the old session) — all refused; and
  the sessions the event must NOT end keep working.
* throttling: per account (from any address) and per address (for any account), never
  global: the neighbours of a throttled account or address still sign in.
* enumeration: unknown account, wrong password, deactivated account (right or wrong
  password), other letter case, must-change-password account — same status, same message,
  same page, same cookies, and the same password-hashing work.
* CSRF: every POST route in the url_map × missing, forged, another user's, an anonymous
  session's and an empty token — refused with the "could not be sent" page, nothing changed.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing.converters import AnyConverter

from casetrack.auth.access import PUBLIC
from casetrack.auth.permissions import Role, role_can

from .figures import FULL
from .findings import finding
from .helpers import CSRF_REFUSED, PASSWORD, csrf, finish_sign_in, signed_in_client
from .test_access_matrix import _state_fingerprint
from .world import build_world

COOKIE = "casetrack_session"
NEW_PASSWORD = "a different long passphrase 2026"
ROLE_PAGE = {
    "standards_manager": "/cases",
    "psd": "/cases",
    "psd_head": "/imports",
    "leadership": "/reports",
    "admin": "/admin/users",
}


def copy_cookie(app: Flask, source: Any) -> Any:
    """A second browser holding a copy of the first one's session cookie."""
    thief = app.test_client()
    cookie = source.get_cookie(COOKIE)
    assert cookie is not None
    thief.set_cookie(COOKIE, cookie.value)
    return thief


def refused_probes(client: Any, role: str, token: str) -> list[str]:
    """The probes a revoked session must fail: what got through, if anything."""
    through = []
    for method, path in (("GET", "/"), ("GET", ROLE_PAGE[role]), ("POST", "/account/password")):
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={"csrf_token": token, "current_password": "x"})
        location = response.headers.get("Location", "")
        if not (response.status_code == 302 and "/sign-in" in location):
            through.append(f"{method} {path} → {response.status_code} {location}")
    return through


def works(client: Any) -> bool:
    response = client.get("/")
    return response.status_code == 200


@pytest.fixture
def people(app, make_user, make_force, make_department):
    wmp, warks = make_force("WMP"), make_force("WARKS")
    mine = make_department("BIRM_E", force=wmp)
    other = make_department("COV", force=wmp)
    admin = make_user("admin", forces=[wmp], email="the.admin@example.police.uk")
    return {
        "wmp": wmp,
        "warks": warks,
        "mine": mine,
        "other": other,
        "admin": admin,
        "make_user": make_user,
    }


def _details(user: Any) -> dict[str, Any]:
    return {
        "name": user.name,
        "role": user.role,
        "forces": [f.id for f in user.forces],
        "departments": [d.id for d in user.departments],
        "staff_number": user.staff_number or "",
    }


EVENTS = [
    "sign_out",
    "password_change",
    "role_change",
    "forces_change",
    "departments_change",
    "password_reset",
    "deactivation",
]


def _apply(
    event: str, app: Flask, people: dict[str, Any], victim: Any, browser: Any, token: str
) -> list[Any] | None:
    """Make the event happen; return the victim's clients the event must NOT sign out."""
    admin = signed_in_client(app, people["admin"])
    detail = f"/admin/users/{victim.id}"
    if event == "sign_out":
        keeper = signed_in_client(app, victim)  # another browser of the same person
        assert browser.post("/sign-out", data={"csrf_token": token}).status_code == 302
        return [keeper]
    if event == "password_change":
        response = browser.post(
            "/account/password",
            data={
                "csrf_token": token,
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "confirm_password": NEW_PASSWORD,
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)[-300:]
        return [browser]  # the browser that changed it gets a fresh session
    if event == "deactivation":
        response = admin.post(f"{detail}/deactivate", data={"csrf_token": csrf(admin, detail)})
        assert response.status_code == 302
        return []
    if event == "password_reset":
        data = {"csrf_token": csrf(admin, f"{detail}/password")}
        if victim.role not in ("standards_manager", "psd", "psd_head"):
            data |= {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
        # a case-role account: the administrator only asks (SPEC §9.1); asking signs it out
        response = admin.post(f"{detail}/password", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[-300:]
        return []
    data = _details(victim)
    if event == "role_change":
        data["role"] = {
            "standards_manager": "psd",
            "psd": "psd_head",
            "psd_head": "psd",
            "leadership": "admin",
            "admin": "leadership",
        }[victim.role]
        if victim.role == "standards_manager":
            data["departments"] = []
    elif event == "forces_change":
        if victim.role in ("psd", "psd_head"):
            data["forces"] = [people["wmp"].id, people["warks"].id]
        elif victim.role == "standards_manager":
            return None  # a Standards Manager's force follows their departments
        else:
            data["forces"] = [people["warks"].id]
    elif event == "departments_change":
        if victim.role != "standards_manager":
            return None  # only Standards Managers have departments
        data["departments"] = [people["mine"].id, people["other"].id]
    response = admin.post(detail, data={**data, "csrf_token": csrf(admin, detail)})
    assert response.status_code == 302, response.get_data(as_text=True)[-400:]
    return []


def test_copied_cookie_dies_with_the_session(
    app: Flask, people, backend: str, figures, only_first_backend
) -> None:
    """Every event × every role as the victim × three probes, on one app."""
    through: list[str] = []
    lost: list[str] = []
    for event in EVENTS:
        for role in [r.value for r in Role]:
            victim = people["make_user"](
                role,
                forces=[people["wmp"]],
                departments=[people["mine"]] if role == "standards_manager" else [],
            )
            browser = signed_in_client(app, victim)
            token = csrf(browser, "/")
            thief = copy_cookie(app, browser)
            assert works(thief), "a copied cookie works until the session ends (precondition)"
            keepers = _apply(event, app, people, victim, browser, token)
            if keepers is None:
                continue  # the event does not apply to this role
            through += [f"{event}, {role}: {p}" for p in refused_probes(thief, role, token)]
            kept = [works(k) for k in keepers]
            lost += [f"{event}, {role}: a session it must not end" for ok in kept if not ok]
            figures.add("sessions", "replay_cases", 3, backend)
            figures.add("sessions", "sessions_kept_that_should_be", sum(kept), backend)
    figures.set("sessions", "replay_events", EVENTS)
    figures.add("sessions", "replay_accepted", len(through), backend)
    figures.add("sessions", "sessions_lost_that_should_not_be", len(lost), backend)
    assert through == []
    assert lost == []


# ---- throttling -----------------------------------------------------------------------------


def _attempt(app: Flask, email: str, password: str, address: str) -> Any:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    token = csrf(client, "/sign-in")
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})


def test_throttling_per_account_and_per_address_not_global(
    app: Flask, people, backend: str, figures
) -> None:
    make_user = people["make_user"]
    app.config.update(
        LOGIN_LIMIT_ACCOUNT="5 per 15 minutes", LOGIN_LIMIT_ADDRESS="30 per 15 minutes"
    )
    tag = backend[:2]
    victim = make_user("psd", email=f"victim.{tag}@example.police.uk", forces=[people["wmp"]])
    neighbour = make_user("psd", email=f"neighbour.{tag}@example.police.uk", forces=[people["wmp"]])
    other = make_user("psd", email=f"other.{tag}@example.police.uk", forces=[people["wmp"]])
    cases: list[tuple[str, bool, bool]] = []  # (what, expected throttled, was throttled)

    def check(what: str, response: Any, throttled: bool) -> None:
        cases.append((what, throttled, response.status_code == 429))

    a, b, c, d = (f"10.{n}.0.{1 if tag == 'sq' else 2}" for n in (1, 2, 3, 4))
    for _ in range(5):
        check(
            "wrong password below the account limit", _attempt(app, victim.email, "nope", a), False
        )
    check(
        "account limit reached: right password refused",
        _attempt(app, victim.email, PASSWORD, a),
        True,
    )
    check(
        "account limit applies from another address", _attempt(app, victim.email, PASSWORD, b), True
    )
    check(
        "another account from the same address", _attempt(app, neighbour.email, PASSWORD, a), False
    )
    for n in range(30):
        check(
            "failures for 30 different accounts",
            _attempt(app, f"nobody{n}.{tag}@example.police.uk", "nope", c),
            False,
        )
    check(
        "address limit reached: a real account refused",
        _attempt(app, other.email, PASSWORD, c),
        True,
    )
    check("the same account from another address", _attempt(app, other.email, PASSWORD, d), False)
    for _ in range(6):
        check(
            "successful sign-ins are not counted",
            _attempt(app, neighbour.email, PASSWORD, b),
            False,
        )
    throttled_page = _attempt(app, victim.email, PASSWORD, b).get_data(as_text=True)
    assert "Too many failed attempts" in throttled_page
    wrong = [what for what, expected, got in cases if expected != got]
    figures.add("sessions", "throttling_cases", len(cases), backend)
    figures.add("sessions", "throttling_wrong", len(wrong), backend)
    assert wrong == []


# ---- enumeration ------------------------------------------------------------------------------


def _normalised(page: str, email: str) -> str:
    page = re.sub(r'value="[^"]*"', 'value=""', page)
    page = re.sub(r'nonce="[^"]*"', 'nonce=""', page)
    return page.replace(email, "EMAIL").replace(email.strip().lower(), "EMAIL")


def test_no_user_enumeration(app: Flask, people, backend: str, figures, monkeypatch) -> None:
    from argon2 import PasswordHasher

    from casetrack.auth.service import set_active

    make_user = people["make_user"]
    known = make_user("psd", email="known.person@example.police.uk", forces=[people["wmp"]])
    gone = make_user("psd", email="gone.person@example.police.uk", forces=[people["wmp"]])
    fresh = make_user(
        "psd",
        email="fresh.person@example.police.uk",
        forces=[people["wmp"]],
        must_change_password=True,
    )
    from casetrack.extensions import db

    set_active(gone, False)
    db.session.commit()
    verifications = {"n": 0}
    real_verify = PasswordHasher.verify

    def counting(self: Any, hash_: Any, password: Any) -> Any:
        verifications["n"] += 1
        return real_verify(self, hash_, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    conditions = {
        "unknown account": ("nobody.here@example.police.uk", PASSWORD),
        "wrong password": (known.email, "wrong password entirely"),
        "deactivated, right password": (gone.email, PASSWORD),
        "deactivated, wrong password": (gone.email, "wrong password entirely"),
        "other letter case, wrong password": ("  Known.Person@Example.Police.UK ", "wrong"),
        "must change password, wrong password": (fresh.email, "wrong password entirely"),
    }
    seen = {}
    for name, (email, password) in conditions.items():
        verifications["n"] = 0
        response = _attempt(app, email, password, "10.9.9.9")
        seen[name] = (
            response.status_code,
            sorted(c.split("=")[0] for c in response.headers.getlist("Set-Cookie")),
            _normalised(response.get_data(as_text=True), email),
            verifications["n"] if password else "no password",
        )
    for name, email in (
        ("empty password, unknown account", "nobody.here@example.police.uk"),
        ("empty password, known account", known.email),
    ):
        response = _attempt(app, email, "", "10.9.9.9")
        seen[name] = (
            response.status_code,
            [],
            _normalised(response.get_data(as_text=True), email),
            "no password",
        )
    if seen["empty password, unknown account"] == seen["empty password, known account"]:
        seen.pop("empty password, known account")
    seen.pop("empty password, unknown account")
    reference = seen["unknown account"]
    different = [
        name
        for name, answer in seen.items()
        if answer[:3] != reference[:3] or (answer[3] != "no password" and answer[3] != reference[3])
    ]
    figures.add("sessions", "enumeration_conditions", len(conditions) + 2, backend)
    figures.add("sessions", "enumeration_differences", len(different), backend)
    assert reference[0] == 200 and "Enter a correct email address and password" in reference[2]
    assert reference[3] == 1, "an unknown account must cost one password verification too"
    assert different == [], {name: seen[name][:2] + (seen[name][3],) for name in different}


# ---- CSRF ------------------------------------------------------------------------------------


@pytest.fixture
def world(app, make_user, make_force, make_department, make_case, make_person, make_evidence):
    return build_world(
        make_user, make_force, make_department, make_case, make_person, make_evidence
    )


def _post_routes(app: Flask) -> list[tuple[Any, dict[str, str]]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()):
            continue
        values = [{}]
        for name, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):  # every value only with ASSURE_FULL=1
                items = sorted(converter.items) if FULL else sorted(converter.items)[:1]
                values = [{**v, name: item} for v in values for item in items]
        routes += [(rule, v) for v in values]
    return routes


def test_csrf_on_every_post_route(app: Flask, world, backend: str, figures) -> None:
    from conftest import rule_url

    routes = _post_routes(app)
    clients: dict[str, Any] = {}
    stranger = signed_in_client(app, world.target)
    stranger_token = csrf(stranger, "/")
    anonymous_token = csrf(app.test_client(), "/sign-in")
    wrong: list[str] = []
    checked = 0
    for rule, params in routes:
        permission = app.view_functions[rule.endpoint].required_permission
        roles = [r for r in world.users if permission != PUBLIC and role_can(r, permission)]
        role = roles[0] if roles else None
        if role is None:
            client = app.test_client()
        else:
            client = clients.get(role) or signed_in_client(app, world.users[role])
            clients[role] = client
        own = csrf(client, "/" if role else "/sign-in")
        url = rule_url(
            app,
            rule,
            {
                "user_id": world.target.id,
                "force_id": world.force.id,
                "department_id": world.department.id,
                "case_id": world.cases["own_department"].id,
                "item_id": world.items["own_department"].id,
                "link_id": 1,  # refused before any link or person is looked up
                "person_id": 1,
                "investigation_id": world.cases["own_department"].investigations[0].id,
                **params,
            },
        )
        for variant, token in (
            ("missing", None),
            ("forged", "forged"),
            ("empty", ""),
            ("another user's", stranger_token),
            ("anonymous session's", anonymous_token),
            ("own token altered", own[:-2] + ("AA" if own[-2:] != "AA" else "BB")),
        ):
            if role is None and variant == "anonymous session's":
                continue  # for a signed-out browser that is its own token
            before = _state_fingerprint()
            data = {
                "email": world.users["psd"].email,
                "password": PASSWORD,
                "name": "X",
                "reason": "x",
                "note": "x",
            }
            if token is not None:
                data["csrf_token"] = token
            response = client.post(url, data=data)
            checked += 1
            body = response.get_data(as_text=True)
            if not (response.status_code == 400 and CSRF_REFUSED in body):
                wrong.append(
                    f"{rule.rule} {params} as {role} with {variant} token → {response.status_code}"
                )
            elif _state_fingerprint() != before:
                wrong.append(f"{rule.rule} {params} with {variant} token changed data")
        assert client.get("/" if role else "/sign-in").status_code == 200
    figures.add("sessions", "csrf_cases", checked, backend)
    figures.add("sessions", "csrf_post_routes", len({r.rule for r, _ in routes}), backend)
    figures.add("sessions", "csrf_accepted", len(wrong), backend)
    assert wrong == []


# ---- redirects after sign-in ------------------------------------------------------------------

NEXT_TARGETS = [
    "//evil.example/x",
    "https://evil.example/",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%5Cevil.example",
    "/%2F/evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/./\t/evil.example",
    "/cases?x=//evil.example",
    "/%09/evil.example",
]


def browser_target(location: str, base: str = "https://casetrack.example/sign-in") -> str:
    """Where a browser would go for this Location header (WHATWG URL parsing: tab and newline
    removed, leading/trailing control characters and spaces trimmed, \\ read as /)."""
    from urllib.parse import urljoin, urlsplit

    cleaned = location.strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f"
        "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "
    )
    cleaned = cleaned.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    return urlsplit(urljoin(base, cleaned)).netloc


def test_sign_in_never_redirects_off_site(
    app: Flask, people, backend: str, figures, only_first_backend
) -> None:
    app.config["PROPAGATE_UNEXPECTED"] = False
    user = people["make_user"]("psd", forces=[people["wmp"]])
    off_site = []
    for target in NEXT_TARGETS:
        client = app.test_client()
        token = csrf(client, "/sign-in")
        response = client.post(
            "/sign-in",
            query_string={"next": target},
            data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        )
        response = finish_sign_in(client, response, user.email)  # where it goes after both
        location = response.headers.get("Location", "")
        if response.status_code != 302 or browser_target(location) != "casetrack.example":
            off_site.append(
                (target, f"next={target!r} → {response.status_code} Location {location!r}")
            )
    known = [text for target, text in off_site if target in F4_TARGETS]
    unknown = [text for target, text in off_site if target not in F4_TARGETS]
    figures.add("sessions", "redirect_targets_tried", len(NEXT_TARGETS), backend)
    figures.add("sessions", "redirects_off_site_or_500", len(off_site), backend)
    for text in known:
        figures.note("sessions", f"F4: {text}")
    assert unknown == [], "\n".join(unknown)


F4_TARGETS = ["/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example"]


@finding("F4")
@pytest.mark.parametrize("target", F4_TARGETS)
def test_control_characters_in_next_are_refused(app: Flask, people, target: str) -> None:
    app.config["PROPAGATE_UNEXPECTED"] = False
    user = people["make_user"]("psd", forces=[people["wmp"]])
    client = app.test_client()
    response = client.post(
        "/sign-in",
        query_string={"next": target},
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf(client, "/sign-in")},
    )
    response = finish_sign_in(client, response, user.email)
    assert response.status_code == 302
    assert browser_target(response.headers["Location"]) == "casetrack.example"
