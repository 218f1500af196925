"""Stream rows from CSV (UTF-8, with or without BOM) or XLSX, with their line numbers."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from casetrack.errors import DomainError

Row = tuple[int, dict[str, str]]  # (line number in the file, column → text)


class Rows:
    """The data rows of an open file; close() releases it even if never iterated."""

    def __init__(self, rows: Iterator[Row], close: Any) -> None:
        self._rows, self._close = rows, close

    def __iter__(self) -> Iterator[Row]:
        return self._rows

    def close(self) -> None:
        self._close()

    def __enter__(self) -> Rows:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def open_rows(path: Path) -> tuple[list[str], Rows]:
    """The header (as written) and an iterator over the data rows."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix == ".xlsx":
        return _xlsx_rows(path)
    raise DomainError(f"{path.name}: only .csv and .xlsx files can be imported")


def _csv_rows(path: Path) -> tuple[list[str], Rows]:
    handle = path.open(encoding="utf-8-sig", newline="")
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise DomainError(f"{path.name} is empty: a header row is required") from None
    except (UnicodeDecodeError, csv.Error) as error:
        handle.close()
        raise DomainError(f"{path.name} is not a UTF-8 CSV file ({error})") from None

    def rows() -> Iterator[Row]:
        try:
            line = reader.line_num
            for values in reader:
                if any(v.strip() for v in values):
                    yield line + 1, _pad(header, values)
                line = reader.line_num
        except UnicodeDecodeError as error:
            raise DomainError(
                f"{path.name} line {line + 1}: not UTF-8 text ({error.reason})"
            ) from None
        except csv.Error as error:
            raise DomainError(f"{path.name} line {reader.line_num}: {error}") from None

    return [h.strip() for h in header], Rows(rows(), handle.close)


def _pad(header: list[str], values: list[str]) -> dict[str, str]:
    row = {
        name.strip(): (values[i].strip() if i < len(values) else "")
        for i, name in enumerate(header)
    }
    if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
        row["\0extra"] = "yes"  # more cells than columns: reported by the validator
    return row


def _xlsx_rows(path: Path) -> tuple[list[str], Rows]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 (openpyxl raises many kinds for a bad file)
        raise DomainError(f"{path.name} is not a readable XLSX workbook ({error})") from None
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        header = [_text(v) for v in next(values)]
    except StopIteration:
        workbook.close()
        raise DomainError(f"{path.name} is empty: a header row is required") from None
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[Row]:
        for line, cells in enumerate(values, start=2):
            texts = [_text(c) for c in cells]
            if any(texts):
                yield line, _pad(header, texts)

    return header, Rows(rows(), workbook.close)
