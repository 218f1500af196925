"""Web import for the head of PSD: upload, preview (what will be created, what is skipped,
every problem), then confirm. The file waits in the instance folder between the two steps."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import ValidationError

from casetrack.auth.access import require
from casetrack.auth.permissions import Permission
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.imports import importer

bp = Blueprint("imports", __name__, url_prefix="/imports")
SESSION_KEY = "pending_import"
KEEP_SECONDS = 24 * 3600


class UploadForm(FlaskForm):
    file = FileField("CSV or XLSX file", widget=GovFileInput())
    submit = SubmitField("Check the file", widget=GovSubmitInput())

    def validate_file(self, field: FileField) -> None:
        name = getattr(field.data, "filename", "") or ""
        if not name:
            raise ValidationError("Choose a CSV or XLSX file")
        if Path(name).suffix.lower() not in (".csv", ".xlsx"):
            raise ValidationError("The file must be a .csv or .xlsx file")


class ConfirmForm(FlaskForm):
    submit = SubmitField("Import these cases", widget=GovSubmitInput())


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for old in folder.iterdir():  # files never confirmed are removed after a day
        if time.time() - old.stat().st_mtime > KEEP_SECONDS:
            old.unlink(missing_ok=True)
    return folder


def _pending() -> tuple[Path, str] | None:
    pending = session.get(SESSION_KEY)
    if not pending:
        return None
    path = _folder() / pending["token"]
    return (path, pending["name"]) if path.is_file() else None


def _check(path: Path) -> importer.Plan:
    """The head of PSD imports into their own forces only, and is told of a case already in
    CaseTrack only when it is one they may see (casetrack/cases/access.py)."""
    return importer.plan(
        path, allowed_forces={force.code for force in current_user.forces}, viewer=current_user
    )


@bp.route("", methods=["GET", "POST"])
@require(Permission.IMPORT_CASES)
def upload() -> ResponseReturnValue:
    form = UploadForm()
    if form.validate_on_submit():
        name = Path(form.file.data.filename).name[-120:]
        token = secrets.token_hex(16) + Path(name).suffix.lower()
        path = _folder() / token
        form.file.data.save(path)
        session[SESSION_KEY] = {"token": token, "name": name}
        return redirect(url_for("imports.preview"))
    return render_template("imports/upload.html", form=form)


@bp.route("/preview")
@require(Permission.IMPORT_CASES)
def preview() -> ResponseReturnValue:
    pending = _pending()
    if pending is None:
        flash("Upload the file again: the check has expired.", "info")
        return redirect(url_for("imports.upload"))
    path, name = pending
    try:
        checked = _check(path)
    except DomainError as error:
        path.unlink(missing_ok=True)
        session.pop(SESSION_KEY, None)
        form = UploadForm()
        form.file.errors = [error.message.replace(path.name, name)]
        return render_template("imports/upload.html", form=form), 400
    # the page lists references of cases already in CaseTrack: a view of case content
    importer.record_check(checked, name)
    db.session.commit()
    return render_template(
        "imports/preview.html", checked=checked, name=name, confirm=ConfirmForm()
    )


@bp.route("/confirm", methods=["POST"])
@require(Permission.IMPORT_CASES)
def confirm() -> ResponseReturnValue:
    pending = _pending()
    if pending is None or not ConfirmForm().validate_on_submit():
        abort(400)
    path, name = pending
    checked = _check(path)
    if not checked.ok:  # the database may have changed since the preview
        return redirect(url_for("imports.preview"))
    summary = importer.execute(checked, current_user.email, current_user.id, source_name=name)
    db.session.commit()
    importer.refresh_statistics()
    path.unlink(missing_ok=True)
    session.pop(SESSION_KEY, None)
    flash(
        f"Imported {summary.cases_created:,} cases ({summary.investigations_created:,} "
        f"investigations) from {name}; skipped {len(summary.skipped):,} references already "
        "present.",
        "success",
    )
    return redirect(url_for("imports.upload"))


@bp.route("/cancel", methods=["POST"])
@require(Permission.IMPORT_CASES)
def cancel() -> ResponseReturnValue:
    pending = _pending()
    if pending is not None and ConfirmForm().validate_on_submit():
        pending[0].unlink(missing_ok=True)
    session.pop(SESSION_KEY, None)
    return redirect(url_for("imports.upload"))
