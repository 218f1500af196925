"""Assurance suite fixtures: the figures collector (written to test-artifacts/assurance.json
when the session ends), scale switches, and a live server on a small demo installation for
the accessibility checks (which drive Chromium from a thread of their own, so they can share a
session with tests/browser, whose Playwright runs on the main thread).

Markers (registered here, so --strict-markers accepts them):
  assurance_slow     kills real processes or drives a browser (deselect: -m "not assurance_slow")
  assurance_finding  the regression test of a finding in findings.py

ASSURE_FULL=1 scales every part up (more examples, more repeats, every backend for the
parts that run on one by default). The suite runs when its folder is named on the command
line (`pytest tests/assurance`, as `make assure` does) or with ASSURE=1; a plain `pytest`
(`make test`) deselects it, so the ordinary suite keeps its running time.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from .figures import FIGURES, FULL, SECTIONS, Figures
from .findings import FINDINGS

HERE = Path(__file__).resolve().parent
_started = {"at": 0.0, "wall": ""}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "assurance_slow: kills real processes or drives a browser (assurance suite)"
    )
    config.addinivalue_line(
        "markers", "assurance_finding(key): regression test of an assurance finding"
    )
    _started["at"] = time.monotonic()
    _started["wall"] = datetime.now(UTC).isoformat(timespec="seconds")


def _asked_for(config: pytest.Config) -> bool:
    """True when the run names this folder (or a file in it), or ASSURE=1 / ASSURE_FULL=1."""
    if FULL or os.environ.get("ASSURE", "") not in ("", "0"):
        return True
    for arg in config.args:
        path = Path(arg.split("::")[0]).resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The suite takes minutes: a plain `pytest` (make test) leaves it out unless asked.
    Asked for, its tests run on one pytest-xdist worker (they share the small demo server and
    the figures written at the end)."""
    mine = [item for item in items if HERE in Path(str(item.path)).resolve().parents]
    if _asked_for(config):
        for item in mine:
            item.add_marker(pytest.mark.xdist_group("assurance"))
        return
    if mine:
        config.hook.pytest_deselected(items=mine)
        items[:] = [item for item in items if item not in mine]


def _section(item_or_path: Any) -> str | None:
    path = Path(str(getattr(item_or_path, "path", item_or_path)))
    if HERE not in path.resolve().parents:
        return None
    return SECTIONS.get(path.stem, path.stem)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    section = _section(item)
    if section is None:
        return report
    outcome = None
    if report.when == "call":
        outcome = "xfailed" if hasattr(report, "wasxfail") and report.skipped else report.outcome
        if hasattr(report, "wasxfail") and report.passed:
            outcome = "xpassed"
    elif report.when == "setup" and not report.passed:
        outcome = "skipped" if report.skipped else "error"
    if outcome is not None:
        FIGURES.outcome(section, outcome, item.nodeid, getattr(report, "duration", 0.0))
        marker = item.get_closest_marker("assurance_finding")
        if marker is not None:
            FINDINGS[marker.args[0]].tests[item.nodeid] = outcome
    elif report.when == "call":
        pass
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if FIGURES.empty:
        return
    meta = {
        "started": _started["wall"],
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "duration_s": round(time.monotonic() - _started["at"], 1),
        "full": FULL,
        "backends": os.environ.get("CASETRACK_TEST_DATABASES", "sqlite,postgresql"),
        "args": [a for a in sys.argv[1:]],
        "exit_status": int(exitstatus),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    path = FIGURES.write(meta)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"assurance figures written to {path}")


@pytest.fixture(scope="session")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A live server on a small demo installation (see small_world.py)."""
    from .small_world import serve_small_demo

    yield from serve_small_demo(tmp_path_factory)


@pytest.fixture(scope="session")
def figures() -> Figures:
    return FIGURES


@pytest.fixture
def full() -> bool:
    return FULL


@pytest.fixture
def only_first_backend(backend: str) -> Iterator[None]:
    """Parts that do not depend on the database run on the first selected backend only,
    unless ASSURE_FULL=1."""
    from conftest import BACKENDS

    if not FULL and backend != BACKENDS[0]:
        pytest.skip(f"{backend}: runs on {BACKENDS[0]} only unless ASSURE_FULL=1")
    yield
