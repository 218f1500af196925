"""Access matrix: every route in app.url_map × every method × every role (and anonymous) ×
every object relationship. Expected allow/deny is derived, never listed per route:

  allowed  ⇔  the route is public
           or (signed in  and  the role may use the route (tests/access_oracle.py ROUTE_ROLES,
               written by hand from SPEC §1 and §9.1 — not the permission table)
               and the object, if the route has one, is visible to the role under SPEC §1
               and no object-state rule refuses it: withdrawn evidence is never previewed,
               and only closed cases past the retention period have a retention decision)

A route's objects come from its URL parameters: `case_id` takes a case, and `item_id` an
evidence item, in each relationship to the user; `any(...)` parameters (workflow actions,
report formats) take every value they accept. POSTs carry a valid CSRF token, so the only
reasons left to refuse them are permissions and relationships; a refused POST must change
nothing. A refused case or item must not reveal its reference, summary or file.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.routing.converters import AnyConverter

from access_oracle import PUBLIC_ROUTES, ROUTE_ROLES
from casetrack.auth.permissions import Role

from .figures import FULL
from .helpers import csrf, denied, signed_in_client, text_of
from .world import CASE_RELATIONSHIPS, ITEM_RELATIONSHIPS, build_world, expected_visible

ROLES: list[str | None] = [None, *[role.value for role in Role]]


@dataclass(frozen=True)
class Cell:
    endpoint: str
    rule: Any
    method: str
    relationship: str | None
    values: tuple[tuple[str, str], ...]  # the `any(...)` parameters

    @property
    def label(self) -> str:
        extra = ",".join(f"{k}={v}" for k, v in self.values)
        return f"{self.method} {self.rule.rule} [{self.relationship or '-'}] {extra}"


def cells(app: Flask, share: int | None = None) -> list[Cell]:
    """Every (route, method, relationship, parameter value) the url_map allows.

    With `share` (the default run), each role takes every third value of an `any(...)`
    parameter, starting at its own position, so every value is still tried by two roles;
    ASSURE_FULL=1 tries every value with every role.
    """
    result = []
    for rule in app.url_map.iter_rules():
        choices: list[list[tuple[str, str]]] = []
        for name, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):
                values = sorted(converter.items)
                if share is not None:
                    values = [x for j, x in enumerate(values) if (j - share) % 3 == 0]
                choices.append([(name, item) for item in values])
        if "case_id" in rule.arguments:
            relationships: list[str | None] = list(CASE_RELATIONSHIPS)
        elif "item_id" in rule.arguments:
            relationships = list(ITEM_RELATIONSHIPS)
        else:
            relationships = [None]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            for relationship in relationships:
                for values in itertools.product(*choices) if choices else [()]:
                    result.append(Cell(rule.endpoint, rule, method, relationship, tuple(values)))
    # Sign-out last: it ends the session the rest of the row uses.
    return sorted(result, key=lambda c: (c.endpoint == "auth.sign_out", c.endpoint, c.label))


def expected_allowed(app: Flask, role: str | None, cell: Cell) -> bool:
    if cell.endpoint in PUBLIC_ROUTES:
        refused_by_state = STATE_RULES.get(cell.endpoint)
        return not (refused_by_state and refused_by_state(cell))
    assert cell.endpoint in ROUTE_ROLES, f"add {cell.endpoint} to tests/access_oracle.py"
    if role is None or role not in ROUTE_ROLES[cell.endpoint]:
        return False
    if cell.relationship is not None and not expected_visible(role, cell.relationship):
        return False
    refused_by_state = STATE_RULES.get(cell.endpoint)
    return not (refused_by_state and refused_by_state(cell))


# Object-state rules (not permissions): the only places where a visible object is refused.
STATE_RULES = {
    # withdrawn evidence is kept, but never shown inline
    "evidence.preview": lambda cell: cell.relationship == "withdrawn",
    # a retention decision exists only for closed cases past the retention period; the
    # world's cases are all open
    "retention.decide": lambda cell: True,
    # a decision page exists only for an account with a request the head may decide; the
    # world has none
    "approvals.decide": lambda cell: True,
    # removing a link needs a link; the world has none (tests/test_casework.py removes real ones)
    "casework.unlink": lambda cell: True,
    # reviews and list reports exist only after certain outcomes; the world has none
    "proceedings.review": lambda cell: True,
    "proceedings.list_report": lambda cell: True,
    # sign-in through the force's provider exists only when one is configured; the world has
    # none (tests/test_oidc.py signs in through a real one)
    "oidc.start": lambda cell: True,
    "oidc.callback": lambda cell: True,
}


def _state_fingerprint() -> tuple:
    """Everything a refused POST could have changed."""
    from casetrack.auth.models import User
    from casetrack.cases.models import (
        Case,
        CaseCorrection,
        CaseEvent,
        CaseLink,
        CaseNote,
        Investigation,
    )
    from casetrack.evidence.models import EvidenceCorrection, EvidenceItem
    from casetrack.extensions import db
    from casetrack.org.models import Department, Force

    def count(model: Any) -> int:
        return db.session.scalar(select(func.count()).select_from(model))

    db.session.expire_all()
    return (
        tuple(db.session.execute(select(Case.id, Case.version, Case.state).order_by(Case.id))),
        count(CaseEvent),
        count(CaseCorrection),
        count(CaseNote),
        count(CaseLink),
        count(Investigation),
        count(EvidenceItem),
        count(EvidenceCorrection),
        db.session.scalar(select(func.count()).where(EvidenceItem.withdrawn.is_(True))),
        tuple(
            db.session.execute(
                select(User.id, User.name, User.role, User.active, User.password_hash).order_by(
                    User.id
                )
            )
        ),
        tuple(db.session.execute(select(Force.id, Force.name).order_by(Force.id))),
        tuple(db.session.execute(select(Department.id, Department.name).order_by(Department.id))),
    )


def _url(app: Flask, world: Any, role: str | None, cell: Cell) -> str:
    from conftest import rule_url

    values: dict[str, Any] = {
        "user_id": world.target.id,
        "force_id": world.force.id,
        "department_id": world.department.id,
        "filename": "dist/casetrack.css",
        "person_id": world.case_for(role, "own_department").investigations[0].person_id,
        "link_id": 0,  # no such link: removing real links is tests/test_casework.py
        "list_format": "csv",
        **dict(cell.values),
    }
    if "case_id" in cell.rule.arguments:
        values["case_id"] = world.case_for(role, cell.relationship).id
    if "item_id" in cell.rule.arguments:
        values["item_id"] = world.item_for(role, cell.relationship).id
    if "investigation_id" in cell.rule.arguments:
        values["investigation_id"] = world.case_for(role, cell.relationship).investigations[0].id
    missing = [a for a in cell.rule.arguments if a not in values]
    assert not missing, f"the access matrix needs a sample value for {missing} ({cell.endpoint})"
    return rule_url(app, cell.rule, values)


@pytest.fixture
def world(app, make_user, make_force, make_department, make_case, make_person, make_evidence):
    return build_world(
        make_user, make_force, make_department, make_case, make_person, make_evidence
    )


def test_access_matrix(app: Flask, world, backend: str, figures, only_first_backend) -> None:
    """Every role (and anonymous) against every cell; one world for all of them."""
    failures: list[str] = []
    for role in ROLES:
        failures += _role_row(app, world, role, backend, figures)
    figures.set("access", "roles", ["anonymous", *[r for r in ROLES if r]])
    figures.set("access", "relationships", ITEM_RELATIONSHIPS)
    figures.set("access", "state_rules", sorted(STATE_RULES))
    assert failures == [], "\n".join(failures[:40])


def _role_row(app: Flask, world: Any, role: str | None, backend: str, figures: Any) -> list[str]:
    all_cells = cells(app, None if FULL else ROLES.index(role))
    user = world.users[role] if role else None
    client = signed_in_client(app, user) if user else app.test_client()
    token = csrf(client, "/" if user else "/sign-in")
    unexpected_allows: list[str] = []
    unexpected_denies: list[str] = []
    leaks: list[str] = []
    server_errors: list[str] = []
    changed: list[str] = []
    for cell in all_cells:
        url = _url(app, world, role, cell)
        expected = expected_allowed(app, role, cell)
        before = _state_fingerprint() if cell.method != "GET" and not expected else None
        if cell.method == "GET":
            response = client.get(url)
        else:
            response = client.open(url, method=cell.method, data={"csrf_token": token})
        response.close()
        refused = denied(response)
        if response.status_code >= 500:
            server_errors.append(f"{cell.label} → {response.status_code}")
        if expected and refused:
            unexpected_denies.append(f"{cell.label} → {response.status_code}")
        if not expected and not refused:
            unexpected_allows.append(f"{cell.label} → {response.status_code}")
        if refused and cell.relationship is not None:
            body = text_of(response)
            case = world.case_for(role, cell.relationship)
            secrets = [case.reference, case.summary]
            if "item_id" in cell.rule.arguments:
                item = world.item_for(role, cell.relationship)
                secrets += [item.sha256, item.original_filename]
            leaks += [f"{cell.label} reveals {s[:30]!r}" for s in secrets if s in body]
        if before is not None and _state_fingerprint() != before:
            changed.append(cell.label)
        if cell.endpoint == "auth.sign_out" and user is not None:
            client = signed_in_client(app, user)
            token = csrf(client, "/")
    expected_denials = sum(not expected_allowed(app, role, c) for c in all_cells)
    figures.add("access", "cells", len(all_cells), backend)
    figures.add("access", "expected_denials", expected_denials, backend)
    figures.add("access", "expected_allows", len(all_cells) - expected_denials, backend)
    figures.add("access", "unexpected_allows", len(unexpected_allows), backend)
    figures.add("access", "unexpected_denials", len(unexpected_denies), backend)
    figures.add("access", "refusals_revealing_the_object", len(leaks), backend)
    figures.add("access", "refused_posts_that_changed_data", len(changed), backend)
    figures.add("access", "5xx", len(server_errors), backend)
    figures.set("access", "routes", len({c.rule.rule for c in all_cells}))
    who = role or "anonymous"
    return (
        [f"{who}: unexpected allow {x}" for x in unexpected_allows]
        + [f"{who}: {x}" for x in leaks]
        + [f"{who}: refused POST changed data: {x}" for x in changed]
        + [f"{who}: 5xx {x}" for x in server_errors]
        + [f"{who}: unexpected denial {x}" for x in unexpected_denies]
    )


def test_visibility_rule_agrees_in_python_and_sql(app: Flask, world, backend: str, figures):
    """The case list (SQL) and the object rule (Python) give the same answer in every cell."""
    from casetrack.auth.permissions import Permission, can
    from casetrack.cases.access import visible_cases
    from casetrack.cases.models import Case
    from casetrack.evidence.models import EvidenceItem
    from casetrack.extensions import db

    wrong = []
    checked = 0
    for role, user in world.users.items():
        visible = set(db.session.scalars(select(Case.id).where(visible_cases(user))))
        for relationship in CASE_RELATIONSHIPS:
            case = world.case_for(role, relationship)
            expected = expected_visible(role, relationship) and role in ROUTE_ROLES["cases.detail"]
            for answer, source in (
                (can(user, Permission.CASE_VIEW, case), "python"),
                (case.id in visible, "sql"),
            ):
                checked += 1
                if answer is not expected:
                    wrong.append(f"{role} {relationship} {source}: {answer}")
        item = world.items["withdrawn"]
        assert db.session.get(EvidenceItem, item.id).withdrawn
    figures.add("access", "visibility_rule_checks_python_and_sql", checked, backend)
    assert wrong == []
