"""The report page (figures first) and its downloads: PDF, HTML, ODS, CSV (with its CSV on
the Web metadata) and JSON."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from casetrack import vocab
from casetrack.audit.service import record
from casetrack.auth.access import require
from casetrack.auth.permissions import Permission, Role
from casetrack.extensions import db
from casetrack.reports import document
from casetrack.reports.figures import Period, calendar_year, financial_year
from casetrack.reports.formats import CONFIDENTIAL_NOTE
from casetrack.reports.forms import ReportForm
from casetrack.reports.headlines import headlines
from casetrack.timeutil import today

bp = Blueprint("reports", __name__, url_prefix="/reports")

# Full content types, sent as they are (a `mimetype` would get a second charset added).
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "html": "text/html; charset=utf-8",
    "csv-metadata": "application/csvm+json",
}


def always_protected() -> bool:
    """SPEC §6: leadership always gets publication protection — on screen and in every
    download, whatever the period or the request says. PSD and head of PSD may choose."""
    return current_user.role == Role.LEADERSHIP


def _available_forces() -> list:
    if current_user.role == Role.STANDARDS_MANAGER:
        return sorted({d.force for d in current_user.departments}, key=lambda f: f.code)
    return list(current_user.forces)


def _form() -> ReportForm:
    form = ReportForm(request.args)
    # A link may carry only some choices: the rest take their defaults, as on the page.
    if not request.args.get("basis"):
        form.basis.data = "financial"
    if not request.args.get("marking"):
        form.marking.data = "OFFICIAL-SENSITIVE"
    on = today()
    calendar = form.basis.data == "calendar"
    # The latest year offered is the one today falls in: from January to March the financial
    # year began the year before, the calendar year this year.
    latest = on.year if calendar or on.month >= 4 else on.year - 1
    form.year.choices = [
        (y, str(y) if calendar else f"{y} to {y + 1}") for y in range(latest, latest - 20, -1)
    ]
    if not request.args.get("year"):
        form.year.data = latest
    forces = _available_forces()
    form.forces.choices = [(f.code, f"{f.name} ({f.code})") for f in forces]
    if not request.args.getlist("forces"):
        form.forces.data = [f.code for f in forces]
    return form


def _period(form: ReportForm) -> Period | None:
    if form.basis.data == "range":
        start, end = form.date_from.data, form.date_to.data
        if start is None and not form.date_from.errors:
            form.date_from.errors.append("Enter the start date")
        if end is None and not form.date_to.errors:
            form.date_to.errors.append("Enter the end date")
        if start and end and start > end:
            form.date_to.errors.append("The end date must be the same as or after the start")
        if form.date_from.errors or form.date_to.errors:
            return None
        period = Period(start, end, "financial")
        problem = period.too_long()
        if problem:
            form.date_to.errors.append(problem)
            return None
        return period
    if form.year.errors:  # not one of the years offered (e.g. ?year=-1): shown with the rest
        return None
    year = form.year.data or today().year
    return financial_year(year) if form.basis.data == "financial" else calendar_year(year)


def _report_request(form: ReportForm) -> document.ReportRequest | None:
    valid = form.validate()  # then every other check too, so all problems show at once
    period = _period(form)
    chosen = [f for f in _available_forces() if f.code in (form.forces.data or [])]
    if not chosen:
        form.forces.errors = [*form.forces.errors, "Choose at least one force"]
    if not valid or period is None or not chosen:
        return None
    departments = (
        sorted(current_user.department_ids) if current_user.role == Role.STANDARDS_MANAGER else None
    )
    return document.ReportRequest(
        period=period,
        forces=chosen,
        department_ids=departments,
        suppressed=always_protected() or bool(form.publication.data),
        foi_reference=form.foi_reference.data or "",
        marking=form.marking.data,
        generated_by=f"{current_user.name} ({current_user.role_label})",
        reader=None if current_user.role == Role.LEADERSHIP else current_user,
    )


@bp.route("")
@require(Permission.REPORT_VIEW)
def index() -> ResponseReturnValue:
    form = _form()
    report = _report_request(form)
    figures = document.release(report, document.compute(report)) if report else None
    if report is not None:  # the figures on screen are a report too (SPEC §9.1)
        record(
            "report_viewed",
            object_type="report",
            details={
                "from": report.period.start.isoformat(),
                "to": report.period.end.isoformat(),
                "year_basis": report.period.year_basis,
                "forces": figures.forces,
                "departments": report.department_ids,
                "publication": report.suppressed,
            },
        )
        db.session.commit()
    return render_template(
        "reports/index.html",
        form=form,
        protected=always_protected(),
        report=report,
        figures=figures,
        vocab=vocab,
        sentences=headlines(figures, report.suppressed) if figures else [],
        confidential_note=CONFIDENTIAL_NOTE,
        period_text=report.period.title(today()) if report else "",
        query=request.query_string.decode(),
    )


@bp.route("/outcomes.<any(pdf, csv, json, ods, html):fmt>")
@require(Permission.REPORT_VIEW)
def download(fmt: str) -> ResponseReturnValue:
    return _download(fmt)


@bp.route("/outcomes.csv-metadata.json")
@require(Permission.REPORT_VIEW)
def csv_metadata() -> ResponseReturnValue:
    """The CSV on the Web metadata of the CSV download with the same choices (SPEC §15)."""
    return _download("csv-metadata")


def _download(fmt: str) -> ResponseReturnValue:
    form = _form()
    report = _report_request(form)
    if report is None:
        return render_template(
            "reports/index.html",
            form=form,
            protected=always_protected(),
            report=None,
            figures=None,
            vocab=vocab,
            sentences=[],
            query="",
        ), 400
    figures = document.compute(report)
    body = document.render(report, figures, fmt)
    db.session.commit()  # the audit entry for this report
    return Response(
        body,
        content_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{document.filename(report, fmt)}"'},
    )
