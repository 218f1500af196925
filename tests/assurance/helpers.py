"""Shared helpers: signed-in clients, CSRF tokens, response classification, HTML scanning."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from flask import Flask

from conftest import finish_sign_in

PASSWORD = "correct horse battery staple"  # tests/conftest.py TEST_PASSWORD
ACCESS_DENIED = "You do not have access to this page"
NOT_FOUND = "Page not found"
CSRF_REFUSED = "Your form could not be sent"

_TOKEN = [
    re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"'),
    re.compile(r'name="csrf_token" value="([^"]+)"'),
    re.compile(r'value="([^"]+)" name="csrf_token"'),
]


def token_in(page: str) -> str | None:
    for pattern in _TOKEN:
        match = pattern.search(page)
        if match:
            return match.group(1)
    return None


def csrf(client: Any, path: str = "/") -> str:
    page = client.get(path).get_data(as_text=True)
    token = token_in(page)
    assert token, f"no CSRF token on {path}"
    return token


def signed_in_client(app: Flask, user: Any, password: str = PASSWORD) -> Any:
    client = app.test_client()
    token = csrf(client, "/sign-in")
    response = client.post(
        "/sign-in", data={"email": user.email, "password": password, "csrf_token": token}
    )
    response = finish_sign_in(client, response, user.email)  # the second factor (SPEC §16)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return client


def text_of(response: Any) -> str:
    if response.mimetype in ("text/html", "text/plain", "application/json", "text/csv"):
        return response.get_data(as_text=True)
    return ""


def denied(response: Any) -> bool:
    """Refused by a route permission or an object rule: the access-denied page, 'Page not
    found' (a case the user may not see is not revealed), or sent to sign in."""
    if response.status_code == 302:
        return "/sign-in?next=" in response.headers.get("Location", "")
    body = text_of(response)
    if response.status_code == 403:
        return ACCESS_DENIED in body
    return response.status_code == 404


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# ---- HTML: structural check that nothing typed by a user became markup ---------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}


class DangerScanner(HTMLParser):
    """Collects markup that could run or fetch something: event-handler attributes, scripts
    without the page's nonce, javascript:/data: URLs, and any tag whose name or attribute
    names carry one of the payload markers (i.e. markup that came from user input)."""

    def __init__(self, markers: list[str], nonce: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.markers = [m.lower() for m in markers]
        self.nonce = nonce
        self.problems: list[str] = []
        self.in_script = False
        self.script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = [name.lower() for name, _ in attrs]
        values = {name.lower(): (value or "") for name, value in attrs}
        described = f"<{tag} {' '.join(names)}>"
        if any(m in tag.lower() or any(m in n for n in names) for m in self.markers):
            self.problems.append(f"markup from input: {described}")
        for name in names:
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name} on {described}")
        for name in URL_ATTRIBUTES & set(names):
            value = re.sub(r"[\s\x00-\x1f]", "", values[name]).lower()
            if value.startswith(("javascript:", "vbscript:", "data:text/html")):
                self.problems.append(f"script URL in {name} of {described}")
        if tag == "script":
            self.in_script = True
            if self.nonce is None or values.get("nonce") != self.nonce:
                self.problems.append(f"script without the page nonce: {described}")
        for name in ("src", "srcset", "style", "data", "poster", "xlink:href"):
            if name in values and any(m in values[name].lower() for m in self.markers):
                self.problems.append(f"input in the {name} attribute of {described}")
        if tag in ("link", "base", "iframe", "object", "embed", "script") and any(
            m in v.lower() for v in values.values() for m in self.markers
        ):
            self.problems.append(f"input inside a {tag} tag: {described}")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.problems.append("meta refresh")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.script_text.append(data)
            lowered = data.lower()
            if any(m in lowered for m in self.markers):
                self.problems.append("input inside a script element")


def scan_html(html: str, markers: list[str], csp: str | None) -> list[str]:
    nonce = None
    if csp:
        match = re.search(r"'nonce-([^']+)'", csp)
        nonce = match.group(1) if match else None
    scanner = DangerScanner(markers, nonce)
    scanner.feed(html)
    scanner.close()
    return scanner.problems


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7"
    b"\x9a\x86\x9e\x00\x00\x00\x00IEND\xaeB`\x82"
)


def errors_on(page: str) -> list[str]:
    """The GOV.UK error messages on a page (for assertion messages)."""
    found = re.findall(r'class="govuk-error-message"[^>]*>(.*?)</(?:p|span)>', page, re.S)
    found += re.findall(r'<div class="govuk-error-summary__body">(.*?)</div>', page, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", f)).strip() for f in found]


def browser_filename(name: str) -> str:
    """A file name as a browser sends it in multipart/form-data (HTML spec: " CR LF escaped)."""
    return name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
