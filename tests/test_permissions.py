"""The permission table and can(): pure, no app needed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from casetrack.auth.permissions import (
    ROLE_PERMISSIONS,
    Permission,
    Role,
    can,
    register_object_rule,
    role_can,
)


@dataclass
class FakeUser:
    role: str
    is_active: bool = True
    is_authenticated: bool = True


def test_every_role_has_an_entry() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_signed_in_is_every_roles(role: Role) -> None:
    assert can(FakeUser(role.value), Permission.SIGNED_IN)


@pytest.mark.parametrize(
    ("role", "permission", "expected"),
    [
        (Role.LEADERSHIP, Permission.REPORT_VIEW, True),
        (Role.LEADERSHIP, Permission.CASE_VIEW, False),
        (Role.LEADERSHIP, Permission.EVIDENCE_VIEW, False),
        (Role.ADMIN, Permission.CASE_VIEW, False),
        (Role.ADMIN, Permission.EVIDENCE_VIEW, False),
        (Role.ADMIN, Permission.MANAGE_USERS, True),
        (Role.STANDARDS_MANAGER, Permission.CASE_CREATE, True),
        (Role.STANDARDS_MANAGER, Permission.CASE_PSD, False),
        (Role.STANDARDS_MANAGER, Permission.MANAGE_USERS, False),
        (Role.PSD, Permission.CASE_PSD, True),
        (Role.PSD, Permission.AUDIT_READ, False),
        (Role.PSD, Permission.RESTRICTED_CASES, False),
        (Role.PSD_HEAD, Permission.AUDIT_READ, True),
        (Role.PSD_HEAD, Permission.RESTRICTED_CASES, True),
        (Role.PSD_HEAD, Permission.MANAGE_USERS, False),
    ],
)
def test_spec_section_1(role: Role, permission: Permission, expected: bool) -> None:
    assert can(FakeUser(role.value), permission) is expected


# SPEC §1 and §9.1, written out by hand: every permission of every role. If the product's
# table gains or loses one, this fails until the SPEC (and this table) say so.
SPEC_PERMISSIONS = {
    "standards_manager": {
        "signed_in", "case_view", "case_create", "case_assess", "evidence_view",
        "evidence_add", "report_view",
        # §12: corrections before referral, shared notes, linked cases
        "case_correct", "note_add", "case_link",
        # §13: "people add others" (tasks)
        "task_add",
    },
    "psd": {
        "signed_in", "case_view", "case_psd", "evidence_view", "evidence_add", "report_view",
        "case_correct", "note_add", "notes_psd", "case_link",
        # §13: tasks; PSD's team queue ("a PSD user can take one")
        "task_add", "team_queue",
    },
    "psd_head": {
        "signed_in", "case_view", "case_psd", "evidence_view", "evidence_add", "report_view",
        "case_correct", "note_add", "notes_psd", "case_link",
        "audit_read", "restricted_cases", "retention_decide", "import_cases", "access_approve",
        # §13: "a head of PSD can (re)assign several at once"
        "task_add", "team_queue", "queue_assign",
    },
    "leadership": {"signed_in", "report_view"},
    "admin": {"signed_in", "manage_users", "manage_organisation"},
}  # fmt: skip


@pytest.mark.parametrize("role", list(Role))
def test_every_permission_of_every_role_is_the_spec_table(role: Role) -> None:
    granted = {p.value for p in Permission if can(FakeUser(role.value), p)}
    assert granted == SPEC_PERMISSIONS[role.value]


def test_an_account_awaiting_its_role_may_only_sign_in() -> None:
    granted = {p.value for p in Permission if can(FakeUser("none"), p)}
    assert granted == {"signed_in"}


def test_psd_head_has_everything_psd_has() -> None:
    assert ROLE_PERMISSIONS[Role.PSD] < ROLE_PERMISSIONS[Role.PSD_HEAD]


@pytest.mark.parametrize(
    "user",
    [
        None,
        FakeUser("admin", is_active=False),
        FakeUser("admin", is_authenticated=False),
        FakeUser("root"),
    ],
)
def test_denied_by_default(user: FakeUser | None) -> None:
    assert not can(user, Permission.MANAGE_USERS)
    assert not can(user, Permission.SIGNED_IN)


def test_an_actor_that_does_not_say_it_is_signed_in_gets_nothing() -> None:
    @dataclass
    class Unsaid:  # no is_authenticated at all
        role: str
        is_active: bool = True

    assert not can(Unsaid("admin"), Permission.MANAGE_USERS)
    assert not can(Unsaid("admin"), Permission.SIGNED_IN)


def test_unknown_role_gets_nothing() -> None:
    assert not role_can("superuser", Permission.SIGNED_IN)
    assert not role_can(None, Permission.SIGNED_IN)


def test_object_without_a_rule_is_refused() -> None:
    class Thing:
        pass

    assert not can(FakeUser("admin"), Permission.MANAGE_USERS, Thing())


def test_object_rule_decides_and_applies_to_subclasses() -> None:
    class Box:
        def __init__(self, owner: str) -> None:
            self.owner = owner

    class SmallBox(Box):
        pass

    register_object_rule(Box, lambda user, permission, box: box.owner == user.role)
    user = FakeUser("psd")
    assert can(user, Permission.CASE_VIEW, Box("psd"))
    assert can(user, Permission.CASE_VIEW, SmallBox("psd"))
    assert not can(user, Permission.CASE_VIEW, Box("admin"))
    # the role check still comes first
    assert not can(FakeUser("leadership"), Permission.CASE_VIEW, Box("leadership"))


# ---- whose workforce records the subject picker may offer (SPEC §12, §9.1) -------------------
@dataclass
class Placed:
    role: str
    force_ids: set[int]
    department_ids: set[int]
    staff_number: str | None = None


@dataclass
class Record:
    force_id: int
    department_id: int | None
    staff_number: str | None


@pytest.mark.parametrize(
    ("user", "record", "offered"),
    [
        # a Standards Manager: their own departments' records only
        (Placed("standards_manager", {1}, {10}), Record(1, 10, "WMP3310"), True),
        (Placed("standards_manager", {1}, {10}), Record(1, 11, "WMP4410"), False),
        (Placed("standards_manager", {1}, {10}), Record(1, None, "WMP4410"), False),
        # never their own record, however the number was typed (stored in the normal form)
        (Placed("standards_manager", {1}, {10}, "sm 77"), Record(1, 10, "SM77"), False),
        (Placed("standards_manager", {1}, {10}, "sm 77"), Record(1, 10, "SM78"), True),
        # PSD and the head of PSD: every record of their forces
        (Placed("psd", {1}, set()), Record(1, None, "WMP3310"), True),
        (Placed("psd", {1}, set()), Record(2, None, "WK5510"), False),
        (Placed("psd_head", {1, 2}, set()), Record(2, 20, "WK5510"), True),
        (Placed("psd_head", {1, 2}, set(), "WK 1"), Record(2, 20, "WK1"), False),
        # PSD's own record is not offered either; another number of their force is
        (Placed("psd", {1}, set(), "WK 1"), Record(1, None, "WK1"), False),
        (Placed("psd", {1}, set(), "WK 1"), Record(1, None, "WK2"), True),
        # anyone else: no records
        (Placed("leadership", {1}, {10}), Record(1, 10, "WMP3310"), False),
        (Placed("admin", {1}, {10}), Record(1, 10, "WMP3310"), False),
    ],
)
def test_which_workforce_records_the_picker_offers(
    user: Placed, record: Record, offered: bool
) -> None:
    from casetrack.cases.access import may_see_person

    assert may_see_person(user, record) is offered


def test_a_user_without_a_staff_number_field_is_offered_every_record_in_scope() -> None:
    from casetrack.cases.access import may_see_person

    @dataclass
    class Unnumbered:  # no staff_number at all: no own record to keep back
        role: str
        force_ids: set[int]
        department_ids: set[int]

    assert may_see_person(Unnumbered("psd", {1}, set()), Record(1, None, "WMP3310"))
    assert not may_see_person(Unnumbered("psd", {1}, set()), Record(2, None, "WMP3310"))
