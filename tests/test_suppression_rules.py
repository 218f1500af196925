"""Secondary suppression on small, hand-worked releases (SPEC §6, publication mode).

Each expected answer below was worked out by hand from the SPEC's rule — counts from 1 to 4
are hidden, then as many others, smallest first, as it takes that no hidden count can be
worked out from the rest, with a true zero always shown — not taken from
casetrack/reports/suppression.py. The reasoning is in the comments. These are quick (no
database, no solver), so `make mutation` can use them for every mutant of the module.
"""

from __future__ import annotations

import pytest

from casetrack.reports.suppression import (
    Relation,
    _bounds,
    _Tableau,
    disclosed,
    pinned,
    primary,
    protect,
)

# make mutation: a check here that runs for five seconds (they take milliseconds) has a mutant
# looping for ever (tests/conftest.py, _mutant_time_limit)
MUTATION_TIME_LIMIT = 5

# A total of four people split into four groups, inside a grand total that also shows a
# fifth-something count u: grand = t + u, t = a + b + c + d.
NESTED = {"grand": 9, "u": 5, "t": 4, "a": 1, "b": 1, "c": 1, "d": 1}
NESTED_RELATIONS = [Relation("grand", ("t", "u")), Relation("t", ("a", "b", "c", "d"))]


def test_relation_coefficients() -> None:
    # total = parts, written as Σ coefficient × cell = 0: the total −1, each part +1
    assert Relation("t", ("a", "b")).coefficients() == {"t": -1, "a": 1, "b": 1}
    # a cell named twice counts twice
    assert Relation("t", ("a", "a", "b")).coefficients() == {"t": -1, "a": 2, "b": 1}
    # "t = t + a" says only that a is 0: t cancels out
    assert Relation("t", ("t", "a")).coefficients() == {"a": 1}
    assert Relation("t", ("a", "b"), "by role").cells == ("t", "a", "b")


def test_primary_hides_one_to_four_only() -> None:
    values = {"zero": 0, "one": 1, "four": 4, "five": 5, "many": 120}
    assert primary(values) == {"one", "four"}


def test_nothing_small_hides_nothing() -> None:
    assert protect({"t": 10, "a": 5, "b": 5}, [Relation("t", ("a", "b"))]) == frozenset()


def test_a_difference_gives_the_small_count_away() -> None:
    # b = 3 is hidden, but b = t − a = 10 − 7. Hide one more in that relation, the smaller
    # of t (10) and a (7): a. Then a + b = 10 with each at least 1 leaves a from 1 to 9.
    values = {"t": 10, "a": 7, "b": 3}
    relation = [Relation("t", ("a", "b"))]
    assert disclosed(values, relation, {"b"}) == {"b"}
    assert pinned(values, relation, {"b"}) == {"b"}
    assert disclosed(values, relation, {"a", "b"}) == set()
    assert pinned(values, relation, {"a", "b"}) == set()
    assert protect(values, relation) == {"a", "b"}


def test_zeros_are_shown_and_two_hidden_parts_of_a_hidden_total_are_safe() -> None:
    # t = 3 and b = 3 hidden, a = 0 shown: t = b, but neither has an upper bound
    values = {"t": 3, "a": 0, "b": 3}
    assert protect(values, [Relation("t", ("a", "b"))]) == {"t", "b"}


def test_four_groups_of_a_total_of_four_are_each_one() -> None:
    # t = 4 shown with four hidden groups, each at least 1: each is exactly 1 (bounds alone;
    # no relation names a single hidden count)
    values = {"t": 4, "a": 1, "b": 1, "c": 1, "d": 1}
    relation = [Relation("t", ("a", "b", "c", "d"))]
    assert disclosed(values, relation, {"a", "b", "c", "d"}) == {"a", "b", "c", "d"}
    assert pinned(values, relation, {"a", "b", "c", "d"}) == {"a", "b", "c", "d"}
    # two of them hidden, the other two shown: a + b = 2, so a = b = 1
    shown_cd = {"t": 8, "a": 1, "b": 1, "c": 3, "d": 3}
    assert disclosed(shown_cd, relation, {"a", "b"}) == {"a", "b"}
    assert pinned(shown_cd, relation, {"a", "b"}) == {"a", "b"}
    # a + b = 3 instead: a is 1 or 2, not worked out
    three = {"t": 9, "a": 1, "b": 2, "c": 3, "d": 3}
    assert disclosed(three, relation, {"a", "b"}) == set()
    assert pinned(three, relation, {"a", "b"}) == set()


