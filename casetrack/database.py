"""Database set-up: SQLite pragmas (WAL, foreign keys, busy timeout, memory-mapped reads) on
every connection, and SQLite's own statistics kept up to date with `PRAGMA optimize`."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from flask import Flask
from sqlalchemy import event

from casetrack.extensions import db

BUSY_TIMEOUT_MS = 30_000
# Rows of each index ANALYZE reads (PRAGMA analysis_limit): enough for the planner to tell a
# column with 20 values from one with 100,000; ~20 ms on 100,000 cases rather than ~170 ms.
ANALYSIS_LIMIT = 10_000
# Reads through a memory map of the database file rather than read() into each connection's
# own page cache (PRAGMA mmap_size): the statistics' five scans of 100,000 cases took about a
# fifth less time. The map is address space, not memory: the operating system's page cache
# backs it, shared by every connection and process. Writes still go through the WAL.
MMAP_BYTES = 1 << 30
SLOW_SECONDS = 0.1
OPTIMIZE_EVERY_SECONDS = 600


def init_database(app: Flask) -> None:
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "checkout", _checked_out)
            event.listen(engine, "checkin", _sqlite_optimize)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    finally:
        cursor.close()


def _checked_out(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    record.info["checked_out"] = time.monotonic()


def _sqlite_optimize(dbapi_connection: Any, record: Any) -> None:
    """`PRAGMA optimize` when a connection goes back to the pool, now and then.

    Without statistics SQLite's planner guesses that `force_id IN (...)` picks a few rows and
    sorts every visible case to show one page of them; and after a bulk load (an import, a
    restore) nothing would ever gather them. SQLite's advice is `PRAGMA optimize` before
    closing a connection and now and then on long-lived ones; ours live in a pool. It ANALYZEs
    the tables this connection's queries would have planned better with statistics that were
    never analysed or have grown 25-fold since; but it also makes the connection prepare every
    statement again (some 2 ms on the next request), so not after every request: after one
    that held the connection for SLOW_SECONDS (perhaps planned without statistics), and
    otherwise every OPTIMIZE_EVERY_SECONDS. It never waits for another writer: busy now,
    next time.
    """
    if dbapi_connection is None:  # invalidated
        return
    now = time.monotonic()
    slow = now - record.info.get("checked_out", now) >= SLOW_SECONDS
    due = now - record.info.get("optimized", -OPTIMIZE_EVERY_SECONDS) >= OPTIMIZE_EVERY_SECONDS
    try:
        if not (slow or due) or dbapi_connection.in_transaction:
            return
        record.info["optimized"] = now
        dbapi_connection.execute("PRAGMA busy_timeout=0")
        try:
            dbapi_connection.execute("PRAGMA optimize")
        except sqlite3.OperationalError:
            pass  # another connection is writing: next time
        finally:
            dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    except sqlite3.ProgrammingError:  # closed
        pass
