"""Faults: the real application and command line in subprocesses, killed with SIGKILL at
named points, and database failures after the evidence file is written.

Kill points
  upload: streaming   `casetrack run` killed while the request body is still arriving
  upload: after_temp_write / after_rename / before_commit
                      the app (create_app() served by werkzeug, tests/assurance/
                      fault_server.py) stopped at that step of the evidence store, then killed
  import: N%          `casetrack import cases` killed N% of the way through a calibrated run
Database failures (in process, both backends): the evidence store's fault hook raising a
database error after the temporary write and after the rename, and the database refusing
the COMMIT itself.

After every fault: `casetrack evidence verify` reports no MISSING or ALTERED file (orphaned
files are allowed, and must be reported), `casetrack audit verify` passes, no partial case or
evidence record exists, and nothing committed before the fault is lost.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.client import HTTPConnection
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import create_engine, text

from .figures import FULL, scale
from .helpers import PASSWORD, PNG, files_under, token_in

pytestmark = pytest.mark.assurance_slow

CASETRACK = str(Path(sys.executable).with_name("casetrack"))
HERE = Path(__file__).resolve().parent
REPEATS = scale(1, 3, "ASSURE_FAULT_REPEATS")
UPLOAD_POINTS = ["streaming", "after_temp_write", "after_rename", "before_commit"]
IMPORT_POINTS = [0.5] if not FULL else [0.1, 0.3, 0.5, 0.7, 0.9]
IMPORT_ROWS = scale(2000, 20000, "ASSURE_IMPORT_ROWS")
SM_EMAIL = "sm.fault@example.police.uk"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---- a complete installation in a temporary folder ------------------------------------------


@dataclass
class Installation:
    root: Path
    env: dict[str, str]
    database_url: str
    processes: list[subprocess.Popen] = field(default_factory=list)
    # the Standards Manager's second factor: recovery codes, which need no shared clock with
    # the server processes (SPEC §16)
    recovery_codes: list[str] = field(default_factory=list)

    @property
    def evidence(self) -> Path:
        return self.root / "instance" / "evidence"

    def cli(self, *args: str, stdin: str | None = None, timeout: int = 300) -> Any:
        return subprocess.run(
            [CASETRACK, *args],
            env=self.env,
            input=stdin,
            text=True,
            capture_output=True,
            timeout=timeout,
            check=False,
        )

    def start(self, pause_at: str | None = None, nth: int = 1) -> Server:
        port = _free_port()
        flag = self.root / f"paused-{uuid.uuid4().hex}"
        if pause_at in (None, "streaming"):
            command = [CASETRACK, "run", "--host", "127.0.0.1", "--port", str(port)]
        else:
            command = [
                sys.executable,
                str(HERE / "fault_server.py"),
                str(port),
                pause_at,
                str(flag),
                str(nth),
            ]
        process = subprocess.Popen(
            command,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.processes.append(process)
        server = Server(process, port, flag, codes=self.recovery_codes)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if server.request("GET", "/healthz")[0] == 200:
                    return server
            except OSError:
                time.sleep(0.2)
        process.kill()
        raise RuntimeError("the server did not start")

    def engine(self) -> Any:
        url = self.database_url
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return create_engine(url)


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    flag: Path
    cookie: str = ""
    codes: list[str] = field(default_factory=list)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], str]:
        connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("casetrack_session="):
                self.cookie = value.split(";", 1)[0]
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def token(self, path: str) -> str:
        found = token_in(self.request("GET", path)[2])
        assert found, f"no CSRF token on {path}"
        return found

    def post(self, path: str, fields: dict[str, Any], token_from: str | None = None) -> Any:
        pairs = [("csrf_token", self.token(token_from or path))]
        for key, value in fields.items():
            pairs += [(key, v) for v in (value if isinstance(value, list) else [value])]
        return self.request(
            "POST",
            path,
            urlencode(pairs).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )

    def sign_in(self, email: str = SM_EMAIL) -> None:
        status, headers, _ = self.post("/sign-in", {"email": email, "password": PASSWORD})
        assert status == 302, status
        if headers.get("location", "").endswith("/sign-in/second-factor"):
            assert self.codes, "no recovery code left"
            status, headers, _ = self.post("/sign-in/recovery-code", {"code": self.codes.pop()})
            assert status == 302, status

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def _today_parts(days: int = 0) -> list[str]:
    day = date.today() - timedelta(days=days)
    return [str(day.day), str(day.month), str(day.year)]


def _multipart(fields: dict[str, Any], filename: str, size: int) -> tuple[str, bytes, bytes]:
    """(boundary, everything before the file's bytes, everything after them)."""
    boundary = uuid.uuid4().hex
    head = b""
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            head += (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{item}\r\n'
            ).encode()
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="{filename}"\r\nContent-Type: image/png\r\n\r\n'
    ).encode()
    return boundary, head, f"\r\n--{boundary}--\r\n".encode()


