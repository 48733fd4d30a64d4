"""The running counts of sign-ins, spread over shard rows."""

from __future__ import annotations

from sqlalchemy import func, select

from app.signins import tallies
from app.signins.models import TALLY_SHARDS, SignInTally
from tests.factories import make_hearing


def test_counts_add_up_over_shards_and_hide_zeros(db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    for sign_in_id in range(1, 3 * TALLY_SHARDS + 1):
        tallies.move(hearing.id, sign_in_id, [], [(first.id, "support", "published")])
    tallies.move(hearing.id, 5, [], [(second.id, "oppose", "published")])
    tallies.move(
        hearing.id, 5, [(second.id, "oppose", "published")], [(second.id, "oppose", "withdrawn")]
    )
    assert tallies.counts([hearing.id]) == {
        hearing.id: {
            (first.id, "support", "published"): 3 * TALLY_SHARDS,
            (second.id, "oppose", "withdrawn"): 1,
        }
    }
    rows = db.session.scalar(
        select(func.count()).select_from(SignInTally).where(SignInTally.measure_id == first.id)
    )
    assert rows == TALLY_SHARDS


def test_a_move_between_equal_keys_writes_nothing(db):
    hearing = make_hearing()
    key = (hearing.measures[0].id, "neutral", "published")
    tallies.move(hearing.id, 1, [key], [key])
    assert db.session.scalar(select(func.count()).select_from(SignInTally)) == 0
    assert tallies.counts([hearing.id, 12345]) == {hearing.id: {}, 12345: {}}