def test_a_five_of_four_small_groups_is_not_worked_out() -> None:
    # t = 5 shown, a + b + c + d = 5 with each at least 1: each is 1 or 2
    values = {"t": 5, "a": 1, "b": 1, "c": 1, "d": 2}
    relation = [Relation("t", ("a", "b", "c", "d"))]
    assert disclosed(values, relation, {"a", "b", "c", "d"}) == set()
    assert pinned(values, relation, {"a", "b", "c", "d"}) == set()
    assert protect(values, relation) == {"a", "b", "c", "d"}


def test_a_hidden_total_given_away_by_the_table_above_it() -> None:
    # Primary: t (4) and a, b, c, d (1 each). t = grand − u = 9 − 5, and then a, b, c and d
    # are each 1. Hide the smaller of grand (9) and u (5) beside t: u. Then t + u = 9 with
    # t = a + b + c + d at least 4: t from 4 to 8, u from 1 to 5, each group from 1 to 5.
    hidden = {"t", "a", "b", "c", "d"}
    assert disclosed(NESTED, NESTED_RELATIONS, hidden) == hidden
    assert pinned(NESTED, NESTED_RELATIONS, hidden) == hidden
    assert disclosed(NESTED, NESTED_RELATIONS, hidden | {"u"}) == set()
    assert pinned(NESTED, NESTED_RELATIONS, hidden | {"u"}) == set()
    assert protect(NESTED, NESTED_RELATIONS) == hidden | {"u"}


def test_an_unpublished_part_is_at_least_zero() -> None:
    # b is in no table (say, people with no rank) so a reader knows only b ≥ 0. t = a + b + c
    # with t = 6 and a = 5 shown and c = 1 hidden: b + c = 1, so c = 1 (b = 0). Hide the
    # smaller of t and a: a. Then a + b + c = 6 leaves c from 1 to 5.
    values = {"t": 6, "a": 5, "c": 1}
    relation = [Relation("t", ("a", "b", "c"))]
    assert disclosed(values, relation, {"c"}) == {"c"}
    assert pinned(values, relation, {"c"}) == {"c"}
    assert protect(values, relation) == {"a", "c"}
    # with t = 7, b + c = 2: c is 1 or 2 (b may be 0 or 1), nothing more to hide
    assert protect({"t": 7, "a": 5, "c": 1}, relation) == {"c"}


def test_a_tie_goes_to_the_figure_in_more_of_the_tables_that_give_a_count_away() -> None:
    # b = 2 is hidden; b = s − e (second table) and b = t − a − e (first). Beside it: a (6)
    # in the first table, e (6) in both. A tie at 6: the figure in more of those tables
    # goes, e, and that is enough: then e + b = 8 in both, b from 1 to 7. (Hiding a instead
    # would still leave b = s − e, and e would have to go as well: more than needed.)
    values = {"t": 14, "a": 6, "e": 6, "b": 2, "s": 8}
    relations = [Relation("t", ("a", "e", "b")), Relation("s", ("e", "b"))]
    assert protect(values, relations) == {"b", "e"}


def test_first_the_tables_where_the_given_away_count_is_the_only_hidden_one() -> None:
    # Primary: x (3), w (1), u (2). x = t − p in the second table, whose only hidden count
    # it is; the first table then gives w = s − q − x away as well. The third table has one
    # hidden count, u, but with the unpublished k beside it gives nothing away (u + k = 7).
    # Hiding the smallest figure beside x in the second table, p (7), protects both: x from
    # 1 to 3, w = 4 − x. Hiding q (5, the smallest beside x anywhere) or n (5, beside the
    # safe u) would leave x = t − p, and p would have to go as well.
    values = {"t": 10, "x": 3, "p": 7, "s": 9, "q": 5, "w": 1, "m": 12, "u": 2, "n": 5}
    relations = [
        Relation("s", ("x", "q", "w")),
        Relation("t", ("x", "p")),
        Relation("m", ("u", "n", "k")),
    ]
    assert disclosed(values, relations, {"x", "w", "u"}) == {"x", "w"}
    assert protect(values, relations) == {"x", "w", "u", "p"}


