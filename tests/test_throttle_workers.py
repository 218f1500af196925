"""Security review finding 6: sign-in throttling across gunicorn workers, for real.

With the default `memory://` store each worker process keeps its own counts, so with two
workers an account locked on the 9th wrong password instead of the 5th (SPEC §9). Now:

- gunicorn with several workers and a memory store refuses to start, with one line naming
  RATELIMIT_STORAGE_URI (however the worker count is given, also with --preload);
- with CASETRACK_RATELIMIT_STORAGE_URI=redis://… the workers share the counts: Debian's
  `redis-server` is started here on a free loopback port in a temporary folder, gunicorn
  runs 3 workers against the test database, and the 6th attempt is refused whichever worker
  answers. `--max-requests 1` makes every request the last of its worker (gunicorn starts a
  fresh process for the next), so no two attempts are answered by the same process and no
  count can survive in a process's memory; gunicorn's access log names the process that
  answered each request, which the test checks.

Skipped only where redis-server is not installed (`.ci/run` installs it).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
from assurance.helpers import token_in
from sqlalchemy import select

import casetrack
from casetrack.audit.models import AuditEvent
from casetrack.extensions import db
from conftest import FAST_HASHING, TEST_PASSWORD
from pgserver import free_port

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CASETRACK_CODE = Path(casetrack.__file__).resolve().parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
REFUSAL = (
    "CaseTrack cannot start: gunicorn runs 3 workers, but RATELIMIT_STORAGE_URI is memory://, "
    "so each worker would count failed sign-ins on its own; set CASETRACK_RATELIMIT_STORAGE_URI "
    "to a store they share (redis://host:6379) or run one worker."
)
WRONG = "not the password at all"


# ---- a throwaway redis-server ----------------------------------------------------------------


@dataclass
class RedisServer:
    process: subprocess.Popen
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def _start_redis(base: Path) -> RedisServer:
    for _attempt in range(5):  # another process may take the port between probe and bind
        port = free_port()
        log = base / f"redis-{port}.log"
        process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(base),
             "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", str(log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=5)
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    client.close()
                    return RedisServer(process, port)
            time.sleep(0.05)
        client.close()
        _stop(process)
    raise RuntimeError(f"redis-server did not start; see {base}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    if not Path(REDIS_SERVER).is_file():
        pytest.skip("redis-server is not installed (apt-get install redis-server; .ci/run does)")
    server = _start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield server
    finally:
        _stop(server.process)


@pytest.fixture
def shared_store(redis_server: RedisServer) -> str:
    """The redis URL, emptied: each test (and backend) starts with no counts."""
    client = redis.Redis(host="127.0.0.1", port=redis_server.port, socket_timeout=5)
    client.flushall()
    client.close()
    return redis_server.url


# ---- gunicorn ----------------------------------------------------------------------------------


@dataclass
class Browser:
    """One browser's cookie against a server on a loopback port; a new connection for every
    request, as gunicorn's sync workers close each one (so any worker may take the next)."""

    port: int
    cookie: str = ""

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, str]:
        connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie" and value.startswith("casetrack_session="):
                    self.cookie = value.split(";", 1)[0]
            return response.status, text
        finally:
            connection.close()

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        token = token_in(self.request("GET", path)[1])
        assert token, f"no CSRF token on {path}"
        return self.request("POST", path, urlencode({"csrf_token": token, **fields}).encode())


