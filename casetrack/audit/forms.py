"""The audit log's filters: by case reference, by what happened (a list of labels), by who,
and by date, instead of internal ids and codes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectField, StringField
from wtforms.validators import Optional, ValidationError

from casetrack.forms import GovDateField, Length


class AuditFilterForm(FlaskForm):
    """GET, no CSRF: nothing changes."""

    class Meta:
        csrf = False

    reference = StringField(
        "Case reference",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=40)],
        description="For example WMP-2026-00039",
    )
    action = SelectField("What happened", widget=GovSelect(), validators=[Optional()])
    actor = StringField(
        "Who (name or email contains)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=254)],
    )
    date_from = GovDateField("From", description="For example, 27 3 2026")
    date_to = GovDateField("To")

    def validate_date_to(self, field: GovDateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date must be the same as or after the start date")
