"""How the moderation queue and the public hearing page cost grows with a hearing's size.

Builds a hearing with N testimonies (default 10,000 and 100,000) in a scratch database, then
times, in one run, the queries a page load makes: the first queue page, a page deep in the
queue (by keyset cursor), a filtered page, the first page and the capped count of each of
the queue's tabs ("To review" without the 2% marked as possibly automated, and "Possibly
automated"), the status counts (from the running tallies) and, for contrast, counting the
testimonies directly. Prints each cost at the larger size as a
ratio of the smaller, so the numbers mean the same on any machine.

    .venv/bin/python bench/queue_pages.py                    # SQLite in a temp folder
    .venv/bin/python bench/queue_pages.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

The PostgreSQL database is emptied first; never point this at real data.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from _bulk import count_into_tallies
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, insert, select, text

from app import create_app
from app.hearings.models import Body, Committee, Hearing, Measure, MeasureKind
from app.moderation import queries
from app.moderation.views import QUEUE_COUNT_LIMIT
from app.platform.extensions import db
from app.testimony.models import Testimony

WORDS = [
    "surveillance",
    "camera",
    "privacy",
    "police",
    "council",
    "ban",
    "support",
    "oppose",
    "residents",
]


# Searched for by bench/page_costs.py: one resident's name, and a phrase in a few testimonies,
# the same few at every size.
NAME = "Marisol Okonkwo-Baptiste"
PHRASE = "facial recognition moratorium"
PHRASE_ROWS = 3
# One testimony in this many is marked as possibly automated (2%).
AUTOMATED_EVERY = 50


def build(size: int) -> Hearing:
    """A hearing of `size` testimonies, inserted in bulk; the database's triggers index each
    one for search as it is inserted, as they do for testimony submitted through the app."""
    body = Body(slug=f"b{size}", name="Council", jurisdiction="City", timezone="America/New_York")
    committee = Committee(body=body, slug="c", name="Committee")
    measure = Measure(committee=committee, kind=MeasureKind.ORDINANCE, number="1", title="T")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    hearing = Hearing(
        committee=committee,
        title=f"Hearing of {size}",
        starts_at=start + timedelta(days=60),
        testimony_opens_at=start,
        testimony_closes_at=start + timedelta(days=59),
        measures=[measure],
    )
    db.session.add(hearing)
    db.session.flush()
    rng = random.Random(size)
    statuses = ["pending"] * 5 + ["approved"] * 3 + ["flagged", "withdrawn"]
    rows = []
    for index in range(size):
        status = rng.choice(statuses)
        rows.append(
            {
                "hearing_id": hearing.id,
                "measure_id": measure.id,
                "tracking_number": f"B{len(str(size))}{index:08d}",
                "receipt_token_hash": f"{size:08d}{index:056d}",
                "submission_key": f"k{index}",
                "full_name": f"Resident {rng.randrange(10**6)}",
                "email": f"resident{rng.randrange(size)}@example.org",
                "street_address": "1 Example Street",
                "city": "Boston",
                "zip_code": "02108",
                "speaks_for_organization": False,
                "public_record_acknowledged": True,
                "position": rng.choice(["support", "oppose", "neutral"]),
                "body": " ".join(rng.choices(WORDS, k=60)),
                "speaking_request": "none",
                "status": status,
                "version": 1,
                "received_at": start + timedelta(seconds=index * 7),
                "updated_at": start,
                "withdrawn_at": start if status == "withdrawn" else None,
                # A share marked as possibly automated: the queue's own tab for them.
                "quarantine_reason": "too_fast" if index % AUTOMATED_EVERY == 3 else None,
            }
        )
        if index == size // 2:
            rows[-1]["full_name"] = NAME
        if index % (size // PHRASE_ROWS) == size // 7:
            rows[-1]["body"] += f" A {PHRASE} now."
        rows[-1]["email_key"] = rows[-1]["email"].lower()
        rows[-1]["name_key"] = rows[-1]["full_name"].lower()
        if len(rows) == 5000:
            db.session.execute(insert(Testimony.__table__), rows)
            rows = []
    if rows:
        db.session.execute(insert(Testimony.__table__), rows)
    count_into_tallies(hearing.id)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return hearing


def timed(action, repeat: int = 15) -> float:
    action()  # warm
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
        db.session.rollback()
    return statistics.median(samples)


def capped_count(hearing: Hearing, chosen: queries.QueueFilter) -> int:
    """What the queue page counts for each tab: matches up to QUEUE_COUNT_LIMIT + 1."""
    most = QUEUE_COUNT_LIMIT + 1
    first = queries.matching(hearing, chosen).with_only_columns(Testimony.id).limit(most)
    return db.session.scalar(select(func.count()).select_from(first.subquery())) or 0


def measure(hearing: Hearing) -> dict[str, float]:
    pending = queries.QueueFilter(status=queries.ReviewStatus.PENDING)
    everything = queries.QueueFilter()
    deep_row = db.session.execute(
        select(Testimony.received_at, Testimony.id)
        .where(Testimony.hearing_id == hearing.id)
        .order_by(Testimony.received_at, Testimony.id)
        .offset(
            int(
                db.session.scalar(
                    select(func.count(Testimony.id)).where(Testimony.hearing_id == hearing.id)
                )
                * 0.9
            )
        )
        .limit(1)
    ).one()
    deep = queries.encode_cursor(deep_row.received_at.replace(tzinfo=UTC), deep_row.id)
    main_tab = replace(pending, quarantined=False)
    automated_tab = replace(pending, quarantined=True)
    return {
        "queue page 1 (pending)": timed(lambda: queries.queue_page(hearing, pending, None)),
        "main tab page 1": timed(lambda: queries.queue_page(hearing, main_tab, None)),
        "automated tab page 1": timed(lambda: queries.queue_page(hearing, automated_tab, None)),
        "main tab count (capped)": timed(lambda: capped_count(hearing, main_tab)),
        "automated tab count (capped)": timed(lambda: capped_count(hearing, automated_tab)),
        "queue page at 90% (all)": timed(lambda: queries.queue_page(hearing, everything, deep)),
        "queue sorted by name": timed(
            lambda: queries.queue_page(hearing, queries.QueueFilter(sort="name"), None)
        ),
        "search, a name": timed(
            lambda: queries.queue_page(hearing, queries.QueueFilter(text=NAME), None)
        ),
        "search, a common word": timed(
            lambda: queries.queue_page(hearing, queries.QueueFilter(text="surveillance"), None)
        ),
        "status counts (tallies)": timed(lambda: queries.status_counts(hearing)),
        "public page 1": timed(lambda: queries.published_page(hearing, None)),
        "count(*) of the hearing": timed(
            lambda: db.session.scalar(
                select(func.count(Testimony.id)).where(Testimony.hearing_id == hearing.id)
            )
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    sizes = [int(size) for size in args.sizes.split(",")]
    with app.app_context():
        if url.startswith("postgresql"):
            downgrade(revision="base")
        upgrade()
        results = {size: measure(build(size)) for size in sizes}
    small, large = sizes[0], sizes[-1]
    print(f"database: {url.split(':')[0]}")
    print(f"{'query':28} {small:>10,} {large:>10,}   ratio")
    for name in results[small]:
        a, b = results[small][name], results[large][name]
        print(f"{name:28} {a * 1000:8.2f}ms {b * 1000:8.2f}ms   {b / a:5.2f}x")
    # Counting reads every row by nature; it is shown for contrast.
    paged = [n for n in results[small] if not n.startswith("count")]
    worst = max(results[large][n] / results[small][n] for n in paged)
    counting = "count(*) of the hearing"
    count_ratio = results[large][counting] / results[small][counting]
    print(
        f"summary: at {large:,} testimonies the slowest paged query costs {worst:.2f}x what it "
        f"costs at {small:,}; counting the testimony directly costs {count_ratio:.1f}x"
    )


if __name__ == "__main__":
    main()
