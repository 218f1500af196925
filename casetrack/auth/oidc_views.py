"""Sign in with the force's account (OpenID Connect, SPEC §16): start, and the callback."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from casetrack.audit.service import record
from casetrack.auth import oidc, signin
from casetrack.auth.access import public
from casetrack.auth.forms import SignInForm
from casetrack.auth.views import safe_next
from casetrack.extensions import db, limiter

bp = Blueprint("oidc", __name__)

AFTER_KEY = "oidc_after"  # where to go, and whether this is a step-up of a signed-in user


def _address_key() -> str:
    return "oidc-address:" + (request.remote_addr or "unknown")


def _failed(response: object) -> bool:
    return getattr(response, "status_code", 200) != 302


throttled = limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_ADDRESS"], key_func=_address_key,
    deduct_when=_failed, scope="oidc-address",
)  # fmt: skip


def _problem(message: str, reason: str, status: int = 400) -> ResponseReturnValue:
    record("sign_in_failed", details={"method": "oidc", "reason": reason})
    db.session.commit()
    return render_template(
        "auth/sign_in.html", form=SignInForm(), problem=message, expired=False
    ), status


@bp.route("/sign-in/oidc")
@public
@throttled
def start() -> ResponseReturnValue:
    """Send the browser to the provider (a step-up asks it to sign the user in again)."""
    if not oidc.configured():
        abort(404)
    step_up = request.args.get("step_up") == "1" and current_user.is_authenticated
    if current_user.is_authenticated and not step_up:
        return redirect(url_for("main.home"))
    session[AFTER_KEY] = {
        "next": safe_next(request.args.get("next")),
        "step_up": current_user.id if step_up else None,
    }
    try:
        return oidc.authorize_redirect(url_for("oidc.callback", _external=True), step_up=step_up)
    except oidc.SignInProblem as problem:
        return _problem(problem.message, problem.reason, 503)


@bp.route("/sign-in/oidc/callback")
@public
@throttled
def callback() -> ResponseReturnValue:
    if not oidc.configured():
        abort(404)
    after = session.pop(AFTER_KEY, None) or {}
    try:
        identity = oidc.complete()
        user = oidc.account_for(identity)
    except oidc.SignInProblem as problem:
        db.session.rollback()
        return _problem(problem.message, problem.reason)
    target = safe_next(after.get("next"))
    details = {"issuer": identity.issuer}
    if isinstance(identity.claims.get("amr"), list):
        details["amr"] = [str(a)[:20] for a in identity.claims["amr"][:5]]
    if after.get("step_up") and current_user.is_authenticated:
        if current_user.id != user.id or after["step_up"] != user.id:
            db.session.rollback()
            return _problem(
                "You signed in at the provider as someone else. Sign out and start again.",
                "step-up as another identity",
                403,
            )
        signin.confirmed_again("oidc")
        db.session.commit()
        return redirect(target)
    target = signin.finish(user, "oidc", next_target=target, **details)
    db.session.commit()
    return redirect(target)
