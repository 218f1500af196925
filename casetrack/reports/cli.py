"""casetrack report outcomes (SPEC §8)."""

from __future__ import annotations

import getpass
import sys
from datetime import date, datetime

import click
from flask.cli import AppGroup
from sqlalchemy import select

from casetrack.commands import command_errors
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.org.models import Force
from casetrack.reports import document
from casetrack.reports.figures import Period

report_cli = AppGroup("report", help="Outcome statistics.")


def parse_date(text: str, option: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise DomainError(f"{option} {text!r} is not a real date: use YYYY-MM-DD or DD/MM/YYYY")


@report_cli.command("outcomes")
@click.option("--from", "date_from", required=True, metavar="DATE")
@click.option("--to", "date_to", required=True, metavar="DATE")
@click.option(
    "--force",
    "force_codes",
    multiple=True,
    metavar="CODE",
    help="Force code; repeat for several (default: every force).",
)
@click.option("--year-basis", type=click.Choice(["financial", "calendar"]), default="financial")
@click.option("--publication", is_flag=True, help="Show counts from 1 to 4 as *.")
@click.option("--format", "fmt", type=click.Choice(document.FORMATS), required=True)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="File to write (default: standard output).",
)
@click.option("--foi-reference", default="", help="Shown on the PDF.")
@click.option("--marking", type=click.Choice(document.MARKINGS), default="OFFICIAL-SENSITIVE")
@command_errors
def outcomes(
    date_from: str,
    date_to: str,
    force_codes: tuple[str, ...],
    year_basis: str,
    publication: bool,
    fmt: str,
    output: str | None,
    foi_reference: str,
    marking: str,
) -> None:
    """Outcome statistics for cases received between two dates, as PDF, CSV or JSON."""
    start, end = parse_date(date_from, "--from"), parse_date(date_to, "--to")
    if start > end:
        raise DomainError(f"--from {start.isoformat()} is after --to {end.isoformat()}")
    period = Period(start, end, year_basis)
    problem = period.too_long()
    if problem:
        raise DomainError(problem.replace("an end date", "a --to date"))
    forces = _forces(force_codes)
    request = document.ReportRequest(
        period=period,
        forces=forces,
        suppressed=publication,
        foi_reference=foi_reference[:40],
        marking=marking,
        generated_by=f"CaseTrack command line (run by {getpass.getuser()})",
    )
    body = document.render(request, document.compute(request), fmt)
    db.session.commit()
    if output:
        with open(output, "wb") as handle:
            handle.write(body)
        click.echo(f"Wrote {output} ({len(body):,} bytes)", err=True)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()


def _forces(codes: tuple[str, ...]) -> list[Force]:
    all_forces = {f.code: f for f in db.session.scalars(select(Force).order_by(Force.code))}
    if not codes:
        if not all_forces:
            raise DomainError("There are no forces yet: add one with `casetrack forces add`")
        return list(all_forces.values())
    wanted = [code.strip().upper() for code in codes]
    unknown = [code for code in wanted if code not in all_forces]
    if unknown:
        raise DomainError(
            f"Unknown force {', '.join(unknown)}: known forces are "
            f"{', '.join(all_forces) or 'none'}"
        )
    return [all_forces[code] for code in dict.fromkeys(wanted)]
