"""Who may see and do what with which case and evidence item (SPEC §1, §9.1): the one place.

Route level, every route declares the permission it needs (casetrack/auth/access.py, with the
role → permission table in casetrack/auth/permissions.py). Object level, everything is here:

- **Conflict of interest.** Nobody sees a case in which they are a subject (their account's
  staff number, in the normal form of casetrack/org/numbers.py, against the subjects' of the
  same force), whatever their role.
- **Restricted cases.** Seen by holders of `RESTRICTED_CASES` (head of PSD) of the case's
  force, and by the users named on the case who could see it anyway; nobody else.
- **Viewing** (`CASE_VIEW`, `EVIDENCE_VIEW`): a Standards Manager sees their departments'
  cases; PSD and the head of PSD see every case of their forces (read-only until referred).
- **Acting** (every other permission): a Standards Manager acts on their departments' cases
  while the case is with them (logged, assessed, local resolution); PSD acts on their forces'
  cases while the case is with PSD (referred, under investigation, or closed — to reopen).
  Evidence is added, corrected and withdrawn only while the case is open and with the user's
  side: never on a closed or withdrawn case (reopen first). Retention decisions are about
  closed cases only.

`case_rule` is registered with `can()`; `visible_cases` is the same view rule as SQL for every
list (case list, dashboards, retention, people's cases). A test checks the two agree.
`visible_people` / `may_see_person` say whose workforce records the subject picker may offer.
`load_case` and `load_item` are how views fetch what they show: 404 for anything the user may
not see (existence is not revealed), the refusal audited, and every page view audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import abort, request
from flask_login import current_user
from sqlalchemy import CompoundSelect, Select, and_, false, or_, select, union_all
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from casetrack.auth.permissions import Permission, Role, can, register_object_rule, role_can
from casetrack.cases.models import Case, Investigation, Person, case_access
from casetrack.cases.workflow import State
from casetrack.org.numbers import normal_staff_number

VIEW_PERMISSIONS = frozenset({Permission.CASE_VIEW, Permission.EVIDENCE_VIEW})
# Allowed in any state to whoever may see the case (and holds the permission): the decision log
# and links are kept after closing too (an appeal, a pack handed to the IOPC); the head of PSD
# restricts or unrestricts whenever it matters.
ANY_STATE_PERMISSIONS = frozenset(
    {
        Permission.NOTE_ADD,
        Permission.NOTES_PSD,
        Permission.CASE_LINK,
        Permission.RESTRICTED_CASES,
        Permission.TASK_ADD,
    }
)

# Whose turn it is: the states in which each side acts on a case.
SM_STATES = frozenset({State.LOGGED, State.ASSESSED, State.LOCAL_RESOLUTION})
PSD_STATES = frozenset({State.REFERRED_TO_PSD, State.PSD_INVESTIGATION, State.CLOSED})
EVIDENCE_STATES = {
    Role.STANDARDS_MANAGER: SM_STATES - {State.CLOSED},
    Role.PSD: PSD_STATES - {State.CLOSED},
    Role.PSD_HEAD: PSD_STATES - {State.CLOSED},
}
CASE_STATES = {Role.STANDARDS_MANAGER: SM_STATES, Role.PSD: PSD_STATES, Role.PSD_HEAD: PSD_STATES}
# Corrections (SPEC §12): while the case is open — by the Standards Manager before referral (and
# during local resolution), by PSD after.
CORRECT_STATES = {
    Role.STANDARDS_MANAGER: SM_STATES,
    Role.PSD: PSD_STATES - {State.CLOSED},
    Role.PSD_HEAD: PSD_STATES - {State.CLOSED},
}


def _own_number(user: Any) -> str | None:
    return normal_staff_number(getattr(user, "staff_number", None))


def is_subject(user: Any, case: Case) -> bool:
    """Conflict of interest: the user's own workforce record is a subject of the case."""
    number = _own_number(user)
    if not number:
        return False
    forces = user.force_ids
    return any(
        normal_staff_number(inv.person.staff_number) == number and inv.person.force_id in forces
        for inv in case.investigations
    )


