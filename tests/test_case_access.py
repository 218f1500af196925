"""Who sees which case (SPEC §1): departments, forces, restricted cases, conflict of interest.

Expectations come from the relationship, not from a per-route list: every case route is
tried by every role against cases in each relationship to them.
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from casetrack.auth.permissions import Permission, can, role_can
from casetrack.cases.access import visible_cases
from casetrack.cases.models import Case
from casetrack.extensions import db
from conftest import AuthActions, rule_url

ROLES = ["standards_manager", "psd", "psd_head", "leadership", "admin"]


@pytest.fixture
def world(app, make_user, make_force, make_department, make_case, make_person):
    """Users of every role in WMP/BIRM_E, and cases in each relationship to them."""
    wmp, warks = make_force("WMP"), make_force("WARKS")
    mine, other = make_department("BIRM_E", force=wmp), make_department("COV", force=wmp)
    elsewhere = make_department("NWARKS", force=warks)
    users = {
        role: make_user(
            role,
            forces=[wmp],
            departments=[mine] if role == "standards_manager" else [],
            staff_number=f"OWN-{role}",
        )
        for role in ROLES
    }
    recorder = make_user("standards_manager", forces=[wmp], departments=[mine])
    cases = {
        "own_department": make_case("referred_to_psd", department=mine, recorder=recorder),
        "other_department": make_case("referred_to_psd", department=other),
        "other_force": make_case("referred_to_psd", department=elsewhere),
        "restricted": make_case(
            "referred_to_psd", department=mine, recorder=recorder, restricted=True
        ),
    }
    for role in ROLES:
        cases[f"subject:{role}"] = make_case(
            "referred_to_psd",
            department=mine,
            recorder=recorder,
            subjects=[make_person(wmp, staff_number=f"OWN-{role}")],
        )
    return users, cases


def expected_visible(role: str, relationship: str) -> bool:
    if relationship.startswith("subject:"):
        return relationship != f"subject:{role}" and expected_visible(role, "own_department")
    return {
        "standards_manager": relationship == "own_department",
        "psd": relationship in ("own_department", "other_department"),
        "psd_head": relationship in ("own_department", "other_department", "restricted"),
    }.get(role, False)


def test_visibility_python_and_sql_agree_with_the_spec(app, world) -> None:
    users, cases = world
    for role, user in users.items():
        visible_ids = set(db.session.scalars(select(Case.id).where(visible_cases(user))))
        for relationship, case in cases.items():
            expected = expected_visible(role, relationship)
            assert can(user, Permission.CASE_VIEW, case) is expected, (role, relationship)
            assert (case.id in visible_ids) is expected, (role, relationship)


def _case_rules(app: Flask):
    return [
        r
        for r in app.url_map.iter_rules()
        if "case_id" in r.arguments and "GET" in (r.methods or ())
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_case_route_for_every_relationship(app, world, role) -> None:
    users, cases = world
    actions = AuthActions(app.test_client())
    assert actions.sign_in(users[role].email).status_code == 302
    wrong = []
    for rule in _case_rules(app):
        for relationship, case in cases.items():
            url = rule_url(app, rule, {"case_id": case.id, "action": "psd_accept"})
            response = actions.client.get(url)
            body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            denied = response.status_code == 404 or (
                response.status_code == 403 and "You do not have access" in body
            )
            permission = app.view_functions[rule.endpoint].required_permission
            expected = role_can(role, permission) and expected_visible(role, relationship)
            if rule.endpoint == "retention.decide":
                expected = False  # that page exists only for closed cases past retention
            if denied == expected:
                wrong.append(f"{url} [{relationship}] → {response.status_code}")
            if denied:
                assert case.reference not in body and case.summary not in body
    assert wrong == []


def test_refused_view_is_audited_without_revealing(app, world) -> None:
    users, cases = world
    actions = AuthActions(app.test_client())
    actions.sign_in(users["standards_manager"].email)
    response = actions.client.get(f"/cases/{cases['other_department'].id}")
    assert response.status_code == 404
    from casetrack.audit.models import AuditEvent

    refused = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "case_access_refused")
    )
    assert refused.object_id == str(cases["other_department"].id)


@pytest.mark.parametrize("role", ROLES)
def test_case_list_shows_only_visible_cases(app, world, role) -> None:
    users, cases = world
    actions = AuthActions(app.test_client())
    actions.sign_in(users[role].email)
    response = actions.client.get("/cases")
    if role in ("leadership", "admin"):
        assert response.status_code == 403
        return
    body = response.get_data(as_text=True)
    for relationship, case in cases.items():
        assert (case.reference in body) is expected_visible(role, relationship), relationship


def test_subject_cannot_be_assigned(app, world) -> None:
    from casetrack.cases.service import psd_colleagues

    users, cases = world
    assert users["psd"] not in psd_colleagues(cases["subject:psd"])
    assert users["psd"] in psd_colleagues(cases["own_department"])


def test_restricted_case_named_user(app, world) -> None:
    users, cases = world
    restricted = cases["restricted"]
    assert can(restricted.created_by, Permission.CASE_VIEW, restricted)  # the recorder
    assert not can(users["standards_manager"], Permission.CASE_VIEW, restricted)
    restricted.named_users.append(users["psd"])
    db.session.commit()
    assert can(users["psd"], Permission.CASE_VIEW, restricted)
    assert restricted.id in set(
        db.session.scalars(select(Case.id).where(visible_cases(users["psd"])))
    )


def test_leadership_and_admin_never_see_case_content(app, world) -> None:
    users, cases = world
    for role in ("leadership", "admin"):
        actions = AuthActions(app.test_client())
        actions.sign_in(users[role].email)
        home = actions.client.get("/").get_data(as_text=True)
        for case in cases.values():
            assert case.reference not in home and case.summary not in home
            assert actions.client.get(f"/cases/{case.id}").status_code == 403
