"""What the public hearing page and a campaign's public page cost as a campaign grows.

Builds two hearings in a scratch database, each with 300 letters sent on their own, five small
campaigns of 20 letters, and one big campaign: 1,000 letters in one, 50,000 in the other (most
published, some waiting, withdrawn or disputed, one in ten with words of its own), arriving
mixed in time with the rest. Then requests the real pages through the app (routing, queries,
templates) and prints the median time of each at both sizes, the ratio, and the SQL
statements each ran (the target: the same count at both sizes; the names are never all read,
the count is taken in SQL). The count is one pass over the campaign's rows in the database,
so its cost still grows with the campaign, far slower than the campaign does.

    .venv/bin/python bench/public_campaign_pages.py             # SQLite in a temp folder
    .venv/bin/python bench/public_campaign_pages.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

The PostgreSQL database is emptied first; never point this at real data.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from html import unescape

from _bulk import count_into_tallies
from flask_migrate import downgrade, upgrade
from sqlalchemy import event, insert, select, text, update

from app import create_app
from app.campaigns.models import Campaign
from app.hearings.models import Body, Committee, Hearing, Measure, MeasureKind
from app.platform.extensions import db
from app.testimony.models import Testimony

LETTER = (
    "As a resident I urge you to pass a moratorium on government use of face surveillance. "
    "This technology is dangerously inaccurate and threatens our right to speak freely."
)
SINGLES = 300
SMALL_CAMPAIGNS = 5
SMALL_SIZE = 20


def build(size: int) -> tuple[int, int]:
    """A hearing with a campaign of `size` letters; returns (hearing id, campaign id)."""
    body = Body(slug=f"p{size}", name="Council", jurisdiction="City", timezone="America/New_York")
    committee = Committee(body=body, slug="c", name="Committee")
    measure = Measure(committee=committee, kind=MeasureKind.ORDINANCE, number="1", title="T")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    hearing = Hearing(
        committee=committee,
        title=f"Public hearing of {size}",
        starts_at=start + timedelta(days=60),
        testimony_opens_at=start,
        testimony_closes_at=start + timedelta(days=59),
        measures=[measure],
    )
    db.session.add(hearing)
    db.session.flush()
    campaigns = [Campaign(hearing_id=hearing.id) for _ in range(SMALL_CAMPAIGNS + 1)]
    db.session.add_all(campaigns)
    db.session.flush()
    big = campaigns[-1]
    rng = random.Random(size)
    letters = [(None, f"My own view, number {n}.", "own") for n in range(SINGLES)]
    for campaign in campaigns[:-1]:
        letters += [(campaign.id, f"{LETTER} Campaign {campaign.id}.", "small")] * SMALL_SIZE
    rng.shuffle(letters)
    # The big campaign's letters spread evenly among the others, so each page of the list
    # shows the same kinds of item at both sizes.
    placed = [((n + 0.5) / len(letters), letter) for n, letter in enumerate(letters)]
    placed += [(n / size, (big.id, LETTER, "big")) for n in range(size)]
    letters = [letter for _place, letter in sorted(placed, key=lambda pair: pair[0])]
    statuses = ["approved"] * 16 + ["pending", "withdrawn", "rejected"]
    rows = []
    for index, (campaign_id, body_text, kind) in enumerate(letters):
        status = "approved" if kind != "big" else rng.choice(statuses)
        own_words = kind == "big" and index % 10 == 0
        rows.append(
            {
                "hearing_id": hearing.id,
                "measure_id": measure.id,
                "tracking_number": f"P{len(str(size))}{index:08d}",
                "receipt_token_hash": f"p{size:07d}{index:056d}",
                "submission_key": f"k{index}",
                "full_name": f"Resident {rng.randrange(10**6)}",
                "email": f"resident{index}@example.org",
                "email_key": f"resident{index}@example.org",
                "street_address": "1 Example Street",
                "city": "Boston",
                "zip_code": "02108",
                "speaks_for_organization": False,
                "public_record_acknowledged": True,
                # A campaign's letters share its position; the others vary.
                "position": "support" if kind == "own" and rng.random() < 0.3 else "oppose",
                "body": body_text + (" I was stopped by a camera myself." if own_words else ""),
                "speaking_request": "none",
                "status": status,
                "rejection_reason": "spam" if status == "rejected" else None,
                "version": 1,
                "received_at": start + timedelta(seconds=index * 3),
                "updated_at": start,
                "withdrawn_at": start if status == "withdrawn" else None,
                "disputed_at": start if index % 97 == 5 else None,
                "campaign_id": campaign_id,
                "wording_key": f"w{campaign_id}{'own' + str(index) if own_words else ''}"[:32],
            }
        )
        rows[-1]["name_key"] = rows[-1]["full_name"].lower()
        if len(rows) == 5000:
            db.session.execute(insert(Testimony.__table__), rows)
            rows = []
    if rows:
        db.session.execute(insert(Testimony.__table__), rows)
    db.session.execute(
        text(
            "INSERT INTO testimony_measures (testimony_id, measure_id, position) "
            "SELECT id, measure_id, position FROM testimonies WHERE hearing_id = :h"
        ),
        {"h": hearing.id},
    )
    for campaign in campaigns:
        first = db.session.scalar(
            select(Testimony.id)
            .where(Testimony.campaign_id == campaign.id, Testimony.status == "approved")
            .order_by(Testimony.id)
            .limit(1)
        )
        db.session.execute(
            update(Campaign).where(Campaign.id == campaign.id).values(representative_id=first)
        )
    count_into_tallies(hearing.id)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return hearing.id, big.id


class Counter:
    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._one)

    def _one(self, *_args) -> None:
        self.count += 1


def pages_of(client, hearing_id: int, campaign_id: int) -> dict[str, str]:
    first = f"/hearings/{hearing_id}"
    campaign = f"/hearings/{hearing_id}/campaigns/{campaign_id}"
    pages = {"hearing, first page": first, "hearing, oppose only": f"{first}?position=oppose"}
    more = re.search(r'href="([^"]*after=[^"#]+)', client.get(first).text)
    pages["hearing, next page"] = unescape(more.group(1))
    pages["campaign page, first names"] = campaign
    deep = db.session.scalar(
        select(Testimony.id)
        .where(Testimony.campaign_id == campaign_id)
        .order_by(Testimony.id.desc())
        .limit(1)
        .offset(200)
    )
    db.session.rollback()
    pages["campaign page, last names"] = f"{campaign}?after={deep}"
    return pages


def measure(client, hearings: dict[int, tuple[int, int]], counter: Counter, repeat: int):
    pages = {size: pages_of(client, *ids) for size, ids in hearings.items()}
    samples = {size: {name: [] for name in pages[size]} for size in hearings}
    counts = {size: {name: set() for name in pages[size]} for size in hearings}
    for size in hearings:
        for name, path in pages[size].items():
            page = client.get(path)  # warm
            assert page.status_code == 200, (name, page.status_code)
            if name == "campaign page, first names":
                shown = re.search(r"<h1>A letter sent by ([\d,]+) people", page.text)
                print(f"a campaign of {size:,} letters: shown as sent by {shown.group(1)} people")
    for _ in range(repeat):
        for name in pages[next(iter(hearings))]:
            for size in hearings:
                counter.count = 0
                began = time.perf_counter()
                client.get(pages[size][name])
                samples[size][name].append(time.perf_counter() - began)
                counts[size][name].add(counter.count)
    return {
        size: {
            name: (statistics.median(samples[size][name]), sorted(counts[size][name]))
            for name in pages[size]
        }
        for size in hearings
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--sizes", default="1000,50000")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "SESSION_COOKIE_SECURE": False,
            "MAIL_SERVER": "",
        }
    )
    sizes = [int(size) for size in args.sizes.split(",")]
    with app.app_context():
        if url.startswith("postgresql"):
            downgrade(revision="base")
        upgrade()
        hearings = {}
        for size in sizes:
            began = time.perf_counter()
            hearings[size] = build(size)
            print(f"loaded a campaign of {size:,} in {time.perf_counter() - began:.0f} s")
        counter = Counter(db.engine)
        results = measure(app.test_client(), hearings, counter, args.repeat)
    small, large = sizes[0], sizes[-1]
    print(f"database: {url.split(':')[0]}")
    print(f"{'page':30} {small:>10,} {large:>10,}   ratio   queries")
    worst, same = 0.0, True
    for name, (cost, counts) in results[small].items():
        large_cost, large_counts = results[large][name]
        worst = max(worst, large_cost / cost)
        same &= counts == large_counts
        print(
            f"{name:30} {cost * 1000:8.1f}ms {large_cost * 1000:8.1f}ms   "
            f"{large_cost / cost:5.2f}x   {counts} / {large_counts}"
        )
    print(
        f"summary public campaign pages {url.split(':')[0]}: a campaign of {large:,} costs at "
        f"most {worst:.2f}x one of {small:,}; queries per page "
        f"{'the same' if same else 'DIFFERENT'} at both sizes"
    )


if __name__ == "__main__":
    main()
