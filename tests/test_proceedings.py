"""Recording proceedings and what follows through the pages (SPEC §14): the refusal messages,
RPRP and Barred List items with their 5-working-day due dates, appeals and suspension."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casetrack.cases import service
from casetrack.cases.models import Case, Investigation, ListReport, ReflectiveReview
from casetrack.cases.workflow import Action
from casetrack.extensions import db
from casetrack.timeutil import today
from tests.conftest import AuthActions


def _assessed(make_case, make_user, severity: str, **kw):
    psd = make_user("psd")
    case = make_case("psd_investigation", psd=psd, **kw)
    service.perform(
        case,
        Action.ASSESS_SEVERITY,
        psd,
        case.version,
        severities={inv.id: severity for inv in case.investigations},
        rationale="Assessed.",
    )
    db.session.commit()
    return case, psd


def _post_proceedings(auth: AuthActions, case: Case, **fields):
    inv = case.investigations[0]
    url = f"/cases/{case.id}/subjects/{inv.id}/proceedings"
    on = fields.pop("on", today())
    data = {
        "op": "proceedings",
        "p-version": str(case.version),
        "p-case_to_answer": "yes",
        "p-proceedings-date": [str(on.day), str(on.month), str(on.year)],
        "p-chair": "Supt K. Barnes",
        **{f"p-{k}": v for k, v in fields.items()},
    }
    data["p-proceedings_date"] = data.pop("p-proceedings-date")
    return auth.post(url, data)


def _outcome(auth: AuthActions, case: Case, outcome: str, rationale: str = "Because."):
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    on = today()
    return auth.post(
        f"/cases/{case.id}/record_outcome",
        {
            "version": str(case.version),
            "investigation": str(case.investigations[0].id),
            "outcome": outcome,
            "outcome_date": [str(on.day), str(on.month), str(on.year)],
            "rationale": rationale,
        },
    )


def test_written_warning_needs_a_meeting_then_is_allowed(app, make_case, make_user, auth):
    case, psd = _assessed(make_case, make_user, "misconduct")
    auth.sign_in(psd.email)
    refused = _outcome(auth, case, "written_warning")
    assert refused.status_code == 200
    assert "A written warning needs a misconduct meeting or hearing (regulation 42)" in (
        refused.get_data(as_text=True)
    )
    page = _post_proceedings(auth, case, proceedings="misconduct_meeting", finding="misconduct")
    assert page.status_code == 302, page.get_data(as_text=True)[:3000]
    db.session.expire_all()
    inv = db.session.get(Investigation, case.investigations[0].id)
    assert (inv.case_to_answer, inv.proceedings, inv.finding, inv.proceedings_chair) == (
        True,
        "misconduct_meeting",
        "misconduct",
        "Supt K. Barnes",
    )
    dismissed = _outcome(auth, case, "dismissed")
    assert "needs a misconduct hearing: a meeting can give at most a final written warning" in (
        dismissed.get_data(as_text=True)
    )
    assert _outcome(auth, case, "written_warning").status_code == 302
    db.session.expire_all()
    inv = db.session.get(Investigation, case.investigations[0].id)
    assert inv.outcome == "written_warning" and inv.outcome_rationale == "Because."


def test_gross_misconduct_cannot_go_to_a_meeting(app, make_case, make_user, auth):
    case, psd = _assessed(make_case, make_user, "gross_misconduct")
    auth.sign_in(psd.email)
    page = _post_proceedings(auth, case, proceedings="misconduct_meeting", finding="misconduct")
    assert page.status_code == 200
    assert "Gross misconduct goes to a misconduct hearing, not a meeting" in page.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(Investigation, case.investigations[0].id).proceedings is None


def test_outcome_without_psd_assessment_is_refused(app, make_case, make_user, auth):
    psd = make_user("psd")
    case = make_case("psd_investigation", psd=psd)
    auth.sign_in(psd.email)
    body = _outcome(auth, case, "nfa").get_data(as_text=True)
    assert "PSD has not assessed the severity for this subject" in body
    assert "Enter the rationale" not in body  # given


def test_psd_outcome_needs_a_rationale(app, make_case, make_user, auth):
    case, psd = _assessed(make_case, make_user, "no_misconduct")
    auth.sign_in(psd.email)
    body = _outcome(auth, case, "nfa", rationale="").get_data(as_text=True)
    assert "Enter the rationale for the outcome" in body


def test_dismissal_makes_a_barred_list_report_due_in_5_working_days(
    app, make_case, make_user, auth, travel_to
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    # Tuesday 22 December 2026: 5 working days skip Christmas Day (Friday), the weekend and
    # Boxing Day's substitute (Monday 28th): Dec 23, 24, 29, 30, 31 → Thursday 31 December
    travel_to(datetime(2026, 12, 22, 11, 0, tzinfo=ZoneInfo("Europe/London")))
    case, psd = _assessed(make_case, make_user, "gross_misconduct")
    auth.sign_in(psd.email)
    assert (
        _post_proceedings(
            auth, case, proceedings="misconduct_hearing", finding="gross_misconduct"
        ).status_code
        == 302
    )
    assert _outcome(auth, case, "dismissed").status_code == 302
    report = db.session.scalar(select(ListReport))
    assert (report.list_name, report.event_date, report.due) == (
        "barred",
        date(2026, 12, 22),
        date(2026, 12, 31),
    )
    page = auth.client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Barred List report" in page and "due 31 December 2026" in page
    # marking it reported needs the College's fields
    url = f"/cases/{case.id}/subjects/{case.investigations[0].id}/list-report"
    on = today()
    day = [str(on.day), str(on.month), str(on.year)]
    early = auth.post(url, {"reported_on": day})
    assert "Record the date of birth, status and reasons" in early.get_data(as_text=True)
    done = auth.post(
        url,
        {
            "date_of_birth": ["12", "3", "1984"],
            "status": "former_officer",
            "reasons": "Dismissed for gross misconduct.",
            "reported_on": day,
        },
    )
    assert done.status_code == 302
    db.session.expire_all()
    report = db.session.scalar(select(ListReport))
    assert report.reported_on == on and report.reported_by_name == psd.name


def test_resigning_under_investigation_makes_an_advisory_list_report(
    app, make_case, make_user, auth
):
    psd = make_user("psd")
    case = make_case("psd_investigation", psd=psd)
    auth.sign_in(psd.email)
    assert _outcome(auth, case, "resigned").status_code == 302  # any stage, even unassessed
    assert db.session.scalar(select(ListReport.list_name)) == "advisory"


def test_reflective_practice_makes_a_review_with_the_account_due(app, make_case, make_user, auth):
    case, psd = _assessed(make_case, make_user, "no_misconduct")
    auth.sign_in(psd.email)
    assert _outcome(auth, case, "reflective_practice").status_code == 302
    review = db.session.scalar(select(ReflectiveReview))
    from casetrack.cases.deadlines import add_working_days

    assert review.account_due == add_working_days(today(), 5)
    url = f"/cases/{case.id}/subjects/{case.investigations[0].id}/reflective-review"
    assert auth.client.get(url).status_code == 200
    saved = auth.post(
        url,
        {
            "reviewer": "Insp D. Shah",
            "matter_summary": "A post fell short.",
            "discussion_summary": "Discussed.",
            "key_actions": "E-learning within a month.",
            "lessons_officer": "Think first.",
            "lessons_force": "Briefing reminder.",
        },
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(ReflectiveReview.key_actions)) == "E-learning within a month."


def test_a_changed_outcome_removes_the_untouched_due_item(app, make_case, make_user) -> None:
    case, psd = _assessed(make_case, make_user, "no_misconduct")
    inv = case.investigations[0]
    for outcome in ("reflective_practice", "nfa"):
        service.perform(
            case,
            Action.RECORD_OUTCOME,
            psd,
            case.version,
            investigation_id=inv.id,
            outcome=outcome,
            outcome_date=today(),
            rationale="r",
        )
        db.session.commit()
    assert db.session.scalars(select(ReflectiveReview)).all() == []


def test_appeal_and_suspension(app, make_case, make_user, auth):
    case, psd = _assessed(make_case, make_user, "misconduct")
    auth.sign_in(psd.email)
    inv = case.investigations[0]
    url = f"/cases/{case.id}/subjects/{inv.id}/proceedings"
    start = today() - timedelta(days=10)
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    suspended = auth.post(
        url,
        {
            "op": "suspension",
            "s-version": str(case.version),
            "s-suspended_from": [str(start.day), str(start.month), str(start.year)],
        },
    )
    assert suspended.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    saved = _post_proceedings(auth, case, proceedings="misconduct_meeting", finding="misconduct")
    assert saved.status_code == 302
    assert _outcome(auth, case, "final_written_warning").status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    on = today()
    appeal = auth.post(
        url,
        {
            "op": "appeal",
            "a-version": str(case.version),
            "a-appeal": "dismissed",
            "a-appeal_date": [str(on.day), str(on.month), str(on.year)],
        },
    )
    assert appeal.status_code == 302
    db.session.expire_all()
    inv = db.session.get(Investigation, inv.id)
    assert (inv.suspended_from, inv.suspended_to, inv.appeal, inv.appeal_date) == (
        start,
        None,
        "dismissed",
        on,
    )
    assert "suspended_from_duty" in inv.case.interim_measures


def test_an_appeal_needs_a_finding(app, make_case, make_user, auth):
    case, psd = _assessed(make_case, make_user, "no_misconduct")
    auth.sign_in(psd.email)
    _outcome(auth, case, "nfa")
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    page = auth.client.get(f"/cases/{case.id}/subjects/{case.investigations[0].id}/proceedings")
    assert "Appeal" not in page.get_data(as_text=True).split("<main")[1].split("Outcome")[0]


@pytest.mark.parametrize("op", ["delete", ""])
def test_an_unknown_operation_is_400(app, make_case, make_user, auth, op):
    case, psd = _assessed(make_case, make_user, "misconduct")
    auth.sign_in(psd.email)
    url = f"/cases/{case.id}/subjects/{case.investigations[0].id}/proceedings"
    assert auth.post(url, {"op": op}).status_code == 400


def test_a_standards_manager_cannot_record_proceedings(app, make_case, make_user, auth):
    case, _psd = _assessed(make_case, make_user, "misconduct")
    auth.sign_in(case.created_by.email)
    url = f"/cases/{case.id}/subjects/{case.investigations[0].id}/proceedings"
    assert auth.client.get(url).status_code == 403


def test_due_reports_show_on_the_home_page(
    app, make_case, make_user, make_force, make_department, auth
):
    """SPEC §14.2 and §13: the report due is a task on the investigator's home page."""
    psd = make_user("psd")
    case = make_case("psd_investigation", psd=psd)
    auth.sign_in(psd.email)
    assert _outcome(auth, case, "retired").status_code == 302
    home = auth.client.get("/").get_data(as_text=True)
    assert "Your tasks, soonest due first" in home
    assert "Advisory List report to the College of Policing" in home and case.reference in home
    # a Standards Manager of another force sees none of it
    warks = make_force("WARKS")
    other = make_user(
        "standards_manager", forces=[warks], departments=[make_department("NUN", warks)]
    )
    outsider = AuthActions(app.test_client())
    outsider.sign_in(other.email)
    assert case.reference not in outsider.client.get("/").get_data(as_text=True)
