"""Upload, correction and withdrawal forms."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional, Regexp, ValidationError

from casetrack import vocab
from casetrack.evidence.models import CORRECTABLE, EVIDENCE_KINDS
from casetrack.evidence.service import (
    Upload,
    capture_date_problems,
    refused_files,
    source_url_problem,
)
from casetrack.evidence.storage import HashingFile
from casetrack.forms import GovDateField, Length
from casetrack.timeutil import LONDON


def uploads_of(files: list | None) -> list[Upload]:
    """The chosen files as the service takes them: each streamed into a hashing temporary file
    as the request was parsed."""
    return [
        Upload(f.stream, f.filename or "")
        for f in files or []
        if f and isinstance(getattr(f, "stream", None), HashingFile)
    ]


class UploadForm(FlaskForm):
    files = MultipleFileField(
        "Files",
        widget=GovFileInput(multiple=True),
        description="Choose one or more files. Up to the size limit each; "
        "images, PDF, video, MHTML/WARC captures, ZIP exports or text.",
    )
    kind = RadioField(
        "What it is",
        widget=GovRadioInput(),
        choices=list(EVIDENCE_KINDS.items()),
        validators=[InputRequired("Choose what the evidence is")],
    )
    source_url = StringField(
        "Source web address",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=2000)],
        description="Leave empty for private messages.",
    )
    platform = SelectField(
        "Platform",
        widget=GovSelect(),
        choices=[("", "Choose")] + list(vocab.PLATFORMS.items()),
        validators=[Optional()],
    )
    account_handle = StringField(
        "Account handle", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    content_posted_on = GovDateField("When the content was posted (if known)")
    captured_on = GovDateField("Date it was captured", required=True)
    captured_time = StringField(
        "Time it was captured (optional)",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Regexp(
                r"^([01]?\d|2[0-3]):[0-5]\d$",
                message="Enter the time as hours and minutes, like 14:05",
            ),
        ],
        description="24-hour clock, UK time, for example 14:05",
    )
    captured_by = StringField(
        "Captured by",
        widget=GovTextInput(),
        validators=[InputRequired("Enter who captured it"), Length(max=200)],
        description="Name and role, or 'member of the public'.",
    )
    capture_method = StringField(
        "How it was captured",
        widget=GovTextInput(),
        validators=[InputRequired("Enter how it was captured"), Length(max=200)],
        description="For example: phone screenshot; browser print to PDF; WhatsApp 'Export chat'.",
    )
    description = TextAreaField(
        "Description", widget=GovTextArea(), validators=[Optional(), Length(max=5000)]
    )
    submit = SubmitField("Upload evidence", widget=GovSubmitInput())

    def validate_files(self, field: MultipleFileField) -> None:
        if not any(getattr(f, "filename", None) for f in field.data or []):
            raise ValidationError("Choose at least one file")
        # the service's checks, run here too so that they are listed with the form's own
        refused = refused_files(uploads_of(field.data))
        if refused:
            raise ValidationError(refused)

    def validate_source_url(self, field: StringField) -> None:
        problem = source_url_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def captured_at(self) -> datetime | None:
        """The capture moment in UTC, or None while the date or the time is not valid."""
        if self.captured_on.data is None or self.captured_time.errors:
            return None
        hours, minutes = (int(x) for x in (self.captured_time.data or "00:00").split(":"))
        local = datetime.combine(self.captured_on.data, time(hours, minutes), tzinfo=LONDON)
        return local.astimezone(UTC)  # stored as UTC: SQLite keeps no zone of its own

    def validate(self, extra_validators: dict | None = None) -> bool:
        """The dates' rule (the service's) is checked with the rest of the form, so a future
        capture date is shown together with a mistyped time, not after it is corrected."""
        valid = super().validate(extra_validators)
        for name, message in capture_date_problems(
            self.captured_on.data, self.captured_at(), self.content_posted_on.data
        ):
            field = getattr(self, name)
            if not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid

    def ask_for_files_again(self, names: list[str]) -> None:
        """A browser cannot refill a file input: after any other problem, say so on the field."""
        if names and not self.files.errors:
            chosen = ", ".join(names)
            self.files.errors = [
                f"Choose the file{'s' if len(names) > 1 else ''} again ({chosen}): files are "
                "not kept when there is a problem with the form"
            ]
            self._errors = None


class CorrectionForm(FlaskForm):
    field = SelectField(
        "Field to correct",
        widget=GovSelect(),
        choices=[("", "Choose")] + list(CORRECTABLE.items()),
        validators=[InputRequired("Choose the field to correct")],
    )
    value = StringField(
        "Correct value", widget=GovTextInput(), validators=[Optional(), Length(max=2000)]
    )
    reason = TextAreaField(
        "Reason for the correction",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the reason for the correction"), Length(max=2000)],
    )
    submit = SubmitField("Record correction", widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        "Why is this file withdrawn?",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter the reason for withdrawing it"),
            Length(max=2000, name="The reason for withdrawing it"),
        ],
        description="For example: attached to the wrong case. The file is "
        "kept and stays in the custody log.",
    )
    submit = SubmitField("Withdraw this file", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField("Verify now", widget=GovSubmitInput())
