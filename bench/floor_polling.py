"""What the public display's polling costs the server, and whether it grows with requests.

The now-speaking page and the speaker console ask for the floor every second
(`/hearings/<id>/now-speaking.json` with If-None-Match). This sends that request through one
app in one process, alternating windows of conditional requests (answered 304) and plain
ones (200), and prints the CPU milliseconds of each kind per window and the memory Python
holds, so a cost or state that grows per request shows. Nothing is asserted.

    .venv/bin/python bench/floor_polling.py --windows 12 --per-window 500
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app
from app.platform.extensions import db
from app.testimony.models import SpeakingRequest


def build(database_url: str):
    from app.accounts.models import Role
    from app.platform.timezones import utcnow
    from app.speaking import floor, services
    from tests.factories import make_hearing, make_staff_user, make_testimony

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False}
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        hearing = make_hearing()
        for number in range(20):
            make_testimony(
                hearing,
                full_name=f"Speaker {number}",
                email=f"speaker{number}@example.org",
                speaking_request=SpeakingRequest.IN_PERSON,
            )
        clerk = make_staff_user(Role.CLERK)
        services.refresh(clerk, hearing, now=utcnow())
        floor.call_next(
            clerk, hearing, seen_version=services.run_sheet(hearing).version, now=utcnow()
        )
        db.session.commit()
        return app, hearing.id


def window(client, url: str, count: int, headers: dict) -> tuple[float, int]:
    started = time.thread_time()
    for _ in range(count):
        status = client.get(url, headers=headers).status_code
    return (time.thread_time() - started) / count * 1000, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=12)
    parser.add_argument("--per-window", type=int, default=500)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app, hearing_id = build(args.database_url or f"sqlite:///{folder}/floor.db")
        client = app.test_client()
        url = f"/hearings/{hearing_id}/now-speaking.json"
        etag = client.get(url).headers["ETag"]
        tracemalloc.start()
        print("requests  304 ms/request  200 ms/request  Python memory MB")
        for number in range(1, args.windows + 1):
            conditional, first = window(client, url, args.per_window, {"If-None-Match": etag})
            plain, second = window(client, url, args.per_window, {})
            assert (first, second) == (304, 200)
            served = number * 2 * args.per_window
            held = tracemalloc.get_traced_memory()[0] / 1e6
            print(f"{served:8d}  {conditional:14.2f}  {plain:14.2f}  {held:16.2f}")


if __name__ == "__main__":
    main()
