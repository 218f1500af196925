"""Who sees and acts on which case (SPEC §1, §9.1): departments, forces, restricted cases,
conflict of interest, and whose turn it is.

Expectations come from tests/access_oracle.py, written by hand from the SPEC — never from the
permission table or the rule under test: every case route is tried by every role against
cases in each relationship and state.
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from access_oracle import RELATIONSHIPS, ROUTE_ROLES, STATES, allowed
from casetrack.audit.models import AuditEvent
from casetrack.auth.permissions import Permission, can
from casetrack.cases.access import visible_cases
from casetrack.cases.models import Case
from casetrack.evidence.models import EvidenceItem
from casetrack.extensions import db
from conftest import AuthActions, advance, psd_head_of, rule_url

ROLES = ["standards_manager", "psd", "psd_head", "leadership", "admin"]
OWN_NUMBER = {role: f"OWN{n}" for n, role in enumerate(ROLES, start=1)}

KIND_PERMISSION = {
    "view": Permission.CASE_VIEW,
    "act_sm": Permission.CASE_ASSESS,
    "act_psd": Permission.CASE_PSD,
    "evidence": Permission.EVIDENCE_ADD,
    "retention": Permission.RETENTION_DECIDE,
    "correct": Permission.CASE_CORRECT,
    "note": Permission.NOTE_ADD,
    "note_psd": Permission.NOTES_PSD,
    "link": Permission.CASE_LINK,
    "restrict": Permission.RESTRICTED_CASES,
    "task": Permission.TASK_ADD,
}
# What each case or evidence page is about (its kind of access in the oracle).
PAGE_KIND = {
    "cases.detail": "view",
    "cases.act": "view",  # the action page itself; who may take it is the workflow's test
    "cases.add_subject": "act_sm",
    "evidence.export": "view",
    "evidence.item": "view",
    "evidence.download": "view",
    "evidence.preview": "view",
    "evidence.upload": "evidence",
    "evidence.correct": "evidence",
    "evidence.withdraw": "evidence",
    "retention.decide": "retention",
    "casework.correct": "correct",
    "casework.add_note": "note",
    "casework.link": "link",
    "casework.unlink": "link",  # of a link that does not exist: see below
    "casework.access": "restrict",
    "proceedings.subject": "proceedings",
    "proceedings.review": "view",  # of a review that does not exist: see below
    "proceedings.list_report": "view",  # likewise
    "casepack.download": "view",  # §12: the pack holds nothing the case page does not
    "queues.add_task": "task",  # §13
}


@pytest.fixture
def world(app, make_user, make_force, make_department, make_case, make_person, make_evidence):
    """Users of every role in WMP/BIRM_E, and a case in each relationship and state to them
    (each with one evidence item). Returns (users, cases keyed by (role, relationship,
    state))."""
    wmp, warks = make_force("WMP"), make_force("WARKS")
    mine, other = make_department("BIRM_E", force=wmp), make_department("COV", force=wmp)
    elsewhere = make_department("NWARKS", force=warks)
    users = {
        role: make_user(
            role,
            forces=[wmp],
            departments=[mine] if role == "standards_manager" else [],
            staff_number=OWN_NUMBER[role],
        )
        for role in ROLES
    }
    recorder = make_user("standards_manager", forces=[wmp], departments=[mine])
    where = {
        "own_department": mine,
        "other_department": other,
        "other_force": elsewhere,
        "restricted_named": mine,
        "restricted_unnamed": mine,
    }

    def build(relationship: str, state: str, subjects=None) -> Case:
        department = where.get(relationship, mine)
        case = make_case(
            "logged",
            department=department,
            recorder=recorder if department is mine else None,
            restricted=relationship.startswith("restricted"),
            subjects=subjects,
        )
        make_evidence(case)  # added while the case is with its Standards Manager
        if relationship == "restricted_named":
            case.named_users.extend(users.values())
            db.session.commit()
        return advance(case, state, case.created_by, psd_head_of(case.force))

    cases = {}
    for state in STATES:
        for relationship in RELATIONSHIPS:
            if relationship == "subject":
                for role in ROLES:
                    person = make_person(wmp, staff_number=OWN_NUMBER[role])
                    cases[role, "subject", state] = build("subject", state, [person])
            else:
                case = build(relationship, state)
                for role in ROLES:
                    cases[role, relationship, state] = case
    return users, cases


def _cells():
    return [(r, s) for r in RELATIONSHIPS for s in STATES]


def test_object_rules_python_and_sql_agree_with_the_oracle(app, world) -> None:
    users, cases = world
    wrong = []
    for role, user in users.items():
        visible_ids = set(db.session.scalars(select(Case.id).where(visible_cases(user))))
        for relationship, state in _cells():
            case = cases[role, relationship, state]
            assert case.state == state
            for kind, permission in KIND_PERMISSION.items():
                expected = allowed(role, kind, relationship, state)
                if can(user, permission, case) is not expected:
                    wrong.append(f"{role} {kind} {relationship}/{state}: expected {expected}")
            if (case.id in visible_ids) is not allowed(role, "view", relationship, state):
                wrong.append(f"{role} list {relationship}/{state}")
    assert wrong == []


def _case_and_item_rules(app: Flask):
    return [
        r
        for r in app.url_map.iter_rules()
        if ("case_id" in r.arguments or "item_id" in r.arguments) and "GET" in (r.methods or ())
    ]


def _viewed_entries(object_type: str, object_id: int) -> int:
    return len(
        db.session.scalars(
            select(AuditEvent.id).where(
                AuditEvent.object_type == object_type,
                AuditEvent.object_id == str(object_id),
                AuditEvent.action.in_(["case_viewed", "evidence_viewed"]),
            )
        ).all()
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_case_route_for_every_relationship(app, world, role) -> None:
    """Every GET page of a case or evidence item, for this role, against every case: reached
    or refused as the oracle says, never revealing a refused case, and every page shown is an
    audit entry (finding 4 of issue 12)."""
    users, cases = world
    actions = AuthActions(app.test_client())
    assert actions.sign_in(users[role].email).status_code == 302
    wrong = []
    for rule in _case_and_item_rules(app):
        assert rule.endpoint in PAGE_KIND, f"add {rule.endpoint} to PAGE_KIND and the oracle"
        kind = PAGE_KIND[rule.endpoint]
        for relationship, state in _cells():
            case = cases[role, relationship, state]
            item = db.session.scalar(select(EvidenceItem).where(EvidenceItem.case_id == case.id))
            url = rule_url(
                app,
                rule,
                {
                    "case_id": case.id,
                    "item_id": item.id,
                    "action": "psd_accept",
                    "link_id": 0,
                    "investigation_id": case.investigations[0].id,
                },
            )
            subject = ("evidence", item.id) if "item_id" in rule.arguments else ("case", case.id)
            before = _viewed_entries(*subject)
            response = actions.client.get(url)
            body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            if role not in ROUTE_ROLES[rule.endpoint]:
                expected = "no page"
            elif not allowed(role, "view", relationship, state):
                expected = "not found"
            elif kind == "retention":
                expected = "not found"  # a decision exists only past the retention period
            elif rule.endpoint in (
                "casework.unlink",
                "proceedings.review",
                "proceedings.list_report",
            ):
                # no link 0, and the world has no reviews or list reports: the real ones are
                # in tests/test_casework.py and tests/test_proceedings.py
                expected = "not found"
            elif kind == "view" or allowed(role, kind, relationship, state):
                expected = "shown"
            else:
                expected = "refused"
            got = {
                404: "not found",
                403: "no page" if "You do not have access to this page" in body else "refused",
            }.get(response.status_code, "shown")
            if rule.endpoint == "cases.act" and got == "refused":
                got = "shown"  # the workflow's own refusal page ("Only PSD can …"), of a case seen
            if got != expected:
                wrong.append(
                    f"{url} [{relationship}/{state}] → {response.status_code}, expected {expected}"
                )
            if got in ("not found", "no page"):
                assert case.reference not in body and case.summary not in body
            elif _viewed_entries(*subject) != before + 1:
                wrong.append(f"{url} [{relationship}/{state}] shown without one audit entry")
    assert wrong == []


def test_refused_view_is_audited_without_revealing(app, world) -> None:
    users, cases = world
    actions = AuthActions(app.test_client())
    actions.sign_in(users["standards_manager"].email)
    refused_case = cases["standards_manager", "other_department", "logged"]
    response = actions.client.get(f"/cases/{refused_case.id}")
    assert response.status_code == 404
    from casetrack.audit.models import AuditEvent

    refused = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "case_access_refused")
    )
    assert refused.object_id == str(refused_case.id)


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
    for (who, relationship, state), case in cases.items():
        if who == role:
            expected = allowed(role, "view", relationship, state)
            assert (case.reference in body) is expected, (relationship, state)


def test_subject_cannot_be_assigned(app, world) -> None:
    from casetrack.cases.service import psd_colleagues

    users, cases = world
    assert users["psd"] not in psd_colleagues(cases["psd", "subject", "referred_to_psd"])
    assert users["psd"] in psd_colleagues(cases["psd", "own_department", "referred_to_psd"])


def test_restricted_case_named_user(app, world) -> None:
    users, cases = world
    restricted = cases["standards_manager", "restricted_unnamed", "logged"]
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


def test_case_rule_agrees_with_the_oracle_on_unsaved_cases() -> None:
    """The same cells as the world above, as unsaved objects: can() and the case rule need no
    database, so this runs in milliseconds (make mutation runs it first for every mutant of the
    rules). A subject's number is typed differently from the user's (SPEC §9.1: one number)."""
    from casetrack.auth.models import User
    from casetrack.cases.models import Investigation, Person
    from casetrack.org.models import Department, Force

    wmp = Force(id=1, code="WMP", name="WMP")
    mine = Department(id=11, code="BIRM_E", name="Birmingham East", force_id=1)
    other = Department(id=12, code="COV", name="Coventry", force_id=1)
    elsewhere = Department(id=21, code="NWARKS", name="North Warwickshire", force_id=2)
    users = {}
    for n, role in enumerate(ROLES, start=1):
        user = User(id=n, role=role, active=True, staff_number=OWN_NUMBER[role])
        user.forces = [wmp]
        user.departments = [mine] if role == "standards_manager" else []
        users[role] = user
    # "OWN2" typed " own\u200b2 " (spaces, lower case, a zero-width space)
    typed = {role: f" {n.lower()[:3]}\u200b{n[3:]} " for role, n in OWN_NUMBER.items()}
    where = {"other_department": other, "other_force": elsewhere}

    def case_of(relationship: str, state: str, role: str) -> Case:
        department = where.get(relationship, mine)
        case = Case(
            state=state,
            force_id=department.force_id,
            department_id=department.id,
            restricted=relationship.startswith("restricted"),
        )
        number = typed[role] if relationship == "subject" else "S0001"
        case.investigations = [
            Investigation(person=Person(staff_number=number, force_id=department.force_id))
        ]
        if relationship == "restricted_named":
            case.named_users = list(users.values())
        return case

    wrong = []
    for role, user in users.items():
        for relationship, state in _cells():
            case = case_of(relationship, state, role)
            for kind, permission in KIND_PERMISSION.items():
                expected = allowed(role, kind, relationship, state)
                if can(user, permission, case) is not expected:
                    wrong.append(f"{role} {kind} {relationship}/{state}: expected {expected}")
    assert wrong == []
    # someone else's record with the same number in another force is not them
    psd = users["psd"]
    case = case_of("own_department", "logged", "psd")
    case.investigations = [Investigation(person=Person(staff_number="OWN2", force_id=2))]
    assert can(psd, Permission.CASE_VIEW, case)
    # leadership's figures never open a case (SPEC §1): their one permission is no way in
    for role in ("leadership", "admin"):
        for permission in Permission:
            assert not can(users[role], permission, case), (role, permission)
    # an inactive account, and no account, may do nothing
    psd.active = False
    assert not can(psd, Permission.CASE_VIEW, case_of("own_department", "logged", "psd"))
    assert not can(None, Permission.CASE_VIEW, case)


def test_whom_a_task_or_an_assignment_may_go_to(app, make_case, make_user, make_force) -> None:
    """case_users: the active users of the roles asked for who may see the case, by name."""
    case = make_case("referred_to_psd")
    force = case.force
    later = make_user("psd", forces=[force], name="Zoe Webb")
    sooner = make_user("psd", forces=[force], name="Adam Burke")
    gone = make_user("psd", forces=[force], name="Bea Gone")
    gone.active = False
    make_user("psd", forces=[make_force("WARKS")], name="Cal Elsewhere")
    db.session.commit()
    from casetrack.cases.access import case_users

    assert [u.name for u in case_users(case, ["psd"])] == [sooner.name, later.name]
    assert case.created_by in case_users(case, ["standards_manager"])
