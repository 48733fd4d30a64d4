"""gunicorn.conf.py: sensible for 2 cores by default, every setting from the environment."""

from __future__ import annotations

import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def settings(monkeypatch, **environment) -> dict:
    for name in ("WEB_CONCURRENCY", "OPENTESTIMONY_THREADS", "OPENTESTIMONY_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_defaults_are_one_threaded_worker_per_core_on_loopback(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    found = settings(monkeypatch)
    assert found["workers"] == 2
    assert found["worker_class"] == "gthread"
    assert found["threads"] == 4
    assert found["bind"] == "127.0.0.1:8000"
    assert "%(q)s" not in found["access_log_format"]  # no query strings in logs


def test_the_environment_sets_workers_threads_and_address(monkeypatch):
    found = settings(
        monkeypatch, WEB_CONCURRENCY="6", OPENTESTIMONY_THREADS="8", OPENTESTIMONY_BIND="0.0.0.0:80"
    )
    assert (found["workers"], found["threads"], found["bind"]) == (6, 8, "0.0.0.0:80")
