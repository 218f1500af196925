"""Helpers for the browser tests: sign in through the real form, axe checks, screenshots.

Kept in an ordinary module (not conftest.py) so test modules can import them plainly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_RESULTS = ARTIFACTS / "axe"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@dataclass
class LiveServer:
    url: str
    app: Flask


def safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{safe_name(name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def run_axe(page: Page, label: str) -> dict[str, Any]:
    """axe-core's results (WCAG 2.0/2.1/2.2 A and AA), also saved to
    test-artifacts/axe/<label>.json with the incomplete checks."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations", "incomplete"],
        },
    )
    AXE_RESULTS.mkdir(parents=True, exist_ok=True)
    (AXE_RESULTS / f"{safe_name(label)}.json").write_text(
        json.dumps(results.response, indent=2), encoding="utf-8"
    )
    return results.response


def check_accessibility(page: Page, label: str) -> dict[str, Any]:
    """Run axe-core and fail on ANY violation, whatever its impact."""
    response = run_axe(page, label)
    violations = response["violations"]
    if violations:
        lines = [f"{len(violations)} accessibility violation(s) on {label} ({page.url}):"]
        for violation in violations:
            lines.append(
                f"- {violation['id']} [{violation['impact']}]: {violation['help']} "
                f"({violation['helpUrl']})"
            )
            for node in violation["nodes"]:
                target = ", ".join(map(str, node["target"]))
                lines.append(f"    target {target}: {node['html']}")
        pytest.fail("\n".join(lines), pytrace=False)
    return response


def sign_in(page: Page, server: LiveServer, email: str, password: str) -> None:
    """Sign in through the real form, as a person would, then show the second factor."""
    page.goto(f"{server.url}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    second_factor(page, server.app, email)


def second_factor(page: Page, app: Flask, email: str) -> None:
    """On the second-factor page, type the authenticator app's code (a recovery code once
    this window's codes are used); on the set-up page, set an app up. Else nothing."""
    import pyotp

    from conftest import KNOWN_RECOVERY_CODES, recovery_code, totp_code

    path = page.url.split("?")[0]
    if path.endswith("/sign-in/second-factor"):
        code = totp_code(app, email)
        if code is None:
            page.get_by_role("link", name="Use a recovery code").click()
            code = recovery_code(app, email)
            assert code, f"no unused code left for {email}"
            page.get_by_label("Recovery code").fill(code)
        else:
            page.get_by_label("Code from your authenticator app").fill(code)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state("load")
        if page.url.split("?")[0].endswith("/sign-in/second-factor"):
            # the code's 30-second step passed while it was typed (the server takes one step
            # either side): a recovery code instead, as a person would
            page.get_by_role("link", name="Use a recovery code").click()
            spare = recovery_code(app, email)
            assert spare, f"no unused code left for {email}"
            page.get_by_label("Recovery code").fill(spare)
            page.get_by_role("button", name="Continue").click()
            page.wait_for_load_state("load")
        assert not page.url.split("?")[0].endswith("/sign-in/recovery-code"), (
            f"not signed in as {email}: "
            + page.locator("main").inner_text()[:600].replace("\n", " / ")
        )
    elif path.endswith("/sign-in/set-up"):
        secret = page.locator("[data-totp-secret]").inner_text().replace(" ", "")
        page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state("load")
        KNOWN_RECOVERY_CODES[secret] = page.locator("[data-recovery-codes] code").all_inner_texts()
        page.get_by_role("button", name="I have saved my recovery codes").click()
        page.wait_for_load_state("load")
