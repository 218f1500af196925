"""CaseTrack: case tracking for Professional Standards work on social-media misconduct."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from casetrack.config import ROOT, instance_path_from_environment, load_config

__all__ = ["create_app"]


class SetupError(RuntimeError):
    """The installation is incomplete (missing templates or static files)."""


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build a CaseTrack app. Never migrates, prompts or exits."""
    instance_path = Path(
        (test_config or {}).get("INSTANCE_PATH") or instance_path_from_environment()
    )
    _check_layout()
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(instance_path),
        instance_relative_config=True,
    )
    _init_config(app, test_config)
    _init_extensions(app)
    _init_templates(app)
    _register_blueprints(app)
    _register_security(app)
    _register_errors(app)
    _register_cli(app)
    if test_config is None and app.config.get("WARM_TEMPLATES", True):
        _warm_templates(app)
    return app


def _warm_templates(app: Flask) -> None:
    """Compile every page template now, as a server process starts, rather than on the first
    request that needs each one (about 0.5 s in all: a worker's first sign-in page took 100 ms
    and its first dashboard 200–360 ms before this). Only for the app a server builds with
    create_app(); the command line and tests pass their own settings and skip it."""
    env = app.jinja_env
    for name in env.list_templates(filter_func=lambda n: n.endswith((".html", ".njk"))):
        env.get_template(name)


def _check_layout() -> None:
    missing = [name for name in ("templates", "static") if not (ROOT / name).is_dir()]
    if missing:
        raise SetupError(
            f"CaseTrack cannot start: the {' and '.join(missing)} folder(s) are missing under "
            f"{ROOT}. Run it from a full checkout (make run) or reinstall."
        )


def _init_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.from_mapping(load_config(Path(app.instance_path), test_config))
    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]


def _init_extensions(app: Flask) -> None:
    import casetrack.cases.access  # noqa: F401  (registers the case access rule with can())
    import casetrack.models  # noqa: F401  (the whole schema, for Alembic and relationships)
    from casetrack.database import init_database
    from casetrack.extensions import csrf, db, init_limiter, login_manager, migrate

    init_database(app)
    migrate.init_app(
        app, db, directory=str(Path(__file__).with_name("migrations")), render_as_batch=True
    )
    csrf.init_app(app)
    init_limiter(app)  # refuses per-worker counts under several gunicorn workers
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # our own server-side sessions replace it

    from casetrack.auth.sessions import load_user

    login_manager.user_loader(load_user)

    from casetrack.queues.mail import init_mail

    init_mail(app)


def _init_templates(app: Flask) -> None:
    from casetrack.assets import init_assets
    from casetrack.templating import init_templates

    init_templates(app)
    init_assets(app)


def _register_blueprints(app: Flask) -> None:
    from casetrack.admin.views import bp as admin_bp
    from casetrack.approvals.views import bp as approvals_bp
    from casetrack.audit.views import bp as audit_bp
    from casetrack.auth.mfa_views import bp as mfa_bp
    from casetrack.auth.oidc_views import bp as oidc_bp
    from casetrack.auth.views import bp as auth_bp
    from casetrack.casepack.views import bp as casepack_bp
    from casetrack.cases.casework_views import bp as casework_bp
    from casetrack.cases.export import bp as case_export_bp
    from casetrack.cases.proceedings_views import bp as proceedings_bp
    from casetrack.cases.views import bp as cases_bp
    from casetrack.evidence.requests import CaseTrackRequest, discard_unplaced_uploads
    from casetrack.evidence.views import bp as evidence_bp
    from casetrack.imports.views import bp as imports_bp
    from casetrack.main.views import bp as main_bp
    from casetrack.queues.views import bp as queues_bp
    from casetrack.reports.views import bp as reports_bp
    from casetrack.retention.views import bp as retention_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(mfa_bp)
    app.register_blueprint(oidc_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(approvals_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(casework_bp)
    app.register_blueprint(proceedings_bp)
    app.register_blueprint(case_export_bp)
    app.register_blueprint(casepack_bp)
    app.register_blueprint(evidence_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(retention_bp)
    app.register_blueprint(queues_bp)
    app.request_class = CaseTrackRequest
    app.teardown_request(discard_unplaced_uploads)


def _register_security(app: Flask) -> None:
    from casetrack.security import init_security

    init_security(app)


def _register_errors(app: Flask) -> None:
    from casetrack.main.errors import register_error_pages

    register_error_pages(app)


def _register_cli(app: Flask) -> None:
    from casetrack.cli import register_commands

    register_commands(app)
