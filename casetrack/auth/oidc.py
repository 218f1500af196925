"""Signing in through the force's OpenID provider (SPEC §16), with Authlib's Flask client.

Authorisation code flow with PKCE (S256), state and nonce (Authlib keeps them in the signed
session cookie, each used once); the provider's endpoints and keys come from its discovery
document, and an ID token signed with a key id we do not know makes Authlib fetch the keys
again (key rotation). The provider says who someone is — its issuer and `sub`, kept in
external_identities — and CaseTrack alone says what they may do: no role ever comes from a
claim. Nothing here commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import current_app
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from sqlalchemy import select

from casetrack.audit.service import record
from casetrack.auth.models import ExternalIdentity, User
from casetrack.auth.passwords import hash_password
from casetrack.auth.permissions import NO_ROLE
from casetrack.auth.service import clean_email, user_by_email
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.timeutil import utcnow

REFUSE, NO_ROLE_ACCOUNT = "refuse", "no_role"


class SignInProblem(Exception):
    """Signing in at the provider did not work; `message` is for the person, `reason` for the
    audit log."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(reason)
        self.message, self.reason = message, reason


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str | None
    claims: dict[str, Any]


def configured() -> bool:
    config = current_app.config
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def provider_name() -> str:
    config = current_app.config
    return str(config.get("OIDC_PROVIDER_NAME") or config.get("FORCE_NAME") or "your force")


def client() -> Any:
    """This app's Authlib client for the configured provider (made again if the
    configuration changes; the discovery document and keys are cached in it)."""
    config = current_app.config
    key = (config["OIDC_ISSUER"], config["OIDC_CLIENT_ID"], config.get("OIDC_CLIENT_SECRET"))
    cache = current_app.extensions.setdefault("casetrack_oidc", {})
    if cache.get("key") != key:
        oauth = OAuth(current_app)
        issuer = str(config["OIDC_ISSUER"]).rstrip("/")
        cache["client"] = oauth.register(
            "force",
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config.get("OIDC_CLIENT_SECRET"),
            server_metadata_url=issuer + "/.well-known/openid-configuration",
            client_kwargs={
                "scope": "openid email profile",
                "code_challenge_method": "S256",
                "default_timeout": config.get("OIDC_TIMEOUT", 10),
            },
        )
        cache["key"] = key
    return cache["client"]


def _provider_down() -> SignInProblem:
    return SignInProblem(
        f"The {provider_name()} sign-in service is not answering. Try again in a few minutes, "
        "or sign in with your CaseTrack email address and password.",
        "provider unreachable",
    )


def authorize_redirect(redirect_uri: str, *, step_up: bool = False) -> Any:
    """The redirect to the provider's sign-in page (state, nonce and PKCE made here)."""
    extra = {"prompt": "login", "max_age": 0} if step_up else {}
    try:
        return client().authorize_redirect(redirect_uri, **extra)
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as error:
        raise _provider_down() from error


def complete() -> Identity:
    """Check the provider's answer on the callback: state, code exchange with the PKCE
    verifier and client secret, and the ID token's signature, issuer, audience, expiry and
    nonce. Every failure is a SignInProblem with a message a person can act on."""
    name = provider_name()
    try:
        token = client().authorize_access_token()
    except MismatchingStateError as error:
        raise SignInProblem(
            "This sign-in link has expired or has already been used. Start again.",
            "missing or replayed state",
        ) from error
    except OAuthError as error:
        if error.error == "access_denied":
            raise SignInProblem(
                f"You did not finish signing in at {name}. Try again when you are ready.",
                "cancelled at the provider",
            ) from error
        if error.error in ("invalid_client", "unauthorized_client"):
            raise SignInProblem(
                f"{name} refused CaseTrack's sign-in request. Tell your system administrator: "
                "the service's client settings may be wrong.",
                f"provider refused the client ({error.error})",
            ) from error
        raise SignInProblem(
            f"{name} could not sign you in. Start again.",
            f"provider error ({(error.error or 'unknown')[:40]})",
        ) from error
    except requests.RequestException as error:
        raise _provider_down() from error
    except ExpiredTokenError as error:
        raise SignInProblem(
            f"The sign-in from {name} had expired by the time it reached CaseTrack. Check the "
            "computer's clock is right and start again.",
            "expired id_token",
        ) from error
    except ClaimError as error:
        claim = getattr(error, "claim", "?")
        meant = {
            "aud": "was meant for another service",
            "azp": "was meant for another service",
            "iss": "came from another provider",
            "nonce": "did not match the one CaseTrack started",
        }.get(claim, "could not be checked")
        raise SignInProblem(
            f"The sign-in from {name} {meant}, so CaseTrack did not accept it. Start again.",
            f"id_token claim {claim} invalid",
        ) from error
    except (JoseError, ValueError, KeyError, TypeError, RuntimeError) as error:
        raise SignInProblem(
            f"The sign-in from {name} could not be checked, so CaseTrack did not accept it. "
            "Start again.",
            f"id_token not valid ({type(error).__name__})",
        ) from error
    claims = dict(token.get("userinfo") or {})
    if not claims.get("sub"):
        raise SignInProblem(
            f"{name} did not say who you are. Start again.", "no id_token or no subject"
        )
    email = claims.get("email")
    return Identity(
        issuer=str(claims.get("iss") or current_app.config["OIDC_ISSUER"]),
        subject=str(claims["sub"])[:255],
        email=email.strip().lower()[:254] if isinstance(email, str) else None,
        email_verified=claims.get("email_verified") is True,
        name=claims.get("name") if isinstance(claims.get("name"), str) else None,
        claims=claims,
    )


