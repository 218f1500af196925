"""SPEC §11 benchmark: every scale target measured on SQLite and on PostgreSQL.

    .venv/bin/python bench/run.py [--quick]

Starts its own PostgreSQL (tests/pgserver.py), generates the national dataset on each
backend, measures, prints the table and writes docs/performance.md. --quick runs everything
at a much smaller scale to check the harness itself.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # the checkout, not bench/

from bench import dataset, importing, inprocess, report  # noqa: E402
from bench.backends import Backends, Database, workdir  # noqa: E402
from bench.common import Result, Scale, app_config, elapsed_total, ms, progress  # noqa: E402
from bench.dataset import World  # noqa: E402
from bench.load import run_load  # noqa: E402
from bench.upload import make_file, upload  # noqa: E402


def guarded(backend: str, figure: str, step: Callable[[], list[Result]]) -> list[Result]:
    """Run one measurement; a failure becomes a missed row instead of ending the run."""
    try:
        return step()
    except Exception as error:  # noqa: BLE001 (reported in the table and on stderr)
        traceback.print_exc()
        return [Result(backend, figure, "runs", f"error: {str(error)[:80]}", False)]


FACTS: dict[str, str] = {}  # for the document: dataset sizes and generation times


def build(backends: Backends, backend: str, name: str, cases: int) -> tuple[Database, Any, World]:
    from casetrack import create_app

    database = backends.create(backend, name)
    app = create_app(app_config(database.url, database.instance))
    progress(f"{backend}: generating {cases:,} cases")
    world = dataset.generate(app, cases)
    summary = f"{cases:,} cases, {world.rows:,} rows generated in {world.seconds:.0f} s"
    FACTS[f"Dataset, {backend} ({name})"] = summary
    progress(f"{backend}: {summary}")
    return database, app, world


def dispose(app: Any) -> None:
    from casetrack.extensions import db

    with app.app_context():  # type: ignore[attr-defined]
        db.engine.dispose()


def small_list_p50(backends: Backends, backend: str, scale: Scale) -> float:
    _database, app, world = build(backends, backend, "small", scale.small_cases)
    client = inprocess.sign_in(app, dataset.NATIONAL_PSD)
    timings = inprocess.case_list(app, client, inprocess.list_queries(world, scale.list_requests))
    dispose(app)
    progress(f"{backend}: case list at {scale.small_cases:,} cases: p50 {ms(timings.p50)}")
    return timings.p50


def list_and_detail(
    backend: str, app: Any, world: World, scale: Scale, small_p50: float
) -> list[Result]:
    client = inprocess.sign_in(app, dataset.NATIONAL_PSD)
    progress(f"{backend}: case list, {scale.list_requests} requests")
    listed = inprocess.case_list(app, client, inprocess.list_queries(world, scale.list_requests))
    progress(f"{backend}: case detail, {scale.detail_requests} requests")
    detail = inprocess.case_detail(app, client, scale.detail_requests)
    progress(f"{backend}: subject picker, {scale.list_requests} requests per role")
    picker = inprocess.people_picker(app, world, scale.list_requests)
    ratio = listed.p50 / small_p50
    n, small = f"{scale.cases:,}", f"{scale.small_cases:,}"
    people = f"{world.big_force_people:,}"
    return [
        Result(backend, "case list with filters, one page", "p95 ≤ 100 ms",
               f"p50 {ms(listed.p50)}, p95 {ms(listed.p95)}", listed.p95 <= 0.1,
               [listed.breakdown(), "slowest kinds: " + "; ".join(listed.slowest_kinds()),
                "searches: " + "; ".join(listed.kinds("search"))]),
        *(Result(backend, f"subject picker JSON, {who}, force of {people} people",
                 "p95 ≤ 100 ms (§12; the list's)",
                 f"p50 {ms(t.p50)}, p95 {ms(t.p95)}", t.p95 <= 0.1,
                 [t.breakdown(), "; ".join(t.kinds())])
          for who, t in (("PSD", picker["psd"]), ("Standards Manager", picker["sm"]))),
        Result(backend, "case detail", "p95 ≤ 50 ms",
               f"p50 {ms(detail.p50)}, p95 {ms(detail.p95)}", detail.p95 <= 0.05,
               [detail.breakdown()]),
        Result(backend, f"list p50 at {n} ÷ at {small} cases", "≤ 2",
               f"{ms(listed.p50)} ÷ {ms(small_p50)} = {ratio:.2f}", ratio <= 2),
    ]  # fmt: skip


def queues(backend: str, app: Any, world: World, scale: Scale) -> list[Result]:
    """SPEC §13's pages, held to the list target (§11): a PSD officer's home page with their
    tasks, PSD's team queue and the notifications list of the national PSD account (every
    referral of 20 forces)."""
    officer = inprocess.sign_in(app, f"psd.{world.org.force_codes[0].lower()}@bench.police.uk")
    national = inprocess.sign_in(app, dataset.NATIONAL_PSD)
    n = scale.list_requests
    progress(f"{backend}: home page with tasks, team queue, notifications: {n} requests each")
    pages = {
        "home page with tasks (PSD officer)": inprocess.timed_series(
            app, officer, [("home", "/")] * n
        ),
        "PSD team queue (national PSD)": inprocess.timed_series(
            app, national, [("queue", "/queue")] * n
        ),
        "notifications list (national PSD)": inprocess.timed_series(
            app, national, [("notifications", "/notifications")] * n
        ),
    }
    return [
        Result(backend, figure, "p95 ≤ 100 ms (§11, the list's)",
               f"p50 {ms(t.p50)}, p95 {ms(t.p95)}", t.p95 <= 0.1, [t.breakdown()])
        for figure, t in pages.items()
    ]  # fmt: skip


def statistics(backend: str, app: Any, scale: Scale) -> list[Result]:
    client = inprocess.sign_in(app, dataset.NATIONAL_PSD)
    progress(f"{backend}: outcome statistics JSON and PDF over the whole dataset")
    t = inprocess.report_timings(app, client, scale.report_runs)
    ratio = t["pdf"] / t["weasyprint"]
    return [
        Result(backend, "outcome statistics, JSON, whole dataset", "≤ 0.5 s",
               f"{t['json']:.2f} s (median; worst {t['json_max']:.2f} s)", t["json"] <= 0.5),
        Result(backend, "outcome report PDF, whole dataset", "≤ 3 s",
               f"{t['pdf']:.2f} s", t["pdf"] <= 3),
        Result(backend, "PDF ÷ WeasyPrint on the same HTML", "≤ 1.3",
               f"{t['pdf']:.2f} s ÷ {t['weasyprint']:.2f} s = {ratio:.2f}", ratio <= 1.3),
    ]  # fmt: skip


def evidence_upload(backend: str, database: Database, path: Path, out: Path) -> list[Result]:
    progress(f"{backend}: evidence upload of {path.stat().st_size / 1024**2:,.0f} MiB")
    r = upload(database, path, out / f"gunicorn-upload-{backend}.log")
    mib = path.stat().st_size / 1024**2
    note = "stored SHA-256 matches sha256sum" if r.stored_ok else "STORED SHA-256 DIFFERS"
    return [
        Result(backend, f"evidence upload {mib:,.0f} MiB: worker memory growth", "≤ 50 MB",
               f"{r.growth_mb:.1f} MB (peak RSS {r.peak_rss / 1024**2:.0f} MB)",
               r.growth_mb <= 50, [note]),
        Result(backend, f"evidence upload {mib:,.0f} MiB: throughput ÷ sha256sum", "≥ 50 %",
               f"{mib / r.seconds:.0f} MiB/s ÷ {mib / r.sha256sum_seconds:.0f} MiB/s = "
               f"{r.ratio:.0%}", r.ratio >= 0.5 and r.stored_ok),
    ]  # fmt: skip


def load_test(
    backend: str, database: Database, world: World, scale: Scale, out: Path
) -> list[Result]:
    r = run_load(database, world, scale.load_users, scale.load_seconds, out)
    what = f"{r.users} users, {r.seconds} s, {r.workers} workers"
    notes = [
        f"{r.requests:,} requests ({r.requests / r.seconds:.1f}/s), p50 {r.p(50):.0f} ms; "
        f"after the ramp-up (all users signed in) p95 {r.p(95, r.steady):.0f} ms",
        r.per_page(),
    ]
    return [
        Result(backend, f"{what}: errors", "0", str(r.failures), r.failures == 0 < r.requests),
        Result(backend, f"{what}: p95", "≤ 300 ms", f"{r.p(95):.0f} ms", r.p(95) <= 300, notes),
    ]  # fmt: skip


IMPORT_LIMIT = 180.0  # seconds: 3 × the target; a slower import is stopped


def import_rows(
    backend: str, database: Database, world: World, scale: Scale, out: Path
) -> list[Result]:
    codes, runs = world.org.force_codes, []
    for rows, tag in ((scale.import_rows // 10, "SMALL"), (scale.import_rows, "FULL")):
        path = importing.write_csv(out / f"import-{backend}-{rows}.csv", rows, codes, tag)
        progress(f"{backend}: casetrack import cases ({rows:,} rows)")
        runs.append(importing.run_import(database, path, rows, IMPORT_LIMIT))
    small, full = runs
    took = f"{full.seconds:.1f} s" if full.finished else f"> {IMPORT_LIMIT:.0f} s (stopped)"
    memory = (
        f"{full.peak_rss_mb:.0f} MB ({small.rows:,} rows: {small.peak_rss_mb:.0f} MB)"
        if full.finished
        else "not measured (stopped)"
    )
    growth = full.peak_rss_mb - small.peak_rss_mb
    return [
        Result(backend, f"import of {full.rows:,} rows: time", "≤ 60 s", took,
               full.finished and full.seconds <= 60, [full.output]),
        Result(backend, f"import of {full.rows:,} rows: peak memory", "bounded", memory,
               growth <= 50 if full.finished else None),
    ]  # fmt: skip


PARTS = ("list", "queues", "statistics", "upload", "load", "import")


def bench_backend(backends: Backends, backend: str, scale: Scale, upload_file: Path,
                  out: Path, parts: tuple[str, ...] = PARTS) -> list[Result]:  # fmt: skip
    results: list[Result] = []
    small_p50 = small_list_p50(backends, backend, scale) if "list" in parts else 0.0
    database, app, world = build(backends, backend, "national", scale.cases)
    if "list" in parts:
        results += guarded(
            backend,
            "case list / detail",
            lambda: list_and_detail(backend, app, world, scale, small_p50),
        )
    if "queues" in parts:
        results += guarded(backend, "queues", lambda: queues(backend, app, world, scale))
    if "statistics" in parts:
        results += guarded(backend, "statistics / PDF", lambda: statistics(backend, app, scale))
    dispose(app)
    if "upload" in parts:
        results += guarded(
            backend, "evidence upload", lambda: evidence_upload(backend, database, upload_file, out)
        )
    if backend == "postgresql" and "load" in parts:
        results += guarded(
            backend, "load test", lambda: load_test(backend, database, world, scale, out)
        )
    if "import" in parts:
        results += guarded(
            backend, "import", lambda: import_rows(backend, database, world, scale, out)
        )
    return results  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run of the harness")
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated parts ({', '.join(PARTS)}); prints the table, writes no document",
    )
    parser.add_argument(
        "--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql"
    )
    args = parser.parse_args()
    parts = tuple(p for p in args.only.split(",") if p) or PARTS
    chosen = tuple(b for b in args.backends.split(",") if b)
    if set(chosen) - {"sqlite", "postgresql"} or not chosen:
        parser.error("--backends takes sqlite and/or postgresql")
    if chosen != ("sqlite", "postgresql"):
        parts = parts if args.only else PARTS
        args.only = args.only or ",".join(PARTS)  # a partial run: no document
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part: {', '.join(sorted(unknown))}")
    scale = Scale.quick() if args.quick else Scale()
    results: list[Result] = []
    FACTS["Code measured"] = report.checkout()
    FACTS["Load average at start"] = report.load_average()
    if os.getloadavg()[0] > 0.5:
        progress(f"note: the machine is busy (load {report.load_average()}): timings will suffer")
    with workdir() as out, Backends(out) as backends:
        progress(f"writing a {scale.upload_bytes / 1024**2:,.0f} MiB file for the upload")
        upload_file = make_file(
            out / "evidence-upload.txt", scale.upload_bytes if "upload" in parts else 1
        )
        for backend in chosen:
            results += bench_backend(backends, backend, scale, upload_file, out, parts)
        if "postgresql" in chosen:
            FACTS["PostgreSQL"] = backends.server_version()
    if report.checkout() != FACTS["Code measured"]:
        FACTS["Code at the end of the run"] = report.checkout() + " (it changed during the run)"
    FACTS["Load average at end"] = report.load_average()
    FACTS["Benchmark run time"] = f"{elapsed_total() / 60:.1f} min"
    print("\n" + report.table(results, markdown=False) + "\n")
    if args.only:
        where = ", ".join(chosen)
        print(f"measured: {', '.join(parts)} on {where} (docs/performance.md not written)")
        return
    path = report.write(results, FACTS, args.quick)
    print(f"written {path}; total {elapsed_total() / 60:.1f} min")


if __name__ == "__main__":
    main()
