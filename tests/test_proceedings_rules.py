"""Every severity × proceedings × finding × outcome against a hand-written table (SPEC §14.1,
shared/reference/conduct-regulations-2020.md). The tables below were written from the
regulations, not from casetrack/cases/proceedings.py: a wrong rule there fails here."""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest

from casetrack import vocab
from casetrack.cases.proceedings import (
    Standing,
    list_report_due,
    outcome_refusal,
    proceedings_refusal,
)

# make mutation: these take milliseconds; five seconds means a mutant loops for ever
# (tests/conftest.py, _mutant_time_limit)
MUTATION_TIME_LIMIT = 5

L = {"resigned", "retired"}  # end any stage (regulation 4)
NONE_ = {"nfa", "reflective_practice"}  # no sanction
NCTA = {"no_case_to_answer"} | NONE_ | L  # no case to answer (regulation 23)
W = {"written_warning", "final_written_warning"}
GM_OUTCOMES = {"final_written_warning", "reduction_in_rank", "dismissed"}  # 42(3)(b), 62(1)
NOTHING: set[str] = set()  # these proceedings cannot be recorded at all

# An officer (a sergeant), concern received in 2026, PSD has assessed, no final written warning
# in force, one incident. (severity, proceedings, finding) → the outcomes allowed.
OFFICER_2026 = {
    # no misconduct: no proceedings (14(5)); NFA or reflective practice (14(2))
    ("no_misconduct", "none", None): NONE_ | L,
    **{
        ("no_misconduct", "none", f): NOTHING
        for f in ("misconduct", "gross_misconduct", "not_proven")
    },
    **{
        ("no_misconduct", p, f): NOTHING
        for p in ("misconduct_meeting", "misconduct_hearing", "accelerated_hearing")
        for f in (None, "misconduct", "gross_misconduct", "not_proven")
    },
    # misconduct: a meeting (42(2)); a hearing only with a FWW in force; no accelerated hearing
    ("misconduct", "none", None): NCTA,
    **{
        ("misconduct", "none", f): NOTHING for f in ("misconduct", "gross_misconduct", "not_proven")
    },
    ("misconduct", "misconduct_meeting", None): NONE_ | L,  # proceedings withdrawn
    ("misconduct", "misconduct_meeting", "misconduct"): W | L,
    ("misconduct", "misconduct_meeting", "gross_misconduct"): NOTHING,  # a meeting cannot
    ("misconduct", "misconduct_meeting", "not_proven"): NONE_ | L,
    **{
        ("misconduct", p, f): NOTHING
        for p in ("misconduct_hearing", "accelerated_hearing")
        for f in (None, "misconduct", "gross_misconduct", "not_proven")
    },
    # gross misconduct: a hearing or (special conditions) an accelerated hearing
    ("gross_misconduct", "none", None): NCTA,
    **{
        ("gross_misconduct", "none", f): NOTHING
        for f in ("misconduct", "gross_misconduct", "not_proven")
    },
    **{
        ("gross_misconduct", "misconduct_meeting", f): NOTHING
        for f in (None, "misconduct", "gross_misconduct", "not_proven")
    },
    ("gross_misconduct", "misconduct_hearing", None): NONE_ | L,
    ("gross_misconduct", "misconduct_hearing", "misconduct"): W | L,  # no RiR/dismissal (42(5))
    ("gross_misconduct", "misconduct_hearing", "gross_misconduct"): GM_OUTCOMES | L,
    ("gross_misconduct", "misconduct_hearing", "not_proven"): NONE_ | L,
    ("gross_misconduct", "accelerated_hearing", None): NONE_ | L,
    ("gross_misconduct", "accelerated_hearing", "misconduct"): L,  # case returned (62(8))
    ("gross_misconduct", "accelerated_hearing", "gross_misconduct"): GM_OUTCOMES | L,
    ("gross_misconduct", "accelerated_hearing", "not_proven"): NONE_ | L,
}

SEVERITIES = ("no_misconduct", "misconduct", "gross_misconduct")
FINDINGS = (None, *vocab.FINDINGS)


