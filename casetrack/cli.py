"""The `casetrack` command: Flask's CLI for the app, plus CaseTrack's own commands (SPEC §8)."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError


def register_commands(app: Flask) -> None:
    from casetrack.audit.cli import audit_cli
    from casetrack.auth.cli import users_cli
    from casetrack.demo import demo_command
    from casetrack.evidence.cli import evidence_cli
    from casetrack.imports.cli import import_cli
    from casetrack.org.cli import departments_cli, forces_cli
    from casetrack.queues.cli import reminders_cli
    from casetrack.reports.cli import report_cli

    for command in (
        forces_cli,
        departments_cli,
        users_cli,
        audit_cli,
        evidence_cli,
        report_cli,
        import_cli,
        demo_command,
        reminders_cli,
    ):
        app.cli.add_command(command)


def _create_app() -> Flask:
    from casetrack import create_app

    return create_app({"WARM_TEMPLATES": False})  # commands render few pages, if any


cli = FlaskGroup(
    create_app=_create_app,
    add_default_commands=True,
    load_dotenv=False,
    set_debug_flag=False,
    help="CaseTrack: Professional Standards case tracking.",
)


def main() -> None:
    """Entry point: every failure is one line on stderr and a non-zero exit, never a traceback."""
    try:
        code = cli.main(prog_name="casetrack", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("casetrack: cancelled", err=True)
        sys.exit(1)
    except click.ClickException as error:
        click.echo(f"casetrack: error: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except (OperationalError, ProgrammingError) as error:
        click.echo(
            "casetrack: error: the database could not be used "
            f"({_first_line(error.orig)}). Is it running, and has `casetrack db upgrade` been run?",
            err=True,
        )
        sys.exit(1)
    except SQLAlchemyError as error:
        click.echo(f"casetrack: error: database error: {_first_line(error)}", err=True)
        sys.exit(1)
    except OSError as error:
        click.echo(f"casetrack: error: {error.strerror or error}: {error.filename or ''}", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def _first_line(error: object) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
