"""Shared form fields: GOV.UK date input with clear messages, a length limit that names its
field."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField, validators


class Length(validators.Length):
    """WTForms' Length, but its message names the field in GOV.UK style ("Account handle must
    be 200 characters or fewer") instead of "Field cannot be longer than 200 characters".

    `name` is what the message calls the field when its label is a question or a clause."""

    def __init__(self, min: int = -1, max: int = -1, message: str | None = None, *, name: str = ""):
        super().__init__(min, max, message)
        self.name = name

    def __call__(self, form: Any, field: Any) -> None:
        length = len(field.data) if field.data else 0
        if length >= self.min and (self.max == -1 or length <= self.max):
            return
        if self.message is not None:
            raise validators.ValidationError(self.message)
        what = self.name or field_name(field.label.text)
        if self.min > 0 and self.max > 0:
            raise validators.ValidationError(
                f"{what} must be between {self.min} and {self.max} characters"
            )
        if self.min > 0:
            raise validators.ValidationError(f"{what} must be {self.min} characters or more")
        raise validators.ValidationError(f"{what} must be {self.max} characters or fewer")


def field_name(label: str) -> str:
    """A label as the subject of a sentence: "Reporter's name (optional)" → "Reporter's name"."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", label).strip() or "This field"


class GovDateField(DateField):
    """A day/month/year date in three boxes. Bad or partial input gets a message, never a 500."""

    widget = GovDateInput()

    def __init__(
        self,
        label: str | None = None,
        validators: Any = None,
        *,
        required: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, format="%d %m %Y", **kwargs)
        self.required = required

    def process_formdata(self, valuelist: list[str]) -> None:
        parts = [(v or "").strip() for v in valuelist][:3]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        if not any(parts):
            if self.required:
                raise ValueError(f"Enter the {self.label.text.lower()}")
            return
        if not all(parts):
            missing = [n for n, v in zip(("day", "month", "year"), parts, strict=True) if not v]
            raise ValueError(f"{self.label.text} must include a {' and '.join(missing)}")
        if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
            raise ValueError(f"{self.label.text} must be a real date, for example 27 3 2026")
        try:
            self.data = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except (ValueError, OverflowError):  # a day or month of 30 digits overflows C long
            raise ValueError(f"{self.label.text} must be a real date") from None

    def pre_validate(self, form: Any) -> None:
        if self.required and self.data is None and not self.process_errors:
            raise ValueError(f"Enter the {self.label.text.lower()}")
