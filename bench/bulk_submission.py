"""A 1,000-item batch through the submission API, against 1,000 web-form submissions.

One app in one process (the test client: no network, no server), on a freshly migrated
database with one open hearing and an organisation's API key. Each round sends:

- one batch of 1,000 testimonies (real public comments, distinct residents, 1 in 10 without an
  e-mail address) to POST /api/v1/hearings/<id>/testimony/batch: the real path, every item
  checked by the web form and stored by its services in one transaction;
- the same 1,000 residents through the web form, one GET and one POST each.

It prints, per round, wall and CPU time of each, the ratio between them, and the batch's peak
memory: the process's resident set before and after (its high-water mark grows only once, so
the first round says most) and, in a round of its own with tracemalloc on, the peak of Python's
own allocations during the request. The follow-up work (placing each testimony in a campaign,
delivering receipts to the log) is left queued (JOBS_RUNNER=worker) and run afterwards, timed
apart.

    .venv/bin/python bench/bulk_submission.py [--rounds 3] [--items 1000]
    .venv/bin/python bench/bulk_submission.py --database-url \\
        postgresql+psycopg://postgres@127.0.0.1:5432/bench_bulk_submission
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import re
import resource
import shutil
import statistics
import tempfile
import time
import tracemalloc
import urllib.parse
import uuid
from datetime import timedelta
from pathlib import Path

from _submission_forms import PLACES, STREETS, Blank, Residents, load_texts
from _submission_servers import SECRET_KEY, create_hearing, prepare_database

FIELD = r'name="{}" type="hidden" value="([^"]*)"'
CSRF, KEY, OPENED = (
    re.compile(FIELD.format(name)) for name in ("csrf_token", "submission_key", "opened")
)


def environment(url: str, folder: Path) -> None:
    os.environ.update(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "OPENTESTIMONY_SECURE_COOKIES": "0",
            "OPENTESTIMONY_SUBMIT_MIN_SECONDS": "0",
            "OPENTESTIMONY_UPLOAD_FOLDER": str(folder / "uploads"),
            "OPENTESTIMONY_MAIL_SERVER": "",
            "OPENTESTIMONY_SUBMIT_LIMIT_PER_ADDRESS": "1000000000 per minute",
            "OPENTESTIMONY_SUBMIT_LIMIT_PER_EMAIL": "1000000000 per minute",
            "OPENTESTIMONY_API_LIMIT_PER_ADDRESS": "1000000000 per minute",
            "OPENTESTIMONY_JOBS_RUNNER": "worker",
        }
    )


def issue_key(measure_id: int) -> str:
    """An organisation and a key that may send 100,000 items an hour to the hearing's body."""
    from app.accounts.models import Role, StaffUser
    from app.hearings.models import Measure
    from app.organisations import services
    from app.organisations.models import ApiScope
    from app.platform.extensions import db
    from app.platform.timezones import utcnow

    now = utcnow()
    # Never signs in: an unusable password hash.
    admin = StaffUser(
        email="bench-admin@example.org",
        name="Bench Admin",
        role=Role.ADMIN,
        password_hash="!",  # noqa: S106
    )
    db.session.add(admin)
    db.session.flush()
    organisation = services.register_organisation(
        admin,
        services.OrganisationDetails("Neighbours United", "intake@neighbours.example"),
        now=now,
    )
    body = db.session.get(Measure, measure_id).committee.body
    issued = services.issue_key(
        admin,
        organisation,
        label="bench",
        scopes=[ApiScope.SUBMIT_TESTIMONY],
        bodies=[body],
        expires_at=now + timedelta(days=30),
        items_per_hour=services.MAX_ITEMS_PER_HOUR,
        now=now,
    )
    db.session.commit()
    return issued.plaintext


