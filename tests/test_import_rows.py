"""One imported row against SPEC §7, checked cell by cell (pure: no app, no database).

Every expected message is written out in full: an operator fixing a 100,000-row file reads
them, so the words, the line and the column are part of the contract.
"""

from __future__ import annotations

from datetime import date

import pytest

from casetrack.imports.validate import ImportRow, Problem, RowChecker, check_header

TODAY = date(2026, 11, 18)


def checker() -> RowChecker:
    return RowChecker({"WMP": {"BIRM_E", "GMP-D1"}}, TODAY)


GOOD = {
    "reference": "WMP-2015-00001",
    "force": " wmp ",
    "department": "birm_e",
    "received_date": "05/01/2015",
    "source": "complaint from the public",  # a label, any case
    "account_type": "PERSONAL",  # a code, any case
    "platform": "Facebook; twitter / x ; facebook",  # labels, a repeat dropped
    "categories": "inappropriate_content",
    "summary": "  A post  ",
    "subject_number": "wmp 3310",
    "subject_name": " PC Example ",
    "subject_role": "Police officer",
    "subject_rank": "constable",
    "severity": "misconduct",
    "referred_to_psd": "Y",
    "outcome": "Written warning",
    "outcome_date": "2015-3-2",
}


def test_a_good_row_becomes_plain_values() -> None:
    rows = checker()
    row = rows.check(7, {f" {k.upper()} ": v for k, v in GOOD.items()})
    assert rows.problems == []
    assert row == ImportRow(
        line=7,
        reference="WMP-2015-00001",
        force="WMP",
        department="BIRM_E",
        received=date(2015, 1, 5),
        source="public_complaint",
        account_type="personal",
        platforms=("facebook", "twitter_x"),
        categories=("inappropriate_content",),
        summary="A post",
        subject_number="WMP3310",
        subject_name="PC Example",
        subject_role="police_officer",
        subject_rank="constable",
        severity="misconduct",
        referred=True,
        outcome="written_warning",
        outcome_date=date(2015, 3, 2),
    )


@pytest.mark.parametrize(
    ("text", "referred"),
    [("yes", True), ("TRUE", True), ("n", False), ("No", False), ("false", False), ("", None)],
)
def test_referred_to_psd(text: str, referred: bool | None) -> None:
    rows = checker()
    row = rows.check(2, {**GOOD, "referred_to_psd": text})
    assert rows.problems == [] and row.referred is referred


def test_an_open_row_has_neither_outcome_nor_date() -> None:
    rows = checker()
    row = rows.check(2, {**GOOD, "outcome": "", "outcome_date": ""})
    assert rows.problems == [] and row.outcome is None and row.outcome_date is None


def test_every_problem_of_a_bad_row_with_its_line_and_column() -> None:
    rows = checker()
    bad = {
        "reference": "-bad ref",
        "force": "wmp",
        "department": "nowhere",
        "received_date": "2026-11-19",
        "source": "carrier pigeon",
        "account_type": "",
        "platform": "facebook;myspace",
        "categories": "other; gossip",
        "summary": "x" * 5001,
        "subject_number": "9" * 33,
        "subject_name": "n" * 121,
        "subject_role": "police_staff",
        "subject_rank": "sergeant",
        "severity": "awful",
        "referred_to_psd": "maybe",
        "outcome": "",
        "outcome_date": "31/02/2015",
    }
    assert rows.check(12, bad) is None
    assert [str(p) for p in rows.problems] == [
        "line 12, column reference: '-bad ref' is not a valid reference",
        "line 12, column department: 'NOWHERE' is not a department of WMP",
        "line 12, column received_date: 2026-11-19 is in the future",
        "line 12, column outcome_date: '31/02/2015' is not a real date",
        "line 12, column subject_rank: only police officers and special constables hold a rank",
        "line 12, column referred_to_psd: 'maybe': use yes or no",
        "line 12, column summary: is longer than 5000 characters",
        "line 12, column subject_number: is longer than 32 characters",
        "line 12, column subject_name: is longer than 120 characters",
        "line 12, column source: 'carrier pigeon' is not a known code or label",
        "line 12, column platform: 'myspace' is not a known code or label",
        "line 12, column categories: 'gossip' is not a known code or label",
        "line 12, column severity: 'awful' is not a known code or label",
    ]


