"""Configuration: defaults, then the environment, then overrides; the secret key; SQLite."""

from __future__ import annotations

import functools
import importlib
import os
import stat

import pytest
from flask import Flask
from sqlalchemy import text

from app import config as config_module
from app.platform.extensions import db as _db
from app.platform.transaction import TransactionalFlask

app_package = importlib.import_module("app")


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """create_app with a clean environment and an instance folder under tmp_path."""
    for name in list(os.environ):
        if name in {"DATABASE_URL", "SECRET_KEY"} or name.startswith(config_module.ENV_PREFIX):
            monkeypatch.delenv(name)
    instance = tmp_path / "instance"
    made = functools.partial(TransactionalFlask, instance_path=str(instance))
    monkeypatch.setattr(app_package, "TransactionalFlask", made)
    created: list[Flask] = []

    def factory(overrides=None) -> Flask:
        application = app_package.create_app(overrides)
        assert application.instance_path == str(instance)
        created.append(application)
        return application

    factory.instance = instance
    yield factory
    for application in created:
        with application.app_context():
            _db.engine.dispose()


# The environment


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://ot:pw@db.example:5432/ot", "postgresql+psycopg://ot:pw@db.example:5432/ot"),
        ("postgresql://ot@db.example/ot", "postgresql+psycopg://ot@db.example/ot"),
        ("postgresql+psycopg://ot@db.example/ot", "postgresql+psycopg://ot@db.example/ot"),
        ("sqlite:////var/lib/ot/ot.db", "sqlite:////var/lib/ot/ot.db"),
    ],
)
def test_database_url_is_normalised(given, expected):
    assert config_module.from_environment({"DATABASE_URL": given}) == {
        "SQLALCHEMY_DATABASE_URI": expected
    }


def test_create_app_reads_database_url(make_app, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://ot:pw@db.example:5432/opentestimony")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    application = make_app()
    uri = application.config["SQLALCHEMY_DATABASE_URI"]
    assert uri == "postgresql+psycopg://ot:pw@db.example:5432/opentestimony"
    with application.app_context():
        assert _db.engine.dialect.name == "postgresql"
        assert _db.engine.dialect.driver == "psycopg"


def test_default_database_is_sqlite_in_the_instance_folder(make_app):
    application = make_app({"SECRET_KEY": "x"})
    assert application.config["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{make_app.instance / 'opentestimony.db'}"
    )
    assert application.config["UPLOAD_FOLDER"] == str(make_app.instance / "uploads")


def test_create_app_reads_secret_key(make_app, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "operator-chosen-secret")
    application = make_app()
    assert application.config["SECRET_KEY"] == "operator-chosen-secret"
    assert not (make_app.instance / "secret_key").exists()


def test_create_app_reads_prefixed_settings(make_app, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("OPENTESTIMONY_MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("OPENTESTIMONY_MAIL_PORT", "587")
    monkeypatch.setenv("OPENTESTIMONY_MAIL_USE_TLS", "true")
    monkeypatch.setenv("OPENTESTIMONY_TIMEZONE", "America/Chicago")
    monkeypatch.setenv("OPENTESTIMONY_SECURE_COOKIES", "0")

    config = make_app().config

    assert config["MAIL_SERVER"] == "smtp.example.org"
    assert config["MAIL_PORT"] == 587
    assert isinstance(config["MAIL_PORT"], int)
    assert config["MAIL_USE_TLS"] is True
    assert config["DEFAULT_TIMEZONE"] == "America/Chicago"
    assert config["SESSION_COOKIE_SECURE"] is False
    assert "SECURE_COOKIES" not in config
    assert "TIMEZONE" not in config


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("YES", True), ("on", True), ("0", False), ("false", False)],
)
def test_boolean_settings(value, expected):
    config = config_module.from_environment(
        {"OPENTESTIMONY_MAIL_USE_TLS": value, "OPENTESTIMONY_SECURE_COOKIES": value}
    )
    assert config["MAIL_USE_TLS"] is expected
    assert config["SESSION_COOKIE_SECURE"] is expected


def test_defaults_without_environment(make_app):
    config = make_app({"SECRET_KEY": "x"}).config
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["DEFAULT_TIMEZONE"] == "America/New_York"
    assert config["MAIL_SERVER"] == ""
    assert config["MAIL_PORT"] == 25
    assert config["MAIL_USE_TLS"] is False


def test_unknown_prefixed_names_are_ignored():
    config = config_module.from_environment(
        {
            "OPENTESTIMONY_NOT_A_SETTING": "1",
            "OPENTESTIMONY_TESTING": "1",
            "OPENTESTIMONY_SQLALCHEMY_ENGINE_OPTIONS": "{}",
            "MAIL_SERVER": "unprefixed.example.org",
        }
    )
    assert config == {}


def test_overrides_win_over_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("OPENTESTIMONY_MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    config = make_app({"MAIL_SERVER": "override.example.org", "SECRET_KEY": "override"}).config
    assert config["MAIL_SERVER"] == "override.example.org"
    assert config["SECRET_KEY"] == "override"


def test_environment_is_read_when_the_app_is_created_not_at_import(make_app, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("OPENTESTIMONY_MAIL_SERVER", "first.example.org")
    first = make_app()
    monkeypatch.setenv("OPENTESTIMONY_MAIL_SERVER", "second.example.org")
    second = make_app()
    assert first.config["MAIL_SERVER"] == "first.example.org"
    assert second.config["MAIL_SERVER"] == "second.example.org"


# The secret key


def test_load_secret_key_creates_a_private_random_key(tmp_path):
    key = config_module.load_secret_key(str(tmp_path))
    path = tmp_path / "secret_key"
    assert path.read_text().strip() == key
    assert len(key) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert config_module.load_secret_key(str(tmp_path)) == key


def test_load_secret_key_creates_the_folder(tmp_path):
    folder = tmp_path / "not" / "yet" / "there"
    key = config_module.load_secret_key(str(folder))
    assert (folder / "secret_key").read_text().strip() == key


def test_each_instance_gets_its_own_key(tmp_path):
    one = config_module.load_secret_key(str(tmp_path / "one"))
    two = config_module.load_secret_key(str(tmp_path / "two"))
    assert one != two


def test_from_environment_without_secret_key_sets_none():
    assert "SECRET_KEY" not in config_module.from_environment({})
    assert "SECRET_KEY" not in config_module.from_environment({"SECRET_KEY": ""})


def test_create_app_without_secret_key_writes_and_reuses_one(make_app):
    first = make_app()
    path = make_app.instance / "secret_key"
    key = first.config["SECRET_KEY"]
    assert key
    assert path.read_text().strip() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    second = make_app()
    assert second.config["SECRET_KEY"] == key


# SQLite connection settings


def test_sqlite_connections_are_safe(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only apply when the test database is SQLite")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar().lower() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_postgresql_connections_use_utc(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("only when the test database is PostgreSQL")
    with db.engine.connect() as connection:
        assert connection.execute(text("SHOW TIME ZONE")).scalar() == "UTC"
        assert connection.execute(text("SHOW synchronous_commit")).scalar() == "on"
