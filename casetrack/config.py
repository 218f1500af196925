"""Layered configuration: defaults, then instance/config.py, then CASETRACK_* environment."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

ENV_PREFIX = "CASETRACK_"


class Defaults:
    """Values used when neither instance/config.py nor the environment says otherwise."""

    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "casetrack_session"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    WTF_CSRF_SSL_STRICT = True
    # Sessions: idle and absolute timeouts (SPEC §9).
    IDLE_TIMEOUT = timedelta(minutes=30)
    ABSOLUTE_TIMEOUT = timedelta(hours=12)
    # Throttling of sign-in attempts (SPEC §9): failed attempts per account and per address.
    LOGIN_LIMIT_ACCOUNT = "5 per 15 minutes"
    LOGIN_LIMIT_ADDRESS = "30 per 15 minutes"
    # Where the counts live. memory:// is one process's own: under several gunicorn workers the
    # app refuses to start with it (extensions.init_limiter); use redis://host:6379 there.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_MAX_LENGTH = 256
    FORCE_NAME = "CaseTrack"
    PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"
    # The contact printed on the statistics release's cover sheet (SPEC §15)
    REPORT_CONTACT = "The Professional Standards Department of the forces named"
    # Time limits (SPEC §3.3), in working days / months.
    ASSESSMENT_DUE_WORKING_DAYS = 5
    PSD_DECISION_DUE_WORKING_DAYS = 10
    PCC_FIRST_NOTIFICATION_MONTHS = 12
    PCC_REPEAT_NOTIFICATION_MONTHS = 6
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024  # any request; evidence uploads have their own
    EVIDENCE_MAX_BYTES = 500 * 1024 * 1024
    PAGE_SIZE = 25
    # The case list as a download (SPEC §12): at most this many cases. The CSV streams; the
    # ODS is built in memory by odfpy (10,000 cases: about 70 KB, some 6 s of one core).
    LIST_EXPORT_MAX_ROWS_CSV = 100_000
    LIST_EXPORT_MAX_ROWS_ODS = 10_000
    RETENTION_YEARS = 6
    DEVELOPMENT = False
    PROXY_FIX = False
    # Signing in at a force (SPEC §16). OpenID Connect is on when the issuer and client are set.
    OIDC_ISSUER: str | None = None
    OIDC_CLIENT_ID: str | None = None
    OIDC_CLIENT_SECRET: str | None = None
    OIDC_PROVIDER_NAME: str | None = None  # "Sign in with <this> account"; else FORCE_NAME
    OIDC_UNKNOWN = "refuse"  # an identity matching no account: "refuse" or "no_role"
    OIDC_LINK_VERIFIED_EMAIL = True  # first sign-in: link to the account with that verified email
    OIDC_TIMEOUT = 10  # seconds for each call to the provider
    # Second factors: step-up age, throttling of wrong codes, WebAuthn relying party.
    STEP_UP_AFTER = timedelta(minutes=15)
    SECOND_FACTOR_LIMIT = "5 per 15 minutes"
    PENDING_SIGN_IN_TIMEOUT = timedelta(minutes=10)  # password shown, second factor not yet
    WEBAUTHN_RP_ID: str | None = None  # the host the browser sees; else the request's host
    WEBAUTHN_RP_NAME = "CaseTrack"
    # Email (SPEC §13): smtp://host:port or smtps://user:password@host:port, and the sender.
    # Without both, nothing is emailed; notifications are still shown in the application.
    SMTP_URL: str | None = None
    MAIL_FROM: str | None = None
    # The address people open CaseTrack at: the links in emails start with it.
    BASE_URL = "http://127.0.0.1:5000"


def load_config(
    instance_path: Path, test_config: dict[str, Any] | None, environ: dict[str, str] | None = None
) -> dict[str, Any]:
    """Build the configuration mapping for one app from every layer, in order of precedence."""
    environ = dict(os.environ if environ is None else environ)
    config: dict[str, Any] = {key: getattr(Defaults, key) for key in dir(Defaults) if key.isupper()}
    config.update(_instance_file(instance_path / "config.py"))
    config.update(_from_environment(environ))
    if test_config:
        config.update(test_config)
    config.setdefault("DATABASE_URL", f"sqlite:///{instance_path / 'casetrack.sqlite3'}")
    config.setdefault("EVIDENCE_DIR", str(instance_path / "evidence"))
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["DATABASE_URL"])
    if config.get("DEVELOPMENT"):
        # Plain http on 127.0.0.1 during development: cookies cannot require https there.
        config["SESSION_COOKIE_SECURE"] = False
        config["WTF_CSRF_SSL_STRICT"] = False
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _instance_secret_key(instance_path)
    return config


def normalise_database_url(url: str) -> str:
    """Let operators write postgresql:// and still get the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    namespace: dict[str, Any] = {"__file__": str(path)}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # noqa: S102
    return {key: value for key, value in namespace.items() if key.isupper()}


_BOOLEAN_WORDS = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def _from_environment(environ: dict[str, str]) -> dict[str, Any]:
    """CASETRACK_FOO=bar sets FOO; booleans and integers are recognised."""
    values: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX) or key == ENV_PREFIX + "INSTANCE_PATH":
            continue
        name = key[len(ENV_PREFIX) :]
        value: Any = raw
        if raw.lower() in _BOOLEAN_WORDS:
            value = _BOOLEAN_WORDS[raw.lower()]
        elif raw.isdigit():
            value = int(raw)
        values[name] = value
    return values


def _instance_secret_key(instance_path: Path) -> str:
    """Read the secret key kept in the instance folder, creating it once (mode 0600)."""
    key_file = instance_path / "secret_key"
    if key_file.is_file():
        return key_file.read_text(encoding="ascii").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return key_file.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def instance_path_from_environment() -> Path:
    return Path(os.environ.get(ENV_PREFIX + "INSTANCE_PATH") or ROOT / "instance").resolve()
