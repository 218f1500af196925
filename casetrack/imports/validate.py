"""Check one imported row against the contract of SPEC §7 and turn it into plain values.

Pure module: the caller supplies the forces and departments that exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from casetrack import vocab
from casetrack.org.numbers import normal_staff_number

# column → required
COLUMNS: dict[str, bool] = {
    "reference": True,
    "force": True,
    "department": False,
    "received_date": True,
    "source": False,
    "account_type": False,
    "platform": False,
    "categories": False,
    "summary": False,
    "subject_number": False,
    "subject_name": False,
    "subject_role": True,
    "subject_rank": False,
    "severity": False,
    "referred_to_psd": False,
    "outcome": False,
    "outcome_date": False,
    # SPEC §14.3
    "proceedings": False,
    "finding": False,
    "appeal": False,
}
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,31}$")
# CaseTrack's own `<FORCE>-<YYYY>-<NNNNN>`, read from the right: the year and number are the
# last two hyphen-separated parts, whatever the force code holds (dots, underscores, hyphens).
OUR_REFERENCE = re.compile(r"^([A-Z][A-Z0-9_.-]{0,14}[A-Z0-9])-(\d{4})-(\d{5})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "header"
        return (
            f"{where}, column {self.column}: {self.message}"
            if self.column
            else f"{where}: {self.message}"
        )


@dataclass(frozen=True)
class ImportRow:
    line: int
    reference: str
    force: str
    department: str | None
    received: date
    source: str | None
    account_type: str | None
    platforms: tuple[str, ...]
    categories: tuple[str, ...]
    summary: str
    subject_number: str | None
    subject_name: str | None
    subject_role: str
    subject_rank: str | None
    severity: str | None
    referred: bool | None
    outcome: str | None
    outcome_date: date | None
    proceedings: str | None = None
    finding: str | None = None
    appeal: str | None = None

    def case_fields(self) -> tuple[object, ...]:
        """What every row of one reference must agree on."""
        return (
            self.force,
            self.department,
            self.received,
            self.source,
            self.account_type,
            self.platforms,
            self.categories,
            self.summary,
            self.referred,
        )


def check_header(header: list[str]) -> list[Problem]:
    names = [h.strip().lower() for h in header]
    problems = [
        Problem(
            0, name or f"(column {i + 1})", "unknown column — the columns are " + ", ".join(COLUMNS)
        )
        for i, name in enumerate(names)
        if name not in COLUMNS
    ]
    problems += [
        Problem(0, name, "appears more than once")
        for name in sorted({n for n in names if names.count(n) > 1})
    ]
    problems += [
        Problem(0, name, "required column is missing")
        for name, required in COLUMNS.items()
        if required and name not in names
    ]
    return problems


def _lookup(vocabulary: dict[str, str]) -> dict[str, str]:
    table = {code.lower(): code for code in vocabulary}
    table.update({text.lower(): code for code, text in vocabulary.items()})
    return table


LOOKUPS = {
    name: _lookup(v)
    for name, v in {
        "source": vocab.SOURCES,
        "account_type": vocab.ACCOUNT_TYPES,
        "platform": vocab.PLATFORMS,
        "categories": vocab.CATEGORIES,
        "subject_role": vocab.PERSON_ROLES,
        "subject_rank": vocab.RANKS,
        "severity": vocab.SEVERITIES,
        "outcome": vocab.OUTCOMES,
        "proceedings": vocab.PROCEEDINGS,
        "finding": vocab.FINDINGS,
        "appeal": vocab.APPEALS,
    }.items()
}


class RowChecker:
    """Validates rows one at a time, collecting every problem with its line and column."""

    def __init__(self, departments: dict[str, set[str]], today: date) -> None:
        self.departments = departments  # force code → department codes
        self.today = today
        self.problems: list[Problem] = []

    def _fail(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(line, column, message))

    def code(
        self, line: int, raw: dict[str, str], column: str, required: bool = False
    ) -> str | None:
        value = raw.get(column, "").strip()
        if not value:
            if required:
                self._fail(line, column, "is required")
            return None
        found = LOOKUPS[column].get(value.lower())
        if found is None:
            self._fail(line, column, f"{value[:40]!r} is not a known code or label")
        return found

    def codes(self, line: int, raw: dict[str, str], column: str) -> tuple[str, ...]:
        result = []
        for part in raw.get(column, "").split(";"):
            part = part.strip()
            if part:
                found = LOOKUPS[column].get(part.lower())
                if found is None:
                    self._fail(line, column, f"{part[:40]!r} is not a known code or label")
                elif found not in result:
                    result.append(found)
        return tuple(result)

    def day(
        self, line: int, raw: dict[str, str], column: str, required: bool = False
    ) -> date | None:
        value = raw.get(column, "").strip()
        if not value:
            if required:
                self._fail(line, column, "is required")
            return None
        iso, uk = ISO_DATE.match(value), UK_DATE.match(value)
        if not (iso or uk):
            self._fail(line, column, f"{value[:20]!r} is not a date: use YYYY-MM-DD or DD/MM/YYYY")
            return None
        year, month, day_ = (
            (int(iso[1]), int(iso[2]), int(iso[3])) if iso else (int(uk[3]), int(uk[2]), int(uk[1]))
        )
        try:
            result = date(year, month, day_)
        except ValueError:
            self._fail(line, column, f"{value!r} is not a real date")
            return None
        if result > self.today:
            self._fail(line, column, f"{value} is in the future")
            return None
        return result

    def _check_reference_force(self, line: int, reference: str, force: str) -> None:
        """A reference in CaseTrack's own format names its force: it must be the row's. Other
        (legacy) references, and look-alikes whose prefix is no force, are the force's own."""
        ours = OUR_REFERENCE.match(reference.upper())
        if ours and ours[1] in self.departments and ours[1] != force:
            self._fail(
                line,
                "reference",
                f"{reference} is a {ours[1]} reference, but the row's force is {force}",
            )

    def check(self, line: int, raw: dict[str, str]) -> ImportRow | None:
        before = len(self.problems)
        raw = {k.strip().lower(): v for k, v in raw.items()}
        if "\0extra" in raw:
            self._fail(line, "", "has more cells than the header has columns")
        reference = raw.get("reference", "").strip()
        if not reference:
            self._fail(line, "reference", "is required")
        elif not REFERENCE.match(reference):
            self._fail(line, "reference", f"{reference[:40]!r} is not a valid reference")
        force = raw.get("force", "").strip().upper()
        department = raw.get("department", "").strip().upper() or None
        if not force:
            self._fail(line, "force", "is required")
        elif force not in self.departments:
            self._fail(line, "force", f"{force!r} is not a force in CaseTrack")
        elif department and department not in self.departments[force]:
            self._fail(line, "department", f"{department!r} is not a department of {force}")
        if force in self.departments and REFERENCE.match(reference):
            self._check_reference_force(line, reference, force)
        received = self.day(line, raw, "received_date", required=True)
        outcome_date = self.day(line, raw, "outcome_date")
        outcome = self.code(line, raw, "outcome")
        if received and outcome_date and outcome_date < received:
            self._fail(line, "outcome_date", "is before the received date")
        if outcome_date and not outcome:
            self._fail(line, "outcome", "is needed when there is an outcome date")
        if outcome and not outcome_date:
            self._fail(line, "outcome_date", "is needed when there is an outcome")
        proceedings = self.code(line, raw, "proceedings")
        finding = self.code(line, raw, "finding")
        appeal = self.code(line, raw, "appeal")
        if finding and proceedings == "none":
            self._fail(line, "finding", "is made at a meeting or hearing: proceedings are none")
        if appeal and appeal != "none" and not outcome:
            self._fail(line, "appeal", "is against an outcome: the row has none")
        role = self.code(line, raw, "subject_role", required=True)
        rank = self.code(line, raw, "subject_rank")
        if rank and role and role not in vocab.RANKED_ROLES:
            self._fail(
                line, "subject_rank", "only police officers and special constables hold a rank"
            )
        referred_text = raw.get("referred_to_psd", "").strip().lower()
        referred = {
            "yes": True,
            "y": True,
            "true": True,
            "no": False,
            "n": False,
            "false": False,
            "": None,
        }.get(referred_text, ...)
        if referred is ...:
            self._fail(line, "referred_to_psd", f"{referred_text[:10]!r}: use yes or no")
        texts = {
            name: raw.get(name, "").strip()
            for name in ("summary", "subject_number", "subject_name")
        }
        # one normal form for staff numbers (SPEC §9.1): `WMP 3310` is `WMP3310`
        texts["subject_number"] = normal_staff_number(texts["subject_number"]) or ""
        for name, limit in (("summary", 5000), ("subject_number", 32), ("subject_name", 120)):
            if len(texts[name]) > limit:
                self._fail(line, name, f"is longer than {limit} characters")
        row = ImportRow(
            line=line,
            reference=reference,
            force=force,
            department=department,
            received=received or date.min,
            source=self.code(line, raw, "source"),
            account_type=self.code(line, raw, "account_type"),
            platforms=self.codes(line, raw, "platform"),
            categories=self.codes(line, raw, "categories"),
            summary=texts["summary"],
            subject_number=texts["subject_number"] or None,
            subject_name=texts["subject_name"] or None,
            subject_role=role or "",
            subject_rank=rank,
            severity=self.code(line, raw, "severity"),
            referred=None if referred is ... else referred,
            outcome=outcome,
            outcome_date=outcome_date,
            proceedings=proceedings,
            finding=finding,
            appeal=appeal,
        )
        return row if len(self.problems) == before else None
