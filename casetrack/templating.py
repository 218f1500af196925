"""Jinja set-up: our templates first, then the GOV.UK Frontend macro packages."""

from __future__ import annotations

from flask import Flask, current_app, url_for
from flask_login import current_user
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from casetrack.auth.permissions import Permission, Role, can


def init_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(  # type: ignore[assignment]
        [
            FileSystemLoader(app.template_folder),  # type: ignore[arg-type]
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    app.jinja_env.globals.update(
        can=can,
        Permission=Permission,
        Role=Role,
        navigation_extra=navigation_extra,
        unread_notifications=unread_notifications,
    )
    app.jinja_env.globals.update(
        state_label=state_label,
        due_text=due_text,
        event_label=event_label,
        custody_label=custody_label,
    )
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["timestamp"] = format_timestamp
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["isodate"] = format_iso_date
    app.jinja_env.filters["filesize"] = format_size
    app.jinja_env.filters["css_text"] = css_text
    app.jinja_env.filters["plural"] = plural


# (endpoint, text, permission, endpoint prefixes that mark the item as the current page)
NAVIGATION: list[tuple[str, str, Permission, tuple[str, ...]]] = [
    (
        "cases.index",
        "Cases",
        Permission.CASE_VIEW,
        ("cases.index", "cases.detail", "cases.act", "cases.add_subject"),
    ),
    ("cases.new", "Record a concern", Permission.CASE_CREATE, ("cases.new",)),
    ("queues.team_queue", "Team queue", Permission.TEAM_QUEUE, ("queues.team_queue",)),
    ("reports.index", "Outcome statistics", Permission.REPORT_VIEW, ("reports.",)),
    ("imports.upload", "Import", Permission.IMPORT_CASES, ("imports.",)),
    ("audit.index", "Audit log", Permission.AUDIT_READ, ("audit.",)),
    ("retention.index", "Retention", Permission.RETENTION_DECIDE, ("retention.",)),
    ("admin.users", "Users", Permission.MANAGE_USERS, ("admin.user",)),
    ("admin.forces", "Forces", Permission.MANAGE_ORGANISATION, ("admin.force",)),
    ("admin.departments", "Departments", Permission.MANAGE_ORGANISATION, ("admin.department",)),
]


def unread_notifications() -> int | None:
    """The header's count (SPEC §13): one indexed count per page. None if the database cannot
    answer (an error page shown during an outage still renders)."""
    from sqlalchemy.exc import SQLAlchemyError

    from casetrack.queues.notify import unread_count

    try:
        return unread_count(current_user)
    except SQLAlchemyError:
        return None


def navigation_extra(current_endpoint: str | None) -> list[dict[str, object]]:
    """Service navigation items this user may use, in order."""
    items = []
    for endpoint, text, permission, prefixes in NAVIGATION:
        if endpoint in current_app.view_functions and can(current_user, permission):
            items.append(
                {
                    "href": url_for(endpoint),
                    "text": text,
                    "active": bool(current_endpoint) and current_endpoint.startswith(prefixes),
                }
            )
    return items


def format_datetime(value: object) -> str:
    from casetrack.timeutil import as_utc, to_local

    if value is None:
        return ""
    return to_local(as_utc(value)).strftime("%-d %B %Y at %H:%M")  # type: ignore[arg-type]


def css_text(value: object) -> str:
    """Text safe inside a CSS string: letters, digits and a little punctuation only, so nothing
    typed by a user can end the string or add rules (PDF running headers)."""
    import re

    return re.sub(r"[^A-Za-z0-9 ./:_-]", "", str(value or ""))[:60]


def format_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


def format_iso_date(value: str) -> str:
    from datetime import date

    try:
        return format_date(date.fromisoformat(value))
    except ValueError:
        return value


def format_timestamp(value: object) -> str:
    """To the second, with GMT or BST: for custody logs that may be read out at a hearing."""
    from casetrack.timeutil import as_utc, to_local

    if value is None:
        return ""
    return to_local(as_utc(value)).strftime("%-d %b %Y %H:%M:%S %Z")  # type: ignore[arg-type]


def format_date(value: object) -> str:
    if value is None:
        return ""
    return value.strftime("%-d %B %Y")  # type: ignore[attr-defined]


def state_label(state: str) -> str:
    from casetrack.cases.workflow import STATE_LABELS, State

    try:
        return STATE_LABELS[State(state)]
    except ValueError:
        return state


def plural(count: int, singular: str, many: str | None = None) -> str:
    """The word for a count: 1 assessment due, 2 assessments due, 0 assessments due.
    `singular` may be a phrase whose first word is the noun ("assessment due")."""
    if count == 1:
        return singular
    if many is not None:
        return many
    noun, _, rest = singular.partition(" ")
    return f"{noun}s" + (f" {rest}" if rest else "")


def due_text(case: object) -> str:
    """What is due next on a case and when, in words ("Assessment overdue since 3 March")."""
    from casetrack.cases.queries import NEXT_DUE
    from casetrack.timeutil import today

    column, what = NEXT_DUE.get(getattr(case, "state", ""), ("", ""))
    due = getattr(case, column, None) if column else None
    if due is None:
        return ""
    if due < today():
        return f"{what} overdue since {format_date(due)}"
    return f"{what} due by {format_date(due)}"


EVENT_LABELS = {
    "record": "Concern recorded",
    "add_subject": "Subject added",
    "imported": "Imported from historical records",
    "correct": "Details corrected",
    "restrict": "Case restricted",
    "unrestrict": "Restriction lifted",
    "proceedings": "Proceedings recorded",
    "appeal": "Appeal recorded",
    "suspension": "Suspension recorded",
    "rprp": "Reflective review updated",
    "list_report": "List report updated",
}


def event_label(action: str) -> str:
    from casetrack.cases.workflow import ACTION_DONE, Action

    try:
        return ACTION_DONE[Action(action)]
    except ValueError:
        return EVENT_LABELS.get(action, action.replace("_", " ").capitalize())


CUSTODY_LABELS = {
    "uploaded": "Uploaded",
    "viewed": "Item page viewed",
    "downloaded": "Downloaded",
    "exported": "Exported in a bundle",
    "verified": "Verified",
    "verified_for_download": "Verified before download",
    "verified_for_preview": "Verified before preview",
    "verified_for_export": "Verified before export",
    "verify_failed": "VERIFICATION FAILED",
    "corrected": "Metadata corrected",
    "withdrawn": "Withdrawn",
}


def custody_label(action: str) -> str:
    return CUSTODY_LABELS.get(action, action.replace("_", " ").capitalize())
