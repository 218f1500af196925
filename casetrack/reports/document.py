"""One report as the user asked for it, rendered to each format (shared by web and CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app, render_template

from casetrack import vocab
from casetrack.audit.service import record
from casetrack.org.models import Force
from casetrack.reports import formats
from casetrack.reports.figures import OutcomeFigures, Period
from casetrack.reports.headlines import headlines
from casetrack.reports.release import Published, publish
from casetrack.reports.service import Scope, outcome_figures
from casetrack.timeutil import today, utcnow

MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE")
FORMATS = ("pdf", "csv", "json", "ods", "html")


@dataclass
class ReportRequest:
    period: Period
    forces: list[Force]
    department_ids: list[int] | None = None
    suppressed: bool = False
    foi_reference: str = ""
    marking: str = "OFFICIAL-SENSITIVE"
    generated_by: str = "system"
    generated_at: datetime = field(default_factory=utcnow)
    # A case-role reader's own access rule (casetrack/cases/access.py): their figures leave out
    # cases they may not see — restricted ones they are not named on, and any in which they
    # are a subject — so no report describes such a case. None: the operator's command line.
    reader: Any = None


def compute(request: ReportRequest) -> OutcomeFigures:
    return outcome_figures(
        request.period, Scope(request.forces, request.department_ids, request.reader)
    )


def release(request: ReportRequest, figures: OutcomeFigures | Published) -> Published:
    """The figures as this report releases them (SPEC §6: protected on request, and always
    for leadership — the views decide `request.suppressed`)."""
    return publish(figures, request.suppressed)


def render(request: ReportRequest, figures: OutcomeFigures | Published, fmt: str) -> bytes:
    """The report in one format, with an audit entry saying who asked for what."""
    shown = release(request, figures)
    if fmt == "json":
        body = formats.to_json(shown, request.suppressed).encode()
    elif fmt == "csv":
        body = formats.to_csv(shown, request.suppressed).encode("utf-8-sig")
    elif fmt == "csv-metadata":
        body = formats.csvw_metadata(shown, filename(request, "csv")).encode()
    elif fmt == "ods":
        from casetrack.reports.ods import workbook

        body = workbook(request, shown, period_text=request.period.title(today()))
    elif fmt == "html":
        body = report_html(request, shown, medium="html").encode()
    else:
        body = pdf_bytes(request, shown)
    record(
        "report_generated",
        object_type="report",
        details={
            "format": fmt,
            "from": request.period.start.isoformat(),
            "to": request.period.end.isoformat(),
            "year_basis": request.period.year_basis,
            "forces": shown.forces,
            "departments": request.department_ids,
            "publication": request.suppressed,
            "foi_reference": request.foi_reference,
        },
    )
    return body


def report_html(
    request: ReportRequest, figures: OutcomeFigures | Published, medium: str = "pdf"
) -> str:
    """The report as one HTML document: for WeasyPrint (`pdf`) or to download (`html`), the
    same content either way, with a hidden figure as [c] and a note saying what it means."""
    from casetrack.reports.pdf import charts

    shown = release(request, figures)
    return render_template(
        "reports/pdf.html",
        request=request,
        figures=shown,
        vocab=vocab,
        medium=medium,
        period_text=request.period.title(today()),
        sentences=headlines(shown, request.suppressed),
        charts=charts(shown, request.suppressed),
        confidential_note=formats.CONFIDENTIAL_NOTE,
    )


def pdf_bytes(request: ReportRequest, figures: OutcomeFigures | Published) -> bytes:
    from casetrack.reports.pdf import render_pdf

    html = report_html(request, figures)
    pdf, _fetcher = render_pdf(html, current_app.static_folder or "", tagged=True)
    return pdf


def filename(request: ReportRequest, fmt: str) -> str:
    forces = "-".join(f.code for f in request.forces) or "none"
    return (
        f"outcomes-{forces}-{request.period.start.isoformat()}-"
        f"{request.period.end.isoformat()}.{'csv-metadata.json' if fmt == 'csv-metadata' else fmt}"
    )
