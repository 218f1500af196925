"""Security review finding 10 (first part): every response's CSP carries a real nonce.

Flask-WTF's CSRF check runs before CaseTrack's own before_request hooks, and a request body
over the limit is refused while that check reads the form, so these error pages used to be
rendered before the nonce existed and were sent with `script-src 'self' 'nonce-'`.
"""

from __future__ import annotations

import re

import pytest

NONCE = re.compile(r"script-src 'self' 'nonce-([^']*)'")


def _nonce_of(response) -> str:
    match = NONCE.search(response.headers["Content-Security-Policy"])
    assert match, response.headers["Content-Security-Policy"]
    nonce = match.group(1)
    assert len(nonce) >= 16, f"empty or short nonce: {nonce!r}"
    # The page's own scripts carry the very nonce the header allows.
    page = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts, "the error page has no script tag to check"
    assert all(f'nonce="{nonce}"' in tag for tag in scripts), scripts
    return nonce


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MAX_CONTENT_LENGTH": 4096}


def test_csrf_refusal_page_has_a_real_nonce(app, client) -> None:
    response = client.post("/sign-in", data={"email": "a@example.police.uk", "password": "x"})
    assert response.status_code == 400
    assert "Your form could not be sent" in response.get_data(as_text=True)
    first = _nonce_of(response)
    again = client.post("/sign-in", data={"email": "a@example.police.uk", "password": "x"})
    assert _nonce_of(again) != first  # one per response, never reused


def test_too_large_page_has_a_real_nonce(app, client) -> None:
    response = client.post(
        "/sign-in", data={"email": "a@example.police.uk", "password": "x" * 8000}
    )
    assert response.status_code == 413
    assert "The file is too large" in response.get_data(as_text=True)
    _nonce_of(response)


def test_signed_in_csrf_refusal_has_a_real_nonce(app, client, signed_in) -> None:
    signed_in("psd")
    response = client.post("/sign-out")  # no token
    assert response.status_code == 400
    _nonce_of(response)


def test_ordinary_page_nonce_unchanged(app, client) -> None:
    response = client.get("/sign-in")
    assert response.status_code == 200
    _nonce_of(response)
