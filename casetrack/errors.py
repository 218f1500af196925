"""Errors a service raises for the caller to show: a clear message, optionally for one field."""

from __future__ import annotations


class DomainError(Exception):
    """A request that cannot be carried out as asked. Nothing has been changed."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
