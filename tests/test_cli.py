"""The `casetrack` command from a fresh instance, as an operator runs it (SPEC §8)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CASETRACK = str(Path(sys.executable).with_name("casetrack"))


def _new_installation(request, tmp_path: Path) -> dict[str, str]:
    """Environment for a brand-new installation: empty instance folder, empty database."""
    backend = request.param
    if backend not in os.environ.get("CASETRACK_TEST_DATABASES", "sqlite,postgresql"):
        pytest.skip(f"{backend} not selected by CASETRACK_TEST_DATABASES")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASETRACK_")}
    env["CASETRACK_INSTANCE_PATH"] = str(tmp_path / "instance")
    env["CASETRACK_ARGON2_TIME_COST"] = "1"
    env["CASETRACK_ARGON2_MEMORY_COST"] = "1024"
    if backend == "postgresql":
        server = request.getfixturevalue("postgres_server")
        name = f"cli_{tmp_path.name.lower().replace('-', '_')[:40]}"
        env["CASETRACK_DATABASE_URL"] = server.create_database(name)
        request.addfinalizer(lambda: server.drop_database(name))
    return env


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_env(request, tmp_path: Path) -> dict[str, str]:
    return _new_installation(request, tmp_path)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def prepared_env(request, tmp_path_factory) -> dict[str, str]:
    """One installation with force WMP, shared by the bad-argument tests."""
    env = _new_installation(request, tmp_path_factory.mktemp("prepared"))
    run(env, "db", "upgrade")
    run(env, "forces", "add", "WMP", "West Midlands Police")
    return env


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CASETRACK, *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, fragment: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0]


def test_operator_journey(fresh_env) -> None:
    assert run(fresh_env, "db", "upgrade").returncode == 0
    secret = Path(fresh_env["CASETRACK_INSTANCE_PATH"], "secret_key")
    assert secret.is_file() and oct(secret.stat().st_mode & 0o777) == "0o600"
    result = run(fresh_env, "forces", "add", "WMP", "West Midlands Police")
    assert result.returncode == 0 and "Added force WMP" in result.stdout
    assert run(fresh_env, "departments", "add", "WMP", "COV", "Coventry NPU").returncode == 0
    result = run(
        fresh_env,
        "users",
        "create",
        "sam@example.police.uk",
        "--role",
        "standards_manager",
        "--force",
        "WMP",
        "--department",
        "COV",
        "--password-stdin",
        stdin="a long enough passphrase\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Created standards_manager account sam@example.police.uk" in result.stdout
    result = run(fresh_env, "audit", "verify")
    assert result.returncode == 0 and "3 entries verified" in result.stdout
    result = run(fresh_env, "demo")
    assert result.returncode == 0 and "not loaded" in result.stdout


def test_demo_on_an_empty_database(fresh_env) -> None:
    run(fresh_env, "db", "upgrade")
    result = run(fresh_env, "demo")
    assert result.returncode == 0 and "Demo data loaded" in result.stdout
    for role in ("admin", "standards_manager", "psd", "psd_head", "leadership"):
        assert role in result.stdout
    again = run(fresh_env, "demo")
    assert "not loaded" in again.stdout and "Demo sign-ins" in again.stdout


@pytest.mark.parametrize(
    ("args", "stdin", "fragment"),
    [
        (("forces", "add", "1!", "Bad"), None, "Force code must be"),
        (("forces", "add", "WMP"), None, "Missing argument 'NAME'"),
        (("departments", "add", "NOPE", "COV", "Coventry"), None, "No force with code 'NOPE'"),
        (
            ("users", "create", "x@example.police.uk", "--role", "king", "--force", "WMP"),
            None,
            "'king' is not one of",
        ),
        (
            (
                "users",
                "create",
                "x@example.police.uk",
                "--role",
                "psd",
                "--force",
                "NOPE",
                "--password-stdin",
            ),
            "a long enough passphrase\n",
            "No force with code 'NOPE'",
        ),
        (
            (
                "users",
                "create",
                "x@example.police.uk",
                "--role",
                "psd",
                "--force",
                "WMP",
                "--password-stdin",
            ),
            "short\n",
            "12 characters or more",
        ),
        (
            (
                "users",
                "create",
                "not-an-email",
                "--role",
                "psd",
                "--force",
                "WMP",
                "--password-stdin",
            ),
            "a long enough passphrase\n",
            "Enter a valid email address",
        ),
        (("no-such-command",), None, "No such command"),
    ],
)
def test_bad_arguments_give_one_line(prepared_env, args, stdin, fragment) -> None:
    assert_one_line_error(run(prepared_env, *args, stdin=stdin), fragment)


def test_database_not_set_up(fresh_env) -> None:
    assert_one_line_error(
        run(fresh_env, "forces", "add", "WMP", "West Midlands"), "casetrack db upgrade"
    )
