"""How reading the audit log grows with its size: pages and CSV at 10,000 and 100,000 rows.

Builds a log of N rows (default 10,000 and 100,000) of several kinds (residents' submissions,
moderators' decisions, sign-ins, a clerk's hearing changes) about N/10 real testimonies in a
scratch database, then times, in one run: the first page, a page 90% of the way back (by
keyset), a staff member's page, a tracking number's page, the CSV of one day (the same number
of rows at every size) and the CSV of the whole log per 1,000 rows. It also counts the
statements each page sends, which must not grow with the log. Prints each cost at the larger
size as a ratio of the smaller, so the numbers mean the same on any machine.

    .venv/bin/python bench/audit_log.py                    # SQLite in a temp folder
    .venv/bin/python bench/audit_log.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

The PostgreSQL database is emptied first; never point this at real data.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import UTC, datetime, timedelta

from flask_migrate import downgrade, upgrade
from queue_pages import build, timed
from sqlalchemy import delete, event, insert, select, text

from app import create_app
from app.accounts.models import Role, StaffUser
from app.platform import audit_log as log
from app.platform.audit import AuditEvent
from app.platform.extensions import db
from app.testimony.models import Testimony

START = datetime(2026, 1, 1, tzinfo=UTC)


def fill(size: int) -> tuple[list[StaffUser], list[tuple[int, str]]]:
    """`size` audit rows, one every 30 seconds from START, about size/10 testimonies (the
    log of the size before is emptied first)."""
    db.session.execute(delete(AuditEvent))
    hearing = build(size // 10)
    staff = [
        StaffUser(
            email=f"s{size}-{n}@example.gov",
            name=f"Staff {n}",
            role=Role.MODERATOR,
            password_hash="not-a-hash: nobody signs in here",  # noqa: S106
            active=True,
            session_version=1,
        )
        for n in range(5)
    ]
    db.session.add_all(staff)
    db.session.flush()
    testimonies = db.session.execute(
        select(Testimony.id, Testimony.tracking_number).where(Testimony.hearing_id == hearing.id)
    ).all()
    rows = []
    for index in range(size):
        testimony_id = testimonies[index % len(testimonies)][0]
        who = staff[index % len(staff)]
        kind = index % 4
        subject = {
            0: ("resident", "testimony.submitted", "testimonies", testimony_id, {}),
            1: (who.audit_name, "testimony.decided", "testimonies", testimony_id,
                {"from_status": "pending", "to_status": "approved"}),
            2: (who.audit_name, "login.succeeded", "staff_users", who.id, {"second_factor": True}),
            3: (who.audit_name, "hearing.updated", "hearings", hearing.id, {"told": 0}),
        }[kind]  # fmt: skip
        actor, action, table, subject_id, data = subject
        rows.append(
            {
                "occurred_at": START + timedelta(seconds=30 * index),
                "actor": actor,
                "action": action,
                "subject_type": table,
                "subject_id": subject_id,
                "data": data,
                "dedup_key": None,
            }
        )
        if len(rows) == 5000:
            db.session.execute(insert(AuditEvent.__table__), rows)
            rows = []
    if rows:
        db.session.execute(insert(AuditEvent.__table__), rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return staff, testimonies


def statements_of(action) -> int:
    sent = []

    def note(*_args):
        sent.append(1)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    db.session.rollback()
    return len(sent)


def measure(size: int) -> tuple[dict[str, float], dict[str, int]]:
    staff, testimonies = fill(size)
    everyone = log.Filters()
    deep_id = db.session.scalar(
        select(AuditEvent.id).order_by(AuditEvent.id).offset(size // 10).limit(1)
    )
    by_staff = log.Filters(actor=staff[0].audit_name)
    by_number = log.Filters(subject=testimonies[len(testimonies) // 2][1])
    one_day = log.Filters(
        start=START.date() + timedelta(days=2), end=START.date() + timedelta(days=2)
    )

    def csv(filters):
        return lambda: sum(len(chunk) for chunk in log.csv_lines(filters))

    times = {
        "page 1": timed(lambda: log.read_page(everyone)),
        "page at 90% back": timed(lambda: log.read_page(everyone, before=deep_id)),
        "a staff member's page 1": timed(lambda: log.read_page(by_staff)),
        "a tracking number's rows": timed(lambda: log.read_page(by_number)),
        "CSV of one day": timed(csv(one_day), repeat=5),
        "CSV of all, per 1,000 rows": timed(csv(everyone), repeat=3) / (size / 1000),
    }
    counts = {
        "page 1": statements_of(lambda: log.read_page(everyone)),
        "page at 90% back": statements_of(lambda: log.read_page(everyone, before=deep_id)),
    }
    return times, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    sizes = [int(size) for size in args.sizes.split(",")]
    with app.app_context(), app.test_request_context():
        if url.startswith("postgresql"):
            downgrade(revision="base")
        upgrade()
        results = {size: measure(size) for size in sizes}
    small, large = sizes[0], sizes[-1]
    print(f"database: {url.split(':')[0]}")
    print(f"{'reading':28} {small:>10,} {large:>10,}   ratio")
    for name in results[small][0]:
        a, b = results[small][0][name], results[large][0][name]
        print(f"{name:28} {a * 1000:8.2f}ms {b * 1000:8.2f}ms   {b / a:5.2f}x")
    for name in results[small][1]:
        a, b = results[small][1][name], results[large][1][name]
        print(f"statements, {name:16} {a:>10} {b:>10}")
    worst = max(results[large][0][n] / results[small][0][n] for n in results[small][0])
    print(
        f"summary: at {large:,} rows the costliest reading costs {worst:.2f}x what it costs at "
        f"{small:,} (the log is {large // small}x as long)"
    )


if __name__ == "__main__":
    main()
