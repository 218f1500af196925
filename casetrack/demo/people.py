"""The demo workforce: made-up people per force, and who becomes the subject of a case.

Pure planning (no database): the demo driver turns a Member into a Person the first time it
is a subject.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from casetrack.demo.data import AVOID_NAMES, FIRST_NAMES, SURNAMES, Scenario

SENIOR_RANKS = ("chief_superintendent", "superintendent", "chief_inspector")
RANK_ORDER = ("constable", "sergeant", "inspector", *reversed(SENIOR_RANKS))


@dataclass
class Member:
    """One member of a force's workforce as the planner sees them."""

    force: str
    name: str
    staff_number: str
    role: str
    rank: str | None
    department: str | None
    restricted_post: bool = False
    propensity: int = 1  # some people attract more concerns than others
    cases: int = 0  # cases planned so far with this person as a subject
    left_on: date | None = None  # dismissed, resigned or retired on this date


def _officer_ranks(count: int, large: bool) -> list[str]:
    senior = list(SENIOR_RANKS if large else SENIOR_RANKS[1:])
    senior += ["inspector"] * (3 if large else 2)
    rest = count - len(senior)
    sergeants = round(rest * 0.2)
    return senior + ["sergeant"] * sergeants + ["constable"] * (rest - sergeants)


def _roles(size: int, large: bool) -> list[tuple[str, str | None, bool]]:
    """(role, rank, politically restricted post) for every member, in a fixed mix."""
    staff = round(size * 0.2)
    pcsos, specials, volunteers = max(2, round(size * 0.07)), max(1, round(size * 0.05)), 1
    officers = size - staff - pcsos - specials - volunteers
    restricted = max(2, round(staff * 0.4))
    rows: list[tuple[str, str | None, bool]] = [
        ("police_officer", rank, False) for rank in _officer_ranks(officers, large)
    ]
    rows += [("police_staff", None, i < restricted) for i in range(staff)]
    rows += [("pcso", None, False)] * pcsos + [("volunteer", None, False)] * volunteers
    rows += [
        ("special_constable", "sergeant" if i == 0 else "constable", False) for i in range(specials)
    ]
    return rows


def _unique_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        if name not in taken and name not in AVOID_NAMES:
            taken.add(name)
            return name


def _unique_number(rng: random.Random, prefix: str, taken: set[str]) -> str:
    while True:
        number = f"{prefix}{rng.randint(1000, 9899)}"
        if number not in taken:
            taken.add(number)
            return number


def make_roster(
    rng: random.Random,
    force: str,
    prefix: str,
    size: int,
    departments: list[str],
    taken_names: set[str],
    taken_numbers: set[str],
) -> list[Member]:
    """`size` made-up people of one force; `taken_*` keep names and numbers unique."""
    roster = [
        Member(
            force=force,
            name=_unique_name(rng, taken_names),
            staff_number=_unique_number(rng, prefix, taken_numbers),
            role=role,
            rank=rank,
            department=rng.choice(departments),
            restricted_post=restricted,
            propensity=rng.choice((1, 1, 1, 1, 1, 2, 3)),
        )
        for role, rank, restricted in _roles(size, large=size >= 50)
    ]
    rng.shuffle(roster)
    return roster


def eligible(roster: list[Member], scenario: Scenario, received: date) -> list[Member]:
    """People who could be the subject of this kind of concern on this date."""
    return [
        m
        for m in roster
        if m.role in scenario.roles
        and (m.restricted_post or not scenario.restricted_post)
        and (m.left_on is None or m.left_on > received)
    ]


def pick_subjects(
    rng: random.Random,
    candidates: list[Member],
    department: str,
    pair: bool,
) -> list[Member]:
    """One subject (two when `pair`), mostly from the case's own department."""
    weights = [
        m.propensity * (2 if m.department == department else 1) / (1 + m.cases) ** 2
        for m in candidates
    ]
    first = rng.choices(candidates, weights)[0]
    if not pair:
        return [first]
    others = [m for m in candidates if m is not first and m.department == first.department]
    return [first, rng.choice(others)] if others else [first]


def most_senior(roster: list[Member]) -> Member:
    officers = [m for m in roster if m.role == "police_officer" and m.rank]
    return max(officers, key=lambda m: RANK_ORDER.index(m.rank or "constable"))


def can_be_reduced_in_rank(member: Member) -> bool:
    return member.role == "police_officer" and member.rank not in (None, "constable")
