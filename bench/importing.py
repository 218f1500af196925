"""`casetrack import cases FILE` on a generated CSV in the SPEC §7 format: wall time and the
command's peak memory (`/usr/bin/time -v`), on a small and a full file to show whether memory
grows with the file."""

from __future__ import annotations

import csv
import os
import random
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bench.backends import Database
from bench.common import BIN
from bench.synth import DEPARTMENTS, FIRST, LAST, PHRASES, PSD_OUTCOMES, RANK_WEIGHTS, pick
from casetrack import vocab
from casetrack.timeutil import today

COLUMNS = ["reference", "force", "department", "received_date", "source", "account_type",
           "platform", "categories", "summary", "subject_number", "subject_name",
           "subject_role", "subject_rank", "severity", "referred_to_psd", "outcome",
           "outcome_date"]  # fmt: skip


def write_csv(path: Path, rows: int, force_codes: list[str], tag: str, seed: int = 5) -> Path:
    """`rows` rows, one per investigation; 1–3 rows per reference with distinct subjects."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        written, number = 0, 0
        while written < rows:
            number += 1
            case = _case_columns(rng, rng.choice(force_codes), f"{tag}/{number:06d}")
            subjects = min(rows - written, rng.choices([1, 2, 3], weights=[75, 20, 5])[0])
            for staff in rng.sample(range(1, 90_000), subjects):
                writer.writerow(case | _subject_columns(rng, case, staff))
            written += subjects
    return path


def _case_columns(rng: random.Random, force: str, reference: str) -> dict[str, str]:
    received = today() - timedelta(days=rng.randint(400, 6000))
    return {
        "reference": reference, "force": force, "department": rng.choice(DEPARTMENTS)[0],
        "received_date": received.strftime("%d/%m/%Y"),
        "source": rng.choice(list(vocab.SOURCES)),
        "account_type": rng.choice(list(vocab.ACCOUNT_TYPES)),
        "platform": rng.choice(list(vocab.PLATFORMS)),
        "categories": ";".join(rng.sample(list(vocab.CATEGORIES), 2)),
        "summary": f"Historical record: subject {rng.choice(PHRASES)}.",
        "referred_to_psd": rng.choice(["yes", "no"]),
    }  # fmt: skip


def _subject_columns(rng: random.Random, case: dict[str, str], staff: int) -> dict[str, str]:
    role = rng.choice(["police_officer", "police_officer", "police_staff", "pcso"])
    day, month, year = (int(x) for x in case["received_date"].split("/"))
    finalised = rng.random() >= 0.05
    return {
        "subject_number": f"{case['force']}{staff:05d}",
        "subject_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "subject_role": role,
        "subject_rank": pick(rng, RANK_WEIGHTS) if role == "police_officer" else "",
        "severity": rng.choice(["misconduct", "gross_misconduct", "no_misconduct"]),
        "outcome": pick(rng, PSD_OUTCOMES) if finalised else "",
        "outcome_date": f"{year + 1}-{month:02d}-{min(day, 28):02d}" if finalised else "",
    }  # fmt: skip


@dataclass
class ImportRun:
    rows: int
    seconds: float
    peak_rss_mb: float
    output: str
    finished: bool = True


def run_import(database: Database, path: Path, rows: int, limit: float) -> ImportRun:
    """Run the import; one that takes longer than `limit` seconds is stopped (its process
    group, which this function started) and reported as unfinished."""
    command = ["/usr/bin/time", "-v", str(BIN / "casetrack"), "import", "cases", str(path)]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=database.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )  # fmt: skip
    try:
        stdout, stderr = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return ImportRun(rows, time.perf_counter() - started, float("nan"), "stopped", False)
    seconds = time.perf_counter() - started
    if process.returncode:
        raise RuntimeError(f"import failed: {stderr[-2000:]}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return ImportRun(rows, seconds, int(peak[1]) / 1024 if peak else float("nan"), stdout.strip())