def _standing(severity: str, proceedings: str, finding: str | None, **kw) -> Standing:
    base = {
        "role": "police_officer",
        "rank": "sergeant",
        "received": date(2026, 3, 2),
        "severity": severity,
        "psd_assessed": True,
        "case_to_answer": proceedings != "none",
        "proceedings": proceedings,
        "finding": finding,
    }
    return Standing(**{**base, **kw})


def _allowed(standing: Standing) -> set[str]:
    if proceedings_refusal(standing) is not None:
        return set()
    return {o for o in vocab.OUTCOMES if outcome_refusal(standing, o) is None}


def test_the_table_covers_every_combination() -> None:
    assert set(OFFICER_2026) == set(product(SEVERITIES, vocab.PROCEEDINGS, FINDINGS))


@pytest.mark.parametrize(("key", "expected"), sorted(OFFICER_2026.items(), key=str))
def test_officer_after_2020(key: tuple, expected: set[str]) -> None:
    assert _allowed(_standing(*key)) == expected


@pytest.mark.parametrize("outcome", list(vocab.OUTCOMES))
def test_every_outcome_is_refused_with_a_reason_or_allowed(outcome: str) -> None:
    for key in OFFICER_2026:
        standing = _standing(*key)
        if proceedings_refusal(standing) is None:
            refusal = outcome_refusal(standing, outcome)
            assert refusal is None or len(refusal) > 20


def test_management_advice_never_after_1_february_2020() -> None:
    for key in OFFICER_2026:
        assert "management_advice" not in _allowed(_standing(*key))
        assert "management_action" not in _allowed(_standing(*key))
    refusal = outcome_refusal(
        _standing("misconduct", "none", None, received=date(2020, 2, 1)), "management_advice"
    )
    assert refusal and "1 February 2020" in refusal


def test_with_a_final_written_warning_in_force() -> None:
    fww = {"fww_in_force": True}
    assert _allowed(_standing("misconduct", "misconduct_hearing", "misconduct", **fww)) == (
        W | {"reduction_in_rank", "dismissed"} | L
    )
    assert _allowed(_standing("misconduct", "misconduct_hearing", "gross_misconduct", **fww)) == (
        GM_OUTCOMES | L
    )
    # an accelerated hearing cannot give a second final written warning (62(3))
    assert (
        _allowed(_standing("gross_misconduct", "accelerated_hearing", "gross_misconduct", **fww))
        == {"reduction_in_rank", "dismissed"} | L
    )


def test_unconnected_incidents_allow_dismissal_for_misconduct_at_a_hearing() -> None:
    standing = _standing(
        "gross_misconduct", "misconduct_hearing", "misconduct", unconnected_incidents=True
    )
    assert _allowed(standing) == W | {"reduction_in_rank", "dismissed"} | L


def test_a_constable_cannot_be_reduced_in_rank() -> None:
    standing = _standing(
        "gross_misconduct", "misconduct_hearing", "gross_misconduct", rank="constable"
    )
    assert _allowed(standing) == {"final_written_warning", "dismissed"} | L


def test_not_assessed_by_psd_only_leaving_ends_it() -> None:
    for key in OFFICER_2026:
        standing = _standing(*key, psd_assessed=False)
        assert {o for o in vocab.OUTCOMES if outcome_refusal(standing, o) is None} == L
        assert proceedings_refusal(standing) is not None


def test_no_case_to_answer_with_proceedings_is_refused() -> None:
    standing = _standing("misconduct", "misconduct_meeting", None, case_to_answer=False)
    assert "no case to answer" in (proceedings_refusal(standing) or "").lower()
    # …and a case to answer with no proceedings allows no sanction but not "no case to answer"
    standing = _standing("misconduct", "none", None, case_to_answer=True)
    assert _allowed(standing) == NONE_ | L


@pytest.mark.parametrize("role", ["police_staff", "pcso", "volunteer"])
def test_police_staff_are_not_under_the_regulations(role: str) -> None:
    """Force policy applies: any proceedings; every outcome except reduction in rank (they have
    no rank) and the pre-2020 ones."""
    for proceedings, finding in [("none", None), ("misconduct_meeting", "gross_misconduct")]:
        standing = _standing("gross_misconduct", proceedings, finding, role=role, rank=None)
        assert _allowed(standing) == set(vocab.OUTCOMES) - {
            "reduction_in_rank",
            "management_advice",
            "management_action",
        }