def test_missing_required_cells_and_outcome_pairs() -> None:
    rows = checker()
    assert rows.check(3, {"outcome": "nfa", "received_date": "01/04/2015"}) is None
    assert rows.check(4, {**GOOD, "outcome": "", "outcome_date": "2015-03-02"}) is None
    assert rows.check(5, {**GOOD, "outcome_date": "2014-12-31"}) is None
    assert rows.check(6, {**GOOD, "force": "GMP"}) is None
    assert rows.check(7, {**GOOD, "received_date": "5 Jan 2015"}) is None
    assert rows.check(8, {**GOOD, "\0extra": "x"}) is None
    assert [str(p) for p in rows.problems] == [
        "line 3, column reference: is required",
        "line 3, column force: is required",
        "line 3, column outcome_date: is needed when there is an outcome",
        "line 3, column subject_role: is required",
        "line 4, column outcome: is needed when there is an outcome date",
        "line 5, column outcome_date: is before the received date",
        "line 6, column force: 'GMP' is not a force in CaseTrack",
        "line 7, column received_date: '5 Jan 2015' is not a date: use YYYY-MM-DD or DD/MM/YYYY",
        "line 8: has more cells than the header has columns",
    ]


def test_a_date_today_is_accepted_and_hyphenated_departments_exist() -> None:
    rows = checker()
    row = rows.check(
        2,
        {**GOOD, "department": "gmp-d1", "received_date": "18/11/2026", "outcome": ""}
        | {"outcome_date": ""},
    )
    assert rows.problems == [] and row.received == TODAY and row.department == "GMP-D1"


def test_problem_wording() -> None:
    assert str(Problem(0, "summary", "appears more than once")) == (
        "header, column summary: appears more than once"
    )
    assert str(Problem(9, "", "has more cells")) == "line 9: has more cells"
    assert str(Problem(0, "", "empty file")) == "header: empty file"


def test_header() -> None:
    problems = check_header([" Reference ", "force", "FORCE", "colour", ""])
    assert [str(p) for p in problems] == [
        "header, column colour: unknown column — the columns are reference, force, department, "
        "received_date, source, account_type, platform, categories, summary, subject_number, "
        "subject_name, subject_role, subject_rank, severity, referred_to_psd, outcome, "
        "outcome_date, proceedings, finding, appeal",
        "header, column (column 5): unknown column — the columns are reference, force, "
        "department, received_date, source, account_type, platform, categories, summary, "
        "subject_number, subject_name, subject_role, subject_rank, severity, referred_to_psd, "
        "outcome, outcome_date, proceedings, finding, appeal",
        "header, column force: appears more than once",
        "header, column received_date: required column is missing",
        "header, column subject_role: required column is missing",
    ]


def test_a_reference_in_our_format_must_name_the_rows_force() -> None:
    """`<FORCE>-<YYYY>-<NNNNN>` is CaseTrack's own form: its force is the row's, or it would
    stand for (and be checked against) another force's case. Legacy references are free."""
    rows = RowChecker({"WMP": set(), "WAR": set(), "WEST-MERCIA": set()}, TODAY)
    row = dict(GOOD, department="", force="wmp")
    for line, reference in enumerate(
        [
            "WAR-2025-00012",  # another force's
            "war-2025-00012",  # in any letter case
            "WEST-MERCIA-2025-00001",  # a force code holding a hyphen
            "WMP-2025-00012",  # the row's own: fine
            "wmp-2025-00012",
            "PSD/2014/001",  # legacy forms: fine
            "XYZ-2014-00001",  # looks like ours, but XYZ is no force
            "WAR-2025-0012",  # four digits: not our form
            "WAR-25-00012",
        ],
        start=2,
    ):
        assert (rows.check(line, dict(row, reference=reference)) is None) is (line <= 4)
    assert [str(p) for p in rows.problems] == [
        "line 2, column reference: WAR-2025-00012 is a WAR reference, but the row's force is WMP",
        "line 3, column reference: war-2025-00012 is a WAR reference, but the row's force is WMP",
        "line 4, column reference: WEST-MERCIA-2025-00001 is a WEST-MERCIA reference, but the "
        "row's force is WMP",
    ]


def test_a_reference_is_not_checked_against_an_unknown_force() -> None:
    rows = RowChecker({"WMP": set(), "WAR": set()}, TODAY)
    row = rows.check(2, dict(GOOD, department="", force="NOPE", reference="WAR-2025-00012"))
    assert row is None
    assert [str(p) for p in rows.problems] == [
        "line 2, column force: 'NOPE' is not a force in CaseTrack"
    ]


