"""The open-data files' rows: read a batch at a time, in order, nobody missed."""

from __future__ import annotations

from app.api import open_data
from tests.api.helpers import publish
from tests.factories import make_hearing


def test_the_files_go_out_in_batches_and_miss_nobody_at_a_batch_boundary(db, app, monkeypatch):
    monkeypatch.setattr(open_data, "BATCH", 3)
    hearing = make_hearing()
    ids = [publish(hearing).id for _ in range(7)]
    db.session.commit()

    with app.test_request_context():
        batches = list(open_data.published_batches(hearing))

    assert [len(b) for b in batches] == [3, 3, 1]
    assert [item["id"] for batch in batches for item in batch] == ids


def test_a_csv_cell_that_would_start_a_formula_or_hold_a_control_character_is_made_safe(db, app):
    hearing = make_hearing()
    publish(hearing, city="+1 Boston", organization="-Org")
    db.session.commit()

    with app.test_request_context():
        text = "".join(open_data.csv_lines(hearing.id))

    assert ",'+1 Boston," in text
    assert ",'-Org," in text
