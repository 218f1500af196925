"""Case pages: list, record a concern, case page, add subject, one page per workflow action."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from casetrack import vocab
from casetrack.audit.service import record
from casetrack.auth.access import require
from casetrack.auth.permissions import Permission, can
from casetrack.cases import casework, picker, proceedings_service, service
from casetrack.cases import forms as case_forms
from casetrack.cases.access import load_case
from casetrack.cases.listing import chosen, list_filters
from casetrack.cases.models import Case, Person
from casetrack.cases.pages import as_domain_error
from casetrack.cases.queries import case_page
from casetrack.cases.workflow import (
    ACTION_DONE,
    TRANSITIONS,
    Action,
    State,
    available_actions,
    next_state,
    side_for,
)
from casetrack.errors import DomainError, show_on_form
from casetrack.evidence.models import EVIDENCE_KINDS
from casetrack.evidence.service import can_add as can_add_evidence
from casetrack.evidence.service import evidence_for
from casetrack.extensions import db
from casetrack.org.models import Department, Force
from casetrack.queues import tasks
from casetrack.timeutil import today

bp = Blueprint("cases", __name__, url_prefix="/cases")


def _show(form: Any, error: DomainError, default: str) -> None:
    show_on_form(form, error, default)


def _subject_from_form(form: Any, force: Force) -> Person:
    if form.existing_person.data:
        person = picker.chosen_person(current_user, form.existing_person.data, {force.id})
        if person is None:  # not one the user may pick here: the same words either way
            raise DomainError(
                "Choose a workforce record of the case's force from the matches", "person_search"
            )
        return person
    if not form.subject_role.data:
        raise DomainError("Choose an existing record, or enter the subject's role", "subject_role")
    if not (form.subject_name.data or form.subject_number.data):
        raise DomainError("Enter the subject's name or staff number", "subject_name")
    department = None
    if form.subject_department.data:
        department = (
            db.session.get(Department, int(form.subject_department.data))
            if form.subject_department.data.isdigit()
            else None
        )
        if department is None or department.force_id != force.id:
            raise DomainError("Choose a department of the case's force", "subject_department")
    return service.find_or_add_person(
        force,
        service.SubjectDetails(
            name=form.subject_name.data,
            staff_number=form.subject_number.data,
            role=form.subject_role.data,
            rank=form.subject_rank.data or None,
            department=department,
            politically_restricted=bool(form.subject_politically_restricted.data),
        ),
        # A Standards Manager never sees another department's workforce record (finding 7).
        visible_departments=(
            current_user.department_ids if current_user.role == "standards_manager" else None
        ),
    )


def _fill_subject_choices(form: Any, force_ids: set[int]) -> None:
    departments = db.session.scalars(
        select(Department).where(Department.force_id.in_(force_ids)).order_by(Department.name)
    ).all()
    form.subject_department.choices = [("", "Not known")] + [
        (str(d.id), d.label) for d in departments
    ]


def _finding(form: Any) -> bool:
    """The picker's "Find" button (no JavaScript): list the matches, record nothing."""
    return request.method == "POST" and bool(form.find_person.data)


def _picker_state(form: Any, force_ids: set[int]) -> dict[str, Any]:
    """What the subject picker shows after a submission: the record already chosen, or the
    records matching the text typed (audited, committed here), as radios to choose from."""
    state: dict[str, Any] = {"matches": None, "more": False, "searched": ""}
    if request.method != "POST":
        return state
    chosen = picker.chosen_person(current_user, form.existing_person.data, force_ids)
    text = (form.person_search.data or "").strip()
    if chosen is not None:
        found = picker.Found([chosen], False)
    elif text and len(text) <= picker.MAX_TEXT:
        found = picker.find_people(current_user, text, force_ids=force_ids)
        state["searched"] = text
    elif _finding(form):
        form.person_search.errors = [*form.person_search.errors, "Enter a name or staff number"]
        return state
    else:
        return state
    if text and not found.people and form.person_search.errors:
        form.person_search.errors = [
            f"No workforce record you can see matches “{text[:40]}”: check it, or add a new "
            "record below"
        ]
    picker.audit_search(found, text, request.endpoint or "")
    db.session.commit()
    state["matches"] = [(str(p.id), picker.person_label(p)) for p in found.people]
    state["chosen"] = str(chosen.id) if chosen is not None else ""
    state["more"] = found.more
    return state


