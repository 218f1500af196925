"""Roles, permissions and the one check every view and template uses. Deny by default.

Pure module: no Flask or SQLAlchemy imports, so the table can be read and tested alone.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, Protocol


class Role(StrEnum):
    STANDARDS_MANAGER = "standards_manager"
    PSD = "psd"
    PSD_HEAD = "psd_head"
    LEADERSHIP = "leadership"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.STANDARDS_MANAGER: "Standards Manager",
    Role.PSD: "PSD reviewer / investigator",
    Role.PSD_HEAD: "Head of PSD",
    Role.LEADERSHIP: "Leadership",
    Role.ADMIN: "Administrator",
}


class Permission(StrEnum):
    """What a route or action needs. Every route declares one (or is explicitly public)."""

    SIGNED_IN = "signed_in"  # home page, own account, sign out
    MANAGE_USERS = "manage_users"
    MANAGE_ORGANISATION = "manage_organisation"  # forces, departments, reference data
    CASE_VIEW = "case_view"
    CASE_CREATE = "case_create"
    CASE_ASSESS = "case_assess"  # assess, resolve locally, refer, withdraw
    CASE_PSD = "case_psd"  # accept/return, assign, severity, IOPC, outcomes, reopen
    EVIDENCE_VIEW = "evidence_view"
    EVIDENCE_ADD = "evidence_add"
    REPORT_VIEW = "report_view"
    AUDIT_READ = "audit_read"
    RESTRICTED_CASES = "restricted_cases"
    RETENTION_DECIDE = "retention_decide"
    IMPORT_CASES = "import_cases"
    ACCESS_APPROVE = "access_approve"  # decide access requests for one's forces (SPEC §9.1)
    CASE_CORRECT = "case_correct"  # correct a case's details while it is open and with you (§12)
    NOTE_ADD = "note_add"  # write in a case's decision log (§12)
    NOTES_PSD = "notes_psd"  # read and write the log's PSD-only notes (§12)
    CASE_LINK = "case_link"  # link two cases one can see, or remove a link (§12)
    TASK_ADD = "task_add"  # give someone who may see the case a task on it (§13)
    TEAM_QUEUE = "team_queue"  # PSD's team queue: take an unaccepted referral or case (§13)
    QUEUE_ASSIGN = "queue_assign"  # (re)assign several queued cases at once (§13)


_CASE_WORK = {
    Permission.CASE_VIEW,
    Permission.EVIDENCE_VIEW,
    Permission.REPORT_VIEW,
    Permission.CASE_CORRECT,
    Permission.NOTE_ADD,
    Permission.CASE_LINK,
    Permission.TASK_ADD,
}
_PSD = _CASE_WORK | {
    Permission.CASE_PSD,
    Permission.EVIDENCE_ADD,
    Permission.NOTES_PSD,
    Permission.TEAM_QUEUE,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.STANDARDS_MANAGER: frozenset(
        _CASE_WORK
        | {
            Permission.CASE_CREATE,
            Permission.CASE_ASSESS,
            Permission.EVIDENCE_ADD,
        }
    ),
    Role.PSD: frozenset(_PSD),
    Role.PSD_HEAD: frozenset(
        _PSD
        | {
            Permission.AUDIT_READ,
            Permission.RESTRICTED_CASES,
            Permission.RETENTION_DECIDE,
            Permission.IMPORT_CASES,
            Permission.ACCESS_APPROVE,
            Permission.QUEUE_ASSIGN,
        }
    ),
    Role.LEADERSHIP: frozenset({Permission.REPORT_VIEW}),
    Role.ADMIN: frozenset({Permission.MANAGE_USERS, Permission.MANAGE_ORGANISATION}),
}


# Roles that see case content: given, or moved between forces/departments, only when a head of
# PSD of the force approves (SPEC §9.1). An account awaiting its first case role has NO_ROLE:
# it may sign in (own password, sign out) and nothing else.
CASE_ROLES = frozenset({Role.STANDARDS_MANAGER, Role.PSD, Role.PSD_HEAD})
NO_ROLE = "none"


class Actor(Protocol):
    """What can() needs to know about a user."""

    role: str
    is_active: bool


ObjectRule = Callable[[Any, Permission, Any], bool]
_object_rules: dict[type, ObjectRule] = {}


def register_object_rule(kind: type, rule: ObjectRule) -> None:
    """Features register the object-level rule for their model (department, force, conflict)."""
    _object_rules[kind] = rule


def role_can(role: str | Role | None, permission: Permission) -> bool:
    """True if the role's permission set includes the permission (signed-in is every role's)."""
    if role == NO_ROLE:
        return permission is Permission.SIGNED_IN
    try:
        known = Role(role)  # None, "" and unknown names are not roles: ValueError
    except ValueError:
        return False
    return permission is Permission.SIGNED_IN or permission in ROLE_PERMISSIONS[known]


def can(user: Actor | None, permission: Permission, obj: Any = None) -> bool:
    """May this user do this (to this object)? Anything not granted is refused."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not role_can(user.role, permission):
        return False
    if obj is None:
        return True
    for kind in type(obj).__mro__:
        rule = _object_rules.get(kind)
        if rule is not None:
            return rule(user, permission, obj)
    return False  # an object nobody wrote a rule for is refused
