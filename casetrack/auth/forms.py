"""Sign-in and password forms."""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, ValidationError

from casetrack.auth.passwords import password_problem
from casetrack.forms import Length


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password"), Length(max=1024)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class PasswordRules:
    """WTForms validator for SPEC §9; the form may carry account_email/account_name."""

    def __call__(self, form: FlaskForm, field: PasswordField) -> None:
        problem = password_problem(
            field.data or "",
            email=getattr(form, "account_email", ""),
            name=getattr(form, "account_name", ""),
            min_length=current_app.config["PASSWORD_MIN_LENGTH"],
            max_length=current_app.config["PASSWORD_MAX_LENGTH"],
        )
        if problem:
            raise ValidationError(problem)


def new_password_field(label: str = "New password") -> PasswordField:
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter a new password"), PasswordRules()],
        description="At least 12 characters. A phrase of several words is easiest to remember.",
    )


def confirm_password_field() -> PasswordField:
    return PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter the new password again"),
            EqualTo("new_password", "The passwords do not match"),
        ],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password"), Length(max=1024)],
    )
    new_password = new_password_field()
    confirm_password = confirm_password_field()
    submit = SubmitField("Change password", widget=GovSubmitInput())


class CodeForm(FlaskForm):
    """A six-digit code from an authenticator app."""

    code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the 6-digit code from your authenticator app"),
            Length(max=20),
        ],
        description="The 6-digit code the app shows for CaseTrack now.",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RecoveryCodeForm(FlaskForm):
    code = StringField(
        "Recovery code",
        widget=GovTextInput(),
        validators=[InputRequired("Enter one of your recovery codes"), Length(max=40)],
        description="One of the codes you saved when you set up your second factor, for "
        "example abcd-efgh-jkmn-pqrs. Each code works once.",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class PasskeyForm(FlaskForm):
    """Carries the browser's WebAuthn answer (filled in by static/js/passkeys.js)."""

    credential = HiddenField()
    label = StringField(
        "Name this passkey",
        widget=GovTextInput(),
        validators=[Length(max=60, message="Name must be 60 characters or fewer")],
        description="So you can tell your passkeys apart, for example Work laptop.",
    )


class ConfirmForm(FlaskForm):
    """A button with a CSRF token."""

    submit = SubmitField("Continue", widget=GovSubmitInput())
