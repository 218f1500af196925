"""Every page that shows case or evidence content is an audit entry (SPEC §9.1; finding 4 of
issue 12). The case and evidence pages are walked in tests/test_case_access.py; these are the
pages the security review named and the lists that show case references."""

from __future__ import annotations

from sqlalchemy import select

from casetrack.audit.models import AuditEvent
from casetrack.extensions import db


def _entries(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_workflow_action_page_is_a_view_of_the_case(app, make_case, make_user, auth) -> None:
    psd = make_user("psd")
    case = make_case("psd_investigation", psd=psd)
    auth.sign_in(psd.email)
    before = len(_entries("case_viewed"))
    page = auth.client.get(f"/cases/{case.id}/assess_severity")
    assert page.status_code == 200
    assert case.investigations[0].person.name in page.get_data(as_text=True)
    [entry] = _entries("case_viewed")[before:]
    assert entry.object_id == str(case.id) and '"page":"cases.act"' in entry.details


def test_evidence_pages_are_views_of_the_item(
    app, make_case, make_evidence, make_user, auth
) -> None:
    case = make_case("logged")
    item = make_evidence(case)
    auth.sign_in(case.created_by.email)
    for path in (f"/evidence/{item.id}/correct", f"/evidence/{item.id}/withdraw"):
        before = len(_entries("evidence_viewed"))
        assert auth.client.get(path).status_code == 200
        assert len(_entries("evidence_viewed")) == before + 1, path
    before = len(_entries("case_viewed"))
    assert auth.client.get(f"/cases/{case.id}/evidence/new").status_code == 200
    assert len(_entries("case_viewed")) == before + 1


def test_the_statistics_page_is_an_audit_entry(app, make_case, make_user, auth) -> None:
    make_case("closed")
    leader = make_user("leadership")
    auth.sign_in(leader.email)
    assert auth.client.get("/reports").status_code == 200
    [entry] = _entries("report_viewed")
    assert entry.actor == leader.email and '"publication":true' in entry.details


def test_the_retention_list_is_an_audit_entry(app, make_user, auth) -> None:
    head = make_user("psd_head")
    auth.sign_in(head.email)
    assert auth.client.get("/retention").status_code == 200
    assert len(_entries("retention_list_viewed")) == 1


def test_a_refused_evidence_change_explains_itself(
    app, make_case, make_evidence, make_user, auth
) -> None:
    """Evidence on a closed case is not corrected or withdrawn: reopen first (issue 12)."""
    from casetrack.errors import DomainError
    from casetrack.evidence import service

    psd = make_user("psd")
    case = make_case("psd_investigation", psd=psd)
    item = make_evidence(case)
    closed_item_case = item.case
    from casetrack.cases import service as cases
    from casetrack.cases.workflow import Action
    from casetrack.timeutil import today

    for inv in closed_item_case.investigations:
        cases.perform(
            closed_item_case,
            Action.RECORD_OUTCOME,
            psd,
            closed_item_case.version,
            investigation_id=inv.id,
            outcome="retired",
            outcome_date=today(),
            rationale="Retired.",
        )
    cases.perform(closed_item_case, Action.CLOSE, psd, closed_item_case.version)
    db.session.commit()
    auth.sign_in(psd.email)
    for path in (f"/evidence/{item.id}/correct", f"/evidence/{item.id}/withdraw"):
        page = auth.client.get(path)
        assert page.status_code == 403
        assert "reopen the case first" in page.get_data(as_text=True)
    try:
        service.withdraw(item, psd, "Wrong case")
    except DomainError as error:
        assert "closed case cannot be withdrawn" in error.message
    else:
        raise AssertionError("withdrawn on a closed case")
    try:
        service.correct(item, psd, "captured_by", "Someone else", "Typo")
    except DomainError as error:
        assert "reopen the case first" in error.message
    else:
        raise AssertionError("corrected on a closed case")


def test_psd_cannot_change_evidence_on_a_case_never_referred(
    app, make_case, make_evidence, make_user, auth
) -> None:
    """SPEC §1: PSD see every case of their force read-only until it is referred."""
    from casetrack.errors import DomainError
    from casetrack.evidence import service

    case = make_case("assessed")
    item = make_evidence(case)
    psd = make_user("psd")
    auth.sign_in(psd.email)
    assert auth.client.get(f"/cases/{case.id}").status_code == 200  # read-only
    assert auth.client.get(f"/cases/{case.id}/evidence/new").status_code == 403
    assert auth.client.get(f"/evidence/{item.id}/withdraw").status_code == 403
    response = auth.post(
        f"/evidence/{item.id}/withdraw", {"reason": "Not ours"}, form_path=f"/cases/{case.id}"
    )
    assert response.status_code == 403
    db.session.refresh(item)
    assert not item.withdrawn
    try:
        service.withdraw(item, psd, "Not ours")
    except DomainError:
        pass
    else:
        raise AssertionError("PSD withdrew evidence on a case never referred to it")


def test_home_pages_that_list_cases_are_audit_entries(app, make_case, make_user, auth) -> None:
    import json

    case = make_case("logged")
    auth.sign_in(case.created_by.email)
    assert auth.client.get("/").status_code == 200
    [entry] = _entries("dashboard_viewed")
    assert json.loads(entry.details) == {"cases": [case.id]}


def test_the_audit_log_shows_a_head_of_psd_only_what_they_may_see(
    app, make_case, make_user, make_person, make_department, make_force, make_evidence, auth
) -> None:
    """Finding of the review after issue 12: /audit listed every entry, so a head of PSD read
    about cases of other forces and about the case in which they are a subject."""
    from casetrack.audit.service import record
    from casetrack.audit.views import readable_by

    wmp_dept = make_department()
    warks_dept = make_department("NWARKS", force=make_force("WARKS"))
    about_me = make_case(
        "logged", department=wmp_dept, subjects=[make_person(staff_number="WMP9001")]
    )
    mine = make_case("logged", department=wmp_dept)
    elsewhere = make_case("logged", department=warks_dept)
    hidden_item, shown_item = make_evidence(about_me), make_evidence(mine)
    other_person = make_person(warks_dept.force, staff_number="WK1")
    record("person_added", object_type="person", object_id=other_person.id)
    record("case_deleted_under_retention", object_type="case", object_id=99998,
           details={"reference": "WMP-2015-00001"})  # fmt: skip
    record("case_deleted_under_retention", object_type="case", object_id=99999,
           details={"reference": "WARKS-2015-00001"})  # fmt: skip
    db.session.commit()
    head = make_user("psd_head", staff_number="WMP9001")
    readable = {
        (e.object_type, e.object_id)
        for e in db.session.scalars(select(AuditEvent).where(readable_by(head)))
    }
    assert ("case", str(mine.id)) in readable and ("evidence", str(shown_item.id)) in readable
    assert ("case", "99998") in readable  # a WMP tombstone
    for hidden in (
        ("case", str(about_me.id)),
        ("case", str(elsewhere.id)),
        ("evidence", str(hidden_item.id)),
        ("person", str(other_person.id)),
        ("case", "99999"),
    ):
        assert hidden not in readable, hidden
    auth.sign_in(head.email)
    page = auth.client.get(f"/audit?reference={about_me.reference}").get_data(as_text=True)
    assert "No entries match." in page
    page = auth.client.get(f"/audit?reference={mine.reference}").get_data(as_text=True)
    assert "Case created" in page


def test_what_a_page_view_and_a_refusal_record(
    app, make_case, make_evidence, make_user, make_department, auth
) -> None:
    """The audit entries of casetrack/cases/access.py, field by field: a view names the case
    and the page; a refusal names what was refused; a missing id is a plain 404."""
    import json

    case = make_case("logged")
    item = make_evidence(case)
    auth.sign_in(case.created_by.email)
    auth.client.get(f"/cases/{case.id}")
    [viewed] = _entries("case_viewed")
    assert (viewed.object_type, viewed.object_id) == ("case", str(case.id))
    assert json.loads(viewed.details) == {"reference": case.reference, "page": "cases.detail"}
    auth.client.get(f"/evidence/{item.id}/download")
    [seen] = _entries("evidence_viewed")
    assert (seen.object_type, seen.object_id) == ("evidence", str(item.id))
    assert json.loads(seen.details) == {"reference": case.reference, "page": "evidence.download"}
    for path in ("/cases/987654", "/evidence/987654", "/evidence/987654/correct"):
        assert auth.client.get(path).status_code == 404

    stranger = make_user("standards_manager", departments=[make_department("COV")])
    auth.sign_out()
    auth.sign_in(stranger.email)
    assert auth.client.get(f"/cases/{case.id}").status_code == 404
    assert auth.client.get(f"/evidence/{item.id}").status_code == 404
    [case_refused] = _entries("case_access_refused")
    [item_refused] = _entries("evidence_access_refused")
    assert (case_refused.object_type, case_refused.object_id) == ("case", str(case.id))
    assert (item_refused.object_type, item_refused.object_id) == ("evidence", str(item.id))
    assert case_refused.actor == item_refused.actor == stranger.email


# ---- load_case and load_item themselves, without signing in through the pages ----------------


def test_loading_a_case_or_item_for_a_page_is_one_audit_entry(
    app, make_case, make_evidence, make_user, make_department
) -> None:
    import json

    import pytest
    from flask_login import login_user
    from werkzeug.exceptions import NotFound

    from casetrack.cases.access import load_case, load_item

    case = make_case("logged")
    item = make_evidence(case)
    viewer = case.created_by
    with app.test_request_context(f"/cases/{case.id}"):
        login_user(viewer)
        assert load_case(case.id).id == case.id
        assert load_item(item.id).id == item.id
        assert load_case(case.id, audit=False).id == case.id
        assert load_item(item.id, audit=False).id == item.id
    viewed = select(AuditEvent).where(AuditEvent.action.like("%_viewed"))
    entries = [
        (e.action, e.object_type, e.object_id, e.actor, json.loads(e.details))
        for e in db.session.scalars(viewed)
    ]
    about = {"reference": case.reference, "page": "cases.detail"}
    assert entries == [
        ("case_viewed", "case", str(case.id), viewer.email, about),
        ("evidence_viewed", "evidence", str(item.id), viewer.email, about),
    ]
    # a POST is audited by what it changes, not as a view; a page with no route says so
    with app.test_request_context(f"/cases/{case.id}", method="POST"):
        login_user(viewer)
        load_case(case.id)
    with app.test_request_context("/no-such-page"):
        login_user(viewer)
        load_item(item.id)
    [last] = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert (last.action, json.loads(last.details)["page"]) == ("evidence_viewed", "")
    # someone who may not see the case: not found, and the refusal is the entry
    stranger = make_user("standards_manager", departments=[make_department("ELSEWHERE")])
    with app.test_request_context(f"/cases/{case.id}"):
        login_user(stranger)
        for load, what, object_id in (
            (load_case, "case", case.id),
            (load_item, "evidence", item.id),
        ):
            with pytest.raises(NotFound):
                load(object_id)
            [refused] = db.session.scalars(
                select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)
            )
            assert (refused.action, refused.object_id) == (f"{what}_access_refused", str(object_id))
        with pytest.raises(NotFound):
            load_case(10**9)
        with pytest.raises(NotFound):
            load_item(10**9)


def test_loading_a_case_takes_the_same_queries_however_many_subjects(
    app, make_case, make_user, make_person
) -> None:
    """Its subjects, their people and standards come in one query each (the access rule reads
    the people), not one or two per subject."""
    from flask_login import login_user
    from sqlalchemy import event

    from casetrack.auth.models import User
    from casetrack.cases.access import load_case

    one = make_case("logged")
    four = make_case("logged", subjects=[make_person() for _ in range(4)])
    viewer = make_user("psd", staff_number="PSD 1")  # a number: the conflict rule reads people
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    asked = {}
    for case_id in (one.id, four.id):
        db.session.expunge_all()  # as a new request: nothing loaded yet
        with app.test_request_context(f"/cases/{case_id}"):
            user = db.session.get(User, viewer.id)
            login_user(user)
            assert user.force_ids  # the user's forces are read once either way
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                loaded = load_case(case_id, audit=False)
                [s.person.staff_number for s in loaded.investigations]
                [s.standard_rows for s in loaded.investigations]
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
        asked[len(loaded.investigations)] = len(statements)
        statements.clear()
    assert asked[1] == asked[4], asked
