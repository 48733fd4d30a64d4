"""Load a federal docket's real public comments into a hearing through the submission service,
so the moderator's queue and campaign pages can be seen on real form-letter traffic.

Each comment is submitted the way the testimony form submits it (the same service: tracking
number, receipt mail in the outbox, audit row and campaign placement on arrival), under an
invented resident name. Then the hearing is regrouped as `flask regroup-campaigns` would.

    .venv/bin/python -m bench.load_docket \
        ../shared/data/regulations-comments/USDA-2020-0009-0001.csv --hearing 2

Use a demo or scratch database (DATABASE_URL), never real data: the comments are test material.
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from app import create_app
from app.campaigns.regrouping import regroup
from app.hearings.models import Hearing
from app.platform import audit
from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.testimony.models import Position, SpeakingRequest, Testimony
from app.testimony.services import submit_testimony
from app.testimony.submissions import Submission

FIRST = ["Ana", "Ben", "Carla", "Dev", "Erin", "Femi", "Gus", "Hana", "Ivan", "June", "Kofi"]
LAST = ["Reyes", "Novak", "Osei", "Park", "Quinn", "Shah", "Tran", "Ueda", "Vance", "Wolfe"]
TOWNS = [("Dorchester", "02124"), ("Roxbury", "02119"), ("Quincy", "02169"), ("Lowell", "01852")]


def campaigns_on(hearing_id: int) -> tuple[int, int]:
    row = db.session.execute(
        select(
            func.count(func.distinct(Testimony.campaign_id)), func.count(Testimony.campaign_id)
        ).where(Testimony.hearing_id == hearing_id)
    ).one()
    return int(row[0]), int(row[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument("--hearing", type=int, required=True, help="a hearing open for testimony")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    csv.field_size_limit(10**9)
    with args.csv.open(newline="", encoding="utf-8") as source:
        rows = [row for row in csv.DictReader(source) if row["text"].strip()]
    if args.limit:
        rows = rows[: args.limit]
    app = create_app()
    with app.app_context():
        hearing = db.get_or_404(Hearing, args.hearing)
        measure_id = hearing.measures[0].id
        started = time.perf_counter()
        for number, row in enumerate(rows):
            town, zip_code = TOWNS[number % len(TOWNS)]
            first, last = FIRST[number % len(FIRST)], LAST[(number // len(FIRST)) % len(LAST)]
            initial = chr(ord("A") + (number // (len(FIRST) * len(LAST))) % 26)
            name = f"{first} {initial}. {last}"  # no two alike, so none looks repeated
            submission = Submission(
                submission_key=f"docket-{row['name']}",
                full_name=name,
                email=f"resident.{number}@example.org",
                street_address=f"{number + 1} Example Street",
                city=town,
                zip_code=zip_code,
                organization=None,
                speaks_for_organization=False,
                measure_id=measure_id,
                position=Position.OPPOSE,
                body=row["text"].strip(),
                speaking_request=SpeakingRequest.NONE,
                interpreter_language=None,
                accessibility_need=None,
                public_record_acknowledged=True,
            )
            submit_testimony(hearing, submission, now=utcnow())
            db.session.commit()  # one commit per submission, as a request makes
        took = time.perf_counter() - started
        on_arrival = campaigns_on(hearing.id)
        started = time.perf_counter()
        result = regroup(hearing, audit.SYSTEM, now=utcnow())
        db.session.commit()
        regroup_took = time.perf_counter() - started
        sizes = Counter(
            db.session.scalars(
                select(Testimony.campaign_id).where(
                    Testimony.hearing_id == hearing.id, Testimony.campaign_id.is_not(None)
                )
            )
        )
        print(
            f"{args.csv.name}: {len(rows)} comments submitted in {took:.1f} s "
            f"({1000 * took / max(len(rows), 1):.1f} ms each, commit included); "
            f"on arrival {on_arrival[1]} in {on_arrival[0]} campaigns; after regrouping "
            f"({regroup_took:.1f} s) {result.grouped} in {result.campaigns} campaigns; "
            f"largest: {[n for _c, n in sizes.most_common(5)]}"
        )


if __name__ == "__main__":
    main()
