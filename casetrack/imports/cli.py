"""casetrack import cases FILE [--dry-run] (SPEC §7, §8)."""

from __future__ import annotations

import getpass
import sys
import time
from pathlib import Path

import click
from flask.cli import AppGroup

from casetrack.commands import command_errors
from casetrack.extensions import db
from casetrack.imports import importer

import_cli = AppGroup("import", help="Import historical records.")


class ProgressLine:
    """Rows read, rate and time left on stderr — only when stderr is a terminal."""

    def __init__(self, label: str, total: int | None = None) -> None:
        self.label, self.total, self.start = label, total, time.monotonic()
        self.enabled = sys.stderr.isatty()

    def __call__(self, rows: int) -> None:
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.start, 1e-6)
        rate = rows / elapsed
        text = f"\r{self.label}: {rows:,} rows, {rate:,.0f} rows/s"
        if self.total:
            text += f", about {max(self.total - rows, 0) / rate:,.0f} s left"
        click.echo(text + "   ", err=True, nl=False)

    def done(self) -> None:
        if self.enabled:
            click.echo("", err=True)


@import_cli.command("cases")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and say what would happen.")
@command_errors
def import_cases(file: Path, dry_run: bool) -> None:
    """Import historical cases from a CSV or XLSX file: all rows, or none."""
    progress = ProgressLine("Checking")
    checked = importer.plan(file, progress=progress)
    progress.done()
    if not checked.ok:
        importer.record_check(checked)
        db.session.commit()
        for problem in checked.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            f"{len(checked.problems)} problem(s) in {file.name}: nothing imported"
        )
    new, skipped = checked.new_references, sorted(checked.existing)
    if dry_run:
        importer.record_check(checked)
        db.session.commit()
        click.echo(
            f"Dry run: {checked.rows:,} rows are valid. Would create {len(new):,} cases; "
            f"would skip {len(skipped):,} already present" + _listed(skipped) + "."
        )
        return
    progress = ProgressLine("Importing", checked.rows)
    summary = importer.execute(checked, f"cli:{getpass.getuser()}", progress=progress)
    db.session.commit()
    importer.refresh_statistics()
    progress.done()
    click.echo(
        f"Imported {summary.cases_created:,} cases ({summary.investigations_created:,} "
        f"investigations, {summary.people_created:,} new workforce records) from "
        f"{summary.rows:,} rows; skipped {len(summary.skipped):,} references already "
        "present" + _listed(summary.skipped) + "."
    )


def _listed(references: list[str]) -> str:
    if not references:
        return ""
    shown = ", ".join(references[:20])
    return f": {shown}" + (f" and {len(references) - 20:,} more" if len(references) > 20 else "")
