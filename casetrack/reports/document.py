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
from casetrack.reports.figures import OutcomeFigures, Period, suppress
from casetrack.reports.headlines import headlines
from casetrack.reports.service import Scope, outcome_figures
from casetrack.timeutil import today, utcnow

MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE")
FORMATS = ("pdf", "csv", "json")


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


def render(request: ReportRequest, figures: OutcomeFigures, fmt: str) -> bytes:
    """The report in one format, with an audit entry saying who asked for what."""
    if fmt == "json":
        body = formats.to_json(figures, request.suppressed).encode()
    elif fmt == "csv":
        body = formats.to_csv(figures, request.suppressed).encode("utf-8-sig")
    else:
        body = pdf_bytes(request, figures)
    record(
        "report_generated",
        object_type="report",
        details={
            "format": fmt,
            "from": request.period.start.isoformat(),
            "to": request.period.end.isoformat(),
            "year_basis": request.period.year_basis,
            "forces": figures.forces,
            "departments": request.department_ids,
            "publication": request.suppressed,
            "foi_reference": request.foi_reference,
        },
    )
    return body


def report_html(request: ReportRequest, figures: OutcomeFigures) -> str:
    from casetrack.reports.pdf import charts

    return render_template(
        "reports/pdf.html",
        request=request,
        figures=figures,
        vocab=vocab,
        period_text=request.period.title(today()),
        sentences=headlines(figures, request.suppressed),
        charts=charts(figures, request.suppressed),
        n=lambda value: suppress(value, request.suppressed),
    )


def pdf_bytes(request: ReportRequest, figures: OutcomeFigures) -> bytes:
    from casetrack.reports.pdf import render_pdf

    pdf, _fetcher = render_pdf(report_html(request, figures), current_app.static_folder or "")
    return pdf


def filename(request: ReportRequest, fmt: str) -> str:
    forces = "-".join(f.code for f in request.forces) or "none"
    return (
        f"outcomes-{forces}-{request.period.start.isoformat()}-"
        f"{request.period.end.isoformat()}.{fmt}"
    )
