"""Browser tests: a live CaseTrack server with the demo data, driven by Chromium (Playwright).

The server runs in a daemon thread on 127.0.0.1 against its OWN SQLite file (migrated here
with the real migrations), so the function-scoped `app` fixture of tests/conftest.py, which
empties the shared test database around every test, can never touch it. SQLite only: the
browser journeys do not need to be repeated on PostgreSQL.

Every test in this folder is marked `browser` (deselect with `-m "not browser"`).
Artifacts: test-artifacts/screenshots/<test>.png and test-artifacts/axe/<label>.json.
Helpers (sign_in, check_accessibility, screenshot) live in browser_helpers.py.

tests/browser is a package (__init__.py) on purpose: pytest loads a conftest.py outside a
package under the bare module name "conftest", replacing tests/conftest.py in sys.modules,
which would break `from conftest import ...` in the other test modules.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from conftest import _empty_tables, _migrate, base_config, serve_live

from .browser_helpers import LiveServer, check_accessibility, screenshot, sign_in

BROWSER_DIR = Path(__file__).resolve().parent

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

__all__ = ["check_accessibility", "screenshot", "sign_in"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees every collected item of the session, so limit it to this folder. The
    # journeys share one live server and its demo data, in order: one pytest-xdist worker.
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


# ---- live server -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from casetrack import create_app
    from casetrack.demo import load_demo
    from casetrack.extensions import db

    database = tmp_path_factory.mktemp("browser-db") / "casetrack-browser.sqlite3"
    config = base_config(tmp_path_factory.mktemp("browser"), f"sqlite:///{database}")
    assert config["DEVELOPMENT"] is True  # plain http on 127.0.0.1: no Secure cookies
    _migrate(config)

    app = create_app(config)
    with app.app_context():
        _empty_tables()
        load_demo()
        db.session.commit()
        db.session.remove()

    with serve_live(app, "casetrack-live") as url:
        yield LiveServer(url=url, app=app)


# ---- browser and pages -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context per test; a full-page screenshot is saved when it ends."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        try:
            screenshot(tab, request.node.name)
        finally:
            context.close()
