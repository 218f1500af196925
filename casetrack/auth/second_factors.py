"""Second factors of local accounts (SPEC §16): authenticator-app codes (TOTP), recovery codes,
and resetting them. Each change writes its audit entry; nothing here commits.

TOTP: 30-second steps, six digits, one step either side accepted for clock drift, and each
code used once: a code is accepted only for a time step later than the last one accepted for
that factor (RFC 6238 §5.2). The secret is sealed (AES-GCM, key derived from SECRET_KEY), so a
copy of the database alone does not give anyone the codes.

Passkeys and security keys (WebAuthn) are in casetrack/auth/passkeys.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy import delete, select

from casetrack.audit.service import record
from casetrack.auth.models import RecoveryCode, SecondFactor, User
from casetrack.auth.sessions import revoke_all
from casetrack.extensions import db
from casetrack.timeutil import utcnow

TOTP, WEBAUTHN = "totp", "webauthn"
STEP_SECONDS = 30
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


# ---- sealing the TOTP secret ----------------------------------------------------------------


def _key() -> bytes:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hashlib.sha256(b"casetrack totp secret v1\x00" + secret).digest()


def seal(secret: str) -> str:
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_key()).encrypt(nonce, secret.encode("ascii"), b"totp")
    return "v1:" + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(sealed: str) -> str | None:
    """The secret, or None if it was sealed under another SECRET_KEY (or is damaged)."""
    try:
        raw = base64.urlsafe_b64decode(sealed.removeprefix("v1:"))
        return AESGCM(_key()).decrypt(raw[:12], raw[12:], b"totp").decode("ascii")
    except (ValueError, InvalidTag):
        return None


# ---- what a user has -------------------------------------------------------------------------


def factors(user: User) -> list[SecondFactor]:
    return list(
        db.session.scalars(
            select(SecondFactor).where(SecondFactor.user_id == user.id).order_by(SecondFactor.id)
        )
    )


def has_second_factor(user: User) -> bool:
    return bool(factors(user))


def has_kind(user: User, kind: str) -> bool:
    return any(f.kind == kind for f in factors(user))


def recovery_codes_left(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


# ---- authenticator apps (TOTP) ------------------------------------------------------------------


def time_step(at: datetime | None = None) -> int:
    return int((at or utcnow()).timestamp()) // STEP_SECONDS


def new_totp_secret() -> str:
    """A fresh secret, sealed: the enrolment page keeps it in the session until the user
    types a code from it (nothing is stored before that)."""
    return seal(pyotp.random_base32())


def totp_secret(factor: SecondFactor) -> str | None:
    return unseal(factor.totp_secret) if factor.totp_secret else None


def provisioning_uri(secret: str, user: User) -> str:
    issuer = current_app.config.get("WEBAUTHN_RP_NAME") or "CaseTrack"
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code(uri: str) -> str:
    """The enrolment QR code as an SVG data URI (an <img>, so the CSP needs nothing more)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def grouped(secret: str) -> str:
    """The secret for typing in by hand, in groups of four."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean_code(code: str | None) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-")


def _totp_step(secret: str | None, last: int | None, code: str) -> int | None:
    """The time step the code belongs to, if it is the secret's code for a step later than
    `last` (the last one accepted) and within one step of now."""
    code = _clean_code(code)
    if secret is None or len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = time_step()
    floor = last if last is not None else -1
    for step in (now - 1, now, now + 1):
        if step > floor and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def confirm_totp(user: User, sealed: str, code: str) -> SecondFactor | None:
    """Enrolment: the first right code from the app makes the factor; None if it is wrong."""
    step = _totp_step(unseal(sealed), None, code)
    if step is None:
        return None
    factor = SecondFactor(
        user_id=user.id,
        kind=TOTP,
        label="Authenticator app",
        totp_secret=sealed,
        totp_last_step=step,
        last_used_at=utcnow(),
    )
    db.session.add(factor)
    db.session.flush()
    record(
        "second_factor_enrolled",
        object_type="user",
        object_id=user.id,
        details={"kind": TOTP, "factor": factor.id},
    )
    return factor


def check_totp(user: User, code: str) -> SecondFactor | None:
    """The user's authenticator-app factor this code is from (and now used), or None."""
    for factor in factors(user):
        if factor.kind != TOTP:
            continue
        db.session.refresh(factor, with_for_update=True)  # a code is used once, even by two
        step = _totp_step(totp_secret(factor), factor.totp_last_step, code)
        if step is not None:
            factor.totp_last_step, factor.last_used_at = step, utcnow()
            return factor
    return None


def enrol_known_totp(user: User, secret: str, *, why: str) -> SecondFactor:
    """Give an account an authenticator-app factor with a known secret (the demo accounts'
    published secret; `why` goes in the audit entry). Not reachable from any page."""
    factor = SecondFactor(
        user_id=user.id,
        kind=TOTP,
        label="Authenticator app",
        totp_secret=seal(secret),
    )
    db.session.add(factor)
    db.session.flush()
    record(
        "second_factor_enrolled",
        object_type="user",
        object_id=user.id,
        details={"kind": TOTP, "factor": factor.id, "by": why},
    )
    return factor


# ---- recovery codes --------------------------------------------------------------------------


def _hash_code(code: str) -> str:
    return hashlib.sha256(_clean_code(code).lower().encode("utf-8")).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh single-use codes (80 random bits each), replacing any unused ones. Shown
    once; only their hashes are kept."""
    db.session.execute(
        delete(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_code(c)) for c in codes)
    record("recovery_codes_created", object_type="user", object_id=user.id, details={"count": 10})
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one recovery code; False if it is not one of the user's unused codes."""
    cleaned = _clean_code(code)
    if not 8 <= len(cleaned) <= 32:
        return False
    row = db.session.scalar(
        select(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_code(cleaned),
            RecoveryCode.used_at.is_(None),
        )
        .with_for_update()
    )
    if row is None:
        return False
    row.used_at = utcnow()
    record(
        "recovery_code_used",
        object_type="user",
        object_id=user.id,
        details={"left": recovery_codes_left(user)},
    )
    return True


# ---- removing -----------------------------------------------------------------------------------


def remove_all(user: User) -> int:
    """Delete every second factor and recovery code of the account and sign it out everywhere
    (an approved reset, SPEC §9.1): it sets up a new factor at its next sign-in."""
    removed = len(factors(user))
    db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    revoke_all(user)
    return removed
