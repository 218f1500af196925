"""Fixtures: an app per test on SQLite and on a real PostgreSQL server, clients, factories.

Every test that uses `app` runs twice, once per backend ([sqlite] and [postgresql] in the
test id). The schema is built once per backend with the real migrations (`upgrade head`),
and the tables are emptied after each test. CASETRACK_TEST_DATABASES=sqlite narrows a
local run to one backend; CI runs both.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import compiled
import migrated
import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from casetrack import create_app
from casetrack.audit.models import GENESIS_HASH
from casetrack.extensions import db
from clock import session_moment

BACKENDS = [
    b for b in os.environ.get("CASETRACK_TEST_DATABASES", "sqlite,postgresql").split(",") if b
]
TEST_PASSWORD = "correct horse battery staple"

FAST_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1}


# ---- the clock: the whole run at a chosen moment (tests/clock.py) ---------------------------

_SESSION_TRAVEL: list[time_machine.travel] = []


def pytest_configure(config: pytest.Config) -> None:
    travel = time_machine.travel(session_moment(), tick=True)
    travel.start()
    _SESSION_TRAVEL.append(travel)


def pytest_unconfigure(config: pytest.Config) -> None:
    while _SESSION_TRAVEL:
        _SESSION_TRAVEL.pop().stop()


# ---- make mutation: each mutant's tests in the order of what they really cost ----------------
#
# mutmut runs a mutant's tests fastest first and stops at the first failure, taking each test's
# time from its stats run, where it times only the test's body. A test whose fixtures build a
# world of cases (seconds) but whose body only asks a question (milliseconds) then runs before
# quick unit tests, for every mutant of anything that world calls. In that stats run (and only
# there: mutmut names it "stats"), the body's time includes its fixtures' set-up.


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    if os.environ.get("MUTANT_UNDER_TEST") != "stats":
        return
    if call.when == "setup":
        item.stash[_SETUP_SECONDS] = call.duration
    elif call.when == "call":
        call.duration += item.stash.get(_SETUP_SECONDS, 0.0)


_SETUP_SECONDS = pytest.StashKey[float]()

# mutmut's own runs (the clean run, its forced failure, the stats), which are not of a mutant.
_NOT_A_MUTANT = {"", "stats", "fail", "list_all_tests", "mutant_generation"}


@pytest.fixture(autouse=True)
def _mutant_time_limit(request: pytest.FixtureRequest) -> Iterator[None]:
    """Under make mutation only: a test still running long after it ever takes (30 seconds,
    or the module's MUTATION_TIME_LIMIT) fails, so a mutant that loops for ever is killed then,
    not at mutmut's own limit of fifteen times the estimate (minutes for the most-called
    functions)."""
    mutant = os.environ.get("MUTANT_UNDER_TEST")
    if mutant is None or mutant in _NOT_A_MUTANT:
        yield
        return
    seconds = getattr(request.module, "MUTATION_TIME_LIMIT", 30)

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"{request.node.nodeid} still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def travel_to() -> Iterator[Callable[[datetime], None]]:
    """travel_to(moment) moves this test's clock there (ticking), until the test ends."""
    started: list[time_machine.travel] = []

    def go(moment: datetime) -> None:
        travel = time_machine.travel(moment, tick=True)
        travel.start()
        started.append(travel)

    yield go
    while started:
        started.pop().stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    from pgserver import PostgresServer

    with PostgresServer() as server:
        yield server


def base_config(tmp_path: Path, database_url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DEVELOPMENT": True,
        "SERVER_NAME": None,
        **FAST_HASHING,
    }


def _migrate(config: dict[str, Any]) -> None:
    from flask_migrate import upgrade

    app = create_app(config)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _migrated_sqlite(path: Path, instance: Path) -> None:
    """Migrate a new SQLite database, or copy the one this process migrated (tests/migrated.py)."""
    if migrated.SQLITE:
        path.write_bytes(migrated.SQLITE[0])
        return
    _migrate(base_config(instance, f"sqlite:///{path}"))
    with contextlib.closing(sqlite3.connect(path)) as built:
        migrated.SQLITE.append(built.serialize())


