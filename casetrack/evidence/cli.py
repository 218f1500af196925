"""casetrack evidence verify: every item against its file, and every file against a row."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup
from sqlalchemy import select

from casetrack.commands import command_errors
from casetrack.evidence import service
from casetrack.evidence.models import EvidenceItem
from casetrack.extensions import db

evidence_cli = AppGroup("evidence", help="The evidence store.")
STALE_TEMP_SECONDS = 3600


@evidence_cli.command("verify")
@command_errors
def verify() -> None:
    """Re-hash every stored file; report missing, altered and orphaned files (exit 1 if any)."""
    store = service.store()
    problems: list[str] = []
    known: set[str] = set()
    checked = 0
    items = db.session.scalars(
        select(EvidenceItem).order_by(EvidenceItem.id).execution_options(yield_per=500)
    )
    for item in items:
        known.add(item.storage_name)
        checked += 1
        if not store.path_for(item.storage_name).is_file():
            problems.append(
                f"MISSING  item {item.id} (case {item.case_id}) "
                f"{item.original_filename}: no file at {item.storage_name}"
            )
            service.verify(item, None)
        elif not service.verify(item, None):
            problems.append(
                f"ALTERED  item {item.id} (case {item.case_id}) "
                f"{item.original_filename}: SHA-256 no longer matches"
            )
    db.session.commit()
    for name in store.all_names():
        if name not in known:
            problems.append(f"ORPHAN   {name}: a file in the store with no evidence record")
    if store.tmp.is_dir():
        for path in store.tmp.iterdir():
            if time.time() - path.stat().st_mtime > STALE_TEMP_SECONDS:
                problems.append(f"ORPHAN   tmp/{path.name}: an interrupted upload")
    for line in problems:
        click.echo(line)
    if problems:
        raise click.ClickException(
            f"{len(problems)} problem(s) found in the evidence store ({checked} items checked)"
        )
    click.echo(f"Evidence store intact: {checked} items verified, no orphaned files.")
