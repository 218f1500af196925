"""Administration pages: users, forces, departments. Admin role only; no case content."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from casetrack.admin.forms import (
    ConfirmForm,
    DepartmentForm,
    ForceForm,
    NameForm,
    NewUserForm,
    ResetPasswordForm,
    UserDetailsForm,
)
from casetrack.approvals import service as approvals
from casetrack.auth import service as accounts
from casetrack.auth.access import require
from casetrack.auth.models import AccessRequest, User
from casetrack.auth.permissions import Permission
from casetrack.errors import DomainError, show_on_form
from casetrack.extensions import db
from casetrack.org import service as org
from casetrack.org.models import Department, Force

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _get(model: type, object_id: int) -> object:
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


def _show_error(form: FlaskForm, error: DomainError, default_field: str) -> None:
    show_on_form(form, error, default_field)


def _placement_choices(form: UserDetailsForm) -> None:
    forces = db.session.scalars(select(Force).order_by(Force.code)).all()
    departments = db.session.scalars(
        select(Department).join(Force).order_by(Force.code, Department.name)
    ).all()
    form.forces.choices = [(force.id, f"{force.name} ({force.code})") for force in forces]
    form.departments.choices = [(d.id, d.label) for d in departments]


def _chosen(model: type, ids: list[int] | None) -> list:
    if not ids:
        return []
    return list(db.session.scalars(select(model).where(model.id.in_(ids))).all())


# ---- users -----------------------------------------------------------------------------------


@bp.route("/users")
@require(Permission.MANAGE_USERS)
def users() -> ResponseReturnValue:
    rows = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    pending: dict[int, list] = {}
    for req in approvals.all_pending():
        pending.setdefault(req.user_id, []).append(req)
    return render_template("admin/users.html", users=rows, pending=pending)


@bp.route("/users/new", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def user_new() -> ResponseReturnValue:
    form = NewUserForm()
    _placement_choices(form)
    if form.validate_on_submit():
        try:
            user, req = approvals.create_account(
                by=current_user,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                password=form.new_password.data,
                forces=_chosen(Force, form.forces.data),
                departments=_chosen(Department, form.departments.data),
                staff_number=form.staff_number.data,
            )
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error, "email")
        else:
            db.session.commit()
            if req is None:
                flash(
                    f"Account created for {user.email}. They must choose a new password when "
                    "they first sign in.",
                    "success",
                )
            else:
                flash(
                    f"Account created for {user.email}, with no role yet. It becomes "
                    f"{req.role_label} when a head of PSD of "
                    f"{', '.join(f.code for f in req.forces)} approves it; they choose its "
                    "temporary password.",
                    "success",
                )
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def user_detail(user_id: int) -> ResponseReturnValue:
    user: User = _get(User, user_id)  # type: ignore[assignment]
    form = UserDetailsForm(obj=None if request.method == "POST" else user)
    _placement_choices(form)
    pending_access = approvals.pending_of(user, approvals.ACCESS)
    if request.method != "POST":
        # the form shows what the account will be: what it has, or what is asked for it
        shown = pending_access or user
        form.role.data = shown.role if shown.role in dict(form.role.choices) else None
        form.forces.data = [force.id for force in shown.forces]
        form.departments.data = [d.id for d in shown.departments]
        if pending_access is not None and pending_access.changes_staff_number:
            form.staff_number.data = pending_access.staff_number
    if form.validate_on_submit():
        try:
            changed, req = approvals.change_user(
                user,
                by=current_user,
                name=form.name.data,
                role=form.role.data,
                forces=_chosen(Force, form.forces.data),
                departments=_chosen(Department, form.departments.data),
                staff_number=form.staff_number.data,
            )
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error, "name")
        else:
            db.session.commit()
            if req is not None:
                flash(
                    f"{'Changes saved. ' if changed else ''}{_asked_words(req, user)} take "
                    f"effect when a head of PSD of {', '.join(f.code for f in req.forces)} "
                    f"approves them. Until then {user.name} keeps their current access"
                    f"{' and staff number' if req.changes_staff_number else ''}.",
                    "success",
                )
            else:
                flash("Changes saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template(
        "admin/user_detail.html",
        user=user,
        form=form,
        confirm=ConfirmForm(formdata=None),
        pending=approvals.pending_requests(user),
        decided=approvals.latest_decided(user),
        is_self=user.id == current_user.id,
        needs_approval_to_reactivate=approvals.is_case_role(user.role),
    )


def _asked_words(req: AccessRequest, user: User) -> str:
    """What an access request changes, in words, for the administrator's confirmation."""
    placement = approvals._placement(req.role or "", req.forces, req.departments)
    words = ["The new role, forces or departments"] if placement != approvals._current(user) else []
    if req.changes_staff_number:
        words.append(
            "the new staff number" if req.staff_number else "the removal of the staff number"
        )
    text = " and ".join(words) or "the changes"
    return text[0].upper() + text[1:]


@bp.route("/users/<int:user_id>/withdraw", methods=["POST"])
@require(Permission.MANAGE_USERS)
def user_withdraw_requests(user_id: int) -> ResponseReturnValue:
    user: User = _get(User, user_id)  # type: ignore[assignment]
    if not ConfirmForm().validate_on_submit():
        abort(400)
    pending = approvals.pending_requests(user)
    for req in pending:
        approvals.withdraw(req, by=current_user)
    db.session.commit()
    flash(
        "The requests awaiting approval were withdrawn."
        if pending
        else "There was no request to withdraw.",
        "success",
    )
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@require(Permission.MANAGE_USERS)
def user_deactivate(user_id: int) -> ResponseReturnValue:
    """At once: it only removes access."""
    user: User = _get(User, user_id)  # type: ignore[assignment]
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        accounts.set_active(user, False, by=current_user)
    except DomainError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"{user.name} has been deactivated and signed out everywhere.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@require(Permission.MANAGE_USERS)
