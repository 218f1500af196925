"""Evidence pages: upload, item page with custody log, preview, download, verify, export."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from casetrack import vocab
from casetrack.audit.service import record
from casetrack.auth.access import require
from casetrack.auth.permissions import Permission
from casetrack.auth.signin import require_recent_second_factor
from casetrack.cases.access import load_case, load_item
from casetrack.cases.models import Case
from casetrack.errors import DomainError, show_on_form
from casetrack.evidence import service
from casetrack.evidence.export import bundle
from casetrack.evidence.forms import (
    ConfirmForm,
    CorrectionForm,
    UploadForm,
    WithdrawForm,
    uploads_of,
)
from casetrack.evidence.models import CORRECTABLE, EVIDENCE_KINDS, EvidenceItem
from casetrack.evidence.storage import INLINE_IMAGES, fault
from casetrack.extensions import db

bp = Blueprint("evidence", __name__)


def _refuse_change(case: Case, what: str) -> None:
    """A change the access rule does not allow now: say why (after the view is audited)."""
    try:
        service.check_change(current_user, case, what)
    except DomainError as error:
        page = render_template("evidence/refused.html", case=case, what=what, reason=error.message)
        abort(make_response(page, 403))


def chosen_files(files: list) -> list[str]:
    """The names of the files the user chose (a browser sends an empty part for none)."""
    return [service.clean_filename(f.filename) for f in files if f and f.filename]


@bp.route("/cases/<int:case_id>/evidence/new", methods=["GET", "POST"])
@require(Permission.EVIDENCE_ADD)
def upload(case_id: int) -> ResponseReturnValue:
    case = load_case(case_id)
    _refuse_change(case, "added")
    form = UploadForm(data=None if request.method == "POST" else service.details_from_case(case))
    if form.validate_on_submit():
        uploads = uploads_of(request.files.getlist("files"))
        try:
            details = service.CaptureDetails(
                kind=form.kind.data,
                captured_at=form.captured_at(),
                captured_by=form.captured_by.data,
                capture_method=form.capture_method.data,
                description=form.description.data or "",
                source_url=form.source_url.data,
                platform=form.platform.data or None,
                account_handle=form.account_handle.data,
                content_posted_on=form.content_posted_on.data,
            )
            items = service.add_evidence(case, current_user, uploads, details)
            fault("before_commit")
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error, "files")
        else:
            names = ", ".join(item.original_filename for item in items)
            flash(f"Evidence preserved: {names}. SHA-256 recorded.", "success")
            return redirect(url_for("cases.detail", case_id=case.id, _anchor="evidence"))
    if form.is_submitted():
        form.ask_for_files_again(chosen_files(request.files.getlist("files")))
    return render_template(
        "evidence/upload.html",
        case=case,
        form=form,
        limit_mb=current_app.config["EVIDENCE_MAX_BYTES"] // (1024 * 1024),
    )


@bp.route("/evidence/<int:item_id>")
@require(Permission.EVIDENCE_VIEW)
def item(item_id: int) -> ResponseReturnValue:
    evidence = load_item(item_id, audit=False)  # the custody entry below is the audit entry
    service.custody(evidence, current_user, "viewed")
    db.session.commit()
    return render_template(
        "evidence/item.html",
        item=evidence,
        details=service.details_of(evidence),
        labels=CORRECTABLE,
        kinds=EVIDENCE_KINDS,
        vocab=vocab,
        confirm=ConfirmForm(),
        previewable=evidence.media_type in INLINE_IMAGES and not evidence.withdrawn,
        preview_size=service.preview_size(evidence)
        if evidence.media_type in INLINE_IMAGES and not evidence.withdrawn
        else None,
        can_change=service.can_add(current_user, evidence.case),
    )


def _refuse_altered(evidence: EvidenceItem) -> ResponseReturnValue:
    db.session.commit()  # the failed verification is on the record
    return render_template("evidence/altered.html", item=evidence), 409


@bp.route("/evidence/<int:item_id>/download")
@require(Permission.EVIDENCE_VIEW)
def download(item_id: int) -> ResponseReturnValue:
    evidence = load_item(item_id)
    if not service.verify(evidence, current_user, reason="verified_for_download"):
        return _refuse_altered(evidence)
    service.custody(evidence, current_user, "downloaded")
    db.session.commit()
    path = service.store().path_for(evidence.storage_name)
    return send_file(
        path,
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=evidence.original_filename,
        etag=False,
        max_age=0,
    )


@bp.route("/evidence/<int:item_id>/preview")
@require(Permission.EVIDENCE_VIEW)
def preview(item_id: int) -> ResponseReturnValue:
    """Images only, served as the verified image type; anything else is download only."""
    evidence = load_item(item_id)
    if evidence.media_type not in INLINE_IMAGES or evidence.withdrawn:
        abort(404)
    if not service.verify(evidence, current_user, reason="verified_for_preview"):
        return _refuse_altered(evidence)
    db.session.commit()
    response = send_file(
        service.store().path_for(evidence.storage_name),
        mimetype=evidence.media_type,
        as_attachment=False,
        etag=False,
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/evidence/<int:item_id>/verify", methods=["POST"])
@require(Permission.EVIDENCE_VIEW)
def verify(item_id: int) -> ResponseReturnValue:
    evidence = load_item(item_id)
    ok = service.verify(evidence, current_user)
    db.session.commit()
    flash(
        "Verified: the stored file matches its SHA-256."
        if ok
        else "VERIFICATION FAILED: the stored file does not match its SHA-256.",
        "success" if ok else "error",
    )
    return redirect(url_for("evidence.item", item_id=evidence.id))


@bp.route("/cases/<int:case_id>/evidence/verify", methods=["POST"])
@require(Permission.EVIDENCE_VIEW)
def verify_case(case_id: int) -> ResponseReturnValue:
    case = load_case(case_id)
    items = _items(case)
    failed = [i for i in items if not service.verify(i, current_user)]
    db.session.commit()
    if failed:
        flash(
            f"VERIFICATION FAILED for {len(failed)} of {len(items)} "
            f"{'file' if len(items) == 1 else 'files'}: "
            + ", ".join(i.original_filename for i in failed),
            "error",
        )
    else:
        flash(
            "The file was verified against its SHA-256."
            if len(items) == 1
            else f"All {len(items)} files verified against their SHA-256.",
            "success",
        )
    return redirect(url_for("cases.detail", case_id=case.id, _anchor="evidence"))


def _items(case: Case) -> list[EvidenceItem]:
    return service.evidence_for(case)


@bp.route("/cases/<int:case_id>/evidence/export")
@require(Permission.EVIDENCE_VIEW)
@require_recent_second_factor  # step-up (SPEC §16)
def export(case_id: int) -> ResponseReturnValue:
    case = load_case(case_id)
    items = _items(case)
    failed = [
        i
        for i in items
        if not i.withdrawn and not service.verify(i, current_user, reason="verified_for_export")
    ]
    if failed:
        db.session.commit()
        return render_template("evidence/altered.html", item=failed[0], export=True), 409
    for evidence in items:
        if not evidence.withdrawn:
            service.custody(evidence, current_user, "exported")
    record(
        "evidence_bundle_exported",
        object_type="case",
        object_id=case.id,
        details={"reference": case.reference, "items": [i.id for i in items]},
    )
    db.session.commit()
    for evidence in items:  # the custody log in the bundle includes this export
        db.session.refresh(evidence, ["custody"])
    stream = bundle(service.store(), case.reference, items)
    return Response(
        stream_with_context(iter(stream)),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{case.reference}-evidence.zip"'},
    )


@bp.route("/evidence/<int:item_id>/correct", methods=["GET", "POST"])
@require(Permission.EVIDENCE_ADD)
def correct(item_id: int) -> ResponseReturnValue:
    evidence = load_item(item_id)
    _refuse_change(evidence.case, "corrected")
    form = CorrectionForm()
    if form.validate_on_submit():
        try:
            service.correct(
                evidence, current_user, form.field.data, form.value.data, form.reason.data
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error, "reason")
        else:
            flash("Correction recorded. The original value is kept.", "success")
            return redirect(url_for("evidence.item", item_id=evidence.id))
    return render_template("evidence/correct.html", item=evidence, form=form)


@bp.route("/evidence/<int:item_id>/withdraw", methods=["GET", "POST"])
@require(Permission.EVIDENCE_ADD)
def withdraw(item_id: int) -> ResponseReturnValue:
    evidence = load_item(item_id)
    _refuse_change(evidence.case, "withdrawn")
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            service.withdraw(evidence, current_user, form.reason.data)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error, "reason")
        else:
            flash("File withdrawn. It is kept, with its custody log.", "success")
            return redirect(url_for("evidence.item", item_id=evidence.id))
    return render_template("evidence/withdraw.html", item=evidence, form=form)
