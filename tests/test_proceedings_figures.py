"""SPEC §14.3 figures on a dataset worked out by hand: by proceedings, by finding, and the median
days to finalise with and without suspension, in the JSON, the CSV and the statistics page."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from casetrack.cases.models import Case, Investigation, Person
from casetrack.extensions import db
from casetrack.reports import formats
from casetrack.reports.figures import financial_year, median_of
from casetrack.reports.service import Scope, outcome_figures

# make mutation: these take milliseconds; five seconds means a mutant loops for ever
# (tests/conftest.py, _mutant_time_limit)
MUTATION_TIME_LIMIT = 5

# received, outcome date, outcome, proceedings, finding, suspended from, suspended to
ROWS = [
    # 40 days; no suspension
    (date(2024, 5, 1), date(2024, 6, 10), "written_warning", "misconduct_meeting", "misconduct",
     None, None),
    # 70 days, 30 of them suspended (11 May to 10 June): 40 without
    (date(2024, 5, 1), date(2024, 7, 10), "dismissed", "misconduct_hearing", "gross_misconduct",
     date(2024, 5, 11), date(2024, 6, 10)),
    # 20 days; no proceedings
    (date(2024, 6, 1), date(2024, 6, 21), "nfa", "none", None, None, None),
    # 100 days, suspended from before receipt and still: all 100 suspended, 0 without
    (date(2024, 6, 1), date(2024, 9, 9), "dismissed", "accelerated_hearing", "gross_misconduct",
     date(2024, 5, 20), None),
    # 60 days; imported history that does not say
    (date(2024, 7, 1), date(2024, 8, 30), "retired", None, None, None, None),
    # still open: in no §14.3 figure
    (date(2024, 7, 1), None, None, "misconduct_meeting", None, None, None),
]  # fmt: skip


@pytest.fixture
def force(app, make_force, make_department):
    wmp = make_force("WMP")
    department = make_department("BIRM_E", force=wmp)
    for n, (received, on, outcome, proceedings, finding, start, end) in enumerate(ROWS):
        case = Case(
            reference=f"WMP-2024-{n + 1:05d}",
            force=wmp,
            department=department,
            state="closed" if outcome else "psd_investigation",
            received_date=received,
            summary="s",
            case_type="conduct_matter",
        )
        person = Person(force=wmp, staff_number=f"WMP{n}", role="police_officer", rank="sergeant")
        case.investigations.append(
            Investigation(
                person=person,
                outcome=outcome,
                outcome_date=on,
                proceedings=proceedings,
                finding=finding,
                suspended_from=start,
                suspended_to=end,
            )
        )
        db.session.add(case)
    db.session.commit()
    return wmp


def test_by_proceedings_finding_and_medians(force) -> None:
    figures = outcome_figures(financial_year(2024), Scope(forces=[force]))
    data = formats.contract(figures, False)
    assert data["by_proceedings"] == {
        "none": 1,
        "misconduct_meeting": 1,
        "misconduct_hearing": 1,
        "accelerated_hearing": 1,
        "not_recorded": 1,
    }
    assert data["by_finding"] == {
        "misconduct": 1,
        "gross_misconduct": 2,
        "not_proven": 0,
        "not_applicable": 1,
        "not_recorded": 1,
    }
    # days 20, 40, 60, 70, 100 → 60; without suspension 0, 20, 40, 40, 60 → 40
    assert data["timeliness"] == {
        "median_days_to_finalise": 60.0,
        "median_days_to_finalise_excluding_suspension": 40.0,
    }
    # each sums to the finalised investigations
    assert sum(data["by_proceedings"].values()) == sum(data["by_finding"].values()) == 5
    json.loads(formats.to_json(figures, False))


def test_an_even_number_takes_the_middle_two(force) -> None:
    db.session.delete(db.session.query(Case).filter_by(reference="WMP-2024-00005").one())
    db.session.commit()
    figures = outcome_figures(financial_year(2024), Scope(forces=[force]))
    # days 20, 40, 70, 100 → 55; without suspension 0, 20, 40, 40 → 30
    assert figures.timeliness == {
        "median_days_to_finalise": 55.0,
        "median_days_to_finalise_excluding_suspension": 30.0,
    }


def test_no_finalised_investigations_give_null(force) -> None:
    figures = outcome_figures(financial_year(2019), Scope(forces=[force]))
    assert formats.contract(figures, False)["timeliness"] == {
        "median_days_to_finalise": None,
        "median_days_to_finalise_excluding_suspension": None,
    }


def test_protected_medians_follow_the_finalised_count(force) -> None:
    """One open investigation (1: hidden) makes the finalised count hidden too (6 − 1), and a
    median is published only with the count it comes from."""
    figures = outcome_figures(financial_year(2024), Scope(forces=[force]))
    data = formats.contract(figures, True)
    assert data["open_investigations"] == "*"
    assert data["by_proceedings"]["misconduct_meeting"] == "*"
    assert data["timeliness"] == {
        "median_days_to_finalise": "*",
        "median_days_to_finalise_excluding_suspension": "*",
    }


def test_csv_rows(force) -> None:
    figures = outcome_figures(financial_year(2024), Scope(forces=[force]))
    rows = list(csv.DictReader(io.StringIO(formats.to_csv(figures, False))))
    got = {(r["breakdown"], r["code"]): r["value"] for r in rows}
    assert got["timeliness", "median_days_to_finalise"] == "60.0"
    assert got["timeliness", "median_days_to_finalise_excluding_suspension"] == "40.0"
    assert got["proceedings", "accelerated_hearing"] == "1"
    assert got["finding", "not_applicable"] == "1"


@pytest.mark.parametrize(
    ("histogram", "median"),
    [
        ({}, None),
        ({5: 1}, 5.0),
        ({1: 1, 2: 1}, 1.5),
        ({3: 2, 10: 1}, 3.0),
        ({0: 2, 9: 2}, 4.5),
        ({1: 1, 2: 1, 3: 1}, 2.0),  # the middle one of three
        ({1: 1, 2: 1, 3: 1, 4: 1, 5: 1}, 3.0),  # the third of five
        ({7: 1, 1: 1, 4: 2}, 4.0),  # read in order of value, not as given
    ],
)
def test_median_of(histogram, median) -> None:
    assert median_of(histogram) == median
