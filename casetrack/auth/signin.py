"""The steps of signing in (SPEC §16): password, then a second factor, then a session.

After the right password the browser holds only a *pending* sign-in (the account's id and
when the password was shown, in the signed session cookie, for PENDING_SIGN_IN_TIMEOUT): it
is not signed in and can reach nothing but the second-factor pages. An account with no second
factor sets one up there first. Only then does sign-in start the server-side session, with
the time of the second factor in it, which step-up compares with STEP_UP_AFTER.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user

from casetrack.audit.service import record
from casetrack.auth.models import User
from casetrack.auth.sessions import current_session, start_session
from casetrack.extensions import db
from casetrack.timeutil import as_utc, utcnow

PENDING_KEY = "pending_sign_in"
NEXT_KEY = "after_sign_in"
F = TypeVar("F", bound=Callable[..., Any])


def begin(user: User, next_target: str) -> None:
    """The password was right: remember whose second factor to ask for (nothing more)."""
    session.clear()
    session[PENDING_KEY] = {"user": user.id, "at": utcnow().timestamp(), "next": next_target}


def pending_user() -> User | None:
    """The account whose password this browser has just shown, while that is recent."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("user"), int):
        return None
    at = pending.get("at")
    limit = current_app.config["PENDING_SIGN_IN_TIMEOUT"].total_seconds()
    if not isinstance(at, int | float) or not 0 <= utcnow().timestamp() - at <= limit:
        session.pop(PENDING_KEY, None)
        return None
    user = db.session.get(User, pending["user"])
    if user is None or not user.active:
        return None
    return user


def pending_next() -> str:
    pending = session.get(PENDING_KEY)
    target = pending.get("next") if isinstance(pending, dict) else None
    return target if isinstance(target, str) else url_for("main.home")


def finish(user: User, method: str, *, next_target: str, **details: Any) -> str:
    """Start the session (a second factor shown now) and audit the sign-in; where to go."""
    start_session(user, method=method, second_factor_at=utcnow())
    record(
        "sign_in",
        object_type="user",
        object_id=user.id,
        actor=(user.id, user.email),
        details={"method": method, **details},
    )
    if user.must_change_password and method != "oidc":
        flash("Choose a new password before you continue.", "info")
        return url_for("auth.change_password")
    return next_target


def remember_next(target: str) -> None:
    """Where to go once the recovery codes have been read (the session was just started)."""
    session[NEXT_KEY] = target


def take_next() -> str:
    target = session.pop(NEXT_KEY, None)
    return target if isinstance(target, str) else url_for("main.home")


# ---- step-up ---------------------------------------------------------------------------------


def current_method() -> str | None:
    row = current_session()
    return row.method if row is not None else None


def second_factor_at() -> datetime | None:
    row = current_session()
    return as_utc(row.second_factor_at) if row is not None and row.second_factor_at else None


def second_factor_is_recent() -> bool:
    at = second_factor_at()
    return at is not None and utcnow() - at <= current_app.config["STEP_UP_AFTER"]


def confirmed_again(method: str) -> None:
    """The signed-in user showed their second factor again (step-up)."""
    row = current_session()
    if row is not None:
        row.second_factor_at = utcnow()
    record(
        "second_factor_confirmed",
        object_type="user",
        object_id=current_user.id,
        details={"method": method},
    )


def require_recent_second_factor(view: F) -> F:
    """Step-up (SPEC §16): the view runs only if this session's second factor was shown in
    the last STEP_UP_AFTER (15 minutes); otherwise the user confirms it first and comes back.
    Put it below @require(…), so access is checked first."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user.is_authenticated and not second_factor_is_recent():
            if request.method != "GET":
                flash("Nothing has been done yet: confirm it is you, then do it again.", "info")
            if request.method == "GET":
                back = request.full_path
            elif request.url_rule is not None and "GET" in (request.url_rule.methods or ()):
                back = request.path  # the form again, to do it once confirmed
            else:
                back = url_for("main.home")
            return redirect(url_for("mfa.step_up", next=back.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
