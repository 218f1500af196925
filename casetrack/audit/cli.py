"""casetrack audit verify."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from casetrack.audit.service import verify_chain

audit_cli = AppGroup("audit", help="The tamper-evident audit log.")


@audit_cli.command("verify")
def verify() -> None:
    """Check the hash chain; exit 1 naming the first bad entry."""
    checked, problem = verify_chain()
    if problem is not None:
        raise click.ClickException(f"audit chain broken at {problem} ({checked} entries good)")
    click.echo(f"Audit log intact: {checked} entries verified.")
