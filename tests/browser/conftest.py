"""Browser tests: a live CaseTrack server with the demo data, driven by Chromium (Playwright).

The server runs in a daemon thread on 127.0.0.1 against its OWN SQLite file (migrated here
with the real migrations), so the function-scoped `app` fixture of tests/conftest.py, which
empties the shared test database around every test, can never touch it. SQLite only: the
browser journeys do not need to be repeated on PostgreSQL.

Every test in this folder is marked `browser` (deselect with `-m "not browser"`).
Artifacts: test-artifacts/screenshots/<test>.png and test-artifacts/axe/<label>.json.
Helpers (sign_in, check_accessibility, screenshot) live in browser_helpers.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from browser_helpers import LiveServer, check_accessibility, screenshot, sign_in
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

BROWSER_DIR = Path(__file__).resolve().parent
TESTS_CONFTEST = BROWSER_DIR.parent / "conftest.py"

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
    # This hook sees every collected item of the session, so limit it to this folder.
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _tests_conftest(config: pytest.Config) -> ModuleType:
    """tests/conftest.py as pytest loaded it.

    `from conftest import ...` cannot be used here: pytest loads every package-less
    conftest.py under the module name "conftest", so inside this file it names this file.
    """
    module = config.pluginmanager.get_plugin(str(TESTS_CONFTEST))
    assert module is not None, f"{TESTS_CONFTEST} was not loaded"
    return module


# ---- live server -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    from casetrack import create_app
    from casetrack.demo import load_demo
    from casetrack.extensions import db

    shared = _tests_conftest(request.config)
    database = tmp_path_factory.mktemp("browser-db") / "casetrack-browser.sqlite3"
    config = shared.base_config(tmp_path_factory.mktemp("browser"), f"sqlite:///{database}")
    assert config["DEVELOPMENT"] is True  # plain http on 127.0.0.1: no Secure cookies
    shared._migrate(config)

    app = create_app(config)
    with app.app_context():
        shared._empty_tables()
        load_demo()
        db.session.commit()
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="casetrack-live", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


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
