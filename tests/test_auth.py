"""Sign-in, throttling, sessions and their server-side invalidation, CSRF, headers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from casetrack.audit.models import AuditEvent
from casetrack.auth.models import User, UserSession
from casetrack.extensions import db
from casetrack.timeutil import utcnow
from conftest import TEST_PASSWORD, AuthActions, finish_sign_in, rule_url


def _actions(app) -> AuthActions:
    return AuthActions(app.test_client())


def _audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def _normalised(html: str) -> str:
    """A page with its per-request tokens removed, to compare two responses."""
    html = re.sub(r'value="[^"]*"', 'value=""', html)
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


def test_sign_in_and_out(app, auth, client, make_user) -> None:
    user = make_user("psd")
    response = auth.sign_in(user.email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert f"Signed in as {user.name}" in home.get_data(as_text=True)
    response = auth.sign_out()
    assert response.headers["Location"] == "/sign-in"
    assert "You have signed out" in client.get("/sign-in").get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert [a for a in _audit_actions() if a != "dashboard_viewed"][-2:] == [
        "sign_in",
        "sign_out",
    ]


def test_email_is_case_insensitive(app, auth, make_user) -> None:
    user = make_user("psd", email="Priya.Shah@Example.police.uk")
    assert auth.sign_in("  PRIYA.shah@example.POLICE.uk ").status_code == 302
    assert user.email == "priya.shah@example.police.uk"


def test_no_user_enumeration(app, make_user) -> None:
    """Unknown account, wrong password and deactivated account look exactly the same."""
    known = make_user("psd", email="known@example.police.uk")
    gone = make_user("psd", email="gone@example.police.uk")
    gone.active = False
    db.session.commit()
    pages = []
    for email, password in [
        ("known@example.police.uk", "wrong password here"),
        ("nobody@example.police.uk", "wrong password here"),
        ("gone@example.police.uk", TEST_PASSWORD),
    ]:
        response = _actions(app).sign_in(email, password)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert "Enter a correct email address and password" in body
        pages.append(_normalised(body).replace(email, "EMAIL"))
    assert pages[0] == pages[1] == pages[2]
    failures = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "sign_in_failed").order_by(AuditEvent.seq)
    ).all()
    assert [e.actor for e in failures] == [known.email, "nobody@example.police.uk", gone.email]


def test_typed_email_is_kept_on_error(app, auth) -> None:
    body = auth.sign_in("someone@example.police.uk", "not the password").get_data(as_text=True)
    assert 'value="someone@example.police.uk"' in body
    assert "There is a problem" in body


def test_throttled_per_account_not_globally(app, make_user) -> None:
    victim = make_user("psd", email="victim@example.police.uk")
    other = make_user("psd", email="other@example.police.uk")
    for _ in range(5):
        assert _actions(app).sign_in(victim.email, "wrong password!").status_code == 200
    throttled = _actions(app).sign_in(victim.email)  # even the right password is refused now
    assert throttled.status_code == 429
    assert "Too many failed attempts to sign in" in throttled.get_data(as_text=True)
    assert _actions(app).sign_in(other.email).status_code == 302  # same address, other account
    assert "sign_in_throttled" in _audit_actions()


def test_successful_sign_ins_are_not_counted(app, make_user) -> None:
    user = make_user("psd")
    for _ in range(8):
        actions = _actions(app)
        assert actions.sign_in(user.email).status_code == 302


def test_throttled_per_address(app, make_user) -> None:
    app.config["LOGIN_LIMIT_ADDRESS"] = "3 per 15 minutes"
    user = make_user("psd")
    for n in range(3):
        assert (
            _actions(app).sign_in(f"guess{n}@example.police.uk", "wrong password!").status_code
            == 200
        )
    assert _actions(app).sign_in(user.email).status_code == 429
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert AuthActions(elsewhere).sign_in(user.email).status_code == 302


def test_new_session_on_sign_in(app, client, auth, make_user) -> None:
    user = make_user("psd")
    auth.csrf_token("/sign-in")
    before = client.get_cookie("casetrack_session").value
    auth.sign_in(user.email)
    first = client.get_cookie("casetrack_session").value
    assert first != before
    tokens = set(db.session.scalars(select(UserSession.token_hash)))
    auth.sign_out()
    auth.sign_in(user.email)
    assert set(db.session.scalars(select(UserSession.token_hash))).isdisjoint(tokens)


def _replay(app, cookie_value: str):
    replay = app.test_client()
    replay.set_cookie("casetrack_session", cookie_value)
    return replay.get("/")


def test_cookie_replay_after_sign_out_fails(app, client, auth, make_user) -> None:
    user = make_user("psd")
    auth.sign_in(user.email)
    stolen = client.get_cookie("casetrack_session").value
    assert _replay(app, stolen).status_code == 200
    auth.sign_out()
    response = _replay(app, stolen)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_password_change_signs_out_other_browsers(app, client, auth, make_user) -> None:
    user = make_user("psd")
    other = _actions(app)
    other.sign_in(user.email)
    auth.sign_in(user.email)
    response = auth.post(
        "/account/password",
        {
            "current_password": TEST_PASSWORD,
            "new_password": "a brand new long passphrase",
            "confirm_password": "a brand new long passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this browser carries on
    assert other.client.get("/").status_code == 302  # the other one is signed out
    assert _actions(app).sign_in(user.email, "a brand new long passphrase").status_code == 302
    assert "password_changed" in _audit_actions()


def test_password_change_keeps_input_on_error(app, auth, make_user) -> None:
    user = make_user("psd")
    auth.sign_in(user.email)
    response = auth.post(
        "/account/password",
        {
            "current_password": "not my password",
            "new_password": "short",
            "confirm_password": "different",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Password must be 12 characters or more" in body
    assert "The passwords do not match" in body
    db.session.refresh(user)
    assert _actions(app).sign_in(user.email).status_code == 302  # unchanged


@pytest.mark.parametrize("change", ["role", "deactivate", "reset_password"])
def test_admin_changes_sign_the_user_out(app, auth, make_user, change: str) -> None:
    target = make_user("psd")
    target_browser = _actions(app)
    target_browser.sign_in(target.email)
    assert target_browser.client.get("/").status_code == 200
    admin = make_user("admin")
    auth.sign_in(admin.email)
    path = f"/admin/users/{target.id}"
    if change == "role":
        data = {"name": target.name, "role": "leadership", "forces": [f.id for f in target.forces]}
        response = auth.post(path, data)
    elif change == "deactivate":
        response = auth.post(f"{path}/deactivate", form_path=path)
    else:
        # a PSD account: the administrator asks, a head of PSD will choose the password
        # (SPEC §9.1); asking already signs the account out everywhere
        response = auth.post(f"{path}/password")
    assert response.status_code == 302
    assert target_browser.client.get("/").status_code == 302


def test_idle_timeout(app, client, auth, make_user) -> None:
    user = make_user("psd")
    auth.sign_in(user.email)
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 302
    assert "session expired" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_activity_keeps_the_session_alive(app, client, auth, make_user) -> None:
    user = make_user("psd")
    auth.sign_in(user.email)
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=29)))
    db.session.commit()
    assert client.get("/").status_code == 200
    seen = db.session.scalar(select(UserSession.last_seen_at))
    assert seen.replace(tzinfo=None) > (utcnow() - timedelta(minutes=1)).replace(tzinfo=None)


def test_absolute_timeout(app, client, auth, make_user) -> None:
    user = make_user("psd")
    auth.sign_in(user.email)
    db.session.execute(
        update(UserSession).values(created_at=utcnow() - timedelta(hours=12, minutes=1))
    )
    db.session.commit()
    assert client.get("/").status_code == 302


def test_must_change_password_first(app, client, auth, make_user) -> None:
    user = make_user("psd", must_change_password=True)
    response = auth.sign_in(user.email)
    assert response.headers["Location"] == "/account/password"
    assert client.get("/").headers["Location"] == "/account/password"
    auth.post(
        "/account/password",
        {
            "current_password": TEST_PASSWORD,
            "new_password": "my own long passphrase",
            "confirm_password": "my own long passphrase",
        },
    )
    assert client.get("/").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).must_change_password is False


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil"])
def test_no_open_redirect_after_sign_in(app, client, make_user, target: str) -> None:
    user = make_user("psd")
    actions = AuthActions(client)
    token = actions.csrf_token("/sign-in")
    response = client.post(
        f"/sign-in?next={target}",
        data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token},
    )
    assert finish_sign_in(client, response, user.email).headers["Location"] == "/"


def test_next_is_followed_when_local(app, client, make_user) -> None:
    user = make_user("admin")
    assert client.get("/admin/users").headers["Location"] == "/sign-in?next=%2Fadmin%2Fusers"
    token = AuthActions(client).csrf_token("/sign-in")
    response = client.post(
        "/sign-in?next=/admin/users",
        data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token},
    )
    assert finish_sign_in(client, response, user.email).headers["Location"] == "/admin/users"


def test_every_post_route_needs_csrf(app, client, auth, make_user, make_department) -> None:
    """Without a token, or with a wrong one, every POST is refused and nothing changes."""
    admin = make_user("admin")
    auth.sign_in(admin.email)
    values = {
        "user_id": admin.id,
        "force_id": 1,
        "department_id": make_department().id,
        "case_id": 1,
        "item_id": 1,
        "action": "assess",
        "link_id": 1,  # the CSRF check refuses before any link or person is looked up
        "investigation_id": 1,
        "person_id": 1,
    }
    before = db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()):
            continue
        path = rule_url(app, rule, values)
        for data in ({}, {"csrf_token": "forged"}):
            response = client.post(
                path, data={**data, "email": admin.email, "password": TEST_PASSWORD, "name": "X"}
            )
            assert response.status_code == 400, path
            assert "Your form could not be sent" in response.get_data(as_text=True)
            checked += 1
    assert checked >= 16
    after = db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    assert after == before
    assert client.get("/").status_code == 200  # still signed in: sign-out without CSRF refused


def test_security_headers(app, client) -> None:
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "default-src 'self'",
    ):
        assert directive in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    scripts = re.findall(r"<script[^>]*>", response.get_data(as_text=True))
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/sign-in").headers["Content-Security-Policy"] != csp  # fresh nonce


def test_cookie_flags_outside_development(app_config, make_user) -> None:
    from casetrack import create_app
    from conftest import IsolatedClient

    app_config["DEVELOPMENT"] = False
    production = create_app(app_config)
    production.test_client_class = IsolatedClient
    client = production.test_client()
    response = client.get("/sign-in", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