def upload_fields(token: str) -> dict[str, Any]:
    return {
        "csrf_token": token,
        "kind": "screenshot",
        "captured_on": _today_parts(1),
        "captured_by": "Member of the public",
        "capture_method": "Phone screenshot",
    }


def upload(server: Server, case_id: int, size: int = 200_000) -> int:
    """A complete upload; the new item's id."""
    path = f"/cases/{case_id}/evidence/new"
    boundary, head, tail = _multipart(upload_fields(server.token(path)), "ok.png", size)
    content = PNG + os.urandom(size - len(PNG))
    status, headers, body = server.request(
        "POST",
        path,
        head + content + tail,
        {"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert status == 302, body[-400:]
    status, _, page = server.request("GET", headers["location"])
    items = re.findall(r"/evidence/(\d+)", page)
    assert items, "the case page lists no evidence"
    return max(int(i) for i in items)


@pytest.fixture
def installation(tmp_path: Path, backend: str, request) -> Iterator[Installation]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASETRACK_")}
    env.update(
        {
            "CASETRACK_INSTANCE_PATH": str(tmp_path / "instance"),
            "CASETRACK_DEVELOPMENT": "1",
            "CASETRACK_ARGON2_TIME_COST": "1",
            "CASETRACK_ARGON2_MEMORY_COST": "1024",
            "CASETRACK_RATELIMIT_ENABLED": "0",
            "PYTHONPATH": str(HERE.parent),
        }
    )
    if backend == "postgresql":
        server = request.getfixturevalue("postgres_server")
        name = f"faults_{uuid.uuid4().hex[:12]}"
        url = server.create_database(name)
        request.addfinalizer(lambda: server.drop_database(name))
    else:
        url = f"sqlite:///{tmp_path / 'instance' / 'casetrack.sqlite3'}"
    env["CASETRACK_DATABASE_URL"] = url
    setup = Installation(tmp_path, env, url)
    _prepare(setup)
    yield setup
    for process in setup.processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def _prepare(setup: Installation) -> None:
    """Schema, a force, a department and a Standards Manager — in this process, with the
    same configuration the subprocesses read from the environment (the `casetrack` commands
    themselves are tested in tests/test_cli.py; here they would only add start-up time)."""
    import pyotp
    from flask_migrate import upgrade

    from casetrack import create_app
    from casetrack.auth import second_factors
    from casetrack.auth.service import create_user
    from casetrack.config import load_config
    from casetrack.extensions import db
    from casetrack.org.service import add_department, add_force

    instance = Path(setup.env["CASETRACK_INSTANCE_PATH"])
    config = load_config(instance, {"INSTANCE_PATH": str(instance)}, environ=setup.env)
    app = create_app(config)
    with app.app_context():
        upgrade()
        force = add_force("WMP", "West Midlands Police")
        department = add_department(force, "BIRM_E", "Birmingham East NPU")
        user = create_user(
            email=SM_EMAIL,
            name="Sam Fault",
            role="standards_manager",
            password=PASSWORD,
            forces=[force],
            departments=[department],
            must_change_password=False,
        )
        second_factors.enrol_known_totp(user, pyotp.random_base32(), why="test")
        setup.recovery_codes.extend(second_factors.new_recovery_codes(user))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def record_case(server: Server) -> int:
    status, headers, body = server.post(
        "/cases/new",
        {
            "received_date": _today_parts(2),
            "department": "1",
            "case_type": "conduct_matter",
            "categories": "inappropriate_content",
            "summary": "Offensive post on a public page",
            "subject_name": "Pat Example",
            "subject_number": f"F{uuid.uuid4().hex[:6]}",
            "subject_role": "police_officer",
            "subject_rank": "constable",
        },
    )
    assert status == 302, body[-600:]
    return int(re.search(r"/cases/(\d+)", headers["location"]).group(1))


# ---- the checks after every fault -------------------------------------------------------------


@dataclass
class Committed:
    cases: set[str] = field(default_factory=set)
    evidence: dict[int, str] = field(default_factory=dict)  # id → sha256


def snapshot(installation: Installation) -> Committed:
    engine = installation.engine()
    with engine.connect() as connection:
        cases = {r for (r,) in connection.execute(text("SELECT reference FROM cases"))}
        evidence = dict(connection.execute(text("SELECT id, sha256 FROM evidence_items")).all())
    engine.dispose()
    return Committed(cases, evidence)


def check_after_fault(installation: Installation, before: Committed) -> dict[str, Any]:
    """Everything that must hold after a fault; returns the figures of this check."""
    verify = installation.cli("evidence", "verify")
    lines = [line for line in verify.stdout.splitlines() if line.strip()]
    problems = [line for line in lines if line.startswith(("MISSING", "ALTERED"))]
    orphans = [line for line in lines if line.startswith("ORPHAN")]
    assert problems == [], problems
    assert verify.returncode == (1 if orphans else 0), verify.stdout + verify.stderr
    audit = installation.cli("audit", "verify")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    after = snapshot(installation)
    engine = installation.engine()
    with engine.connect() as connection:
        partial = {
            "cases without a subject": connection.execute(
                text(
                    "SELECT count(*) FROM cases c WHERE NOT EXISTS "
                    "(SELECT 1 FROM investigations i WHERE i.case_id = c.id)"
                )
            ).scalar(),
            "cases without a timeline": connection.execute(
                text(
                    "SELECT count(*) FROM cases c WHERE NOT EXISTS "
                    "(SELECT 1 FROM case_events e WHERE e.case_id = c.id)"
                )
            ).scalar(),
            "evidence without custody": connection.execute(
                text(
                    "SELECT count(*) FROM evidence_items e WHERE NOT EXISTS "
                    "(SELECT 1 FROM custody_events c WHERE c.item_id = e.id)"
                )
            ).scalar(),
        }
        storage_names = [
            n for (n,) in connection.execute(text("SELECT storage_name FROM evidence_items"))
        ]
        if engine.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    engine.dispose()
    objects = installation.evidence / "objects"
    without_file = [n for n in storage_names if not (objects / n).is_file()]
    assert without_file == [], f"rows without their file: {without_file}"
    assert all(v == 0 for v in partial.values()), partial
    lost = len(before.cases - after.cases) + len(
        {i for i, sha in before.evidence.items() if after.evidence.get(i) != sha}
    )
    return {
        "orphans_reported": len(orphans),
        "records_lost": lost,
        "rows_without_file": len(without_file),
    }


# ---- killing the server during an upload -----------------------------------------------------


def _kill_during_upload(installation: Installation, point: str) -> tuple[dict[str, Any], int]:
    server = installation.start(pause_at=point, nth=2)  # the first upload is committed
    server.sign_in()
    case_id = record_case(server)
    upload(server, case_id)  # committed before the fault: must survive it
    before = snapshot(installation)
    path = f"/cases/{case_id}/evidence/new"
    total = 8 * 1024 * 1024
    boundary, head, tail = _multipart(upload_fields(server.token(path)), "killed.png", total)
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Cookie: {server.cookie}\r\nContent-Type: multipart/form-data; "
        f"boundary={boundary}\r\nContent-Length: {len(head) + total + len(tail)}\r\n\r\n"
    )
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=60)
    tmp = installation.evidence / "tmp"
    content = PNG + b"\0" * (total - len(PNG))
    if point == "streaming":
        sock.sendall(request.encode() + head + content[: total // 4])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(p.stat().st_size for p in files_under(tmp)):
            time.sleep(0.05)
        assert any(p.stat().st_size for p in files_under(tmp)), "the upload never reached tmp/"
    else:
        sock.sendall(request.encode() + head + content + tail)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not server.flag.exists():
            time.sleep(0.05)
        assert server.flag.exists(), f"the upload never reached {point}"
    server.kill()
    sock.close()
    return check_after_fault(installation, before), case_id


def test_kill_the_server_during_an_upload(
    installation: Installation, backend: str, figures, only_first_backend
) -> None:
    """Every kill point, REPEATS times, on one installation; each restart proves the service
    came back (it signs in, records a case and commits an upload before the next kill)."""
    lost = []
    case_id = orphans_so_far = 0
    figures.set("faults", "upload_kill_points", UPLOAD_POINTS)
    figures.set("faults", "repeats", REPEATS)
    for _ in range(REPEATS):
        for point in UPLOAD_POINTS:
            result, case_id = _kill_during_upload(installation, point)
            figures.add("faults", "kills", 1, backend)
            figures.add("faults", "upload_kills", 1, backend)
            figures.add("faults", "records_lost", result["records_lost"], backend)
            figures.add("faults", "rows_without_file", result["rows_without_file"], backend)
            figures.add(
                "faults", "orphans_reported", result["orphans_reported"] - orphans_so_far, backend
            )
            orphans_so_far = result["orphans_reported"]
            if result["records_lost"]:
                lost.append(point)
    server = installation.start()
    server.sign_in()
    upload(server, case_id)
    for item in snapshot(installation).evidence:
        assert server.request("GET", f"/evidence/{item}/download")[0] == 200, item
    server.kill()
    assert lost == []


# ---- killing the command line during an import ----------------------------------------------


def _import_file(path: Path, prefix: str, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "reference",
                "force",
                "department",
                "received_date",
                "platform",
                "categories",
                "summary",
                "subject_number",
                "subject_name",
                "subject_role",
                "referred_to_psd",
                "outcome",
                "outcome_date",
            ]
        )
        for n in range(rows):
            closed = n % 3 == 0
            writer.writerow(
                [
                    f"{prefix}/{n:06d}",
                    "WMP",
                    "BIRM_E",
                    "2019-05-01",
                    "facebook",
                    "inappropriate_content",
                    f"Historical case {n}",
                    f"{prefix}{n % 500:04d}",
                    f"Person {n % 500}",
                    "police_officer",
                    "yes" if n % 2 else "no",
                    "nfa" if closed else "",
                    "2019-09-01" if closed else "",
                ]
            )
    return path


def test_kill_the_import_midway(
    installation: Installation, backend: str, figures, only_first_backend
) -> None:
    """Calibrated on an uninterrupted import: the kill points fall in the writing pass,
    after start-up and the validating pass (timed with --dry-run) are over."""
    seed = _import_file(installation.root / "seed.csv", "SEED", IMPORT_ROWS)
    started = time.monotonic()
    assert installation.cli("import", "cases", "--dry-run", str(seed)).returncode == 0
    checking = time.monotonic() - started
    started = time.monotonic()
    result = installation.cli("import", "cases", str(seed))
    total = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    writing = max(total - checking, 0.2)
    figures.set("faults", "import_rows", IMPORT_ROWS)
    figures.set(
        "faults", "import_seconds_checking_and_writing", [round(checking, 1), round(writing, 1)]
    )
    figures.set(
        "faults",
        "import_kill_points",
        [f"{int(p * 100)}% into the writing pass" for p in IMPORT_POINTS],
    )
    killed_files = []
    for repeat in range(REPEATS):
        for point in IMPORT_POINTS:
            before = snapshot(installation)
            name = f"K{repeat}{int(point * 100):02d}"
            path = _import_file(installation.root / f"{name}.csv", name, IMPORT_ROWS)
            process = subprocess.Popen(
                [CASETRACK, "import", "cases", str(path)],
                env=installation.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            time.sleep(checking + writing * point)
            finished = process.poll() is not None
            if not finished:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
            result = check_after_fault(installation, before)
            new = snapshot(installation).cases - before.cases
            partial = len(new) not in (0, IMPORT_ROWS)
            figures.add("faults", "kills", 0 if finished else 1, backend)
            figures.add("faults", "import_kills", 0 if finished else 1, backend)
            figures.add("faults", "import_finished_before_the_kill", int(finished), backend)
            figures.add("faults", "records_lost", result["records_lost"], backend)
            figures.add("faults", "partial_imports", int(partial), backend)
            assert not partial, f"{len(new)} of {IMPORT_ROWS} cases imported"
            assert result["records_lost"] == 0
            killed_files.append(path)
    before = snapshot(installation)
    path = killed_files[-1]  # a killed import, run again, imports everything once
    assert installation.cli("import", "cases", str(path)).returncode == 0
    already = any(r.startswith(path.stem + "/") for r in before.cases)
    assert len(snapshot(installation).cases - before.cases) == (0 if already else IMPORT_ROWS)


# ---- the database failing after the file is written (in process) ---------------------------


@pytest.mark.parametrize(
    "failure", ["after_temp_write", "after_rename", "before_commit", "COMMIT refused"]
)
def test_database_failure_after_the_file_is_written(
    app, make_case, make_evidence, failure: str, backend: str, figures
) -> None:
    from flask.testing import FlaskCliRunner
    from sqlalchemy import event, func, select
    from sqlalchemy.exc import OperationalError

    from casetrack.evidence import storage
    from casetrack.evidence.cli import verify as verify_command
    from casetrack.evidence.models import EvidenceItem
    from casetrack.extensions import db

    from .helpers import csrf, signed_in_client

    app.config["PROPAGATE_UNEXPECTED"] = False
    case = make_case("assessed")
    kept = make_evidence(case)
    client = signed_in_client(app, case.created_by)
    path = f"/cases/{case.id}/evidence/new"
    token = csrf(client, path)

    def database_down(step: str) -> None:
        if step == failure:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))

    def refuse_commit(connection: Any) -> None:
        raise OperationalError("COMMIT", {}, Exception("could not write to the WAL"))

    import io

    if failure == "COMMIT refused":
        event.listen(db.engine, "commit", refuse_commit)
    else:
        storage.fault_hook = database_down
    try:
        response = client.post(
            path,
            data={
                **upload_fields(token),
                "files": [(io.BytesIO(PNG + b"fault"), "fault.png")],
            },
            content_type="multipart/form-data",
        )
    finally:
        storage.fault_hook = None
        if failure == "COMMIT refused":
            event.remove(db.engine, "commit", refuse_commit)
    assert response.status_code >= 500 or response.status_code == 200
    db.session.rollback()
    db.session.expire_all()
    rows = db.session.scalar(select(func.count()).select_from(EvidenceItem))
    assert rows == 1, "only the evidence committed before the failure"
    objects = Path(app.config["EVIDENCE_DIR"]) / "objects"
    assert files_under(Path(app.config["EVIDENCE_DIR"]) / "tmp") == []
    result = FlaskCliRunner(app).invoke(verify_command)
    orphans = [line for line in result.output.splitlines() if line.startswith("ORPHAN")]
    assert not any(line.startswith(("MISSING", "ALTERED")) for line in result.output.splitlines())
    expected_orphans = 0 if failure == "after_temp_write" else 1
    assert len(orphans) == expected_orphans, result.output
    assert len(files_under(objects)) == 1 + expected_orphans
    from casetrack.audit.service import verify_chain

    assert verify_chain()[1] is None
    assert db.session.get(EvidenceItem, kept.id) is not None
    figures.add("faults", "database_failures", 1, backend)
    figures.add("faults", "orphans_reported", len(orphans), backend)
    figures.add("faults", "records_lost", 0, backend)
