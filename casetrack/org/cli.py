"""casetrack forces add / departments add."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from casetrack.commands import command_errors
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.org import service

forces_cli = AppGroup("forces", help="Manage forces.")
departments_cli = AppGroup("departments", help="Manage departments.")


@forces_cli.command("add")
@click.argument("code")
@click.argument("name")
@command_errors
def add_force(code: str, name: str) -> None:
    """Add a force, e.g. casetrack forces add WMP "West Midlands Police"."""
    force = service.add_force(code, name)
    db.session.commit()
    click.echo(f"Added force {force.code}: {force.name}")


@departments_cli.command("add")
@click.argument("force_code", metavar="FORCE")
@click.argument("code")
@click.argument("name")
@command_errors
def add_department(force_code: str, code: str, name: str) -> None:
    """Add a department to a force."""
    force = service.force_by_code(force_code)
    if force is None:
        raise DomainError(f"No force with code {force_code.strip().upper()!r}")
    department = service.add_department(force, code, name)
    db.session.commit()
    click.echo(f"Added department {department.code} to {force.code}: {department.name}")
