"""Password rules of SPEC §9 (pure) and argon2id hashing."""

from __future__ import annotations

import pytest

from casetrack.auth.passwords import hash_password, password_problem, verify_password


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short", "12 characters or more"),
        ("elevenchars", "12 characters or more"),
        ("x" * 257, "256 characters or fewer"),
        ("qwerty123456", "too easy to guess"),  # on the common-password list
        ("Password1234!", "too easy to guess"),  # a common one, padded
        ("monkeymonkey", "too easy to guess"),  # a common one, twice
        ("aaaaaaaaaaaaaaaa", "too easy to guess"),
        ("ababababababab", "too easy to guess"),
        ("jane.smith-rocks-2026", "name or email"),
    ],
)
def test_refused(password: str, fragment: str) -> None:
    problem = password_problem(password, email="jane.smith@example.police.uk", name="Jo Bloggs")
    assert problem is not None and fragment in problem


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "x7 Purple Ladders Sing",
        "é" * 6 + "日本語のパスワード",
        ("a long passphrase " * 16)[:256],
    ],
)
def test_accepted_without_composition_rules(password: str) -> None:
    assert password_problem(password, email="jane@example.police.uk", name="Jane Doe") is None


def test_argon2id_round_trip(app) -> None:
    hashed = hash_password("correct horse battery staple")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct horse battery staple")
    assert not verify_password(hashed, "correct horse battery stapler")
    assert not verify_password(None, "anything at all here")
    assert not verify_password("not-a-hash", "anything at all here")
