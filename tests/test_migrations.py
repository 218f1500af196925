"""Migrations: one head, and `upgrade head` gives exactly the models' schema, on both backends."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import casetrack
from casetrack.cases.search import include_name
from casetrack.extensions import db

MIGRATIONS = Path(casetrack.__file__).with_name("migrations")


def test_single_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_head_matches_models(app) -> None:
    with db.engine.connect() as connection:
        # The search's FTS5 tables (SQLite) are not models: left out as env.py leaves them out.
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_database_is_at_head(app) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head


def test_upgrade_keeps_evidence_rows_on_sqlite(tmp_path: Path) -> None:
    """0004 rebuilds SQLite tables that other rows point at: the migration environment turns
    foreign keys off for it and checks them after, so existing evidence survives intact."""
    import subprocess
    import sys

    from sqlalchemy import create_engine, text

    env = {
        "CASETRACK_INSTANCE_PATH": str(tmp_path),
        "CASETRACK_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CASETRACK_SECRET_KEY": "k" * 32,
        "PATH": "/usr/bin:/bin",
    }
    command = [str(Path(sys.executable).with_name("casetrack")), "db", "upgrade"]
    subprocess.run([*command, "0003"], env=env, check=True, capture_output=True)
    engine = create_engine(env["CASETRACK_DATABASE_URL"])
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.execute(text("INSERT INTO forces (id, code, name) VALUES (1, 'WMP', 'W')"))
        conn.execute(
            text(
                "INSERT INTO cases (id, reference, force_id, state, received_date, case_type,"
                " summary, content_urls, content_posted_dates, reporter_anonymous, restricted,"
                " imported, created_at, updated_at, version) VALUES (1, 'WMP-2026-00001', 1,"
                " 'logged', '2026-01-01', 'conduct_matter', 's', '', '', 0, 0, 0,"
                " '2026-01-01', '2026-01-01', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO evidence_items (id, case_id, kind, captured_at, captured_by,"
                " capture_method, original_filename, storage_name, media_type, size, sha256,"
                " uploaded_by_name, uploaded_at, description, withdrawn) VALUES (1, 1, 'other',"
                " '2026-01-01', 'me', 'm', 'a.png', 'x', 'image/png', 1, 'ab', 'me',"
                " '2026-01-01', '', 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO custody_events (item_id, at, actor_name, action, note)"
                " VALUES (1, '2026-01-01', :name, 'uploaded', '')"
            ),
            {"name": "n" * 254},
        )
    engine.dispose()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    engine = create_engine(env["CASETRACK_DATABASE_URL"])
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM custody_events")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM evidence_items")).scalar() == 1
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    engine.dispose()