def test_before_2020_the_2012_regulations() -> None:
    old = {"received": date(2019, 11, 4)}
    legacy = {"management_advice", "management_action", "nfa", "no_case_to_answer"}
    assert _allowed(_standing("misconduct", "misconduct_meeting", "misconduct", **old)) == (
        legacy | W | L
    )
    assert (
        _allowed(_standing("gross_misconduct", "misconduct_hearing", "gross_misconduct", **old))
        == legacy | W | {"dismissed"} | L
    )


@pytest.mark.parametrize(
    ("outcome", "words"),
    [
        ("written_warning", "regulation 42"),
        ("dismissed", "misconduct hearing"),
        ("reduction_in_rank", "misconduct hearing"),
    ],
)
def test_messages_name_the_regulation(outcome: str, words: str) -> None:
    refusal = outcome_refusal(_standing("misconduct", "none", None), outcome)
    assert refusal and words in refusal
    refusal = outcome_refusal(_standing("misconduct", "misconduct_meeting", "misconduct"), outcome)
    if outcome != "written_warning":
        assert refusal and "42(2)" in refusal


# ---- concerns received before 1 February 2020: the 2012 Regulations (reference, table (b)) -----
OLD = {"received": date(2019, 11, 4)}
LEGACY_2012 = {"management_advice", "management_action", "nfa", "no_case_to_answer"}


@pytest.mark.parametrize(
    ("key", "kw", "expected"),
    [
        # no proceedings: no action or management action (2012 reg 12, 19(3)); no warning
        # without a meeting, no dismissal without a hearing
        (("misconduct", "none", None), {}, LEGACY_2012 | L),
        # a meeting with no finding yet: a warning waits for the finding
        (("misconduct", "misconduct_meeting", None), {}, LEGACY_2012 | L),
        # not proven: no sanction (2012 reg 35)
        (("misconduct", "misconduct_meeting", "not_proven"), {}, LEGACY_2012 | L),
        (("gross_misconduct", "misconduct_hearing", "not_proven"), {}, LEGACY_2012 | L),
        # a hearing that finds misconduct (not gross): dismissal only with a final written
        # warning in force (2012 reg 35(5)); never a reduction in rank (2012 reg 35)
        (("gross_misconduct", "misconduct_hearing", "misconduct"), {}, LEGACY_2012 | W | L),
        (
            ("gross_misconduct", "misconduct_hearing", "misconduct"),
            {"fww_in_force": True},
            LEGACY_2012 | W | {"dismissed"} | L,
        ),
    ],
)
def test_before_2020_outcomes(key: tuple, kw: dict, expected: set[str]) -> None:
    assert _allowed(_standing(*key, **OLD, **kw)) == expected


@pytest.mark.parametrize(
    ("key", "kw", "outcome", "message"),
    [
        (
            ("misconduct", "misconduct_meeting", "misconduct"),
            {},
            "reflective_practice",
            "Reflective practice (RPRP) applies to concerns received from 1 February 2020",
        ),
        (
            ("gross_misconduct", "misconduct_hearing", "gross_misconduct"),
            {},
            "reduction_in_rank",
            "Reduction in rank was not an outcome under the 2012 Regulations (regulation 35)",
        ),
        (
            ("misconduct", "misconduct_meeting", "not_proven"),
            {},
            "written_warning",
            "A finding of not proven ends with no sanction (2012 regulation 35)",
        ),
        (
            ("misconduct", "misconduct_meeting", "misconduct"),
            {"fww_in_force": True},
            "dismissed",
            "Dismissal needs a misconduct hearing (2012 regulation 35(3))",
        ),
        (
            ("gross_misconduct", "misconduct_hearing", "misconduct"),
            {},
            "dismissed",
            "Dismissal for misconduct needs a final written warning in force (2012 "
            "regulation 35(5))",
        ),
        (
            ("misconduct", "none", None),
            {},
            "written_warning",
            "A written warning needs a misconduct meeting or hearing (regulation 42): record "
            "the proceedings first",
        ),
    ],
)
def test_before_2020_refusals_word_for_word(key, kw, outcome: str, message: str) -> None:
    assert outcome_refusal(_standing(*key, **OLD, **kw), outcome) == message


