"""Tables that leave the service as spreadsheet files: CSV lines and OpenDocument (ODS).

One home for the formula rule (report CSV, evidence manifests, the case list export): a cell
a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage return) is
written with a leading apostrophe, so it is shown as the text it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, with an apostrophe in front; anything
    else (numbers, dates, other text) as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will show as text, never run as a formula."""
    return formula_safe("" if value is None else str(value))


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The table as CSV text, one line at a time (for streaming), every cell formula-safe.
    Dates are written as ISO 8601 (2026-03-10), which every spreadsheet reads as a date."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells: Sequence[Any]) -> str:
        writer.writerow([c.isoformat() if isinstance(c, date) else safe_cell(c) for c in cells])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield "\ufeff" + line(header)  # the byte-order mark: Excel then reads UTF-8 correctly
    for row in rows:
        yield line(row)


def ods_bytes(
    sheet: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "",
    subject: str = "",
) -> bytes:
    """The table as an OpenDocument spreadsheet (odfpy): a bold header row, dates as date
    cells, integers as numbers, everything else as formula-safe text."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableCellProperties, TextProperties
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    if title:
        from odf.dc import Subject, Title

        document.meta.addElement(Title(text=title))
        if subject:
            document.meta.addElement(Subject(text=subject))
    bold = Style(name="header", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    bold.addElement(TableCellProperties(borderbottom="0.5pt solid #000000"))
    document.automaticstyles.addElement(bold)

    table = Table(name=sheet[:31])
    heading = TableRow()
    for name in header:
        cell = TableCell(valuetype="string", stylename=bold)
        cell.addElement(P(text=name))
        heading.addElement(cell)
    table.addElement(heading)
    for values in rows:
        row = TableRow()
        for value in values:
            row.addElement(_ods_cell(value, TableCell, P))
        table.addElement(row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _ods_cell(value: Any, cell_type: Any, paragraph: Any) -> Any:
    if isinstance(value, bool) or value is None:
        value = "" if value is None else ("Yes" if value else "No")
    if isinstance(value, date):
        cell = cell_type(valuetype="date", datevalue=value.isoformat())
        cell.addElement(paragraph(text=value.isoformat()))
    elif isinstance(value, int):
        cell = cell_type(valuetype="float", value=str(value))
        cell.addElement(paragraph(text=str(value)))
    else:
        text = formula_safe(str(value))
        cell = cell_type(valuetype="string")
        if text:
            cell.addElement(paragraph(text=text))
    return cell