def _parse_dates(text: str | None) -> list[date]:
    result = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        bits = part.replace("-", "/").split("/")
        try:
            if len(bits) != 3:
                raise ValueError
            day, month, year = (
                (int(b) for b in bits)
                if len(bits[0]) <= 2
                else (int(bits[2]), int(bits[1]), int(bits[0]))
            )
            result.append(date(year, month, day))
        except ValueError:
            raise DomainError(
                f"“{part[:20]}” is not a real date: use day/month/year", "content_posted"
            ) from None
    return result


# ---- list and record ------------------------------------------------------------------------


@bp.route("")
@require(Permission.CASE_VIEW)
def index() -> ResponseReturnValue:
    form, filters, valid = list_filters(request.args, current_user)
    page = max(1, min(form.page.data or 1, 10_000)) if valid else 1
    size = current_app.config["PAGE_SIZE"]
    cases, has_next = case_page(current_user, filters, page, size)
    record(
        "case_list_viewed",
        details={
            "page": page,
            **chosen(filters),
        },
    )
    db.session.commit()
    args = {k: v for k, v in request.args.items(multi=False) if k != "page"}
    return render_template(
        "cases/list.html",
        form=form,
        cases=cases,
        page=page,
        has_next=has_next,
        prev_url=url_for("cases.index", **args, page=page - 1) if page > 1 else None,
        next_url=url_for("cases.index", **args, page=page + 1) if has_next else None,
        first=(page - 1) * size + 1,
    )


