"""Create and change user accounts. Each change writes its audit entry; never commits."""

from __future__ import annotations

from collections.abc import Sequence

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select

from casetrack.audit.service import record
from casetrack.auth.models import User
from casetrack.auth.passwords import hash_password, password_problem, verify_password
from casetrack.auth.permissions import Role
from casetrack.auth.sessions import revoke_all
from casetrack.errors import DomainError, Problems
from casetrack.extensions import db
from casetrack.org.models import Department, Force
from casetrack.org.numbers import normal_staff_number


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def clean_email(email: str) -> str:
    email = normalise_email(email)
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise DomainError(f"Enter a valid email address ({error})", "email") from None


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def check_password(password: str, *, email: str, name: str) -> None:
    problem = password_problem(
        password,
        email=email,
        name=name,
        min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        max_length=current_app.config["PASSWORD_MAX_LENGTH"],
    )
    if problem:
        raise DomainError(problem, "password")


def _check_placement(
    role: Role, forces: Sequence[Force], departments: Sequence[Department]
) -> None:
    if not forces:
        raise DomainError("Choose the user's force", "forces")
    if role is not Role.PSD and role is not Role.PSD_HEAD and len(forces) > 1:
        raise DomainError(
            "Only PSD users can belong to several forces (collaboration PSDs)", "forces"
        )
    force_ids = {force.id for force in forces}
    stray = [d.label for d in departments if d.force_id not in force_ids]
    if stray:
        raise DomainError(
            f"Departments must belong to the user's force: {', '.join(stray)}", "departments"
        )
    if role is Role.STANDARDS_MANAGER and not departments:
        raise DomainError(
            "A Standards Manager must be attached to at least one department", "departments"
        )


def _clean_staff_number(staff_number: str | None) -> str | None:
    """The one normal form of SPEC §9.1, as workforce records hold it."""
    value = normal_staff_number(staff_number)
    if value and len(value) > 32:
        raise DomainError("Staff number must be 32 characters or fewer", "staff_number")
    return value


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Enter the user's full name", "name")
    if len(name) > 120:
        raise DomainError("Name must be 120 characters or fewer", "name")
    return name


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise DomainError(f"Unknown role {role!r}: use one of {allowed}", "role") from None


def check_new_account(
    *,
    email: str,
    name: str,
    role: str,
    forces: Sequence[Force],
    departments: Sequence[Department],
    staff_number: str | None,
    password: str | None = None,
) -> tuple[str, str, Role, str | None]:
    """A new account's details, cleaned, or a DomainError naming every problem at once (the
    form shows them together). The password is checked when given."""
    problems = Problems()
    clean = problems.check(clean_email, email)
    if clean is not None and user_by_email(clean) is not None:
        problems.add(f"There is already an account for {clean}", "email")
    name_ = problems.check(_clean_name, name)
    role_ = problems.check(_role, role)
    if role_ is not None:
        problems.check(_check_placement, role_, forces, departments)
    number = problems.check(_clean_staff_number, staff_number)
    if password is not None:
        problems.check(check_password, password, email=clean or email, name=name_ or name)
    problems.raise_any()
    assert clean is not None and name_ is not None and role_ is not None
    return clean, name_, role_, number


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    forces: Sequence[Force],
    departments: Sequence[Department] = (),
    staff_number: str | None = None,
    must_change_password: bool = True,
) -> User:
    email, name, role_, staff_number = check_new_account(
        email=email,
        name=name,
        role=role,
        forces=forces,
        departments=departments,
        staff_number=staff_number,
        password=password,
    )
    user = User(
        email=email,
        name=name,
        role=role_.value,
        password_hash=hash_password(password),
        staff_number=staff_number,
        active=True,
        must_change_password=must_change_password,
        forces=list(forces),
        departments=list(departments),
    )
    db.session.add(user)
    db.session.flush()
    record(
        "user_created",
        object_type="user",
        object_id=user.id,
        details={
            "email": email,
            "role": role_.value,
            "forces": [f.code for f in forces],
            "departments": [d.code for d in departments],
            "staff_number": user.staff_number,
        },
    )
    return user


def update_user(
    user: User,
    *,
    name: str,
    role: str,
    forces: Sequence[Force],
    departments: Sequence[Department],
    staff_number: str | None,
) -> list[str]:
    """Apply an admin's edit; returns what changed. A role change signs the user out."""
    name, role_ = _clean_name(name), _role(role)
    _check_placement(role_, forces, departments)
    staff_number = _clean_staff_number(staff_number)
    before = {
        "name": user.name,
        "role": user.role,
        "forces": [f.code for f in user.forces],
        "departments": sorted(d.code for d in user.departments),
        "staff_number": user.staff_number,
    }
    after = {
        "name": name,
        "role": role_.value,
        "forces": sorted(f.code for f in forces),
        "departments": sorted(d.code for d in departments),
        "staff_number": staff_number,
    }
    changed = [key for key in before if before[key] != after[key]]
    if not changed:
        return []
    user.name, user.role, user.staff_number = name, role_.value, staff_number
    user.forces, user.departments = list(forces), list(departments)
    if {"role", "forces", "departments"} & set(changed):
        revoke_all(user)  # access changed: start again with the new rights
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


def set_active(user: User, active: bool, *, by: User | None = None) -> None:
    if by is not None and by.id == user.id and not active:
        raise DomainError("You cannot deactivate your own account")
    if user.active == active:
        return
    user.active = active
    if not active:
        revoke_all(user)
    record(
        "user_reactivated" if active else "user_deactivated",
        object_type="user",
        object_id=user.id,
        details={"email": user.email},
    )


def reset_password(user: User, password: str) -> None:
    """An administrator sets a temporary password; the user must change it at next sign-in."""
    check_password(password, email=user.email, name=user.name)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    revoke_all(user)
    record("password_reset", object_type="user", object_id=user.id, details={"email": user.email})


def change_own_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise DomainError("Your current password is not correct", "current_password")
    if current == new:
        raise DomainError("Choose a password different from your current one", "new_password")
    check_password(new, email=user.email, name=user.name)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    revoke_all(user)  # every other browser is signed out; the caller starts a fresh session
    record("password_changed", object_type="user", object_id=user.id)