def batch_items(texts: list[str], measure_id: int, count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    items = []
    for number in range(count):
        city, zip_code = rng.choice(PLACES)
        items.append(
            {
                "full_name": f"Resident {seed}-{number}",
                # One in ten without an address: the receipt goes to the organisation.
                "email": "" if number % 10 == 0 else f"r{seed}.{number}@example.org",
                "street_address": f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
                "city": city,
                "zip_code": zip_code,
                "positions": [
                    {
                        "measure_id": measure_id,
                        "position": rng.choices(["support", "oppose", "neutral"], [6, 3, 1])[0],
                    }
                ],
                "text": rng.choice(texts),
                "public_record_acknowledged": True,
                "external_reference": f"crm-{seed}-{number}",
            }
        )
    return items


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def send_batch(client, hearing_id: int, key: str, items: list[dict]) -> tuple[float, float]:
    """Wall and CPU seconds of one batch request."""
    started, cpu = time.perf_counter(), time.thread_time()
    answer = client.post(
        f"/api/v1/hearings/{hearing_id}/testimony/batch",
        json={"items": items},
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": str(uuid.uuid4())},
    )
    spent = time.perf_counter() - started, time.thread_time() - cpu
    stored = answer.get_json().get("stored") if answer.status_code == 200 else None
    if stored != len(items):
        raise SystemExit(f"batch answered {answer.status_code}: {answer.text[:300]}")
    return spent


def send_forms(client, hearing_id: int, residents: Residents, count: int) -> tuple[float, float]:
    """Wall and CPU seconds of `count` web-form submissions (GET the form, POST it)."""
    path = f"/hearings/{hearing_id}/testimony/new"
    started, cpu = time.perf_counter(), time.thread_time()
    for _ in range(count):
        page = client.get(path).text
        cookie = client.get_cookie("session")
        blank = Blank(
            f"session={cookie.value}" if cookie else "",
            CSRF.search(page).group(1),
            KEY.search(page).group(1),
            OPENED.search(page).group(1),
        )
        body = urllib.parse.parse_qsl(residents.fill(blank).body.decode())
        posted = client.post(path, data=dict(body))
        if posted.status_code != 303:
            raise SystemExit(f"web form answered {posted.status_code}")
    return time.perf_counter() - started, time.thread_time() - cpu


def follow_up(app) -> float:
    """Run the queued placements and receipts as the job runner does; wall seconds."""
    from app.platform import jobs

    started = time.perf_counter()
    while jobs.run(app).done:
        pass
    return time.perf_counter() - started


def run(args: argparse.Namespace, folder: Path) -> None:
    url = args.database_url or f"sqlite:///{folder}/bulk.db"
    prepare_database(url)
    environment(url, folder)
    from app import create_app

    app = create_app()
    # Receipts go to the log (no mail server): keep them out of the figures.
    logging.getLogger("opentestimony.mail").setLevel(logging.WARNING)
    with app.app_context():
        hearing_id, measure_id = create_hearing()
        key = issue_key(measure_id)
    texts, source = load_texts()
    engine = url.split(":", 1)[0].split("+")[0]
    print(f"{engine}: {args.items} items a batch, texts: {source}")
    client = app.test_client()
    residents = Residents(texts, measure_id)
    rss_before = max_rss_mb()
    rows = []
    for round_number in range(1, args.rounds + 1):
        items = batch_items(texts, measure_id, args.items, seed=round_number)
        batch_wall, batch_cpu = send_batch(client, hearing_id, key, items)
        with app.app_context():
            batch_jobs = follow_up(app)
        rss_after = max_rss_mb()
        forms_wall, forms_cpu = send_forms(client, hearing_id, residents, args.items)
        with app.app_context():
            forms_jobs = follow_up(app)
        rows.append((batch_wall, batch_cpu, forms_wall, forms_cpu, batch_jobs, forms_jobs))
        print(
            f"round {round_number}: batch {batch_wall:.2f} s wall, {batch_cpu:.2f} s CPU; "
            f"{args.items} web forms {forms_wall:.2f} s wall, {forms_cpu:.2f} s CPU; "
            f"ratio {batch_wall / forms_wall:.2f}; follow-up work {batch_jobs:.2f} s "
            f"(forms' {forms_jobs:.2f} s); peak RSS {rss_before:.0f} -> {rss_after:.0f} MB"
        )
    items = batch_items(texts, measure_id, args.items, seed=args.rounds + 1)
    tracemalloc.start()
    traced_wall, _cpu = send_batch(client, hearing_id, key, items)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with app.app_context():
        follow_up(app)
    median = [statistics.median(column) for column in zip(*rows, strict=True)]
    print(
        f"median of {args.rounds}: batch {median[0]:.2f} s ({median[0] / args.items * 1000:.2f} "
        f"ms an item), web forms {median[2]:.2f} s ({median[2] / args.items * 1000:.2f} ms "
        f"each); batch / web forms = {median[0] / median[2]:.2f} (CPU "
        f"{median[1] / median[3]:.2f}); follow-up {median[4]:.2f} s vs {median[5]:.2f} s; "
        f"Python allocations at peak during a batch: {peak / 2**20:.0f} MB "
        f"(traced run {traced_wall:.2f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL to use (emptied!); default SQLite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bulk-submission-"))
    try:
        run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
