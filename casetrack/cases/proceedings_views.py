"""Pages for one subject's proceedings and what follows (SPEC §14): proceedings and finding,
suspension and appeal on one page; the reflective review; a Barred or Advisory List report."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from casetrack import vocab
from casetrack.auth.access import require
from casetrack.auth.permissions import Permission, can
from casetrack.cases import proceedings_forms as forms
from casetrack.cases import proceedings_service as service
from casetrack.cases.access import load_case
from casetrack.cases.models import Case, Investigation
from casetrack.cases.pages import as_domain_error, refused_page
from casetrack.cases.service import StaleCase, standing
from casetrack.cases.workflow import State
from casetrack.errors import DomainError, show_on_form
from casetrack.extensions import db

bp = Blueprint("proceedings", __name__, url_prefix="/cases")


def _subject(case: Case, investigation_id: int) -> Investigation:
    inv = next((i for i in case.investigations if i.id == investigation_id), None)
    if inv is None:
        abort(404)
    return inv


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


@bp.route("/<int:case_id>/subjects/<int:investigation_id>/proceedings", methods=["GET", "POST"])
@require(Permission.CASE_PSD)
def subject(case_id: int, investigation_id: int) -> ResponseReturnValue:
    case = load_case(case_id)
    inv = _subject(case, investigation_id)
    if not can(current_user, Permission.CASE_PSD, case) or case.state not in (
        State.PSD_INVESTIGATION,
        State.CLOSED,
    ):
        return refused_page(
            case,
            "You cannot record proceedings now",
            "PSD records proceedings while the case is under PSD investigation.",
        )
    version = {"version": case.version}
    held = {
        "case_to_answer": {True: "yes", False: "no"}.get(inv.case_to_answer),  # type: ignore[arg-type]
        "proceedings": inv.proceedings,
        "proceedings_date": inv.proceedings_date,
        "chair": inv.proceedings_chair,
        "finding": inv.finding or "",
        "fww_in_force": inv.fww_in_force,
        "unconnected_incidents": inv.unconnected_incidents,
    }
    proceedings_form = forms.ProceedingsForm(data={**version, **held}, prefix="p")
    appeal_form = forms.AppealForm(
        data={**version, "appeal": inv.appeal, "appeal_date": inv.appeal_date}, prefix="a"
    )
    suspension_form = forms.SuspensionForm(
        data={**version, "suspended_from": inv.suspended_from, "suspended_to": inv.suspended_to},
        prefix="s",
    )
    op = request.form.get("op") if request.method == "POST" else None
    chosen = {"proceedings": proceedings_form, "appeal": appeal_form, "suspension": suspension_form}
    form = chosen.get(op or "")
    if request.method == "POST" and form is None:
        abort(400)
    if form is not None and form.validate_on_submit():
        try:
            _save(case, inv, op or "", form)
            db.session.commit()
        except (DomainError, StaleDataError) as error:
            db.session.rollback()
            problem = as_domain_error(error)
            if isinstance(problem, StaleCase):
                flash(problem.message, "error")
                return redirect(request.path)
            case = load_case(case_id, audit=False)
            inv = _subject(case, investigation_id)
            show_on_form(form, problem, {"proceedings": "proceedings"}.get(op or "", "submit"))
        else:
            flash(f"Saved for {inv.person.display_name}.", "success")
            return redirect(url_for("cases.detail", case_id=case.id, _anchor="subjects"))
    return render_template(
        "proceedings/subject.html",
        case=case,
        inv=inv,
        proceedings_form=proceedings_form,
        appeal_form=appeal_form,
        suspension_form=suspension_form,
        open_case=case.state == State.PSD_INVESTIGATION,
        vocab=vocab,
        standing=standing(case, inv),
    )


def _save(case: Case, inv: Investigation, op: str, form: Any) -> None:
    version = int(form.version.data)
    if op == "proceedings":
        service.record_proceedings(
            case,
            current_user,
            version,
            inv.id,
            service.ProceedingsDetails(
                case_to_answer=_yes_no(form.case_to_answer.data),
                proceedings=form.proceedings.data,
                proceedings_date=form.proceedings_date.data,
                chair=form.chair.data,
                finding=form.finding.data or None,
                fww_in_force=bool(form.fww_in_force.data),
                unconnected_incidents=bool(form.unconnected_incidents.data),
            ),
        )
    elif op == "appeal":
        service.record_appeal(
            case, current_user, version, inv.id, form.appeal.data, form.appeal_date.data
        )
    else:
        service.record_suspension(
            case,
            current_user,
            version,
            inv.id,
            form.suspended_from.data,
            form.suspended_to.data,
        )


@bp.route(
    "/<int:case_id>/subjects/<int:investigation_id>/reflective-review", methods=["GET", "POST"]
)
@require(Permission.CASE_VIEW)
def review(case_id: int, investigation_id: int) -> ResponseReturnValue:
    case = load_case(case_id)
    inv = _subject(case, investigation_id)
    found = service.review_for(inv)
    if found is None:
        abort(404)
    may = service.may_write_review(current_user, case)
    form = forms.ReviewForm(obj=found)
    if request.method == "POST" and not may:
        return refused_page(
            case,
            "You cannot change the reflective review",
            "PSD, or the Standards Manager of a locally resolved case, records it.",
        )
    if form.validate_on_submit():
        try:
            service.save_review(
                case,
                current_user,
                inv.id,
                {name: getattr(form, name).data for name in service.REVIEW_FIELDS},
                form.review_date.data,
                form.account_received.data,
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error, "matter_summary")
        else:
            flash("Reflective review saved.", "success")
            return redirect(url_for("cases.detail", case_id=case.id, _anchor="subjects"))
    return render_template(
        "proceedings/review.html", case=case, inv=inv, form=form, review=found, may=may
    )


@bp.route("/<int:case_id>/subjects/<int:investigation_id>/list-report", methods=["GET", "POST"])
@require(Permission.CASE_PSD)
def list_report(case_id: int, investigation_id: int) -> ResponseReturnValue:
    case = load_case(case_id)
    inv = _subject(case, investigation_id)
    found = service.list_report_for(inv)
    if found is None:
        abort(404)
    if not can(current_user, Permission.CASE_PSD, case):
        return refused_page(
            case,
            "You cannot change the list report",
            "PSD records Barred and Advisory List reports.",
        )
    form = forms.ListReportForm(obj=found)
    if form.validate_on_submit():
        try:
            service.save_list_report(
                case,
                current_user,
                inv.id,
                date_of_birth=form.date_of_birth.data,
                status=form.status.data,
                reasons=form.reasons.data,
                prior_advisory=form.prior_advisory.data,
                reported_on=form.reported_on.data,
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error, "reasons")
        else:
            flash("List report saved.", "success")
            return redirect(url_for("cases.detail", case_id=case.id, _anchor="subjects"))
    return render_template(
        "proceedings/list_report.html",
        case=case,
        inv=inv,
        form=form,
        report=found,
        list_name=service.LIST_NAMES[found.list_name],
    )
