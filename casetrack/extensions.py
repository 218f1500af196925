"""Extension objects, created unbound; create_app() initialises them. Imports no app module."""

from __future__ import annotations

import sys
from typing import Any

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Objects stay loaded after commit: a view commits its audit entry and then renders what it
# already loaded, instead of reloading every row (which would make list pages N+1).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


# ---- throttling counts must be shared by every process that serves the app ----------------


class ThrottleStoreError(RuntimeError):
    """Several server processes would each keep their own throttling counts."""


def init_limiter(app: Any) -> None:
    """Bind the limiter, refusing a per-process store when gunicorn runs several workers."""
    limiter.init_app(app)
    workers = gunicorn_workers()
    if workers is None or workers < 2 or not app.config.get("RATELIMIT_ENABLED", True):
        return
    store = str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if store.startswith("memory://"):
        raise _refusal(
            f"CaseTrack cannot start: gunicorn runs {workers} workers, but RATELIMIT_STORAGE_URI "
            f"is {store}, so each worker would count failed sign-ins on its own; set "
            "CASETRACK_RATELIMIT_STORAGE_URI to a store they share (redis://host:6379) "
            "or run one worker."
        )


def gunicorn_workers() -> int | None:
    """How many worker processes gunicorn runs, if gunicorn is what is calling create_app().

    gunicorn calls create_app() from its own objects — in each worker (Arbiter.spawn_worker →
    Worker.load_wsgi → Application.wsgi), or once in the master with --preload (Arbiter.setup
    → Application.wsgi) — so the caller's frames hold the arbiter, whose `num_workers` is the
    count gunicorn settled on from every source it reads (--workers, -c gunicorn.conf.py,
    GUNICORN_CMD_ARGS, WEB_CONCURRENCY) and which also follows TTIN/TTOU. None when gunicorn
    is not running this process (command line, development server, tests).
    """
    if "gunicorn.arbiter" not in sys.modules:
        return None
    from gunicorn.app.base import BaseApplication
    from gunicorn.arbiter import Arbiter

    configured = None
    frame = sys._getframe(1)
    while frame is not None:
        owner = frame.f_locals.get("self")
        if isinstance(owner, Arbiter) and getattr(owner, "num_workers", None):
            return int(owner.num_workers)
        if configured is None and isinstance(owner, BaseApplication):
            configured = int(owner.cfg.workers)
        frame = frame.f_back
    return configured


def _refusal(message: str) -> Exception:
    """gunicorn prints an AppImportError raised in a worker as one line and stops (exit 4);
    with --preload it prints a RuntimeError as one line and exits 1. Be both."""
    from gunicorn.errors import AppImportError

    class SharedThrottleStoreRequired(ThrottleStoreError, AppImportError):
        pass

    return SharedThrottleStoreRequired(message)
