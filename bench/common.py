"""Shared bits of the benchmark: paths, scale, results, timing helpers, progress lines."""

from __future__ import annotations

import importlib.util
import math
import os
import socket
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "Bench-national-2026"  # noqa: S105 (synthetic accounts in a throwaway database)
SECRET_KEY = "bench-secret-key-identical-in-every-worker"  # noqa: S105
# Every synthetic account has two authenticator apps with these secrets (SPEC §16): two
# simulated users sharing an account in the same 30 seconds each have a code of their own
# (a code works once).
TOTP_SECRETS = ["BENCHAAAAAAAAAAAAAAAAAAAAAAAAAAA", "BENCHBBBBBBBBBBBBBBBBBBBBBBBBBBB"]


def totp_codes(secret: str) -> list[str]:
    """The codes of this step and the next, for a second factor asked for now."""
    import pyotp

    totp = pyotp.TOTP(secret)
    now = time.time()
    return [totp.at(now), totp.at(now + 30)]


_START = time.monotonic()


@dataclass(frozen=True)
class Scale:
    """How big each measurement is; --quick shrinks everything for a smoke run."""

    cases: int = 100_000
    small_cases: int = 1_000
    list_requests: int = 200
    detail_requests: int = 200
    report_runs: int = 3
    upload_bytes: int = 1024**3
    import_rows: int = 100_000
    load_seconds: int = 60
    load_users: int = 50

    @classmethod
    def quick(cls) -> Scale:
        return cls(2_000, 200, 60, 60, 2, 50 * 1024**2, 5_000, 10, 20)


@dataclass
class Result:
    backend: str
    figure: str
    target: str
    measured: str
    meets: bool | None  # None: informational, no target of its own
    notes: list[str] = field(default_factory=list)


def progress(message: str) -> None:
    elapsed = time.monotonic() - _START
    print(f"[{int(elapsed) // 60:02d}:{int(elapsed) % 60:02d}] {message}", flush=True)


def elapsed_total() -> float:
    return time.monotonic() - _START


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(pct / 100 * len(ordered))) - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_pgserver() -> ModuleType:
    """tests/pgserver.py, imported by path (tests/ is not a package)."""
    path = ROOT / "tests" / "pgserver.py"
    spec = importlib.util.spec_from_file_location("casetrack_bench_pgserver", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def app_env(url: str, instance: Path, **extra: str) -> dict[str, str]:
    """Environment for a `casetrack`/gunicorn subprocess on one database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASETRACK_")}
    env.update(
        CASETRACK_DATABASE_URL=url,
        CASETRACK_INSTANCE_PATH=str(instance),
        CASETRACK_SECRET_KEY=SECRET_KEY,
        CASETRACK_DEVELOPMENT="1",
        CASETRACK_EVIDENCE_DIR=str(instance / "evidence"),
        PATH=f"{BIN}:{env.get('PATH', '')}",
    )
    env.update(extra)
    return env


def app_config(url: str, instance: Path) -> dict[str, object]:
    """Configuration for an in-process app: the same settings as app_env()."""
    return {
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": SECRET_KEY,
        "DEVELOPMENT": True,
        "EVIDENCE_DIR": str(instance / "evidence"),
    }