# ---- what an investigator reads when a step is refused, word for word (SPEC §14: "refuse what
# the regulations do not allow, with a message that says why") --------------------------------

PROCEEDINGS_REFUSALS = [
    (
        ("misconduct", "misconduct_meeting", None),
        {"psd_assessed": False},
        "Record PSD's severity assessment for this subject first (regulation 14)",
    ),
    (
        ("misconduct", "none", "misconduct"),
        {},
        "A finding is made at a misconduct meeting or hearing: choose the proceedings",
    ),
    (
        ("misconduct", "misconduct_meeting", None),
        {"case_to_answer": False},
        "With no case to answer there are no misconduct proceedings (regulation 23)",
    ),
    (
        ("misconduct", "misconduct_meeting", None),
        {"case_to_answer": None},
        "Record whether there is a case to answer before proceedings (regulation 23)",
    ),
    (
        ("no_misconduct", "misconduct_meeting", None),
        {},
        "Only misconduct or gross misconduct goes to proceedings: with no misconduct assessed "
        "there are none (regulation 14(5)). Revise the severity assessment first",
    ),
    (
        ("gross_misconduct", "misconduct_meeting", None),
        {},
        "Gross misconduct goes to a misconduct hearing, not a meeting (regulation 23)",
    ),
    (
        ("misconduct", "misconduct_meeting", "gross_misconduct"),
        {},
        "A misconduct meeting cannot find gross misconduct (regulation 42(2))",
    ),
    (
        ("misconduct", "misconduct_hearing", None),
        {},
        "Misconduct goes to a misconduct meeting; a hearing is for gross misconduct, or "
        "misconduct with a final written warning in force (regulation 23(2))",
    ),
    (
        ("misconduct", "accelerated_hearing", None),
        {"fww_in_force": True},
        "An accelerated hearing is only for gross misconduct where the special conditions are "
        "met (regulation 49(2))",
    ),
]


def test_proceedings_refusals_word_for_word() -> None:
    for key, kw, message in PROCEEDINGS_REFUSALS:
        assert proceedings_refusal(_standing(*key, **kw)) == message, (key, kw)


