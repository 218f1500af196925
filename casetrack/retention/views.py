"""The retention review page and the deletion decision (head of PSD)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from casetrack.audit.service import record
from casetrack.auth.access import require
from casetrack.auth.permissions import Permission
from casetrack.auth.signin import require_recent_second_factor
from casetrack.cases.access import load_case
from casetrack.errors import DomainError, show_on_form
from casetrack.extensions import db
from casetrack.forms import Length
from casetrack.retention import service

bp = Blueprint("retention", __name__, url_prefix="/retention")


class DeleteForm(FlaskForm):
    reason = TextAreaField(
        "Reason for the decision",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the reason for the decision"), Length(max=2000)],
    )
    confirmation = StringField(
        "Type the case reference to confirm",
        widget=GovTextInput(),
        validators=[
            InputRequired("Type the case reference to confirm"),
            Length(max=40, name="The case reference"),
        ],
    )
    submit = SubmitField("Delete this case and its evidence", widget=GovSubmitInput())


@bp.route("")
@require(Permission.RETENTION_DECIDE)
def index() -> ResponseReturnValue:
    cases = service.due_for_review(current_user)
    record(
        "retention_list_viewed",
        object_type="case_list",
        details={"cases": [case.id for case in cases]},
    )
    db.session.commit()
    return render_template("retention/index.html", cases=cases, cutoff=service.cutoff())


@bp.route("/<int:case_id>", methods=["GET", "POST"])
@require(Permission.RETENTION_DECIDE)
@require_recent_second_factor  # step-up (SPEC §16)
def decide(case_id: int) -> ResponseReturnValue:
    case = load_case(case_id)
    if not service.has_passed(case):
        abort(404)
    form = DeleteForm()
    if form.validate_on_submit():
        reference = case.reference
        try:
            files = service.delete_case(
                case, current_user, form.reason.data, form.confirmation.data
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error, "reason")
        else:
            service.remove_files(files)  # after the commit: a failure above loses nothing
            flash(
                f"{reference} and its evidence were deleted. The audit log keeps a record "
                "of the decision.",
                "success",
            )
            return redirect(url_for("retention.index"))
    return render_template("retention/decide.html", case=case, form=form)