@pytest.fixture(scope="session")
def database_urls(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], str]:
    """backend name → URL of a database migrated to head (built on first use)."""
    built: dict[str, str] = {}

    def url_for(backend: str) -> str:
        if backend not in built:
            if backend == "sqlite":
                path = tmp_path_factory.mktemp("sqlite") / "casetrack.sqlite3"
                url = f"sqlite:///{path}"
                _migrated_sqlite(path, tmp_path_factory.mktemp("migrate"))
            else:
                url = request.getfixturevalue("postgres_server").url
                _migrate(base_config(tmp_path_factory.mktemp("migrate"), url))
            built[backend] = url
        return built[backend]

    return url_for


def _empty_tables() -> None:
    """Remove every row, keeping the schema; put back the audit chain's head."""
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(text(f"DELETE FROM {name}"))  # noqa: S608 (our table names)
    db.session.execute(
        text("INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, :h)"), {"h": GENESIS_HASH}
    )
    db.session.commit()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def app_config(backend: str, database_urls: Callable[[str], str], tmp_path: Path) -> dict[str, Any]:
    """The configuration the `app` fixture uses; tests may override keys before using `app`."""
    return base_config(tmp_path, database_urls(backend))


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, `g` and database session.

    The `app` fixture keeps an app context pushed for the test body; without this, Flask would
    reuse it for requests and share `g` (signed-in user, CSRF token) between them.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        # Werkzeug encodes a multipart body over 500 KB into a temporary file that nothing
        # closes (a ResourceWarning when it is collected, in whichever test that happens).
        body = getattr(getattr(response, "request", None), "environ", {}).get("wsgi.input")
        if body is not None and hasattr(body, "close"):
            body.close()
        return response


@contextlib.contextmanager
def serve_live(app: Flask, name: str) -> Iterator[str]:
    """Serve the app on a free loopback port from a thread; yields its URL, then stops the
    server and closes the app's database connections."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    application = create_app(app_config)
    application.test_client_class = IsolatedClient
    application.jinja_env.bytecode_cache = compiled.TEMPLATES  # tests/compiled.py
    with application.app_context():
        _empty_tables()
        yield application
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# ---- factories ---------------------------------------------------------------------------------


@pytest.fixture
def make_force(app: Flask) -> Callable[..., Any]:
    from casetrack.org.service import add_force, force_by_code

    def make(code: str = "WMP", name: str | None = None) -> Any:
        existing = force_by_code(code)
        if existing is not None:
            return existing
        force = add_force(code, name or f"{code} Police")
        db.session.commit()
        return force

    return make


@pytest.fixture
def make_department(app: Flask, make_force: Callable[..., Any]) -> Callable[..., Any]:
    from casetrack.org.service import add_department, department_by_code

    def make(code: str = "BIRM_E", force: Any = None, name: str | None = None) -> Any:
        force = force or make_force()
        existing = department_by_code(force, code)
        if existing is not None:
            return existing
        department = add_department(force, code, name or f"{code.title()} NPU")
        db.session.commit()
        return department

    return make


@pytest.fixture
def make_user(
    app: Flask, make_force: Callable[..., Any], make_department: Callable[..., Any]
) -> Callable[..., Any]:
    from casetrack.auth.service import create_user

    counter = {"n": 0}

    def make(
        role: str = "standards_manager",
        *,
        email: str | None = None,
        forces: list[Any] | None = None,
        departments: list[Any] | None = None,
        name: str | None = None,
        staff_number: str | None = None,
        must_change_password: bool = False,
        password: str = TEST_PASSWORD,
        second_factor: bool = True,
    ) -> Any:
        counter["n"] += 1
        forces = forces or [make_force()]
        if departments is None:
            departments = [make_department(force=forces[0])] if role == "standards_manager" else []
        user = create_user(
            email=email or f"{role.replace('_', '.')}{counter['n']}@example.police.uk",
            name=name or f"Test {role.replace('_', ' ').title()} {counter['n']}",
            role=role,
            password=password,
            forces=forces,
            departments=departments,
            staff_number=staff_number,
            must_change_password=must_change_password,
        )
        db.session.commit()
        if second_factor:
            give_second_factor(user)
        return user

    return make


def rule_url(app: Flask, rule: Any, values: dict[str, Any]) -> str:
    """The URL of a url_map rule, filled in from values by parameter name."""
    from flask import url_for

    with app.test_request_context():
        return url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


# ---- second factors (SPEC §16) ---------------------------------------------------------------

# Recovery codes the tests know, by the plain TOTP secret of the factor they came with (each
# secret is random, so codes of an earlier test's user with the same email never match).
KNOWN_RECOVERY_CODES: dict[str, list[str]] = {}


def give_second_factor(user: Any) -> str:
    """Enrol the account with an authenticator app (and recovery codes), as if it had set one
    up; returns the secret. Commits."""
    import pyotp

    from casetrack.auth import second_factors

    secret = pyotp.random_base32()
    second_factors.enrol_known_totp(user, secret, why="test")
    KNOWN_RECOVERY_CODES[secret] = second_factors.new_recovery_codes(user)
    db.session.commit()
    return secret


def _totp_state(app: Flask, email: str) -> tuple[str, int | None] | None:
    """(secret, last accepted time step) of the account's authenticator app, read afresh."""
    from casetrack.auth import second_factors
    from casetrack.auth.models import SecondFactor, User

    with app.app_context():
        row = db.session.execute(
            select(SecondFactor)
            .join(User, User.id == SecondFactor.user_id)
            .where(User.email == email.strip().lower(), SecondFactor.kind == "totp")
            .order_by(SecondFactor.id)
        ).scalar()
        state = (second_factors.totp_secret(row), row.totp_last_step) if row else None
        db.session.remove()
    return state if state and state[0] else None


