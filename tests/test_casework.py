"""Everyday casework (SPEC §12): corrections, notes, restricted access, links, a person's
history. Expected answers are written from the SPEC; the pages are driven through the client."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from casetrack.audit.models import AuditEvent
from casetrack.cases.models import Case, CaseCorrection, CaseEvent, CaseLink, CaseNote
from casetrack.extensions import db
from casetrack.timeutil import today
from tests.conftest import AuthActions


def _audits(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        )
    )


def _details(entry: AuditEvent) -> dict[str, Any]:
    return json.loads(entry.details)


@pytest.fixture
def head_of(make_user):
    """A head of PSD of the case's force, ready to sign in."""

    def make(case: Case) -> Any:
        return make_user("psd_head", forces=[case.force], name="Head of PSD")

    return make


def _correction_form(case: Case, **changes: Any) -> dict[str, Any]:
    """What the correction page posts when nothing is touched, with `changes` applied."""
    received = case.received_date
    data: dict[str, Any] = {
        "version": str(case.version),
        "received_date": [str(received.day), str(received.month), str(received.year)],
        "case_type": case.case_type,
        "source": case.source or "",
        "account_type": case.account_type or "",
        "platforms": list(case.platforms),
        "account_handle": case.account_handle or "",
        "content_urls": case.content_urls or "",
        "content_posted": "",
        "summary": case.summary,
        "categories": list(case.categories),
        "reporter_name": case.reporter_name or "",
        "reporter_contact": case.reporter_contact or "",
        "no_evidence_reason": case.no_evidence_reason or "",
        "risk_flags": list(case.risk_flags),
        "interim_measures": list(case.interim_measures),
        "reason": "",
    }
    data.update(changes)
    return data


# ---- corrections -----------------------------------------------------------------------------


def test_standards_manager_corrects_a_logged_case_and_it_is_on_the_timeline(
    app, make_case, auth: AuthActions
) -> None:
    case = make_case("logged")
    auth.sign_in(case.created_by.email)
    url = f"/cases/{case.id}/correct"
    response = auth.post(
        url,
        _correction_form(
            case,
            account_handle="@WMPInspReed",
            content_urls="https://x.com/WMPInspReed/status/1",
            reason="Handle mistyped when recorded",
        ),
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 302, body[body.find("govuk-error-summary") :][:1500]
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.account_handle == "@WMPInspReed"
    assert case.content_urls == "https://x.com/WMPInspReed/status/1"
    rows = db.session.scalars(select(CaseCorrection).order_by(CaseCorrection.id)).all()
    assert [(r.field, r.old_value, r.new_value) for r in rows] == [
        ("account_handle", "Not recorded", "@WMPInspReed"),
        ("content_urls", "None", "https://x.com/WMPInspReed/status/1"),
    ]
    assert {r.reason for r in rows} == {"Handle mistyped when recorded"}
    assert {r.actor_name for r in rows} == {case.created_by.name}
    page = auth.client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Details corrected" in page
    assert "Account name or handle: “Not recorded” → “@WMPInspReed”" in page
    assert "Why: Handle mistyped when recorded" in page
    (entry,) = _audits("case_corrected")
    assert _details(entry)["fields"] == ["account_handle", "content_urls"]
    # no case content in the audit log, only a digest of the values
    assert "WMPInspReed" not in entry.details
    assert len(_details(entry)["values_sha256"]) == 64


@pytest.mark.parametrize(
    "url",
    [
        "not a url at all",
        "ftp://example.com/file",
        "javascript:alert(1)",
        "https://",
        "http://[::1",
    ],
)
def test_content_addresses_must_be_http_or_https(app, make_case, auth, url) -> None:
    case = make_case("logged")
    auth.sign_in(case.created_by.email)
    response = auth.post(
        f"/cases/{case.id}/correct", _correction_form(case, content_urls=url, reason="Fix")
    )
    assert response.status_code == 200
    assert "is not a web address" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).content_urls == ""
    assert db.session.scalars(select(CaseCorrection)).all() == []


