"""Server-side sessions: a random token in the signed cookie, its hash in user_sessions.

Signing out, changing a password or role, or deactivating an account deletes rows here,
which signs those browsers out at their next request, whichever process serves it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, g, session
from flask_login import login_user, logout_user
from sqlalchemy import delete, select

from casetrack.auth.models import User, UserSession
from casetrack.extensions import db
from casetrack.timeutil import as_utc, utcnow

SESSION_KEY = "sid"
EXPIRED_KEY = "expired"
_TOUCH_EVERY = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def start_session(
    user: User, *, method: str | None = None, second_factor_at: datetime | None = None
) -> None:
    """Sign the user in on a brand-new session (no fixation: old cookie contents dropped).
    `method` and `second_factor_at` say how, and when the second factor was last shown."""
    session.clear()
    g.pop("csrf_token", None)  # a page rendered after this gets a token of the new session
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            token_hash=_digest(token),
            user_id=user.id,
            method=method,
            second_factor_at=second_factor_at,
        )
    )
    session[SESSION_KEY] = token
    # A browser-session cookie (no Expires): the server alone ends sessions (idle and absolute
    # timeouts, in load_user), and closing the browser drops the cookie.
    login_user(user)


def end_session() -> None:
    """Delete this browser's session row and clear the cookie."""
    token = session.get(SESSION_KEY)
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _digest(token)))
    logout_user()
    session.clear()


def current_session() -> UserSession | None:
    """This browser's session row (for a signed-in request)."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    return db.session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))


def revoke_all(user: User) -> None:
    """Sign the user out everywhere (password or role change, deactivation)."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def load_user(user_id: str) -> User | None:
    """Flask-Login user_loader: only a live, unexpired session row makes a signed-in user."""
    token = session.get(SESSION_KEY)
    if not token or not user_id.isdigit():
        return None
    row = db.session.scalar(
        select(UserSession).where(
            UserSession.token_hash == _digest(token), UserSession.user_id == int(user_id)
        )
    )
    if row is None:
        return None
    now = utcnow()
    config = current_app.config
    if (
        now - as_utc(row.created_at) > config["ABSOLUTE_TIMEOUT"]
        or now - as_utc(row.last_seen_at) > config["IDLE_TIMEOUT"]
    ):
        db.session.delete(row)
        db.session.commit()
        session.pop(SESSION_KEY, None)
        session[EXPIRED_KEY] = True  # the sign-in page explains why
        return None
    if not row.user.active:
        return None
    if now - as_utc(row.last_seen_at) > _TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return row.user
