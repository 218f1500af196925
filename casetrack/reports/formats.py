"""The same figures as JSON (the SPEC §6.1 contract) and as tidy CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from casetrack import vocab
from casetrack.reports.figures import OutcomeFigures, suppress, suppress_all
from casetrack.spreadsheets import formula_safe

# (key in the JSON contract, breakdown name in CSV, labels)
BREAKDOWNS: list[tuple[str, dict[str, str] | None]] = [
    ("by_outcome", vocab.OUTCOMES),
    ("by_outcome_group", vocab.OUTCOME_GROUPS),
    ("by_role", vocab.PERSON_ROLES),
    ("by_rank_group", vocab.RANK_GROUPS),
    ("by_category", vocab.CATEGORIES),
    ("by_platform", vocab.PLATFORMS),
    ("by_force", None),
    ("by_year", None),
]


def contract(figures: OutcomeFigures, suppressed: bool) -> dict[str, Any]:
    """Exactly the keys of SPEC §6.1, in its order."""
    data: dict[str, Any] = {
        "period": {
            "from": figures.period.start.isoformat(),
            "to": figures.period.end.isoformat(),
            "year_basis": figures.period.year_basis,
        },
        "forces": list(figures.forces),
        "suppressed": suppressed,
        "total_investigations": suppress(figures.total_investigations, suppressed),
        "total_cases": suppress(figures.total_cases, suppressed),
        "open_investigations": suppress(figures.open_investigations, suppressed),
    }
    for key, _labels in BREAKDOWNS:
        data[key] = suppress_all(getattr(figures, key), suppressed)
    return data


def to_json(figures: OutcomeFigures, suppressed: bool) -> str:
    return json.dumps(contract(figures, suppressed), indent=2) + "\n"


def rows(figures: OutcomeFigures, suppressed: bool) -> list[dict[str, Any]]:
    """One tidy row per breakdown and value (totals first, then every breakdown)."""
    out: list[dict[str, Any]] = []
    for key, label in (
        ("total_investigations", "Investigations"),
        ("total_cases", "Cases"),
        ("open_investigations", "Open investigations"),
    ):
        out.append(
            {
                "breakdown": "total",
                "code": key,
                "label": label,
                "value": suppress(getattr(figures, key), suppressed),
            }
        )
    for key, labels in [*BREAKDOWNS, ("by_department", None)]:
        names = labels or (
            figures.force_names
            if key == "by_force"
            else figures.department_names
            if key == "by_department"
            else {}
        )
        for code, value in getattr(figures, key).items():
            out.append(
                {
                    "breakdown": key.removeprefix("by_"),
                    "code": code,
                    "label": names.get(code, code),
                    "value": suppress(value, suppressed),
                }
            )
    return out


def to_csv(figures: OutcomeFigures, suppressed: bool) -> str:
    buffer = io.StringIO()
    period = figures.period
    writer = csv.DictWriter(
        buffer,
        fieldnames=[
            "period_from",
            "period_to",
            "year_basis",
            "forces",
            "breakdown",
            "code",
            "label",
            "value",
        ],
        lineterminator="\n",
    )
    writer.writeheader()
    for row in rows(figures, suppressed):
        writer.writerow(
            {
                "period_from": period.start.isoformat(),
                "period_to": period.end.isoformat(),
                "year_basis": period.year_basis,
                "forces": ";".join(figures.forces),
                # Labels come from our vocabulary, but names of forces from administrators.
                **{k: formula_safe(v) for k, v in row.items()},
            }
        )
    return buffer.getvalue()
