"""A real OpenID provider for the tests: panva's oidc-provider (tests/oidc/provider.mjs) in
Node on a free loopback port, with a test client registered. Its packages are installed with
`npm ci` the first time (tests/oidc/package-lock.json pins them).

The provider's clock is the tests' (the run is time-travelled): it is given the moment at
start and keeps the offset; `clock(offset)` moves it, `rotate_keys()` makes it sign with a
new key from then on. `sign_in_at_provider()` drives its real login and consent pages with
plain HTTP, as a browser would, and returns the callback URL it sends the browser back to.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import requests

HERE = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "casetrack-test"
CLIENT_SECRET = "casetrack-test-secret-0123456789abcdef"
CALLBACK_PATH = "/sign-in/oidc/callback"

# Who the provider knows: login → claims. Roles are never among them (SPEC §16).
ACCOUNTS = {
    "p.shah": {
        "email": "priya.shah@example.police.uk",
        "email_verified": True,
        "name": "Priya Shah",
        "role": "psd_head",  # a claim CaseTrack must ignore
    },
    "unverified": {"email": "priya.shah@example.police.uk", "email_verified": False},
    "h.okafor": {  # the demo's head of PSD
        "email": "head.psd@example.police.uk",
        "email_verified": True,
        "name": "Helen Okafor",
    },
    "newcomer": {
        "email": "new.starter@example.police.uk",
        "email_verified": True,
        "name": "New Starter",
    },
}


def install() -> None:
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True
        )


@dataclass
class Provider:
    url: str
    process: subprocess.Popen[str]

    def clock(self, offset_seconds: float) -> None:
        requests.post(f"{self.url}/__test/clock?offset_ms={int(offset_seconds * 1000)}", timeout=5)

    def rotate_keys(self) -> str:
        return requests.post(f"{self.url}/__test/rotate", timeout=5).text


@contextlib.contextmanager
def running_provider(redirect_uris: list[str]) -> Iterator[Provider]:
    install()
    node = shutil.which("node")
    assert node, "Node.js is needed for the OpenID provider tests"
    client = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": redirect_uris,
        "post_logout_redirect_uris": [u.replace(CALLBACK_PATH, "/sign-in") for u in redirect_uris],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
        # a "native" client's loopback redirect URIs match on any port (RFC 8252 §7.3), so
        # the live servers' free ports need no registering
        "application_type": "native",
    }
    with tempfile.TemporaryDirectory() as folder:
        settings = Path(folder) / "settings.json"
        settings.write_text(
            json.dumps({"now_ms": time.time() * 1000, "clients": [client], "accounts": ACCOUNTS})
        )
        process = subprocess.Popen(
            [node, str(HERE / "provider.mjs"), str(settings)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=HERE,
        )
        try:
            line = process.stdout.readline() if process.stdout else ""
            match = re.match(r"LISTENING (\d+)", line)
            assert match, f"the OpenID provider did not start: {line!r}"
            yield Provider(url=f"http://127.0.0.1:{match[1]}", process=process)
        finally:
            if process.stdout:
                process.stdout.close()
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _form(page: str, base: str) -> tuple[str, dict[str, str]]:
    form = re.search(r'<form[^>]*action="([^"]+)"[^>]*method="post"', page)
    assert form, page[:500]
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    return urljoin(base, unescape(form[1])), hidden


def sign_in_at_provider(authorize_url: str, login: str, *, cancel: bool = False) -> str:
    """Follow the provider's pages from the authorisation URL: log in as `login`, consent
    (or cancel), and return the URL it redirects the browser back to (our callback)."""
    browser = requests.Session()
    url = authorize_url
    for _ in range(12):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if CALLBACK_PATH in url:
                return url
            continue
        page = response.text
        if cancel:
            abort = re.search(r'href="([^"]*/abort)"', page)
            assert abort, page[:500]
            url = urljoin(url, unescape(abort[1]))
            continue
        action, fields = _form(page, url)
        if fields.get("prompt") == "login":
            fields.update(login=login, password="any")
        response = browser.post(action, data=fields, allow_redirects=False, timeout=10)
        assert response.is_redirect, response.text[:500]
        url = urljoin(action, response.headers["Location"])
        if CALLBACK_PATH in url:
            return url
    raise AssertionError("the provider never sent the browser back")
