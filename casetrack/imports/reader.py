"""Stream rows from CSV (UTF-8, with or without BOM) or XLSX, with their line numbers."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from casetrack.errors import DomainError

# An XLSX is a ZIP, and a small one can expand to gigabytes when opened (a decompression bomb).
# openpyxl streams the sheet but holds each cell's text, and the shared-strings table, whole;
# so the check bounds all three before openpyxl sees the file. A 20,000-row export is about
# 20 MB expanded, with about 5 MB of shared strings and cells of a few KB.
MAX_XLSX_EXPANDED = 256 * 1024 * 1024
MAX_XLSX_SHARED_STRINGS = 64 * 1024 * 1024
MAX_XLSX_TEXT_RUN = 1024 * 1024  # text between two XML tags; no column holds 1 MB
_CHUNK = 1024 * 1024  # not smaller than MAX_XLSX_TEXT_RUN (see _longest_run_over)

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


def _check_xlsx_expansion(path: Path) -> None:
    """Refuse a workbook that would expand too far in memory. zipfile never inflates a member
    beyond its declared size, so lying headers cannot get past the size checks; the text runs
    are measured by streaming each XML member in 1 MB chunks."""
    too_big = f"{path.name} is too large when opened: save it as CSV or split it into smaller files"
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if sum(member.file_size for member in members) > MAX_XLSX_EXPANDED:
                raise DomainError(f"{too_big} (over {MAX_XLSX_EXPANDED >> 20} MB)")
            for member in members:
                if member.filename.endswith("sharedStrings.xml") and (
                    member.file_size > MAX_XLSX_SHARED_STRINGS
                ):
                    raise DomainError(
                        f"{too_big} (over {MAX_XLSX_SHARED_STRINGS >> 20} MB of text)"
                    )
                if member.filename.endswith(".xml") and member.file_size > MAX_XLSX_TEXT_RUN:
                    with archive.open(member) as stream:
                        if _longest_run_over(stream, MAX_XLSX_TEXT_RUN):
                            raise DomainError(
                                f"{path.name} has a cell holding more than "
                                f"{MAX_XLSX_TEXT_RUN >> 20} MB of text: no column takes that much"
                            )
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise DomainError(f"{path.name} is not a readable XLSX workbook ({error})") from None


def _longest_run_over(stream: Any, limit: int) -> bool:
    """Whether the stream holds more than `limit` bytes without a '<'. A run longer than one
    chunk must cross a chunk boundary, so only the runs at the chunks' ends are followed."""
    run = 0
    while chunk := stream.read(_CHUNK):
        first = chunk.find(b"<")
        if first == -1:
            run += len(chunk)
        else:
            run += first
            if run > limit:
                return True
            run = len(chunk) - chunk.rfind(b"<") - 1
        if run > limit:
            return True
    return False


def _xlsx_rows(path: Path) -> tuple[list[str], Rows]:
    from openpyxl import load_workbook

    _check_xlsx_expansion(path)
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
