"""`casetrack demo`: a realistic case set, driven through the real case service, loaded once."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from casetrack.audit.models import AuditEvent
from casetrack.audit.service import verify_chain
from casetrack.auth.models import User
from casetrack.auth.permissions import Permission, can
from casetrack.cases.access import visible_cases
from casetrack.cases.models import Case, CaseEvent, Investigation, Person
from casetrack.cases.service import iopc_required
from casetrack.cases.workflow import State
from casetrack.demo import load_demo
from casetrack.demo.data import FORCE_PLAN
from casetrack.demo.evidence import DemoEvidence
from casetrack.demo.people import Member, make_roster
from casetrack.demo.plan import pinned_specs, plan_all
from casetrack.evidence import service as evidence_service
from casetrack.evidence.cli import verify as verify_evidence
from casetrack.evidence.models import EvidenceCorrection, EvidenceItem
from casetrack.extensions import db
from casetrack.timeutil import as_utc, to_local, today, utcnow

FORCES = {"WMP", "WMERC", "WARKS"}
PSD_IN_CONFLICT = ("psd@example.police.uk", "WMP3310")


def _counts() -> dict[str, int]:
    models = (Case, CaseEvent, Investigation, Person, User, AuditEvent)
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _check_spread(cases: list[Case]) -> None:
    assert len(cases) >= 200
    assert {c.state for c in cases} == {s.value for s in State}
    assert {c.force.code for c in cases} == FORCES
    assert len({c.department_id for c in cases}) >= 6
    received = [c.received_date for c in cases]
    assert (max(received) - min(received)).days >= 4 * 365
    assert min(received) >= today() - timedelta(days=5 * 366) and max(received) <= today()
    old = [c for c in cases if c.received_date < today() - timedelta(days=730)]
    assert sum(c.state == State.CLOSED for c in old) / len(old) > 0.8  # old cases mostly closed
    pairs = sum(len(c.investigations) == 2 for c in cases)
    assert 0.05 <= pairs / len(cases) <= 0.2


def _check_people() -> None:
    people = db.session.scalars(select(Person)).all()
    per_force = Counter(p.force.code for p in people)
    assert all(30 <= per_force[f] <= 60 for f in FORCES), per_force
    roles = Counter(p.role for p in people)
    assert roles.most_common(1)[0][0] == "police_officer" and len(roles) == 5
    subjects = Counter(inv.person_id for inv in db.session.scalars(select(Investigation)))
    assert any(n > 1 for n in subjects.values())
    numbers = {u.staff_number for u in db.session.scalars(select(User)) if u.staff_number}
    assert [p.staff_number for p in people if p.staff_number in numbers] == [PSD_IN_CONFLICT[1]]


def _check_closed(cases: list[Case]) -> None:
    closed = [c for c in cases if c.state == State.CLOSED]
    for case in closed:
        assert case.investigations and all(inv.outcome for inv in case.investigations)
        for inv in case.investigations:
            assert case.received_date <= inv.outcome_date <= case.closed_on < today()
        if iopc_required(case):
            assert case.iopc_referred is not None and case.iopc_rationale
    outcomes = Counter(inv.outcome for c in closed for inv in c.investigations)
    assert {"nfa", "reflective_practice", "written_warning", "dismissed"} <= set(outcomes)


def _check_timelines(cases: list[Case]) -> None:
    now = utcnow()
    for case in cases:
        times = [as_utc(event.at) for event in case.events]
        assert times == sorted(times) and len(set(times)) == len(times), case.reference
        assert to_local(times[0]).date() == case.received_date, case.reference
        assert times[-1] < now
        started = case.investigation_started_on
        if started:
            assert case.received_date <= case.referred_on <= started < today()
            assert all(started <= n.notified_on < today() for n in case.pcc_notifications)


def _check_deadlines(cases: list[Case]) -> None:
    on = today()
    logged = [c for c in cases if c.state == State.LOGGED]
    referred = [c for c in cases if c.state == State.REFERRED_TO_PSD]
    investigating = [c for c in cases if c.state == State.PSD_INVESTIGATION]
    assert any(c.assessment_due < on for c in logged)
    assert any(c.assessment_due >= on for c in logged)
    assert any(c.decision_due < on for c in referred)
    assert any(c.pcc_due < on and not c.pcc_notifications for c in investigating)
    assert any(c.pcc_notifications for c in investigating)
    assert all(c.received_date < c.assessment_due for c in logged)


def _check_access(cases: list[Case]) -> None:
    psd, head = _user(PSD_IN_CONFLICT[0]), _user("head.psd@example.police.uk")
    conflict = [
        c
        for c in cases
        if any(inv.person.staff_number == PSD_IN_CONFLICT[1] for inv in c.investigations)
    ]
    assert len(conflict) == 1 and conflict[0].force.code == "WMP"
    seen_by_psd = set(db.session.scalars(select(Case.id).where(visible_cases(psd))))
    assert conflict[0].id not in seen_by_psd and not can(psd, Permission.CASE_VIEW, conflict[0])
    assert can(head, Permission.CASE_VIEW, conflict[0])
    restricted = [c for c in cases if c.restricted]
    assert len(restricted) >= 2 and {c.force.code for c in restricted} == {"WMP"}
    # the demo names Priya Shah on one restricted case (SPEC §12); the others stay hidden
    named = [c for c in restricted if psd in c.named_users]
    assert len(named) == 1 and named[0].id in seen_by_psd
    unnamed = {c.id for c in restricted} - {named[0].id}
    assert not unnamed & seen_by_psd
    wmp = {c.id for c in cases if c.force.code == "WMP"}
    assert seen_by_psd == wmp - {conflict[0].id} - unnamed


def _check_evidence(app: Flask) -> None:
    items = list(db.session.scalars(select(EvidenceItem).order_by(EvidenceItem.id)))
    assert len(items) >= 40 and len({i.case_id for i in items}) >= 40
    assert {"image/png", "application/pdf", "text/plain"} <= {i.media_type for i in items}
    assert {"screenshot", "web_capture", "message_export"} == {i.kind for i in items}
    store, now = evidence_service.store(), utcnow()
    for item in items:
        case = item.case
        assert store.hash_of(item.storage_name) == (item.sha256, item.size), item.id
        assert case.state != State.WITHDRAWN and item.uploaded_by_id == case.created_by_id
        captured, uploaded = as_utc(item.captured_at), as_utc(item.uploaded_at)
        assert captured < as_utc(case.events[0].at) < uploaded < now, item.id
        assert item.content_posted_on <= to_local(captured).date() <= case.received_date
        assert as_utc(item.custody[0].at) == uploaded and item.custody[0].action == "uploaded"
        assert item.captured_by and item.capture_method and item.description
        if item.kind == "message_export":
            assert item.source_url is None and item.platform in ("whatsapp", "facebook_messenger")
    withdrawn = [i for i in items if i.withdrawn]
    assert len(withdrawn) == 1 and withdrawn[0].withdrawn_reason.startswith(
        "Attached to the wrong case"
    )
    custody_times = {as_utc(entry.at) for item in items for entry in item.custody}
    on_timelines = select(CaseEvent).where(CaseEvent.action.startswith("evidence_"))
    assert all(as_utc(e.at) in custody_times for e in db.session.scalars(on_timelines))
    [correction] = db.session.scalars(select(EvidenceCorrection)).all()
    assert correction.item.current(correction.field) == correction.new_value
    result = app.test_cli_runner().invoke(verify_evidence)
    assert result.exit_code == 0, result.output
    assert f"{len(items)} items verified, no orphaned files" in result.output


def _check_casework() -> None:
    """SPEC §12 on show: shared and PSD-only notes, a corrected note, a corrected detail, a
    link."""
    from casetrack.cases.models import CaseCorrection, CaseLink, CaseNote

    notes = list(db.session.scalars(select(CaseNote)))
    assert {n.psd_only for n in notes} == {True, False}
    assert any(n.corrects_id for n in notes)
    (correction,) = db.session.scalars(select(CaseCorrection)).all()
    assert correction.field == "account_handle" and correction.new_value.endswith("_official")
    assert len(db.session.scalars(select(CaseLink)).all()) == 1


def test_demo_loads_a_realistic_case_set_once(app: Flask) -> None:
    load_demo()
    db.session.commit()
    cases = list(db.session.scalars(select(Case).order_by(Case.id)))
    _check_spread(cases)
    _check_people()
    _check_closed(cases)
    _check_timelines(cases)
    _check_deadlines(cases)
    _check_access(cases)
    _check_evidence(app)
    _check_casework()
    assert verify_chain() == (_counts()["AuditEvent"], None)

    before = _counts()
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0 and "not loaded" in result.output
    assert _counts() == before


def test_a_failed_demo_load_leaves_nothing(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from casetrack.demo import cases as demo_cases

    real_run, calls = demo_cases.CaseDriver.run, []

    def failing_run(driver: demo_cases.CaseDriver) -> None:
        calls.append(driver)
        if len(calls) == 5:
            raise RuntimeError("disk full")
        real_run(driver)

    monkeypatch.setattr(demo_cases.CaseDriver, "run", failing_run)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert isinstance(result.exception, RuntimeError)
    db.session.rollback()  # what the process exiting does to the open transaction
    assert set(_counts().values()) == {0}


def test_a_failed_demo_load_leaves_no_evidence_files(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_attach, attached = DemoEvidence.attach, []

    def failing_attach(evidence: DemoEvidence, *args: object) -> None:
        real_attach(evidence, *args)  # type: ignore[arg-type]
        attached.append(len(evidence.placed))
        if len(set(attached)) == 4:  # after files for three cases are in the store
            raise RuntimeError("disk full")

    monkeypatch.setattr(DemoEvidence, "attach", failing_attach)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert isinstance(result.exception, RuntimeError) and attached[-1] >= 3
    db.session.rollback()
    store = evidence_service.store()
    assert list(store.all_names()) == [] and list(store.tmp.iterdir()) == []
    assert db.session.scalar(select(func.count()).select_from(EvidenceItem)) == 0


def test_the_evidence_choice_is_repeatable(app: Flask) -> None:
    plans = _plans(7, date(2026, 3, 15))
    first, again = DemoEvidence(random.Random(3), plans), DemoEvidence(random.Random(3), plans)
    assert first.chosen == again.chosen and first.web_captures == again.web_captures
    assert 40 <= len(first.chosen) <= 60 and len(first.web_captures) == 6
    assert first.wrong and first.correct_on and first.web_captures <= first.chosen
    chosen = [p for p in plans if id(p) in first.chosen]
    assert not any(p.final_state == State.WITHDRAWN or p.spec.restricted for p in chosen)
    db.session.rollback()


def _plans(seed: int, on: date) -> list:
    rng = random.Random(seed)
    departments = {"WMP": ["BIRM_E", "COV", "CONTACT"], "WMERC": ["TELF"], "WARKS": ["NWARKS"]}
    names: set[str] = set()
    numbers = {PSD_IN_CONFLICT[1]}
    rosters = {
        force: make_roster(rng, force, prefix, size, departments[force], names, numbers)
        for force, (size, _share, prefix) in FORCE_PLAN.items()
    }
    me = Member("WMP", "Priya Shah", PSD_IN_CONFLICT[1], "police_officer", "sergeant", None)
    return plan_all(rng, rosters, departments, on, me)


@pytest.mark.parametrize("on", [date(2026, 3, 15), date(2026, 12, 28), date(2027, 4, 3)])
def test_the_plan_is_repeatable_and_never_in_the_future(on: date) -> None:
    plans = _plans(7, on)
    again = _plans(7, on)
    assert [(p.received, p.content.summary, p.steps) for p in plans] == [
        (p.received, p.content.summary, p.steps) for p in again
    ]
    for plan in plans:
        dates = [plan.received] + [step_date for _action, step_date, _i in plan.steps]
        assert dates == sorted(dates) and dates[-1] < on
    pinned = [p for p in plans if p.spec.pinned]
    assert len(pinned) == len(pinned_specs())
    assert all(p.final_state.value == p.spec.target for p in pinned)
