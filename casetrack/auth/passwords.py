"""Password hashing (argon2id) and the password rules of SPEC §9."""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# Django's list of 20,000 common passwords (BSD licence), from Royce Williams' research.
_COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")


# OWASP Password Storage Cheat Sheet, first argon2id configuration: 46 MiB, 1 pass, 1 lane
# (about 65 ms of one core here). argon2-cffi's default (64 MiB, 3 passes, 4 lanes) costs
# three times the CPU per sign-in; with sign-ins throttled per account and per address the
# cheaper setting keeps the service responsive when a shift signs in at once. Stored hashes
# of other settings are upgraded at the next sign-in (needs_rehash).
TIME_COST, MEMORY_COST, PARALLELISM = 1, 47104, 1


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config.get("ARGON2_TIME_COST", TIME_COST),
        memory_cost=config.get("ARGON2_MEMORY_COST", MEMORY_COST),
        parallelism=config.get("ARGON2_PARALLELISM", PARALLELISM),
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, still spend the time so timing does not tell."""
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or _dummy_hash(hasher), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


_dummy: dict[tuple[int, int, int], str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _dummy:
        _dummy[key] = hasher.hash("not a real password, used to equalise timing")
    return _dummy[key]


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(_COMMON_PASSWORDS, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def password_problem(
    password: str, *, email: str = "", name: str = "", min_length: int = 12, max_length: int = 256
) -> str | None:
    """Why this password is refused, or None. Length and deny-list only: no composition rules."""
    if len(password) < min_length:
        return f"Password must be {min_length} characters or more"
    if len(password) > max_length:
        return f"Password must be {max_length} characters or fewer"
    lowered = password.lower()
    # A common password padded with digits or symbols ("password1234!") is still common.
    core = re.sub(r"^[\d\W_]+|[\d\W_]+$", "", lowered)
    half = len(core) // 2
    repeated = half and core[:half] == core[half:]
    if (
        lowered in common_passwords()
        or core in common_passwords()
        or (repeated and core[:half] in common_passwords())
        or len(set(lowered)) < 4
    ):
        return (
            "Password is too easy to guess — choose a longer phrase that is not a common password"
        )
    local_part = email.split("@", 1)[0].lower()
    if (local_part and len(local_part) >= 4 and local_part in lowered) or (
        name and name.lower().replace(" ", "") in lowered.replace(" ", "")
    ):
        return "Password must not contain your name or email address"
    return None