def test_a_minimal_row_and_the_exact_limits() -> None:
    rows = checker()
    row = rows.check(
        2,
        {
            "reference": "HIST/77",
            "force": "WMP",
            "received_date": "2015-01-05",
            "subject_role": "pcso",
            "source": "PUBLIC_COMPLAINT",  # a code in capitals
            "outcome": "nfa",
            "outcome_date": "2015-01-05",  # an outcome on the day it was received
            "summary": "s" * 5000,
        },
    )
    assert rows.problems == []
    assert (row.summary, row.subject_number, row.subject_name, row.subject_rank) == (
        "s" * 5000,
        None,
        None,
        None,
    )
    assert (row.source, row.department, row.platforms, row.referred) == (
        "public_complaint",
        None,
        (),
        None,
    )


def test_long_bad_values_are_quoted_shortened() -> None:
    rows = checker()
    long = "z" * 50
    bad = {
        **GOOD,
        "reference": "-" + long,
        "received_date": "",
        "account_type": long,
        "platform": long,
        "subject_rank": "admiral",
        "outcome": "knighted",
        "referred_to_psd": "perhaps not at all",
    }
    assert rows.check(4, bad) is None
    assert (
        rows.problems
        == [
            Problem(4, "reference", f"{('-' + long)[:40]!r} is not a valid reference"),
            Problem(4, "received_date", "is required"),
            Problem(4, "outcome", "'knighted' is not a known code or label"),
            Problem(4, "outcome", "is needed when there is an outcome date"),  # none known
            Problem(4, "subject_rank", "'admiral' is not a known code or label"),
            Problem(4, "referred_to_psd", "'perhaps no': use yes or no"),
            Problem(4, "account_type", f"{long[:40]!r} is not a known code or label"),
            Problem(4, "platform", f"{long[:40]!r} is not a known code or label"),
        ]
    )
    rows = checker()
    rows.check(5, {**GOOD, "received_date": "x" * 30, "\0extra": "1"})
    assert rows.problems == [
        Problem(5, "", "has more cells than the header has columns"),
        Problem(5, "received_date", f"{'x' * 20!r} is not a date: use YYYY-MM-DD or DD/MM/YYYY"),
    ]
    assert check_header(["colour"])[0].line == 0
    assert [p.line for p in check_header(["force", "force"])] == [0, 0, 0, 0]


def test_proceedings_finding_and_appeal_as_codes_or_labels() -> None:
    """SPEC §14.3: the optional columns take codes or labels, in any letter case."""
    rows = checker()
    row = rows.check(
        8,
        {
            **GOOD,
            "proceedings": "Misconduct meeting",
            "finding": "MISCONDUCT",
            "appeal": "dismissed",
        },
    )
    assert rows.problems == []
    assert (row.proceedings, row.finding, row.appeal) == (
        "misconduct_meeting",
        "misconduct",
        "dismissed",
    )
    assert rows.check(9, GOOD).proceedings is None  # absent: not recorded


def test_a_finding_without_proceedings_and_an_appeal_without_an_outcome() -> None:
    rows = checker()
    rows.check(
        10,
        {**GOOD, "proceedings": "none", "finding": "misconduct", "outcome": "", "outcome_date": "",
         "appeal": "lodged"},
    )  # fmt: skip
    assert rows.problems == [
        Problem(10, "finding", "is made at a meeting or hearing: proceedings are none"),
        Problem(10, "appeal", "is against an outcome: the row has none"),
    ]


def test_the_new_columns_are_known() -> None:
    assert check_header([*GOOD, "proceedings", "finding", "appeal"]) == []


def test_unknown_proceedings_finding_and_appeal_are_named_with_their_line() -> None:
    rows = checker()
    row = rows.check(
        11, {**GOOD, "proceedings": "tribunal", "finding": "guilty", "appeal": "maybe"}
    )
    assert row is None
    assert rows.problems == [
        Problem(11, "proceedings", "'tribunal' is not a known code or label"),
        Problem(11, "finding", "'guilty' is not a known code or label"),
        Problem(11, "appeal", "'maybe' is not a known code or label"),
    ]


def test_no_appeal_needs_no_outcome() -> None:
    """An appeal of `none` (or `None`, its label in any case) on an open matter is fine."""
    for appeal in ("none", "NONE"):
        rows = checker()
        row = rows.check(12, {**GOOD, "outcome": "", "outcome_date": "", "appeal": appeal})
        assert rows.problems == []
        assert row is not None and row.appeal == "none" and row.outcome is None
