"""What the assurance suite found. Each finding has a regression test marked with
`finding("F…")`: while the bug is open the test is `xfail(strict=True)`; once the fix lands,
remove the xfail (keep the finding marker) and the report shows it as fixed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pytest


@dataclass
class Finding:
    key: str
    section: str
    title: str
    detail: str
    fix: str
    signature: str = ""  # regex over "where: error" of a fuzzing 5xx this finding explains
    tests: dict[str, str] = field(default_factory=dict)  # nodeid → outcome of this run

    def matches(self, where: str, error: str, data: str) -> bool:
        import re

        text = f"{where}: {error} | {data}"
        return bool(self.signature) and re.search(self.signature, text) is not None

    @property
    def status(self) -> str:
        outcomes = set(self.tests.values())
        if not outcomes:
            return "not run"
        if outcomes - {"skipped"} == {"passed"}:  # skipped: a database it cannot happen on
            return "fixed (regression test passes)"
        if "failed" in outcomes:
            return "regression test failed (or passed while still marked xfail)"
        if "xfailed" in outcomes:
            return "open"
        return ", ".join(sorted(outcomes))

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status}


FINDINGS: dict[str, Finding] = {}


def register(
    key: str, section: str, title: str, detail: str, fix: str, signature: str = ""
) -> Finding:
    FINDINGS[key] = Finding(key, section, title, detail, fix, signature)
    return FINDINGS[key]


def finding(key: str, *, open_: bool = False) -> Any:
    """Decorator for a finding's regression test: marks it, and xfails it while it is open."""
    item = FINDINGS[key]

    def mark(test: Any) -> Any:
        test = pytest.mark.assurance_finding(key)(test)
        if open_:
            test = pytest.mark.xfail(strict=True, reason=f"{key}: {item.title}")(test)
        return test

    return mark


# ---- the findings ------------------------------------------------------------------------------

