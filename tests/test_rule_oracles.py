"""Rule tables checked against expectations written by hand from the SPEC, not from the code.

Each table below is copied out of SPEC §1, §4, §6 and §9 by hand; the tests compare the
product's own tables and rules to them. If the product's table is wrong, these fail — which a
test that derives its expectations from the product's table can never do. The tests after
them each kill a mutation of a core rule that once survived the suite (issue 13).
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from casetrack import vocab
from casetrack.extensions import db

# ---- SPEC §4: outcome codes → report groups (copied from the table) ----------------------------
SPEC_OUTCOME_GROUPS = {
    "no_case_to_answer": "no_action",
    "nfa": "no_action",
    "reflective_practice": "learning",
    "management_advice": "learning",
    "management_action": "learning",
    "written_warning": "warning",
    "final_written_warning": "warning",
    "reduction_in_rank": "warning",
    "dismissed": "left_service",
    "resigned": "left_service",
    "retired": "left_service",
}


def test_outcome_groups_are_the_spec_table() -> None:
    assert vocab.OUTCOME_GROUP == SPEC_OUTCOME_GROUPS
    assert set(vocab.OUTCOMES) == set(SPEC_OUTCOME_GROUPS)
    assert set(vocab.OUTCOME_GROUPS) == {"no_action", "learning", "warning", "left_service"}


def test_outcome_groups_add_up_by_the_spec_table() -> None:
    from casetrack.reports.figures import outcome_groups

    counts = {
        "nfa": 1,
        "no_case_to_answer": 2,
        "reflective_practice": 4,
        "management_advice": 8,
        "management_action": 16,
        "written_warning": 32,
        "final_written_warning": 64,
        "reduction_in_rank": 128,
        "dismissed": 256,
        "resigned": 512,
        "retired": 1024,
    }
    # Powers of two, so any code placed in the wrong group changes two sums visibly.
    assert outcome_groups(counts) == {
        "no_action": 3,
        "learning": 28,
        "warning": 224,
        "left_service": 1792,
    }


# ---- SPEC §4: rank groups ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "rank", "group"),
    [
        ("police_officer", "constable", "constable"),
        ("police_officer", "sergeant", "sergeant"),
        ("police_officer", "inspector", "inspector_or_above"),
        ("police_officer", "chief_inspector", "inspector_or_above"),
        ("police_officer", "superintendent", "inspector_or_above"),
        ("police_officer", "chief_superintendent", "inspector_or_above"),
        ("police_officer", "assistant_chief_constable", "inspector_or_above"),
        ("police_officer", "deputy_chief_constable", "inspector_or_above"),
        ("police_officer", "chief_constable", "inspector_or_above"),
        ("special_constable", "constable", "constable"),
        ("special_constable", "sergeant", "sergeant"),
        ("special_constable", "inspector", "inspector_or_above"),
        ("police_officer", None, None),  # an officer with no rank recorded: grouped by role
        ("pcso", None, None),
        ("police_staff", None, None),
        ("volunteer", None, None),
        ("police_staff", "sergeant", None),  # staff have grades, never a rank group
    ],
)
def test_rank_groups(role: str, rank: str | None, group: str | None) -> None:
    assert vocab.rank_group(role, rank) == group


# ---- SPEC §6: primary suppression (1 to 4 hidden; 0 and 5 up shown) -------------------------
@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, 0), (1, "*"), (2, "*"), (3, "*"), (4, "*"), (5, 5), (6, 6), (19, 19), (1000, 1000)],
)
def test_primary_suppression(count: int, shown: object) -> None:
    from casetrack.reports.figures import suppress

    assert suppress(count, True) == shown
    assert suppress(count, False) == count


def test_primary_suppression_of_a_breakdown() -> None:
    from casetrack.reports.figures import suppress_all

    counts = {"nfa": 0, "written_warning": 4, "dismissed": 5, "resigned": 1}
    assert suppress_all(counts, True) == {
        "nfa": 0,
        "written_warning": "*",
        "dismissed": 5,
        "resigned": "*",
    }
    assert suppress_all(counts, False) == counts


# ---- SPEC §9: retention, 6 years by default, on or before the cutoff -------------------------
def test_retention_boundary(app, make_case, make_user, travel_to) -> None:
    """On 18 November 2026 a case closed on 18 November 2020 has passed six years; one closed
    a day later has not (and neither can be deleted before its time through the service)."""
    from zoneinfo import ZoneInfo

    from casetrack.errors import DomainError
    from casetrack.retention.service import cutoff, delete_case, due_for_review, has_passed

    travel_to(datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Europe/London")))
    assert cutoff() == date(2020, 11, 18)
    passed, recent = make_case("closed"), make_case("closed")
    passed.closed_on, recent.closed_on = date(2020, 11, 18), date(2020, 11, 19)
    db.session.commit()
    listed = due_for_review(make_user("psd_head"))
    assert passed in listed and recent not in listed
    assert has_passed(passed) and not has_passed(recent)
    head = make_user("psd_head")
    with pytest.raises(DomainError, match="not yet passed"):
        delete_case(recent, head, "Reason", recent.reference)


# ---- survivors of issue 13's mutation run ----------------------------------------------------


def test_psd_investigator_adds_evidence_to_their_case(app, make_case, make_user, auth) -> None:
    """SPEC §1/§5: PSD investigating a referred case secures evidence for it."""
    from casetrack.evidence.service import can_add

    psd = make_user("psd")
    case = make_case("psd_investigation", psd=psd)
    assert can_add(psd, case)
    auth.sign_in(psd.email)
    assert auth.client.get(f"/cases/{case.id}/evidence/new").status_code == 200


def test_head_of_psd_never_sees_a_restricted_case_about_themselves(
    app, make_case, make_person, make_user, make_department, auth
) -> None:
    department = make_department()
    me = make_person(department.force, staff_number="WMP7001", name="Head Themselves")
    head = make_user("psd_head", staff_number="WMP7001")
    case = make_case("referred_to_psd", department=department, subjects=[me], restricted=True)
    other = make_case("referred_to_psd", department=department, restricted=True)
    auth.sign_in(head.email)
    assert auth.client.get(f"/cases/{case.id}").status_code == 404
    assert auth.client.get(f"/cases/{other.id}").status_code == 200
    listing = auth.client.get("/cases").get_data(as_text=True)
    assert case.reference not in listing and other.reference in listing


def test_leadership_home_leaves_out_withdrawn_cases(app, make_case, make_user, auth) -> None:
    """SPEC §6: withdrawn cases are excluded. Five open and five closed with a written warning
    count; the withdrawn one does not (hand count: 10 received, 5 finalised, 5 open). Counts
    of 5 and more, so publication protection does not hide them."""
    for _ in range(5):
        make_case("logged")
        make_case("closed")
    make_case("withdrawn")
    leader = make_user("leadership")
    auth.sign_in(leader.email)
    page = auth.client.get("/").get_data(as_text=True)
    assert _figure(page, "investigations") == "10"
    assert _figure(page, "finalised") == "5"
    assert _figure(page, "resulted in action of some form") == "5"
    assert _figure(page, "still open") == "5"


def _figure(page: str, label: str) -> str:
    import re

    match = re.search(
        r'<p class="ct-stat__number">\s*([^<]+?)\s*</p>\s*<p class="ct-stat__label">'
        + re.escape(label),
        page,
    )
    assert match, f"no figure labelled {label!r} on the leadership home page"
    return match.group(1)


def test_audit_chain_covers_the_time_of_each_entry(app) -> None:
    from casetrack.audit.models import AuditEvent
    from casetrack.audit.service import record, verify_chain

    for n in range(3):
        record("test_event", object_type="thing", object_id=n)
    db.session.commit()
    entry = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()[1]
    db.session.execute(
        update(AuditEvent)
        .where(AuditEvent.seq == entry.seq)
        .values(at=entry.at - timedelta(hours=1))
    )
    db.session.commit()
    checked, problem = verify_chain()
    assert problem is not None and problem.seq == entry.seq


def test_evidence_altered_without_changing_its_size_is_detected(app, make_case) -> None:
    from casetrack.evidence import service

    case = make_case("logged")
    upload = service.store().new_upload()
    upload.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    try:
        [item] = service.add_evidence(
            case,
            case.created_by,
            [service.Upload(upload, "capture.pdf")],
            service.CaptureDetails(
                kind="web_capture",
                captured_at=datetime.now().astimezone(),
                captured_by="Test",
                capture_method="Print to PDF",
            ),
        )
    finally:
        upload.discard()
    db.session.commit()
    path = Path(app.config["EVIDENCE_DIR"]) / "objects" / item.storage_name
    original = path.read_bytes()
    altered = original.replace(b"1 0 obj", b"2 0 obj")
    assert len(altered) == len(original) and altered != original
    assert service.verify(item, None)
    os.chmod(path, 0o600)
    path.write_bytes(altered)
    assert not service.verify(item, None)


def test_a_standards_manager_cannot_record_a_concern_about_themselves(
    app, make_department, make_user, make_person
) -> None:
    from casetrack.cases import service
    from casetrack.errors import DomainError
    from casetrack.timeutil import today

    department = make_department()
    me = make_person(department.force, staff_number="WMP4321")
    sm = make_user("standards_manager", departments=[department], staff_number="WMP4321")
    with pytest.raises(DomainError, match="about yourself"):
        service.record_concern(
            sm,
            service.ConcernDetails(
                received_date=today(),
                department=department,
                summary="A post",
                categories=["other"],
                platforms=["facebook"],
            ),
            [me],
        )


# ---- reports: the longest period (issue 12, finding 3) -------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "refused_before"),
    [
        (date(2000, 1, 1), date(2049, 12, 31), None),  # 50 years to the day: allowed
        (date(2000, 1, 1), date(2050, 1, 1), "1 January 2050"),
        (date(2000, 4, 1), date(2050, 3, 31), None),
        (date(2000, 4, 1), date(2050, 4, 1), "1 April 2050"),
        (date(2000, 4, 1), date(2051, 1, 1), "1 April 2050"),
        (date(2000, 2, 29), date(2050, 2, 28), None),  # no 29 February in 2050
        (date(2000, 2, 29), date(2050, 3, 1), "1 March 2050"),
        (date(2026, 5, 1), date(2026, 5, 1), None),  # one day
    ],
)
def test_reports_cover_at_most_fifty_years(start, end, refused_before) -> None:
    from casetrack.reports.figures import Period

    problem = Period(start, end).too_long()
    if refused_before is None:
        assert problem is None
    else:
        assert problem == (
            f"The period can be at most 50 years long: choose an end date before {refused_before}"
        )


# ---- the audit chain's and the evidence store's own words -----------------------------------
def test_chain_problem_names_the_entry() -> None:
    from casetrack.audit.service import ChainProblem

    assert str(ChainProblem(7, 42, "edited")) == "entry 7 (id 42): edited"
    assert str(ChainProblem(None, None, "head does not match")) == "chain head: head does not match"


def test_hashing_file_is_a_readable_writable_seekable_file(tmp_path) -> None:
    """Werkzeug's parser and send_file treat the upload as a file: every part of that
    protocol works, and the hash and size cover exactly what was written."""
    import hashlib

    from casetrack.evidence.storage import HEAD_BYTES, HashingFile

    upload = HashingFile(tmp_path)
    data = b"line one\nline two\n" + b"x" * (HEAD_BYTES + 10)
    assert upload.readable() and upload.writable() and upload.seekable()
    assert upload.write(data[:5]) == 5 and upload.write(data[5:]) == len(data) - 5
    assert upload.tell() == len(data)
    assert upload.seek(0) == 0
    assert upload.readline() == b"line one\n"
    assert upload.read(4) == b"line"
    upload.seek(0)
    assert upload.read() == data
    assert upload.size == len(data) and upload.sha256 == hashlib.sha256(data).hexdigest()
    assert upload.head == data[:HEAD_BYTES]
    assert not upload.closed
    upload.discard()
    assert upload.closed and not upload.path.exists()


# ---- evidence types by content (SPEC §5: an allowlist checked by content, not by name) -------
MHTML = ("message/rfc822", "MHTML web capture")
TEXT = ("text/plain", "Text (e.g. a message export)")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n", MHTML),
        (b"\r\n  mime-version: 1.0\nContent-Type: Multipart/Related;\n", MHTML),
        (b"From: <Saved by Blink>\nContent-Type: multipart/related;\n", MHTML),
        # an exported email or chat that is not a web capture is text
        (b"From: Sam\nTo: Alex\n\nSee you at 9", TEXT),
        (b"MIME-Version: 1.0\nContent-Type: text/plain\n\nhello", TEXT),
        (b"[12/03/2026, 21:04] Sam: multipart/related", TEXT),
        (b"WhatsApp chat\n\xe2\x9c\x85 done", TEXT),
        (b"text with a NUL \x00 byte", None),
        (b"not UTF-8 \xff\xfe", None),
        (b"<!DOCTYPE html><html><body>", None),
        (b"  <svg onload=alert(1)>", None),
        (b"WARC/1.1\r\nWARC-Type: warcinfo\r\n", ("application/warc", "WARC web capture")),
        (b"", None),
    ],
)
def test_what_a_file_is_by_its_first_bytes(head: bytes, expected) -> None:
    from casetrack.evidence.storage import Sniffed, sniff

    found = sniff(head)
    assert found == (None if expected is None else Sniffed(*expected))


def test_a_full_head_cut_inside_a_character_is_still_text(tmp_path) -> None:
    """Only the first 64 KiB are kept for sniffing: a UTF-8 character cut at the end is not a
    reason to refuse the file — and a marker further in still is."""
    from casetrack.evidence.storage import HEAD_BYTES, Sniffed, sniff

    body = (b"a" + ("é" * HEAD_BYTES).encode())[:HEAD_BYTES]  # ends with half of an "é"
    assert len(body) == HEAD_BYTES and body[-1:] == "é".encode()[:1]
    assert sniff(body) == Sniffed(*TEXT)
    marked = (b"chat export " + b"<script>" + b"a" * HEAD_BYTES)[:HEAD_BYTES]
    assert sniff(marked) is None
    short = "é".encode()[:1]  # a file shorter than the head that really is cut: not UTF-8
    assert sniff(b"abc" + short) is None
    # only the last 4 bytes of a full head are dropped (a cut character has at most 3): a
    # marker that ends just before them is still seen
    late = b"a" * (HEAD_BYTES - 9) + b"<html" + b"abcd"
    assert len(late) == HEAD_BYTES and sniff(late) is None


def test_hashing_file_seeks_and_reads_lines(tmp_path) -> None:
    from casetrack.evidence.storage import HashingFile

    upload = HashingFile(tmp_path)
    upload.write(b"first line\nsecond line\n")
    assert upload.seek(6) == 6 and upload.readline() == b"line\n"
    assert upload.seek(-5, 2) == 18 and upload.read() == b"line\n"
    upload.seek(0)
    assert upload.readline(5) == b"first"
    upload.close()
    assert upload.closed
    upload.close()  # closing twice is harmless
    upload.discard()


# ---- the words of refusals and titles (read by investigators and FOI officers) ---------------
def test_what_is_possible_after_a_refusal() -> None:
    from casetrack.cases.workflow import Action, CaseSnapshot, State, next_state

    refusal = next_state(CaseSnapshot(State.LOGGED), Action.CLOSE)
    assert refusal.reason == (
        "“Close case” is not possible while the case is logged. Possible now: assess, withdraw."
    )
    refusal = next_state(CaseSnapshot(State.WITHDRAWN), Action.REOPEN)
    assert refusal.reason == (
        "“Reopen” is not possible while the case is withdrawn. A withdrawn case cannot be changed."
    )


def test_every_reason_a_case_cannot_close_yet() -> None:
    from casetrack.cases.workflow import CaseSnapshot, State, close_blockers

    everything = CaseSnapshot(
        State.PSD_INVESTIGATION,
        subjects_without_outcome=2,
        iopc_required=True,
        iopc_decided=False,
        investigator_assigned=False,
        subjects_without_severity=1,
    )
    assert close_blockers(everything) == [
        "Record an outcome for every subject before closing: 2 subjects have no outcome yet.",
        "Assign an investigator before closing a PSD investigation.",
        "Record the severity assessment for every subject before closing.",
        "This matter may meet the IOPC mandatory referral criteria: record the IOPC referral "
        "decision and its rationale before closing.",
    ]
    one = CaseSnapshot(State.LOCAL_RESOLUTION, subjects_without_outcome=1, iopc_required=False)
    assert close_blockers(one) == [
        "Record an outcome for every subject before closing: 1 subject has no outcome yet."
    ]
    # severity and the investigator are PSD's: a local resolution needs neither
    local = CaseSnapshot(
        State.LOCAL_RESOLUTION, investigator_assigned=False, subjects_without_severity=3
    )
    assert close_blockers(local) == []
    decided = CaseSnapshot(
        State.PSD_INVESTIGATION, iopc_required=True, iopc_decided=True, investigator_assigned=True
    )
    assert close_blockers(decided) == []


def test_a_refused_close_gives_every_reason_in_one_message() -> None:
    from casetrack.cases.workflow import Action, CaseSnapshot, Refusal, State, next_state

    two = CaseSnapshot(
        State.PSD_INVESTIGATION, subjects_without_outcome=1, investigator_assigned=False
    )
    assert next_state(two, Action.CLOSE) == Refusal(
        "Record an outcome for every subject before closing: 1 subject has no outcome yet. "
        "Assign an investigator before closing a PSD investigation."
    )


@pytest.mark.parametrize(
    ("period", "today", "title"),
    [
        (
            ("financial", 2024),
            date(2026, 11, 18),
            "Financial year 2024/25 (1 April 2024 to 31 March 2025)",
        ),
        (("calendar", 2025), date(2026, 11, 18),
         "Calendar year 2025 (1 January 2025 to 31 December 2025)"),
        (
            ("financial", 2026),
            date(2026, 11, 18),
            "Financial year 2026/27 (1 April 2026 to 31 March 2027), year to date: to 18 "
            "November 2026",
        ),
        (
            (date(2021, 4, 1), date(2026, 3, 31), "financial"),
            date(2026, 11, 18),
            "Concerns received from 1 April 2021 to 31 March 2026 (years shown as financial "
            "years)",
        ),
        (
            (date(2026, 1, 1), date(2026, 12, 31), "financial"),  # a calendar span, FY basis
            date(2026, 12, 31),
            "Concerns received from 1 January 2026 to 31 December 2026 (years shown as "
            "financial years)",
        ),
        (
            (date(2025, 4, 1), date(2026, 3, 31), "calendar"),  # an FY span, calendar basis
            date(2026, 3, 31),
            "Concerns received from 1 April 2025 to 31 March 2026 (years shown as calendar "
            "years)",
        ),
        (
            (date(2024, 4, 1), date(2026, 3, 31), "financial"),  # two whole financial years
            date(2026, 11, 18),
            "Concerns received from 1 April 2024 to 31 March 2026 (years shown as financial "
            "years)",
        ),
    ],
)  # fmt: skip
def test_report_titles(period, today, title) -> None:
    from casetrack.reports.figures import Period, calendar_year, financial_year

    if period[0] == "financial":
        chosen = financial_year(period[1])
        assert chosen == Period(date(period[1], 4, 1), date(period[1] + 1, 3, 31), "financial")
    elif period[0] == "calendar":
        chosen = calendar_year(period[1])
        assert chosen == Period(date(period[1], 1, 1), date(period[1], 12, 31), "calendar")
    else:
        chosen = Period(*period)
    assert chosen.title(today) == title


PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe"
    b"\x02\xfe\xa7\x9a\x86\x9e\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_binary_types_and_which_are_previewed() -> None:
    from casetrack.evidence.storage import Sniffed, sniff

    assert sniff(PNG_1PX) == Sniffed("image/png", "PNG image", image=True)
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assert sniff(pdf) == Sniffed("application/pdf", "PDF document", image=False)
    assert sniff(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60) is None  # a Windows program
    assert sniff(b"warc/1.0\r\n") == Sniffed("text/plain", "Text (e.g. a message export)")


def test_the_store_places_files_read_only_under_a_two_letter_folder(tmp_path) -> None:
    import re
    import stat

    from casetrack.evidence.storage import Store, UnsafePath

    store = Store(tmp_path / "evidence")
    upload = store.new_upload()
    upload.write(PNG_1PX)
    name = store.place(upload)
    assert re.fullmatch(r"([0-9a-f]{2})/\1[0-9a-f]{30}", name), name
    path = store.path_for(name)
    assert path.read_bytes() == PNG_1PX and not upload.path.exists() and upload.placed
    assert stat.S_IMODE(path.stat().st_mode) == 0o400
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert list(store.chunks(name)) == [PNG_1PX]
    assert list(store.all_names()) == [name]
    for unsafe in ("../secret", "/etc/passwd", ""):
        with pytest.raises(UnsafePath) as refused:
            store.path_for(unsafe)
        assert str(refused.value) == unsafe


def test_an_upload_is_placed_even_where_objects_was_removed_meanwhile(tmp_path) -> None:
    import shutil

    from casetrack.evidence.storage import Store

    store = Store(tmp_path / "evidence")
    upload = store.new_upload()
    assert upload.path.parent == store.tmp and upload.path.name.startswith("upload-")
    upload.write(PNG_1PX)
    shutil.rmtree(store.objects)  # say, emptied by hand while the upload streamed in
    name = store.place(upload)
    assert store.path_for(name).read_bytes() == PNG_1PX


def test_the_store_folders_are_private_and_a_discarded_upload_goes(tmp_path) -> None:
    import stat

    from casetrack.evidence.storage import Store

    store = Store(tmp_path / "evidence")
    upload = store.new_upload()
    for folder in (store.objects, store.tmp):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    upload.write(PNG_1PX)
    upload.discard()
    assert not upload.path.exists() and upload.closed
    upload.discard()  # again (an error path and the request's end both discard): harmless
