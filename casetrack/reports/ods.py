"""The report as an OpenDocument spreadsheet laid out as the Government Analysis Function's
guidance on releasing statistics in spreadsheets asks (SPEC §15): a cover sheet, contents,
notes, then one table per sheet with its title in cell A1 — no merged cells, no blank rows or
columns inside a table, a figure not published as [c] with a note saying why."""

from __future__ import annotations

import io
from typing import Any

from flask import current_app
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableColumnProperties, TextProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import P

from casetrack import vocab
from casetrack.reports.figures import SUPPRESSED
from casetrack.reports.formats import CONFIDENTIAL, CONFIDENTIAL_NOTE
from casetrack.reports.release import Published
from casetrack.spreadsheets import formula_safe

TITLE = "Social media misconduct investigations: outcome statistics"
NOTES = [
    CONFIDENTIAL_NOTE,
    "An investigation is one person within one case: a case about two people is two "
    "investigations. Cases are placed in the period by the date the concern was received; "
    "withdrawn concerns are excluded.",
    "Outcome figures count finalised investigations only; every other table counts all "
    "investigations in the period, including those still open.",
    "A case in two policy breach categories, or on two platforms, counts in both.",
    "Rank groups count police officers and special constables with a recorded rank.",
    "Management advice and management action were replaced by reflective practice (RPRP) in "
    "February 2020.",
]
# (sheet name, table title, breakdown key, first column's heading, notes that apply)
TABLES = [
    ("Summary", "Investigations, cases, finalised and open", None, "Figure", [1, 2]),
    ("Outcome_groups", "Finalised investigations by outcome group", "by_outcome_group",
     "Outcome group", [1, 3]),
    ("Outcomes", "Finalised investigations by outcome", "by_outcome", "Outcome", [1, 3, 6]),
    ("Roles", "Investigations by role", "by_role", "Role", [1, 2]),
    ("Rank_groups", "Investigations by rank group", "by_rank_group", "Rank group", [1, 5]),
    ("Categories", "Investigations by policy breach category", "by_category", "Category",
     [1, 4]),
    ("Platforms", "Investigations by platform", "by_platform", "Platform", [1, 4]),
    ("Forces", "Investigations by force", "by_force", "Force", [1, 2]),
    ("Departments", "Investigations by department", "by_department", "Department", [1, 2]),
    ("Years", "Investigations by year received", "by_year", "Year", [1, 2]),
    ("Proceedings", "Finalised investigations by proceedings", "by_proceedings",
     "Proceedings", [1, 3]),
    ("Findings", "Finalised investigations by finding", "by_finding", "Finding", [1, 3]),
]  # fmt: skip
LABELS: dict[str, dict[str, str]] = {
    "by_outcome_group": vocab.OUTCOME_GROUPS,
    "by_outcome": vocab.OUTCOMES,
    "by_role": vocab.PERSON_ROLES,
    "by_rank_group": vocab.RANK_GROUPS,
    "by_category": vocab.CATEGORIES,
    "by_platform": vocab.PLATFORMS,
    "by_proceedings": vocab.PROCEEDINGS_FIGURES,
    "by_finding": vocab.FINDING_FIGURES,
}


class _Book:
    def __init__(self) -> None:
        self.doc = OpenDocumentSpreadsheet()
        self.title = Style(name="Title", family="table-cell")
        self.title.addElement(TextProperties(fontweight="bold", fontsize="14pt"))
        self.heading = Style(name="Heading", family="table-cell")
        self.heading.addElement(TextProperties(fontweight="bold"))
        self.wide = Style(name="Wide", family="table-column")
        self.wide.addElement(TableColumnProperties(columnwidth="8cm"))
        for style in (self.title, self.heading):
            self.doc.styles.addElement(style)
        self.doc.automaticstyles.addElement(self.wide)

    def sheet(self, name: str, title: str, rows: list[list[Any]], header: int | None) -> None:
        """One sheet: its title in A1, then `rows`; row `header` (an index) is the table's
        header row, in bold."""
        table = Table(name=name)
        for _ in range(max(len(row) for row in rows + [[title]])):
            table.addElement(TableColumn(stylename=self.wide))
        self._row(table, [title], self.title)
        for i, row in enumerate(rows):
            self._row(table, row, self.heading if i == header else None)
        self.doc.spreadsheet.addElement(table)

    def _row(self, table: Table, values: list[Any], style: Style | None) -> None:
        row = TableRow()
        for value in values:
            kwargs = {"stylename": style} if style is not None else {}
            if isinstance(value, int) and not isinstance(value, bool):
                cell = TableCell(valuetype="float", value=value, **kwargs)
            else:
                cell = TableCell(valuetype="string", **kwargs)
            cell.addElement(P(text=str(formula_safe(value))))
            row.addElement(cell)
        table.addElement(row)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.write(buffer)
        return buffer.getvalue()


def _figure(value: Any) -> Any:
    return CONFIDENTIAL if value == SUPPRESSED else value


def _table_rows(shown: Published, key: str | None) -> list[tuple[str, str, Any]]:
    if key is None:
        from casetrack.reports.formats import TOTALS

        return [(label, code, shown.count(code)) for code, label in TOTALS]
    names = LABELS.get(key) or (shown.force_names if key == "by_force" else shown.department_names)
    return [(names.get(code, code), code, value) for code, value in shown.breakdown(key).items()]


def workbook(request: Any, shown: Published, period_text: str) -> bytes:
    book = _Book()
    forces = "; ".join(f"{shown.force_names[c]} ({c})" for c in shown.forces)
    contact = current_app.config.get(
        "REPORT_CONTACT", "The Professional Standards Department of the forces named"
    )
    cover = [
        ["Period", period_text],
        ["Forces", forces],
        ["Version", "Publication (figures not published are [c])" if shown.protected else
         "Full figures (not for publication)"],
        ["Source", "CaseTrack case records of social-media misconduct concerns"],
        ["Contact", contact],
        ["Marking", request.marking],
        ["Generated", f"{request.generated_at:%-d %B %Y %H:%M} UTC by {request.generated_by}"],
    ]  # fmt: skip
    if request.foi_reference:
        cover.append(["FOI reference", request.foi_reference])
    book.sheet("Cover_sheet", TITLE, cover, header=None)
    contents = [["This worksheet contains one table."], ["Sheet name", "Table title"]]
    contents += [["Notes", "Notes used in the tables"]]
    contents += [[name, f"Table {n}: {title}"] for n, (name, title, *_) in enumerate(TABLES, 1)]
    book.sheet("Contents", "Contents", contents, header=1)
    notes = [["This worksheet contains one table."], ["Note number", "Note text"]]
    notes += [[f"[note {n}]", text] for n, text in enumerate(NOTES, 1)]
    book.sheet("Notes", "Notes", notes, header=1)
    for n, (name, title, key, heading, applies) in enumerate(TABLES, 1):
        rows: list[list[Any]] = [
            [
                "This worksheet contains one table. "
                + " ".join(f"[note {i}]" for i in applies)
                + f" Period: {period_text}. Forces: {forces}."
            ],
            [heading, "Code", "Number of investigations"],
        ]
        rows += [[label, code, _figure(value)] for label, code, value in _table_rows(shown, key)]
        book.sheet(name, f"Table {n}: {title}", rows, header=1)
    return book.bytes()
