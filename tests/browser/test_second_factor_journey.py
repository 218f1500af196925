"""The sign-in journeys of SPEC §16 in Chromium, with axe on every CaseTrack page shown:
password + authenticator app, first sign-in set-up with recovery codes, a recovery code,
password + passkey (Chromium's virtual authenticator through the DevTools protocol), step-up
after 15 minutes, and signing in through a real OpenID provider's login and consent pages."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from oidcserver import CLIENT_ID, CLIENT_SECRET, Provider, running_provider
from playwright.sync_api import Page, expect

from casetrack.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from casetrack.extensions import db
from casetrack.timeutil import utcnow
from conftest import KNOWN_RECOVERY_CODES, TEST_PASSWORD, give_second_factor, totp_code

from .browser_helpers import LiveServer, check_accessibility, screenshot, second_factor, sign_in

pytestmark = pytest.mark.browser


def _new_user(server: LiveServer, *, with_app: bool) -> tuple[str, str | None]:
    """A PSD account of the demo's WMP, made on the live server's database."""
    from casetrack.auth.service import create_user
    from casetrack.org.service import force_by_code

    email = f"mfa.{uuid.uuid4().hex[:8]}@example.police.uk"
    with server.app.app_context():
        user = create_user(
            email=email,
            name="Morgan Second",
            role="psd",
            password=TEST_PASSWORD,
            forces=[force_by_code("WMP")],
            must_change_password=False,
        )
        db.session.commit()
        secret = give_second_factor(user) if with_app else None
        db.session.remove()
    return email, secret


def _password(page: Page, base: str, email: str, password: str = TEST_PASSWORD) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def test_password_and_authenticator_app(page: Page, live_server: LiveServer) -> None:
    email = "head.psd@example.police.uk"
    _password(page, live_server.url, email, DEMO_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/sign-in/second-factor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    check_accessibility(page, "second-factor")
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("The code is not right")
    check_accessibility(page, "second-factor-error")
    code = totp_code(live_server.app, email)
    assert code is not None and pyotp.TOTP(DEMO_TOTP_SECRET).verify(code, valid_window=1)
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("banner")).to_contain_text("Signed in as Helen Okafor")
    page.get_by_role("link", name="Your second factors").click()
    check_accessibility(page, "second-factors")
    page.get_by_role("button", name="Sign out").click()


def test_first_sign_in_sets_up_an_app(page: Page, live_server: LiveServer) -> None:
    email, _ = _new_user(live_server, with_app=False)
    _password(page, live_server.url, email)
    expect(page).to_have_url(f"{live_server.url}/sign-in/set-up")
    check_accessibility(page, "set-up")
    screenshot(page, "second-factor-set-up")
    secret = page.locator("[data-totp-secret]").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.locator("[data-recovery-codes] code").all_inner_texts()
    assert len(codes) == 10
    check_accessibility(page, "recovery-codes")
    page.get_by_role("button", name="I have saved my recovery codes").click()
    expect(page).to_have_url(f"{live_server.url}/")
    page.get_by_role("button", name="Sign out").click()

    # lost the phone: a recovery code, once
    _password(page, live_server.url, email)
    page.get_by_role("link", name="Use a recovery code").click()
    check_accessibility(page, "recovery-code")
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("region", name="Important")).to_contain_text("9 recovery codes left")


@pytest.fixture
def authenticator(page: Page) -> Iterator[Any]:
    """Chromium's virtual authenticator (a platform passkey that verifies the user)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    found = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    yield cdp, found["authenticatorId"]
    cdp.send("WebAuthn.disable")


def test_password_and_passkey(page: Page, live_server: LiveServer, authenticator) -> None:
    cdp, authenticator_id = authenticator
    # a passkey's relying party is a domain name, never an address: use localhost
    base = live_server.url.replace("127.0.0.1", "localhost")
    email, _ = _new_user(live_server, with_app=False)
    _password(page, base, email)
    expect(page).to_have_url(f"{base}/sign-in/set-up")
    page.get_by_label("Name this passkey").fill("Work laptop")
    page.get_by_role("button", name="Set up a passkey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    [credential] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})[
        "credentials"
    ]
    assert credential["rpId"] == "localhost"
    page.get_by_role("button", name="I have saved my recovery codes").click()
    expect(page).to_have_url(f"{base}/")
    page.get_by_role("button", name="Sign out").click()

    _password(page, base, email)
    expect(page).to_have_url(f"{base}/sign-in/second-factor")
    check_accessibility(page, "second-factor-passkey")
    page.get_by_role("button", name="Use your passkey").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("banner")).to_contain_text("Signed in as Morgan Second")
    after = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert after["credentials"][0]["signCount"] >= 1


def test_step_up_after_fifteen_minutes(page: Page, live_server: LiveServer, travel_to) -> None:
    email, secret = _new_user(live_server, with_app=True)
    sign_in(page, live_server, email, TEST_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    travel_to(utcnow() + timedelta(minutes=16))
    page.goto(f"{live_server.url}/account/second-factors/app")
    expect(page).to_have_url(f"{live_server.url}/account/confirm?next=/account/second-factors/app")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    check_accessibility(page, "step-up")
    page.get_by_label("Code from your authenticator app").fill(totp_code(live_server.app, email))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/account/second-factors/app")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an authenticator app")
    assert KNOWN_RECOVERY_CODES[secret]


# ---- OpenID Connect ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    # loopback redirect URIs match on any port (RFC 8252 §7.3): the live server's
    with running_provider(["http://127.0.0.1/sign-in/oidc/callback"]) as running:
        yield running


@pytest.fixture
def with_oidc(live_server: LiveServer, provider: Provider) -> Iterator[None]:
    config = live_server.app.config
    before = {k: config.get(k) for k in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")}
    config.update(
        OIDC_ISSUER=provider.url,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
        OIDC_PROVIDER_NAME="West Midlands Police",
    )
    yield
    config.update(before, OIDC_PROVIDER_NAME=None)


def test_sign_in_through_the_force_provider(page: Page, live_server: LiveServer, with_oidc) -> None:
    page.goto(f"{live_server.url}/sign-in")
    check_accessibility(page, "sign-in-with-provider")
    screenshot(page, "sign-in-with-provider")
    page.get_by_role("button", name="Sign in with West Midlands Police account").click()
    # the provider's own pages: log in, then consent
    page.locator("input[name=login]").fill("h.okafor")
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("banner")).to_contain_text("Signed in as Helen Okafor (Head of PSD)")
    check_accessibility(page, "home-after-provider")
    page.get_by_role("button", name="Sign out").click()
    # RP-initiated sign-out: the provider asks, then comes back to CaseTrack's sign-in page
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(
        re.compile(re.escape(f"{live_server.url}/sign-in") + r"(\?state=.*)?$")
    )
    expect(page.get_by_role("alert", name="Success")).to_contain_text("You have signed out")
    check_accessibility(page, "signed-out-at-provider")


def test_provider_cancel_is_explained(page: Page, live_server: LiveServer, with_oidc) -> None:
    page.goto(f"{live_server.url}/sign-in")
    page.get_by_role("button", name="Sign in with West Midlands Police account").click()
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("alert")).to_contain_text("You did not finish signing in")
    check_accessibility(page, "provider-cancelled")


def test_demo_sign_in_still_works(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server, "leadership@example.police.uk", DEMO_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    second_factor(page, live_server.app, "leadership@example.police.uk")  # nothing more to do