register(
    "F1",
    "fuzzing",
    "A case form's version field of non-ASCII digits or over 4,300 digits answers 500",
    "VersionedForm.validate_version accepts any str.isdigit() value, which includes "
    "superscript digits such as '²' and '⁵' (int() refuses them), and digit strings of any "
    "length; the views then call int(form.version.data), which raises ValueError ('invalid "
    "literal for int()' / 'Exceeds the limit (4300 digits)'). "
    "Every workflow action page (/cases/<id>/<action>) and /cases/<id>/subjects/new answer "
    "500 to a tampered hidden field.",
    "casetrack/cases/forms.py, VersionedForm.validate_version: replace the isdigit() test with "
    '`if not re.fullmatch(r"[0-9]{1,9}", field.data or ""): raise ValidationError(...)` '
    "(import re). Nothing else changes: the views' int() then always succeeds.",
    signature=r"invalid literal for int\(\) with base 10|Exceeds the limit \(4300 digits\)",
)
register(
    "F2",
    "fuzzing",
    "A NUL character in any text input answers 500 on PostgreSQL",
    "PostgreSQL text columns cannot hold U+0000; psycopg raises DataError on INSERT/UPDATE "
    "(case notes, rationales, names, evidence details, force and department names, user "
    "names) and even in queries (the case list search ?q=, the audit log filters). SQLite "
    "stores it, so only the PostgreSQL run shows it. A NUL in a form is never legitimate.",
    "casetrack/security.py, init_security: add a before_request hook, registered before "
    "enforce_route_permission, that refuses any request whose query string or form values "
    "contain a NUL: `if any('\\x00' in value for source in (request.args, request.form) "
    "for values in source.listvalues() for value in values): abort(400)`. Werkzeug has already "
    "parsed the form for the CSRF check, so this costs nothing; uploaded file contents are "
    "not form values and are unaffected.",
    signature=r"cannot contain NUL|DataError.*\\x00",
)
register(
    "F3",
    "fuzzing",
    "The report page and downloads answer 500 for a year outside the list (e.g. ?year=-1)",
    "reports/views.py _period() builds the period from form.year.data even when validate() "
    "has already refused the year as not one of the choices, so calendar_year(-1) / "
    "financial_year(10**30) raise ValueError / OverflowError in date(). Affects GET /reports "
    "and /reports/outcomes.<pdf|csv|json>.",
    "casetrack/reports/views.py, _period(): before `year = form.year.data or today().year`, "
    "add `if form.year.errors: return None` (the form then shows 'Not a valid choice' with "
    "the other problems, as it does for bad dates).",
    signature=r"^GET /reports.*(year -?\d+ is out of range|OverflowError|year 0 is out of range)",
)
register(
    "F4",
    "sessions",
    "Open redirect after sign-in through a tab in ?next= (and a 500 for a newline)",
    "auth/views.py _safe_next() accepts '/\\t/evil.example': it starts with '/', not with "
    "'//', and has no backslash. Browsers remove tabs and newlines from URLs, so the "
    "Location '/<TAB>/evil.example' takes the user who has just signed in to "
    "//evil.example — a phishing page can send staff a genuine CaseTrack sign-in link "
    "(/sign-in?next=/%09/evil.example) that lands them on its own site. With '\\n' or "
    "'\\r\\n' instead, Werkzeug refuses the header and the sign-in answers 500 after the "
    "session has been created.",
    "casetrack/auth/views.py, _safe_next(): refuse any target containing a control "
    "character or a space, before the existing checks: "
    "`if not target or any(ord(c) <= 0x20 or ord(c) == 0x7F for c in target): "
    'return url_for("main.home")`.',
)
register(
    "F5",
    "fuzzing",
    "Recording a concern with many 'dates posted' answers 500 on PostgreSQL",
    "The 'Dates the content was posted' box takes up to 400 characters, but the dates are "
    "stored re-formatted as ISO dates joined by commas in cases.content_posted_dates "
    "(VARCHAR(400)): '1/1/2020,' is 9 characters typed and 11 stored, so 37 or more dates "
    "(or 34 short ones like '1/1/1') overflow the column. PostgreSQL raises "
    "StringDataRightTruncation and the page answers 500; SQLite stores it.",
    "casetrack/cases/service.py, validate_concern(): after the `late` check add "
    '`if len(",".join(d.isoformat() for d in details.content_posted_dates)) > 400: '
    'raise DomainError("Enter at most 36 dates the content was posted", ...)` '
    "(36 ISO dates and their separators fit the column).",
)
register(
    "F6",
    "fuzzing",
    "Evidence pages answer 500 on PostgreSQL for a user whose name and email are long",
    'evidence/service.py who() records the actor as "<name> (<email>)" in '
    "custody_events.actor_name, evidence_corrections.actor_name and "
    "evidence_items.withdrawn_by_name, all VARCHAR(254); the administration form allows a "
    "120-character name and a 254-character email, so 'name (email)' can reach 377 "
    "characters. Every evidence page writes a custody entry, so such a user gets 500 on "
    "upload, view, download, verify, correct and withdraw (PostgreSQL only).",
    "Add a migration widening custody_events.actor_name, evidence_corrections.actor_name and "
    "evidence_items.withdrawn_by_name to VARCHAR(400) (and the three mapped_column(String(254)) "
    "in casetrack/evidence/models.py). If a migration is not wanted now: in "
    'casetrack/evidence/service.py who(), return `f"{user.name} ({user.email})"[:254]` '
    "(custody_events.actor_id still identifies the user).",
)
register(
    "F7",
    "uploads",
    "A small XLSX import file can expand to hundreds of megabytes in memory (decompression bomb)",
    "imports/reader.py hands any .xlsx to openpyxl. An XLSX is a ZIP: a 310 KB file whose "
    "sheet holds one 300 MB cell makes the web worker allocate about 600 MB while checking "
    "the file — and the preview and the confirmation each read it again (the CLI likewise). "
    "A 3 MB file is enough to exhaust a typical server's memory. The request size limit "
    "(64 MB) does not help: the file is small until it is opened.",
    "casetrack/imports/reader.py, _check_xlsx_expansion(), called before load_workbook(): "
    "refuse a workbook whose members declare more than 256 MB uncompressed in all, whose "
    "shared-strings table is over 64 MB, or any of whose XML members holds a run of more "
    "than 1 MB without a tag (one cell's text, which openpyxl would hold whole), measured "
    "by streaming each member in 1 MB chunks. zipfile never inflates a member beyond its "
    "declared size, so lying headers cannot get past the size checks.",
)
