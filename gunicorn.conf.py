"""Production serving: `.venv/bin/gunicorn -c gunicorn.conf.py wsgi:app` (see
docs/production.md). Every setting can be changed from the environment without editing this
file.

Defaults fit a 2-core machine: one worker process per core, each with a few threads, since a
request mostly waits on the database. Workers share nothing in memory: rate limits, the export
jobs and files must live in Redis and the database (see docs/production.md) once there are
several.
"""

from __future__ import annotations

import logging
import os


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


bind = os.environ.get("OPENTESTIMONY_BIND", "127.0.0.1:8000")
workers = _number("WEB_CONCURRENCY", os.cpu_count() or 2)
worker_class = "gthread"
threads = _number("OPENTESTIMONY_THREADS", 4)
# The kernel's queue of connections no worker has accepted yet (gthread workers also queue
# accepted connections for their threads).
backlog = _number("OPENTESTIMONY_BACKLOG", 256)
# A worker whose main loop stops answering this long is replaced. With threads a single slow
# request does not trip it: requests are bounded by the database waits (pool and SQLite busy
# timeouts), which end in the busy page.
timeout = _number("OPENTESTIMONY_WORKER_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Replace each worker now and then, so a slow leak in any library never takes the site down.
max_requests = _number("OPENTESTIMONY_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
# Headers and request lines well beyond anything a browser sends are refused.
limit_request_line = 8190
limit_request_fields = 100
# Only the proxy in front may set X-Forwarded-*; the app reads them per OPENTESTIMONY_PROXY_HOPS.
forwarded_allow_ips = os.environ.get("OPENTESTIMONY_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("OPENTESTIMONY_ACCESS_LOG") or "-"
errorlog = "-"
# No query strings or referrers in the access log; receipt and identity links are masked below.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


def post_worker_init(worker) -> None:
    from app.health import report_at_start
    from app.platform.web import ReceiptLinkFilter

    logging.getLogger("gunicorn.access").addFilter(ReceiptLinkFilter())
    # Anything /healthz would fail on (not migrated, not durable, no queue) is said at start.
    report_at_start(worker.wsgi)


def worker_exit(_server, worker) -> None:
    # A worker leaving (a restart, max_requests) first finishes the background jobs it has in
    # hand; what it cannot finish stays queued in the database for another's sweep.
    jobs = getattr(getattr(worker, "wsgi", None), "extensions", {}).get("jobs")
    if jobs is not None:
        jobs.stop()