def test_then_any_table_with_a_given_away_count() -> None:
    # x = 3 and y = 4 are hidden: x + y = 7 and x + 2y = 11 give both away, but neither table
    # has only one hidden count. Hide the smallest figure of a table with one of them: s (7).
    # Then x = 11 − 2y, y from 1 to 5. The third table's w (5) is smaller, but beside z, which
    # nothing gives away (z + k = 4 with k unpublished): hiding it would not help.
    values = {"s": 7, "x": 3, "y": 4, "r": 11, "q": 9, "z": 1, "w": 5}
    relations = [
        Relation("s", ("x", "y")),
        Relation("r", ("x", "y", "y")),
        Relation("q", ("z", "w", "k")),
    ]
    assert disclosed(values, relations, {"x", "y", "z"}) == {"x", "y"}
    assert protect(values, relations) == {"x", "y", "z", "s"}


def test_two_tables_sharing_a_hidden_count_are_solved_together() -> None:
    # by role: t = x + y; by rank: t = p + q. All four hidden parts are small, t = 5 shown:
    # x + y = 5 and p + q = 5, each from 1 to 4, nothing worked out.
    values = {"t": 5, "x": 2, "y": 3, "p": 1, "q": 4}
    relations = [Relation("t", ("x", "y")), Relation("t", ("p", "q"))]
    assert protect(values, relations) == {"x", "y", "p", "q"}
    # a third table says x = p: still nothing (x = p from 1 to 4, y = q = 5 − x)
    with_link = [*relations, Relation("x", ("p",))]
    assert pinned({"t": 5, "x": 2, "y": 3, "p": 2, "q": 3}, with_link, {"x", "y", "p", "q"}) == (
        set()
    )


@pytest.mark.parametrize(
    ("values", "hidden", "expected"),
    [
        # x + y = 3 and x − y = 1: x = 2, y = 1 (two relations together, no single one)
        ({"s": 3, "d": 1, "x": 2, "y": 1}, {"x", "y"}, {"x", "y"}),
        # x + y = 4 and x − y = 0: x = y = 2
        ({"s": 4, "d": 0, "x": 2, "y": 2}, {"x", "y"}, {"x", "y"}),
    ],
)
def test_a_figure_worked_out_from_two_relations_together(values, hidden, expected) -> None:
    # s = x + y and x = d + y
    relations = [Relation("s", ("x", "y")), Relation("x", ("d", "y"))]
    assert disclosed(values, relations, hidden) == expected
    assert pinned(values, relations, hidden) == expected


def test_nothing_hidden_nothing_disclosed() -> None:
    relation = [Relation("t", ("a", "b"))]
    assert disclosed({"t": 10, "a": 5, "b": 5}, relation, set()) == set()
    assert pinned({"t": 10, "a": 5, "b": 5}, relation, set()) == set()


def test_a_bound_from_another_table_pins_a_count() -> None:
    # u = b + c + d + e + f with u = 5 shown: each is 1. Then t = a + b with t = 5 shown
    # gives a = 4: at most 5 − 1 (b at least 1) and at least 5 − 1 (b at most 1).
    values = {"t": 5, "a": 4, "b": 1, "u": 5, "c": 1, "d": 1, "e": 1, "f": 1}
    relations = [Relation("t", ("a", "b")), Relation("u", ("b", "c", "d", "e", "f"))]
    hidden = {"a", "b", "c", "d", "e", "f"}
    assert disclosed(values, relations, hidden) == hidden
    assert pinned(values, relations, hidden) == hidden


def test_large_hidden_counts_worked_out_by_elimination_alone() -> None:
    # Counts far from the bounds, so only the relations together give them away.
    # a + b = 500: neither is worked out (a column with no second relation comes first).
    # x + y = 300 and x = 100 + y: x = 200, y = 100.
    values = {"t": 500, "a": 250, "b": 250, "s": 300, "x": 200, "y": 100, "d": 100}
    relations = [
        Relation("t", ("a", "b")),
        Relation("s", ("x", "y")),
        Relation("x", ("d", "y")),
    ]
    assert disclosed(values, relations, {"a", "b", "x", "y"}) == {"x", "y"}
    assert pinned(values, relations, {"a", "b", "x", "y"}) == {"x", "y"}
    # x + 2y = 300 and x + 2y + z = 350: z = 50, while x and y stay open
    values = {"r": 300, "x": 100, "y": 100, "q": 350, "z": 50}
    relations = [Relation("r", ("x", "y", "y")), Relation("q", ("x", "y", "y", "z"))]
    assert disclosed(values, relations, {"x", "y", "z"}) == {"z"}
    assert pinned(values, relations, {"x", "y", "z"}) == {"z"}