def test_recording_a_concern_refuses_a_non_url(app, make_user, make_department, auth) -> None:
    department = make_department()
    user = make_user("standards_manager", forces=[department.force], departments=[department])
    auth.sign_in(user.email)
    day = today() - timedelta(days=1)
    response = auth.post(
        "/cases/new",
        {
            "received_date": [str(day.day), str(day.month), str(day.year)],
            "department": str(department.id),
            "case_type": "complaint",
            "summary": "A post",
            "categories": ["inappropriate_content"],
            "content_urls": "not a url at all",
            "subject_name": "Pat Example",
            "subject_role": "police_staff",
        },
    )
    assert response.status_code == 200
    assert "is not a web address" in response.get_data(as_text=True)
    assert db.session.scalars(select(Case)).all() == []


def test_a_correction_needs_a_reason_and_a_change(app, make_case, auth) -> None:
    case = make_case("logged")
    auth.sign_in(case.created_by.email)
    no_reason = auth.post(
        f"/cases/{case.id}/correct", _correction_form(case, account_handle="@someone")
    )
    assert "Enter why you are making the correction" in no_reason.get_data(as_text=True)
    nothing = auth.post(f"/cases/{case.id}/correct", _correction_form(case, reason="Because"))
    assert "Nothing was changed" in nothing.get_data(as_text=True)
    assert db.session.scalars(select(CaseCorrection)).all() == []


