"""Who may see and act on which case (SPEC §1) — the one place these rules live.

The same rule exists twice, as a Python check on one case (`case_rule`, registered with
can()) and as an SQL condition for lists (`visible_cases`); a test checks they agree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.sql.elements import ColumnElement

from casetrack.auth.permissions import Permission, Role, register_object_rule
from casetrack.cases.models import Case, Investigation, Person, case_access


def is_subject(user: Any, case: Case) -> bool:
    """Conflict of interest: the user's own workforce record is a subject of the case."""
    number = getattr(user, "staff_number", None)
    if not number:
        return False
    forces = user.force_ids
    return any(
        inv.person.staff_number == number and inv.person.force_id in forces
        for inv in case.investigations
    )


def _role_sees(user: Any, case: Case) -> bool:
    role = user.role
    if role == Role.STANDARDS_MANAGER:
        return case.department_id is not None and case.department_id in user.department_ids
    if role in (Role.PSD, Role.PSD_HEAD):
        return case.force_id in user.force_ids
    return False


def case_rule(user: Any, permission: Permission, case: Case) -> bool:
    """Object-level rule for every case permission (view, act, evidence)."""
    if is_subject(user, case):
        return False
    if case.restricted:
        if user.role == Role.PSD_HEAD and case.force_id in user.force_ids:
            return True
        return any(named.id == user.id for named in case.named_users) and _role_sees(user, case)
    return _role_sees(user, case)


register_object_rule(Case, case_rule)


def visible_cases(user: Any) -> ColumnElement[bool]:
    """SQL condition: the cases this user may see. Mirrors case_rule()."""
    role = user.role
    if role == Role.STANDARDS_MANAGER:
        ids = list(user.department_ids)
        sees: ColumnElement[bool] = Case.department_id.in_(ids) if ids else false()
    elif role in (Role.PSD, Role.PSD_HEAD):
        ids = list(user.force_ids)
        sees = Case.force_id.in_(ids) if ids else false()
    else:
        return false()
    if role != Role.PSD_HEAD:  # the head of PSD sees their forces' restricted cases
        named = exists(
            select(case_access.c.case_id).where(
                case_access.c.case_id == Case.id, case_access.c.user_id == user.id
            )
        )
        sees = and_(sees, or_(Case.restricted.is_(False), named))
    if user.staff_number:
        own = exists(
            select(Investigation.id)
            .join(Person, Person.id == Investigation.person_id)
            .where(
                Investigation.case_id == Case.id,
                Person.staff_number == user.staff_number,
                Person.force_id.in_(list(user.force_ids)),
            )
        )
        sees = and_(sees, ~own)
    return sees
