"""Each role's home page, and a health check for load balancers."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select, text

from casetrack.approvals.service import for_head
from casetrack.audit.service import record
from casetrack.auth.access import public, require
from casetrack.auth.models import User
from casetrack.auth.permissions import NO_ROLE, Permission, Role
from casetrack.cases.queries import dashboard, leadership_headlines
from casetrack.extensions import db
from casetrack.org.models import Department, Force
from casetrack.queues.tasks import AUTOMATIC, my_tasks
from casetrack.timeutil import today

bp = Blueprint("main", __name__)


@bp.route("/")
@require(Permission.SIGNED_IN)
def home() -> ResponseReturnValue:
    if current_user.role == NO_ROLE:  # awaiting a head of PSD's approval (SPEC §9.1)
        return render_template("main/home_no_role.html")
    role = Role(current_user.role)
    context: dict[str, object] = {}
    if role is Role.ADMIN:
        context["counts"] = {
            "users": db.session.scalar(select(func.count()).select_from(User)),
            "active_users": db.session.scalar(
                select(func.count()).select_from(User).where(User.active.is_(True))
            ),
            "forces": db.session.scalar(select(func.count()).select_from(Force)),
            "departments": db.session.scalar(select(func.count()).select_from(Department)),
        }
    elif role is Role.LEADERSHIP:
        context["headlines"] = leadership_headlines(list(current_user.force_ids))
    else:
        board = context["board"] = dashboard(current_user)
        # The person's tasks (SPEC §13) replace the list of reports and accounts due after
        # outcomes (§14.2): those are tasks now, on the home page of whoever holds them.
        tasks = context["my_tasks"] = my_tasks(current_user)
        context["automatic_kinds"] = AUTOMATIC
        context["today"] = today()
        shown = [
            case.id
            for key in ("cases", "referrals", "mine")
            for case in board.get(key, [])  # type: ignore[attr-defined]
        ] + [task.case_id for task in tasks]
        shown = list(dict.fromkeys(shown))  # each case once, in the order shown
        # The dashboard lists cases with their subjects: a view like any other (SPEC §9.1).
        record("dashboard_viewed", object_type="case_list", details={"cases": shown})
        db.session.commit()
    if role is Role.PSD_HEAD:
        context["access_requests"] = len(for_head(current_user))
    return render_template(f"main/home_{role.value}.html", **context)


@bp.route("/healthz")
@public
def health() -> ResponseReturnValue:
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/accessibility")
@public
def accessibility() -> ResponseReturnValue:
    return render_template("main/accessibility.html")


@bp.route("/privacy")
@public
def privacy() -> ResponseReturnValue:
    return render_template("main/privacy.html")
