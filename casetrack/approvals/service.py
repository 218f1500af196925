"""Access requests (SPEC §9.1). Every request, approval, refusal and withdrawal writes its
audit entry; nothing here commits.

An administrator creates accounts and manages organisation data. A role that sees case
content (CASE_ROLES), any change of such an account's forces, departments or staff number
(the conflict-of-interest rule compares it with the case subjects'), a new temporary password
for such an account and its reactivation take effect only when a head of PSD of the force
approves: two people, both in the audit log. Deactivation is immediate (it only removes
access). Nobody changes their own role, forces, departments or (with a case role) staff
number, nor decides a request about themselves or made by themselves, and an administrator's
account never gets a case role.

The temporary password of a case-role account is always chosen by the approving head of PSD,
never by an administrator: when an account gets its first case role (new or not) and when
its password is reset. So the administrator who asked never holds a working credential for
the access they asked for.

The command line (`casetrack users create`, `casetrack demo`) calls auth.service.create_user
directly: the operator's bootstrap path for the first head of PSD, audited as "cli:<user>".

An approval and an administrator's direct password reset both lock the account's row
(SELECT … FOR UPDATE) and read its role again, so a reset cannot slip in after a head of PSD
gave the account a case role.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from casetrack.audit.service import record
from casetrack.auth import second_factors
from casetrack.auth import service as accounts
from casetrack.auth.models import AccessRequest, User
from casetrack.auth.passwords import hash_password
from casetrack.auth.permissions import CASE_ROLES, NO_ROLE, Role
from casetrack.auth.sessions import revoke_all
from casetrack.errors import DomainError, Problems
from casetrack.extensions import db
from casetrack.org.models import Department, Force
from casetrack.timeutil import utcnow

ACCESS, PASSWORD, REACTIVATION = "access", "password", "reactivation"
SECOND_FACTOR = "second_factor"  # remove the account's second factors (SPEC §16)
PENDING, APPROVED, REFUSED, WITHDRAWN = "pending", "approved", "refused", "withdrawn"
REASON_MAX = 500

OWN_ACCESS = "You cannot change your own role, forces or departments"
OWN_STAFF_NUMBER = "You cannot change your own staff number"


def is_case_role(role: str | None) -> bool:
    return role in {r.value for r in CASE_ROLES}


def _placement(role: str, forces: Sequence[Force], departments: Sequence[Department]) -> dict:
    return {
        "role": role,
        "forces": sorted(f.code for f in forces),
        "departments": sorted(d.code for d in departments),
    }


def _current(user: User) -> dict:
    return _placement(user.role, user.forces, user.departments)


def _asked(req: AccessRequest) -> dict:
    """What an "access" request asks for, in the form change_user compares."""
    wish = _placement(req.role or "", req.forces, req.departments)
    if req.changes_staff_number:
        wish["staff_number"] = req.staff_number
    return wish


def _lock(user: User) -> User:
    """Lock the account's row until the transaction ends (SELECT … FOR UPDATE; on SQLite the
    database's single writer serialises instead) and read it afresh: whatever is decided
    next is decided on the committed role, not on one read before another commit."""
    db.session.refresh(user, with_for_update=True)
    return user


def pending_requests(user: User) -> list[AccessRequest]:
    return list(
        db.session.scalars(
            select(AccessRequest)
            .where(AccessRequest.user_id == user.id, AccessRequest.status == PENDING)
            .order_by(AccessRequest.id)
        )
    )


def pending_of(user: User, kind: str) -> AccessRequest | None:
    return next((r for r in pending_requests(user) if r.kind == kind), None)


def all_pending() -> list[AccessRequest]:
    return list(
        db.session.scalars(
            select(AccessRequest).where(AccessRequest.status == PENDING).order_by(AccessRequest.id)
        )
    )


def latest_decided(user: User) -> AccessRequest | None:
    return db.session.scalar(
        select(AccessRequest)
        .where(AccessRequest.user_id == user.id, AccessRequest.status != PENDING)
        .order_by(AccessRequest.id.desc())
        .limit(1)
    )


def _audit(action: str, req: AccessRequest, **details: Any) -> None:
    record(
        action,
        object_type="user",
        object_id=req.user_id,
        details={"request": req.id, "kind": req.kind, "email": req.user.email, **details},
    )


def _withdraw(req: AccessRequest, why: str) -> None:
    req.status, req.decided_at, req.reason = WITHDRAWN, utcnow(), why
    _audit("access_request_withdrawn", req, reason=why)


# ---- what an administrator asks for -------------------------------------------------------------


def request_access(
    user: User,
    *,
    role: str,
    forces: Sequence[Force],
    departments: Sequence[Department],
    by: User,
    new_account: bool = False,
    changes_staff_number: bool = False,
    staff_number: str | None = None,
) -> AccessRequest:
    """Ask for a case role and placement for the account, and perhaps a new staff number
    (None: clear it); it keeps what it has meanwhile."""
    role_ = accounts._role(role)
    if role_ not in CASE_ROLES:
        raise DomainError(f"{role_.label} does not need a head of PSD's approval", "role")
    if by.id == user.id:
        raise DomainError(OWN_ACCESS, "role")
    staff_number = accounts._clean_staff_number(staff_number) if changes_staff_number else None
    if user.role == Role.ADMIN:
        raise DomainError(
            "An administrator's account cannot have a case role: create a separate account "
            "for their casework",
            "role",
        )
    accounts._check_placement(role_, forces, departments)
    previous = pending_of(user, ACCESS)
    if previous is not None:
        _withdraw(previous, "replaced by a newer request")
    req = AccessRequest(
        kind=ACCESS,
        user=user,
        new_account=new_account,
        role=role_.value,
        status=PENDING,
        requested_by_id=by.id,
        forces=list(forces),
        departments=list(departments),
        changes_staff_number=changes_staff_number,
        staff_number=staff_number,
    )
    db.session.add(req)
    db.session.flush()
    if not new_account:
        revoke_all(user)  # as with any change of access: sign in again (with the old access)
    number = (
        {"staff_number": {"before": user.staff_number, "requested": staff_number}}
        if changes_staff_number
        else {}
    )
    _audit(
        "access_requested",
        req,
        new_account=new_account,
        before=_current(user),
        requested=_placement(role_.value, forces, departments),
        **number,
    )
    return req


def create_account(
    *,
    by: User,
    email: str,
    name: str,
    role: str,
    password: str | None,
    forces: Sequence[Force],
    departments: Sequence[Department] = (),
    staff_number: str | None = None,
) -> tuple[User, AccessRequest | None]:
    """An administrator creates an account. Without a case role it is ready at once; with
    one, it has no role and an unusable password until a head of PSD approves."""
    role_ = accounts._role(role)
    problems = Problems()
    if role_ not in CASE_ROLES and not password:
        problems.add("Enter a temporary password", "new_password")
    if role_ in CASE_ROLES and password:
        problems.add(
            f"Leave the temporary password blank: for a {role_.label} account, the head of PSD "
            "who approves it chooses the temporary password",
            "new_password",
        )
    checked = problems.check(
        accounts.check_new_account,
        email=email,
        name=name,
        role=role_.value,
        forces=forces,
        departments=departments,
        staff_number=staff_number,
        password=password if role_ not in CASE_ROLES and password else None,
    )
    # the form's password box is new_password
    problems.found = [("new_password" if f == "password" else f, m) for f, m in problems.found]
    problems.raise_any()
    assert checked is not None
    email, name, _, staff_number = checked
    if role_ not in CASE_ROLES:
        user = accounts.create_user(
            email=email,
            name=name,
            role=role_.value,
            password=password or "",
            forces=forces,
            departments=departments,
            staff_number=staff_number,
        )
        return user, None
    user = User(
        email=email,
        name=name,
        role=NO_ROLE,
        password_hash=hash_password(secrets.token_urlsafe(32)),  # nobody knows it
        staff_number=staff_number,
        active=True,
        must_change_password=True,
        forces=[],
        departments=[],
    )
    db.session.add(user)
    db.session.flush()
    record(
        "user_created",
        object_type="user",
        object_id=user.id,
        details={
            "email": email,
            "role": NO_ROLE,
            "forces": [],
            "departments": [],
            "staff_number": user.staff_number,
            "awaiting_approval": _placement(role_.value, forces, departments),
        },
    )
    req = request_access(
        user, role=role_.value, forces=forces, departments=departments, by=by, new_account=True
    )
    return user, req


def _update_details(user: User, *, name: str, staff_number: str | None) -> list[str]:
    name, staff_number = accounts._clean_name(name), accounts._clean_staff_number(staff_number)
    before = {"name": user.name, "staff_number": user.staff_number}
    after = {"name": name, "staff_number": staff_number}
    changed = [key for key in before if before[key] != after[key]]
    if changed:
        user.name, user.staff_number = name, staff_number
        record(
            "user_updated",
            object_type="user",
            object_id=user.id,
            details={
                "changed": changed,
                "before": {k: before[k] for k in changed},
                "after": {k: after[k] for k in changed},
            },
        )
    return changed


def change_user(
    user: User,
    *,
    by: User,
    name: str,
    role: str,
    forces: Sequence[Force],
    departments: Sequence[Department],
    staff_number: str | None,
) -> tuple[list[str], AccessRequest | None]:
    """An administrator's edit: the name at once; a case role, or a case-role account's
    forces, departments or staff number, as a request. Without a case role, all at once.
    Returns (what changed now, the request)."""
    role_ = accounts._role(role)
    wanted = _placement(role_.value, forces, departments)
    current = _current(user)
    pending = pending_of(user, ACCESS)
    if role_ in CASE_ROLES:
        # the staff number decides which cases the account may not see (conflict of
        # interest): an account that has, or is to have, a case role keeps its number until
        # a head of PSD approves the new one
        number = accounts._clean_staff_number(staff_number)
        if number != user.staff_number:
            wanted["staff_number"] = number
        keep_number = user.staff_number
        if wanted == current or (pending is not None and wanted == _asked(pending)):
            if wanted == current and pending is not None:
                _withdraw(pending, "the account was kept as it is")
            return _update_details(user, name=name, staff_number=keep_number), None
        if by.id == user.id:
            placement_changed = {**wanted, "staff_number": None} != {
                **current,
                "staff_number": None,
            }
            raise DomainError(
                *((OWN_ACCESS, "role") if placement_changed else (OWN_STAFF_NUMBER, "staff_number"))
            )
        accounts._clean_name(name)
        accounts._check_placement(role_, forces, departments)
        changed = _update_details(user, name=name, staff_number=keep_number)
        req = request_access(
            user,
            role=role_.value,
            forces=forces,
            departments=departments,
            by=by,
            changes_staff_number="staff_number" in wanted,
            staff_number=number,
        )
        return changed, req
    if wanted == current:
        if pending is not None:
            _withdraw(pending, "the account was kept as it is")
        return _update_details(user, name=name, staff_number=staff_number), None
    if by.id == user.id:
        raise DomainError(OWN_ACCESS, "role")
    # a role without case content: at once (this can only narrow case access)
    changed = accounts.update_user(
        user,
        name=name,
        role=role_.value,
        forces=forces,
        departments=departments,
        staff_number=staff_number,
    )
    if pending is not None:
        _withdraw(pending, f"the account was made {role_.label}")
    return changed, None


def needs_approval_to_reset(user: User) -> bool:
    return is_case_role(user.role)


def reset_password(user: User, password: str, *, by: User) -> None:
    """An administrator's direct reset of an account without a case role. The row is locked
    and the role read again first: if a head of PSD gave the account a case role since the
    page was loaded (or commits it while this runs), the administrator must not know its
    password, so the reset is refused."""
    _lock(user)
    if needs_approval_to_reset(user):
        raise DomainError(
            f"{user.name} now has the {user.role_label} role: a head of PSD chooses the "
            "temporary password of such an account. Ask for a password reset instead",
            "new_password",
        )
    accounts.reset_password(user, password)


def request_password_reset(user: User, *, by: User) -> AccessRequest:
    """A case-role account's new temporary password is chosen by a head of PSD who approves.
    The account is signed out now; its own password keeps working until then."""
    if by.id == user.id:
        raise DomainError("Change your own password from your account page")
    if not needs_approval_to_reset(user):
        raise DomainError(
            f"{user.name} has no case role now: reset the password yourself, from this page"
        )
    previous = pending_of(user, PASSWORD)
    if previous is not None:
        _withdraw(previous, "replaced by a newer request")
    req = AccessRequest(kind=PASSWORD, user=user, status=PENDING, requested_by_id=by.id)
    db.session.add(req)
    db.session.flush()
    revoke_all(user)
    _audit("password_reset_requested", req)
    return req


def request_second_factor_reset(user: User, *, by: User) -> AccessRequest:
    """An account that lost its second factor and its recovery codes: an administrator asks,
    and a head of PSD of the account's forces approves (two people, SPEC §9.1 and §16). Until
    then nothing changes; once approved the account sets up a new factor at its next
    sign-in. Every account, whatever its role: a second factor guards them all."""
    if by.id == user.id:
        raise DomainError("You cannot ask for a reset of your own second factor")
    if not user.forces:
        raise DomainError(
            f"{user.name} has no force, so no head of PSD can approve a reset: give the "
            "account a force first"
        )
    previous = pending_of(user, SECOND_FACTOR)
    if previous is not None:
        _withdraw(previous, "replaced by a newer request")
    req = AccessRequest(kind=SECOND_FACTOR, user=user, status=PENDING, requested_by_id=by.id)
    db.session.add(req)
    db.session.flush()
    _audit("second_factor_reset_requested", req)
    return req


def reactivate(user: User, *, by: User) -> AccessRequest | None:
    """A deactivated account signs in again: at once without a case role (the account sees
    no case content); with one, when a head of PSD of its forces approves."""
    if user.active:
        return None
    previous = pending_of(user, REACTIVATION)
    if not is_case_role(user.role):
        accounts.set_active(user, True, by=by)
        if previous is not None:
            _withdraw(previous, "the account was reactivated without a case role")
        return None
    if by.id == user.id:
        raise DomainError("You cannot reactivate your own account")
    if previous is not None:
        _withdraw(previous, "replaced by a newer request")
    req = AccessRequest(kind=REACTIVATION, user=user, status=PENDING, requested_by_id=by.id)
    db.session.add(req)
    db.session.flush()
    _audit("reactivation_requested", req, role=user.role)
    return req


def withdraw(req: AccessRequest, *, by: User) -> None:
    if not req.pending:
        raise DomainError("This request has already been decided")
    _withdraw(req, f"withdrawn by {by.email}")


# ---- what a head of PSD decides ------------------------------------------------------------------


def may_decide(req: AccessRequest, head: User) -> str | None:
    """Why this head of PSD may not decide this request, or None if they may."""
    if not req.pending:
        return "This request has already been decided."
    if head.role != Role.PSD_HEAD or not head.active:
        return "Only a head of PSD can decide access requests."
    if head.id == req.user_id:
        return "You cannot decide a request about your own account."
    if head.id == req.requested_by_id:
        return "You cannot decide a request you made."
    scope = req.scope
    if not scope or not {f.id for f in scope} <= head.force_ids:
        codes = ", ".join(f.code for f in scope) or "the account's force"
        return f"Only a head of PSD of {codes} can decide this request."
    return None


def for_head(head: User) -> list[AccessRequest]:
    """Pending requests within this head of PSD's forces (including ones they may not
    decide themselves, which the page says)."""
    return [r for r in all_pending() if r.scope and {f.id for f in r.scope} <= head.force_ids]


def sets_password(req: AccessRequest) -> bool:
    """The approval gives a temporary password: a reset, or an account's first case role
    (whoever knew its password so far — the administrator who made it — must not keep it)."""
    return req.kind == PASSWORD or (req.kind == ACCESS and not is_case_role(req.user.role))


def approve(req: AccessRequest, *, by: User, password: str | None = None) -> None:
    db.session.refresh(req, with_for_update=True)  # decided once, even by two heads at once
    problem = may_decide(req, by)
    if problem:
        raise DomainError(problem)
    user = _lock(req.user)  # the role is read after the lock: see reset_password
    if req.kind == ACCESS and user.role == Role.ADMIN:
        raise DomainError("An administrator's account cannot have a case role")
    gives_password = sets_password(req)
    if not gives_password:
        password = None  # the head of PSD never sets the password of a working account
    else:
        if not password:
            raise DomainError("Choose a temporary password for the account", "new_password")
        try:
            accounts.check_password(password, email=user.email, name=user.name)
        except DomainError as error:
            raise DomainError(error.message, "new_password") from None
    requester = req.requested_by.email
    if req.kind == REACTIVATION:
        accounts.set_active(user, True, by=by)
        req.status, req.decided_by_id, req.decided_at = APPROVED, by.id, utcnow()
        _audit("reactivation_approved", req, requested_by=requester, role=user.role)
        return
    if req.kind == SECOND_FACTOR:
        removed = second_factors.remove_all(user)  # and signs the account out everywhere
        req.status, req.decided_by_id, req.decided_at = APPROVED, by.id, utcnow()
        _audit("second_factor_reset_approved", req, requested_by=requester, removed=removed)
        return
    if req.kind == PASSWORD:
        accounts.reset_password(user, password or "")
        req.status, req.decided_by_id, req.decided_at = APPROVED, by.id, utcnow()
        _audit("password_reset_approved", req, requested_by=requester)
        return
    role_ = accounts._role(req.role or "")
    accounts._check_placement(role_, req.forces, req.departments)
    before = _current(user)
    number = {}
    if req.changes_staff_number:
        number = {"staff_number": {"before": user.staff_number, "after": req.staff_number}}
        user.staff_number = req.staff_number
    user.role, user.forces, user.departments = role_.value, list(req.forces), list(req.departments)
    if password:
        user.password_hash = hash_password(password)
        user.must_change_password = True
        user.password_changed_at = utcnow()
    revoke_all(user)  # access changed: start again with the new rights
    req.status, req.decided_by_id, req.decided_at = APPROVED, by.id, utcnow()
    _audit(
        "access_approved",
        req,
        requested_by=requester,
        before=before,
        after=_current(user),
        temporary_password=bool(password),
        **number,
    )


def refuse(req: AccessRequest, *, by: User, reason: str) -> None:
    problem = may_decide(req, by)
    if problem:
        raise DomainError(problem)
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("Enter the reason for refusing", "reason")
    if len(reason) > REASON_MAX:
        raise DomainError(f"Reason must be {REASON_MAX} characters or fewer", "reason")
    req.status, req.decided_by_id, req.decided_at, req.reason = REFUSED, by.id, utcnow(), reason
    _audit(
        {
            PASSWORD: "password_reset_refused",
            REACTIVATION: "reactivation_refused",
            SECOND_FACTOR: "second_factor_reset_refused",
        }.get(req.kind, "access_refused"),
        req,
        requested_by=req.requested_by.email,
        reason=reason,
    )
