"""Access requests awaiting a head of PSD's decision (SPEC §9.1)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from casetrack.approvals import service as approvals
from casetrack.approvals.forms import DecisionForm
from casetrack.auth.access import require
from casetrack.auth.models import AccessRequest, User
from casetrack.auth.permissions import Permission
from casetrack.auth.signin import require_recent_second_factor
from casetrack.errors import DomainError, show_on_form
from casetrack.extensions import db

bp = Blueprint("approvals", __name__, url_prefix="/approvals")


@bp.route("")
@require(Permission.ACCESS_APPROVE)
def index() -> ResponseReturnValue:
    rows = approvals.for_head(current_user)
    return render_template(
        "approvals/index.html",
        requests=rows,
        problems={r.id: approvals.may_decide(r, current_user) for r in rows},
    )


def _current_request(user: User) -> AccessRequest | None:
    """The first pending request about this account that is within the head's forces."""
    mine = {r.id for r in approvals.for_head(current_user)}
    return next((r for r in approvals.pending_requests(user) if r.id in mine), None)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@require(Permission.ACCESS_APPROVE)
@require_recent_second_factor  # step-up (SPEC §16)
def decide(user_id: int) -> ResponseReturnValue:
    user = db.session.get(User, user_id)
    req = _current_request(user) if user is not None else None
    if req is None:
        # the page names the account: only for a head of PSD with a request about it in
        # their forces (SPEC §9.1). The requests they may not decide there are about
        # themselves or made by themselves, so nothing is shown that they do not know.
        abort(404)
    form = DecisionForm()
    problem = approvals.may_decide(req, current_user)
    if problem is None and form.validate_on_submit():
        if form.request_id.data != str(req.id):
            problem = "This request was replaced or decided meanwhile. Review it and decide again."
        elif _check(form, req):
            try:
                if form.decision.data == "approve":
                    approvals.approve(req, by=current_user, password=form.new_password.data)
                else:
                    approvals.refuse(req, by=current_user, reason=form.reason.data)
            except DomainError as error:
                db.session.rollback()
                show_on_form(form, error, "decision")
            else:
                db.session.commit()
                flash(
                    f"You approved the request for {user.name}."
                    if req.status == approvals.APPROVED
                    else f"You refused the request for {user.name}.",
                    "success",
                )
                return redirect(url_for("approvals.index"))
    form.request_id.data = str(req.id)
    return render_template(
        "approvals/decide.html",
        user=user,
        req=req,
        form=form,
        problem=problem,
        sets_password=approvals.sets_password(req),
        current=approvals._current(user),
    )


def _check(form: DecisionForm, req: AccessRequest) -> bool:
    """What the decision needs beyond the form's own rules."""
    ok = True
    if form.decision.data == "refuse" and not (form.reason.data or "").strip():
        form.reason.errors = [*form.reason.errors, "Enter the reason for refusing"]
        ok = False
    if form.decision.data == "approve" and approvals.sets_password(req):
        if not form.new_password.data:
            form.new_password.errors = [
                *form.new_password.errors,
                "Choose a temporary password for the account",
            ]
            ok = False
        elif form.new_password.data != form.confirm_password.data:
            form.confirm_password.errors = [
                *form.confirm_password.errors,
                "The passwords do not match",
            ]
            ok = False
    return ok