@bp.route("/new", methods=["GET", "POST"])
@require(Permission.CASE_CREATE)
def new() -> ResponseReturnValue:
    form = case_forms.ConcernForm()
    form.department.choices = [("", "Choose")] + [
        (str(d.id), d.label) for d in current_user.departments
    ]
    _fill_subject_choices(form, current_user.force_ids)
    if not _finding(form) and form.validate_on_submit():
        try:
            department = next(
                (d for d in current_user.departments if str(d.id) == form.department.data), None
            )
            if department is None:
                raise DomainError("Choose one of your departments", "department")
            details = service.ConcernDetails(
                received_date=form.received_date.data,
                department=department,
                summary=form.summary.data,
                categories=form.categories.data or [],
                case_type=form.case_type.data,
                source=form.source.data or None,
                account_type=form.account_type.data or None,
                platforms=form.platforms.data or [],
                account_handle=form.account_handle.data,
                content_urls=[
                    u.strip() for u in (form.content_urls.data or "").splitlines() if u.strip()
                ],
                content_posted_dates=_parse_dates(form.content_posted.data),
                reporter_name=None if form.reporter_anonymous.data else form.reporter_name.data,
                reporter_contact=None
                if form.reporter_anonymous.data
                else form.reporter_contact.data,
                reporter_anonymous=bool(form.reporter_anonymous.data),
                no_evidence_reason=form.no_evidence_reason.data,
                restricted=bool(form.restricted.data),
            )
            service.validate_concern(details)
            subject = _subject_from_form(form, department.force)
            case = service.record_concern(current_user, details, [subject])
        except DomainError as error:
            db.session.rollback()
            _show(form, error, "summary")
        else:
            db.session.commit()
            flash(f"Concern recorded as {case.reference}.", "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    picker_state = _picker_state(form, set(current_user.force_ids))
    return render_template("cases/new.html", form=form, picker=picker_state, picker_force=None)


# ---- case page ------------------------------------------------------------------------------


def actions_for(case: Case) -> list[Action]:
    """Actions this user may take on this case now (table and side both allow them)."""
    return [
        a for a in available_actions(State(case.state)) if service.may_take(current_user, case, a)
    ]


@bp.route("/<int:case_id>")
@require(Permission.CASE_VIEW)
def detail(case_id: int) -> ResponseReturnValue:
    case = load_case(case_id)  # audited as a view
    return render_template(
        "cases/detail.html",
        case=case,
        actions=actions_for(case),
        vocab=vocab,
        iopc_prompt=service.iopc_required(case) and case.iopc_rationale is None,
        iopc_reasons=service.iopc_reasons(case),
        can_add_subject=case.state in (State.LOGGED, State.ASSESSED)
        and can(current_user, Permission.CASE_ASSESS, case),
        evidence=evidence_for(case) if can(current_user, Permission.EVIDENCE_VIEW, case) else [],
        can_add_evidence=can_add_evidence(current_user, case),
        evidence_kinds=EVIDENCE_KINDS,
        notes=casework.notes_for(current_user, case),
        links=casework.links_for(current_user, case),
        follow_ups=proceedings_service.follow_ups(case),
        case_tasks=tasks.case_tasks(case),
        automatic_kinds=tasks.AUTOMATIC,
        today=today(),
    )


@bp.route("/<int:case_id>/subjects/new", methods=["GET", "POST"])
@require(Permission.CASE_ASSESS)
def add_subject(case_id: int) -> ResponseReturnValue:
    case = load_case(case_id)
    if case.state not in (State.LOGGED, State.ASSESSED) or not can(
        current_user, Permission.CASE_ASSESS, case
    ):
        reason = "Subjects are added by the case's Standards Manager while it is logged or assessed"
        page = render_template(
            "cases/refused.html",
            case=case,
            action=None,
            reason=reason,
            heading="You cannot add a subject now",
        )
        return page, 403
    form = case_forms.AddSubjectForm(data={"version": case.version})
    _fill_subject_choices(form, {case.force_id})
    if not _finding(form) and form.validate_on_submit():
        try:
            person = _subject_from_form(form, case.force)
            service.add_subject(case, current_user, person, int(form.version.data))
            db.session.commit()
        except (DomainError, StaleDataError) as error:
            db.session.rollback()
            _show(form, as_domain_error(error), "person_search")
        else:
            flash(f"{person.display_name} added as a subject.", "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    picker_state = _picker_state(form, {case.force_id})
    return render_template(
        "cases/add_subject.html",
        case=case,
        form=form,
        picker=picker_state,
        picker_force=case.force_id,
    )


@bp.route("/people")
@require(Permission.CASE_VIEW)
def people_search() -> ResponseReturnValue:
    """The subject picker's JSON: at most 20 workforce records the user may see whose name or
    staff number contains `q` (optionally of one force: `force`), audited."""
    text = request.args.get("q", "")
    if len(text) > picker.MAX_TEXT:
        return jsonify(people=[], more=False, error="Type 100 characters or fewer"), 400
    forces = set(current_user.force_ids)
    force = request.args.get("force", "")
    if force:
        forces &= {int(force)} if force.isascii() and force.isdigit() and len(force) < 10 else set()
    found = picker.find_people(current_user, text, force_ids=forces)
    picker.audit_search(found, text, request.endpoint or "")
    db.session.commit()
    return jsonify(
        people=[{"id": p.id, "label": picker.person_label(p)} for p in found.people],
        more=found.more,
    )


# ---- workflow actions -----------------------------------------------------------------------

NOTE_ACTIONS = {
    Action.RESOLVE_LOCALLY: (
        "Reason for local resolution",
        True,
        "For example: line management to hold a reflective practice discussion.",
    ),
    Action.REFER_TO_PSD: ("Why it is referred (optional)", False, None),
    Action.PSD_RETURN: (
        "Advice to the Standards Manager",
        True,
        "The case goes back to the Standards Manager for local resolution.",
    ),
    Action.CLOSE: ("Closing note (optional)", False, None),
    Action.REOPEN: ("Reason for reopening", True, None),
    Action.WITHDRAW: (
        "Reason for withdrawing the concern",
        True,
        "The case is kept, and left out of statistics.",
    ),
}


def _action_form(case: Case, action: Action) -> Any:
    version = {"version": case.version}
    if action is Action.ASSESS:
        form_class = case_forms.assessment_form(case.investigations, psd=False)
        data = {
            **version,
            "rationale": case.assessment_rationale,
            "risk_flags": list(case.risk_flags),
            "interim_measures": list(case.interim_measures),
        }
        for inv in case.investigations:
            data[f"severity_{inv.id}"] = inv.severity
            data[f"standards_{inv.id}"] = list(inv.standards)
        return form_class(data=data)
    if action is Action.ASSESS_SEVERITY:
        form_class = case_forms.assessment_form(case.investigations, psd=True)
        data = {
            **version,
            **{
                f"severity_{inv.id}": inv.severity
                for inv in case.investigations
                if inv.severity != "not_assessed"
            },
        }
        return form_class(data=data)
    if action in (Action.PSD_ACCEPT, Action.ASSIGN_INVESTIGATOR):
        form = (case_forms.AcceptForm if action is Action.PSD_ACCEPT else case_forms.AssignForm)(
            data=version
        )
        form.investigator.choices = [("", "Choose")] + [
            (str(u.id), u.name) for u in service.psd_colleagues(case)
        ]
        return form
    if action is Action.IOPC_DECISION:
        return case_forms.IopcForm(data=version)
    if action is Action.RECORD_OUTCOME:
        form = case_forms.OutcomeForm(data=version)
        form.investigation.choices = [("", "Choose")] + [
            (
                str(inv.id),
                inv.person.display_name
                + (f" — now: {vocab.label(vocab.OUTCOMES, inv.outcome)}" if inv.outcome else ""),
            )
            for inv in case.investigations
        ]
        form.outcome.choices = [("", "Choose")] + list(service.outcomes_for(case).items())
        return form
    if action is Action.PCC_NOTIFICATION:
        return case_forms.PccForm(data=version)
    label, required, hint = NOTE_ACTIONS[action]
    return case_forms.note_form(label, required, hint)(data=version)


def _payload(case: Case, action: Action, form: Any) -> dict[str, Any]:
    if action is Action.ASSESS:
        return {
            "subjects": {
                inv.id: (
                    getattr(form, f"severity_{inv.id}").data,
                    getattr(form, f"standards_{inv.id}").data or [],
                )
                for inv in case.investigations
            },
            "risk_flags": form.risk_flags.data or [],
            "interim_measures": form.interim_measures.data or [],
            "rationale": form.rationale.data,
        }
    if action is Action.ASSESS_SEVERITY:
        return {
            "severities": {
                inv.id: getattr(form, f"severity_{inv.id}").data for inv in case.investigations
            },
            "rationale": form.rationale.data,
        }
    if action is Action.PSD_ACCEPT:
        return {"investigator_id": form.investigator.data or None, "note": form.note.data}
    if action is Action.ASSIGN_INVESTIGATOR:
        return {"investigator_id": form.investigator.data}
    if action is Action.IOPC_DECISION:
        return {
            "referred": {"yes": True, "no": False}.get(form.referred.data),
            "referral_date": form.referral_date.data,
            "reference": form.reference.data,
            "rationale": form.rationale.data,
        }
    if action is Action.RECORD_OUTCOME:
        return {
            "investigation_id": form.investigation.data,
            "outcome": form.outcome.data,
            "outcome_date": form.outcome_date.data,
            "rationale": form.rationale.data,
        }
    if action is Action.PCC_NOTIFICATION:
        return {"notified_on": form.notified_on.data}
    return {"note": form.note.data}


@bp.route(
    "/<int:case_id>/<any(" + ",".join(a.value for a in Action) + "):action>",
    methods=["GET", "POST"],
)
@require(Permission.CASE_VIEW)
def act(case_id: int, action: str) -> ResponseReturnValue:
    """One page per action: its form, or a clear refusal that changes nothing."""
    case = load_case(case_id)
    chosen = Action(action)
    refused = _refusal(case, chosen)
    if refused is not None:
        reason, status = refused
        record(
            "case_action_refused",
            object_type="case",
            object_id=case.id,
            details={"action": chosen.value, "reason": reason},
        )
        db.session.commit()
        return render_template(
            "cases/refused.html", case=case, action=chosen, reason=reason
        ), status
    # Guards (e.g. closing before every subject has an outcome) are explained on the form.
    blocked = getattr(next_state(service.snapshot(case), chosen), "reason", None)
    form = _action_form(case, chosen)
    status = 200
    if form.validate_on_submit():
        try:
            service.perform(
                case, chosen, current_user, int(form.version.data), **_payload(case, chosen, form)
            )
            db.session.commit()
        except (DomainError, StaleDataError) as error:
            db.session.rollback()
            problem = as_domain_error(error)
            if isinstance(problem, service.StaleCase):
                flash(problem.message, "error")
                return redirect(url_for("cases.detail", case_id=case_id))
            case = load_case(case_id)
            _show(form, problem, _default_field(form))
            status = 409 if blocked else 200
        else:
            flash(f"{ACTION_DONE[chosen]}.", "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template(
        "cases/action.html",
        case=case,
        action=chosen,
        form=form,
        blocked=blocked,
        vocab=vocab,
        iopc_prompt=service.iopc_required(case),
    ), status


def _refusal(case: Case, action: Action) -> tuple[str, int] | None:
    """Why this user cannot take this action on this case now, with the HTTP status."""
    state = State(case.state)
    if (state, action) not in TRANSITIONS:
        return getattr(next_state(service.snapshot(case), action), "reason", ""), 409
    if not service.may_take(current_user, case, action):
        who = "PSD" if side_for(action, state) == "psd" else "the case’s Standards Manager"
        return f"Only {who} can {action.phrase} at this stage.", 403
    return None


def _default_field(form: Any) -> str:
    for name in ("note", "rationale", "investigator", "outcome", "notified_on", "referred"):
        if hasattr(form, name):
            return name
    return "version"