def test_correcting_the_received_date_moves_the_assessment_deadline(app, make_case, auth) -> None:
    case = make_case("logged")
    before = case.assessment_due
    auth.sign_in(case.created_by.email)
    earlier = case.received_date - timedelta(days=7)
    response = auth.post(
        f"/cases/{case.id}/correct",
        _correction_form(
            case,
            received_date=[str(earlier.day), str(earlier.month), str(earlier.year)],
            reason="Received a week earlier by email",
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.received_date == earlier
    assert case.assessment_due < before


def test_categories_and_risk_flags_are_corrected_as_sets(app, make_case, auth) -> None:
    case = make_case("logged")
    auth.sign_in(case.created_by.email)
    response = auth.post(
        f"/cases/{case.id}/correct",
        _correction_form(
            case,
            categories=["inappropriate_content", "harassment"],
            risk_flags=["victim_contact"],
            reason="Assessed again",
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert sorted(case.categories) == ["harassment", "inappropriate_content"]
    assert list(case.risk_flags) == ["victim_contact"]
    fields = [r.field for r in db.session.scalars(select(CaseCorrection))]
    assert fields == ["categories", "risk_flags"]


@pytest.mark.parametrize(
    ("state", "who", "allowed"),
    [
        ("logged", "recorder", True),
        ("local_resolution", "recorder", True),
        ("referred_to_psd", "recorder", False),  # after referral, PSD corrects
        ("referred_to_psd", "psd", True),
        ("psd_investigation", "psd", True),
        ("logged", "psd", False),  # before referral, the Standards Manager
        ("closed", "psd", False),  # open cases only
        ("closed", "recorder", False),
        ("withdrawn", "recorder", False),
    ],
)
def test_who_corrects_when(app, head_of, make_case, make_user, auth, state, who, allowed) -> None:
    case = make_case(state)
    user = case.created_by if who == "recorder" else head_of(case)
    if who == "psd" and case.investigator is not None:
        user = case.investigator
    auth.sign_in(user.email)
    page = auth.client.get(f"/cases/{case.id}/correct")
    assert page.status_code == (200 if allowed else 403)
    if not allowed:
        assert "You cannot correct this case now" in page.get_data(as_text=True)
        response = auth.client.post(
            f"/cases/{case.id}/correct",
            data=_correction_form(case, account_handle="@x", reason="r", csrf_token="ignored"),
        )
        assert response.status_code in (400, 403)
        db.session.expire_all()
        assert db.session.get(Case, case.id).account_handle is None


def test_anonymous_reporter_loses_name_and_contact(app, make_case, auth) -> None:
    case = make_case("logged")
    case.reporter_name = "Jo Public"
    case.reporter_contact = "jo@example.com"
    db.session.commit()
    auth.sign_in(case.created_by.email)
    response = auth.post(
        f"/cases/{case.id}/correct",
        _correction_form(case, reporter_anonymous="y", reason="Reporter asked to be anonymous"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert (case.reporter_anonymous, case.reporter_name, case.reporter_contact) == (
        True,
        None,
        None,
    )
    fields = {r.field for r in db.session.scalars(select(CaseCorrection))}
    assert fields == {"reporter_anonymous", "reporter_name", "reporter_contact"}


def test_a_stale_correction_changes_nothing(app, make_case, auth) -> None:
    case = make_case("logged")
    auth.sign_in(case.created_by.email)
    form = _correction_form(case, account_handle="@late", reason="r")
    form["version"] = str(case.version - 1)
    response = auth.post(f"/cases/{case.id}/correct", form)
    assert response.status_code == 302
    assert "changed by someone else" in auth.client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).account_handle is None


# ---- notes -----------------------------------------------------------------------------------


def test_notes_shared_and_psd_only(app, head_of, make_case, auth) -> None:
    case = make_case("referred_to_psd")
    head = head_of(case)
    auth.sign_in(head.email)
    shared = auth.post(f"/cases/{case.id}/notes/new", {"text": "Spoke to the line manager."})
    assert shared.status_code == 302
    private = auth.post(
        f"/cases/{case.id}/notes/new",
        {"text": "IOPC adviser says wait for the phone download.", "psd_only": "y"},
    )
    assert private.status_code == 302
    page = auth.client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Spoke to the line manager." in page
    assert "IOPC adviser says wait" in page
    auth.sign_out()
    auth.sign_in(case.created_by.email)  # the Standards Manager
    page = auth.client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Spoke to the line manager." in page
    assert "IOPC adviser says wait" not in page
    # a Standards Manager cannot write a PSD-only note, even by posting the field
    auth.post(f"/cases/{case.id}/notes/new", {"text": "Mine", "psd_only": "y"})
    mine = db.session.scalar(select(CaseNote).where(CaseNote.text == "Mine"))
    assert mine is not None and mine.psd_only is False
    assert [_details(e)["psd_only"] for e in _audits("case_note_added")] == [False, True, False]
    assert all("line manager" not in e.details for e in _audits("case_note_added"))


def test_a_note_is_corrected_by_a_new_note_never_edited(app, make_case, auth) -> None:
    case = make_case("logged")
    auth.sign_in(case.created_by.email)
    auth.post(f"/cases/{case.id}/notes/new", {"text": "Meeting on 3 December."})
    first = db.session.scalar(select(CaseNote))
    page = auth.client.get(f"/cases/{case.id}/notes/new?corrects={first.id}")
    assert "Correct a note" in page.get_data(as_text=True)
    auth.post(
        f"/cases/{case.id}/notes/new?corrects={first.id}",
        {"text": "Meeting on 4 December, not 3.", "corrects": str(first.id)},
    )
    notes = db.session.scalars(select(CaseNote).order_by(CaseNote.id)).all()
    assert [(n.text, n.corrects_id) for n in notes] == [
        ("Meeting on 3 December.", None),
        ("Meeting on 4 December, not 3.", first.id),
    ]
    page = auth.client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Corrects" in page and "Corrected" in page


def test_a_psd_only_note_cannot_be_corrected_by_the_standards_manager(
    app, head_of, make_case, auth
) -> None:
    case = make_case("referred_to_psd")
    head = head_of(case)
    auth.sign_in(head.email)
    auth.post(f"/cases/{case.id}/notes/new", {"text": "Private", "psd_only": "y"})
    private = db.session.scalar(select(CaseNote))
    auth.sign_out()
    auth.sign_in(case.created_by.email)
    assert auth.client.get(f"/cases/{case.id}/notes/new?corrects={private.id}").status_code == 404
    response = auth.post(
        f"/cases/{case.id}/notes/new",
        {"text": "Guess", "corrects": str(private.id)},
        form_path=f"/cases/{case.id}/notes/new",
    )
    assert response.status_code == 404
    assert len(db.session.scalars(select(CaseNote)).all()) == 1


def test_a_correction_of_a_psd_only_note_is_psd_only(app, head_of, make_case, auth) -> None:
    case = make_case("referred_to_psd")
    auth.sign_in(head_of(case).email)
    auth.post(f"/cases/{case.id}/notes/new", {"text": "Private", "psd_only": "y"})
    private = db.session.scalar(select(CaseNote))
    auth.post(
        f"/cases/{case.id}/notes/new?corrects={private.id}",
        {"text": "Private, corrected", "corrects": str(private.id)},
    )
    correction = db.session.scalar(select(CaseNote).where(CaseNote.corrects_id == private.id))
    assert correction.psd_only is True


def test_an_empty_note_is_refused(app, make_case, auth) -> None:
    case = make_case("logged")
    auth.sign_in(case.created_by.email)
    response = auth.post(f"/cases/{case.id}/notes/new", {"text": "   "})
    assert response.status_code == 200
    assert "Enter the note" in response.get_data(as_text=True)
    assert db.session.scalars(select(CaseNote)).all() == []


# ---- restricted access -----------------------------------------------------------------------


def test_head_restricts_names_and_unrestricts(app, head_of, make_case, make_user, auth) -> None:
    case = make_case("psd_investigation")
    investigator = case.investigator
    other_psd = make_user("psd", forces=[case.force], name="Other Investigator")
    head = head_of(case)
    auth.sign_in(head.email)
    page = auth.client.get(f"/cases/{case.id}/access")
    assert "This case is not restricted" in page.get_data(as_text=True)
    response = auth.post(
        f"/cases/{case.id}/access",
        {
            "op": "restrict",
            "restrict-version": str(case.version),
            "restrict-reason": "Senior officer",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.restricted is True
    assert [u.id for u in case.named_users] == [investigator.id]  # keeps their case
    # the other investigator can no longer see it
    outsider = AuthActions(app.test_client())
    outsider.sign_in(other_psd.email)
    assert outsider.client.get(f"/cases/{case.id}").status_code == 404
    # the head names them
    response = auth.post(
        f"/cases/{case.id}/access",
        {"op": "name", "name-version": str(case.version), "name-user": str(other_psd.id)},
    )
    assert response.status_code == 302
    assert outsider.client.get(f"/cases/{case.id}").status_code == 200
    detail = auth.client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Who may see it" in detail, detail[detail.find("Investigator<") :][:300]
    assert "Other Investigator" in detail
    # …and the named user does not see who else is named
    assert "Who may see it" not in outsider.client.get(f"/cases/{case.id}").get_data(as_text=True)
    # remove, then lift
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    auth.post(
        f"/cases/{case.id}/access",
        {"op": "unname", "unname-version": str(case.version), "unname-user": str(other_psd.id)},
    )
    assert outsider.client.get(f"/cases/{case.id}").status_code == 404
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    response = auth.post(
        f"/cases/{case.id}/access",
        {"op": "restrict", "restrict-version": str(case.version), "restrict-reason": "Resolved"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.restricted is False and case.named_users == []
    assert outsider.client.get(f"/cases/{case.id}").status_code == 200
    events = [
        e.action for e in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))
    ]
    assert events[-2:] == ["restrict", "unrestrict"]
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
    for action in ("case_restricted", "case_user_named", "case_user_unnamed", "case_unrestricted"):
        assert action in actions


def test_only_users_who_could_see_it_can_be_named(
    app, head_of, make_case, make_user, make_force, auth
):
    case = make_case("referred_to_psd", restricted=False)
    elsewhere = make_user("psd", forces=[make_force("WARKS")])
    head = head_of(case)
    auth.sign_in(head.email)
    auth.post(
        f"/cases/{case.id}/access",
        {"op": "restrict", "restrict-version": str(case.version), "restrict-reason": "Why"},
    )
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    response = auth.post(
        f"/cases/{case.id}/access",
        {"op": "name", "name-version": str(case.version), "name-user": str(elsewhere.id)},
    )
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True) or "Choose a Standards" in (
        response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert db.session.get(Case, case.id).named_users == []


def test_restriction_needs_a_reason(app, head_of, make_case, auth) -> None:
    case = make_case("logged")
    auth.sign_in(head_of(case).email)
    response = auth.post(
        f"/cases/{case.id}/access",
        {"op": "restrict", "restrict-version": str(case.version), "restrict-reason": ""},
    )
    assert response.status_code == 200
    assert "Enter why" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).restricted is False


def test_unknown_access_operation_is_a_clear_400(app, head_of, make_case, auth) -> None:
    case = make_case("logged")
    auth.sign_in(head_of(case).email)
    response = auth.post(f"/cases/{case.id}/access", {"op": "delete-everything"})
    assert response.status_code == 400


# ---- links -----------------------------------------------------------------------------------


def test_link_two_cases_and_remove_the_link(app, make_case, make_department, auth) -> None:
    first = make_case("logged")
    second = make_case("logged", department=first.department, recorder=first.created_by)
    auth.sign_in(first.created_by.email)
    response = auth.post(
        f"/cases/{first.id}/links/new",
        {"reference": second.reference.lower(), "kind": "same_account", "reason": "Same handle"},
    )
    assert response.status_code == 302
    for case, other in ((first, second), (second, first)):
        page = auth.client.get(f"/cases/{case.id}").get_data(as_text=True)
        assert other.reference in page and "Same account: Same handle" in page
    again = auth.post(
        f"/cases/{second.id}/links/new",
        {"reference": first.reference, "kind": "same_incident", "reason": "again"},
    )
    assert "already linked" in again.get_data(as_text=True)
    link = db.session.scalar(select(CaseLink))
    response = auth.post(
        f"/cases/{second.id}/links/{link.id}/remove", {"reason": "Different people"}
    )
    assert response.status_code == 302
    page = auth.client.get(f"/cases/{first.id}").get_data(as_text=True)
    assert "Same handle" not in page
    db.session.expire_all()
    kept = db.session.get(CaseLink, link.id)
    assert kept.removed_reason == "Different people"
    assert [e.action for e in _audits("case_linked") + _audits("case_unlinked")] == [
        "case_linked",
        "case_unlinked",
    ]


def test_cannot_link_to_a_case_one_cannot_see(app, make_case, make_department, auth) -> None:
    mine = make_case("logged")
    theirs = make_case("logged", department=make_department("COV"))
    auth.sign_in(mine.created_by.email)
    for reference in (theirs.reference, mine.reference, "WMP-1999-99999", "%", "x" * 500):
        response = auth.post(
            f"/cases/{mine.id}/links/new",
            {"reference": reference, "kind": "same_account", "reason": "r"},
        )
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert (
            "that you can see" in body
            or "cannot be linked to itself" in body
            or ("32 characters" in body or "longer than" in body)
        )
    assert db.session.scalars(select(CaseLink)).all() == []


def test_a_link_to_a_hidden_case_is_not_shown(
    app, head_of, make_case, make_department, auth
) -> None:
    """PSD links a case of one department to another's; each department's Standards Manager
    sees the case but not the link to the other department's case."""
    first = make_case("referred_to_psd")
    second = make_case("referred_to_psd", department=make_department("COV"))
    auth.sign_in(head_of(first).email)
    auth.post(
        f"/cases/{first.id}/links/new",
        {"reference": second.reference, "kind": "same_group_chat", "reason": "One chat"},
    )
    assert db.session.scalar(select(CaseLink)) is not None
    auth.sign_out()
    auth.sign_in(first.created_by.email)
    page = auth.client.get(f"/cases/{first.id}").get_data(as_text=True)
    assert second.reference not in page and "One chat" not in page


# ---- a person's history ----------------------------------------------------------------------


def test_person_history_lists_visible_cases_with_severity_and_outcome(
    app, head_of, make_case, make_person, make_department, auth
) -> None:
    first = make_case("closed")
    person = first.investigations[0].person
    elsewhere = make_department("COV", force=first.force)
    second = make_case("logged", subjects=[person], department=elsewhere)
    auth.sign_in(head_of(first).email)
    page = auth.client.get(f"/cases/people/{person.id}").get_data(as_text=True)
    assert first.reference in page and second.reference in page
    assert "Written warning" in page and "Misconduct" in page
    (entry,) = _audits("person_viewed")
    assert sorted(_details(entry)["cases"]) == sorted([first.reference, second.reference])
    auth.sign_out()
    # the Standards Manager of the first department sees only their department's case
    auth.sign_in(first.created_by.email)
    page = auth.client.get(f"/cases/people/{person.id}").get_data(as_text=True)
    assert first.reference in page and second.reference not in page


def test_person_outside_ones_reach_is_not_found(
    app, make_case, make_department, make_user, auth
) -> None:
    case = make_case("logged", department=make_department("COV"))
    person = case.investigations[0].person
    outsider = make_user("standards_manager")  # of another department
    auth.sign_in(outsider.email)
    assert auth.client.get(f"/cases/people/{person.id}").status_code == 404
    assert auth.client.get("/cases/people/999999").status_code == 404
    assert _audits("person_access_refused")
