"""Deny by default: every route declares a permission, and every role is checked against it.

The expectations come from tests/access_oracle.py, written by hand from SPEC §1 and §9.1 —
never from the permission table under test. A new route fails here until it is added there.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from access_oracle import PUBLIC_ROUTES, ROUTE_ROLES
from casetrack.auth.access import PUBLIC
from casetrack.auth.permissions import Permission, Role


def _routes(app: Flask) -> list[Any]:
    return [rule for rule in app.url_map.iter_rules()]


def test_every_route_declares_a_permission(app: Flask) -> None:
    undeclared = [
        rule.endpoint
        for rule in _routes(app)
        if not isinstance(
            getattr(app.view_functions[rule.endpoint], "required_permission", None),
            (Permission, str),
        )
    ]
    assert undeclared == []


def test_public_routes_are_the_expected_few(app: Flask) -> None:
    public = sorted(
        rule.endpoint
        for rule in _routes(app)
        if app.view_functions[rule.endpoint].required_permission == PUBLIC
    )
    assert public == sorted(PUBLIC_ROUTES)


def test_an_undeclared_route_is_refused(app: Flask, signed_in) -> None:
    app.add_url_rule("/undeclared", "undeclared", lambda: "open")
    client = app.test_client()
    assert client.get("/undeclared").status_code == 403


@pytest.fixture
def sample_values(
    app: Flask, make_user, make_force, make_department, make_case, make_evidence
) -> dict[str, Any]:
    """A real object for every URL parameter name used by any route."""
    force = make_force("WMP")
    department = make_department("BIRM_E", force=force)
    target = make_user("psd", email="target@example.police.uk")
    case = make_case("assessed", department=department)
    return {
        "user_id": target.id,
        "force_id": force.id,
        "department_id": department.id,
        "filename": "dist/casetrack.css",
        "case_id": case.id,
        "action": "refer_to_psd",
        "fmt": "json",
        "list_format": "ods",
        "item_id": make_evidence(case).id,
        "person_id": case.investigations[0].person_id,
        "link_id": 1,
        "investigation_id": case.investigations[0].id,
    }


def _text(response: Any) -> str:
    return response.get_data(as_text=True) if response.mimetype == "text/html" else ""


ROLES: list[str | None] = [None, *[role.value for role in Role]]


def _matrix(app: Flask) -> list[tuple[str, str, str]]:
    cells = []
    for rule in _routes(app):
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            cells.append((rule.endpoint, rule.rule, method))
    return cells


@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_role_route_matrix(app: Flask, role: str | None, sample_values, make_user, auth) -> None:
    """Every role × every route × every method: allowed exactly when the table says so."""
    from flask.testing import FlaskClient

    from conftest import AuthActions, rule_url

    unexpected: list[str] = []
    for endpoint, rule_text, method in _matrix(app):
        rule = next(r for r in app.url_map.iter_rules(endpoint) if r.rule == rule_text)
        missing = [arg for arg in rule.arguments if arg not in sample_values]
        assert not missing, f"add a sample value for {missing} ({endpoint})"
        url = rule_url(app, rule, sample_values)
        client: FlaskClient = app.test_client()
        actions = AuthActions(client)
        if role is not None:
            user = make_user(role)
            assert actions.sign_in(user.email).status_code == 302
        token = actions.csrf_token("/" if role else "/sign-in")
        if method == "GET":
            response = client.get(url)
        else:
            response = client.open(url, method=method, data={"csrf_token": token})
        response.close()
        if endpoint in PUBLIC_ROUTES:
            expected_allowed = True
        else:
            assert endpoint in ROUTE_ROLES, f"add {endpoint} to tests/access_oracle.py"
            expected_allowed = role is not None and role in ROUTE_ROLES[endpoint]
        # Refused by the route's permission: the access-denied page for a signed-in user, or
        # sent to sign in (with ?next=). A workflow refusal ("not your turn") is a different
        # page, tested with the workflow.
        refused = (
            response.status_code == 403 and "You do not have access to this page" in _text(response)
        ) or (response.status_code == 302 and "/sign-in?next=" in response.headers["Location"])
        if expected_allowed == refused:
            heading = _text(response).split('govuk-heading-l">')[-1][:60]
            unexpected.append(
                f"{method} {url} ({endpoint}) → {response.status_code} {heading}, "
                f"expected {'allowed' if expected_allowed else 'refused'}"
            )
    assert unexpected == []
