"""The two databases under test: a SQLite file and a throwaway PostgreSQL server."""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.common import BIN, app_env, load_pgserver, progress


@dataclass
class Database:
    """One migrated database of one backend, with its own instance folder."""

    backend: str  # "sqlite" or "postgresql"
    url: str
    instance: Path

    def env(self, **extra: str) -> dict[str, str]:
        return app_env(self.url, self.instance, **extra)


class Backends:
    """Creates databases on demand; PostgreSQL is started once, lazily, and stopped at exit."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._stack = contextlib.ExitStack()
        self._pg = None

    def __enter__(self) -> Backends:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def postgres(self):  # noqa: ANN201 (pgserver.PostgresServer, imported by path)
        if self._pg is None:
            progress("starting PostgreSQL (tests/pgserver.py)")
            server_class = load_pgserver().PostgresServer
            self._pg = self._stack.enter_context(server_class(dbname="bench_template"))
        return self._pg

    def create(self, backend: str, name: str) -> Database:
        instance = Path(tempfile.mkdtemp(prefix=f"{backend}-{name}-", dir=self.workdir))
        if backend == "sqlite":
            url = f"sqlite:///{instance / 'casetrack.sqlite3'}"
        else:
            url = self.postgres().create_database(f"bench_{name}")
        database = Database(backend, url, instance)
        upgrade(database)
        return database

    def server_version(self) -> str:
        if self._pg is None:
            return "not started"
        import psycopg

        with psycopg.connect(self._pg.url.replace("+psycopg", "")) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "unknown"


def upgrade(database: Database) -> None:
    """`casetrack db upgrade`, the same command an operator runs."""
    subprocess.run(
        [str(BIN / "casetrack"), "db", "upgrade"],
        env=database.env(), check=True, capture_output=True, text=True,
    )  # fmt: skip


@contextlib.contextmanager
def workdir() -> Iterator[Path]:
    # /tmp is world-traversable, so the postgres OS user can reach PostgreSQL's own folder.
    with tempfile.TemporaryDirectory(prefix="casetrack-bench-") as path:
        yield Path(path)