OUTCOME_REFUSALS = [
    (
        ("misconduct", "none", None),
        {},
        "management_action",
        "Management advice and management action were replaced by reflective practice on "
        "1 February 2020 (Police (Conduct) Regulations 2020): they can be recorded only for "
        "concerns received before then",
    ),
    (
        ("misconduct", "none", None),
        {"psd_assessed": False},
        "nfa",
        "PSD has not assessed the severity for this subject: record PSD's severity assessment "
        "first (regulation 14)",
    ),
    (
        ("gross_misconduct", "misconduct_hearing", "gross_misconduct"),
        {"role": "police_staff", "rank": None},
        "reduction_in_rank",
        "Reduction in rank is only for police officers and special constables with a rank",
    ),
    (
        ("gross_misconduct", "misconduct_hearing", "gross_misconduct"),
        {"rank": ""},
        "reduction_in_rank",
        "Reduction in rank is only for police officers and special constables with a rank",
    ),
    (
        ("gross_misconduct", "misconduct_hearing", "gross_misconduct"),
        {"rank": "constable"},
        "reduction_in_rank",
        "A constable has no lower rank to be reduced to",
    ),
    (
        ("misconduct", "misconduct_meeting", "misconduct"),
        {},
        "reflective_practice",
        "After a finding of misconduct or gross misconduct the meeting or hearing imposes a "
        "disciplinary outcome (regulation 42)",
    ),
    (
        ("gross_misconduct", "misconduct_hearing", "gross_misconduct"),
        {},
        "nfa",
        "After a finding of misconduct or gross misconduct the meeting or hearing imposes a "
        "disciplinary outcome (regulation 42)",
    ),
    (
        ("no_misconduct", "none", None),
        {},
        "written_warning",
        "With no misconduct assessed, the outcome is no further action or reflective practice "
        "(regulation 14(2))",
    ),
    (
        ("misconduct", "none", None),
        {"case_to_answer": True},
        "no_case_to_answer",
        "There was a case to answer: record the outcome of the proceedings",
    ),
    (
        ("misconduct", "misconduct_meeting", "not_proven"),
        {"case_to_answer": None},
        "no_case_to_answer",
        "There was a case to answer: record the outcome of the proceedings",
    ),
    (
        ("misconduct", "none", None),
        {},
        "final_written_warning",
        "A final written warning needs a misconduct meeting or hearing (regulation 42): record "
        "the proceedings first",
    ),
    (
        ("gross_misconduct", "none", None),
        {},
        "dismissed",
        "Dismissal needs a misconduct hearing (regulation 42): record the proceedings first",
    ),
    (
        ("gross_misconduct", "none", None),
        {},
        "reduction_in_rank",
        "Reduction in rank needs a misconduct hearing (regulation 42): record the proceedings "
        "first",
    ),
    (
        ("misconduct", "misconduct_meeting", None),
        {},
        "written_warning",
        "Record the finding of a misconduct meeting first (regulation 42)",
    ),
    (
        ("gross_misconduct", "misconduct_hearing", None),
        {},
        "dismissed",
        "Record the finding of a misconduct hearing first (regulation 42)",
    ),
    (
        ("gross_misconduct", "accelerated_hearing", None),
        {},
        "final_written_warning",
        "Record the finding of an accelerated misconduct hearing first (regulation 42)",
    ),
    (
        ("misconduct", "misconduct_meeting", "not_proven"),
        {},
        "written_warning",
        "A finding of not proven ends with no sanction (regulation 43)",
    ),
    (
        ("misconduct", "misconduct_meeting", "misconduct"),
        {},
        "dismissed",
        "Dismissal needs a misconduct hearing: a meeting can give at most a final written "
        "warning (regulation 42(2))",
    ),
    (
        ("misconduct", "misconduct_meeting", "misconduct"),
        {},
        "reduction_in_rank",
        "Reduction in rank needs a misconduct hearing: a meeting can give at most a final "
        "written warning (regulation 42(2))",
    ),
    (
        ("gross_misconduct", "accelerated_hearing", "misconduct"),
        {},
        "final_written_warning",
        "An accelerated hearing that finds misconduct, not gross misconduct, dismisses the case "
        "or returns it to the appropriate authority (regulation 62(8))",
    ),
    (
        ("gross_misconduct", "accelerated_hearing", "gross_misconduct"),
        {},
        "written_warning",
        "An accelerated hearing imposes at least a final written warning (62(1))",
    ),
    (
        ("gross_misconduct", "accelerated_hearing", "gross_misconduct"),
        {"fww_in_force": True},
        "final_written_warning",
        "A final written warning is already in force (regulation 62(3))",
    ),
    (
        ("gross_misconduct", "misconduct_hearing", "gross_misconduct"),
        {},
        "written_warning",
        "After a finding of gross misconduct the outcome is at least a final written warning "
        "(regulation 42(3)(b))",
    ),
    (
        ("gross_misconduct", "misconduct_hearing", "misconduct"),
        {},
        "dismissed",
        "Dismissal for misconduct needs a final written warning in force or several unconnected "
        "incidents (regulation 42(5), (6))",
    ),
    (
        ("gross_misconduct", "misconduct_hearing", "misconduct"),
        {},
        "reduction_in_rank",
        "Reduction in rank for misconduct needs a final written warning in force or several "
        "unconnected incidents (regulation 42(5), (6))",
    ),
]


def test_outcome_refusals_after_2020_word_for_word() -> None:
    for key, kw, outcome, message in OUTCOME_REFUSALS:
        assert outcome_refusal(_standing(*key, **kw), outcome) == message, (key, kw, outcome)


def test_which_college_of_policing_list_needs_a_report() -> None:
    # SPEC §14.2: the Barred List when a subject is dismissed; the Advisory List when they
    # resign or retire while under investigation; nothing otherwise
    s = _standing("gross_misconduct", "misconduct_hearing", "gross_misconduct")
    for under_investigation in (True, False):
        assert list_report_due(s, "dismissed", under_investigation) == "barred"
        assert list_report_due(s, "final_written_warning", under_investigation) is None
    for left in ("resigned", "retired"):
        assert list_report_due(s, left, True) == "advisory"
        assert list_report_due(s, left, False) is None
