"""What a whole page costs, and how many SQL queries it makes, as a hearing grows.

Builds a hearing of 10,000 testimonies and one of 1,000,000 (generated in bulk, as
bench/queue_pages.py does) in a scratch database, signs a moderator in through the real form,
then requests real pages through the app (routing, access checks, queries, templates) and
records the median time of each and the SQL statements it ran. The page cost at the large size
is printed as a ratio of the small one (target: within 1.5x), and the query counts must match
(target: the same count at both sizes).

    .venv/bin/python bench/page_costs.py                      # SQLite in a temp folder
    .venv/bin/python bench/page_costs.py --sizes 10000,100000 # quicker
    .venv/bin/python bench/page_costs.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

The PostgreSQL database is emptied first; never point this at real data. Loading 1,000,000
rows takes a few minutes and about 1 GB of disk; only the page requests are timed.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from datetime import UTC
from urllib.parse import urlencode

from flask_migrate import downgrade, upgrade
from queue_pages import NAME, PHRASE, PHRASE_ROWS, build
from sqlalchemy import event, func, select

from app import create_app
from app.accounts import passwords
from app.accounts.models import Role, StaffUser
from app.hearings.models import Hearing
from app.moderation import queries
from app.platform.extensions import db
from app.testimony.models import Testimony

PASSWORD = "bench password that is long enough"  # noqa: S105 (a scratch account)


def moderator_client(app):
    known = db.session.scalar(select(StaffUser).where(StaffUser.email == "bench@example.gov"))
    if known is None:
        db.session.add(
            StaffUser(
                email="bench@example.gov",
                name="Bench Moderator",
                role=Role.MODERATOR,
                password_hash=passwords.hash_password(PASSWORD),
                active=True,
                session_version=1,
            )
        )
        db.session.commit()
    client = app.test_client()
    page = client.get("/staff/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    signed_in = client.post(
        "/staff/login",
        data={"csrf_token": token, "email": "bench@example.gov", "password": PASSWORD},
    )
    assert signed_in.status_code == 303, signed_in.status_code
    return client


def pages_of(hearing_id: int) -> dict[str, str]:
    """The pages a moderator and the public open most, including ones deep in the list."""
    deep = _cursor_at(hearing_id, 0.9)
    return {
        "queue, pending, first page": f"/staff/hearings/{hearing_id}/queue?status=pending",
        "queue, all, at 90%": f"/staff/hearings/{hearing_id}/queue?status=&after={deep}",
        "queue, oppose, by name": f"/staff/hearings/{hearing_id}/queue?position=oppose&sort=name",
        "public hearing, first page": f"/hearings/{hearing_id}",
        "public hearing, next page": None,  # filled from the first page's "More" link
        # Search: the default order walks the queue and stops at a full page; "best match"
        # must score every match, so it is timed on its own (see docs/benchmarks.md).
        "search, a name": search_path(hearing_id, q=NAME),
        "search, a name being typed": search_path(hearing_id, q=NAME.split()[0] + " Okon"),
        "search, a rare phrase": search_path(hearing_id, q=f'"{PHRASE}"'),
        "search, a common word": search_path(hearing_id, q="surveillance"),
        "search, common word, pending": search_path(hearing_id, q="surveillance", status="pending"),
        "search, a name, best match": search_path(hearing_id, q=NAME, sort="relevance"),
        "search, rare phrase, best match": search_path(
            hearing_id, q=f'"{PHRASE}"', sort="relevance"
        ),
        RANKED_COMMON: search_path(hearing_id, q="surveillance", sort="relevance"),
    }


# Ranking a word nearly every testimony holds reads every match: reported, not in the target.
RANKED_COMMON = "search, common word, best match"


def search_path(hearing_id: int, **args: str) -> str:
    return f"/staff/hearings/{hearing_id}/queue?" + urlencode({"status": "", **args})


def check_indexed(hearing_id: int) -> None:
    """Bulk loading indexed every row for search: the name and the phrase are found."""
    hearing = db.session.get(Hearing, hearing_id)
    by_name = queries.queue_page(hearing, queries.QueueFilter(text=NAME), None)
    by_phrase = queries.queue_page(hearing, queries.QueueFilter(text=f'"{PHRASE}"'), None)
    assert [t.full_name for t in by_name.rows] == [NAME], by_name.rows
    assert len(by_phrase.rows) == PHRASE_ROWS, by_phrase.rows
    db.session.rollback()


def _cursor_at(hearing_id: int, share: float) -> str:
    total = db.session.scalar(
        select(func.count(Testimony.id)).where(Testimony.hearing_id == hearing_id)
    )
    row = db.session.execute(
        select(Testimony.received_at, Testimony.id)
        .where(Testimony.hearing_id == hearing_id)
        .order_by(Testimony.received_at, Testimony.id)
        .offset(int(total * share))
        .limit(1)
    ).one()
    db.session.rollback()
    return queries.encode_cursor(row.received_at.replace(tzinfo=UTC), row.id)


class Counter:
    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._one)

    def _one(self, *_args) -> None:
        self.count += 1


def resolve_pages(client, hearing_id: int) -> dict[str, str]:
    pages = pages_of(hearing_id)
    first = client.get(pages["public hearing, first page"]).text
    more = re.search(r'href="([^"]*after=[^"#]+)', first)
    pages["public hearing, next page"] = more.group(1).replace("&amp;", "&") if more else None
    return {name: path for name, path in pages.items() if path}


def measure(client, hearings: dict[int, int], counter: Counter, repeat: int) -> dict:
    """Each page at every size, the sizes taking turns request by request, so whatever else
    the machine is doing weighs on both alike."""
    pages = {size: resolve_pages(client, hearing_id) for size, hearing_id in hearings.items()}
    samples = {size: {name: [] for name in pages[size]} for size in hearings}
    counts = {size: {name: set() for name in pages[size]} for size in hearings}
    for size in hearings:
        for name, path in pages[size].items():
            response = client.get(path)  # warm
            assert response.status_code == 200, (name, response.status_code)
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
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument(
        "--existing",
        help="time the hearings a run already loaded into this SQLite file (loading 1,000,000 "
        "testimonies takes longer than timing them)",
    )
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{args.existing or tempfile.mkdtemp() + '/bench.db'}"
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
        client = moderator_client(app)
        counter = Counter(db.engine)
        hearings = {}
        for size in sizes if args.existing else ():
            title = f"Hearing of {size}"
            hearings[size] = db.session.scalar(select(Hearing.id).where(Hearing.title == title))
            check_indexed(hearings[size])
        for size in () if args.existing else sizes:
            began = time.perf_counter()
            hearings[size] = build(size).id
            db.session.rollback()
            check_indexed(hearings[size])
            print(f"loaded {size:,} testimonies in {time.perf_counter() - began:.0f} s")
        results = measure(client, hearings, counter, args.repeat)
    small, large = sizes[0], sizes[-1]
    print(f"database: {url.split(':')[0]}")
    print(f"{'page':30} {small:>12,} {large:>12,}   ratio   queries")
    worst, same_queries = 0.0, True
    for name, (cost, counts) in results[small].items():
        large_cost, large_counts = results[large][name]
        ratio = large_cost / cost
        if name != RANKED_COMMON:
            worst = max(worst, ratio)
        same_queries &= counts == large_counts
        print(
            f"{name:30} {cost * 1000:10.1f}ms {large_cost * 1000:10.1f}ms   {ratio:5.2f}x"
            f"   {counts} / {large_counts}"
        )
    print(
        f"summary pages {url.split(':')[0]}: at {large:,} testimonies the costliest page takes "
        f"{worst:.2f}x its time at {small:,} (target <= 1.5x); queries per page "
        f"{'the same' if same_queries else 'DIFFERENT'} at both sizes; "
        f"{RANKED_COMMON!r} apart: {results[large][RANKED_COMMON][0] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
