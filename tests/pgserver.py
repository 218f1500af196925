"""Throwaway PostgreSQL server for the test run.

``with PostgresServer() as pg:`` runs ``initdb`` into a fresh temporary directory, starts a
server tuned for tests (no fsync, loopback-only TCP, trust auth) on a free port, creates the
``casetrack_test`` database and exposes its SQLAlchemy URL as ``pg.url``. On exit (also at
interpreter exit and on SIGTERM) the server is stopped and the directory removed.

PostgreSQL refuses to run as root, so when root every binary runs as the ``postgres`` OS
user via ``runuser``. Binaries: ``$CASETRACK_PG_BIN``, else the newest
``/usr/lib/postgresql/*/bin``, else ``$PATH``. ``python tests/pgserver.py`` starts a server
for manual use until Ctrl-C.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from subprocess import CompletedProcess
from types import FrameType, TracebackType
from typing import Any

import psycopg
from psycopg import sql

OS_USER = "postgres"  # OS account used when running as root
DB_USER = "postgres"  # superuser created by initdb
SETTINGS = """
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_connections = 200
shared_buffers = 64MB
timezone = 'UTC'
log_min_messages = warning
"""
_live: set[PostgresServer] = set()


def find_bin_dir() -> Path:
    if env := os.environ.get("CASETRACK_PG_BIN"):
        return Path(env)
    dirs = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.parent.name.isdigit()]
    if dirs:
        return max(dirs, key=lambda p: int(p.parent.name))
    if found := shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    raise RuntimeError("PostgreSQL binaries not found; set CASETRACK_PG_BIN")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    def __init__(self, dbname: str = "casetrack_test", timeout: float = 30.0) -> None:
        self.bin_dir = find_bin_dir()
        self.dbname, self.timeout = dbname, timeout
        self.as_root = os.geteuid() == 0
        self.port = 0
        self.base: Path | None = None

    @property
    def url(self) -> str:
        return self.url_for(self.dbname)

    def url_for(self, dbname: str) -> str:
        return f"postgresql+psycopg://{DB_USER}@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *args: str, check: bool = True, binary: bool = True) -> CompletedProcess[str]:
        cmd = [str(self.bin_dir / args[0]) if binary else args[0], *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", OS_USER, "--", *cmd]
        # cwd: runuser keeps it, and the postgres user must be able to enter it
        res = subprocess.run(cmd, cwd=self.base or "/", capture_output=True, text=True,
                             check=False, timeout=self.timeout + 30)  # fmt: skip
        if check and res.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed ({res.returncode}): {res.stderr.strip()}")
        return res

    def _log_tail(self, lines: int = 30) -> str:
        log = self.base / "server.log" if self.base else None
        if log is None or not log.exists():
            return "(no server log)"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

    def start(self) -> PostgresServer:
        # mkdtemp gives 0700; /tmp itself is world-traversable, so chown is enough for root.
        self.base = Path(tempfile.mkdtemp(prefix="casetrack-pg-"))
        _live.add(self)
        _install_signal_handler()
        try:
            if self.as_root:
                shutil.chown(self.base, OS_USER, OS_USER)
                if self._run("test", "-w", str(self.base), check=False, binary=False).returncode:
                    raise RuntimeError(
                        f"{self.base} is not reachable by the {OS_USER} user;"
                        " point TMPDIR at a world-traversable directory"
                    )
            # relative paths: every command runs with cwd=self.base
            self._run(*f"initdb -D data -U {DB_USER} -A trust -E UTF8 --no-locale -N".split())
            with open(self.base / "data" / "postgresql.conf", "a") as f:  # still postgres-owned
                f.write(f"{SETTINGS}unix_socket_directories = '{self.base}'\n")
            for _attempt in range(5):  # another process may grab the port between probe & bind
                self.port = free_port()
                pg_opts = ["-o", f"-p {self.port}", "-t", str(int(self.timeout))]
                res = self._run("pg_ctl", "-D", "data", "-l", "server.log", "-w", *pg_opts,
                                "start", check=False)  # fmt: skip
                if res.returncode == 0:
                    break
                if "could not bind" not in self._log_tail(100):
                    raise RuntimeError(f"PostgreSQL failed to start ({res.stderr.strip()}); "
                                       f"server log tail:\n{self._log_tail()}")  # fmt: skip
            else:
                raise RuntimeError(f"no free port for PostgreSQL:\n{self._log_tail()}")
            self.create_database(self.dbname)
        except BaseException:
            self.stop()
            raise
        return self

    def _admin(self, statement: sql.Composable) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                conn = psycopg.connect(self.url_for("postgres").replace("+psycopg", ""),
                                       autocommit=True, connect_timeout=5)  # fmt: skip
                break
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"cannot connect: {exc}\n{self._log_tail()}") from exc
                time.sleep(0.1)
        with conn:
            conn.execute(statement)

    def create_database(self, name: str) -> str:
        self._admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        _live.discard(self)
        if self.base is None:
            return
        pidfile = self.base / "data" / "postmaster.pid"
        if pidfile.exists():
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._run("pg_ctl", "-D", "data", "-m", "immediate", "-w", "stop", check=False)
            with contextlib.suppress(OSError, ValueError, IndexError):  # last resort
                os.kill(int(pidfile.read_text().split()[0]), signal.SIGKILL)
        shutil.rmtree(self.base, ignore_errors=True)
        self.base = None

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _stop_all() -> None:
    for server in list(_live):
        server.stop()


atexit.register(_stop_all)
_previous_sigterm: Any = signal.SIG_DFL


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    _stop_all()
    signal.signal(signal.SIGTERM, _previous_sigterm)
    if callable(_previous_sigterm):
        _previous_sigterm(signum, frame)
    else:
        os.kill(os.getpid(), signal.SIGTERM)  # re-deliver with the original disposition


def _install_signal_handler() -> None:
    global _previous_sigterm
    current = signal.getsignal(signal.SIGTERM)
    if current is not _on_sigterm and threading.current_thread() is threading.main_thread():
        _previous_sigterm = signal.SIG_DFL if current is None else current
        signal.signal(signal.SIGTERM, _on_sigterm)


if __name__ == "__main__":
    t0 = time.monotonic()
    with PostgresServer() as pg:
        print(f"{pg.url}  (started in {time.monotonic() - t0:.1f}s; Ctrl-C to stop)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
