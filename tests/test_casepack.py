"""The case pack PDF (SPEC §12 "Printing and handing over"): what is in it, on every page,
who may have one, and the audit entry. Expectations are written by hand from the SPEC."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from casetrack.audit.models import AuditEvent
from casetrack.cases.models import CaseNote
from casetrack.extensions import db
from casetrack.timeutil import utcnow

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "casepack"

SHARED = "Spoke to the subject's line manager; account taken down the same day."
PSD_ONLY = "Intelligence from the anti-corruption unit: do not disclose."
CORRECTION = "Correction: the account was taken down the next day, not the same day."


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _entries(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _note(case: Any, author: Any, text: str, *, psd_only: bool = False, corrects: Any = None):
    note = CaseNote(
        case_id=case.id,
        at=utcnow(),
        author_id=author.id,
        author_name=author.name,
        author_role=author.role,
        psd_only=psd_only,
        text=text,
        corrects_id=corrects.id if corrects else None,
    )
    db.session.add(note)
    db.session.commit()
    return note


def _keep(name: str, pdf: bytes) -> None:
    """Keep the PDF for looking at (pdftoppm) when CASETRACK_KEEP_PDF is set."""
    if os.environ.get("CASETRACK_KEEP_PDF"):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)


@pytest.fixture
def worked_case(make_case, make_user, make_evidence, make_department) -> dict[str, Any]:
    """A case under PSD investigation with two evidence items, shared and PSD-only notes and
    a correction: long enough to run over several pages."""
    department = make_department("BIRM_E")
    psd = make_user("psd", forces=[department.force], name="Dana Investigator")
    case = make_case("psd_investigation", department=department, psd=psd)
    first = make_evidence(case, filename="post-screenshot.png")
    second = make_evidence(case, content=b"%PDF-1.4\n% a web capture\n", filename="capture.pdf")
    shared = _note(case, psd, SHARED)
    _note(case, psd, PSD_ONLY, psd_only=True)
    _note(case, psd, CORRECTION, corrects=shared)
    for n in range(25):  # a long decision log
        _note(case, psd, f"Routine update {n + 1}: " + "chased the platform for data. " * 6)
    return {"case": case, "psd": psd, "items": [first, second]}


def test_the_pack_holds_the_case_and_every_page_says_what_it_is(app, worked_case, auth) -> None:
    case, psd, items = worked_case["case"], worked_case["psd"], worked_case["items"]
    auth.sign_in(psd.email)
    response = auth.client.get(f"/cases/{case.id}/pack.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{case.reference}-case-pack.pdf"'
    )
    pdf = response.data
    _keep("worked-case", pdf)
    pages = _pages(pdf)
    total = len(pages)
    assert total > 1
    for number, text in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in text, number
        assert f"Page {number} of {total}" in text, number
        assert case.reference in text, number
    everything = _flat(" ".join(pages))
    subject = case.investigations[0].person
    assert subject.name in everything and subject.staff_number in everything
    assert "Misconduct" in everything and "Discreditable conduct" in everything
    assert _flat(case.summary) in everything
    for label in ("Concern recorded", "Assessment saved", "Referred to PSD", "Referral accepted"):
        assert label in everything  # the timeline
    # notes: shared ones in, the PSD-only one never; the correction points to its note
    assert _flat(SHARED) in everything
    assert _flat(CORRECTION) in everything
    assert PSD_ONLY not in everything and "anti-corruption" not in everything
    assert "Correction to note 1" in everything and "Corrected by note 2" in everything
    # evidence manifest: each item's full SHA-256 and its custody log
    for item in items:
        assert item.sha256 in everything
        assert item.original_filename in everything
    assert "Uploaded" in everything and "Same as recorded" in everything
    # generated on (London time) by whom
    assert re.search(r"Generated on \d{1,2} \w+ \d{4} at \d\d:\d\d", everything)
    assert f"by {psd.name} (PSD reviewer / investigator)" in everything


def test_the_pdf_has_a_title_and_author(app, worked_case, auth) -> None:
    case, psd = worked_case["case"], worked_case["psd"]
    auth.sign_in(psd.email)
    pdf = auth.client.get(f"/cases/{case.id}/pack.pdf").data
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) > 1
        info = document.docinfo
        assert str(info["/Title"]) == f"Case pack {case.reference}"
        assert str(info["/Author"]).startswith(psd.name)


def test_generating_a_pack_is_audited_with_the_hash_of_the_file(app, worked_case, auth) -> None:
    case, psd = worked_case["case"], worked_case["psd"]
    auth.sign_in(psd.email)
    pdf = auth.client.get(f"/cases/{case.id}/pack.pdf").data
    [entry] = _entries("case_pack_generated")
    assert entry.actor == psd.email
    assert entry.object_type == "case" and entry.object_id == str(case.id)
    details = json.loads(entry.details)
    assert details["reference"] == case.reference
    assert details["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert details["evidence_items"] == 2 and details["notes"] == 27  # shared only
    # no case content in the audit entry
    for text in (SHARED, case.summary, case.investigations[0].person.name):
        assert text not in entry.details


def test_a_standards_manager_gets_the_pack_of_their_own_case(
    app, make_case, make_evidence, auth
) -> None:
    case = make_case("assessed")
    make_evidence(case)
    auth.sign_in(case.created_by.email)
    response = auth.client.get(f"/cases/{case.id}/pack.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = _flat(" ".join(_pages(response.data)))
    assert "No shared notes have been recorded" in text


@pytest.mark.parametrize("who", ["other_department_sm", "other_force_psd", "subject", "leader"])
def test_a_user_who_may_not_see_the_case_gets_404_and_is_audited(
    app, make_case, make_user, make_force, make_department, make_person, auth, who
) -> None:
    force = make_force("WMP")
    person = make_person(force, staff_number="WMP4455", name="Sam Subject")
    case = make_case("referred_to_psd", department=make_department("BIRM_E"), subjects=[person])
    user = {
        "other_department_sm": lambda: make_user(
            "standards_manager", departments=[make_department("COV", force=force)]
        ),
        "other_force_psd": lambda: make_user("psd", forces=[make_force("WARKS")]),
        "subject": lambda: make_user("psd", forces=[force], staff_number="wmp 4455"),
        "leader": lambda: make_user("leadership"),
    }[who]()
    auth.sign_in(user.email)
    response = auth.client.get(f"/cases/{case.id}/pack.pdf")
    if who == "leader":  # refused by the route's permission, before any case is looked at
        assert response.status_code == 403
        assert _entries("case_pack_generated") == []
        return
    assert response.status_code == 404
    assert _entries("case_pack_generated") == []
    [refusal] = _entries("case_access_refused")
    assert refusal.actor == user.email and refusal.object_id == str(case.id)


def test_an_unknown_case_is_404_not_500(app, signed_in, client) -> None:
    signed_in("psd")
    assert client.get("/cases/999999/pack.pdf").status_code == 404
    assert client.get("/cases/0/pack.pdf").status_code == 404
    assert client.get("/cases/abc/pack.pdf").status_code == 404


def test_a_restricted_case_pack_for_the_head_of_psd(
    app, make_case, make_user, make_department, auth
) -> None:
    department = make_department("BIRM_E")
    case = make_case("referred_to_psd", department=department, restricted=True)
    head = make_user("psd_head", forces=[department.force])
    psd = make_user("psd", forces=[department.force])
    auth.sign_in(psd.email)
    assert auth.client.get(f"/cases/{case.id}/pack.pdf").status_code == 404
    auth.sign_out()
    auth.sign_in(head.email)
    response = auth.client.get(f"/cases/{case.id}/pack.pdf")
    assert response.status_code == 200
    text = _flat(" ".join(_pages(response.data)))
    assert "RESTRICTED CASE" in text and "Restricted Yes: seen only by the head of PSD" in text


def test_text_typed_by_users_cannot_break_out_of_the_page_header(
    app, make_case, make_user, make_department, auth
) -> None:
    """Names and notes go into the body as escaped HTML; the running header and footer only
    carry the reference, the marking and the time (casetrack.templating.css_text)."""
    department = make_department("BIRM_E")
    psd = make_user("psd", forces=[department.force], name='Eve "} @page { margin: 0 } <b>')
    case = make_case("psd_investigation", department=department, psd=psd)
    _note(case, psd, '</p><img src="http://example.com/x.png"> "} body { display: none }')
    auth.sign_in(psd.email)
    response = auth.client.get(f"/cases/{case.id}/pack.pdf")
    text = _flat(" ".join(_pages(response.data)))
    assert '"} body { display: none }' in text  # shown as text, not obeyed
    assert "Page 1 of" in text


def test_the_pack_reads_the_clock_in_london_time(
    app, make_case, make_user, make_department, auth, travel_to
) -> None:
    from datetime import UTC, datetime

    travel_to(datetime(2026, 7, 1, 23, 30, tzinfo=UTC))  # 00:30 BST on 2 July
    department = make_department("BIRM_E")
    case = make_case(
        "assessed", department=department, received=(utcnow() - timedelta(days=3)).date()
    )
    auth.sign_in(case.created_by.email)
    text = _flat(" ".join(_pages(auth.client.get(f"/cases/{case.id}/pack.pdf").data)))
    assert "Generated on 2 July 2026 at 00:3" in text