def _in_scope(user: Any, case: Case) -> bool:
    """The user's departments (Standards Manager) or forces (PSD, head of PSD)."""
    if user.role == Role.STANDARDS_MANAGER:
        return case.department_id is not None and case.department_id in user.department_ids
    if user.role in (Role.PSD, Role.PSD_HEAD):
        return case.force_id in user.force_ids
    return False


def _restricted_allows(user: Any, case: Case) -> bool:
    if not case.restricted:
        return True
    if role_can(user.role, Permission.RESTRICTED_CASES) and case.force_id in user.force_ids:
        return True
    return any(named.id == user.id for named in case.named_users)


def case_rule(user: Any, permission: Permission, case: Case) -> bool:
    """Object-level rule for every case and evidence permission: view versus act."""
    if is_subject(user, case) or not _restricted_allows(user, case) or not _in_scope(user, case):
        return False
    if permission in VIEW_PERMISSIONS or permission in ANY_STATE_PERMISSIONS:
        return True
    # Only the case roles are in scope (_in_scope), and each has its states in every table.
    state, role = State(case.state), Role(user.role)
    if permission is Permission.CASE_CORRECT:
        return state in CORRECT_STATES[role]
    if permission is Permission.EVIDENCE_ADD:
        return state in EVIDENCE_STATES[role]
    if permission is Permission.RETENTION_DECIDE:
        return state is State.CLOSED
    return state in CASE_STATES[role]


register_object_rule(Case, case_rule)


def case_users(case: Case, roles: Iterable[str]) -> list[Any]:
    """Active users of these roles who may see the case (force or department, restricted,
    conflict of interest): whom a task, an assignment or a notification about it may go to."""
    from casetrack.auth.models import User
    from casetrack.extensions import db

    users = db.session.scalars(
        select(User)
        .where(User.active.is_(True), User.role.in_(list(roles)), within_reach([case]))
        .order_by(User.name)
    ).all()
    return [u for u in users if can(u, Permission.CASE_VIEW, case)]


def within_reach(cases: Iterable[Case]) -> ColumnElement[bool]:
    """SQL condition on users: holds one of these cases' forces or departments. Wider than
    case_rule (which `can()` still applies to each user it lets through), so that finding who
    may see a case reads that force's people, not every account in a national deployment."""
    from casetrack.auth.models import User, user_departments, user_forces

    force_ids = sorted({case.force_id for case in cases})
    department_ids = sorted({c.department_id for c in cases if c.department_id is not None})
    return or_(
        User.id.in_(select(user_forces.c.user_id).where(user_forces.c.force_id.in_(force_ids))),
        User.id.in_(
            select(user_departments.c.user_id).where(
                user_departments.c.department_id.in_(department_ids)
            )
        ),
    )


def may_change_evidence(user: Any, case: Case) -> bool:
    """Add, correct or withdraw evidence on this case now (open, and with the user's side)."""
    return can(user, Permission.EVIDENCE_ADD, case)


def visible_cases(user: Any) -> ColumnElement[bool]:
    """SQL condition: the cases this user may see (case_rule for CASE_VIEW, for lists).

    The user's scope, less the few cases hidden from them within it (`hidden_cases`). The
    hidden set is one uncorrelated subquery, which both databases work out once per statement
    (through the indexes on restricted cases and on staff numbers) instead of once for each
    case: over 100,000 cases, the statistics' scans took twice as long with a subquery per
    case (session 5's measurement, docs/performance.md)."""
    role = user.role
    if role == Role.STANDARDS_MANAGER:
        ids = list(user.department_ids)
        sees: ColumnElement[bool] = Case.department_id.in_(ids) if ids else false()
    elif role in (Role.PSD, Role.PSD_HEAD):
        ids = list(user.force_ids)
        sees = Case.force_id.in_(ids) if ids else false()
    else:
        return false()
    return and_(sees, Case.id.not_in(hidden_cases(user)))


