"""Route declarations: every view says which permission it needs, or that it is public.

create_app() installs enforce_route_permission() as a before_request hook, so a route that
declares nothing is refused (deny by default) rather than silently open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from casetrack.auth.permissions import Permission, can
from casetrack.auth.sessions import current_session

PUBLIC = "public"
F = TypeVar("F", bound=Callable[..., Any])


def require(permission: Permission) -> Callable[[F], F]:
    """Declare the permission a view needs; enforced before the view runs."""

    def mark(view: F) -> F:
        view.required_permission = permission  # type: ignore[attr-defined]
        return view

    return mark


def public(view: F) -> F:
    """Declare a view open to everyone (sign-in page, static files, health check)."""
    view.required_permission = PUBLIC  # type: ignore[attr-defined]
    return view


def declared_permission(endpoint: str | None) -> Permission | str | None:
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "required_permission", None)


def enforce_route_permission() -> Any:
    """before_request: refuse anything not declared, send signed-out users to sign in."""
    if request.endpoint is None:
        return None  # no route matched: Flask answers 404
    permission = declared_permission(request.endpoint)
    if permission == PUBLIC:
        return None
    if permission is None:
        abort(403)
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    if not can(current_user, permission):
        abort(403)
    if (
        current_user.must_change_password
        and request.endpoint not in _ALLOWED_BEFORE_CHANGE
        and not _signed_in_at_provider()
    ):
        return redirect(url_for("auth.change_password"))
    return None


def _signed_in_at_provider() -> bool:
    """A browser signed in through the force's provider never used the temporary password,
    so it is not made to change it first (local sign-in still is)."""
    row = current_session()
    return row is not None and row.method == "oidc"


_ALLOWED_BEFORE_CHANGE = {"auth.change_password", "auth.sign_out", "mfa.recovery_codes_saved"}
