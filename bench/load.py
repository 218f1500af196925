"""50 concurrent users against gunicorn (2 × cores + 1 workers) with locust, headless."""

from __future__ import annotations

import json
import os
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench.backends import Database
from bench.common import BIN, PASSWORD, ROOT, TOTP_SECRETS, percentile, progress
from bench.dataset import World
from bench.inprocess import list_queries
from bench.server import Gunicorn

SPAWN_RATE = 10  # users started per second


@dataclass
class LoadResult:
    workers: int
    users: int
    seconds: int
    times: list[float]  # ms, every request
    steady: list[float]  # ms, requests after every user has started and signed in
    failures: int
    by_name: dict[str, list[float]]

    @property
    def requests(self) -> int:
        return len(self.times)

    def p(self, pct: float, times: list[float] | None = None) -> float:
        values = self.times if times is None else times
        return percentile(values, pct) if values else float("nan")

    def per_page(self) -> str:
        return "; ".join(
            f"{name} p95 {self.p(95, times):.0f} ms ({len(times)})"
            for name, times in sorted(self.by_name.items())
        )


def run_load(database: Database, world: World, users: int, seconds: int, out: Path) -> LoadResult:
    workers = 2 * (os.cpu_count() or 1) + 1
    filters = out / "filters.txt"
    filters.write_text("\n".join(q for _, q in list_queries(world, 200, seed=13)) + "\n")
    request_log = out / "locust-requests.jsonl"
    # Several workers refuse a per-process throttling store; the load test signs in correctly,
    # so it measures the same without throttling (a Redis store is tested in the test suite).
    no_throttle = {"CASETRACK_RATELIMIT_ENABLED": "0"}
    with Gunicorn(database, workers, out / "gunicorn-load.log", **no_throttle) as server:
        progress(f"  locust: {users} users, {seconds} s, gunicorn --workers {workers}")
        command = [
            str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
            "-u", str(users), "-r", str(SPAWN_RATE), "-t", f"{seconds}s", "--host", server.url,
            "--only-summary", "--stop-timeout", "10",
        ]  # fmt: skip
        env = {**os.environ, "BENCH_ACCOUNTS": ",".join(world.accounts),
               "BENCH_PASSWORD": PASSWORD, "BENCH_FILTERS": str(filters),
               "BENCH_TOTP_SECRETS": ",".join(TOTP_SECRETS),
               "BENCH_REQUEST_LOG": str(request_log)}  # fmt: skip
        with (out / "locust.log").open("w") as log:
            subprocess.run(command, env=env, stdout=log, stderr=log, check=False)
    return _parse(request_log, workers, users, seconds)


def _parse(path: Path, workers: int, users: int, seconds: int) -> LoadResult:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line]
    settled = users / SPAWN_RATE + 10  # every user spawned and past its sign-in
    by_name: dict[str, list[float]] = defaultdict(list)
    for _at, name, ms, _failed in rows:
        by_name[name].append(ms)
    return LoadResult(
        workers=workers, users=users, seconds=seconds,
        times=[ms for _at, _name, ms, _failed in rows],
        steady=[ms for at, _name, ms, _failed in rows if at >= settled],
        failures=sum(1 for *_rest, failed in rows if failed), by_name=dict(by_name),
    )  # fmt: skip
