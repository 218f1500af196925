"""Pages for everyday casework (SPEC §12): correct a case, the notes log, restricted access,
linked cases and a person's history. Each view checks access (load_case / the permission),
validates, calls casetrack/cases/casework.py or corrections.py, commits once, redirects."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from casetrack import vocab
from casetrack.audit.service import record
from casetrack.auth.access import require
from casetrack.auth.permissions import Permission, can
from casetrack.cases import casework, corrections
from casetrack.cases import casework_forms as forms
from casetrack.cases.access import load_case
from casetrack.cases.models import Case, Person
from casetrack.cases.pages import as_domain_error, refused_page
from casetrack.cases.service import StaleCase
from casetrack.cases.views import _parse_dates, _show
from casetrack.errors import DomainError
from casetrack.extensions import db

bp = Blueprint("casework", __name__, url_prefix="/cases")


@bp.app_template_global()
def link_kind(code: str) -> str:
    return casework.LINK_KINDS.get(code, code)


# ---- corrections -----------------------------------------------------------------------------


@bp.route("/<int:case_id>/correct", methods=["GET", "POST"])
@require(Permission.CASE_VIEW)
def correct(case_id: int) -> ResponseReturnValue:
    case = load_case(case_id)
    if not can(current_user, Permission.CASE_CORRECT, case):
        return refused_page(
            case,
            "You cannot correct this case now",
            "An open case is corrected by its Standards Manager before it is referred, and by "
            "PSD after. A closed or withdrawn case is reopened first.",
        )
    form = forms.CorrectionForm(data=forms.correction_data(case))
    if form.validate_on_submit():
        try:
            changes: dict[str, Any] = {
                name: getattr(form, name).data
                for name in forms.CONCERN_DETAILS
                if name != "content_posted"
            }
            changes["content_urls"] = [
                u.strip() for u in (form.content_urls.data or "").splitlines() if u.strip()
            ]
            changes["content_posted_dates"] = _parse_dates(form.content_posted.data)
            changes["risk_flags"] = form.risk_flags.data or []
            changes["interim_measures"] = form.interim_measures.data or []
            rows = corrections.correct_case(
                case, current_user, int(form.version.data), changes, form.reason.data
            )
            db.session.commit()
        except (DomainError, StaleDataError) as error:
            db.session.rollback()
            problem = as_domain_error(error)
            if isinstance(problem, StaleCase):
                flash(problem.message, "error")
                return redirect(url_for("cases.detail", case_id=case_id))
            if problem.field == "content_posted_dates":
                problem.field = "content_posted"
            case = load_case(case_id, audit=False)
            _show(form, problem, "reason")
        else:
            count = len(rows)
            flash(f"{count} detail{'s' if count != 1 else ''} corrected.", "success")
            return redirect(url_for("cases.detail", case_id=case.id, _anchor="timeline"))
    return render_template("casework/correct.html", case=case, form=form)


# ---- notes -----------------------------------------------------------------------------------


@bp.route("/<int:case_id>/notes/new", methods=["GET", "POST"])
@require(Permission.NOTE_ADD)
def add_note(case_id: int) -> ResponseReturnValue:
    case = load_case(case_id)
    if not can(current_user, Permission.NOTE_ADD, case):
        return refused_page(case, "You cannot add a note", "You cannot add notes to this case.")
    form = forms.NoteForm(data={"corrects": request.args.get("corrects", "")[:12]})
    visible = casework.notes_for(current_user, case)
    earlier = next((n for n in visible if str(n.id) == (form.corrects.data or "")), None)
    if form.corrects.data and earlier is None:
        abort(404)
    if not can(current_user, Permission.NOTES_PSD, case):
        del form.psd_only
    if form.validate_on_submit():
        try:
            casework.add_note(
                case,
                current_user,
                form.text.data,
                psd_only=bool(getattr(form, "psd_only", None) and form.psd_only.data),
                corrects=form.corrects.data or None,
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            _show(form, error, "text")
        else:
            flash("Note added.", "success")
            return redirect(url_for("cases.detail", case_id=case.id, _anchor="notes"))
    return render_template("casework/note.html", case=case, form=form, earlier=earlier)


# ---- restricted access -----------------------------------------------------------------------


@bp.route("/<int:case_id>/access", methods=["GET", "POST"])
@require(Permission.RESTRICTED_CASES)
def access(case_id: int) -> ResponseReturnValue:
    """The head of PSD: restrict or unrestrict, and who is named."""
    case = load_case(case_id)
    if not can(current_user, Permission.RESTRICTED_CASES, case):
        abort(404)
    version = {"version": case.version}
    restrict_form = forms.RestrictForm(data=version, prefix="restrict")
    name_form = forms.NameUserForm(data=version, prefix="name")
    unname_form = forms.UnnameUserForm(data=version, prefix="unname")
    restrict_form.submit.label.text = "Lift the restriction" if case.restricted else "Restrict case"
    eligible = [u for u in casework.nameable_users(case) if u not in case.named_users]
    name_form.user.choices = [("", "Choose")] + [
        (str(u.id), f"{u.name} — {u.role_label}") for u in eligible
    ]
    op = request.form.get("op") if request.method == "POST" else None
    chosen = {"restrict": restrict_form, "name": name_form, "unname": unname_form}.get(op or "")
    if request.method == "POST" and chosen is None:
        abort(400)
    if chosen is not None and chosen.validate_on_submit():
        try:
            message = _access_change(case, op or "", chosen)
            db.session.commit()
        except (DomainError, StaleDataError) as error:
            db.session.rollback()
            problem = as_domain_error(error)
            if isinstance(problem, StaleCase):
                flash(problem.message, "error")
                return redirect(url_for("casework.access", case_id=case_id))
            case = load_case(case_id, audit=False)
            _show(chosen, problem, "reason" if op == "restrict" else "user")
        else:
            flash(message, "success")
            return redirect(url_for("casework.access", case_id=case.id))
    return render_template(
        "casework/access.html",
        case=case,
        restrict_form=restrict_form,
        name_form=name_form,
        unname_form=unname_form,
        can_name=bool(eligible),
    )


def _access_change(case: Case, op: str, form: Any) -> str:
    version = int(form.version.data)
    if op == "restrict":
        restricting = not case.restricted
        changed = casework.set_restricted(
            case, current_user, version, restricting, form.reason.data
        )
        names = ", ".join(u.name for u in changed)
        if restricting:
            return "Case restricted." + (f" Named: {names} (the investigator)." if names else "")
        return "Restriction lifted." + (f" No longer named: {names}." if names else "")
    if op == "name":
        return f"{casework.name_user(case, current_user, version, form.user.data).name} named."
    return f"{casework.unname_user(case, current_user, version, form.user.data).name} removed."


# ---- linked cases ----------------------------------------------------------------------------


@bp.route("/<int:case_id>/links/new", methods=["GET", "POST"])
@require(Permission.CASE_LINK)
def link(case_id: int) -> ResponseReturnValue:
    case = load_case(case_id)
    if not can(current_user, Permission.CASE_LINK, case):
        return refused_page(case, "You cannot link this case", "You cannot link this case.")
    form = forms.LinkForm()
    if form.validate_on_submit():
        try:
            casework.link_cases(
                case, current_user, form.reference.data, form.kind.data, form.reason.data
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            _show(form, error, "reference")
        else:
            flash(f"Linked to {form.reference.data.strip().upper()}.", "success")
            return redirect(url_for("cases.detail", case_id=case.id, _anchor="links"))
    return render_template("casework/link.html", case=case, form=form)


@bp.route("/<int:case_id>/links/<int:link_id>/remove", methods=["GET", "POST"])
@require(Permission.CASE_LINK)
def unlink(case_id: int, link_id: int) -> ResponseReturnValue:
    case = load_case(case_id)
    found = next(
        ((lk, other) for lk, other in casework.links_for(current_user, case) if lk.id == link_id),
        None,
    )
    if found is None:
        abort(404)
    form = forms.UnlinkForm()
    if form.validate_on_submit():
        try:
            casework.unlink(case, current_user, str(link_id), form.reason.data)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            _show(form, error, "reason")
        else:
            flash(f"Link to {found[1].reference} removed.", "success")
            return redirect(url_for("cases.detail", case_id=case.id, _anchor="links"))
    return render_template(
        "casework/unlink.html", case=case, form=form, link=found[0], other=found[1]
    )


# ---- a person's history ----------------------------------------------------------------------


@bp.route("/people/<int:person_id>")
@require(Permission.CASE_VIEW)
def person(person_id: int) -> ResponseReturnValue:
    found = db.session.get(Person, person_id)
    if found is None or not casework.may_see_person(current_user, found):
        if found is not None:
            record("person_access_refused", object_type="person", object_id=person_id)
            db.session.commit()
        abort(404)
    rows = casework.history(current_user, found)
    record(
        "person_viewed",
        object_type="person",
        object_id=found.id,
        details={"cases": [c.reference for _, c in rows]},
    )
    db.session.commit()
    return render_template("casework/person.html", person=found, rows=rows, vocab=vocab)
