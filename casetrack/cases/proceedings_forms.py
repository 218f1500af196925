"""Forms for proceedings, appeal, suspension, the reflective review and list reports (§14)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional

from casetrack import vocab
from casetrack.cases.forms import VersionedForm, note_field
from casetrack.forms import GovDateField, Length


class ProceedingsForm(VersionedForm):
    case_to_answer = RadioField(
        "Is there a case to answer?",
        widget=GovRadioInput(),
        choices=[("yes", "Yes"), ("no", "No")],
        validators=[InputRequired("Choose whether there is a case to answer")],
    )
    proceedings = RadioField(
        "Proceedings",
        widget=GovRadioInput(),
        choices=list(vocab.PROCEEDINGS.items()),
        validators=[InputRequired("Choose the proceedings")],
    )
    proceedings_date = GovDateField("Date of the meeting or hearing")
    chair = StringField(
        "Who chaired it", widget=GovTextInput(), validators=[Optional(), Length(max=120)]
    )
    finding = RadioField(
        "Finding",
        widget=GovRadioInput(),
        choices=[("", "Not yet")] + list(vocab.FINDINGS.items()),
        validators=[Optional()],
    )
    fww_in_force = BooleanField(
        "A final written warning was in force at the severity assessment",
        widget=GovCheckboxInput(),
    )
    unconnected_incidents = BooleanField(
        "The matter is several unconnected incidents (regulation 42(6))",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Save proceedings", widget=GovSubmitInput())


class AppealForm(VersionedForm):
    appeal = RadioField(
        "Appeal",
        widget=GovRadioInput(),
        choices=list(vocab.APPEALS.items()),
        validators=[InputRequired("Choose the appeal")],
    )
    appeal_date = GovDateField("Date of the appeal or its decision")
    submit = SubmitField("Save appeal", widget=GovSubmitInput())


class SuspensionForm(VersionedForm):
    suspended_from = GovDateField("Suspended from", required=True)
    suspended_to = GovDateField("Suspended until (leave empty while it continues)")
    submit = SubmitField("Save suspension", widget=GovSubmitInput())


def _text(label: str, hint: str | None = None) -> TextAreaField:
    return TextAreaField(
        label, widget=GovTextArea(), validators=[Optional(), Length(max=5000)], description=hint
    )


class ReviewForm(FlaskForm):
    """The reflective review development report, regulation 70(2)(a)-(f)."""

    reviewer = StringField(
        "Reviewer (line manager or reviewer)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=120)],
    )
    matter_summary = _text("Summary of the matter and its background")
    discussion_summary = _text("Summary of the discussion")
    key_actions = _text("Key actions, with the time for each")
    lessons_officer = _text("Lessons for the officer")
    lessons_force = _text("Lessons for the line manager or the force")
    review_date = GovDateField("Review date")
    account_received = GovDateField("Date the officer's account was received")
    submit = SubmitField("Save reflective review", widget=GovSubmitInput())


class ListReportForm(FlaskForm):
    """What the College of Policing needs (Barred List Regulations 2017 reg 3(2), 12(2))."""

    date_of_birth = GovDateField("Date of birth")
    status = RadioField(
        "Status",
        widget=GovRadioInput(),
        choices=[
            ("officer", "Officer or special constable"),
            ("former_officer", "Former officer"),
            ("civilian", "Police staff or volunteer"),
            ("former_civilian", "Former police staff or volunteer"),
        ],
        validators=[Optional()],
    )
    reasons = note_field(
        "Reasons, with a description of the conduct and the Standards breached", required=False
    )
    prior_advisory = StringField(
        "Any earlier Advisory List report, with its date",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200)],
    )
    reported_on = GovDateField("Date reported to the College of Policing")
    submit = SubmitField("Save list report", widget=GovSubmitInput())
