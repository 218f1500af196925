"""Request-wide security: route permission check, CSP with a nonce, and response headers."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, g, request

from casetrack.assets import send_fingerprinted
from casetrack.auth.access import PUBLIC, enforce_route_permission


def init_security(app: Flask) -> None:
    static_view = app.view_functions.get("static")
    if static_view is not None:
        # Flask's bound static view cannot carry an attribute, so wrap it to declare it public.
        def static(filename: str) -> Response:
            return send_fingerprinted(filename) or static_view(filename=filename)

        static.required_permission = PUBLIC  # type: ignore[attr-defined]
        app.view_functions["static"] = static

    app.before_request(_refuse_unstorable_ids)
    app.before_request(enforce_route_permission)
    app.before_request(_refuse_nul)
    app.after_request(_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce


# The largest id a row can have: every table's id is an INTEGER, 32 bits on PostgreSQL (SQLite's
# are 64, but the app must answer the same on both).
LARGEST_ID = 2**31 - 1


def _refuse_unstorable_ids() -> None:
    """An <int:…> path part larger than any id names nothing: "Page not found", before a view
    hands it to the database (SQLite raises OverflowError past 64 bits, PostgreSQL "integer
    out of range" past 32)."""
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not -LARGEST_ID <= value <= LARGEST_ID:
            abort(404)


def _refuse_nul() -> None:
    """A NUL is never legitimate in a query or a form, and PostgreSQL text cannot hold one:
    refuse the request (400) rather than fail in the database. Uploaded files are not form
    values and are unaffected; the form is already parsed for the CSRF check."""
    for source in (request.args, request.form):
        for values in source.listvalues():
            if any("\x00" in value for value in values):
                abort(
                    400,
                    description="A field contained a NUL character, which cannot be stored. "
                    "Nothing has been saved: remove it and try again.",
                )


def csp_nonce() -> str:
    """This request's script nonce, made on first use. Error pages can be rendered before any
    before_request hook of ours has run (the CSRF check and a too-large body are refused
    by Flask-WTF's hook, which runs first), so the nonce cannot wait for one: the page and
    the Content-Security-Policy header both ask here and always get the same real nonce."""
    nonce = g.get("csp_nonce")
    if not nonce:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def _provider_origin() -> str:
    """Signing out ends the OpenID provider's session too (a redirect after the sign-out
    form, which form-action governs): its origin, when one is configured."""
    issuer = current_app.config.get("OIDC_ISSUER")
    if not issuer or not current_app.config.get("OIDC_CLIENT_ID"):
        return ""
    parts = urlsplit(str(issuer))
    if parts.scheme not in ("http", "https") or not parts.netloc or "'" in parts.netloc:
        return ""
    return f" {parts.scheme}://{parts.netloc}"


def _security_headers(response: Response) -> Response:
    nonce = csp_nonce()
    # A view may set a stricter policy of its own (evidence previews are sandboxed).
    response.headers.setdefault(
        "Content-Security-Policy",
        "; ".join(
            [
                "default-src 'self'",
                f"script-src 'self' 'nonce-{nonce}'",
                "style-src 'self'",
                "img-src 'self' data:",
                "font-src 'self'",
                "connect-src 'self'",
                "object-src 'none'",
                "base-uri 'none'",
                "frame-ancestors 'none'",
                f"form-action 'self'{_provider_origin()}",
            ]
        ),
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.endpoint != "static":
        # Case data must not linger in browser or proxy caches.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response
