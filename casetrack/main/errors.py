"""Error pages: every failure gets a page that says what happened, never a traceback."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, TooManyRequests

from casetrack.extensions import db

MESSAGES = {
    400: ("There is a problem with the request", "The request could not be understood."),
    403: (
        "You do not have access to this page",
        "Your role does not allow this. If you think it should, ask your PSD or your system "
        "administrator.",
    ),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("That action is not available here", "Use the buttons on the page instead."),
    413: ("The file is too large", "Choose a smaller file."),
    429: ("Too many requests", "Wait a few minutes and try again."),
    500: (
        "Sorry, there is a problem with the service",
        "Nothing you entered has been saved. Try again later.",
    ),
}


def _page(status: int, title: str | None = None, body: str | None = None) -> ResponseReturnValue:
    default_title, default_body = MESSAGES.get(status, MESSAGES[400])
    return render_template(
        "errors/error.html", status=status, title=title or default_title, body=body or default_body
    ), status


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        return _page(
            400,
            "Your form could not be sent",
            "The page had expired or came from somewhere else. Go back, reload the page and "
            "try again. Nothing has been saved.",
        )

    @app.errorhandler(TooManyRequests)
    def too_many(error: TooManyRequests) -> ResponseReturnValue:
        # The sign-in and password pages answer their own throttling (casetrack/auth/views.py
        # registers a handler on its blueprint, which Flask prefers to this one).
        return _page(429)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
        limit = request.max_content_length or 0
        return _page(
            413,
            "The file is too large",
            f"The largest upload is {limit // (1024 * 1024)} MB. Nothing was saved. "
            "Split a long video or export into parts, or ask your system "
            "administrator about the limit.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        # A description given at abort() explains this failure; Werkzeug's generic one does not.
        own = error.description if error.description != type(error).description else None
        return _page(error.code or 500, body=own)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if app.testing and app.config.get("PROPAGATE_UNEXPECTED", True):
            raise error
        return _page(500)
