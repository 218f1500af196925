"""Cases through the service and the pages: recording, validation, workflow, time limits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from casetrack.audit.models import AuditEvent
from casetrack.audit.service import verify_chain
from casetrack.cases import service
from casetrack.cases.models import Case, CaseEvent, Investigation
from casetrack.cases.workflow import Action, State
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.timeutil import today


def _record_form(department, **overrides) -> dict:
    received = today() - timedelta(days=3)
    data = {
        "received_date": [str(received.day), str(received.month), str(received.year)],
        "department": str(department.id),
        "case_type": "complaint",
        "source": "public_complaint",
        "summary": "Shared a photo of a crime scene on Instagram with a mocking caption.",
        "categories": ["operational_disclosure", "inappropriate_content"],
        "platforms": ["instagram", "twitter_x"],
        "account_type": "personal",
        "account_handle": "@someone",
        "content_urls": "https://instagram.example/p/1\n",
        "content_posted": f"{received.day}/{received.month}/{received.year}",
        "subject_name": "Jo Bloggs",
        "subject_number": "wm1234",
        "subject_role": "police_officer",
        "subject_rank": "sergeant",
        "reporter_name": "A Member of the Public",
    }
    data.update(overrides)
    return data


def test_record_a_concern_in_the_browser_flow(app, client, auth, signed_in, make_department):
    department = make_department("BIRM_E")
    user = signed_in("standards_manager", departments=[department])
    response = auth.post("/cases/new", _record_form(department))
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    assert case.reference == f"WMP-{(today() - timedelta(days=3)).year}-00001"
    assert case.state == "logged" and case.created_by_id == user.id
    assert sorted(case.platforms) == ["instagram", "twitter_x"]
    assert sorted(case.categories) == ["inappropriate_content", "operational_disclosure"]
    subject = case.investigations[0].person
    assert (subject.name, subject.staff_number, subject.rank) == ("Jo Bloggs", "WM1234", "sergeant")
    assert case.assessment_due > case.received_date
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Shared a photo of a crime scene" in page and "Jo Bloggs (WM1234)" in page
    assert "Concern recorded" in page
    actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert "case_created" in actions and "case_viewed" in actions


def test_record_validation_keeps_input_and_writes_nothing(
    app, auth, signed_in, make_department
) -> None:
    department = make_department("BIRM_E")
    signed_in("standards_manager", departments=[department])
    future = today() + timedelta(days=2)
    cases = [
        ({"received_date": ["31", "2", "2026"]}, "Date received must be a real date"),
        ({"received_date": ["", "", ""]}, "Enter the date received"),
        ({"received_date": ["1", "", "2026"]}, "Date received must include a month"),
        (
            {"received_date": [str(future.day), str(future.month), str(future.year)]},
            "The date received must be today or in the past",
        ),
        ({"summary": ""}, "Enter a summary of the concern"),
        ({"summary": "x" * 5001}, "Summary of the concern must be 5000 characters or fewer"),
        ({"categories": []}, "Choose at least one policy breach category"),
        ({"categories": ["made_up"]}, "is not a valid choice"),
        ({"content_posted": "31/2/2026"}, "is not a real date"),
        (
            {"content_posted": f"{future.day}/{future.month}/{future.year}"},
            "cannot have been posted after",
        ),
        (
            {"subject_role": "", "subject_name": "", "subject_number": ""},
            "Choose an existing record, or enter the subject",
        ),
        (
            {"subject_role": "police_staff", "subject_rank": "inspector"},
            "Only police officers and special constables hold a rank",
        ),
    ]
    for overrides, message in cases:
        body = auth.post("/cases/new", _record_form(department, **overrides)).get_data(as_text=True)
        assert message in body, message
        assert "There is a problem" in body
        if "summary" not in overrides:
            assert "Shared a photo of a crime scene" in body  # typed input kept
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_only_own_departments(app, auth, signed_in, make_department) -> None:
    mine = make_department("BIRM_E")
    other = make_department("COV")
    signed_in("standards_manager", departments=[mine])
    body = auth.post("/cases/new", _record_form(other)).get_data(as_text=True)
    assert "Not a valid choice" in body or "Choose one of your departments" in body
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_reference_sequence_per_force_and_year(app, make_case, make_department, make_force):
    wmp = make_department("BIRM_E")
    warks = make_department("NWARKS", force=make_force("WARKS"))
    last_year = date(today().year - 1, 6, 1)
    refs = [
        make_case(department=wmp).reference,
        make_case(department=wmp).reference,
        make_case(department=warks).reference,
        make_case(department=wmp, received=last_year).reference,
    ]
    year = (today() - timedelta(days=20)).year
    assert refs[:3] == [f"WMP-{year}-00001", f"WMP-{year}-00002", f"WARKS-{year}-00001"]
    assert refs[3] == f"WMP-{last_year.year}-00001"


def test_whole_journey_through_the_service(app, make_case, make_user) -> None:
    case = make_case("closed")
    assert case.state == "closed" and case.closed_on == today()
    events = [e.action for e in case.events]
    assert events == [
        "record",
        "assess",
        "refer_to_psd",
        "psd_accept",
        "assess_severity",
        "proceedings",
        "record_outcome",
        "close",
    ]
    assert all(e.actor_name for e in case.events)
    assert verify_chain()[1] is None


def test_refused_action_changes_nothing(app, make_case) -> None:
    case = make_case("logged")
    version = case.version
    with pytest.raises(DomainError, match="not possible while the case is logged"):
        service.perform(case, Action.CLOSE, case.created_by, case.version)
    db.session.rollback()
    db.session.refresh(case)
    assert (case.state, case.version, len(case.events)) == ("logged", version, 1)


def test_close_needs_outcomes_and_iopc_decision(app, make_case, make_user) -> None:
    psd = make_user("psd")
    case = make_case("psd_investigation", risk_flags=["victim_contact"], psd=psd)
    with pytest.raises(DomainError, match="Record an outcome for every subject"):
        service.perform(case, Action.CLOSE, psd, case.version)
    db.session.rollback()
    inv = case.investigations[0]
    service.perform(
        case,
        Action.RECORD_OUTCOME,
        psd,
        case.version,
        investigation_id=inv.id,
        outcome="resigned",  # ends any stage (SPEC §14.1)
        outcome_date=today(),
        rationale="Resigned during the investigation.",
    )
    with pytest.raises(DomainError, match="IOPC"):
        service.perform(case, Action.CLOSE, psd, case.version)
    service.perform(
        case,
        Action.IOPC_DECISION,
        psd,
        case.version,
        referred=False,
        referral_date=None,
        reference=None,
        rationale="Does not meet criteria.",
    )
    service.perform(case, Action.CLOSE, psd, case.version)
    assert case.state == "closed"


def test_outcome_dates_make_sense(app, make_case, make_user) -> None:
    psd = make_user("psd")
    case = make_case("psd_investigation", psd=psd)
    inv = case.investigations[0]
    for when, message in [
        (today() + timedelta(days=1), "today or in the past"),
        (case.received_date - timedelta(days=1), "before the concern"),
        (None, "Enter the date of the outcome"),
    ]:
        with pytest.raises(DomainError, match=message):
            service.perform(
                case,
                Action.RECORD_OUTCOME,
                psd,
                case.version,
                investigation_id=inv.id,
                outcome="retired",
                outcome_date=when,
                rationale="Retired.",
            )


def test_local_resolution_cannot_dismiss(app, make_case) -> None:
    case = make_case("local_resolution")
    with pytest.raises(DomainError, match="can only come from a PSD investigation"):
        service.perform(
            case,
            Action.RECORD_OUTCOME,
            case.created_by,
            case.version,
            investigation_id=case.investigations[0].id,
            outcome="dismissed",
            outcome_date=today(),
        )


def test_standards_manager_cannot_take_psd_actions(app, make_case) -> None:
    case = make_case("referred_to_psd")
    with pytest.raises(DomainError, match="Only PSD can accept this referral"):
        service.perform(case, Action.PSD_ACCEPT, case.created_by, case.version)


def test_reopen_needs_reason_and_clears_outcomes(app, make_case, make_user) -> None:
    psd = make_user("psd")
    case = make_case("closed", psd=psd)
    with pytest.raises(DomainError, match="Enter the reason for reopening"):
        service.perform(case, Action.REOPEN, psd, case.version, note="")
    db.session.rollback()
    service.perform(case, Action.REOPEN, psd, case.version, note="New evidence from the IOPC.")
    assert case.state == "psd_investigation" and case.closed_on is None
    assert all(inv.outcome is None for inv in case.investigations)
    assert "Previous outcomes — " in case.events[-1].note


def test_assign_only_psd_of_the_force_and_never_a_subject(
    app, make_case, make_user, make_force, make_person
) -> None:
    psd = make_user("psd", staff_number="P100")
    other_force_psd = make_user("psd", forces=[make_force("WARKS")])
    case = make_case("psd_investigation", psd=make_user("psd"))
    for bad in (other_force_psd.id, case.created_by_id, 999999):
        with pytest.raises(DomainError, match="Choose a PSD investigator"):
            service.perform(
                case, Action.ASSIGN_INVESTIGATOR, psd, case.version, investigator_id=bad
            )
    subject_case = make_case("psd_investigation", subjects=[make_person(staff_number="P100")])
    assert psd not in service.psd_colleagues(subject_case)


def test_stale_form_is_refused(app, client, auth, make_case, make_user) -> None:
    psd = make_user("psd")
    case = make_case("referred_to_psd")
    auth.sign_in(psd.email)
    page = client.get(f"/cases/{case.id}/psd_return").get_data(as_text=True)
    assert f'name="version" type="hidden" value="{case.version}"' in page
    stale_version = case.version
    # someone else changes the case meanwhile
    service.perform(
        case,
        Action.IOPC_DECISION,
        psd,
        case.version,
        referred=False,
        referral_date=None,
        reference=None,
        rationale="Not needed.",
    )
    db.session.commit()
    response = auth.post(
        f"/cases/{case.id}/psd_return", {"version": stale_version, "note": "Please handle locally."}
    )
    assert response.status_code == 302
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "changed by someone else — review and try again" in body
    db.session.refresh(case)
    assert case.state == "referred_to_psd"


def test_concurrent_edits_one_wins(app, make_case, make_user) -> None:
    """Two sessions load the same version; the second commit fails instead of overwriting."""
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    psd = make_user("psd")
    case = make_case("referred_to_psd")
    first, second = Session(db.engine), Session(db.engine)
    try:
        a, b = first.get(Case, case.id), second.get(Case, case.id)
        a.iopc_rationale, b.iopc_rationale = "first", "second"
        first.commit()
        with pytest.raises(StaleDataError):
            second.commit()
    finally:
        first.close()
        second.close()
    db.session.expire_all()
    assert db.session.get(Case, case.id).iopc_rationale == "first"
    assert psd


def test_case_page_shows_what_is_next_and_actions(app, client, auth, make_case) -> None:
    case = make_case("logged")
    auth.sign_in(case.created_by.email)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Assessment overdue since" in page  # received 20 days ago
    assert f"/cases/{case.id}/assess" in page and f"/cases/{case.id}/withdraw" in page
    assert f"/cases/{case.id}/psd_accept" not in page


def test_refusal_page(app, client, auth, make_case) -> None:
    case = make_case("logged")
    auth.sign_in(case.created_by.email)
    response = client.get(f"/cases/{case.id}/close")
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "“Close case” is not possible while the case is logged" in body
    assert "Nothing has been changed" in body


def test_referring_twice_is_refused(app, client, auth, make_case) -> None:
    case = make_case("referred_to_psd")
    auth.sign_in(case.created_by.email)
    response = auth.post(
        f"/cases/{case.id}/refer_to_psd", {"version": case.version}, form_path=f"/cases/{case.id}"
    )
    assert response.status_code == 409
    assert len(db.session.scalars(select(CaseEvent)).all()) == 3


def test_action_form_errors_keep_input(app, client, auth, make_case, make_user) -> None:
    case = make_case("referred_to_psd")
    psd = make_user("psd")
    auth.sign_in(psd.email)
    response = auth.post(
        f"/cases/{case.id}/iopc_decision",
        {"version": case.version, "referred": "yes", "reference": "IOPC/2026/123", "rationale": ""},
    )
    body = response.get_data(as_text=True)
    assert "Enter rationale for the decision" in body
    assert 'value="IOPC/2026/123"' in body
    db.session.refresh(case)
    assert case.iopc_referred is None


def test_timeline_is_complete_after_every_action(app, make_case) -> None:
    case = make_case("closed")
    states = [(e.from_state, e.to_state) for e in case.events]
    for (_, reached), (came_from, _) in zip(states, states[1:], strict=False):
        assert came_from == reached
    assert db.session.scalar(select(func.count()).select_from(CaseEvent)) == len(states)
    assert db.session.scalar(select(func.count()).select_from(Investigation)) == 1


def test_random_action_sequences_on_the_real_service(app, make_case, make_user) -> None:
    """Hypothesis drives random actions by random actors through the service and database:
    refusals change nothing; the state is always valid; the timeline is complete and chained."""
    from hypothesis import settings
    from hypothesis import strategies as st
    from hypothesis.stateful import (
        RuleBasedStateMachine,
        invariant,
        rule,
        run_state_machine_as_test,
    )

    psd = make_user("psd")
    department_case = make_case("logged")
    recorder, department = department_case.created_by, department_case.department

    class RealCase(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.case = make_case("logged", department=department, recorder=recorder, psd=psd)

        @rule(
            action=st.sampled_from(list(Action)),
            by_psd=st.booleans(),
            outcome=st.sampled_from(["nfa", "written_warning", "reflective_practice"]),
            flagged=st.booleans(),
        )
        def act(self, action: Action, by_psd: bool, outcome: str, flagged: bool) -> None:
            case = self.case
            user = psd if by_psd else recorder
            before = (case.state, case.version, len(case.events))
            payload = {
                Action.ASSESS: {
                    "subjects": {i.id: ("misconduct", []) for i in case.investigations},
                    "risk_flags": ["victim_contact"] if flagged else [],
                    "interim_measures": [],
                    "rationale": "r",
                },
                Action.ASSESS_SEVERITY: {
                    "severities": {i.id: "misconduct" for i in case.investigations},
                    "rationale": "r",
                },
                Action.PSD_ACCEPT: {"investigator_id": psd.id},
                Action.ASSIGN_INVESTIGATOR: {"investigator_id": psd.id},
                Action.IOPC_DECISION: {
                    "referred": False,
                    "referral_date": None,
                    "reference": None,
                    "rationale": "r",
                },
                Action.RECORD_OUTCOME: {
                    "investigation_id": case.investigations[0].id,
                    "outcome": outcome,
                    "outcome_date": today(),
                },
                Action.PCC_NOTIFICATION: {"notified_on": today()},
            }.get(action, {"note": "a reason"})
            try:
                service.perform(case, action, user, case.version, **payload)
                db.session.commit()
            except DomainError:
                db.session.rollback()
                db.session.refresh(case)
                assert (case.state, case.version, len(case.events)) == before

        @invariant()
        def valid_and_complete(self) -> None:
            case = self.case
            assert case.state in {s.value for s in State}
            events = case.events
            assert events[0].action == "record" and events[-1].to_state == case.state
            for earlier, later in zip(events, events[1:], strict=False):
                assert later.from_state == earlier.to_state
            if case.state == "closed":
                assert all(inv.outcome for inv in case.investigations)

    run_state_machine_as_test(
        RealCase, settings=settings(max_examples=20, stateful_step_count=12, deadline=None)
    )
