"""Forms: a task on a case, taking and assigning from the team queue, email settings."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Optional, ValidationError

from casetrack.forms import GovDateField, Length
from casetrack.queues.notify import KINDS
from casetrack.queues.tasks import WHAT_LIMIT


class TaskForm(FlaskForm):
    what = StringField(
        "What needs doing",
        widget=GovTextInput(),
        validators=[InputRequired("Enter what needs doing"), Length(max=WHAT_LIMIT)],
        description="Shown to the person and on the case. It is never emailed.",
    )
    assignee = SelectField(
        "Who",
        widget=GovSelect(),
        validators=[InputRequired("Choose who will do it")],
        validate_choice=False,  # the service checks the person may see the case
    )
    due = GovDateField("Due date", required=True)
    submit = SubmitField("Add task", widget=GovSubmitInput())


def _ids(value: str | None) -> bool:
    return bool(re.fullmatch(r"[0-9]{1,9}", value or ""))


class DoneForm(FlaskForm):
    task_id = HiddenField(validators=[InputRequired("The form is incomplete — reload the page")])

    def validate_task_id(self, field: HiddenField) -> None:
        if not _ids(field.data):
            raise ValidationError("The form is incomplete — reload the page")


class TakeForm(FlaskForm):
    """The "Take" button's case (its version comes with the queue, as `version_<id>`)."""

    case_id = HiddenField(validators=[InputRequired("The form is incomplete — reload the page")])

    def validate_case_id(self, field: HiddenField) -> None:
        if not _ids(field.data):
            raise ValidationError("The form is incomplete — reload the page")


class AssignForm(FlaskForm):
    """Checkboxes of queued cases (each with its version, as `version_<id>`) and a person."""

    cases = SelectMultipleField(
        "Cases to assign",
        widget=GovCheckboxesInput(),
        validators=[InputRequired("Choose at least one case")],
        validate_choice=False,
    )
    assignee = SelectField(
        "Assign to",
        widget=GovSelect(),
        validators=[InputRequired("Choose who to assign them to")],
        validate_choice=False,
    )
    submit = SubmitField("Assign the chosen cases", widget=GovSubmitInput())

    def validate_cases(self, field: SelectMultipleField) -> None:
        if len(field.data or []) > 200 or not all(_ids(v) for v in field.data or []):
            raise ValidationError("Choose cases from the list")


class EmailSettingsForm(FlaskForm):
    kinds = SelectMultipleField(
        "Email me when",
        widget=GovCheckboxesInput(),
        choices=list(KINDS.items()),
        validators=[Optional()],
        description="Untick what you do not want by email. You still see every notification "
        "in CaseTrack.",
    )
    submit = SubmitField("Save settings", widget=GovSubmitInput())


class ReadForm(FlaskForm):
    notification_id = HiddenField(validators=[Optional()])

    def validate_notification_id(self, field: HiddenField) -> None:
        if field.data and not _ids(field.data):
            raise ValidationError("The form is incomplete — reload the page")
