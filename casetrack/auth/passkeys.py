"""Passkeys and security keys (WebAuthn, SPEC §16) with py_webauthn. Nothing here commits.

The relying party ID is the host the browser sees (or WEBAUTHN_RP_ID); the expected origin is
the request's own scheme and host. The challenge of each ceremony is kept in the signed
session cookie until the browser answers, and used once.
"""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, request, session
from sqlalchemy import select
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from casetrack.audit.service import record
from casetrack.auth.models import SecondFactor, User
from casetrack.auth.second_factors import WEBAUTHN, factors
from casetrack.extensions import db
from casetrack.timeutil import utcnow

CHALLENGE_KEY = "webauthn_challenge"
LABEL_MAX = 60


class PasskeyError(ValueError):
    """The browser's answer did not verify (the message is safe to show)."""


def rp_id() -> str:
    return current_app.config.get("WEBAUTHN_RP_ID") or (request.host.split(":")[0])


def origin() -> str:
    return f"{request.scheme}://{request.host}"


def _passkeys(user: User) -> list[SecondFactor]:
    return [f for f in factors(user) if f.kind == WEBAUTHN and f.credential_id]


def _take_challenge(purpose: str) -> bytes:
    stored = session.pop(CHALLENGE_KEY, None)
    if not isinstance(stored, dict) or stored.get("for") != purpose:
        raise PasskeyError("The request has expired. Try again.")
    return base64url_to_bytes(stored["challenge"])


def registration_options(user: User) -> str:
    options = generate_registration_options(
        rp_id=rp_id(),
        rp_name=current_app.config.get("WEBAUTHN_RP_NAME") or "CaseTrack",
        user_id=f"casetrack-user-{user.id}".encode(),
        user_name=user.email,
        user_display_name=user.name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=f.credential_id) for f in _passkeys(user)
        ],
    )
    session[CHALLENGE_KEY] = {"for": "register", "challenge": bytes_to_base64url(options.challenge)}
    return options_to_json(options)


def register(user: User, credential: str, label: str) -> SecondFactor:
    """Verify the browser's new credential and keep it as the user's factor."""
    challenge = _take_challenge("register")
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id(),
            expected_origin=origin(),
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyError("The passkey could not be checked. Try again.") from error
    if db.session.scalar(
        select(SecondFactor.id).where(SecondFactor.credential_id == verified.credential_id)
    ):
        raise PasskeyError("That passkey is already registered.")
    transports = _transports(credential)
    factor = SecondFactor(
        user_id=user.id,
        kind=WEBAUTHN,
        label=(" ".join((label or "").split()) or "Passkey")[:LABEL_MAX],
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=transports,
        last_used_at=utcnow(),
    )
    db.session.add(factor)
    db.session.flush()
    record(
        "second_factor_enrolled",
        object_type="user",
        object_id=user.id,
        details={"kind": WEBAUTHN, "factor": factor.id, "label": factor.label},
    )
    return factor


def _transports(credential: str) -> str | None:
    try:
        found = json.loads(credential).get("response", {}).get("transports") or []
    except (ValueError, AttributeError):
        return None
    return ",".join(t for t in found if isinstance(t, str))[:120] or None


def authentication_options(user: User) -> str:
    options = generate_authentication_options(
        rp_id=rp_id(),
        allow_credentials=[
            PublicKeyCredentialDescriptor(id=f.credential_id) for f in _passkeys(user)
        ],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    session[CHALLENGE_KEY] = {"for": "sign-in", "challenge": bytes_to_base64url(options.challenge)}
    return options_to_json(options)


def authenticate(user: User, credential: str) -> SecondFactor:
    """Verify the browser's signature with one of the user's passkeys; update its counter."""
    challenge = _take_challenge("sign-in")
    try:
        raw_id = base64url_to_bytes(str(json.loads(credential)["rawId"]))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise PasskeyError("The passkey could not be checked. Try again.") from error
    factor = next((f for f in _passkeys(user) if f.credential_id == raw_id), None)
    if factor is None:
        raise PasskeyError("That passkey is not registered to this account.")
    db.session.refresh(factor, with_for_update=True)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id(),
            expected_origin=origin(),
            credential_public_key=factor.public_key or b"",
            credential_current_sign_count=factor.sign_count or 0,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyError("The passkey could not be checked. Try again.") from error
    factor.sign_count, factor.last_used_at = verified.new_sign_count, utcnow()
    return factor


def credential_from(form: Any) -> str:
    value = form.get("credential", "")
    if not isinstance(value, str) or not value or len(value) > 20_000:
        raise PasskeyError("The passkey could not be checked. Try again.")
    return value
