"""Administration forms. Choices are filled in by the view from the database."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Optional, ValidationError

from casetrack.auth import service as accounts
from casetrack.auth.forms import confirm_password_field, new_password_field
from casetrack.auth.permissions import CASE_ROLES, ROLE_LABELS
from casetrack.errors import DomainError
from casetrack.forms import Length


def _role_choices() -> list[tuple[str, str]]:
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


class AccountEmail(FlaskForm):
    """Declared before UserDetailsForm so that the email box, first on the page, is also first
    in the error summary (WTForms orders fields by when they were made)."""

    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter an email address"), Length(max=254)],
    )

    def validate_email(self, field: StringField) -> None:
        try:
            accounts.clean_email(field.data)
        except DomainError as error:  # the service's rule, shown with the form's own problems
            raise ValidationError(error.message) from None


class UserDetailsForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the user's full name"), Length(max=120)],
    )
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=_role_choices(),
        validators=[InputRequired("Choose a role")],
    )
    forces = SelectMultipleField(
        "Forces",
        widget=GovCheckboxesInput(),
        coerce=int,
        validators=[InputRequired("Choose the user's force")],
        description="Only PSD users may have several forces.",
    )
    departments = SelectMultipleField(
        "Departments",
        widget=GovCheckboxesInput(),
        coerce=int,
        validators=[Optional()],
        description="Required for Standards Managers: the departments whose cases they handle.",
    )
    staff_number = StringField(
        "Own staff or collar number (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=32)],
        description="Links the account to the user's own workforce record, so they never see "
        "or are assigned a case in which they are a subject.",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class NewUserForm(UserDetailsForm, AccountEmail):
    new_password = new_password_field("Temporary password")
    confirm_password = confirm_password_field()
    submit = SubmitField("Create user", widget=GovSubmitInput())

    def validate(self, extra_validators: dict | None = None) -> bool:
        if self.role.data in CASE_ROLES and not (
            self.new_password.data or self.confirm_password.data
        ):
            # the head of PSD who approves the account chooses it (SPEC §9.1)
            self.new_password.validators = self.confirm_password.validators = ()
        return super().validate(extra_validators)


class ResetPasswordForm(FlaskForm):
    new_password = new_password_field("Temporary password")
    confirm_password = confirm_password_field()
    submit = SubmitField("Reset password", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button with CSRF protection, for actions with nothing to fill in."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class ForceForm(FlaskForm):
    code = StringField(
        "Code",
        widget=GovTextInput(),
        validators=[InputRequired("Enter a force code"), Length(max=16)],
        description="For example WMP. Used in case references; cannot be changed.",
    )
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the force name"), Length(max=120)],
    )
    submit = SubmitField("Add force", widget=GovSubmitInput())


class NameForm(FlaskForm):
    name = StringField(
        "Name", widget=GovTextInput(), validators=[InputRequired("Enter the name"), Length(max=120)]
    )
    submit = SubmitField("Save name", widget=GovSubmitInput())


class DepartmentForm(FlaskForm):
    force = SelectField(
        "Force",
        widget=GovSelect(),
        coerce=lambda value: int(value) if value not in ("", None) else None,
        validators=[InputRequired("Choose the force")],
    )
    code = StringField(
        "Code",
        widget=GovTextInput(),
        validators=[InputRequired("Enter a department code"), Length(max=16)],
        description="For example BIRM_E. Unique within the force.",
    )
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the department name"), Length(max=120)],
    )
    submit = SubmitField("Add department", widget=GovSubmitInput())