def hidden_cases(user: Any) -> Select[Any] | CompoundSelect:
    """The ids of the cases hidden from this user whatever their scope, as a subquery:
    restricted cases they are not named on (unless they hold RESTRICTED_CASES for the case's
    force), and, for conflict of interest, cases in which their own workforce record is a
    subject."""
    parts = []
    named = select(case_access.c.case_id).where(case_access.c.user_id == user.id)
    restricted = (
        select(Case.id)
        .where(Case.restricted.is_(True), Case.id.not_in(named))
        .correlate(None)  # its own scan of cases, never the enclosing query's row
    )
    if role_can(user.role, Permission.RESTRICTED_CASES):
        restricted = restricted.where(Case.force_id.not_in(list(user.force_ids)))
    parts.append(restricted)
    number = _own_number(user)
    if number:
        parts.append(
            select(Investigation.case_id)
            .join(Person, Person.id == Investigation.person_id)
            .where(Person.staff_number == number, Person.force_id.in_(list(user.force_ids)))
        )
    return union_all(*parts) if len(parts) > 1 else parts[0]


def visible_people(user: Any) -> ColumnElement[bool]:
    """SQL condition: the workforce records this user may find by name (the subject picker).
    A Standards Manager: their own departments' records only, so the picker cannot tell them
    who has been a subject elsewhere in the force (finding 7; a record outside them is used
    only through its staff number and name, by find_or_add_person). PSD and the head of PSD:
    every record of their forces. Anyone else: none. Nobody is offered their own record."""
    if user.role == Role.STANDARDS_MANAGER:
        ids = list(user.department_ids)
        sees: ColumnElement[bool] = Person.department_id.in_(ids) if ids else false()
    elif user.role in (Role.PSD, Role.PSD_HEAD):
        ids = list(user.force_ids)
        sees = Person.force_id.in_(ids) if ids else false()
    else:
        return false()
    number = _own_number(user)
    if number:
        sees = and_(
            sees,
            ~and_(Person.staff_number == number, Person.force_id.in_(list(user.force_ids))),
        )
    return sees


def may_see_person(user: Any, person: Person) -> bool:
    """visible_people for one record already loaded (a choice sent back by a form)."""
    number = _own_number(user)
    if number and person.staff_number == number and person.force_id in user.force_ids:
        return False
    if user.role == Role.STANDARDS_MANAGER:
        return person.department_id is not None and person.department_id in user.department_ids
    if user.role in (Role.PSD, Role.PSD_HEAD):
        return person.force_id in user.force_ids
    return False


# ---- loading what a page shows ---------------------------------------------------------------


def _audit_page_view(object_type: str, object_id: int, details: dict[str, Any]) -> None:
    """Every page that shows case or evidence content is an audit entry (SPEC §9.1)."""
    from casetrack.audit.service import record
    from casetrack.extensions import db

    if request.method != "GET":
        return  # a POST is audited by the change it makes (or its refusal)
    record(
        "case_viewed" if object_type == "case" else "evidence_viewed",
        object_type=object_type,
        object_id=object_id,
        details={**details, "page": request.endpoint or ""},
    )
    db.session.commit()


def _refuse(action: str, object_type: str, object_id: int) -> None:
    from casetrack.audit.service import record
    from casetrack.extensions import db

    record(action, object_type=object_type, object_id=object_id)
    db.session.commit()
    abort(404)


def load_case(case_id: int, *, audit: bool = True) -> Case:
    """The case, if this user may see it; otherwise 404 (existence is not revealed).

    Its subjects come with it in one query each for investigations, people and standards (the
    access rule needs the people, the case pages show the standards), not two per subject.
    The view is audited (GET); pass audit=False only where the page records its own entry.
    """
    from casetrack.extensions import db

    subjects = selectinload(Case.investigations)
    case = db.session.get(
        Case,
        case_id,
        options=[
            subjects.selectinload(Investigation.person),
            subjects.selectinload(Investigation.standard_rows),
        ],
    )
    if case is None:
        abort(404)
    if not can(current_user, Permission.CASE_VIEW, case):
        _refuse("case_access_refused", "case", case_id)
    if audit:
        _audit_page_view("case", case.id, {"reference": case.reference})
    return case


def load_item(item_id: int, *, audit: bool = True) -> Any:
    """The evidence item, if this user may see its case; otherwise 404 (audited)."""
    from casetrack.evidence.models import EvidenceItem
    from casetrack.extensions import db

    item = db.session.get(EvidenceItem, item_id)
    if item is None:
        abort(404)
    if not can(current_user, Permission.EVIDENCE_VIEW, item.case):
        _refuse("evidence_access_refused", "evidence", item_id)
    if audit:
        _audit_page_view("evidence", item.id, {"reference": item.case.reference})
    return item
