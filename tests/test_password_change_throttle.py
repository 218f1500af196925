"""Security review finding 5: guessing the current password on /account/password.

The page shares the sign-in page's per-account counter of failed password checks
(SPEC §9: 5 failed attempts per account per 15 minutes), so a session holder gets the same
5 guesses a stranger at the sign-in page gets, and every failure is an audit entry.
"""

from __future__ import annotations

from sqlalchemy import select

from casetrack.audit.models import AuditEvent
from casetrack.auth.passwords import verify_password
from casetrack.extensions import db
from conftest import TEST_PASSWORD, AuthActions

NEW_PASSWORD = "violet tractor under the moonlight"
WRONG = "not my password at all"
NOT_CORRECT = "Your current password is not correct"
PAGE_THROTTLED = "Too many wrong current passwords"
SIGN_IN_THROTTLED = "Too many failed attempts to sign in"


def _change(auth: AuthActions, current: str, new: str = NEW_PASSWORD, confirm: str | None = None):
    return auth.post(
        "/account/password",
        {
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
        },
    )


def _events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    stmt = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
    return list(db.session.scalars(stmt))


def test_five_wrong_current_passwords_lock_the_account(app, auth, signed_in) -> None:
    user = signed_in("psd")
    for _ in range(5):
        response = _change(auth, WRONG)
        assert response.status_code == 200
        assert NOT_CORRECT in response.get_data(as_text=True)
    # The sixth is refused before the password is even checked: the right one too.
    throttled = _change(auth, TEST_PASSWORD)
    assert throttled.status_code == 429
    assert PAGE_THROTTLED in throttled.get_data(as_text=True)
    # The same counter as the sign-in page: another browser cannot sign in to it either.
    elsewhere = AuthActions(app.test_client()).sign_in(user.email)
    assert elsewhere.status_code == 429
    assert SIGN_IN_THROTTLED in elsewhere.get_data(as_text=True)

    failures = _events("password_change_failed")
    assert len(failures) == 5
    assert all(e.actor == user.email and e.object_id == str(user.id) for e in failures)
    assert all('"wrong current password"' in e.details for e in failures)
    assert len(_events("password_change_throttled")) == 1
    assert _events("password_changed") == []
    assert verify_password(user.password_hash, TEST_PASSWORD)


def test_failed_sign_ins_and_wrong_guesses_share_one_counter(app, auth, signed_in) -> None:
    user = signed_in("standards_manager")
    stranger = AuthActions(app.test_client())
    for _ in range(3):
        assert stranger.sign_in(user.email, WRONG).status_code == 200
    for _ in range(2):
        assert _change(auth, WRONG).status_code == 200
    assert _change(auth, WRONG).status_code == 429  # 3 + 2 failures: the sixth check


def test_only_wrong_current_passwords_count(app, auth, signed_in) -> None:
    """Refusals that check nothing about the current password (a new password that breaks
    the rules, or is the same as the current one, or is not confirmed) are not guesses."""
    signed_in("psd")
    for _ in range(6):
        same = _change(auth, TEST_PASSWORD, new=TEST_PASSWORD)
        assert same.status_code == 200
        assert "different from your current one" in same.get_data(as_text=True)
        assert _change(auth, TEST_PASSWORD, confirm="something else entirely").status_code == 200
    assert len(_events("password_change_failed")) == 6  # the same-password refusals
    changed = _change(auth, TEST_PASSWORD)
    assert changed.status_code == 302
    assert len(_events("password_changed")) == 1


def test_the_lock_is_per_account(app, auth, signed_in, make_user) -> None:
    signed_in("psd")
    other = make_user("psd")
    for _ in range(5):
        _change(auth, WRONG)
    assert _change(auth, WRONG).status_code == 429
    assert AuthActions(app.test_client()).sign_in(other.email).status_code == 302