def totp_code(app: Flask, email: str) -> str | None:
    """A code from the account's authenticator app that the server will accept now: each
    code works once, so take the earliest time step in the accepted window (one step either
    side of now) that is later than the last one used; None if all three are used."""
    import time

    import pyotp

    state = _totp_state(app, email)
    if state is None:
        return None
    secret, last = state
    now = time.time()
    step = int(now) // 30
    # the step before now only while far from the next boundary (the server checks a moment
    # later, when it might be two steps back)
    steps = ([step - 1] if now % 30 < 20 else []) + [step, step + 1]
    for candidate in steps:
        if last is None or candidate > last:
            return pyotp.TOTP(secret).at(candidate * 30)
    return None


def recovery_code(app: Flask, email: str) -> str | None:
    """One of the account's recovery codes. A test that signs the same account in more often
    than 3 + 10 times in 30 seconds gets new codes for it, made as the account page does."""
    from casetrack.demo import DEMO_TOTP_SECRET

    state = _totp_state(app, email)
    if state is None:
        return None
    # Every demo account shares one published authenticator key, so the demo accounts' codes
    # are kept per account, not per key (a code made for one account fails for another).
    key = f"account:{email.strip().lower()}" if state[0] == DEMO_TOTP_SECRET else state[0]
    codes = KNOWN_RECOVERY_CODES.setdefault(key, [])
    if not codes:
        from casetrack.auth import second_factors
        from casetrack.auth.service import user_by_email

        with app.app_context():
            user = user_by_email(email)
            codes.extend(second_factors.new_recovery_codes(user))
            db.session.commit()
            db.session.remove()
    return codes.pop()


