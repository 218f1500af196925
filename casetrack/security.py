"""Request-wide security: route permission check, CSP with a nonce, and response headers."""

from __future__ import annotations

import secrets

from flask import Flask, Response, abort, g, request

from casetrack.auth.access import PUBLIC, enforce_route_permission


def init_security(app: Flask) -> None:
    static_view = app.view_functions.get("static")
    if static_view is not None:
        # Flask's bound static view cannot carry an attribute, so wrap it to declare it public.
        def static(filename: str) -> Response:
            return static_view(filename=filename)

        static.required_permission = PUBLIC  # type: ignore[attr-defined]
        app.view_functions["static"] = static

    app.before_request(_make_nonce)
    app.before_request(enforce_route_permission)
    app.before_request(_refuse_nul)
    app.after_request(_security_headers)
    app.jinja_env.globals["csp_nonce"] = lambda: g.get("csp_nonce", "")


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


def _make_nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(18)


def _security_headers(response: Response) -> Response:
    nonce = g.get("csp_nonce", "")
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
                "form-action 'self'",
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
