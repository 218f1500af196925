"""Access requests (SPEC §9.1). Every request, approval, refusal and withdrawal writes its
audit entry; nothing here commits.

An administrator creates accounts and manages organisation data. A role that sees case
content (CASE_ROLES), any change of such an account's forces or departments, and a new
temporary password for such an account take effect only when a head of PSD of the force
approves: two people, both in the audit log. Nobody changes their own role, forces or
departments, nor decides a request about themselves or made by themselves, and an
administrator's account never gets a case role.

The temporary password of a case-role account is always chosen by the approving head of PSD,
never by an administrator: when an account gets its first case role (new or not) and when
its password is reset. So the administrator who asked never holds a working credential for
the access they asked for.

The command line (`casetrack users create`, `casetrack demo`) calls auth.service.create_user
directly: the operator's bootstrap path for the first head of PSD, audited as "cli:<user>".
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from casetrack.audit.service import record
from casetrack.auth import service as accounts
from casetrack.auth.models import AccessRequest, User
from casetrack.auth.passwords import hash_password
from casetrack.auth.permissions import CASE_ROLES, NO_ROLE, Role
from casetrack.auth.sessions import revoke_all
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.org.models import Department, Force
from casetrack.timeutil import utcnow

ACCESS, PASSWORD = "access", "password"
PENDING, APPROVED, REFUSED, WITHDRAWN = "pending", "approved", "refused", "withdrawn"
REASON_MAX = 500

OWN_ACCESS = "You cannot change your own role, forces or departments"


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
) -> AccessRequest:
    """Ask for a case role and placement for the account; it keeps what it has meanwhile."""
    role_ = accounts._role(role)
    if role_ not in CASE_ROLES:
        raise DomainError(f"{role_.label} does not need a head of PSD's approval", "role")
    if by.id == user.id:
        raise DomainError(OWN_ACCESS, "role")
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
    )
    db.session.add(req)
    db.session.flush()
    if not new_account:
        revoke_all(user)  # as with any change of access: sign in again (with the old access)
    _audit(
        "access_requested",
        req,
        new_account=new_account,
        before=_current(user),
        requested=_placement(role_.value, forces, departments),
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
    if role_ not in CASE_ROLES:
        if not password:
            raise DomainError("Enter a temporary password", "new_password")
        user = accounts.create_user(
            email=email,
            name=name,
            role=role_.value,
            password=password,
            forces=forces,
            departments=departments,
            staff_number=staff_number,
        )
        return user, None
    email, name = accounts.clean_email(email), accounts._clean_name(name)
    if accounts.user_by_email(email) is not None:
        raise DomainError(f"There is already an account for {email}", "email")
    accounts._check_placement(role_, forces, departments)
    if password:
        raise DomainError(
            f"Leave the temporary password blank: for a {role_.label} account, the head of PSD "
            "who approves it chooses the temporary password",
            "new_password",
        )
    user = User(
        email=email,
        name=name,
        role=NO_ROLE,
        password_hash=hash_password(secrets.token_urlsafe(32)),  # nobody knows it
        staff_number=accounts._clean_staff_number(staff_number),
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
    """An administrator's edit: name and staff number at once; a case role, or a case-role
    account's forces/departments, as a request. Returns (what changed now, the request)."""
    role_ = accounts._role(role)
    wanted = _placement(role_.value, forces, departments)
    pending = pending_of(user, ACCESS)
    asked = pending is not None and wanted == _placement(
        pending.role or "", pending.forces, pending.departments
    )
    if wanted == _current(user) or asked:
        if wanted == _current(user) and pending is not None:
            _withdraw(pending, "the account was kept as it is")
        return _update_details(user, name=name, staff_number=staff_number), None
    if by.id == user.id:
        raise DomainError(OWN_ACCESS, "role")
    if role_ in CASE_ROLES:
        accounts._clean_name(name)
        accounts._check_placement(role_, forces, departments)
        changed = _update_details(user, name=name, staff_number=staff_number)
        req = request_access(user, role=role_.value, forces=forces, departments=departments, by=by)
        return changed, req
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


def request_password_reset(user: User, *, by: User) -> AccessRequest:
    """A case-role account's new temporary password is chosen by a head of PSD who approves.
    The account is signed out now; its own password keeps working until then."""
    if by.id == user.id:
        raise DomainError("Change your own password from your account page")
    previous = pending_of(user, PASSWORD)
    if previous is not None:
        _withdraw(previous, "replaced by a newer request")
    req = AccessRequest(kind=PASSWORD, user=user, status=PENDING, requested_by_id=by.id)
    db.session.add(req)
    db.session.flush()
    revoke_all(user)
    _audit("password_reset_requested", req)
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
    return req.kind == PASSWORD or not is_case_role(req.user.role)


def approve(req: AccessRequest, *, by: User, password: str | None = None) -> None:
    problem = may_decide(req, by)
    if problem:
        raise DomainError(problem)
    user = req.user
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
    if req.kind == PASSWORD:
        accounts.reset_password(user, password or "")
        req.status, req.decided_by_id, req.decided_at = APPROVED, by.id, utcnow()
        _audit("password_reset_approved", req, requested_by=requester)
        return
    role_ = accounts._role(req.role or "")
    accounts._check_placement(role_, req.forces, req.departments)
    before = _current(user)
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
        "password_reset_refused" if req.kind == PASSWORD else "access_refused",
        req,
        requested_by=req.requested_by.email,
        reason=reason,
    )
