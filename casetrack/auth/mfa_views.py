"""Second factors (SPEC §16): the step after the password, setting one up at first sign-in,
recovery codes, step-up, and the account's own list."""

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
from casetrack.auth import passkeys, signin
from casetrack.auth import second_factors as factors
from casetrack.auth.access import public, require
from casetrack.auth.forms import CodeForm, ConfirmForm, PasskeyForm, RecoveryCodeForm
from casetrack.auth.models import User
from casetrack.auth.permissions import Permission
from casetrack.auth.views import safe_next
from casetrack.extensions import db, limiter

bp = Blueprint("mfa", __name__)

WRONG_CODE = "The code is not right. Enter the code the app shows now: each code works once"
WRONG_RECOVERY = "That is not one of your unused recovery codes"
THROTTLED = (
    "Too many wrong codes. Wait 15 minutes and try again, or ask your system administrator "
    "to reset your second factor."
)
SIGN_IN_AGAIN = "Sign in again to continue."
SETUP_KEY = "totp_setup"  # the sealed secret being set up
WRONG = "second_factor_wrong"  # g flag: this request's code was wrong


def _who() -> User | None:
    """The account a second factor is being shown for: signing in, or signed in."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    return signin.pending_user()


def _factor_key() -> str:
    user = _who()
    return f"second-factor:{user.id if user else request.remote_addr}"


def _guessed_wrong(response: object) -> bool:
    return bool(g.get(WRONG))


def _limit() -> str:
    return current_app.config["SECOND_FACTOR_LIMIT"]


# Wrong codes are counted per account on every page that takes one (5 in 15 minutes).
throttled = limiter.shared_limit(
    _limit, scope="second-factor-failures", key_func=_factor_key, methods=["POST"],
    deduct_when=_guessed_wrong,
)  # fmt: skip


def _failed(user: User, kind: str, during: str) -> None:
    setattr(g, WRONG, True)
    record(
        "second_factor_failed",
        object_type="user",
        object_id=user.id,
        actor=(user.id, user.email),
        details={"kind": kind, "during": during},
    )
    db.session.commit()


@bp.errorhandler(TooManyRequests)
def too_many(error: TooManyRequests) -> ResponseReturnValue:
    user = _who()
    record(
        "second_factor_throttled",
        object_type="user",
        object_id=user.id if user else None,
        actor=(user.id, user.email) if user else None,
    )
    db.session.commit()
    return render_template("auth/throttled.html", problem=THROTTLED), 429


def _restart() -> ResponseReturnValue:
    flash(SIGN_IN_AGAIN, "info")
    return redirect(url_for("auth.sign_in"))


# ---- after the password ----------------------------------------------------------------------


@bp.route("/sign-in/second-factor", methods=["GET", "POST"])
@public
@throttled
def verify() -> ResponseReturnValue:
    user = signin.pending_user()
    if user is None:
        return _restart()
    if not factors.has_second_factor(user):
        return redirect(url_for("mfa.setup"))
    form = CodeForm()
    has_app = factors.has_kind(user, factors.TOTP)
    if has_app and form.validate_on_submit():
        if factors.check_totp(user, form.code.data) is not None:
            target = signin.finish(user, "password+totp", next_target=signin.pending_next())
            db.session.commit()
            return redirect(target)
        _failed(user, factors.TOTP, "sign-in")
        form.code.errors = [WRONG_CODE]
    return _verify_page(user, form, has_app)


def _verify_page(user: User, form: CodeForm, has_app: bool) -> ResponseReturnValue:
    has_passkey = factors.has_kind(user, factors.WEBAUTHN)
    return render_template(
        "auth/second_factor.html",
        form=form,
        has_app=has_app,
        passkey_form=PasskeyForm(),
        passkey_options=passkeys.authentication_options(user) if has_passkey else None,
        passkey_action=url_for("mfa.verify_passkey"),
    )


@bp.route("/sign-in/passkey", methods=["POST"])
@public
@throttled
def verify_passkey() -> ResponseReturnValue:
    user = signin.pending_user()
    if user is None:
        return _restart()
    form = PasskeyForm()
    if form.validate_on_submit():
        try:
            passkeys.authenticate(user, passkeys.credential_from(request.form))
        except passkeys.PasskeyError as error:
            _failed(user, factors.WEBAUTHN, "sign-in")
            flash(str(error), "error")
        else:
            target = signin.finish(user, "password+passkey", next_target=signin.pending_next())
            db.session.commit()
            return redirect(target)
    return redirect(url_for("mfa.verify"))


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@public
@throttled
def recovery() -> ResponseReturnValue:
    user = signin.pending_user()
    if user is None:
        return _restart()
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        if factors.use_recovery_code(user, form.code.data):
            target = signin.finish(
                user, "password+recovery_code", next_target=signin.pending_next()
            )
            left = factors.recovery_codes_left(user)
            db.session.commit()
            flash(
                f"You have {left} recovery code{'s' if left != 1 else ''} left. Make new ones "
                "from your second factors page if you are running out.",
                "info",
            )
            return redirect(target)
        _failed(user, "recovery_code", "sign-in")
        form.code.errors = [WRONG_RECOVERY]
    return render_template("auth/recovery_code.html", form=form, action=url_for("mfa.recovery"))


# ---- setting one up at first sign-in ---------------------------------------------------------


def _setup_secret() -> str:
    sealed = session.get(SETUP_KEY)
    if not isinstance(sealed, str) or factors.unseal(sealed) is None:
        sealed = session[SETUP_KEY] = factors.new_totp_secret()
    return sealed


def _setup_page(user: User, form: CodeForm, action: str, **extra: object) -> str:
    secret = factors.unseal(_setup_secret()) or ""
    uri = factors.provisioning_uri(secret, user)
    return render_template(
        "auth/set_up.html",
        form=form,
        action=action,
        secret=factors.grouped(secret),
        qr=factors.qr_code(uri),
        passkey_form=PasskeyForm(),
        **extra,
    )


@bp.route("/sign-in/set-up", methods=["GET", "POST"])
@public
@throttled
def setup() -> ResponseReturnValue:
    """An account without a second factor sets one up before anything else. Only while it has
    none: a password alone never adds a factor to an account that has one."""
    user = signin.pending_user()
    if user is None:
        return _restart()
    if factors.has_second_factor(user):
        return redirect(url_for("mfa.verify"))
    form = CodeForm()
    if form.validate_on_submit():
        if factors.confirm_totp(user, _setup_secret(), form.code.data) is not None:
            session.pop(SETUP_KEY, None)
            return _enrolled(user, "password+totp")
        _failed(user, factors.TOTP, "set-up")
        form.code.errors = [WRONG_CODE]
    return _setup_page(
        user,
        form,
        url_for("mfa.setup"),
        passkey_options=passkeys.registration_options(user),
        passkey_action=url_for("mfa.setup_passkey"),
    )


@bp.route("/sign-in/set-up/passkey", methods=["POST"])
@public
@throttled
def setup_passkey() -> ResponseReturnValue:
    user = signin.pending_user()
    if user is None:
        return _restart()
    if factors.has_second_factor(user):
        return redirect(url_for("mfa.verify"))
    form = PasskeyForm()
    if form.validate_on_submit():
        try:
            passkeys.register(user, passkeys.credential_from(request.form), form.label.data)
        except passkeys.PasskeyError as error:
            _failed(user, factors.WEBAUTHN, "set-up")
            flash(str(error), "error")
        else:
            return _enrolled(user, "password+passkey")
    return redirect(url_for("mfa.setup"))


def _enrolled(user: User, method: str) -> str:
    """The new factor works: sign in, and show the recovery codes once."""
    next_target = signin.pending_next()
    codes = factors.new_recovery_codes(user)
    target = signin.finish(user, method, next_target=next_target, enrolled=True)
    signin.remember_next(target)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, form=ConfirmForm())


@bp.route("/account/recovery-codes/saved", methods=["POST"])
@require(Permission.SIGNED_IN)
def recovery_codes_saved() -> ResponseReturnValue:
    ConfirmForm().validate_on_submit()
    return redirect(signin.take_next())


# ---- step-up -----------------------------------------------------------------------------------


@bp.route("/account/confirm", methods=["GET", "POST"])
@require(Permission.SIGNED_IN)
@throttled
def step_up() -> ResponseReturnValue:
    """Show the second factor again before a sensitive action (SPEC §16)."""
    user = current_user._get_current_object()
    target = safe_next(request.args.get("next"))
    if not factors.has_second_factor(user):
        if signin.current_method() == "oidc":
            return redirect(url_for("oidc.start", step_up=1, next=target))
        return redirect(url_for("mfa.manage"))
    form = CodeForm()
    has_app = factors.has_kind(user, factors.TOTP)
    if has_app and form.validate_on_submit():
        if factors.check_totp(user, form.code.data) is not None:
            signin.confirmed_again(factors.TOTP)
            db.session.commit()
            return redirect(target)
        _failed(user, factors.TOTP, "step-up")
        form.code.errors = [WRONG_CODE]
    has_passkey = factors.has_kind(user, factors.WEBAUTHN)
    return render_template(
        "auth/step_up.html",
        form=form,
        has_app=has_app,
        target=target,
        passkey_form=PasskeyForm(),
        passkey_options=passkeys.authentication_options(user) if has_passkey else None,
        passkey_action=url_for("mfa.step_up_passkey", next=target),
    )


@bp.route("/account/confirm/passkey", methods=["POST"])
@require(Permission.SIGNED_IN)
@throttled
def step_up_passkey() -> ResponseReturnValue:
    user = current_user._get_current_object()
    target = safe_next(request.args.get("next"))
    if PasskeyForm().validate_on_submit():
        try:
            passkeys.authenticate(user, passkeys.credential_from(request.form))
        except passkeys.PasskeyError as error:
            _failed(user, factors.WEBAUTHN, "step-up")
            flash(str(error), "error")
        else:
            signin.confirmed_again(factors.WEBAUTHN)
            db.session.commit()
            return redirect(target)
    return redirect(url_for("mfa.step_up", next=target))


@bp.route("/account/confirm/recovery-code", methods=["GET", "POST"])
@require(Permission.SIGNED_IN)
@throttled
def step_up_recovery() -> ResponseReturnValue:
    user = current_user._get_current_object()
    target = safe_next(request.args.get("next"))
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        if factors.use_recovery_code(user, form.code.data):
            signin.confirmed_again("recovery_code")
            db.session.commit()
            return redirect(target)
        _failed(user, "recovery_code", "step-up")
        form.code.errors = [WRONG_RECOVERY]
    return render_template(
        "auth/recovery_code.html",
        form=form,
        action=url_for("mfa.step_up_recovery", next=target),
    )


# ---- the account's own second factors -----------------------------------------------------


@bp.route("/account/second-factors")
@require(Permission.SIGNED_IN)
def manage() -> ResponseReturnValue:
    user = current_user._get_current_object()
    return render_template(
        "auth/second_factors.html",
        factors=factors.factors(user),
        codes_left=factors.recovery_codes_left(user),
        form=ConfirmForm(),
    )


@bp.route("/account/second-factors/app", methods=["GET", "POST"])
@require(Permission.SIGNED_IN)
@signin.require_recent_second_factor
@throttled
def add_app() -> ResponseReturnValue:
    user = current_user._get_current_object()
    form = CodeForm()
    if form.validate_on_submit():
        if factors.confirm_totp(user, _setup_secret(), form.code.data) is not None:
            session.pop(SETUP_KEY, None)
            db.session.commit()
            flash("Your authenticator app has been added.", "success")
            return redirect(url_for("mfa.manage"))
        _failed(user, factors.TOTP, "adding")
        form.code.errors = [WRONG_CODE]
    return _setup_page(user, form, url_for("mfa.add_app"), adding=True)


@bp.route("/account/second-factors/passkey", methods=["GET", "POST"])
@require(Permission.SIGNED_IN)
@signin.require_recent_second_factor
def add_passkey() -> ResponseReturnValue:
    user = current_user._get_current_object()
    form = PasskeyForm()
    if form.validate_on_submit():
        try:
            passkeys.register(user, passkeys.credential_from(request.form), form.label.data)
        except passkeys.PasskeyError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Your passkey has been added.", "success")
            return redirect(url_for("mfa.manage"))
    return render_template(
        "auth/add_passkey.html",
        passkey_form=form,
        passkey_options=passkeys.registration_options(user),
        passkey_action=url_for("mfa.add_passkey"),
    )


@bp.route("/account/second-factors/recovery-codes", methods=["POST"])
@require(Permission.SIGNED_IN)
@signin.require_recent_second_factor
def new_recovery_codes() -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("mfa.manage"))
    codes = factors.new_recovery_codes(current_user._get_current_object())
    signin.remember_next(url_for("mfa.manage"))
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, form=ConfirmForm())
