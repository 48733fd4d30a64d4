"""A sign-in costs the same on its hundredth request in a process as on its first few: the
count of Python function calls one sign-in makes (its POST and its receipt page), as for
testimony (tests/testimony/test_submission_costs.py, whose counter this uses)."""

from __future__ import annotations

import statistics

from tests.factories import make_hearing, sign_in_fields
from tests.testimony.test_submission_costs import BETWEEN, SAMPLES, TOLERANCE, WARM_UP, calls_made


def test_a_sign_in_costs_the_same_after_hundreds_more(app, db, client):
    app.config["SUBMIT_LIMIT_PER_ADDRESS"] = "1000000 per minute"
    app.config["SUBMIT_LIMIT_PER_EMAIL"] = "1000000 per minute"
    hearing = make_hearing(measures=3)
    db.session.commit()
    url = f"/hearings/{hearing.id}/positions/new"
    measures = [measure.id for measure in hearing.measures]
    sent = 0

    def sign_in_once(count: bool = False) -> int:
        nonlocal sent
        sent += 1
        page = client.get(url).text
        fields = sign_in_fields(
            hearing,
            page,
            full_name=f"Resident {sent}",
            email=f"resident{sent}@example.org",
            **{f"measures-{measures[sent % 3]}": "support"},
        )

        def post_and_read_receipt() -> None:
            posted = client.post(url, data=fields)
            assert posted.status_code == 303
            assert client.get(posted.headers["Location"]).status_code == 200

        if not count:
            post_and_read_receipt()
            return 0
        return calls_made(post_and_read_receipt)

    def median_cost() -> float:
        return statistics.median(sign_in_once(count=True) for _ in range(SAMPLES))

    for _ in range(WARM_UP):
        sign_in_once()
    early = median_cost()
    for _ in range(BETWEEN):
        sign_in_once()
    later = median_cost()

    assert later <= early * (1 + TOLERANCE), (
        f"one sign-in made {early:.0f} calls after {WARM_UP} requests and {later:.0f} after "
        f"{WARM_UP + SAMPLES + BETWEEN}: something grows with every request"
    )
