"""The same figures as JSON (the SPEC §6.1 contract) and as tidy CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from casetrack import vocab
from casetrack.reports.figures import SUPPRESSED, OutcomeFigures
from casetrack.reports.release import Published, publish
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
    ("by_proceedings", vocab.PROCEEDINGS_FIGURES),  # SPEC §14.3
    ("by_finding", vocab.FINDING_FIGURES),
]
TIMELINESS_LABELS = {
    "median_days_to_finalise": "Median days from receipt to outcome",
    "median_days_to_finalise_excluding_suspension": (
        "Median days from receipt to outcome, not counting suspension"
    ),
}


CONFIDENTIAL = "[c]"  # a hidden figure wherever people read it (SPEC §6; JSON has "*")
CONFIDENTIAL_NOTE = (
    "[c] confidential: not published, because it is a number from 1 to 4 or because it "
    "would let such a number be worked out from the other figures. Totals include it."
)


def contract(figures: OutcomeFigures | Published, suppressed: bool) -> dict[str, Any]:
    """Exactly the keys of SPEC §6.1, in its order; a hidden figure is "*"."""
    shown = publish(figures, suppressed)
    data: dict[str, Any] = {
        "period": {
            "from": figures.period.start.isoformat(),
            "to": figures.period.end.isoformat(),
            "year_basis": figures.period.year_basis,
        },
        "forces": list(figures.forces),
        "suppressed": suppressed,
        "total_investigations": shown.total_investigations,
        "total_cases": shown.total_cases,
        "open_investigations": shown.open_investigations,
    }
    for key, _labels in BREAKDOWNS:
        data[key] = shown.breakdown(key)
    data["timeliness"] = shown.timeliness
    return data


def to_json(figures: OutcomeFigures | Published, suppressed: bool) -> str:
    return json.dumps(contract(figures, suppressed), indent=2) + "\n"


def readable(value: Any) -> Any:
    return CONFIDENTIAL if value == SUPPRESSED else value


TOTALS = (
    ("total_investigations", "Investigations"),
    ("total_cases", "Cases"),
    ("finalised", "Finalised investigations"),
    ("open_investigations", "Open investigations"),
)


def rows(figures: OutcomeFigures | Published, suppressed: bool) -> list[dict[str, Any]]:
    """One tidy row per breakdown and value (totals first, then every breakdown); a hidden
    figure is "[c]"."""
    shown = publish(figures, suppressed)
    out: list[dict[str, Any]] = []
    for key, label in TOTALS:
        out.append(
            {
                "breakdown": "total",
                "code": key,
                "label": label,
                "value": readable(shown.count(key)),
            }
        )
    for code, value in shown.timeliness.items():
        out.append(
            {
                "breakdown": "timeliness",
                "code": code,
                "label": TIMELINESS_LABELS[code],
                "value": "" if value is None else readable(value),
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
        for code, value in shown.breakdown(key).items():
            out.append(
                {
                    "breakdown": key.removeprefix("by_"),
                    "code": code,
                    "label": names.get(code, code),
                    "value": readable(value),
                }
            )
    return out


def to_csv(figures: OutcomeFigures | Published, suppressed: bool) -> str:
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


CSV_COLUMNS = (  # (name, title, datatype, description)
    ("period_from", "Period from", "date", "First day of the period (received date)"),
    ("period_to", "Period to", "date", "Last day of the period (received date)"),
    ("year_basis", "Year basis", "string", "financial (1 April to 31 March) or calendar"),
    ("forces", "Forces", "string", "Codes of the forces covered, separated by ;"),
    ("breakdown", "Breakdown", "string", "total, or what the figures are broken down by"),
    ("code", "Code", "string", "The vocabulary code of the row (SPEC §4), force or year"),
    ("label", "Label", "string", "What the code means"),
    ("value", "Number", "nonNegativeInteger", "Investigations; [c] where not published"),
)


def csvw_metadata(figures: OutcomeFigures | Published, csv_name: str) -> str:
    """CSV on the Web (W3C) metadata for the CSV download: its columns, their datatypes, and
    "[c]" declared as the value of a figure not published."""
    period = figures.period
    columns = []
    for name, title, datatype, description in CSV_COLUMNS:
        column: dict[str, Any] = {
            "name": name,
            "titles": name,
            "dc:title": title,
            "dc:description": description,
            "datatype": datatype,
            "required": name != "value",
        }
        if name == "value":
            column["null"] = CONFIDENTIAL
        if name == "forces":
            column["separator"] = ";"
        columns.append(column)
    metadata = {
        "@context": "http://www.w3.org/ns/csvw",
        "url": csv_name,
        "dc:title": "Social media misconduct investigations: outcome statistics",
        "dc:description": (
            f"Investigations into concerns received from {period.describe()}, by outcome, "
            f"role, rank group, category, platform, force, department and year. "
            f"{CONFIDENTIAL_NOTE}"
        ),
        "dc:publisher": "CaseTrack",
        "dialect": {"header": True, "encoding": "utf-8"},
        "tableSchema": {
            "columns": columns,
            "primaryKey": ["breakdown", "code"],
        },
    }
    return json.dumps(metadata, indent=2) + "\n"
