"""Application factory: load_config → init_extensions → register_blueprints → handlers → CLI."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config as config_module
from app.platform.storage import FILE_STORES
from app.platform.transaction import TransactionalFlask


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application; no migrations, prompts or network calls happen here."""
    # One transaction per request, committed when the view returns: app/platform/transaction.py
    app = TransactionalFlask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    load_config(app, overrides or {})
    init_extensions(app)
    register_blueprints(app)
    register_template_globals(app)
    register_error_handlers(app)
    register_cli(app)
    return app


def load_config(app: Flask, overrides: dict[str, Any]) -> None:
    app.config.update(config_module.DEFAULTS)
    app.config.update(config_module.instance_defaults(app.instance_path))
    app.config.update(config_module.from_environment(dict(os.environ)))
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.load_secret_key(app.instance_path)
    if app.config["REDIS_URL"] and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        # With Redis, every process counts against the same limits.
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    uri = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
    if uri in ("sqlite://", "sqlite:///:memory:"):
        # An in-memory database has one connection and no pool to wait for.
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.pop("pool_timeout", None)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if app.config["FILE_STORE"] not in FILE_STORES:
        raise ValueError(f"OPENTESTIMONY_FILE_STORE must be one of {', '.join(FILE_STORES)}")
    if app.config["PROXY_HOPS"]:
        # Behind a proxy, throttling and audit need the client's address, not the proxy's.
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    _configure_logging(app)


def _configure_logging(app: Flask) -> None:
    """Give our loggers somewhere to write when the server has not configured logging."""
    logger = logging.getLogger("opentestimony")
    logger.setLevel(logging.INFO)
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    if not app.config["MAIL_SERVER"] and not app.testing:
        logger.warning(
            "No OPENTESTIMONY_MAIL_SERVER set: e-mail, receipt links included, goes to this log."
        )


