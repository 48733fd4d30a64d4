"""Each key's hourly allowance of items: counted as items arrive, a request that would go over
it refused whole (429, Retry-After) and counting nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.testimony.models import Testimony
from tests.api.submitting import key_for, post, post_batch, written_item
from tests.factories import make_hearing


@pytest.fixture
def hearing(db):
    return make_hearing()


def _items(hearing, count: int) -> list[dict]:
    return [written_item(hearing, email=None) for _ in range(count)]


def test_a_key_sends_its_hourly_allowance_and_no_more(client, db, hearing):
    key = key_for(hearing, items_per_hour=5)
    assert post_batch(client, hearing, _items(hearing, 3), key=key).get_json()["stored"] == 3
    answer = post_batch(client, hearing, _items(hearing, 3), key=key)
    assert answer.status_code == 429
    assert answer.mimetype == "application/problem+json"
    assert int(answer.headers["Retry-After"]) > 0
    assert "has 2 left: this request has 3" in answer.get_json()["detail"]
    # Refused whole, it counted nothing: the two left are still there.
    assert post_batch(client, hearing, _items(hearing, 2), key=key).get_json()["stored"] == 2
    single = post(
        client, f"/api/v1/hearings/{hearing.id}/testimony", written_item(hearing), key=key
    )
    assert single.status_code == 429
    assert db.session.scalar(select(func.count(Testimony.id))) == 5


def test_refused_items_count_too_and_replays_do_not(client, db, hearing):
    key = key_for(hearing, items_per_hour=4)
    refused = [written_item(hearing, zip_code="bad")] * 2
    post_batch(client, hearing, [*refused, written_item(hearing)], key=key, idempotency_key="k")
    # The same batch again is a replay: nothing counted.
    again = post_batch(
        client, hearing, [*refused, written_item(hearing)], key=key, idempotency_key="k"
    )
    assert again.status_code == 200
    assert post_batch(client, hearing, _items(hearing, 2), key=key).status_code == 429
    assert post_batch(client, hearing, _items(hearing, 1), key=key).status_code == 200


def test_a_batch_larger_than_the_allowance_is_told_to_split(client, db, hearing):
    key = key_for(hearing, items_per_hour=10)
    answer = post_batch(client, hearing, _items(hearing, 11), key=key)
    assert answer.status_code == 429
    assert "send them in smaller batches" in answer.get_json()["detail"]


def test_each_key_has_its_own_allowance(client, db, hearing):
    first, second = key_for(hearing, items_per_hour=1), key_for(hearing, items_per_hour=1)
    assert post_batch(client, hearing, _items(hearing, 1), key=first).status_code == 200
    assert post_batch(client, hearing, _items(hearing, 1), key=second).status_code == 200
    assert post_batch(client, hearing, _items(hearing, 1), key=first).status_code == 429


def test_batches_sent_at_once_with_one_key_never_go_over_together(app, db):
    """Eight requests of three items at once against an allowance of ten: three are taken,
    five refused; the counting takes a request's items only if they all fit, in one step."""
    import threading
    from types import SimpleNamespace

    from app.api.key_limits import count_items
    from app.api.problems import Problem
    from tests.factories import make_api_key

    issued = make_api_key(items_per_hour=10).key
    # What the counting reads of a key, as plain values the threads can share.
    key = SimpleNamespace(id=issued.id, items_per_hour=issued.items_per_hour)
    db.session.commit()
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def send():
        with app.app_context():
            start.wait()
            try:
                count_items(key, 3)
            except Problem as refused:
                outcomes.append(str(refused.status))
            else:
                outcomes.append("taken")

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert sorted(outcomes) == ["429"] * 5 + ["taken"] * 3
