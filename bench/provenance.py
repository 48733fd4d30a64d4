"""What a campaign's provenance card costs as the campaign grows.

Builds a hearing with one campaign of N letters (default 1,000 and 50,000) in a scratch
database, inserted in bulk, from a few hundred towns over about thirty hours, some confirmed,
some marked possibly automated, some from throwaway addresses. Then times, in one run, the
card of that campaign (app/campaigns/provenance.campaign_card: four grouped queries), the
cards of every campaign of the hearing (what the bundle's campaigns.csv reads), binning and
laying out its arrivals chart, and counts the SQL statements and the peak memory Python
allocates for one card. Prints each cost at the larger size as a ratio of the smaller.

    .venv/bin/python bench/provenance.py                    # SQLite in a temp folder
    .venv/bin/python bench/provenance.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

The PostgreSQL database is emptied first; never point this at real data.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import event, insert

from app import create_app
from app.campaigns import provenance
from app.campaigns.arrival_chart import bin_arrivals, lay_out
from app.campaigns.models import Campaign
from app.hearings.models import Body, Committee, Hearing, Measure, MeasureKind
from app.platform.extensions import db
from app.testimony.models import Testimony

TOWNS = [f"Town {n}" for n in range(300)] + ["Boston"] * 300


def build(size: int) -> tuple[Hearing, int]:
    body = Body(
        slug=f"b{size}", name="Council", jurisdiction="City of Boston", timezone="America/New_York"
    )
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
    campaign = Campaign(hearing_id=hearing.id)
    db.session.add(campaign)
    db.session.flush()
    rng = random.Random(size)
    spread = 30 * 3600 / size  # every size arrives over the same thirty hours
    rows = []
    for index in range(size):
        withdrawn = index % 50 == 0
        email = f"resident{index}@{'mailinator.com' if index % 7 == 0 else 'example.org'}"
        rows.append(
            {
                "hearing_id": hearing.id,
                "measure_id": measure.id,
                "campaign_id": campaign.id,
                "tracking_number": f"P{len(str(size))}{index:08d}",
                "receipt_token_hash": f"{size:08d}{index:056d}",
                "submission_key": f"k{index}",
                "full_name": f"Resident {index}",
                "email": email,
                "email_key": email,
                "name_key": f"resident {index}",
                "street_address": "1 Example Street",
                "city": rng.choice(TOWNS),
                "zip_code": f"02{rng.randrange(100, 999)}",
                "speaks_for_organization": False,
                "public_record_acknowledged": True,
                "position": "support",
                "body": "Please pass the ordinance.",
                "speaking_request": "none",
                "status": "withdrawn" if withdrawn else "pending",
                "version": 1,
                "received_at": start + timedelta(seconds=index * spread),
                "updated_at": start,
                "withdrawn_at": start if withdrawn else None,
                "email_confirmed_at": start if index % 3 == 0 else None,
                "quarantine_reason": "too_fast" if index % 11 == 0 else None,
            }
        )
        if len(rows) == 5000:
            db.session.execute(insert(Testimony.__table__), rows)
            rows = []
    if rows:
        db.session.execute(insert(Testimony.__table__), rows)
    db.session.commit()
    return hearing, campaign.id


def timed(action, repeat: int = 7) -> float:
    action()  # warm
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
        db.session.rollback()
    return statistics.median(samples)


def statements(action) -> int:
    counted = []
    engine = db.engine

    def count(*_args):
        counted.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(counted)


def peak_memory(action) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(hearing: Hearing, campaign_id: int) -> dict[str, float]:
    card = provenance.campaign_card(campaign_id, hearing)
    print(f"  {card.letters:,} letters: {provenance.summary(card)}")
    return {
        "one campaign's card": timed(lambda: provenance.campaign_card(campaign_id, hearing)),
        "every card of the hearing": timed(lambda: provenance.cards_for_hearing(hearing)),
        "chart: bin and lay out": timed(lambda: lay_out(bin_arrivals(card.arrivals))),
        "statements for one card": statements(
            lambda: provenance.campaign_card(campaign_id, hearing)
        ),
        "peak Python memory (KiB)": peak_memory(
            lambda: provenance.campaign_card(campaign_id, hearing)
        )
        / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--sizes", default="1000,50000")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    sizes = [int(size) for size in args.sizes.split(",")]
    with app.app_context(), app.test_request_context():
        if url.startswith("postgresql"):
            downgrade(revision="base")
        upgrade()
        results = {size: measure(*build(size)) for size in sizes}
    small, large = sizes[0], sizes[-1]
    print(f"database: {url.split(':')[0]}")
    print(f"{'':28} {small:>12,} {large:>12,}   ratio")
    for name in results[small]:
        a, b = results[small][name], results[large][name]
        if name.startswith(("statements", "peak")):
            print(f"{name:28} {a:12.0f} {b:12.0f}   {b / a:5.2f}x")
        else:
            print(f"{name:28} {a * 1000:10.2f}ms {b * 1000:10.2f}ms   {b / a:5.2f}x")
    ratio = results[large]["one campaign's card"] / results[small]["one campaign's card"]
    print(
        f"summary: a card of {large:,} letters costs {ratio:.1f}x one of {small:,} "
        f"({large // small}x the letters), in the same number of statements"
    )


if __name__ == "__main__":
    main()
