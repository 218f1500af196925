"""What every CaseTrack command shares: refusals as one-line errors, and who ran it.

Feature CLI modules import this, never casetrack/cli.py (which imports them to register).
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from functools import wraps
from typing import Any

import click
from flask import g

from casetrack.errors import DomainError
from casetrack.extensions import db


def command_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a refused request into a one-line error and exit 1; record who ran it."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g.audit_actor = (None, f"cli:{getpass.getuser()}")
        try:
            return func(*args, **kwargs)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from None

    return wrapper
