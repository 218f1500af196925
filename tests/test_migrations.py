"""Migrations: one head, and `upgrade head` gives exactly the models' schema, on both backends."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import casetrack
from casetrack.extensions import db

MIGRATIONS = Path(casetrack.__file__).with_name("migrations")


def test_single_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_head_matches_models(app) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_database_is_at_head(app) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head