def init_extensions(app: Flask) -> None:
    from app import endorsements
    from app.accounts import access
    from app.hearings import measure_texts
    from app.hearings import services as hearing_services
    from app.platform import (
        database,
        database_store,  # noqa: F401  (its tables, whichever store is chosen)
        web,
    )
    from app.platform.extensions import babel, csrf, db, limiter, migrate
    from app.signins import models as sign_in_models  # noqa: F401  (its tables)
    from app.signins import queries as sign_in_queries
    from app.speaking import models as speaking_models  # noqa: F401  (its tables)
    from app.testimony import queries as testimony_queries
    from app.testimony import tallies

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(app.root_path, "..", "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    web.init_app(app)  # first: its before_request reads the body before anything queries
    limiter.init_app(app)
    access.init_app(app)
    register_jobs(app)
    tallies.init_app(app)
    measure_texts.init_app(app)
    # Hearings sit below testimony, so they are handed what they ask of it (which measures
    # have testimony, whom to tell of a change) instead of importing it.
    app.extensions[hearing_services.TESTIMONY_QUESTIONS] = testimony_queries
    app.extensions[hearing_services.SIGN_IN_QUESTIONS] = sign_in_queries
    # Testimony and campaigns sit below endorsements: handed how the names a resident gives
    # are written, and how an ended campaign's sign-ons follow its letters.
    endorsements.init_app(app)


def register_jobs(app: Flask) -> None:
    """Background jobs, and what each kind does (each domain's handler, named here so the
    platform's job runner never imports a domain)."""
    from app.api import idempotency
    from app.campaigns import placement
    from app.exports import jobs as export_jobs
    from app.following import notices as following_notices
    from app.hearings import agenda_uploads
    from app.moderation import pdf_pages
    from app.platform import jobs, outbox
    from app.testimony import held_uploads, review_notices

    jobs.init_app(app)
    # Receipts go several per SMTP connection; a mail server down for an hour is waited out.
    jobs.register(app, outbox.DELIVER, outbox.deliver_job, batch=outbox.BATCH, attempts=10)
    jobs.register(app, placement.JOB, placement.run_job, batch=placement.placements_per_transaction)
    jobs.register(app, export_jobs.JOB, export_jobs.run_job)
    jobs.register(app, agenda_uploads.FORGET_JOB, agenda_uploads.forget_job)
    jobs.register_periodic(app, held_uploads.forget_expired)
    # Pages of attachments drawn for the review page go after a day, or once their file has.
    jobs.register_periodic(app, pdf_pages.sweep)
    # Residents told their testimony was published or not, after each decision commits.
    jobs.register(app, review_notices.JOB, review_notices.run_job, batch=10)
    # An Idempotency-Key's answer is kept 24 hours.
    jobs.register_periodic(app, idempotency.forget_expired)
    following_notices.init_app(app)


def register_blueprints(app: Flask) -> None:
    from app.accounts.admin_views import bp as staff_admin_bp
    from app.accounts.jobs_views import bp as jobs_admin_bp
    from app.accounts.views import bp as accounts_bp
    from app.exports.views import bp as exports_bp
    from app.following.admin_views import bp as following_admin_bp
    from app.following.views import bp as following_bp
    from app.health import bp as health_bp
    from app.hearings.admin_views import bp as hearing_admin_bp
    from app.hearings.agenda_views import bp as agenda_import_bp
    from app.moderation.attachment_views import bp as attachment_pages_bp
    from app.moderation.campaign_views import bp as campaigns_bp
    from app.moderation.sign_in_views import bp as sign_in_moderation_bp
    from app.moderation.views import bp as moderation_bp
    from app.organisations.admin_views import bp as organisations_admin_bp
    from app.public.views import bp as hearings_bp
    from app.signins.views import bp as sign_ins_bp
    from app.speaking.console_views import bp as speaking_console_bp
    from app.speaking.display_views import bp as speaking_display_bp
    from app.speaking.public_views import bp as speaking_public_bp
    from app.speaking.views import bp as speaking_admin_bp
    from app.testimony.identity_views import bp as identity_bp
    from app.testimony.views import bp as testimony_bp

    for blueprint in (
        hearings_bp,
        testimony_bp,
        identity_bp,
        accounts_bp,
        staff_admin_bp,
        jobs_admin_bp,
        moderation_bp,
        attachment_pages_bp,
        campaigns_bp,
        hearing_admin_bp,
        agenda_import_bp,
        speaking_admin_bp,
        speaking_public_bp,
        speaking_console_bp,
        speaking_display_bp,
        sign_ins_bp,
        sign_in_moderation_bp,
        following_bp,
        following_admin_bp,
        organisations_admin_bp,
        exports_bp,
        health_bp,
    ):
        app.register_blueprint(blueprint)
    # The API's blueprints, with its error format, limits and CORS.
    from app.api import web as api_web
    from app.api.docs_views import bp as api_docs_bp
    from app.api.endorsement_views import bp as api_endorsements_bp
    from app.api.open_data_views import bp as api_files_bp
    from app.api.submission_views import bp as api_submissions_bp
    from app.api.views import bp as api_bp

    api_web.init_app(
        app, (api_bp, api_files_bp, api_docs_bp, api_endorsements_bp, api_submissions_bp)
    )


def register_template_globals(app: Flask) -> None:
    """The domain vocabularies templates name (the platform's own helpers register there)."""
    from app.accounts.models import Role
    from app.moderation.reasons import reason_label
    from app.speaking.public_views import receipt_place
    from app.testimony.models import Position, RejectionReason

    app.jinja_env.globals["roles"] = Role
    app.jinja_env.globals["positions"] = Position
    app.jinja_env.globals["reasons"] = RejectionReason
    app.jinja_env.globals["rejection_reason_label"] = reason_label
    app.jinja_env.globals["speaking_place"] = receipt_place


def register_error_handlers(app: Flask) -> None:
    from app.platform.errors import register_error_handlers as register

    register(app)


def register_cli(app: Flask) -> None:
    from app import cli

    cli.register(app)
