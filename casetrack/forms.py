"""Shared form fields: GOV.UK date input with clear messages, vocabulary choices."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField


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