def _environment(tmp_path: Path, database_url: str, secret: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASETRACK_", "GUNICORN"))}
    env.pop("WEB_CONCURRENCY", None)
    env.update(
        {
            "CASETRACK_INSTANCE_PATH": str(tmp_path / "instance"),
            "CASETRACK_DATABASE_URL": database_url,
            "CASETRACK_SECRET_KEY": secret,
            "CASETRACK_DEVELOPMENT": "1",
            **{f"CASETRACK_{k}": str(v) for k, v in FAST_HASHING.items()},
            **extra,
        }
    )
    return env


def _gunicorn_command(port: int, *options: str) -> list[str]:
    return [GUNICORN, "--bind", f"127.0.0.1:{port}", *options, "casetrack:create_app()"]


@contextlib.contextmanager
def gunicorn(tmp_path: Path, env: dict[str, str], *options: str) -> Iterator[Browser]:
    """gunicorn serving create_app() on a free loopback port, its access log naming the
    process that answered each request; stopped (master and workers) on exit."""
    port = free_port()
    access = tmp_path / "access.log"
    command = _gunicorn_command(
        port,
        *options,
        "--access-logfile",
        str(access),
        "--access-logformat",
        "%(p)s %(m)s %(U)s %(s)s",
    )
    with (tmp_path / "gunicorn.log").open("ab") as log:
        process = subprocess.Popen(
            command, env=env, cwd=tmp_path, stdout=log, stderr=log, start_new_session=True
        )
    server = Browser(port)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                log_text = (tmp_path / "gunicorn.log").read_text(errors="replace")
                raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{log_text[-3000:]}")
            try:
                if Browser(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer /healthz")
            time.sleep(0.2)
        yield server
    finally:
        _stop(process)  # SIGTERM: the master stops its workers


def _answered(tmp_path: Path, method: str, path: str) -> list[tuple[str, str]]:
    """(process id, status) of each logged request for method and path, in order."""
    lines = (tmp_path / "access.log").read_text().splitlines()
    found = [re.fullmatch(r"<(\d+)> (\S+) (\S+) (\d+)", line) for line in lines]
    return [(m[1], m[4]) for m in found if m and m[2] == method and m[3] == path]


# ---- the tests ---------------------------------------------------------------------------------


def test_shared_store_locks_on_the_fifth_failure_whichever_worker_answers(
    app, app_config, make_user, shared_store, tmp_path
) -> None:
    user = make_user("psd", email="locked.out@example.police.uk")
    other = make_user("psd", email="still.fine@example.police.uk")
    env = _environment(
        tmp_path,
        app_config["DATABASE_URL"],
        app_config["SECRET_KEY"],
        CASETRACK_RATELIMIT_STORAGE_URI=shared_store,
    )
    with gunicorn(tmp_path, env, "--workers", "3", "--max-requests", "1") as server:
        for attempt in range(1, 6):
            status, body = server.post("/sign-in", {"email": user.email, "password": WRONG})
            assert status == 200, f"attempt {attempt}: {status}"
            assert "Enter a correct email address and password" in body
        # The 6th is refused, even with the right password.
        status, body = server.post("/sign-in", {"email": user.email, "password": TEST_PASSWORD})
        assert status == 429
        assert "Too many failed attempts to sign in" in body
        # Per account: another account signs in through the same workers.
        status, _ = Browser(server.port).post(
            "/sign-in", {"email": other.email, "password": TEST_PASSWORD}
        )
        assert status == 302

    answers = _answered(tmp_path, "POST", "/sign-in")
    assert [s for _, s in answers] == ["200"] * 5 + ["429", "302"]
    pids = [pid for pid, _ in answers]
    assert len(set(pids)) == len(pids) == 7, pids  # every attempt a process of its own

    db.session.expire_all()
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
    assert actions.count("sign_in_failed") == 5
    assert actions.count("sign_in_throttled") == 1


@pytest.mark.parametrize(
    ("options", "extra_env"),
    [
        (["--workers", "3"], {}),  # each worker refuses: gunicorn stops, "App failed to load"
        (["--preload", "--workers", "3"], {}),  # the master refuses before forking
        ([], {"WEB_CONCURRENCY": "3"}),  # gunicorn's own default for --workers
    ],
    ids=["workers", "preload", "web-concurrency"],
)
def test_several_workers_with_a_memory_store_refuse_to_start(tmp_path, options, extra_env) -> None:
    env = _environment(tmp_path, f"sqlite:///{tmp_path / 'empty.sqlite3'}", "k" * 40)
    env.update(extra_env)
    result = subprocess.run(
        _gunicorn_command(free_port(), *options),
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # Exit status 4 (App failed to load), or 1 with --preload; also 1 when gunicorn's master
    # trips over several workers failing at the same moment (its own HaltServer traceback).
    assert result.returncode != 0, result.stderr[-2000:]
    # The message is one whole line (gunicorn puts "Error: " before it with --preload).
    lines = [line.removeprefix("Error: ") for line in result.stderr.splitlines()]
    assert REFUSAL in lines, result.stderr[-2000:]
    assert f'File "{CASETRACK_CODE}' not in result.stderr  # no traceback through CaseTrack
    assert not (tmp_path / "empty.sqlite3").exists()  # refused before any request


def test_one_worker_with_a_memory_store_starts(tmp_path) -> None:
    """One process keeps one set of counts: the memory store is right for it."""
    env = _environment(tmp_path, f"sqlite:///{tmp_path / 'empty.sqlite3'}", "k" * 40)
    with gunicorn(tmp_path, env, "--workers", "1") as server:
        assert server.request("GET", "/healthz")[0] == 200
