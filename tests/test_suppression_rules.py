"""Secondary suppression on small, hand-worked releases (SPEC §6, publication mode).

Each expected answer below was worked out by hand from the SPEC's rule — counts from 1 to 4
are hidden, then as many others, smallest first, as it takes that no hidden count can be
worked out from the rest, with a true zero always shown — not taken from
casetrack/reports/suppression.py. The reasoning is in the comments. These are quick (no
database, no solver), so `make mutation` can use them for every mutant of the module.
"""

from __future__ import annotations

import pytest

from casetrack.reports.suppression import Relation, disclosed, pinned, primary, protect

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
