"""Date rules at the awkward moments (tests/clock.py): just after midnight, the last minutes of
a financial year, the days the clocks change, a bank holiday and a leap day.

Every expected date below was worked out by hand from SPEC §3.3 (5 working days, skipping
weekends and England & Wales bank holidays; PCC notice 12 months in), §6 (financial year from
1 April) and §9 (retention 6 years), with a calendar — never by the code under test.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from casetrack.cases import service
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.timeutil import to_local, today, utcnow
from clock import MOMENTS

# moment → (London date, start of its financial year, assessment due for a concern received
# that day, PCC notice due for an investigation started that day, retention cutoff)
EXPECTED = {
    "default": (
        date(2026, 11, 18),  # Wednesday
        date(2026, 4, 1),
        date(2026, 11, 25),  # Thu 19, Fri 20, Mon 23, Tue 24, Wed 25
        date(2027, 11, 18),
        date(2020, 11, 18),
    ),
    "just_after_midnight_bst": (
        date(2026, 7, 15),  # 23:20 on the 14th in UTC
        date(2026, 4, 1),
        date(2026, 7, 22),  # Thu 16, Fri 17, Mon 20, Tue 21, Wed 22
        date(2027, 7, 15),
        date(2020, 7, 15),
    ),
    "just_after_midnight_gmt": (
        date(2026, 11, 19),
        date(2026, 4, 1),
        date(2026, 11, 26),  # Fri 20, Mon 23, Tue 24, Wed 25, Thu 26
        date(2027, 11, 19),
        date(2020, 11, 19),
    ),
    "end_of_financial_year": (
        date(2027, 3, 31),  # 22:50 UTC: still 31 March, still 2026-27
        date(2026, 4, 1),
        date(2027, 4, 7),  # Thu 1, Fri 2, Mon 5, Tue 6, Wed 7 April
        date(2028, 3, 31),
        date(2021, 3, 31),
    ),
    "clocks_go_forward": (
        date(2027, 3, 28),  # a Sunday
        date(2026, 4, 1),
        date(2027, 4, 5),  # Mon 29 is Easter Monday; Tue 30, Wed 31, Thu 1, Fri 2, Mon 5
        date(2028, 3, 28),
        date(2021, 3, 28),
    ),
    "clocks_go_back": (
        date(2026, 10, 25),  # a Sunday, the second 01:30
        date(2026, 4, 1),
        date(2026, 10, 30),  # Mon 26 … Fri 30
        date(2027, 10, 25),
        date(2020, 10, 25),
    ),
    "bank_holiday": (
        date(2026, 12, 28),  # Boxing Day (substitute)
        date(2026, 4, 1),
        date(2027, 1, 5),  # Tue 29, Wed 30, Thu 31, (Fri 1 Jan), Mon 4, Tue 5
        date(2027, 12, 28),
        date(2020, 12, 28),
    ),
    "leap_day": (
        date(2028, 2, 29),
        date(2027, 4, 1),
        date(2028, 3, 7),  # Wed 1, Thu 2, Fri 3, Mon 6, Tue 7 March
        date(2029, 2, 28),  # no 29 February in 2029: the month's last day
        date(2022, 2, 28),
    ),
}


def _selected(page: str) -> tuple[str, str]:
    """(value, label) of the one selected option of the year list."""
    [chosen] = [
        (m.group(2), m.group(3))
        for m in re.finditer(r'<option([^>]*)value="(\d{4})"[^>]*>([^<]+)</option>', page)
        if "selected" in m.group(0).split(">")[0]
    ]
    return chosen


moments = pytest.mark.parametrize("moment", sorted(EXPECTED))


def test_every_awkward_moment_has_expectations() -> None:
    assert set(EXPECTED) == set(MOMENTS)


@moments
def test_today_is_the_london_date(moment, travel_to) -> None:
    travel_to(MOMENTS[moment])
    assert today() == EXPECTED[moment][0]
    assert utcnow().tzinfo is not None and to_local(utcnow()).date() == EXPECTED[moment][0]


@moments
def test_a_concern_received_today(moment, travel_to, app, make_department, make_user, make_person):
    department = make_department()
    recorder = make_user("standards_manager", departments=[department])
    subject = make_person(department.force)
    travel_to(MOMENTS[moment])
    on, _, assessment_due, _, _ = EXPECTED[moment]

    def record(received: date):
        return service.record_concern(
            recorder,
            service.ConcernDetails(
                received_date=received,
                department=department,
                summary="A post",
                categories=["inappropriate_content"],
                platforms=["facebook"],
            ),
            [subject],
        )

    case = record(on)
    db.session.commit()
    assert case.assessment_due == assessment_due
    assert case.reference == f"WMP-{on.year}-00001"
    with pytest.raises(DomainError, match="today or in the past"):
        record(on + timedelta(days=1))


@moments
def test_pcc_notice_is_due_twelve_months_into_an_investigation(
    moment, travel_to, make_case
) -> None:
    travel_to(MOMENTS[moment])
    on, _, _, pcc_due, _ = EXPECTED[moment]
    case = make_case("psd_investigation", received=on)
    assert case.investigation_started_on == on
    assert case.pcc_due == pcc_due


@moments
def test_evidence_captured_now_and_posted_today(moment, travel_to, make_case) -> None:
    from casetrack.evidence import service as evidence

    travel_to(MOMENTS[moment])
    case = make_case("logged", received=EXPECTED[moment][0] - timedelta(days=30))

    def add(captured_at: datetime, posted: date):
        upload = evidence.store().new_upload()
        upload.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
        try:
            return evidence.add_evidence(
                case,
                case.created_by,
                [evidence.Upload(upload, "capture.pdf")],
                evidence.CaptureDetails(
                    kind="web_capture",
                    captured_at=captured_at,
                    captured_by="Member of the public",
                    capture_method="Print to PDF",
                    content_posted_on=posted,
                ),
            )
        finally:
            upload.discard()

    [item] = add(utcnow() - timedelta(minutes=1), EXPECTED[moment][0])
    db.session.commit()
    assert item.content_posted_on == EXPECTED[moment][0]
    with pytest.raises(DomainError, match="future"):
        add(utcnow() + timedelta(minutes=5), EXPECTED[moment][0] - timedelta(days=1))
    # A correction to today's date is not "in the future" either, at any hour.
    assert evidence.clean_correction("content_posted_on", EXPECTED[moment][0].isoformat())
    with pytest.raises(DomainError, match="future"):
        evidence.clean_correction(
            "content_posted_on", (EXPECTED[moment][0] + timedelta(days=1)).isoformat()
        )


@moments
def test_retention_cutoff_is_six_years_back(moment, travel_to, app) -> None:
    from casetrack.retention.service import cutoff

    travel_to(MOMENTS[moment])
    assert cutoff() == EXPECTED[moment][4]


@moments
def test_leadership_and_report_pages_use_this_financial_year(
    moment, travel_to, make_user, auth, make_case
) -> None:
    leader = make_user("leadership")
    travel_to(MOMENTS[moment])
    on, year_start = EXPECTED[moment][:2]
    auth.sign_in(leader.email)
    home = auth.client.get("/").get_data(as_text=True)
    assert f"since {year_start.day} April {year_start.year}" in home
    page = auth.client.get("/reports")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    label = f"{year_start.year} to {year_start.year + 1}"
    assert _selected(text) == (str(year_start.year), label)
    # Calendar years: the latest offered is the calendar year of today (January to March too).
    calendar = auth.client.get("/reports?basis=calendar").get_data(as_text=True)
    assert _selected(calendar) == (str(on.year), str(on.year))
    assert "govuk-error-summary" not in calendar


def test_clocks_going_back_do_not_end_a_session_early(travel_to, make_user, auth, app) -> None:
    """29 minutes of real time across the end of summer time is 29 minutes, not 89."""
    user = make_user("psd")
    travel_to(datetime(2026, 10, 25, 0, 50, tzinfo=UTC))  # 01:50 BST
    auth.sign_in(user.email)
    travel_to(datetime(2026, 10, 25, 1, 19, tzinfo=UTC))  # 01:19 GMT, 29 minutes later
    assert auth.client.get("/cases").status_code == 200
    travel_to(datetime(2026, 10, 25, 1, 50, tzinfo=UTC))  # 31 minutes idle
    assert auth.client.get("/cases").status_code == 302


def test_audit_times_are_shown_in_london_time(travel_to, make_user, auth, app) -> None:
    from casetrack.audit.models import AuditEvent

    head = make_user("psd_head")
    travel_to(datetime(2026, 7, 14, 23, 20, tzinfo=UTC))  # 00:20 BST on 15 July
    auth.sign_in(head.email)
    entry = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert to_local(entry.at).strftime("%Y-%m-%d %H:%M") == "2026-07-15 00:20"
    page = auth.client.get("/audit").get_data(as_text=True)
    assert "15 Jul 2026 00:20:" in page and "BST" in page
