"""Second factors for local accounts (SPEC §16): password then a code, each code used once,
recovery codes, setting one up at first sign-in, throttling, step-up after 15 minutes.

The codes are worked out with pyotp at a moment each test chooses (travel_to), never from
the machine's clock."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from casetrack.audit.models import AuditEvent
from casetrack.auth.models import RecoveryCode, SecondFactor, UserSession
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.timeutil import utcnow
from conftest import KNOWN_RECOVERY_CODES, AuthActions, give_second_factor

# 20 seconds into a 30-second step, so the test's few requests stay within it.
MOMENT = datetime(2026, 11, 18, 14, 30, 20, tzinfo=UTC)


@pytest.fixture
def at_moment(travel_to):
    travel_to(MOMENT)
    return MOMENT


def _code(secret: str, at: datetime, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(at + timedelta(seconds=30 * steps))


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]


def _post_code(client, path: str, code: str):
    page = client.get(path).get_data(as_text=True)
    return client.post(path, data={"code": code, "csrf_token": _token(page)})


def _user_with_app(make_user, role: str = "psd"):
    user = make_user(role, second_factor=False)
    secret = give_second_factor(user)
    return user, secret


def test_password_alone_does_not_sign_in(app, client, auth, make_user, at_moment) -> None:
    user, _ = _user_with_app(make_user)
    response = auth.sign_in_password(user.email)
    assert response.headers["Location"] == "/sign-in/second-factor"
    assert client.get("/").status_code == 302  # not signed in yet
    assert client.get("/cases").headers["Location"].startswith("/sign-in")
    assert db.session.scalars(select(UserSession)).all() == []
    assert "sign_in" not in _actions()


def test_password_then_code_signs_in(app, client, auth, make_user, at_moment) -> None:
    user, secret = _user_with_app(make_user)
    auth.sign_in_password(user.email)
    response = _post_code(client, "/sign-in/second-factor", _code(secret, at_moment))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert f"Signed in as {user.name}" in client.get("/").get_data(as_text=True)
    [row] = db.session.scalars(select(UserSession)).all()
    assert row.method == "password+totp" and row.second_factor_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in"))
    assert json.loads(event.details)["method"] == "password+totp"


def test_each_code_works_once(app, make_user, at_moment) -> None:
    user, secret = _user_with_app(make_user)
    code = _code(secret, at_moment)
    first = AuthActions(app.test_client())
    first.sign_in_password(user.email)
    assert _post_code(first.client, "/sign-in/second-factor", code).status_code == 302
    second = AuthActions(app.test_client())  # someone who saw the code over a shoulder
    second.sign_in_password(user.email)
    again = _post_code(second.client, "/sign-in/second-factor", code)
    assert again.status_code == 200
    assert "each code works once" in again.get_data(as_text=True)
    # nor the code of the step before (it is older than the one used)
    older = _post_code(second.client, "/sign-in/second-factor", _code(secret, at_moment, -1))
    assert older.status_code == 200
    # the next step's code (the app's clock a little ahead) is still accepted
    newer = _post_code(second.client, "/sign-in/second-factor", _code(secret, at_moment, 1))
    assert newer.status_code == 302
    assert _actions().count("second_factor_failed") == 2


def test_codes_outside_the_window_are_refused(app, client, auth, make_user, at_moment) -> None:
    user, secret = _user_with_app(make_user)
    auth.sign_in_password(user.email)
    for steps in (-3, 2, 10):
        response = _post_code(client, "/sign-in/second-factor", _code(secret, at_moment, steps))
        assert response.status_code == 200
    for bad in ("", "12345", "abcdef", "1234567", "١٢٣٤٥٦", "\u200b123456"):
        response = _post_code(client, "/sign-in/second-factor", bad)
        assert response.status_code in (200, 429)


def test_wrong_codes_are_throttled_per_account(app, make_user, at_moment) -> None:
    user, secret = _user_with_app(make_user)
    other, other_secret = _user_with_app(make_user)
    actions = AuthActions(app.test_client())
    actions.sign_in_password(user.email)
    for _ in range(5):
        assert _post_code(actions.client, "/sign-in/second-factor", "000000").status_code == 200
    blocked = _post_code(actions.client, "/sign-in/second-factor", _code(secret, at_moment))
    assert blocked.status_code == 429
    assert "Too many wrong codes" in blocked.get_data(as_text=True)
    assert "second_factor_throttled" in _actions()
    fine = AuthActions(app.test_client())
    fine.sign_in_password(other.email)
    ok = _post_code(fine.client, "/sign-in/second-factor", _code(other_secret, at_moment))
    assert ok.status_code == 302


def test_recovery_code_works_once(app, make_user, at_moment) -> None:
    user, secret = _user_with_app(make_user)
    code = KNOWN_RECOVERY_CODES[secret][0]
    first = AuthActions(app.test_client())
    first.sign_in_password(user.email)
    used = _post_code(first.client, "/sign-in/recovery-code", code.upper().replace("-", " "))
    assert used.status_code == 302
    assert "9 recovery codes left" in first.client.get("/").get_data(as_text=True)
    second = AuthActions(app.test_client())
    second.sign_in_password(user.email)
    again = _post_code(second.client, "/sign-in/recovery-code", code)
    assert "not one of your unused recovery codes" in again.get_data(as_text=True)
    assert _actions().count("recovery_code_used") == 1


def test_first_sign_in_sets_up_an_app_and_shows_codes_once(
    app, client, auth, make_user, at_moment
) -> None:
    user = make_user("psd", second_factor=False)
    response = auth.sign_in_password(user.email)
    assert response.headers["Location"] == "/sign-in/set-up"
    assert client.get("/").status_code == 302  # nothing else before it is set up
    page = client.get("/sign-in/set-up").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code, an image the CSP allows
    secret = re.search(r"data-totp-secret>([A-Z2-7 ]+)<", page)[1].replace(" ", "")
    wrong = client.post("/sign-in/set-up", data={"code": "000000", "csrf_token": _token(page)})
    assert wrong.status_code == 200 and db.session.scalars(select(SecondFactor)).all() == []
    shown = client.post(
        "/sign-in/set-up", data={"code": _code(secret, at_moment), "csrf_token": _token(page)}
    )
    body = shown.get_data(as_text=True)
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", body)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept
    [factor] = db.session.scalars(select(SecondFactor)).all()
    assert secret not in (factor.totp_secret or "")  # sealed
    done = client.post("/account/recovery-codes/saved", data={"csrf_token": _token(body)})
    assert done.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    actions = _actions()
    assert actions.index("second_factor_enrolled") < actions.index("sign_in")


def test_a_password_alone_cannot_add_a_factor(app, client, auth, make_user, at_moment) -> None:
    """Someone who knows only the password cannot set up their own app on the account."""
    user, _ = _user_with_app(make_user)
    auth.sign_in_password(user.email)
    assert client.get("/sign-in/set-up").headers["Location"] == "/sign-in/second-factor"
    attacker = pyotp.random_base32()
    token = _token(client.get("/sign-in/second-factor").get_data(as_text=True))
    response = client.post(
        "/sign-in/set-up", data={"code": _code(attacker, at_moment), "csrf_token": token}
    )
    assert response.headers["Location"] == "/sign-in/second-factor"
    assert len(db.session.scalars(select(SecondFactor)).all()) == 1


def test_the_password_step_expires(app, client, auth, make_user, travel_to) -> None:
    user, secret = _user_with_app(make_user)
    travel_to(MOMENT)
    auth.sign_in_password(user.email)
    travel_to(MOMENT + timedelta(minutes=11))
    response = client.get("/sign-in/second-factor")
    assert response.headers["Location"] == "/sign-in"


def test_must_change_password_comes_after_the_second_factor(app, auth, make_user) -> None:
    user = make_user("psd", must_change_password=True)
    assert auth.sign_in(user.email).headers["Location"] == "/account/password"


# ---- step-up ---------------------------------------------------------------------------------


def _stale(travel_to, minutes: int = 16) -> None:
    travel_to(utcnow() + timedelta(minutes=minutes))


def test_step_up_after_fifteen_minutes(app, client, auth, make_user, travel_to) -> None:
    head, secret = _user_with_app(make_user, "psd_head")
    travel_to(MOMENT)
    auth.sign_in(head.email)
    assert client.get("/approvals").status_code == 200
    travel_to(MOMENT + timedelta(minutes=14))
    assert client.get("/account/second-factors/app").status_code == 200  # recent enough
    travel_to(MOMENT + timedelta(minutes=16))
    response = client.get("/account/second-factors/app")
    assert response.headers["Location"] == "/account/confirm?next=/account/second-factors/app"
    later = MOMENT + timedelta(minutes=16)
    confirmed = _post_code(
        client, "/account/confirm?next=/account/second-factors/app", _code(secret, later)
    )
    assert confirmed.headers["Location"] == "/account/second-factors/app"
    assert client.get("/account/second-factors/app").status_code == 200
    assert "second_factor_confirmed" in _actions()


def test_retention_approval_and_export_ask_again(
    app, client, auth, make_user, make_case, travel_to
) -> None:
    head, _ = _user_with_app(make_user, "psd_head")
    case = make_case("closed")
    auth.sign_in(head.email)
    _stale(travel_to)
    for path in (
        f"/retention/{case.id}",
        f"/approvals/{head.id}",
        f"/cases/{case.id}/evidence/export",
    ):
        response = client.get(path)
        assert response.status_code in (200, 302), path  # the page again, with a message
        assert response.headers["Location"].startswith("/account/confirm?next="), path
    posted = auth.post(
        f"/retention/{case.id}", {"decision": "delete"}, form_path="/account/confirm"
    )
    assert posted.headers["Location"] == f"/account/confirm?next=/retention/{case.id}"


def test_step_up_with_a_recovery_code(app, client, auth, make_user, travel_to) -> None:
    user, secret = _user_with_app(make_user)
    auth.sign_in(user.email)
    _stale(travel_to)
    code = KNOWN_RECOVERY_CODES[secret][-1]
    response = _post_code(
        client, "/account/confirm/recovery-code?next=/account/second-factors", code
    )
    assert response.headers["Location"] == "/account/second-factors"


def test_step_up_refuses_a_foreign_next(app, client, auth, make_user, travel_to) -> None:
    user, secret = _user_with_app(make_user)
    travel_to(MOMENT)
    auth.sign_in(user.email)
    later = MOMENT + timedelta(minutes=16)
    travel_to(later)
    response = _post_code(client, "/account/confirm?next=//evil.example/", _code(secret, later, 1))
    assert response.headers["Location"] == "/"


def test_new_recovery_codes_replace_the_old(app, client, auth, make_user) -> None:
    user, secret = _user_with_app(make_user)
    old = list(KNOWN_RECOVERY_CODES[secret])
    auth.sign_in(user.email)
    page = client.get("/account/second-factors").get_data(as_text=True)
    assert "unused recovery code" in page
    shown = client.post("/account/second-factors/recovery-codes", data={"csrf_token": _token(page)})
    new = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", shown.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    unused = db.session.scalars(select(RecoveryCode).where(RecoveryCode.used_at.is_(None))).all()
    assert len(unused) == 10


# ---- the two-person reset (SPEC §9.1) -------------------------------------------------------


def test_second_factor_reset_needs_an_administrator_and_a_head_of_psd(app, make_user) -> None:
    from casetrack.approvals import service as approvals
    from casetrack.auth.models import AccessRequest, User

    user, secret = _user_with_app(make_user)
    admin = make_user("admin")
    head = make_user("psd_head")
    lost = AuthActions(app.test_client())
    lost.sign_in(user.email)  # a browser of theirs still signed in

    office = AuthActions(app.test_client())
    office.sign_in(admin.email)
    asked = office.post(
        f"/admin/users/{user.id}/second-factor-reset", form_path=f"/admin/users/{user.id}"
    )
    assert asked.status_code == 302
    [req] = db.session.scalars(select(AccessRequest)).all()
    assert req.kind == "second_factor" and req.status == "pending"
    mine = select(SecondFactor).where(SecondFactor.user_id == user.id)
    assert len(db.session.scalars(mine).all()) == 1  # nothing yet
    # the administrator cannot approve it; a head of PSD of the force does
    assert office.client.get(f"/approvals/{user.id}").status_code == 403
    deciding = AuthActions(app.test_client())
    deciding.sign_in(head.email)
    page = deciding.client.get(f"/approvals/{user.id}").get_data(as_text=True)
    assert "Reset the second factor" in page
    done = deciding.post(
        f"/approvals/{user.id}", {"decision": "approve", "request_id": str(req.id)}
    )
    assert done.status_code == 302, done.get_data(as_text=True)[-500:]
    db.session.expire_all()
    assert db.session.scalars(mine).all() == []
    codes = select(RecoveryCode).where(RecoveryCode.user_id == user.id)
    assert db.session.scalars(codes).all() == []
    assert lost.client.get("/").status_code == 302  # signed out everywhere
    again = AuthActions(app.test_client())
    assert again.sign_in_password(user.email).headers["Location"] == "/sign-in/set-up"
    actions = _actions()
    assert "second_factor_reset_requested" in actions
    assert "second_factor_reset_approved" in actions
    # nobody asks for their own reset
    with pytest.raises(DomainError, match="your own second factor"):
        approvals.request_second_factor_reset(admin, by=db.session.get(User, admin.id))


@pytest.mark.parametrize(
    "credential", ["²", "-1", "[]", '{"rawId": 5}', '{"id": "x", "rawId": "AAAA", "response": {}}']
)
def test_a_garbled_passkey_answer_is_a_message(app, client, auth, make_user, credential) -> None:
    """What the browser posts is checked; nonsense is refused with a message, never a 500."""
    user = make_user("psd", second_factor=False)
    auth.sign_in_password(user.email)
    page = client.get("/sign-in/set-up").get_data(as_text=True)
    answer = client.post(
        "/sign-in/set-up/passkey",
        data={"credential": credential, "label": "Key", "csrf_token": _token(page)},
    )
    assert answer.headers["Location"] == "/sign-in/set-up"
    assert "could not be checked" in client.get("/sign-in/set-up").get_data(as_text=True)
    give_second_factor(user)
    auth.sign_in(user.email)
    for path in ("/account/second-factors/passkey", "/account/confirm/passkey"):
        token = _token(client.get("/account/second-factors").get_data(as_text=True))
        response = client.post(path, data={"credential": credential, "csrf_token": token})
        assert response.status_code in (200, 302), path  # the page again, with a message