# ---- the two checks' parts, on hand-solved problems ------------------------------------------
#
# What "worked out" means is the SPEC's (a reader who knows the relations, that counts are whole
# numbers, at least 1 when hidden and at least 0 when not published); the least and greatest
# values below are worked out by hand from the relations, not read from the module.


def test_bounds_of_a_hidden_total_come_from_its_hidden_parts() -> None:
    # grand = t + u (grand = 3 shown) and t = a + b, all four hidden. a and b are at least 1,
    # so t is at least 2; u is at least 1, so t is at most 2: t = 2, u = 1, and a + b = 2
    # leaves a = b = 1.
    values = {"grand": 3, "t": 2, "u": 1, "a": 1, "b": 1}
    relations = [Relation("grand", ("t", "u")), Relation("t", ("a", "b"))]
    hidden = {"t", "u", "a", "b"}
    lows, highs = _bounds(values, relations, hidden, hidden)
    assert lows == highs == {"t": 2, "u": 1, "a": 1, "b": 1}
    assert disclosed(values, relations, hidden) == hidden


def test_the_greatest_value_of_a_hidden_total_is_the_sum_of_its_parts_greatest() -> None:
    # p = a + k (p = 3) and q = b + m (q = 4) with k and m in no table (at least 0): a is 1
    # to 3, b 1 to 4, k 0 to 2, m 0 to 3. A hidden t = a + b is then 2 to 7.
    values = {"p": 3, "q": 4, "a": 2, "b": 2, "t": 4}
    relations = [Relation("p", ("a", "k")), Relation("q", ("b", "m")), Relation("t", ("a", "b"))]
    hidden = {"a", "b", "t"}
    lows, highs = _bounds(values, relations, hidden, hidden | {"k", "m"})
    assert lows == {"a": 1, "b": 1, "t": 2, "k": 0, "m": 0}
    assert highs == {"a": 3, "b": 4, "t": 7, "k": 2, "m": 3}


def test_bounds_of_a_count_named_twice_are_rounded_inwards() -> None:
    # s = x + k (s = 3, k in no table): x is 1 to 3. r = x + 2y (r = 12): 2y is 12 − x, from 9
    # to 11, so y (a whole number) is 5 — not 4.5 to 5.5 — and then x = 12 − 10 = 2, k = 1.
    # The first table's x ≤ 3 must not be loosened by the second's x ≤ 12 − 2 = 10.
    values = {"s": 3, "r": 12, "x": 2, "y": 5}
    relations = [Relation("s", ("x", "k")), Relation("r", ("x", "y", "y"))]
    lows, highs = _bounds(values, relations, {"x", "y"}, {"x", "y", "k"})
    assert lows == highs == {"x": 2, "y": 5, "k": 1}
    assert all(type(v) is int for v in [*lows.values(), *highs.values()])


def test_the_least_value_of_a_part_comes_from_the_least_value_of_its_total() -> None:
    # g = t + u (g = 9) with w = u + n (w = 2, n in no table): u is 1 to 2, so t = 9 − u is
    # 7 to 8. t = a + b with q = b + m (q = 3, m in no table): b is 1 to 3, so a = t − b is
    # 4 (7 − 3) to 7 (8 − 1); m = 3 − b is 0 to 2 and n = 2 − u is 0 to 1.
    values = {"g": 9, "w": 2, "q": 3, "t": 8, "u": 1, "a": 6, "b": 2}
    relations = [
        Relation("g", ("t", "u")),
        Relation("t", ("a", "b")),
        Relation("q", ("b", "m")),
        Relation("w", ("u", "n")),
    ]
    hidden = {"t", "u", "a", "b"}
    lows, highs = _bounds(values, relations, hidden, hidden | {"m", "n"})
    assert lows == {"t": 7, "u": 1, "a": 4, "b": 1, "m": 0, "n": 0}
    assert highs == {"t": 8, "u": 2, "a": 7, "b": 3, "m": 2, "n": 1}


def test_a_hidden_count_with_no_greatest_value_is_safe() -> None:
    # t = a + b with b = 5 shown and t (6), a (1) hidden: a is at least 1 and t = a + 5, but
    # nothing bounds them above, so neither is worked out.
    values = {"t": 6, "a": 1, "b": 5}
    relation = [Relation("t", ("a", "b"))]
    assert pinned(values, relation, {"t", "a"}) == set()
    assert disclosed(values, relation, {"t", "a"}) == set()


