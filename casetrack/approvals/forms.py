"""The head of PSD's decision on an access request."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
)
from wtforms import HiddenField, PasswordField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional

from casetrack.approvals.service import REASON_MAX
from casetrack.forms import Length


class DecisionForm(FlaskForm):
    request_id = HiddenField()
    decision = RadioField(
        "Your decision",
        widget=GovRadioInput(),
        choices=[("approve", "Approve"), ("refuse", "Refuse")],
        validators=[InputRequired("Choose whether to approve or refuse the request")],
    )
    reason = TextAreaField(
        "Reason for refusing",
        widget=GovCharacterCount(),
        validators=[Optional(), Length(max=REASON_MAX)],
        description="Needed when you refuse. The administrator who asked sees it.",
    )
    new_password = PasswordField(
        "Temporary password",
        widget=GovPasswordInput(),
        validators=[Optional(), Length(max=1024)],
        description="Needed when you approve. At least 12 characters. Give it to the account "
        "holder yourself; they must change it when they first sign in.",
    )
    confirm_password = PasswordField(
        "Confirm temporary password", widget=GovPasswordInput(), validators=[Optional()]
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())
