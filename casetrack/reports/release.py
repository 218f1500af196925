"""The figures as released: which are hidden, and every relation a reader could use to work a
hidden one out (pure: no Flask, no SQL).

Every table, sentence and chart of a report is drawn from one `Published`, so no format can
show a figure another hides. A new breakdown (SPEC §14.3's by_proceedings, by_finding) is one
more entry in BREAKDOWN_KEYS and, if it sums to a total, one more relation below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from casetrack import vocab
from casetrack.reports.figures import SUPPRESSED, Count, OutcomeFigures
from casetrack.reports.suppression import Relation, protect

SCALARS = (
    "total_investigations",
    "total_cases",
    "open_investigations",
    "finalised",
    "faced_action",
)
BREAKDOWN_KEYS = (
    "by_outcome",
    "by_outcome_group",
    "by_role",
    "by_rank_group",
    "by_category",
    "by_platform",
    "by_force",
    "by_department",
    "by_year",
    "by_proceedings",
    "by_finding",
)


def cell(key: str, code: str | None = None) -> str:
    return key if code is None else f"{key}/{code}"


def cells(figures: OutcomeFigures) -> dict[str, int]:
    """Every published figure by cell name: the totals, then `breakdown/code`."""
    out = {key: int(getattr(figures, key)) for key in SCALARS}
    for key in BREAKDOWN_KEYS:
        out.update({cell(key, code): int(n) for code, n in getattr(figures, key).items()})
    return out


def _sums(total: str, key: str, codes: list[str], name: str) -> Relation:
    return Relation(total, tuple(cell(key, code) for code in codes), name)


def relations(figures: OutcomeFigures) -> list[Relation]:
    """Every relation between the published figures a reader could use. `~…` cells are not
    published (a reader knows only that they are at least 0): they turn an "at most" into an
    equation."""
    total, finalised = "total_investigations", "finalised"
    out = [
        Relation(total, (finalised, "open_investigations"), "finalised and open"),
        _sums(finalised, "by_outcome", list(figures.by_outcome), "by outcome"),
        _sums(finalised, "by_outcome_group", list(figures.by_outcome_group), "by outcome group"),
        Relation(finalised, ("faced_action", cell("by_outcome_group", "no_action")), "action"),
        _sums(total, "by_role", list(figures.by_role), "by role"),
        _sums(total, "by_force", list(figures.by_force), "by force"),
        _sums(total, "by_year", list(figures.by_year), "by year"),
        # a case has one investigation or more
        Relation(total, ("total_cases", "~investigations beyond the first"), "cases"),
        # officers and specials with a rank (people without one are grouped by role)
        Relation(
            "~officers and specials",
            (cell("by_role", "police_officer"), cell("by_role", "special_constable")),
            "officers and specials",
        ),
        Relation(
            "~officers and specials",
            (*(cell("by_rank_group", g) for g in figures.by_rank_group), "~without a rank"),
            "by rank group",
        ),
    ]
    for group in figures.by_outcome_group:
        members = [o for o in figures.by_outcome if vocab.OUTCOME_GROUP.get(o) == group]
        out.append(_sums(cell("by_outcome_group", group), "by_outcome", members, group))
    for force in figures.by_force:
        departments = [d for d in figures.by_department if d.split("/")[0] == force]
        out.append(
            Relation(
                cell("by_force", force),
                (*(cell("by_department", d) for d in departments), f"~{force} no department"),
                f"departments of {force}",
            )
        )
    # SPEC §14.3: each sums to the finalised investigations, and "no proceedings" is exactly
    # the finding "not applicable"
    out += [
        _sums(finalised, "by_proceedings", list(figures.by_proceedings), "by proceedings"),
        _sums(finalised, "by_finding", list(figures.by_finding), "by finding"),
        Relation(
            cell("by_proceedings", "none"),
            (cell("by_finding", "not_applicable"),),
            "no proceedings, no finding",
        ),
    ]
    # a case in two categories counts in both: each category is at most the total
    for key in ("by_category", "by_platform"):
        for code in getattr(figures, key):
            out.append(Relation(total, (cell(key, code), f"~not {key}/{code}"), key))
    return out


@dataclass
class Published:
    """The figures of one report as its readers get them: a hidden count is SUPPRESSED."""

    figures: OutcomeFigures
    protected: bool
    hidden: frozenset[str] = field(default_factory=frozenset)

    def count(self, key: str, code: str | None = None) -> Count:
        name = cell(key, code)
        if name in self.hidden:
            return SUPPRESSED
        if code is None:
            return int(getattr(self.figures, key))
        return getattr(self.figures, key)[code]

    def shown(self, key: str, code: str | None = None) -> bool:
        return cell(key, code) not in self.hidden

    def breakdown(self, key: str) -> dict[str, Count]:
        return {code: self.count(key, code) for code in getattr(self.figures, key)}

    def __getattr__(self, name: str) -> Any:
        """`published.by_role`, `published.total_cases`: as on OutcomeFigures, hidden."""
        if name in SCALARS:
            return self.count(name)
        if name in BREAKDOWN_KEYS:
            return self.breakdown(name)
        if name in ("period", "forces", "force_names", "department_names"):
            return getattr(self.figures, name)
        if name == "timeliness":
            return self.timeliness_shown()
        raise AttributeError(name)

    def timeliness_shown(self) -> dict[str, Any]:
        """The medians of SPEC §14.3. Published with the finalised count they come from: a
        median of one to four investigations is close to their own days, so it is hidden
        whenever that count is."""
        medians = dict(self.figures.timeliness)
        if self.protected and not self.shown("finalised"):
            return dict.fromkeys(medians, SUPPRESSED)
        return medians


def publish(figures: OutcomeFigures | Published, protected: bool) -> Published:
    """The release: with protection, every count from 1 to 4 and whatever else it takes."""
    if isinstance(figures, Published):
        return figures
    if not protected:
        return Published(figures, False)
    return Published(figures, True, protect(cells(figures), relations(figures)))
