"""Forms for correcting a case, the notes log, restricted access and linked cases (SPEC §12)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Optional

from casetrack import vocab
from casetrack.cases.casework import LINK_KINDS
from casetrack.cases.forms import ConcernForm, VersionedForm, _choices, note_field
from casetrack.forms import Length

# The §2.1 details a correction may change, as the "record a concern" form asks for them.
CONCERN_DETAILS = (
    "received_date",
    "case_type",
    "source",
    "account_type",
    "platforms",
    "account_handle",
    "content_urls",
    "content_posted",
    "summary",
    "categories",
    "reporter_anonymous",
    "reporter_name",
    "reporter_contact",
    "no_evidence_reason",
)


class CorrectionForm(VersionedForm):
    # The same fields (labels, limits, messages) as recording a concern: one definition.
    locals().update({name: getattr(ConcernForm, name) for name in CONCERN_DETAILS})
    risk_flags = SelectMultipleField(
        "Risk flags",
        widget=GovCheckboxesInput(),
        choices=_choices(vocab.RISK_FLAGS),
        validators=[Optional()],
    )
    interim_measures = SelectMultipleField(
        "Interim measures taken",
        widget=GovCheckboxesInput(),
        choices=_choices(vocab.INTERIM_MEASURES),
        validators=[Optional()],
    )
    reason = note_field(
        "Why you are making the correction",
        required=True,
        hint="For example: the handle was mistyped when the concern was recorded. This is "
        "shown on the timeline with the old and new values.",
    )
    submit = SubmitField("Save correction", widget=GovSubmitInput())


class NoteForm(FlaskForm):
    text = note_field("Note", required=True, hint="A decision, a call, a meeting: what and why.")
    psd_only = BooleanField(
        "PSD only: not shown to the Standards Manager or in a case pack",
        widget=GovCheckboxInput(),
    )
    corrects = HiddenField(validators=[Optional(), Length(max=12)])
    submit = SubmitField("Add note", widget=GovSubmitInput())


class RestrictForm(VersionedForm):
    reason = note_field("Why", required=True)
    submit = SubmitField("Restrict case", widget=GovSubmitInput())


class NameUserForm(VersionedForm):
    user = SelectField(
        "Name a user who may see the case",
        widget=GovSelect(),
        validators=[InputRequired("Choose who may see the case")],
    )
    submit = SubmitField("Name user", widget=GovSubmitInput())


class UnnameUserForm(VersionedForm):
    user = HiddenField(validators=[InputRequired("Choose who to remove"), Length(max=12)])
    submit = SubmitField(
        "Remove", widget=GovSubmitInput(), render_kw={"class": "govuk-button--secondary"}
    )


class LinkForm(FlaskForm):
    reference = StringField(
        "Reference of the other case",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the reference of the case to link"), Length(max=32)],
        description="For example, WMP-2026-00012",
    )
    kind = RadioField(
        "How are they linked?",
        widget=GovRadioInput(),
        choices=list(LINK_KINDS.items()),
        validators=[InputRequired("Choose how the cases are linked")],
    )
    reason = note_field("Why", required=True)
    submit = SubmitField("Link cases", widget=GovSubmitInput())


class UnlinkForm(FlaskForm):
    reason = note_field("Why the link is removed", required=True)
    submit = SubmitField("Remove link", widget=GovSubmitInput())


def correction_data(case: Any) -> dict[str, Any]:
    """The form's starting values: the case as it is now."""
    posted = [line for line in (case.content_posted_dates or "").splitlines() if line]
    return {
        "version": case.version,
        "received_date": case.received_date,
        "case_type": case.case_type,
        "source": case.source or "",
        "account_type": case.account_type or "",
        "platforms": list(case.platforms),
        "account_handle": case.account_handle or "",
        "content_urls": case.content_urls or "",
        "content_posted": ", ".join(f"{int(d[8:10])}/{int(d[5:7])}/{d[:4]}" for d in posted),
        "summary": case.summary,
        "categories": list(case.categories),
        "reporter_anonymous": case.reporter_anonymous,
        "reporter_name": case.reporter_name or "",
        "reporter_contact": case.reporter_contact or "",
        "no_evidence_reason": case.no_evidence_reason or "",
        "risk_flags": list(case.risk_flags),
        "interim_measures": list(case.interim_measures),
    }
