"""The case list as a download (SPEC §12 "Exporting a list"): CSV, streamed, or ODS.

The same filters and visibility as the list page (casetrack/cases/listing.py and
queries.case_list_query), every matching case rather than one page, the page's columns,
formula-safe cells (casetrack/spreadsheets.py), and an audit entry with the filters and the
number of rows — never what the rows say.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from casetrack.audit.service import record
from casetrack.auth.access import require
from casetrack.auth.permissions import Permission
from casetrack.cases.listing import LIST_COLUMNS, chosen, list_filters, list_row
from casetrack.cases.models import Case, Investigation
from casetrack.cases.queries import case_list_query
from casetrack.extensions import db
from casetrack.spreadsheets import csv_lines, ods_bytes
from casetrack.timeutil import today

bp = Blueprint("case_export", __name__, url_prefix="/cases")

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
BATCH = 500  # cases read from the database at a time while the CSV streams


def _count(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def _rows(stmt: Select) -> Iterator[tuple]:
    loaded = stmt.options(
        selectinload(Case.investigations).selectinload(Investigation.person)
    ).execution_options(yield_per=BATCH)
    for case in db.session.scalars(loaded):
        yield list_row(case)


def _back_to_list(message: str) -> ResponseReturnValue:
    flash(message, "error")
    args = {k: v for k, v in request.args.items() if k != "page"}
    return redirect(url_for("cases.index", **args))


@bp.route("/export.<any(csv, ods):list_format>")
@require(Permission.CASE_VIEW)
def download(list_format: str) -> ResponseReturnValue:
    fmt = list_format
    form, filters, valid = list_filters(request.args, current_user)
    if not valid:  # the list page shows what is wrong with the filters
        return _back_to_list("Correct the filters before downloading the list.")
    stmt = case_list_query(current_user, filters)
    rows = _count(stmt)
    limit = current_app.config[f"LIST_EXPORT_MAX_ROWS_{fmt.upper()}"]
    if rows > limit:
        return _back_to_list(
            f"This list has {rows:,} cases, more than the {limit:,} that can be downloaded "
            f"as {fmt.upper()} at once. Narrow the filters"
            + (", or download it as CSV." if fmt == "ods" else ".")
        )
    record(
        "case_list_exported",
        details={"format": fmt, "rows": rows, **chosen(filters)},
    )
    db.session.commit()
    name = f"cases-{today().isoformat()}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        lines = csv_lines(LIST_COLUMNS, _rows(stmt))
        return Response(
            stream_with_context(line.encode() for line in lines),
            content_type=MEDIA_TYPES[fmt],
            headers=headers,
        )
    marking = current_app.config["PROTECTIVE_MARKING"]
    body = ods_bytes(
        "Cases",
        LIST_COLUMNS,
        _rows(stmt),
        title=f"CaseTrack cases, {today().isoformat()} ({marking})",
        subject=marking,
    )
    return Response(body, content_type=MEDIA_TYPES[fmt], headers=headers)
