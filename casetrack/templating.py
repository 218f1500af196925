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
        can=can, Permission=Permission, Role=Role, navigation_extra=navigation_extra
    )
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date


# (endpoint, text, permission, endpoint prefixes that mark the item as the current page)
NAVIGATION: list[tuple[str, str, Permission, tuple[str, ...]]] = [
    ("admin.users", "Users", Permission.MANAGE_USERS, ("admin.user",)),
    ("admin.forces", "Forces", Permission.MANAGE_ORGANISATION, ("admin.force",)),
    ("admin.departments", "Departments", Permission.MANAGE_ORGANISATION, ("admin.department",)),
]


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


def format_date(value: object) -> str:
    if value is None:
        return ""
    return value.strftime("%-d %B %Y")  # type: ignore[attr-defined]
