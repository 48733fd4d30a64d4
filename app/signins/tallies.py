"""Running counts of sign-ins by measure, position and tally state, moved in the same
transaction as each change. Every change here is made by a service in this package with a
plain statement, so each one calls `move` itself (no flush listener is needed)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.platform.extensions import db
from app.signins.models import TALLY_SHARDS, SignInStatus, SignInTally
from app.testimony.models import Position

PUBLISHED = SignInStatus.PUBLISHED.value
POSITIONS = tuple(position.value for position in Position)

_TABLE = SignInTally.__table__


def _statement(dialect: str):
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(_TABLE)
        .values(
            hearing_id=bindparam("hearing_id"),
            measure_id=bindparam("measure_id"),
            position=bindparam("position"),
            state=bindparam("state"),
            shard=bindparam("shard"),
            count=bindparam("number"),
        )
        .on_conflict_do_update(
            index_elements=["hearing_id", "measure_id", "position", "state", "shard"],
            set_={"count": _TABLE.c.count + bindparam("number")},
        )
    )


# Built once per database: every sign-in runs it.
_UPSERTS = {name: _statement(name) for name in ("postgresql", "sqlite")}


Keys = list[tuple[int, str, str]]  # (measure id, position, state) of each position


def move(hearing_id: int, sign_in_id: int, old: Keys, new: Keys) -> None:
    """Count a sign-in out of its old (measure, position, state) keys and into its new ones.
    Its shard is fixed by its id, so what one change adds the next one takes from the same
    row."""
    move_many(hearing_id, [(sign_in_id, old, new)])


def move_many(hearing_id: int, moves: list[tuple[int, Keys, Keys]]) -> None:
    """Several sign-ins' moves (sign-in id, old keys, new keys) added up: one statement
    however many (a moderator's decision on thousands)."""
    change: dict[tuple[int, str, str, int], int] = defaultdict(int)
    for sign_in_id, old, new in moves:
        shard = sign_in_id % TALLY_SHARDS
        for measure_id, position, state in old:
            change[(measure_id, position, state, shard)] -= 1
        for measure_id, position, state in new:
            change[(measure_id, position, state, shard)] += 1
    rows = [
        {
            "hearing_id": hearing_id,
            "measure_id": measure_id,
            "position": position,
            "state": state,
            "shard": shard,
            "number": number,
        }
        # In key order, so two transactions lock shared rows in the same order.
        for (measure_id, position, state, shard), number in sorted(change.items())
        if number
    ]
    if rows:
        db.session.execute(_UPSERTS[db.session.get_bind().dialect.name], rows)


def counts(hearing_ids: list[int]) -> dict[int, dict[tuple[int, str, str], int]]:
    """For each hearing: (measure id, position, state) → how many sign-ins."""
    total = func.sum(SignInTally.count)
    rows = db.session.execute(
        select(
            SignInTally.hearing_id,
            SignInTally.measure_id,
            SignInTally.position,
            SignInTally.state,
            total,
        )
        .where(SignInTally.hearing_id.in_(hearing_ids))
        .group_by(
            SignInTally.hearing_id,
            SignInTally.measure_id,
            SignInTally.position,
            SignInTally.state,
        )
        .having(total != 0)
    ).all()
    result: dict[int, dict[tuple[int, str, str], int]] = {
        hearing_id: {} for hearing_id in hearing_ids
    }
    for hearing_id, measure_id, position, state, count in rows:
        result[hearing_id][(measure_id, position, state)] = int(count)
    return result


def on_record_by_measure(hearing_id: int) -> dict[int, dict[str, int]]:
    """Each measure's sign-ins on record (published, not disputed), by position: what the
    public page, the dashboard and the packet cover show. Measures without any are left out."""
    result: dict[int, dict[str, int]] = {}
    for (measure_id, position, state), count in counts([hearing_id])[hearing_id].items():
        if state == PUBLISHED and count > 0:
            by_position = result.setdefault(measure_id, dict.fromkeys(POSITIONS, 0))
            by_position[position] += count
    return result
