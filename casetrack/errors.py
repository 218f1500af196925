"""Errors a service raises for the caller to show: a clear message, optionally for one field,
or several such problems found together so a form can show them all at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class DomainError(Exception):
    """A request that cannot be carried out as asked. Nothing has been changed.

    `problems` holds every (field, message) found; `message` and `field` are the first."""

    def __init__(
        self,
        message: str,
        field: str | None = None,
        *,
        problems: list[tuple[str | None, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.problems = problems or [(field, message)]


class Problems:
    """Collects the domain errors of several independent checks, so that a form shows every
    problem at once instead of revealing them one submission at a time."""

    def __init__(self) -> None:
        self.found: list[tuple[str | None, str]] = []

    def add(self, message: str, field: str | None = None) -> None:
        self.found.append((field, message))

    def check(self, check: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run one check; keep its problems and return None if it raises a DomainError."""
        try:
            return check(*args, **kwargs)
        except DomainError as error:
            self.found.extend(error.problems)
            return None

    def has(self, field: str) -> bool:
        return any(name == field for name, _ in self.found)

    def raise_any(self) -> None:
        if self.found:
            field, message = self.found[0]
            raise DomainError(message, field, problems=list(self.found))


def show_on_form(form: Any, error: DomainError, default_field: str) -> None:
    """Put each of the error's problems on its field (or on default_field), after any the
    form found itself, so the error summary lists them all, in the form's field order."""
    for name, message in error.problems:
        field = getattr(form, name or "", None)
        if field is None or not hasattr(field, "errors"):
            field = getattr(form, default_field)
        errors = list(field.errors or [])
        if message not in errors:
            field.errors = [*errors, message]
    form._errors = None  # WTForms caches form.errors: let the summary see these
