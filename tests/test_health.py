"""/healthz tells a load balancer, or a person, whether this process can take testimony."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from app.health import report_at_start


def test_a_migrated_database_and_an_in_process_queue_are_healthy(client, config):
    config["JOBS_RUNNER"] = "thread"
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {
        "database",
        "migrations",
        "durability",
        "queue",
        "malware_scan",
        "jobs",
    }
    assert all(check["ok"] for check in body["checks"].values())
    assert response.headers["Cache-Control"] == "no-store"


def test_the_database_is_set_to_keep_every_commit(client, db):
    durability = client.get("/healthz").get_json()["checks"]["durability"]
    assert durability["ok"]
    if db.engine.dialect.name == "sqlite":
        assert "journal_mode=wal" in durability["detail"]
        assert "synchronous=2" in durability["detail"]
    else:
        assert durability["detail"] == "synchronous_commit=on"


def test_a_database_behind_the_code_is_reported_and_fails(client, db):
    head = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    db.session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    db.session.commit()
    try:
        response = client.get("/healthz")
        assert response.status_code == 503
        migrations = response.get_json()["checks"]["migrations"]
        assert migrations == {"ok": False, "detail": "run `flask --app wsgi db upgrade`"}
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
        db.session.commit()


def test_a_database_never_migrated_says_to_migrate(tmp_path):
    from app import create_app
    from app.platform.extensions import db as _db

    fresh = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new.db'}"}
    )
    try:
        body = fresh.test_client().get("/healthz").get_json()
        assert body["checks"]["database"]["ok"] is True
        assert body["checks"]["migrations"] == {
            "ok": False,
            "detail": "run `flask --app wsgi db upgrade`",
        }
    finally:
        with fresh.app_context():
            _db.engine.dispose()


def test_a_database_migrated_by_a_newer_release_keeps_this_process_serving(client, db):
    """A rolling upgrade migrates first; the servers still on the old code stay in rotation."""
    head = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    db.session.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    db.session.commit()
    try:
        response = client.get("/healthz")
        migrations = response.get_json()["checks"]["migrations"]
        assert migrations == {"ok": True, "detail": "the database is newer than this code"}
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
        db.session.commit()


def test_an_unreachable_export_queue_fails_without_showing_its_address(client, config):
    config["JOBS_RUNNER"] = "rq"
    config["REDIS_URL"] = "redis://:secret-password@127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["queue"]["ok"] is False
    assert "secret-password" not in response.text
    assert "127.0.0.1" not in response.text


def test_a_reachable_redis_queue_is_healthy(client, config):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_timeout=1).ping()
    except redis.exceptions.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    config["JOBS_RUNNER"] = "rq"
    config["REDIS_URL"] = url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["queue"] == {"ok": True, "detail": "redis"}


def test_problems_are_logged_at_start(app, db, config, caplog):
    config["JOBS_RUNNER"] = "rq"
    config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    with caplog.at_level(logging.ERROR, logger="opentestimony"):
        report_at_start(app)
    assert any("Health check queue failed" in r.getMessage() for r in caplog.records)
