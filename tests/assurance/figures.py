"""The figures the assurance suite publishes, collected while the tests run.

Tests get the session's `Figures` through the `figures` fixture and add counts to a section;
the conftest writes everything to test-artifacts/assurance.json when the session ends, and
`python tests/assurance/report.py` turns that file into docs/assurance.md.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ARTIFACT = ROOT / "test-artifacts" / "assurance.json"

FULL = os.environ.get("ASSURE_FULL", "") not in ("", "0", "false", "no")


def scale(default: int, full: int, env: str | None = None) -> int:
    """A size for the default (CI) run, the full run, or what an environment variable says."""
    if env and os.environ.get(env, "").isdigit():
        return int(os.environ[env])
    return full if FULL else default


# Module → section of the report, in the order of issue 8.
SECTIONS = {
    "test_access_matrix": "access",
    "test_injection": "injection",
    "test_fuzz_forms": "fuzzing",
    "test_sessions": "sessions",
    "test_uploads": "uploads",
    "test_faults": "faults",
    "test_concurrency": "concurrency",
    "test_accessibility": "accessibility",
}


class Figures:
    """Counters per section (also per backend), notes, and test outcomes per section."""

    def __init__(self) -> None:
        self.totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.by_backend: dict[str, dict[str, dict[str, int]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(int))
        )
        self.values: dict[str, dict[str, Any]] = defaultdict(dict)
        self.notes: dict[str, list[str]] = defaultdict(list)
        self.outcomes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.durations: dict[str, float] = defaultdict(float)
        self.failures: dict[str, list[str]] = defaultdict(list)

    def add(self, section: str, key: str, n: int = 1, backend: str | None = None) -> None:
        self.totals[section][key] += n
        if backend:
            self.by_backend[section][backend][key] += n

    def set(self, section: str, key: str, value: Any) -> None:
        self.values[section][key] = value

    def note(self, section: str, text: str) -> None:
        if text not in self.notes[section]:
            self.notes[section].append(text)

    def outcome(self, section: str, outcome: str, nodeid: str, duration: float) -> None:
        self.outcomes[section][outcome] += 1
        self.durations[section] += duration
        if outcome == "failed":
            self.failures[section].append(nodeid)

    @property
    def empty(self) -> bool:
        return not (self.totals or self.outcomes)

    def as_json(self, meta: dict[str, Any]) -> dict[str, Any]:
        from assurance.findings import FINDINGS

        sections = {}
        for section in dict.fromkeys([*SECTIONS.values(), *self.totals, *self.outcomes]):
            if section not in self.totals and section not in self.outcomes:
                continue
            sections[section] = {
                "totals": dict(self.totals.get(section, {})),
                "by_backend": {
                    b: dict(v) for b, v in sorted(self.by_backend.get(section, {}).items())
                },
                "values": self.values.get(section, {}),
                "notes": self.notes.get(section, []),
                "tests": dict(self.outcomes.get(section, {})),
                "failed_tests": self.failures.get(section, []),
                "duration_s": round(self.durations.get(section, 0.0), 1),
            }
        return {
            "meta": meta,
            "sections": sections,
            "findings": {key: finding.as_dict() for key, finding in FINDINGS.items()},
        }

    def write(self, meta: dict[str, Any], path: Path = ARTIFACT) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_json(meta), indent=2, default=str) + "\n")
        return path


FIGURES = Figures()
