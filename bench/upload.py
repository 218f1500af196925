"""Evidence upload of one large file to gunicorn: the worker's peak memory growth, and the
throughput against `sha256sum` on the same file. The client streams from the file."""

from __future__ import annotations

import http.client
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
from sqlalchemy import create_engine, text

from bench.backends import Database
from bench.common import progress
from bench.dataset import NATIONAL_PSD
from bench.server import Gunicorn, page_token, signed_in_session

CHUNK = 1024 * 1024


def make_file(path: Path, size: int) -> Path:
    """Plain text (an allowed evidence type, e.g. a message export), written 1 MiB at a time."""
    line = b"2026-01-01 10:00 Officer A: this is a line of an exported group chat.\n"
    block = (line * (CHUNK // len(line) + 1))[:CHUNK]
    with path.open("wb") as handle:
        for start in range(0, size, CHUNK):
            handle.write(block[: min(CHUNK, size - start)])
    return path


def sha256sum_seconds(path: Path) -> tuple[float, str]:
    subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)  # page cache
    started = time.perf_counter()
    out = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True)
    return time.perf_counter() - started, out.stdout.split()[0]


@dataclass
class UploadResult:
    seconds: float
    sha256sum_seconds: float
    baseline_rss: int
    peak_rss: int
    stored_ok: bool

    @property
    def growth_mb(self) -> float:
        return (self.peak_rss - self.baseline_rss) / 1024**2

    @property
    def ratio(self) -> float:
        return self.sha256sum_seconds / self.seconds


class PeakRss:
    """Samples one process's resident memory every 10 ms in a thread; keeps the peak."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = self.baseline = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def multipart(fields: list[tuple[str, str]], path: Path) -> tuple[str, int, Iterator[bytes]]:
    """(content type, length, body chunks) of a form with one file, streamed from disk."""
    boundary = uuid.uuid4().hex
    disposition = f"--{boundary}\r\nContent-Disposition: form-data; name="
    parts = [f'{disposition}"{name}"\r\n\r\n{value}\r\n' for name, value in fields]
    parts.append(
        f'{disposition}"files"; filename="{path.name}"\r\nContent-Type: text/plain\r\n\r\n'
    )
    head = "".join(parts).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body() -> Iterator[bytes]:
        yield head
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
        yield tail

    length = len(head) + path.stat().st_size + len(tail)
    return f"multipart/form-data; boundary={boundary}", length, body()


def _open_case(database: Database) -> int:
    engine = create_engine(database.url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(
                "SELECT id FROM cases WHERE state = 'psd_investigation' AND NOT restricted "
                "ORDER BY id LIMIT 1"
            )).scalar_one())  # fmt: skip
    finally:
        engine.dispose()


def _stored_sha256(database: Database) -> str | None:
    engine = create_engine(database.url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text("SELECT sha256 FROM evidence_items ORDER BY id DESC LIMIT 1")
            ).scalar()
    finally:
        engine.dispose()


def post_streaming(
    port: int, url: str, fields: list[tuple[str, str]], path: Path, cookie: str
) -> int:
    """POST with http.client: an iterable body with a Content-Length is sent as it is read,
    so neither side of this client holds the file."""
    content_type, length, body = multipart(fields, path)
    progress(f"  uploading {length / 1024**2:,.0f} MiB")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    try:
        connection.request("POST", url, body=body, headers={
            "Content-Type": content_type, "Content-Length": str(length), "Cookie": cookie,
        })  # fmt: skip
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def upload(database: Database, path: Path, log: Path) -> UploadResult:
    sha_seconds, digest = sha256sum_seconds(path)
    case_id = _open_case(database)
    limit = str(path.stat().st_size + 10 * CHUNK)
    with Gunicorn(database, 1, log, CASETRACK_EVIDENCE_MAX_BYTES=limit) as server:
        session = signed_in_session(server.url, NATIONAL_PSD)
        form_url = f"{server.url}/cases/{case_id}/evidence/new"
        token = page_token(session, form_url)  # also warms the worker up
        today = time.localtime()
        fields = [
            ("csrf_token", token), ("kind", "message_export"),
            ("captured_on", str(today.tm_mday)), ("captured_on", str(today.tm_mon)),
            ("captured_on", str(today.tm_year)), ("captured_by", "Benchmark"),
            ("capture_method", "Generated file"), ("description", "Large upload benchmark"),
        ]  # fmt: skip
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        with PeakRss(server.worker_pids()[0]) as rss:
            started = time.perf_counter()
            status = post_streaming(server.port, form_url, fields, path, cookie)
            seconds = time.perf_counter() - started
        if status != 302:
            raise RuntimeError(f"upload refused ({status}); see {log}")
    return UploadResult(seconds, sha_seconds, rss.baseline, rss.peak,
                        _stored_sha256(database) == digest)  # fmt: skip
