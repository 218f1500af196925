"""Issue 17: secondary suppression audited by an integer program (SPEC §6).

The reader we audit against knows every relation between the published figures (hand-written
below from SPEC §4, §6 and §6.1 and the report's table layout — not taken from the
suppression module, so a relation the module forgot is caught), that every figure is a whole
number at least 0, and that a hidden one is at least 1 (zeros are always shown). For each
hidden figure, scipy's `milp` (HiGHS) finds the least and the greatest value consistent with
everything shown: they must differ.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from casetrack.reports.figures import SUPPRESSED, OutcomeFigures, Period
from casetrack.reports.release import Published, publish

# ---- what a reader knows, from the SPEC ------------------------------------------------------

GROUPS = {  # SPEC §4, typed here from its table
    "no_action": ["no_case_to_answer", "nfa"],
    "learning": ["reflective_practice", "management_advice", "management_action"],
    "warning": ["written_warning", "final_written_warning", "reduction_in_rank"],
    "left_service": ["dismissed", "resigned", "retired"],
}
ROLES = ["police_officer", "special_constable", "pcso", "police_staff", "volunteer"]
RANK_GROUPS = ["constable", "sergeant", "inspector_or_above"]
CATEGORIES = [
    "corporate_account_misuse",
    "operational_disclosure",
    "information_security",
    "inappropriate_content",
    "political_activity",
    "personal_gain",
    "inappropriate_contact",
    "harassment",
    "on_duty_use",
    "intelligence_not_reported",
    "other",
]
PLATFORMS = ["facebook", "twitter_x", "instagram", "youtube", "linkedin", "tiktok", "flickr"]
PLATFORMS += ["whatsapp", "facebook_messenger", "snapchat", "other"]

Linear = tuple[dict[str, int], str]  # Σ coefficient × figure (op) 0, op one of "=", "<=", ">="


def published_figures(release: Published) -> dict[str, int | str]:
    """Everything the release shows, by name (the JSON's keys, the page's summary table, the
    CSV's department rows and the figures the headlines use)."""
    shown: dict[str, int | str] = {}
    for key in ("total_investigations", "total_cases", "open_investigations", "finalised"):
        shown[key] = release.count(key)
    shown["faced_action"] = release.count("faced_action")
    for key in ("by_outcome", "by_outcome_group", "by_role", "by_rank_group", "by_category"):
        shown.update({f"{key}/{c}": v for c, v in release.breakdown(key).items()})
    for key in ("by_platform", "by_force", "by_department", "by_year"):
        shown.update({f"{key}/{c}": v for c, v in release.breakdown(key).items()})
    return shown


def reader_relations(shown: dict[str, int | str]) -> list[Linear]:
    def total(whole: str, parts: list[str]) -> dict[str, int]:
        row = Counter({whole: -1})
        row.update(parts)
        return dict(row)

    codes = lambda key: [name for name in shown if name.startswith(key + "/")]  # noqa: E731
    every = "total_investigations"
    out: list[Linear] = [
        (total(every, ["finalised", "open_investigations"]), "="),
        (total("finalised", codes("by_outcome")), "="),
        (total("finalised", codes("by_outcome_group")), "="),
        (total("faced_action", [f"by_outcome_group/{g}" for g in GROUPS if g != "no_action"]), "="),
        (total(every, codes("by_role")), "="),
        (total(every, codes("by_force")), "="),
        (total(every, codes("by_year")), "="),
        ({"total_cases": 1, every: -1}, "<="),
        (
            total(
                "by_role/police_officer",
                ["by_role/special_constable", *(f"by_rank_group/{g}" for g in RANK_GROUPS)],
            )
            | {"by_role/special_constable": -1}
            | {f"by_rank_group/{g}": 1 for g in RANK_GROUPS},
            "<=",
        ),
    ]
    for group, members in GROUPS.items():
        out.append((total(f"by_outcome_group/{group}", [f"by_outcome/{m}" for m in members]), "="))
    for force in codes("by_force"):
        code = force.split("/", 1)[1]
        departments = [d for d in codes("by_department") if d.split("/")[1] == code]
        out.append((total(force, departments), "<="))  # a case may have no department
    for name in codes("by_category") + codes("by_platform"):
        out.append(({name: 1, every: -1}, "<="))
    return out


def ranges(shown: dict[str, int | str], true: dict[str, int]) -> dict[str, tuple[float, float]]:
    """For each hidden figure, its least and greatest value consistent with what is shown."""
    hidden = [name for name, value in shown.items() if value == SUPPRESSED]
    if not hidden:
        return {}
    index = {name: i for i, name in enumerate(hidden)}
    rows, lows, highs = [], [], []
    for coefficients, op in reader_relations(shown):
        row = np.zeros(len(hidden))
        constant = 0
        for name, k in coefficients.items():
            if name in index:
                row[index[name]] += k
            else:
                constant += k * int(shown[name])
        if not row.any():
            continue
        rows.append(row)
        lows.append(-np.inf if op == "<=" else -constant)
        highs.append(np.inf if op == ">=" else -constant)
    cap = 10 * max([int(v) for v in shown.values() if v != SUPPRESSED] + [10])
    bounds = Bounds(np.ones(len(hidden)), np.full(len(hidden), cap))
    constraints = [LinearConstraint(np.array(rows), lows, highs)] if rows else []
    integral = np.ones(len(hidden))
    out = {}
    for name in hidden:
        found = []
        for sign in (1, -1):
            objective = np.zeros(len(hidden))
            objective[index[name]] = sign
            result = milp(objective, constraints=constraints, bounds=bounds, integrality=integral)
            assert result.status == 0, (name, result.message)
            found.append(round(result.x[index[name]]))
            if sign == 1 and found[0] != true[name]:  # the true value is feasible: they differ
                found.append(true[name])
                break
        out[name] = (found[0], found[1])
    return out


def check_release(figures: OutcomeFigures) -> Published:
    release = publish(figures, protected=True)
    shown = published_figures(release)
    true = published_figures(publish(figures, protected=False))
    for name, value in shown.items():
        if 0 < int(true[name]) < 5:
            assert value == SUPPRESSED, name  # primary suppression
        else:
            assert value in (SUPPRESSED, true[name]), name  # a shown figure is the true one
        if true[name] == 0:
            assert value == 0, name  # zeros are shown
    for name, (least, greatest) in ranges(shown, true).items():
        assert least != greatest, f"{name} = {least} can be worked out from the release"
    return release


# ---- figures tallied from generated investigations ------------------------------------------

OUTCOMES = [o for members in GROUPS.values() for o in members]


def tally(people: list[dict], forces: list[str], years: list[str]) -> OutcomeFigures:
    by_outcome = Counter(p["outcome"] for p in people if p["outcome"])
    role = Counter(p["role"] for p in people)
    rank = Counter(p["rank"] for p in people if p["rank"] and p["role"] in ROLES[:2])
    return OutcomeFigures(
        period=Period(date(2020, 4, 1), date(2020 + len(years), 3, 31)),
        forces=forces,
        total_investigations=len(people),
        total_cases=len({p["case"] for p in people}),
        open_investigations=sum(1 for p in people if not p["outcome"]),
        by_outcome={o: by_outcome[o] for o in OUTCOMES},
        by_outcome_group={g: sum(by_outcome[o] for o in members) for g, members in GROUPS.items()},
        by_role={r: role[r] for r in ROLES},
        by_rank_group={g: rank[g] for g in RANK_GROUPS},
        by_category={c: sum(c in p["categories"] for p in people) for c in CATEGORIES},
        by_platform={c: sum(c in p["platforms"] for p in people) for c in PLATFORMS},
        by_force={f: sum(p["force"] == f for p in people) for f in forces},
        by_department={
            f"{f}/{d}": sum(p["force"] == f and p["department"] == d for p in people)
            for f in forces
            for d in ("A", "B")
        },
        by_year={y: sum(p["year"] == y for p in people) for y in years},
        force_names={f: f for f in forces},
    )


def person(forces: list[str], years: list[str]) -> st.SearchStrategy[dict]:
    few = lambda items: st.sampled_from(items[:4])  # noqa: E731 (small counts are the point)
    return st.fixed_dictionaries(
        {
            "outcome": st.one_of(st.none(), st.sampled_from(OUTCOMES), few(OUTCOMES)),
            "role": st.sampled_from(ROLES),
            "rank": st.sampled_from([None, *RANK_GROUPS]),
            "force": st.sampled_from(forces),
            "department": st.sampled_from([None, "A", "B"]),
            "year": st.sampled_from(years),
            "case": st.integers(0, 25),
            "categories": st.sets(few(CATEGORIES), max_size=2),
            "platforms": st.sets(few(PLATFORMS), max_size=2),
        }
    )


@st.composite
def datasets(draw: st.DrawFn) -> OutcomeFigures:
    forces = draw(st.sampled_from([["WMP"], ["WARKS", "WMERC"], ["A", "B", "C"]]))
    years = draw(st.sampled_from([["2020/21"], ["2020/21", "2021/22", "2022/23"]]))
    people = draw(st.lists(person(forces, years), max_size=60))
    return tally(people, forces, years)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_no_hidden_figure_can_be_worked_out(figures: OutcomeFigures) -> None:
    check_release(figures)


# ---- hand-made releases: the issue's examples and the edge cases -----------------------------


def people(n: int, **details) -> list[dict]:
    """n investigations alike: by default finalised NFA police officers (constables) of WMP,
    each their own case, in 2020/21, on Facebook, for inappropriate content."""
    base = {
        "outcome": "nfa",
        "role": "police_officer",
        "rank": "constable",
        "force": "WMP",
        "department": "A",
        "year": "2020/21",
        "categories": {"inappropriate_content"},
        "platforms": {"facebook"},
    }
    return [{**base, "case": f"{details}-{i}", **details} for i in range(n)]


def figures_of(*groups: list[dict], forces=("WMP",), years=("2020/21",)) -> OutcomeFigures:
    return tally([p for group in groups for p in group], list(forces), list(years))


ISSUE_EXAMPLES = {
    # "Dismissed, resigned or retired" = 8 with dismissed 5 and retired 0 showed resigned = 3
    "left service": figures_of(
        people(30), people(5, outcome="dismissed"), people(3, outcome="resigned")
    ),
    # the warnings group 22 = 10 + 10 + * showed reduction in rank = 2
    "warnings": figures_of(
        people(30),
        people(10, outcome="written_warning"),
        people(10, outcome="final_written_warning"),
        people(2, outcome="reduction_in_rank"),
    ),
    # the total minus the other roles showed volunteers = 2
    "volunteers": figures_of(
        people(40),
        people(12, role="police_staff", rank=None),
        people(2, role="volunteer", rank=None),
    ),
    # with two forces chosen, the total minus one force gave the other
    "two forces": figures_of(people(40), people(3, force="WARKS"), forces=("WARKS", "WMP")),
    "one force of two investigations": figures_of(people(2, case="C1")),
    "one investigation in a one-day period": figures_of(people(1)),
    "all-zero groups": figures_of(people(20, outcome=None), people(6, outcome="nfa")),
    "nothing at all": figures_of(),
    "open and finalised": figures_of(people(9), people(1, outcome=None)),
    "many years, one small": figures_of(
        people(30), people(2, year="2021/22"), years=("2020/21", "2021/22", "2022/23")
    ),
}


@pytest.mark.parametrize("name", ISSUE_EXAMPLES)
def test_hand_made_releases(name: str) -> None:
    check_release(ISSUE_EXAMPLES[name])


def test_the_issue_examples_hide_what_they_gave_away() -> None:
    left = publish(ISSUE_EXAMPLES["left service"], True)
    assert left.by_outcome["resigned"] == SUPPRESSED
    assert SUPPRESSED in (left.by_outcome["dismissed"], left.by_outcome_group["left_service"])
    assert left.by_outcome["retired"] == 0  # a true zero is shown
    warnings = publish(ISSUE_EXAMPLES["warnings"], True)
    assert warnings.by_outcome["reduction_in_rank"] == SUPPRESSED
    hidden = [v for v in warnings.by_outcome.values() if v == SUPPRESSED]
    assert len(hidden) == 2  # one more than the small one: the smallest that protects it
    two = publish(ISSUE_EXAMPLES["two forces"], True)
    assert two.by_force == {"WARKS": SUPPRESSED, "WMP": SUPPRESSED}
    assert two.total_investigations == 43  # the total itself stays: the two forces are hidden


def test_nothing_is_hidden_when_nothing_is_small() -> None:
    release = publish(figures_of(people(30), people(6, outcome=None)), True)
    assert release.hidden == frozenset()