NO_ACCOUNT = (
    "There is no CaseTrack account for your {name} account. Ask your system administrator to "
    "create one."
)


def account_for(identity: Identity) -> User:
    """The CaseTrack account for this identity: the one linked before; else (if allowed) the
    account with the same verified email, linked now; else, as configured, none (refused)
    or a new account without any role."""
    name = provider_name()
    linked = db.session.scalar(
        select(ExternalIdentity).where(
            ExternalIdentity.issuer == identity.issuer,
            ExternalIdentity.subject == identity.subject,
        )
    )
    if linked is not None:
        user = linked.user
        linked.last_sign_in_at = utcnow()
    else:
        user = _link_by_email(identity) or _new_account(identity)
        if user is None:
            raise SignInProblem(NO_ACCOUNT.format(name=name), "unknown identity")
    if not user.active:
        raise SignInProblem(
            "Your CaseTrack account is deactivated. Ask your system administrator.",
            "account deactivated",
        )
    return user


def _link(user: User, identity: Identity, how: str) -> None:
    db.session.add(
        ExternalIdentity(
            user_id=user.id,
            issuer=identity.issuer,
            subject=identity.subject,
            last_sign_in_at=utcnow(),
        )
    )
    db.session.flush()
    record(
        "identity_linked",
        object_type="user",
        object_id=user.id,
        actor=(user.id, user.email),
        details={"issuer": identity.issuer, "subject": identity.subject, "how": how},
    )


def _link_by_email(identity: Identity) -> User | None:
    if not (current_app.config.get("OIDC_LINK_VERIFIED_EMAIL") and identity.email_verified):
        return None
    user = user_by_email(identity.email or "")
    if user is None:
        return None
    already = db.session.scalar(
        select(ExternalIdentity.id).where(
            ExternalIdentity.user_id == user.id, ExternalIdentity.issuer == identity.issuer
        )
    )
    if already is not None:
        return None  # linked to another subject at this provider: never re-pointed by email
    _link(user, identity, "verified email")
    return user


def _new_account(identity: Identity) -> User | None:
    if current_app.config.get("OIDC_UNKNOWN", REFUSE) != NO_ROLE_ACCOUNT:
        return None
    if not identity.email_verified or not identity.email:
        raise SignInProblem(
            NO_ACCOUNT.format(name=provider_name()), "unknown identity without a verified email"
        )
    try:
        email = clean_email(identity.email)
    except DomainError as error:
        raise SignInProblem(
            NO_ACCOUNT.format(name=provider_name()), "unknown identity, email not valid"
        ) from error
    if user_by_email(email) is not None:
        raise SignInProblem(NO_ACCOUNT.format(name=provider_name()), "email belongs to an account")
    name = " ".join((identity.name or email.split("@")[0]).split())[:120] or email[:120]
    user = User(
        email=email,
        name=name,
        role=NO_ROLE,
        password_hash=hash_password(secrets.token_urlsafe(32)),  # nobody knows it
        active=True,
        must_change_password=False,
        forces=[],
        departments=[],
    )
    db.session.add(user)
    db.session.flush()
    record(
        "user_created",
        object_type="user",
        object_id=user.id,
        actor=(user.id, user.email),
        details={"email": email, "role": NO_ROLE, "by": "first sign-in at the provider"},
    )
    _link(user, identity, "new account without a role")
    return user


def logout_url(post_logout_redirect_uri: str) -> str | None:
    """RP-initiated sign-out at the provider, if it offers an end_session_endpoint."""
    try:
        metadata = client().load_server_metadata()
    except (requests.RequestException, ValueError, KeyError, RuntimeError):
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    return client().create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri,
        client_id=current_app.config["OIDC_CLIENT_ID"],
    )["url"]
