"""Primary and secondary suppression of a release of counts (SPEC §6). Pure: plain data in,
plain data out.

A release is a set of published cells (name → count) and the linear relations between them
(`total = part + part + …`). A relation may name cells that are not published (say, the
investigations of people with no rank): those are unknowns to a reader, at least 0.

Primary suppression hides every count from 1 to 4. Secondary suppression then hides further
counts, the smallest first, until no hidden count can be worked out from what is shown. The
reader we protect against knows every relation, that every count is a whole number, and —
because a true zero is always shown (it is not disclosive, and statistical offices show it) —
that every hidden count is at least 1. They do not know which hidden counts are the small
ones: every hidden count looks the same (`[c]`, `*`).

A hidden count counts as worked out when either check below pins it to one value:
- linear algebra: the relations, with the shown counts put in, determine it (a difference of
  two totals, a total less its other parts, …), found by row reduction over the fractions;
- bounds: every hidden count is ≥ 1 and every unpublished one ≥ 0, and narrowing each
  relation's unknowns against the others, repeated until nothing changes, leaves it one value
  (four hidden groups of a total that can be at most 4 are each 1).
The tests check the result with an integer program over the same facts (an exact audit).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

SMALLEST_SHOWN = 5  # counts from 1 to this less one are hidden
HIDDEN_AT_LEAST = 1  # a hidden count is never 0: zeros are shown
UNPUBLISHED_AT_LEAST = 0


@dataclass(frozen=True)
class Relation:
    """`total` equals the sum of `parts`; `name` says which table it comes from."""

    total: str
    parts: tuple[str, ...]
    name: str = ""

    @property
    def cells(self) -> tuple[str, ...]:
        return (self.total, *self.parts)

    def coefficients(self) -> dict[str, int]:
        """The relation as `Σ coefficient × cell = 0`; a cell named twice adds up."""
        out: dict[str, int] = {self.total: -1}
        for part in self.parts:
            out[part] = out.get(part, 0) + 1
        return {cell: c for cell, c in out.items() if c}


def primary(values: Mapping[str, int]) -> set[str]:
    return {cell for cell, value in values.items() if 0 < value < SMALLEST_SHOWN}


def protect(values: Mapping[str, int], relations: Sequence[Relation]) -> frozenset[str]:
    """The cells to hide: every count from 1 to 4, and the fewest, smallest others it takes
    that none of them can be worked out from the rest (a greedy choice, smallest first)."""
    relations = [r for r in relations if len(r.coefficients()) > 1]
    hidden = primary(values)
    if not hidden:
        return frozenset()
    while True:
        exposed = disclosed(values, relations, hidden) or pinned(values, relations, hidden)
        if not exposed:
            return frozenset(hidden)
        extra = _next_to_hide(values, relations, hidden, exposed)
        if extra is None:  # nothing left to hide (cannot happen with consistent relations)
            return frozenset(hidden)
        hidden.add(extra)


def _next_to_hide(
    values: Mapping[str, int], relations: Sequence[Relation], hidden: set[str], exposed: set[str]
) -> str | None:
    """The smallest shown, non-zero count in a relation whose only hidden cell is an exposed
    one (hiding a figure there breaks that disclosure); failing that, in any relation with an
    exposed cell; failing that, with a hidden cell. Ties go to the cell in most such
    relations. (Without the first step, a total exposed by a relation of one figure — "no
    proceedings" = finalised — would hide the smallest figures of other tables first.)"""

    def alone(relation: Relation) -> bool:
        inside = hidden.intersection(relation.cells)
        return len(inside) == 1 and bool(inside & exposed)

    for wanted, sole in ((exposed, True), (exposed, False), (hidden, False)):
        near: dict[str, int] = {}
        for relation in relations:
            if sole and not alone(relation):
                continue
            if wanted.intersection(relation.cells):
                for cell in relation.cells:
                    if cell in values and cell not in hidden and values[cell] > 0:
                        near[cell] = near.get(cell, 0) + 1
        if near:
            return min(near, key=lambda cell: (values[cell], -near[cell], cell))
    return None


def disclosed(
    values: Mapping[str, int], relations: Sequence[Relation], hidden: Iterable[str]
) -> set[str]:
    """The hidden cells a reader could work out exactly."""
    hidden = set(hidden)
    unknown = {c for r in relations for c in r.cells if c in hidden or c not in values}
    if not hidden:
        return set()
    rows = _reduced_rows(relations, unknown)
    exposed = {next(iter(row)) for row in rows if len(row) == 1 and next(iter(row)) in hidden}
    lows, highs = _bounds(values, relations, hidden, unknown)
    exposed |= {
        cell for cell in hidden if highs.get(cell) is not None and lows[cell] >= highs[cell]
    }
    return exposed


def _reduced_rows(relations: Sequence[Relation], unknown: set[str]) -> list[dict[str, Fraction]]:
    """The relations over the unknowns in reduced row echelon form (each row a dict of its
    non-zero coefficients; the constants, the shown figures, do not matter for what is
    determined, so they are not read)."""
    order = sorted(unknown)
    rows: list[dict[str, Fraction]] = []
    for relation in relations:
        row = {c: Fraction(k) for c, k in relation.coefficients().items() if c in unknown}
        if row:
            rows.append(row)
    pivots: list[tuple[str, dict[str, Fraction]]] = []
    for column in order:
        chosen = next((row for row in rows if row.get(column)), None)
        if chosen is None:
            continue
        rows.remove(chosen)
        scale = chosen[column]
        chosen = {c: k / scale for c, k in chosen.items()}
        for row in [*rows, *(r for _, r in pivots)]:
            factor = row.get(column)
            if factor:
                for c, k in chosen.items():
                    updated = row.get(c, Fraction(0)) - factor * k
                    if updated:
                        row[c] = updated
                    else:
                        row.pop(c, None)
        pivots.append((column, chosen))
    return [row for _, row in pivots]


def _bounds(
    values: Mapping[str, int],
    relations: Sequence[Relation],
    hidden: set[str],
    unknown: set[str],
    passes: int = 100,
) -> tuple[dict[str, int], dict[str, int | None]]:
    """Lower and upper bounds (None: no upper bound) of every unknown, narrowed relation by
    relation until nothing changes."""
    lows = {c: HIDDEN_AT_LEAST if c in hidden else UNPUBLISHED_AT_LEAST for c in unknown}
    highs: dict[str, int | None] = dict.fromkeys(unknown)
    equations = []
    for relation in relations:
        coefficients = relation.coefficients()
        terms = {c: k for c, k in coefficients.items() if c in unknown}
        if terms:
            constant = sum(k * values[c] for c, k in coefficients.items() if c not in unknown)
            equations.append((terms, -constant))  # Σ k × unknown = rhs
    for _ in range(passes):
        changed = False
        for terms, rhs in equations:
            for cell, k in terms.items():
                # k × cell = rhs − Σ others: bound it by the others' bounds
                low_rest, high_rest = 0, 0
                for other, j in terms.items():
                    if other == cell:
                        continue
                    lo, hi = (lows[other], highs[other])
                    a, b = (j * lo, None if hi is None else j * hi)
                    if j < 0:
                        a, b = (None if hi is None else j * hi), j * lo
                    low_rest = None if low_rest is None or a is None else low_rest + a
                    high_rest = None if high_rest is None or b is None else high_rest + b
                # k × cell lies in [rhs − high_rest, rhs − low_rest]
                lo_k = None if high_rest is None else rhs - high_rest
                hi_k = None if low_rest is None else rhs - low_rest
                if k < 0:
                    lo_k, hi_k = (
                        (None if hi_k is None else -hi_k),
                        (None if lo_k is None else -lo_k),
                    )
                new_low = lows[cell] if lo_k is None else max(lows[cell], -((-lo_k) // abs(k)))
                new_high = highs[cell]
                if hi_k is not None:
                    ceiling = hi_k // abs(k)
                    new_high = ceiling if new_high is None else min(new_high, ceiling)
                if new_low != lows[cell] or new_high != highs[cell]:
                    lows[cell], highs[cell] = new_low, new_high
                    changed = True
        if not changed:
            break
    return lows, highs


# ---- the exact check: linear programs over each connected part of the release ---------------
#
# The two checks above are quick but can miss a figure pinned by several relations and the
# bounds together (four ranks of at least 1 among officers and specials, who with the other
# roles make a shown total). A linear program finds each hidden figure's least and greatest
# value exactly (over the reals); a figure is worked out when no other whole number fits.

EPSILON = 1e-9


def pinned(
    values: Mapping[str, int], relations: Sequence[Relation], hidden: Iterable[str]
) -> set[str]:
    """The hidden cells whose least and greatest possible values leave only the true one."""
    hidden = set(hidden)
    unknown = sorted({c for r in relations for c in r.cells if c in hidden or c not in values})
    lower = {c: HIDDEN_AT_LEAST if c in hidden else UNPUBLISHED_AT_LEAST for c in unknown}
    equations = []
    for relation in relations:
        coefficients = relation.coefficients()
        terms = {c: k for c, k in coefficients.items() if c in lower}
        if terms:
            constant = sum(k * values[c] for c, k in coefficients.items() if c not in lower)
            # Σ k (y + lower) = −constant, with y = x − lower ≥ 0
            rhs = -constant - sum(k * lower[c] for c, k in terms.items())
            equations.append((terms, rhs))
    out: set[str] = set()
    for part in _components(equations):
        cells_here = sorted({c for terms, _ in part for c in terms})
        here = {c: values[c] - lower[c] for c in cells_here if c in hidden}
        out |= _pinned_in(part, cells_here, here)
    return out


def _components(equations: list[tuple[dict[str, int], int]]) -> list[list]:
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.setdefault(c, c) != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for terms, _ in equations:
        first = next(iter(terms))
        for c in terms:
            parent[find(c)] = find(first)
    groups: dict[str, list] = {}
    for equation in equations:
        groups.setdefault(find(next(iter(equation[0]))), []).append(equation)
    return list(groups.values())


def _pinned_in(
    equations: list[tuple[dict[str, int], int]], cells: list[str], hidden: dict[str, int]
) -> set[str]:
    """`hidden`: the true value (less its lower bound) of each hidden cell of this part. A cell
    is safe once some solution puts it a whole unit or more away from its true value."""
    if not hidden:
        return set()
    index = {c: i for i, c in enumerate(cells)}
    rows = [[0.0] * len(cells) for _ in equations]
    for row, (terms, _) in zip(rows, equations, strict=True):
        for c, k in terms.items():
            row[index[c]] += k
    tableau = _Tableau.feasible(rows, [float(b) for _, b in equations])
    if tableau is None:
        return set()  # inconsistent figures: nothing to protect
    safe: set[str] = set()

    def note(y: list[float] | None) -> None:
        for c, value in hidden.items():
            if y is not None and abs(y[index[c]] - value) >= 1 - EPSILON:
                safe.add(c)

    note(tableau.solution(len(cells)))
    out = set()
    for c in sorted(hidden):
        for sign in (1.0, -1.0):
            if c in safe:
                break
            objective = [0.0] * len(cells)
            objective[index[c]] = sign
            y = tableau.optimise(objective)
            if y is None:
                safe.add(c)  # no greatest value
            note(y)
        if c not in safe:
            out.add(c)
    return out


class _Tableau:
    """A dense simplex tableau for `A y = b, y ≥ 0` (Bland's rule; small problems only)."""

    def __init__(self, rows: list[list[float]], basis: list[int], width: int) -> None:
        self.rows, self.basis, self.width = rows, basis, width

    @classmethod
    def feasible(cls, a: list[list[float]], b: list[float]) -> _Tableau | None:
        """Phase one: a basic feasible solution, or None when there is none."""
        m, n = len(a), len(a[0])
        rows = []
        for i, (row, value) in enumerate(zip(a, b, strict=True)):
            sign = -1.0 if value < 0 else 1.0
            artificial = [0.0] * m
            artificial[i] = 1.0
            rows.append([sign * x for x in row] + artificial + [sign * value])
        tableau = cls(rows, list(range(n, n + m)), n + m)
        cost = [0.0] * n + [1.0] * m
        if not tableau._run(cost) or tableau._value(cost) > 1e-7:
            return None
        tableau._drop_artificials(n)
        return tableau

    def _value(self, cost: list[float]) -> float:
        return sum(cost[j] * row[-1] for j, row in zip(self.basis, self.rows, strict=True))

    def _drop_artificials(self, n: int) -> None:
        keep_rows, keep_basis = [], []
        for i, j in enumerate(self.basis):
            row = self.rows[i]
            if j >= n:
                entering = next((k for k in range(n) if abs(row[k]) > EPSILON), None)
                if entering is None:
                    continue  # a redundant equation
                self._pivot(i, entering)
            keep_rows.append(self.rows[i])
            keep_basis.append(self.basis[i])
        self.rows = [row[:n] + row[-1:] for row in keep_rows]
        self.basis, self.width = keep_basis, n

    def _pivot(self, r: int, col: int) -> None:
        pivot_row = self.rows[r]
        scale = pivot_row[col]
        pivot_row[:] = [x / scale for x in pivot_row]
        for i, row in enumerate(self.rows):
            factor = row[col]
            if i != r and abs(factor) > EPSILON:
                row[:] = [x - factor * p for x, p in zip(row, pivot_row, strict=True)]
        self.basis[r] = col

    def _run(self, cost: list[float]) -> bool:
        """Minimise cost · y from the current basis; False when unbounded."""
        while True:
            reduced = list(cost[: self.width])
            for j, row in zip(self.basis, self.rows, strict=True):
                if cost[j]:
                    for k in range(self.width):
                        reduced[k] -= cost[j] * row[k]
            entering = next((k for k in range(self.width) if reduced[k] < -EPSILON), None)
            if entering is None:
                return True
            best, leaving = None, None
            for i, row in enumerate(self.rows):
                if row[entering] > EPSILON:
                    ratio = row[-1] / row[entering]
                    if (
                        best is None
                        or ratio < best - EPSILON
                        or (abs(ratio - best) <= EPSILON and self.basis[i] < self.basis[leaving])
                    ):
                        best, leaving = ratio, i
            if leaving is None:
                return False
            self._pivot(leaving, entering)

    def solution(self, n: int) -> list[float]:
        y = [0.0] * n
        for j, row in zip(self.basis, self.rows, strict=True):
            if j < n:
                y[j] = row[-1]
        return y

    def optimise(self, objective: list[float]) -> list[float] | None:
        """Phase two on a copy: the optimal y, or None when unbounded."""
        copy = _Tableau([list(row) for row in self.rows], list(self.basis), self.width)
        if not copy._run(objective):
            return None
        return copy.solution(len(objective))