def test_each_separate_part_of_a_release_is_checked() -> None:
    # Two tables with no figure in common: b = t − a = 3 is worked out in the first; c + d = 9
    # in the second leaves c from 1 to 8.
    values = {"t": 10, "a": 7, "b": 3, "s": 9, "c": 5, "d": 4}
    relations = [Relation("t", ("a", "b")), Relation("s", ("c", "d"))]
    assert pinned(values, relations, {"b", "c", "d"}) == {"b"}
    assert pinned(values, relations[::-1], {"b", "c", "d"}) == {"b"}


def test_inconsistent_figures_have_nothing_to_protect() -> None:
    # t = a + b with t = 3 and a = 3 shown leaves b = 0, but a hidden b is at least 1: no
    # release is like that, and the exact check says nothing is worked out.
    assert pinned({"t": 3, "a": 3, "b": 1}, [Relation("t", ("a", "b"))], {"b"}) == set()


def test_a_relation_of_two_figures_counts() -> None:
    # y = x and s = x + y (s = 6 shown): x = y = 3, given away. Hide the only other figure, s:
    # then x = y with nothing above them.
    relations = [Relation("s", ("x", "y")), Relation("y", ("x",))]
    assert protect({"s": 6, "x": 3, "y": 3}, relations) == {"s", "x", "y"}


def test_what_only_the_exact_check_finds_is_protected_too() -> None:
    # The module's own example: officers O (1) and specials S (2), with the other roles P = 5,
    # make the total T = 8, so O + S = 3; the people with a rank, r1 + r2 + r3, are the same
    # officers and specials (k, not published). So r1 + r2 + r3 = 3 with each at least 1: each
    # is 1. The bounds alone see only O + S from 2 to 4 there, and r from 1 to 2 (they do not
    # use T − P), so the exact check is what gives the ranks away. Hide the smallest figure in
    # a table with a hidden count: P (5; T is 8). Then O + S + P = 8 leaves each rank 1 to 5.
    values = {"T": 8, "O": 1, "S": 2, "P": 5, "r1": 1, "r2": 1, "r3": 1}
    relations = [
        Relation("T", ("O", "S", "P")),
        Relation("~k", ("O", "S")),
        Relation("~k", ("r1", "r2", "r3")),
    ]
    hidden = {"O", "S", "r1", "r2", "r3"}
    assert disclosed(values, relations, hidden) == set()
    assert pinned(values, relations, hidden) == {"r1", "r2", "r3"}
    assert protect(values, relations) == hidden | {"P"}


def test_figures_that_contradict_their_relation_leave_nothing_more_to_hide() -> None:
    # a hidden 2 said to equal a shown 0 (no release is like that): the 2 stays hidden, and
    # there is no other figure to hide
    assert protect({"z": 0, "a": 2}, [Relation("z", ("a",))]) == {"a"}


def test_a_shown_zero_is_never_hidden_to_protect_another_figure() -> None:
    # b = 3 is t − a − z = 10 − 7 − 0. The zero stays shown (SPEC §6: a true zero is not
    # disclosive); hide the smaller of t and a: a. Then a + b = 10, each 1 to 9.
    values = {"t": 10, "a": 7, "b": 3, "z": 0}
    assert protect(values, [Relation("t", ("a", "b", "z"))]) == {"a", "b"}


def _near(y: list[float] | None, expected: list[float]) -> bool:
    return (
        y is not None
        and len(y) == len(expected)
        and all(abs(a - b) < 1e-9 for a, b in zip(y, expected, strict=True))
    )


