"""A small organisation with users of every role and objects in every relationship to them.

The relationships are those of SPEC §1 and issue 8: own department, other department (same
force), other force, restricted case, a case in which the user is a subject, and withdrawn
evidence (on an own-department case). `expected_visible()` restates the rule from the
specification; it never calls the application's own check, so the two are compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ROLES = ["standards_manager", "psd", "psd_head", "leadership", "admin"]
CASE_RELATIONSHIPS = ["own_department", "other_department", "other_force", "restricted", "subject"]
ITEM_RELATIONSHIPS = [*CASE_RELATIONSHIPS, "withdrawn"]

# Who sees which case, from SPEC §1 (not from the code under test).
_SEES = {
    "standards_manager": {"own_department"},
    "psd": {"own_department", "other_department"},
    "psd_head": {"own_department", "other_department", "restricted"},
}


def expected_visible(role: str | None, relationship: str) -> bool:
    if role is None or relationship == "subject":
        return False  # nobody sees a case in which they are a subject
    if relationship == "withdrawn":
        relationship = "own_department"  # withdrawn evidence stays with its case
    return relationship in _SEES.get(role, set())


@dataclass
class World:
    users: dict[str, Any]
    cases: dict[str, Any]  # relationship → case; "subject:<role>" → that role's own case
    items: dict[str, Any]  # relationship → evidence item; "subject:<role>" likewise
    target: Any  # a user for the administration routes, not used to sign in
    force: Any
    department: Any
    extras: dict[str, Any] = field(default_factory=dict)

    def case_for(self, role: str | None, relationship: str) -> Any:
        if relationship == "subject":
            return self.cases[f"subject:{role or 'standards_manager'}"]
        if relationship == "withdrawn":
            return self.cases["own_department"]
        return self.cases[relationship]

    def item_for(self, role: str | None, relationship: str) -> Any:
        if relationship == "subject":
            return self.items[f"subject:{role or 'standards_manager'}"]
        return self.items[relationship]


def build_world(
    make_user: Any,
    make_force: Any,
    make_department: Any,
    make_case: Any,
    make_person: Any,
    make_evidence: Any,
    state: str = "referred_to_psd",
) -> World:
    from casetrack.evidence import service as evidence
    from casetrack.extensions import db
    from conftest import holder_of

    wmp, warks = make_force("WMP"), make_force("WARKS")
    mine, other = make_department("BIRM_E", force=wmp), make_department("COV", force=wmp)
    elsewhere = make_department("NWARKS", force=warks)
    users = {
        role: make_user(
            role,
            forces=[wmp],
            departments=[mine] if role == "standards_manager" else [],
            staff_number=f"OWN-{role.upper()}",
        )
        for role in ROLES
    }
    recorder = make_user("standards_manager", forces=[wmp], departments=[mine])
    cases = {
        "own_department": make_case(state, department=mine, recorder=recorder),
        "other_department": make_case(state, department=other),
        "other_force": make_case(state, department=elsewhere),
        "restricted": make_case(state, department=mine, recorder=recorder, restricted=True),
    }
    for role in ROLES:
        cases[f"subject:{role}"] = make_case(
            state,
            department=mine,
            recorder=recorder,
            subjects=[make_person(wmp, staff_number=f"OWN-{role.upper()}")],
        )
    items = {name: make_evidence(case) for name, case in cases.items()}
    items["withdrawn"] = make_evidence(cases["own_department"], filename="withdrawn.png")
    evidence.withdraw(
        items["withdrawn"], holder_of(cases["own_department"]), "Attached to the wrong case."
    )
    db.session.commit()
    target = make_user("psd", email="target.user@example.police.uk", forces=[wmp])
    return World(users, cases, items, target, wmp, mine, extras={"recorder": recorder})
