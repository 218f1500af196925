"""Configuration layers: defaults → instance/config.py → CASETRACK_* environment."""

from __future__ import annotations

from pathlib import Path

import pytest

import casetrack
from casetrack.config import load_config, normalise_database_url


def test_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path, None, environ={})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'casetrack.sqlite3'}"
    assert config["EVIDENCE_DIR"] == str(tmp_path / "evidence")
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["IDLE_TIMEOUT"].total_seconds() == 30 * 60


def test_instance_file_then_environment(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text(
        'DATABASE_URL = "postgresql://db.example/casetrack"\nPAGE_SIZE = 50\nFORCE_NAME = "X"\n'
    )
    config = load_config(
        tmp_path,
        None,
        environ={"CASETRACK_PAGE_SIZE": "10", "CASETRACK_EVIDENCE_DIR": "/srv/evidence"},
    )
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db.example/casetrack"
    assert config["PAGE_SIZE"] == 10  # environment wins
    assert config["FORCE_NAME"] == "X"  # instance file beats the default
    assert config["EVIDENCE_DIR"] == "/srv/evidence"


def test_secret_key_generated_once(tmp_path: Path) -> None:
    first = load_config(tmp_path, None, environ={})["SECRET_KEY"]
    second = load_config(tmp_path, None, environ={})["SECRET_KEY"]
    assert first == second and len(first) >= 40
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert (
        load_config(tmp_path, None, environ={"CASETRACK_SECRET_KEY": "from-env"})["SECRET_KEY"]
        == "from-env"
    )


def test_development_relaxes_secure_cookies_only(tmp_path: Path) -> None:
    config = load_config(tmp_path, None, environ={"CASETRACK_DEVELOPMENT": "1"})
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["SESSION_COOKIE_HTTPONLY"] is True


@pytest.mark.parametrize("url", ["postgres://h/db", "postgresql://h/db"])
def test_postgres_urls_use_psycopg3(url: str) -> None:
    assert normalise_database_url(url) == "postgresql+psycopg://h/db"


def test_missing_templates_fail_fast(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(casetrack, "ROOT", tmp_path)
    (tmp_path / "static").mkdir()
    with pytest.raises(casetrack.SetupError, match="templates folder"):
        casetrack.create_app({"INSTANCE_PATH": str(tmp_path / "instance")})


def test_server_app_compiles_every_template_at_start(tmp_path: Path, monkeypatch) -> None:
    """create_app() as gunicorn calls it compiles every page template before serving (and so
    fails at start, not on a request, if one is broken); the command line does not."""
    from casetrack import create_app
    from casetrack.cli import _create_app

    monkeypatch.setenv("CASETRACK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("CASETRACK_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    served = create_app()
    pages = served.jinja_env.list_templates(filter_func=lambda n: n.endswith(".html"))
    assert len(pages) > 50
    assert set(pages) <= _names(served)
    assert len(_names(_create_app())) == 0


def _names(app) -> set[str]:
    cache = app.jinja_env.cache  # keys: (loader ref, template name)
    return {key[1] for key in cache.keys()}  # noqa: SIM118 (an LRUCache, not a dict)


def test_sqlite_connections_have_the_spec_pragmas(app, backend) -> None:
    """SPEC §10: WAL, foreign keys on, a busy timeout; and reads through a memory map (the
    statistics' scans, casetrack/database.py). Written out by hand, not read from the module."""
    if backend != "sqlite":
        pytest.skip("SQLite pragmas")
    from casetrack.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        pragma = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "mmap_size")
        }
    assert pragma == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 30000,
        "mmap_size": 1073741824,
    }
