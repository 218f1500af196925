"""casetrack users create."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from casetrack.auth.permissions import Role
from casetrack.auth.service import create_user
from casetrack.commands import command_errors
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.org.models import Department, Force
from casetrack.org.service import department_by_code, force_by_code

users_cli = AppGroup("users", help="Manage user accounts.")


def _name_from_email(email: str) -> str:
    local = email.split("@", 1)[0]
    return " ".join(part.capitalize() for part in local.replace("_", ".").split(".") if part)


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option(
    "--force",
    "force_codes",
    multiple=True,
    required=True,
    metavar="CODE",
    help="Force code; repeat for collaboration PSD users.",
)
@click.option(
    "--department",
    "department_codes",
    multiple=True,
    metavar="CODE",
    help="Department code (within the user's force); repeat for several.",
)
@click.option("--name", help="Full name (default: from the email address).")
@click.option("--staff-number", help="The user's own staff/collar number.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@command_errors
def create(
    email: str,
    role: str,
    force_codes: tuple[str, ...],
    department_codes: tuple[str, ...],
    name: str | None,
    staff_number: str | None,
    password_stdin: bool,
) -> None:
    """Create a user account. The password is prompted for unless --password-stdin is given."""
    forces: list[Force] = []
    for code in force_codes:
        force = force_by_code(code)
        if force is None:
            raise DomainError(f"No force with code {code.strip().upper()!r}")
        forces.append(force)
    departments: list[Department] = []
    for code in department_codes:
        matches = [d for d in (department_by_code(f, code) for f in forces) if d is not None]
        if not matches:
            raise DomainError(
                f"No department {code.strip().upper()!r} in force(s) "
                f"{', '.join(f.code for f in forces)}"
            )
        departments.extend(matches)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = create_user(
        email=email,
        name=name or _name_from_email(email),
        role=role,
        password=password,
        forces=forces,
        departments=departments,
        staff_number=staff_number,
        must_change_password=False,
    )
    db.session.commit()
    click.echo(f"Created {user.role} account {user.email}")
