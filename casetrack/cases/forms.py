"""Forms for recording a concern and for each workflow action."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional, ValidationError

from casetrack import vocab
from casetrack.cases.service import IOPC_DATE_MISSING
from casetrack.forms import GovDateField, Length

NOT_CHOSEN = ("", "Choose")


def _choices(vocabulary: dict[str, str], blank: bool = False) -> list[tuple[str, str]]:
    return ([NOT_CHOSEN] if blank else []) + list(vocabulary.items())


def note_field(label: str, required: bool, hint: str | None = None) -> TextAreaField:
    # "Why it is referred" reads badly as the subject of "… must be 5000 characters or fewer"
    clause = label.split()[0] in ("Why", "If")
    validators: list[Any] = [Length(max=5000, name="The reason" if clause else "")]
    validators.insert(
        0, InputRequired(f"Enter {label[0].lower() + label[1:]}") if required else Optional()
    )
    return TextAreaField(label, widget=GovTextArea(), validators=validators, description=hint)


class VersionedForm(FlaskForm):
    """Every form that changes a case carries the version it was made from."""

    version = HiddenField(validators=[InputRequired("The form is incomplete — reload the page")])

    def validate_version(self, field: HiddenField) -> None:
        # ASCII digits only (str.isdigit() accepts "²") and short enough for int() and the column
        if not re.fullmatch(r"[0-9]{1,9}", field.data or ""):
            raise ValidationError("The form is incomplete — reload the page")


class SubjectChecks:
    """Checked with the rest of the form, so every missing detail is listed at once."""

    def _new_details(self) -> bool:
        return any(
            getattr(self, name).data for name in ("subject_name", "subject_number", "subject_role")
        )

    def _searching(self) -> bool:
        """A name or number typed into the picker, nobody chosen and no new record begun: the
        page lists the matches to choose from (see casetrack/cases/picker.py)."""
        return bool(
            (self.person_search.data or "").strip()  # type: ignore[attr-defined]
            and not self.existing_person.data  # type: ignore[attr-defined]
            and not self._new_details()
        )

    def validate_person_search(self, field: Any) -> None:
        if self._searching():
            raise ValidationError("Choose the person from the matches, or add a new record")

    def validate_subject_role(self, field: Any) -> None:
        if not self.existing_person.data and not field.data and not self._searching():  # type: ignore[attr-defined]
            raise ValidationError("Choose an existing record, or enter the subject's role")

    def validate_subject_name(self, field: Any) -> None:
        if (
            not self.existing_person.data  # type: ignore[attr-defined]
            and not (field.data or self.subject_number.data)  # type: ignore[attr-defined]
            and not self._searching()
        ):
            raise ValidationError("Enter the subject's name or staff number")


def subject_fields(required: bool) -> dict[str, Any]:
    return {
        # Without JavaScript: typed, then "Find" lists the matches as radios; with it, an
        # autocomplete over the same input (static/src/person-picker.js).
        "person_search": StringField(
            "Find an existing workforce record",
            widget=GovTextInput(),
            validators=[Optional(), Length(max=100)],
            description="Type their name or staff number, then choose them from the matches.",
        ),
        "find_person": SubmitField("Find", widget=GovSubmitInput()),
        # the record chosen: a radio among the matches, or the autocomplete's choice
        "existing_person": StringField(validators=[Optional()]),
        "subject_name": StringField(
            "Full name", widget=GovTextInput(), validators=[Optional(), Length(max=120)]
        ),
        "subject_number": StringField(
            "Staff or collar number", widget=GovTextInput(), validators=[Optional(), Length(max=32)]
        ),
        "subject_role": SelectField(
            "Role",
            widget=GovSelect(),
            choices=_choices(vocab.PERSON_ROLES, blank=True),
            validators=[Optional()],
        ),
        "subject_rank": SelectField(
            "Rank (officers and specials)",
            widget=GovSelect(),
            choices=_choices(vocab.RANKS, blank=True),
            validators=[Optional()],
        ),
        "subject_department": SelectField(
            "Department", widget=GovSelect(), validators=[Optional()]
        ),
        "subject_politically_restricted": BooleanField(
            "The person holds a politically restricted post", widget=GovCheckboxInput()
        ),
    }


class ConcernForm(SubjectChecks, FlaskForm):
    received_date = GovDateField(
        "Date received", required=True, description="For example, 27 3 2026"
    )
    department = SelectField(
        "Department",
        widget=GovSelect(),
        coerce=str,
        validators=[InputRequired("Choose the department")],
    )
    case_type = RadioField(
        "Type of case",
        widget=GovRadioInput(),
        choices=_choices(vocab.CASE_TYPES),
        validators=[InputRequired("Choose the type of case")],
    )
    source = SelectField(
        "How it came in",
        widget=GovSelect(),
        choices=_choices(vocab.SOURCES, blank=True),
        validators=[Optional()],
    )
    account_type = SelectField(
        "Account type",
        widget=GovSelect(),
        choices=_choices(vocab.ACCOUNT_TYPES, blank=True),
        validators=[Optional()],
    )
    platforms = SelectMultipleField(
        "Platforms",
        widget=GovCheckboxesInput(),
        choices=_choices(vocab.PLATFORMS),
        validators=[Optional()],
    )
    account_handle = StringField(
        "Account name or handle", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    content_urls = TextAreaField(
        "Web addresses of the content",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=4000)],
        description="One per line. Leave empty for private messages.",
    )
    content_posted = StringField(
        "Dates the content was posted",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=400)],
        description="If known. Day/month/year, separated by commas, for example 3/2/2026, "
        "14/2/2026",
    )
    summary = TextAreaField(
        "Summary of the concern",
        widget=GovTextArea(),
        validators=[InputRequired("Enter a summary of the concern"), Length(max=5000)],
        description="What was posted or sent, and why it is a concern. Do not paste images.",
    )
    categories = SelectMultipleField(
        "Policy breach categories",
        widget=GovCheckboxesInput(),
        choices=_choices(vocab.CATEGORIES),
        validators=[InputRequired("Choose at least one policy breach category")],
    )
    reporter_anonymous = BooleanField(
        "The reporter wishes to stay anonymous", widget=GovCheckboxInput()
    )
    reporter_name = StringField(
        "Reporter's name (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=120)],
    )
    reporter_contact = StringField(
        "Reporter's contact details (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200)],
    )
    no_evidence_reason = note_field(
        "If no evidence could be secured, why not",
        required=False,
        hint="Evidence is attached on the case page after recording.",
    )
    restricted = BooleanField(
        "Restricted case: visible only to the head of PSD and named users",
        widget=GovCheckboxInput(),
    )
    locals().update(subject_fields(required=True))
    submit = SubmitField("Record concern", widget=GovSubmitInput())


class AddSubjectForm(SubjectChecks, VersionedForm):
    locals().update(subject_fields(required=True))
    submit = SubmitField("Add subject", widget=GovSubmitInput())


class NoteForm(VersionedForm):
    """Actions that need only a note (required or optional, set per action)."""

    note = note_field("Note", required=False)
    submit = SubmitField("Confirm", widget=GovSubmitInput())


def note_form(label: str, required: bool, hint: str | None = None) -> type[NoteForm]:
    return type("CustomNoteForm", (NoteForm,), {"note": note_field(label, required, hint)})


class AcceptForm(VersionedForm):
    investigator = SelectField(
        "Investigator (optional)", widget=GovSelect(), validators=[Optional()]
    )
    note = note_field("Note (optional)", required=False)
    submit = SubmitField("Accept referral", widget=GovSubmitInput())


class AssignForm(VersionedForm):
    investigator = SelectField(
        "Investigator", widget=GovSelect(), validators=[InputRequired("Choose an investigator")]
    )
    submit = SubmitField("Assign investigator", widget=GovSubmitInput())


class IopcForm(VersionedForm):
    referred = RadioField(
        "Was the matter referred to the IOPC?",
        widget=GovRadioInput(),
        choices=[("yes", "Yes"), ("no", "No")],
        validators=[InputRequired("Choose yes or no")],
    )
    referral_date = GovDateField("Date of referral")
    reference = StringField(
        "IOPC reference", widget=GovTextInput(), validators=[Optional(), Length(max=64)]
    )
    rationale = note_field("Rationale for the decision", required=True)
    submit = SubmitField("Record IOPC decision", widget=GovSubmitInput())

    def validate_referral_date(self, field: GovDateField) -> None:
        # with the other fields, not after them (the service checks it again)
        if self.referred.data == "yes" and field.data is None and not field.process_errors:
            raise ValidationError(IOPC_DATE_MISSING)


class OutcomeForm(VersionedForm):
    investigation = SelectField(
        "Subject", widget=GovSelect(), validators=[InputRequired("Choose the subject")]
    )
    outcome = SelectField(
        "Outcome",
        widget=GovSelect(),
        choices=_choices(vocab.OUTCOMES, blank=True),
        validators=[InputRequired("Choose an outcome")],
    )
    outcome_date = GovDateField("Date of the outcome", required=True)
    rationale = note_field(
        "Rationale",
        required=False,
        hint="Why this outcome: required once the case is under PSD investigation.",
    )
    submit = SubmitField("Record outcome", widget=GovSubmitInput())


class PccForm(VersionedForm):
    notified_on = GovDateField("Date the PCC was notified", required=True)
    submit = SubmitField("Record notification", widget=GovSubmitInput())


def assessment_form(investigations: list[Any], *, psd: bool) -> type[VersionedForm]:
    """Per-subject severity (and, for the initial assessment, standards) fields."""
    severities = dict(vocab.SEVERITIES)
    if psd:
        severities.pop("not_assessed")
    attrs: dict[str, Any] = {}
    for inv in investigations:
        attrs[f"severity_{inv.id}"] = RadioField(
            f"Severity for {inv.person.display_name}",
            widget=GovRadioInput(),
            choices=list(severities.items()),
            validators=[InputRequired(f"Choose the severity for {inv.person.display_name}")],
        )
        if not psd:
            attrs[f"standards_{inv.id}"] = SelectMultipleField(
                f"Standards of Professional Behaviour engaged — {inv.person.display_name}",
                widget=GovCheckboxesInput(),
                choices=_choices(vocab.STANDARDS),
                validators=[Optional()],
            )
    if not psd:
        attrs["risk_flags"] = SelectMultipleField(
            "Risk flags",
            widget=GovCheckboxesInput(),
            choices=_choices(vocab.RISK_FLAGS),
            validators=[Optional()],
        )
        attrs["interim_measures"] = SelectMultipleField(
            "Interim measures taken",
            widget=GovCheckboxesInput(),
            choices=_choices(vocab.INTERIM_MEASURES),
            validators=[Optional()],
        )
    attrs["rationale"] = note_field("Rationale", required=True)
    attrs["submit"] = SubmitField("Save assessment", widget=GovSubmitInput())
    return type("AssessmentForm", (VersionedForm,), attrs)


class ListFilterForm(FlaskForm):
    """The case list's filters (GET, no CSRF: nothing changes)."""

    class Meta:
        csrf = False

    q = StringField(
        "Search",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=100)],
        description="Reference, summary, account handle, web address, subject name or staff number",
    )
    state = SelectField("State", widget=GovSelect(), validators=[Optional()])
    force = SelectField("Force", widget=GovSelect(), validators=[Optional()])
    department = SelectField("Department", widget=GovSelect(), validators=[Optional()])
    platform = SelectField(
        "Platform",
        widget=GovSelect(),
        choices=[("", "Any")] + list(vocab.PLATFORMS.items()),
        validators=[Optional()],
    )
    category = SelectField(
        "Category",
        widget=GovSelect(),
        choices=[("", "Any")] + list(vocab.CATEGORIES.items()),
        validators=[Optional()],
    )
    severity = SelectField(
        "Severity",
        widget=GovSelect(),
        choices=[("", "Any")] + list(vocab.SEVERITIES.items()),
        validators=[Optional()],
    )
    received_from = GovDateField("Received from")
    received_to = GovDateField("Received to")
    overdue = BooleanField("Only overdue", widget=GovCheckboxInput())
    mine = BooleanField("Only assigned to me", widget=GovCheckboxInput())
    sort = SelectField(
        "Sort by",
        widget=GovSelect(),
        choices=[
            ("received_desc", "Received (newest first)"),
            ("received_asc", "Received (oldest first)"),
            ("reference", "Reference"),
            ("state", "State"),
        ],
        validators=[Optional()],
    )
    page = IntegerField(validators=[Optional()])