def _form_token(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def finish_sign_in(client: FlaskClient, response: Any, email: str) -> Any:
    """After the right password, show the second factor as a person would: a code from the
    authenticator app (a recovery code once this 30-second window's codes are all used), or
    set an app up first if the account has none. Returns the last response (a redirect to
    where the user was going). Anything else is returned as it is."""
    location = response.headers.get("Location", "") if response.status_code == 302 else ""
    if location.endswith("/sign-in/set-up"):
        import pyotp

        page = client.get("/sign-in/set-up").get_data(as_text=True)
        secret = re.search(r"data-totp-secret>([A-Z2-7 ]+)<", page)
        assert secret, "no key on the set-up page"
        plain = secret.group(1).replace(" ", "")
        shown = client.post(
            "/sign-in/set-up",
            data={"code": pyotp.TOTP(plain).now(), "csrf_token": _form_token(page)},
        )
        body = shown.get_data(as_text=True)
        assert shown.status_code == 200 and "data-recovery-codes" in body, body[:500]
        KNOWN_RECOVERY_CODES[plain] = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", body)
        return client.post("/account/recovery-codes/saved", data={"csrf_token": _form_token(body)})
    if location.endswith("/sign-in/second-factor"):
        app = client.application
        page = client.get("/sign-in/second-factor").get_data(as_text=True)
        code = totp_code(app, email)
        if code is not None:
            return client.post(
                "/sign-in/second-factor", data={"code": code, "csrf_token": _form_token(page)}
            )
        spare = recovery_code(app, email)
        assert spare, f"no unused code left for {email}"
        return client.post(
            "/sign-in/recovery-code", data={"code": spare, "csrf_token": _form_token(page)}
        )
    return response


class AuthActions:
    """Sign in and out through the real pages, with the CSRF token read from the form; the
    second factor is shown too (finish_sign_in)."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def csrf_token(self, path: str = "/sign-in") -> str:
        page = self.client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf_token" value="([^"]+)"', page
        )
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def sign_in(self, email: str, password: str = TEST_PASSWORD) -> Any:
        return finish_sign_in(self.client, self.sign_in_password(email, password), email)

    def sign_in_password(self, email: str, password: str = TEST_PASSWORD) -> Any:
        """Only the password step: the browser then waits for the second factor."""
        token = self.csrf_token("/sign-in")
        return self.client.post(
            "/sign-in", data={"email": email, "password": password, "csrf_token": token}
        )

    def sign_out(self) -> Any:
        token = self.csrf_token("/")
        return self.client.post("/sign-out", data={"csrf_token": token})

    def post(
        self, path: str, data: dict[str, Any] | None = None, form_path: str | None = None
    ) -> Any:
        """POST with a valid CSRF token taken from the page the form lives on."""
        token = self.csrf_token(form_path or path)
        return self.client.post(path, data={**(data or {}), "csrf_token": token})


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def signed_in(make_user: Callable[..., Any], auth: AuthActions) -> Callable[..., Any]:
    """signed_in(role, **kwargs) → the user, with the test client signed in as them."""

    def sign_in_as(role: str = "standards_manager", **kwargs: Any) -> Any:
        user = make_user(role, **kwargs)
        response = auth.sign_in(user.email)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return sign_in_as


# ---- cases ---------------------------------------------------------------------------------

PATH_TO_STATE = {
    "logged": [],
    "assessed": ["assess"],
    "local_resolution": ["assess", "resolve_locally"],
    "referred_to_psd": ["assess", "refer_to_psd"],
    "psd_investigation": ["assess", "refer_to_psd", "psd_accept"],
    "closed": ["assess", "refer_to_psd", "psd_accept", "outcomes", "close"],
    "withdrawn": ["withdraw"],
}


@pytest.fixture
def make_person(app: Flask, make_force: Callable[..., Any]) -> Callable[..., Any]:
    from casetrack.cases.service import SubjectDetails, find_or_add_person

    counter = {"n": 0}

    def make(
        force: Any = None,
        *,
        staff_number: str | None = None,
        name: str | None = None,
        role: str = "police_officer",
        rank: str | None = "constable",
    ) -> Any:
        counter["n"] += 1
        person = find_or_add_person(
            force or make_force(),
            SubjectDetails(
                name=name or f"Subject {counter['n']}",
                staff_number=staff_number or f"S{counter['n']:04d}",
                role=role,
                rank=rank if role in ("police_officer", "special_constable") else None,
            ),
        )
        db.session.commit()
        return person

    return make


@pytest.fixture
def make_case(
    app: Flask,
    make_user: Callable[..., Any],
    make_department: Callable[..., Any],
    make_person: Callable[..., Any],
) -> Callable[..., Any]:
    """make_case(state=…) drives a new case through the real service to that state."""
    from datetime import date, timedelta

    from casetrack.cases import service
    from casetrack.timeutil import today

    def make(
        state: str = "logged",
        *,
        department: Any = None,
        subjects: list[Any] | None = None,
        restricted: bool = False,
        categories: list[str] | None = None,
        received: date | None = None,
        recorder: Any = None,
        psd: Any = None,
        risk_flags: list[str] | None = None,
        summary: str = "Offensive post about a member of the public on a personal Facebook account",
    ) -> Any:
        department = department or make_department()
        recorder = recorder or make_user(
            "standards_manager", forces=[department.force], departments=[department]
        )
        subjects = subjects or [make_person(department.force)]
        case = service.record_concern(
            recorder,
            service.ConcernDetails(
                received_date=received or today() - timedelta(days=20),
                department=department,
                summary=summary,
                categories=categories or ["inappropriate_content"],
                platforms=["facebook"],
                restricted=restricted,
            ),
            subjects,
        )
        db.session.commit()
        if psd is None and "psd_accept" in PATH_TO_STATE[state]:
            psd = make_user("psd", forces=[department.force])
        advance(case, state, recorder, psd, risk_flags=risk_flags or [])
        return case

    return make


def advance(
    case: Any, state: str, recorder: Any, psd: Any, risk_flags: list[str] | None = None
) -> Any:
    """Drive a logged case on to `state` through the real service: `recorder` takes the
    Standards Manager's steps, `psd` accepts (as investigator), records outcomes and closes."""
    from casetrack.cases import service
    from casetrack.cases.workflow import Action
    from casetrack.timeutil import today

    for step in PATH_TO_STATE[state]:
        actor = psd if step in ("psd_accept", "close") else recorder
        if step == "assess":
            service.perform(
                case,
                Action.ASSESS,
                recorder,
                case.version,
                subjects={
                    inv.id: ("misconduct", ["discreditable_conduct"]) for inv in case.investigations
                },
                risk_flags=risk_flags or [],
                interim_measures=[],
                rationale="Assessed.",
            )
        elif step == "outcomes":
            # PSD's severity assessment and a misconduct meeting that finds misconduct come
            # before a written warning (SPEC §14.1)
            from casetrack.cases.proceedings_service import (
                ProceedingsDetails,
                record_proceedings,
            )

            service.perform(
                case,
                Action.ASSESS_SEVERITY,
                psd,
                case.version,
                severities={inv.id: "misconduct" for inv in case.investigations},
                rationale="Misconduct: a written warning would be justified if proven.",
            )
            for inv in case.investigations:
                record_proceedings(
                    case,
                    psd,
                    case.version,
                    inv.id,
                    ProceedingsDetails(
                        case_to_answer=True,
                        proceedings="misconduct_meeting",
                        proceedings_date=today(),
                        chair="Supt A. Chair",
                        finding="misconduct",
                    ),
                )
                service.perform(
                    case,
                    Action.RECORD_OUTCOME,
                    psd,
                    case.version,
                    investigation_id=inv.id,
                    outcome="written_warning",
                    outcome_date=today(),
                    rationale="Found at the meeting.",
                )
        elif step == "psd_accept":
            service.perform(case, Action.PSD_ACCEPT, actor, case.version, investigator_id=psd.id)
        else:
            service.perform(case, Action(step), actor, case.version, note="Because.")
        db.session.commit()
    return case


def psd_head_of(force: Any) -> Any:
    """A head of PSD of the force with no staff number (so never a subject), made once: it
    sees restricted cases too, so it can drive or hold any case of the force."""
    from casetrack.auth.models import User
    from casetrack.auth.service import create_user

    email = f"evidence.holder.{force.code.lower()}@example.police.uk"
    head = db.session.scalar(select(User).where(User.email == email))
    if head is None:
        head = create_user(
            email=email,
            name=f"Evidence holder {force.code}",
            role="psd_head",
            password=TEST_PASSWORD,
            forces=[force],
            departments=[],
        )
        db.session.commit()
    return head


def holder_of(case: Any) -> Any:
    """Who changes evidence on the case now (SPEC §12, casetrack/cases/access.py): its
    Standards Manager before referral; after, its investigator or else a head of PSD of its
    force."""
    if case.state not in ("referred_to_psd", "psd_investigation"):
        return case.created_by
    return case.investigator or psd_head_of(case.force)


@pytest.fixture
def make_evidence(app: Flask) -> Callable[..., Any]:
    """make_evidence(case, content=…, filename=…) stores a file through the real service."""
    from casetrack.evidence import service
    from casetrack.timeutil import utcnow

    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
        b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe"
        b"\x02\xfe\xa7\x9a\x86\x9e\x00\x00\x00\x00IEND\xaeB`\x82"
    )

    def make(
        case: Any, content: bytes = png, filename: str = "capture.png", user: Any = None
    ) -> Any:
        user = user or holder_of(case)
        upload = service.store().new_upload()
        upload.write(content)
        try:
            [item] = service.add_evidence(
                case,
                user,
                [service.Upload(upload, filename)],
                service.CaptureDetails(
                    kind="screenshot",
                    captured_at=utcnow(),
                    captured_by="Test",
                    capture_method="Screenshot",
                ),
            )
        finally:
            upload.discard()
        db.session.commit()
        return item

    return make


# ---- mail: a real SMTP server on a free loopback port (tests/smtpserver.py) ------------------


@pytest.fixture
def smtp_server() -> Iterator[Any]:
    from smtpserver import SmtpServer

    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_config(app_config: dict[str, Any], smtp_server: Any) -> dict[str, Any]:
    """Point the app (use before `app`) at the test SMTP server."""
    app_config.update(
        {
            "SMTP_URL": smtp_server.url,
            "MAIL_FROM": "casetrack@example.police.uk",
            "BASE_URL": "https://casetrack.example.police.uk",
        }
    )
    return app_config
