"""Forms show every problem at once, in the order of the page, and name the field in length
messages (issue 14: "the smaller things found on the same walk")."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from html import unescape

import pytest

from casetrack.timeutil import today

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7"
    b"\x9a\x86\x9e\x00\x00\x00\x00IEND\xaeB`\x82"
)


def summary(page: str) -> list[str]:
    """The error summary's messages, top to bottom, as a user reads them."""
    found = re.search(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', page, re.S)
    assert found, "no error summary on the page"
    return [
        " ".join(unescape(re.sub(r"<[^>]+>", "", item)).split())
        for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    ]


def _date(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _upload(auth, case, **fields):
    path = f"/cases/{case.id}/evidence/new"
    data = {
        "files": [(io.BytesIO(PNG), "shot.png")],
        "kind": "screenshot",
        "captured_on": _date(today() - timedelta(days=1)),
        "captured_time": "09:30",
        "captured_by": "Member of the public",
        "capture_method": "Phone screenshot",
        "csrf_token": auth.csrf_token(path),
    }
    data.update(fields)
    return auth.client.post(path, data=data, content_type="multipart/form-data")


@pytest.fixture
def sm_case(make_case, auth):
    case = make_case("assessed")
    auth.sign_in(case.created_by.email)
    return case


def test_evidence_future_date_shown_with_the_bad_time(sm_case, auth) -> None:
    response = _upload(
        auth, sm_case, captured_on=_date(today() + timedelta(days=3)), captured_time="25:99"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert summary(page) == [
        "Choose the file again (shot.png): files are not kept when there is a problem with "
        "the form",
        "The capture time cannot be in the future",
        "Enter the time as hours and minutes, like 14:05",
    ]


def test_evidence_domain_problems_all_at_once(sm_case, auth) -> None:
    """Problems only the service finds (web address, posting date, a refused file) together."""
    response = _upload(
        auth,
        sm_case,
        files=[(io.BytesIO(b"<html><script>x</script>"), "page.png")],
        source_url="not a url at all",
        content_posted_on=_date(today()),
    )
    assert summary(response.get_data(as_text=True)) == [
        "page.png is not a type of file that can be kept as evidence (by its content, whatever "
        "its name). Use images, PDF, video, MHTML or WARC captures, ZIP exports or plain text.",
        "Enter the source as a web address starting https:// or http://",
        "Content cannot have been posted after it was captured",
    ]


def test_evidence_length_message_names_the_field(sm_case, auth) -> None:
    response = _upload(auth, sm_case, account_handle="x" * 201)
    problems = summary(response.get_data(as_text=True))
    assert "Account handle must be 200 characters or fewer" in problems
    assert not any("Field cannot be longer" in p for p in problems)


def test_evidence_form_prefilled_from_the_case(make_case, auth) -> None:
    from casetrack.extensions import db

    case = make_case("assessed")
    case.account_handle, case.content_urls = "@WMPInspReed", "https://x.example/status/1"
    db.session.commit()
    auth.sign_in(case.created_by.email)
    page = auth.client.get(f"/cases/{case.id}/evidence/new").get_data(as_text=True)
    assert 'value="@WMPInspReed"' in page
    assert 'value="https://x.example/status/1"' in page
    assert re.search(r'<option value="facebook" selected', page)  # the case's one platform


def test_every_length_limit_names_its_field(app) -> None:
    """No form in the app says "Field cannot be longer than …": every Length is ours."""
    from flask_wtf import FlaskForm
    from wtforms.validators import Length as WTFormsLength

    import casetrack.admin.views  # noqa: F401  (forms are defined as their views import)
    import casetrack.approvals.views  # noqa: F401
    import casetrack.auth.views  # noqa: F401
    import casetrack.cases.views  # noqa: F401
    import casetrack.evidence.views  # noqa: F401
    import casetrack.reports.views  # noqa: F401
    import casetrack.retention.views  # noqa: F401
    from casetrack.forms import Length

    def classes(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from classes(sub)

    seen = 0
    for form in classes(FlaskForm):
        for name in dir(form):
            unbound = getattr(form, name, None)
            for validator in getattr(unbound, "kwargs", {}).get("validators") or []:
                if isinstance(validator, WTFormsLength):
                    seen += 1
                    assert isinstance(validator, Length), f"{form.__name__}.{name}"
    assert seen > 20


def test_iopc_yes_without_date_shown_with_missing_rationale(make_case, auth) -> None:
    case = make_case("psd_investigation")
    psd = case.investigator
    auth.sign_in(psd.email)
    path = f"/cases/{case.id}/iopc_decision"
    response = auth.post(path, {"version": str(case.version), "referred": "yes"})
    assert summary(response.get_data(as_text=True)) == [
        "Enter the date of the IOPC referral",
        "Enter rationale for the decision",
    ]


def test_admin_new_user_problems_in_page_order(signed_in, auth, make_force) -> None:
    make_force()
    signed_in("admin")
    response = auth.post(
        "/admin/users/new",
        {"email": "not an email", "name": "", "role": "leadership", "new_password": ""},
    )
    problems = summary(response.get_data(as_text=True))
    assert problems[0].startswith("Enter a valid email address")
    assert problems[1:3] == ["Enter the user's full name", "Choose the user's force"]


def test_outcome_before_2020_only_for_old_cases(make_case, auth) -> None:
    from datetime import date

    new = make_case("psd_investigation")
    auth.sign_in(new.investigator.email)
    path = f"/cases/{new.id}/record_outcome"
    page = auth.client.get(path).get_data(as_text=True)
    assert "Reflective practice (RPRP)" in page
    assert "Management advice (before 2020)" not in page
    inv = new.investigations[0]
    # and the service refuses it whatever the form sends
    from casetrack.cases import service
    from casetrack.cases.workflow import Action
    from casetrack.errors import DomainError
    from casetrack.extensions import db

    with pytest.raises(DomainError, match="replaced by reflective practice on 1 February 2020"):
        service.perform(
            new,
            Action.RECORD_OUTCOME,
            new.investigator,
            new.version,
            investigation_id=inv.id,
            outcome="management_advice",
            outcome_date=today(),
        )
    db.session.rollback()
    old = make_case("psd_investigation", received=date(2019, 11, 4))
    auth.sign_out()
    auth.sign_in(old.investigator.email)
    page = auth.client.get(f"/cases/{old.id}/record_outcome").get_data(as_text=True)
    assert "Management advice (before 2020)" in page


def test_audit_log_filters_by_reference_label_and_date(make_case, make_user, auth) -> None:
    """Filters a head of PSD can use without knowing internal ids or action codes."""
    first, second = make_case(), make_case()
    head = make_user("psd_head", forces=[first.force])
    auth.sign_in(head.email)

    def rows(**query):
        page = auth.client.get("/audit", query_string=query).get_data(as_text=True)
        body = page.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
        return page, body

    page, body = rows()
    assert '<option value="case_created">Case created</option>' in page
    assert "case_created" not in body and "Case created" in body  # labels, not codes
    page, body = rows(reference=first.reference.lower(), action="case_created")
    assert f"case {first.id}" in body and f"case {second.id}" not in body
    assert body.count("Case created") == 1
    yesterday = today() - timedelta(days=1)
    _, body = rows(date_to=_date(yesterday))
    assert "No entries match." in body
    _, body = rows(date_from=_date(today()), date_to=_date(today()), action="case_created")
    assert body.count("Case created") == 2
    page, body = rows(date_from=["31", "2", "2026"])  # bad input: a message, never a 500
    assert "From must be a real date" in summary(page)[0] and "No entries match." in body


def test_soonest_due_first_uses_each_states_due_date(make_case, make_user, auth) -> None:
    """A referral due in 2 days comes above an assessment due in 6 (the list ordered by the
    assessment due date only, so referred cases sank to the bottom), and counts agree in
    number: "1 assessment due"."""
    from casetrack.extensions import db

    logged = make_case("logged")
    department = logged.department
    sm = logged.created_by
    referred = make_case("referred_to_psd", department=department, recorder=sm)
    assessed = make_case("assessed", department=department, recorder=sm)
    logged.assessment_due = today() + timedelta(days=6)
    referred.decision_due = today() + timedelta(days=2)
    db.session.commit()
    auth.sign_in(sm.email)
    page = auth.client.get("/").get_data(as_text=True)
    table = page.split("Open cases, soonest due first", 1)[1]
    order = sorted((table.index(c.reference), c.reference) for c in (logged, referred, assessed))
    assert [ref for _, ref in order] == [referred.reference, logged.reference, assessed.reference]
    assert "PSD decision due by" in table
    stats = " ".join(re.sub(r"<[^>]+>", " ", page.split('class="ct-stats"', 1)[1][:900]).split())
    assert "3 open cases" in stats and "1 assessment due" in stats
    assert "0 assessments overdue" in stats


def test_refusal_and_type_read_as_sentences(make_case, auth) -> None:
    from casetrack.cases.workflow import ACTION_PHRASES, Action
    from casetrack.extensions import db

    assert set(ACTION_PHRASES) == set(Action)  # every action can be refused in words
    case = make_case("logged")
    case.case_type, case.source = "complaint", "public_complaint"
    db.session.commit()
    auth.sign_in(case.created_by.email)
    page = auth.client.get(f"/cases/{case.id}/close").get_data(as_text=True)
    assert "You cannot close this case now" in page
    assert "Possible now: assess, withdraw." in page
    page = auth.client.get(f"/cases/{case.id}").get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Type Complaint from the public How it came in Complaint from the public" in text
    assert "Complaint from the public — Complaint from the public" not in text
