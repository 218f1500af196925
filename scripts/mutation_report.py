"""Write docs/mutation.md from the last `mutmut run` (make mutation): the score per module and
every surviving mutant with its diff, and why, where a survivor is equivalent (NOTES)."""

from __future__ import annotations

import platform
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = str(Path(sys.executable).with_name("mutmut"))
KILLED = {"killed", "timeout", "segfault"}  # the tests noticed: a failure, a hang, a crash

# Survivors that no test can kill because the mutant behaves exactly like the original, by
# function and mutant number (the number is stable while the function is unchanged). Each says
# why; anything else that survives is a gap in the tests.
NOTES: dict[str, str] = {}


def results() -> list[tuple[str, str]]:
    out = subprocess.run(
        [MUTMUT, "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = []
    for line in out.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            rows.append((name, status.strip()))
    return rows


def module_of(name: str) -> str:
    return name.split(".x_")[0].split(".xǁ")[0]


def diff(name: str) -> str:
    shown = subprocess.run(
        [MUTMUT, "show", name], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return shown.stdout.strip()


def main() -> int:
    rows = results()
    if not rows:
        print("no mutmut results: run `make mutation`", file=sys.stderr)
        return 1
    by_module: dict[str, Counter] = defaultdict(Counter)
    for name, status in rows:
        by_module[module_of(name)][status] += 1
    total = Counter(status for _, status in rows)
    killed = sum(total[s] for s in KILLED)
    survivors = [name for name, status in rows if status not in KILLED]
    explained = [name for name in survivors if name in NOTES]
    lines = [
        "# Mutation testing",
        "",
        f"`make mutation` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()} "
        f"({platform.machine()}, Python {platform.python_version()}): mutmut over the core rule "
        "modules, against the tests that cover them, on SQLite. A mutant is killed when a test "
        "fails (or hangs) with it in place.",
        "",
        f"**Score: {killed} of {len(rows)} mutants killed ({100 * killed / len(rows):.1f} %)**; "
        f"{len(survivors)} survive, of which {len(explained)} are explained below as equivalent.",
        "",
        "| module | mutants | killed | survived | no test | score |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for module in sorted(by_module):
        counts = by_module[module]
        n = sum(counts.values())
        k = sum(counts[s] for s in KILLED)
        lines.append(
            f"| `{module}` | {n} | {k} | {counts['survived']} | {counts['no tests']} | "
            f"{100 * k / n:.0f} % |"
        )
    other = {s: c for s, c in total.items() if s not in KILLED | {"survived", "no tests"}}
    if other:
        lines += ["", "Other results: " + ", ".join(f"{s}: {c}" for s, c in sorted(other.items()))]
    lines += ["", "## Surviving mutants", ""]
    if not survivors:
        lines.append("None.")
    for name in survivors:
        status = dict(rows)[name]
        lines += [f"### `{name}` ({status})", ""]
        if name in NOTES:
            lines += [f"Equivalent: {NOTES[name]}", ""]
        lines += ["```diff", diff(name), "```", ""]
    out = ROOT / "docs" / "mutation.md"
    out.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print(f"{killed}/{len(rows)} killed ({100 * killed / len(rows):.1f} %); wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