def test_the_simplex_finds_the_least_and_greatest_values() -> None:
    # y0 + y1 = 2 and y0 + y2 = 5, all at least 0: y0 is 0 to 2. Its least puts y1 = 2,
    # y2 = 5; its greatest y1 = 0, y2 = 3 (the first equation binds, not the second).
    tableau = _Tableau.feasible([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]], [2.0, 5.0])
    assert tableau is not None
    assert _near(tableau.optimise([1.0, 0.0, 0.0]), [0.0, 2.0, 5.0])
    assert _near(tableau.optimise([-1.0, 0.0, 0.0]), [2.0, 0.0, 3.0])
    assert _near(tableau.optimise([0.0, 1.0, 0.0]), [2.0, 0.0, 3.0])
    assert _near(tableau.optimise([0.0, -1.0, 0.0]), [0.0, 2.0, 5.0])
    assert _near(tableau.optimise([0.0, 0.0, 1.0]), [2.0, 0.0, 3.0])
    assert _near(tableau.optimise([0.0, 0.0, -1.0]), [0.0, 2.0, 5.0])
    # 2 y0 + y1 = 5 and y0 + y2 = 6: y0 is 0 to 2.5 (the first binds: 5 / 2 < 6 / 1)
    tableau = _Tableau.feasible([[2.0, 1.0, 0.0], [1.0, 0.0, 1.0]], [5.0, 6.0])
    assert tableau is not None
    assert _near(tableau.optimise([-1.0, 0.0, 0.0]), [2.5, 0.0, 3.5])
    assert _near(tableau.optimise([0.0, 0.0, 1.0]), [2.5, 0.0, 3.5])
    assert _near(tableau.optimise([0.0, 0.0, -1.0]), [0.0, 5.0, 6.0])
    # y1 + y2 = 3 and y0 + y1 = 6: y1 = 6 − y0 and y2 = y0 − 3, so y0 is 3 to 6
    tableau = _Tableau.feasible([[0.0, 1.0, 1.0], [1.0, 1.0, 0.0]], [3.0, 6.0])
    assert tableau is not None
    assert _near(tableau.optimise([1.0, 0.0, 0.0]), [3.0, 3.0, 0.0])
    assert _near(tableau.optimise([-1.0, 0.0, 0.0]), [6.0, 0.0, 3.0])
    # the same with the second equation written first: y0 ≤ 2 still binds
    tableau = _Tableau.feasible([[1.0, 0.0, 1.0], [1.0, 1.0, 0.0]], [5.0, 2.0])
    assert tableau is not None
    assert _near(tableau.optimise([-1.0, 0.0, 0.0]), [2.0, 0.0, 3.0])


def test_the_simplex_with_a_negative_constant_and_no_greatest_value() -> None:
    # y0 − y1 = −3: y1 = y0 + 3. The least y0 is 0 (y1 = 3); there is no greatest.
    tableau = _Tableau.feasible([[1.0, -1.0]], [-3.0])
    assert tableau is not None
    assert _near(tableau.solution(2), [0.0, 3.0])
    assert _near(tableau.optimise([1.0, 0.0]), [0.0, 3.0])
    assert _near(tableau.optimise([0.0, 1.0]), [0.0, 3.0])
    assert tableau.optimise([-1.0, 0.0]) is None
    assert tableau.optimise([0.0, -1.0]) is None


def test_the_simplex_with_a_zero_constant() -> None:
    # −y0 = 0: y0 is 0, and y1 (in no equation) has no greatest value
    tableau = _Tableau.feasible([[-1.0, 0.0]], [0.0])
    assert tableau is not None
    assert _near(tableau.optimise([1.0, 0.0]), [0.0, 0.0])
    assert _near(tableau.optimise([-1.0, 0.0]), [0.0, 0.0])
    assert tableau.optimise([0.0, -1.0]) is None
    # y0 = 0, −y0 = 0 (the same again) and y0 − y1 = 0: both are 0
    tableau = _Tableau.feasible([[1.0, 0.0], [-1.0, 0.0], [1.0, -1.0]], [0.0, 0.0, 0.0])
    assert tableau is not None
    for objective in ([1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]):
        assert _near(tableau.optimise(objective), [0.0, 0.0])


def test_the_simplex_finds_no_solution_where_there_is_none() -> None:
    # two counts at least 0 cannot add up to −1, nor to 2 and 3 at once
    assert _Tableau.feasible([[1.0, 1.0]], [-1.0]) is None
    assert _Tableau.feasible([[1.0, 1.0], [1.0, 1.0]], [2.0, 3.0]) is None
    assert _Tableau.feasible([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1.0, 1.0, 3.0]) is None


def test_the_simplex_keeps_every_equation_after_a_repeated_one() -> None:
    # y0 + y1 = 2 twice (a table repeated), then y1 = 1 (first or last): y0 = y1 = 1
    for a, b in (
        ([[1.0, 1.0], [1.0, 1.0], [0.0, 1.0]], [2.0, 2.0, 1.0]),
        ([[0.0, 1.0], [1.0, 1.0], [2.0, 2.0]], [1.0, 2.0, 4.0]),
        ([[1.0, 1.0], [2.0, 2.0], [0.0, 1.0]], [2.0, 4.0, 1.0]),
    ):
        tableau = _Tableau.feasible(a, b)
        assert tableau is not None
        for objective in ([1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]):
            assert _near(tableau.optimise(objective), [1.0, 1.0])
