"""User accounts and their server-side sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.auth.permissions import NO_ROLE, Role
from casetrack.extensions import db
from casetrack.org.models import Department, Force
from casetrack.timeutil import utcnow

user_forces = Table(
    "user_forces",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("force_id", ForeignKey("forces.id"), primary_key=True),
)

user_departments = Table(
    "user_departments",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("departments.id"), primary_key=True),
)


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    staff_number: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    forces: Mapped[list[Force]] = relationship(secondary=user_forces, order_by=Force.code)
    departments: Mapped[list[Department]] = relationship(
        secondary=user_departments, order_by=Department.name
    )

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def role_label(self) -> str:
        if self.role == NO_ROLE:
            return "No role"
        try:
            return Role(self.role).label
        except ValueError:
            return self.role

    @property
    def force_ids(self) -> set[int]:
        return {force.id for force in self.forces}

    @property
    def department_ids(self) -> set[int]:
        return {department.id for department in self.departments}

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class UserSession(db.Model):
    """One signed-in browser. Deleting the row signs that browser out, wherever it is."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # How this browser signed in ("password+totp", "password+passkey", "password+recovery_code",
    # "oidc") and when its second factor (or the provider's sign-in) was last shown: step-up
    # (SPEC §16) asks again when that is older than 15 minutes.
    method: Mapped[str | None] = mapped_column(String(32))
    second_factor_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class SecondFactor(db.Model):
    """A local account's second factor (SPEC §16): an authenticator app (TOTP) or a passkey /
    security key (WebAuthn), kept once the user has shown it works (a code, a signature)."""

    __tablename__ = "second_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "totp" or "webauthn"
    label: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # TOTP: the secret, sealed with a key derived from SECRET_KEY, and the last 30-second time
    # step whose code was accepted (each code is used once: only later steps are accepted).
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # WebAuthn: the credential's id, COSE public key and signature counter.
    credential_id: Mapped[bytes | None] = mapped_column(LargeBinary, unique=True)
    public_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    sign_count: Mapped[int | None] = mapped_column(Integer)
    transports: Mapped[str | None] = mapped_column(String(120))

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A single-use recovery code, stored as its SHA-256 (the codes are 80 random bits)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ExternalIdentity(db.Model):
    """Who the force's OpenID provider says an account is: its issuer and subject (`sub`).
    Only the identity comes from the provider; roles come from CaseTrack alone."""

    __tablename__ = "external_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


access_request_forces = Table(
    "access_request_forces",
    db.metadata,
    Column("request_id", ForeignKey("access_requests.id", ondelete="CASCADE"), primary_key=True),
    Column("force_id", ForeignKey("forces.id"), primary_key=True),
)

access_request_departments = Table(
    "access_request_departments",
    db.metadata,
    Column("request_id", ForeignKey("access_requests.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("departments.id"), primary_key=True),
)


class AccessRequest(db.Model):
    """A change an administrator asked for that takes effect only when a head of PSD of the
    force approves it (SPEC §9.1): a case role, or a case-role account's forces, departments
    or staff number (kind "access"), a new temporary password for a case-role account (kind
    "password"), or the reactivation of a deactivated case-role account (kind "reactivation").
    """

    __tablename__ = "access_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "access", "password", "reactivation" or "second_factor" (a second-factor reset)
    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    new_account: Mapped[bool] = mapped_column(Boolean, default=False)
    role: Mapped[str | None] = mapped_column(String(32))  # the role asked for ("access")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)  # why it was refused or withdrawn
    # "access": whether it also sets the staff number, and to what (None: clear it). The
    # account keeps its own number until a head of PSD approves (the conflict-of-interest rule
    # compares it with the case subjects').
    changes_staff_number: Mapped[bool] = mapped_column(Boolean, default=False)
    staff_number: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    # the forces and departments asked for ("access")
    forces: Mapped[list[Force]] = relationship(secondary=access_request_forces, order_by=Force.code)
    departments: Mapped[list[Department]] = relationship(
        secondary=access_request_departments, order_by=Department.name
    )

    @property
    def pending(self) -> bool:
        return self.status == "pending"

    @property
    def role_label(self) -> str:
        try:
            return Role(self.role).label if self.role else ""
        except ValueError:
            return self.role or ""

    @property
    def scope(self) -> list[Force]:
        """The forces whose head of PSD decides it: those asked for, or the account's own."""
        return list(self.forces) if self.kind == "access" else list(self.user.forces)
