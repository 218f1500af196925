"""Signing in through the force's OpenID provider (SPEC §16), against a real provider
(panva's oidc-provider in Node, tests/oidcserver.py): the code flow with PKCE, state and
nonce, identity from the provider and roles only from CaseTrack, and every failure a clear
message, never a 500."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from oidcserver import CLIENT_ID, CLIENT_SECRET, Provider, running_provider, sign_in_at_provider
from sqlalchemy import select

from casetrack.audit.models import AuditEvent
from casetrack.auth.models import ExternalIdentity, User
from casetrack.extensions import db

FORCE = "West Midlands Police"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider(
        ["http://localhost/sign-in/oidc/callback", "http://127.0.0.1/sign-in/oidc/callback"]
    ) as running:
        yield running


@pytest.fixture
def app_config(app_config: dict[str, Any], provider: Provider) -> dict[str, Any]:
    return {
        **app_config,
        "OIDC_ISSUER": provider.url,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "FORCE_NAME": FORCE,
    }


def _start(client: Any, path: str = "/sign-in/oidc") -> str:
    response = client.get(path)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def _callback(client: Any, url: str) -> Any:
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in_with_provider(client: Any, login: str = "p.shah", **kwargs: Any) -> Any:
    return _callback(client, sign_in_at_provider(_start(client), login, **kwargs))


def _audit(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        )
    )


def _failure_reason() -> str:
    return json.loads(_audit("sign_in_failed")[-1].details)["reason"]


def test_sign_in_page_offers_the_force_account(app, client) -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    assert f"Sign in with {FORCE} account" in page


def test_authorisation_request_uses_pkce_state_and_nonce(app, client) -> None:
    query = parse_qs(urlsplit(_start(client)).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["scope"] == ["openid email profile"]


def test_first_sign_in_links_by_verified_email_and_roles_stay_ours(app, client, make_user) -> None:
    user = make_user("psd", email="priya.shah@example.police.uk")
    response = sign_in_with_provider(client)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert f"Signed in as {user.name}" in home
    db.session.expire_all()
    assert db.session.get(User, user.id).role == "psd"  # the provider's "role" claim ignored
    [identity] = db.session.scalars(select(ExternalIdentity)).all()
    assert identity.user_id == user.id and identity.subject == "p.shah"
    assert [json.loads(e.details)["how"] for e in _audit("identity_linked")] == ["verified email"]
    assert json.loads(_audit("sign_in")[-1].details)["method"] == "oidc"


def test_later_sign_ins_match_on_issuer_and_subject(app, make_user) -> None:
    user = make_user("psd", email="priya.shah@example.police.uk")
    assert sign_in_with_provider(app.test_client()).status_code == 302
    user.email = "p.shah.renamed@example.police.uk"  # the email no longer matches
    db.session.commit()
    client = app.test_client()
    assert sign_in_with_provider(client).status_code == 302
    assert f"Signed in as {user.name}" in client.get("/").get_data(as_text=True)
    assert len(_audit("identity_linked")) == 1


def test_unknown_identity_is_refused(app, client) -> None:
    response = sign_in_with_provider(client, "newcomer")
    assert response.status_code == 400
    assert "There is no CaseTrack account for your" in response.get_data(as_text=True)
    assert _failure_reason() == "unknown identity"
    assert client.get("/").status_code == 302  # not signed in


def test_unverified_email_is_not_linked(app, client, make_user) -> None:
    make_user("psd", email="priya.shah@example.police.uk")
    response = sign_in_with_provider(client, "unverified")
    assert response.status_code == 400
    assert db.session.scalars(select(ExternalIdentity)).all() == []


def test_unknown_identity_may_get_an_account_without_a_role(app, client) -> None:
    app.config["OIDC_UNKNOWN"] = "no_role"
    response = sign_in_with_provider(client, "newcomer")
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.starter@example.police.uk"))
    assert user is not None and user.role == "none" and user.forces == []
    assert client.get("/").status_code == 200
    assert client.get("/cases").status_code == 403


def test_replayed_and_missing_state_are_refused(app, client, make_user) -> None:
    make_user("psd", email="priya.shah@example.police.uk")
    callback = sign_in_at_provider(_start(client), "p.shah")
    assert _callback(client, callback).status_code == 302
    other = app.test_client()  # an attacker replaying the callback URL in another browser
    replayed = _callback(other, callback)
    assert replayed.status_code == 400
    assert "expired or has already been used" in replayed.get_data(as_text=True)
    assert _failure_reason() == "missing or replayed state"
    missing = other.get("/sign-in/oidc/callback")
    assert missing.status_code == 400


def test_user_cancelled_at_the_provider(app, client) -> None:
    response = sign_in_with_provider(client, cancel=True)
    assert response.status_code == 400
    assert "You did not finish signing in" in response.get_data(as_text=True)
    assert _failure_reason() == "cancelled at the provider"


def test_wrong_client_secret(app, client) -> None:
    app.config["OIDC_CLIENT_SECRET"] = "not-the-secret"
    response = sign_in_with_provider(client)
    assert response.status_code == 400
    assert "refused CaseTrack&#39;s sign-in request" in response.get_data(as_text=True)
    assert _failure_reason().startswith("provider refused the client")


def test_wrong_audience(app, client, make_user, monkeypatch) -> None:
    """An ID token issued to another client is refused (the real token, checked as if
    CaseTrack were registered as another client)."""
    from casetrack.auth import oidc

    make_user("psd", email="priya.shah@example.police.uk")
    authorize = _start(client)
    real = type(oidc.client()).parse_id_token

    def as_another_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(self, "client_id", "another-service")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(type(oidc.client()), "parse_id_token", as_another_client)
    response = _callback(client, sign_in_at_provider(authorize, "p.shah"))
    assert response.status_code == 400
    assert "was meant for another service" in response.get_data(as_text=True)
    # the audience, or the authorised party the provider names with it
    assert _failure_reason() in ("id_token claim aud invalid", "id_token claim azp invalid")


def test_nonce_mismatch(app, client, make_user) -> None:
    make_user("psd", email="priya.shah@example.police.uk")
    callback = sign_in_at_provider(_start(client), "p.shah")
    with client.session_transaction() as session:
        [key] = [k for k in session if k.startswith("_state_force_")]
        state = dict(session[key])
        state["data"] = {**state["data"], "nonce": "not-the-nonce"}
        session[key] = state
    response = _callback(client, callback)
    assert response.status_code == 400
    assert "did not match the one CaseTrack started" in response.get_data(as_text=True)


def test_expired_id_token(app, client, make_user, provider) -> None:
    make_user("psd", email="priya.shah@example.police.uk")
    callback = sign_in_at_provider(_start(client), "p.shah")
    provider.clock(-2 * 3600)  # the token is issued two hours ago: expired an hour ago
    try:
        response = _callback(client, callback)
    finally:
        provider.clock(0)
    assert response.status_code == 400
    assert "had expired" in response.get_data(as_text=True)
    assert _failure_reason() == "expired id_token"


def test_provider_down(app, client) -> None:
    app.config["OIDC_ISSUER"] = "http://127.0.0.1:9"  # nothing listens there
    response = client.get("/sign-in/oidc")
    assert response.status_code == 503
    assert "sign-in service is not answering" in response.get_data(as_text=True)
    assert _failure_reason() == "provider unreachable"


def test_key_rotation_refetches_the_keys(app, make_user, provider) -> None:
    make_user("psd", email="priya.shah@example.police.uk")
    assert sign_in_with_provider(app.test_client()).status_code == 302
    provider.rotate_keys()  # the next ID token has a key id CaseTrack has not seen
    assert sign_in_with_provider(app.test_client()).status_code == 302


def test_sign_out_ends_the_provider_session_too(app, client, make_user, auth) -> None:
    make_user("psd", email="priya.shah@example.police.uk")
    sign_in_with_provider(client)
    response = auth.sign_out()
    location = response.headers["Location"]
    assert location.startswith(app.config["OIDC_ISSUER"])
    query = parse_qs(urlsplit(location).query)
    assert query["post_logout_redirect_uri"] == ["http://localhost/sign-in"]
    assert client.get("/").status_code == 302


def test_step_up_signs_in_at_the_provider_again(
    app, client, make_user, travel_to, provider, request
) -> None:
    from datetime import timedelta

    from casetrack.timeutil import utcnow

    user = make_user("psd", email="priya.shah@example.police.uk", second_factor=False)
    sign_in_with_provider(client)
    travel_to(utcnow() + timedelta(minutes=16))
    provider.clock(16 * 60)  # the provider's clock goes with the tests'
    request.addfinalizer(lambda: provider.clock(0))
    again = client.get("/account/confirm?next=/account/second-factors")
    assert again.headers["Location"].startswith("/sign-in/oidc?step_up=1")
    authorize = _start(client, again.headers["Location"])
    assert parse_qs(urlsplit(authorize).query)["prompt"] == ["login"]
    response = _callback(client, sign_in_at_provider(authorize, "p.shah"))
    assert response.headers["Location"] == "/account/second-factors"
    assert [e.object_id for e in _audit("second_factor_confirmed")] == [str(user.id)]


def test_a_temporary_password_does_not_stop_a_provider_sign_in(app, client, make_user) -> None:
    make_user("psd", email="priya.shah@example.police.uk", must_change_password=True)
    assert sign_in_with_provider(client).headers["Location"] == "/"
    assert client.get("/cases").status_code == 200