def user_reactivate(user_id: int) -> ResponseReturnValue:
    """At once without a case role; with one, when a head of PSD of its forces approves."""
    user: User = _get(User, user_id)  # type: ignore[assignment]
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        req = approvals.reactivate(user, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        if req is not None:
            flash(
                f"Reactivation requested. {user.name} can sign in again when a head of PSD of "
                f"{', '.join(f.code for f in req.scope)} approves it.",
                "success",
            )
        else:
            flash(f"{user.name} can sign in again.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/second-factor-reset", methods=["POST"])
@require(Permission.MANAGE_USERS)
def user_second_factor_reset(user_id: int) -> ResponseReturnValue:
    """Ask for the account's second factors to be removed; a head of PSD approves."""
    user: User = _get(User, user_id)  # type: ignore[assignment]
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        req = approvals.request_second_factor_reset(user, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(
            f"Second-factor reset requested. It takes effect when a head of PSD of "
            f"{', '.join(f.code for f in req.scope)} approves it; {user.name} then sets up a "
            "new one at their next sign-in.",
            "success",
        )
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def user_reset_password(user_id: int) -> ResponseReturnValue:
    user: User = _get(User, user_id)  # type: ignore[assignment]
    # the form with a password posted is the direct reset, whatever the role is now: the
    # service locks the row and refuses if the account has a case role by then
    direct = request.method == "POST" and "new_password" in request.form
    if not direct and approvals.needs_approval_to_reset(user):
        return _request_password_reset(user)
    form = ResetPasswordForm()
    form.account_email, form.account_name = user.email, user.name
    if form.validate_on_submit():
        try:
            approvals.reset_password(user, form.new_password.data, by=current_user)
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error, "new_password")
        else:
            db.session.commit()
            flash(
                f"Password reset for {user.name}. They have been signed out and must choose a "
                "new password when they next sign in.",
                "success",
            )
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/user_password.html", user=user, form=form)


def _request_password_reset(user: User) -> ResponseReturnValue:
    """A case-role account: the head of PSD who approves chooses the temporary password."""
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            approvals.request_password_reset(user, by=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(
                f"Password reset requested for {user.name}. They have been signed out. A head "
                f"of PSD of {', '.join(f.code for f in user.forces)} chooses the temporary "
                "password when they approve, and gives it to them.",
                "success",
            )
        return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template(
        "admin/user_password_request.html",
        user=user,
        form=form,
        pending=approvals.pending_of(user, approvals.PASSWORD),
    )


# ---- forces and departments -----------------------------------------------------------------


@bp.route("/forces", methods=["GET", "POST"])
@require(Permission.MANAGE_ORGANISATION)
def forces() -> ResponseReturnValue:
    form = ForceForm()
    if form.validate_on_submit():
        try:
            force = org.add_force(form.code.data, form.name.data)
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error, "code")
        else:
            db.session.commit()
            flash(f"Force {force.code} added.", "success")
            return redirect(url_for("admin.forces"))
    rows = db.session.scalars(select(Force).order_by(Force.code)).all()
    return render_template("admin/forces.html", forces=rows, form=form)


@bp.route("/forces/<int:force_id>", methods=["GET", "POST"])
@require(Permission.MANAGE_ORGANISATION)
def force_detail(force_id: int) -> ResponseReturnValue:
    force: Force = _get(Force, force_id)  # type: ignore[assignment]
    form = NameForm(obj=force)
    if form.validate_on_submit():
        try:
            org.rename_force(force, form.name.data)
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error, "name")
        else:
            db.session.commit()
            flash("Force name saved.", "success")
            return redirect(url_for("admin.forces"))
    return render_template("admin/force_detail.html", force=force, form=form)


@bp.route("/departments", methods=["GET", "POST"])
@require(Permission.MANAGE_ORGANISATION)
def departments() -> ResponseReturnValue:
    form = DepartmentForm()
    all_forces = db.session.scalars(select(Force).order_by(Force.code)).all()
    # a required select starts with an empty choice (HTML: a placeholder label option)
    form.force.choices = [("", "Choose the force")] + [
        (force.id, f"{force.name} ({force.code})") for force in all_forces
    ]
    if form.validate_on_submit():
        force: Force = _get(Force, form.force.data)  # type: ignore[assignment]
        try:
            department = org.add_department(force, form.code.data, form.name.data)
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error, "code")
        else:
            db.session.commit()
            flash(f"Department {department.label} added.", "success")
            return redirect(url_for("admin.departments"))
    rows = db.session.scalars(
        select(Department).join(Force).order_by(Force.code, Department.name)
    ).all()
    return render_template(
        "admin/departments.html", departments=rows, form=form, has_forces=bool(all_forces)
    )


@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
@require(Permission.MANAGE_ORGANISATION)
def department_detail(department_id: int) -> ResponseReturnValue:
    department: Department = _get(Department, department_id)  # type: ignore[assignment]
    form = NameForm(obj=department)
    if form.validate_on_submit():
        try:
            org.rename_department(department, form.name.data)
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error, "name")
        else:
            db.session.commit()
            flash("Department name saved.", "success")
            return redirect(url_for("admin.departments"))
    return render_template("admin/department_detail.html", department=department, form=form)
