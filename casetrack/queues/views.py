"""Tasks on a case, PSD's team queue, notifications and email settings (SPEC §13)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from casetrack.audit.service import record
from casetrack.auth.access import require
from casetrack.auth.permissions import Permission, can
from casetrack.cases.access import load_case
from casetrack.cases.models import Case
from casetrack.cases.pages import as_domain_error, refused_page
from casetrack.errors import DomainError, show_on_form
from casetrack.extensions import db
from casetrack.queues import forms, notify, tasks, team
from casetrack.queues.models import Task
from casetrack.timeutil import today

bp = Blueprint("queues", __name__)


# ---- tasks ----------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/tasks/new", methods=["GET", "POST"])
@require(Permission.TASK_ADD)
def add_task(case_id: int) -> ResponseReturnValue:
    case = load_case(case_id)
    if not can(current_user, Permission.TASK_ADD, case):
        return refused_page(case, "You cannot add a task", "You cannot add tasks to this case.")
    form = forms.TaskForm()
    form.assignee.choices = [("", "Choose a person")] + [
        (str(u.id), f"{u.name} ({u.role_label})") for u in tasks.assignable(case)
    ]
    if form.validate_on_submit():
        try:
            tasks.add_task(case, current_user, form.what.data, form.assignee.data, form.due.data)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error, "what")
        else:
            flash("Task added.", "success")
            return redirect(url_for("cases.detail", case_id=case.id, _anchor="tasks"))
    return render_template("queues/task_new.html", case=case, form=form)


@bp.route("/tasks/done", methods=["POST"])
@require(Permission.CASE_VIEW)
def task_done() -> ResponseReturnValue:
    """The assignee marks their own task done (from the home page or the case)."""
    form = forms.DoneForm()
    if not form.validate_on_submit():
        flash("The task could not be marked done: the form is incomplete — reload the page.")
        return redirect(url_for("main.home"))
    task = db.session.get(Task, int(form.task_id.data))
    if task is None or not can(current_user, Permission.CASE_VIEW, task.case):
        abort(404)
    try:
        tasks.mark_done(task, current_user)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        record("task_done_refused", object_type="case", object_id=task.case_id)
        db.session.commit()
        flash(f"The task could not be marked done: {error.message}.")
    else:
        flash(f"Task on {task.case.reference} marked done.", "success")
    return redirect(_back(url_for("main.home")))


def _back(default: str) -> str:
    """Back to the page the form was on, if it is one of ours."""
    target = request.form.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


# ---- PSD's team queue -----------------------------------------------------------------------


def _queue_page(
    assign_form: forms.AssignForm | None = None, problem: str | None = None, status: int = 200
) -> ResponseReturnValue:
    rows = team.team_queue(current_user)
    may_assign = can(current_user, Permission.QUEUE_ASSIGN)
    people = team.assignable_people([case for case, _ in rows]) if may_assign else []
    form = assign_form or forms.AssignForm()
    form.assignee.choices = [("", "Choose a person")] + [
        (str(u.id), f"{u.name} ({u.role_label})") for u in people
    ]
    form.cases.choices = [(str(case.id), case.reference) for case, _ in rows]
    record(
        "team_queue_viewed",
        object_type="case_list",
        details={"cases": [case.id for case, _ in rows]},
    )
    db.session.commit()
    page = render_template(
        "queues/team.html",
        rows=rows,
        form=form,
        may_assign=may_assign,
        problem=problem,
        today=today(),
        limit=team.QUEUE_LIMIT,
    )
    return page, status


@bp.route("/queue")
@require(Permission.TEAM_QUEUE)
def team_queue() -> ResponseReturnValue:
    return _queue_page()


def _queued_case(raw: str | None) -> Case:
    case = db.session.get(Case, int(raw)) if raw and raw.isdigit() and len(raw) < 10 else None
    if case is None or not can(current_user, Permission.CASE_VIEW, case):
        abort(404)
    return case


@bp.route("/queue/take", methods=["POST"])
@require(Permission.TEAM_QUEUE)
def take() -> ResponseReturnValue:
    form = forms.TakeForm()
    if not form.validate_on_submit():
        return _queue_page(problem="The form is incomplete — reload the page", status=400)
    case = _queued_case(form.case_id.data)
    try:
        team.take(case, current_user, request.form.get(f"version_{case.id}", "")[:12] or None)
        db.session.commit()
    except (DomainError, StaleDataError) as error:
        db.session.rollback()
        record("queue_take_refused", object_type="case", object_id=case.id)
        db.session.commit()
        return _queue_page(problem=as_domain_error(error).message, status=409)
    flash(f"You took {case.reference}.", "success")
    return redirect(url_for("queues.team_queue"))


@bp.route("/queue/assign", methods=["POST"])
@require(Permission.QUEUE_ASSIGN)
def assign() -> ResponseReturnValue:
    form = forms.AssignForm()
    form.assignee.choices = []
    form.cases.choices = []
    if not form.validate_on_submit():
        return _queue_page(form, status=400)
    picks = [
        (_queued_case(raw), request.form.get(f"version_{raw}", "")[:12])
        for raw in dict.fromkeys(form.cases.data)
    ]
    try:
        count = team.assign_many(current_user, picks, form.assignee.data)
        db.session.commit()
    except (DomainError, StaleDataError) as error:
        db.session.rollback()
        problem = as_domain_error(error)
        record("queue_assign_refused", object_type="case_list", details={"reason": problem.message})
        db.session.commit()
        show_on_form(form, problem, "cases")
        return _queue_page(form, status=409)
    flash(f"{count} {'case' if count == 1 else 'cases'} assigned.", "success")
    return redirect(url_for("queues.team_queue"))


# ---- notifications --------------------------------------------------------------------------


@bp.route("/notifications")
@require(Permission.SIGNED_IN)
def notifications() -> ResponseReturnValue:
    rows = notify.recent(current_user)
    record("notifications_viewed", object_type="user", object_id=current_user.id)
    db.session.commit()
    return render_template("queues/notifications.html", rows=rows, form=forms.ReadForm())


@bp.route("/notifications/read", methods=["POST"])
@require(Permission.SIGNED_IN)
def mark_read() -> ResponseReturnValue:
    """Mark one notification read (and open its case), or all of them."""
    form = forms.ReadForm()
    if not form.validate_on_submit():
        flash("The notifications could not be marked read: reload the page and try again.")
        return redirect(url_for("queues.notifications"))
    one = int(form.notification_id.data) if form.notification_id.data else None
    changed = notify.mark_read(current_user, [one] if one else None)
    record(
        "notifications_read",
        object_type="user",
        object_id=current_user.id,
        details={"notification": one, "count": changed},
    )
    db.session.commit()
    if one is None:
        flash("All notifications marked read.", "success")
    return redirect(url_for("queues.notifications"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@require(Permission.SIGNED_IN)
def settings() -> ResponseReturnValue:
    form = forms.EmailSettingsForm()
    if request.method == "GET":
        form.kinds.data = [k for k in notify.KINDS if k not in notify.emails_off(current_user)]
    if form.validate_on_submit():
        try:
            notify.save_email_settings(current_user, set(form.kinds.data or []))
            record(
                "email_settings_saved",
                object_type="user",
                object_id=current_user.id,
                details={"email": sorted(form.kinds.data or [])},
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            show_on_form(form, error, "kinds")
        else:
            flash("Your email settings were saved.", "success")
            return redirect(url_for("queues.settings"))
    return render_template("queues/settings.html", form=form, mail_on=notify.mail_configured())
