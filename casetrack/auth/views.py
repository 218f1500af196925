"""Sign in, sign out, change password."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import TooManyRequests

from casetrack.audit.service import record
from casetrack.auth import oidc, signin
from casetrack.auth.access import public, require
from casetrack.auth.forms import ChangePasswordForm, SignInForm
from casetrack.auth.passwords import hash_password, needs_rehash, verify_password
from casetrack.auth.permissions import Permission
from casetrack.auth.second_factors import has_second_factor
from casetrack.auth.service import change_own_password, normalise_email, user_by_email
from casetrack.auth.sessions import EXPIRED_KEY, current_session, end_session, start_session
from casetrack.errors import DomainError, show_on_form
from casetrack.extensions import db, limiter

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = "Enter a correct email address and password"
THROTTLED = (
    "Too many failed attempts to sign in. Wait 15 minutes and try again, or ask your "
    "system administrator to reset your password."
)


GUESSES_THROTTLED = (
    "Too many wrong current passwords. Wait 15 minutes and try again, or ask your system "
    "administrator to reset your password."
)
GUESSED_WRONG = "guessed_wrong"  # g flag: this request guessed wrongly

# One counter of failed password checks per account, shared by the sign-in page and the
# change-password page (SPEC §9): 5 wrong guesses lock the account on both, whichever page
# (or mix of pages) they were made on. Shared limits leave the endpoint out of the key.
ACCOUNT_SCOPE = "account-password-failures"


def _account_key() -> str:
    return "account:" + normalise_email(request.form.get("email", ""))[:254]


def _own_account_key() -> str:
    """The signed-in user's account, in the same key space as _account_key()."""
    email = getattr(current_user, "email", "") if current_user.is_authenticated else ""
    return "account:" + normalise_email(email)[:254]


def _signed_out() -> bool:
    return not current_user.is_authenticated


def _guessed_wrong(response: object) -> bool:
    return bool(g.get(GUESSED_WRONG))


def _account_limit() -> str:
    return current_app.config["LOGIN_LIMIT_ACCOUNT"]


def _address_key() -> str:
    return "address:" + (request.remote_addr or "unknown")


def _failed(response: object) -> bool:
    return getattr(response, "status_code", 200) != 302


def safe_next(target: str | None) -> str:
    """A local path only. Browsers drop tabs and newlines from URLs, so "/\t/evil.example"
    would become "//evil.example": any control character or space refuses the target."""
    if not target or any(ord(c) <= 0x20 or ord(c) == 0x7F for c in target):
        return url_for("main.home")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("main.home")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.shared_limit(
    _account_limit,
    scope=ACCOUNT_SCOPE,
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_ADDRESS"],
    key_func=_address_key,
    methods=["POST"],
    deduct_when=_failed,
    scope="sign-in-address",
)
def sign_in() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    problem = None
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        user = user_by_email(email)
        if verify_password(user.password_hash if user else None, form.password.data):
            assert user is not None
            if user.active:
                if needs_rehash(user.password_hash):
                    user.password_hash = hash_password(form.password.data)
                    db.session.commit()
                # not signed in yet: the second factor next (set one up if there is none)
                signin.begin(user, safe_next(request.args.get("next")))
                if has_second_factor(user):
                    return redirect(url_for("mfa.verify"))
                return redirect(url_for("mfa.setup"))
        reason = (
            "unknown account"
            if user is None
            else ("account deactivated" if user.active is False else "wrong password")
        )
        record(
            "sign_in_failed",
            object_type="user",
            object_id=user.id if user else None,
            actor=(user.id if user else None, email[:254]),
            details={"reason": reason},
        )
        db.session.commit()
        form.email.errors = [SIGN_IN_FAILED]  # shown beside the field and in the summary
    return render_template(
        "auth/sign_in.html",
        form=form,
        problem=problem,
        expired=session.pop(EXPIRED_KEY, False),
        oidc_name=oidc.provider_name() if oidc.configured() else None,
    )


@bp.errorhandler(TooManyRequests)
def throttled(error: TooManyRequests) -> ResponseReturnValue:
    """The sign-in and change-password pages explain throttling on the form itself."""
    if request.endpoint == "auth.change_password":
        return throttled_password_change(error)
    return throttled_sign_in(error)


def throttled_password_change(error: TooManyRequests) -> ResponseReturnValue:
    """Shown instead of a bare 429 when the account's password checks are throttled."""
    record("password_change_throttled", object_type="user", object_id=current_user.id)
    db.session.commit()
    form = ChangePasswordForm()
    form.current_password.errors = [GUESSES_THROTTLED]
    return render_template("auth/change_password.html", form=form), 429


def throttled_sign_in(error: TooManyRequests) -> ResponseReturnValue:
    """Shown instead of a bare 429 when sign-in attempts are throttled."""
    record("sign_in_throttled", actor=(None, normalise_email(request.form.get("email", ""))[:254]))
    db.session.commit()
    form = SignInForm()
    return render_template("auth/sign_in.html", form=form, problem=THROTTLED, expired=False), 429


@bp.route("/sign-out", methods=["POST"])
@require(Permission.SIGNED_IN)
def sign_out() -> ResponseReturnValue:
    record("sign_out", object_type="user", object_id=current_user.id)
    method = signin.current_method()
    end_session()
    db.session.commit()
    flash("You have signed out.", "success")
    if method == "oidc" and oidc.configured():
        # RP-initiated sign-out: end the provider's session too, if it offers that
        at_provider = oidc.logout_url(url_for("auth.sign_in", _external=True))
        if at_provider:
            return redirect(at_provider)
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@require(Permission.SIGNED_IN)
@limiter.shared_limit(
    _account_limit,
    scope=ACCOUNT_SCOPE,
    key_func=_own_account_key,
    methods=["POST"],
    deduct_when=_guessed_wrong,
    exempt_when=_signed_out,  # sent to sign in first; nothing is checked
)
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    form.account_email, form.account_name = current_user.email, current_user.name
    if form.validate_on_submit():
        user = current_user._get_current_object()
        row = current_session()
        method, factor_at = (row.method, row.second_factor_at) if row else (None, None)
        try:
            change_own_password(user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            show_on_form(form, error, "new_password")
            # The service refuses before it changes anything: the audit entry is all we commit.
            wrong = error.field == "current_password"
            setattr(g, GUESSED_WRONG, wrong)  # a wrong guess counts against the account
            record(
                "password_change_failed",
                object_type="user",
                object_id=user.id,
                details={"reason": "wrong current password" if wrong else error.message},
            )
            db.session.commit()
        else:
            # a fresh session here, as strongly signed in as this one; every other browser
            # is signed out
            start_session(user, method=method, second_factor_at=factor_at)
            db.session.commit()
            flash("Your password has been changed. Other browsers have been signed out.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
