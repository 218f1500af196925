"""The app under gunicorn in a subprocess, for the upload and the load test."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import psutil
import requests

from bench.backends import Database
from bench.common import BIN, PASSWORD, free_port

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Gunicorn:
    """`gunicorn --workers N 'casetrack:create_app()'` on a free loopback port."""

    def __init__(self, database: Database, workers: int, log: Path, **env: str) -> None:
        self.database, self.workers, self.log, self.env = database, workers, log, env
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Gunicorn:
        command = [
            str(BIN / "gunicorn"), "--workers", str(self.workers),
            "--bind", f"127.0.0.1:{self.port}", "--timeout", "900",
            "casetrack:create_app()",
        ]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                command, env=self.database.env(**self.env), stdout=log, stderr=log
            )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=10).ok and self._all_booted():
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready after {timeout} s; see {self.log}")

    def _all_booted(self) -> bool:
        return len(self.worker_pids()) >= self.workers

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        return [child.pid for child in psutil.Process(self.process.pid).children()]

    def __exit__(self, *exc: object) -> None:
        if self.process is None:
            return
        self.process.terminate()  # gunicorn's master stops its own workers
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def signed_in_session(base_url: str, email: str) -> requests.Session:
    session = requests.Session()
    token = page_token(session, f"{base_url}/sign-in")
    response = session.post(
        f"{base_url}/sign-in",
        data={"csrf_token": token, "email": email, "password": PASSWORD},
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"sign-in as {email} failed ({response.status_code})")
    return session


def page_token(session: requests.Session, url: str) -> str:
    response = session.get(url)
    response.raise_for_status()
    found = CSRF.search(response.text)
    if not found:
        raise RuntimeError(f"no csrf_token on {url}")
    return found[1]
