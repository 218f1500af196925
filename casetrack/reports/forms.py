"""The report page's choices (GET: nothing changes, so no CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Optional, Regexp

from casetrack.forms import GovDateField, Length
from casetrack.reports.document import MARKINGS


class ReportForm(FlaskForm):
    class Meta:
        csrf = False

    basis = RadioField(
        "Period",
        widget=GovRadioInput(),
        default="financial",
        choices=[
            ("financial", "Financial year (1 April to 31 March)"),
            ("calendar", "Calendar year"),
            ("range", "Dates of my choice"),
        ],
        validators=[DataRequired("Choose the period")],
    )
    year = SelectField("Year", widget=GovSelect(), coerce=int, validators=[Optional()])
    date_from = GovDateField("From")
    date_to = GovDateField("To")
    forces = SelectMultipleField(
        "Forces", widget=GovCheckboxesInput(), coerce=str, validators=[Optional()]
    )
    publication = BooleanField(
        "Publication version: numbers from 1 to 4, and any that would reveal one, as [c]",
        widget=GovCheckboxInput(),
    )
    foi_reference = StringField(
        "FOI reference (optional)",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(
                r"^[A-Za-z0-9 ./:_-]*$",
                message="FOI reference can only use letters, digits, spaces and . / : _ -",
            ),
        ],
    )
    marking = RadioField(
        "Security marking",
        widget=GovRadioInput(),
        default=MARKINGS[1],
        choices=[(m, m) for m in MARKINGS],
        validators=[DataRequired("Choose the security marking")],
    )
