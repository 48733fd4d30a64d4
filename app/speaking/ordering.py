"""The rules a clerk picks for a proposed speaking order: pure functions of the speakers."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Protocol, TypeVar

from app.speaking.models import OrderRule
from app.testimony.models import Position

# Alternation starts with support, then oppose, then neutral, and goes round.
TURNS = (Position.SUPPORT, Position.OPPOSE, Position.NEUTRAL)


class Orderable(Protocol):
    id: int
    measure_id: int
    position: Position
    is_official: bool

    @property
    def interpreter_key(self) -> str: ...


S = TypeVar("S", bound=Orderable)


def propose(
    by_sign_up: Sequence[S],
    *,
    rule: OrderRule,
    officials_first: bool,
    group_interpreters: bool,
    agenda: Sequence[int],
) -> list[S]:
    """Order speakers given in sign-up order.

    - first come: as given;
    - alternate: measure by measure in agenda order, support, oppose and neutral in turn, each
      side in sign-up order; a side that runs out is skipped;
    - speakers needing the same interpreter are then brought together at the place of the
      first of them, so one interpreter serves them in one block;
    - officials, if first, are moved ahead of everyone, keeping their order.
    """
    ordered = list(by_sign_up)
    if rule is OrderRule.ALTERNATE:
        ordered = _alternate(ordered, agenda)
    if group_interpreters:
        ordered = _group_interpreters(ordered)
    if officials_first:
        ordered = [s for s in ordered if s.is_official] + [s for s in ordered if not s.is_official]
    return ordered


def _alternate(speakers: list[S], agenda: Sequence[int]) -> list[S]:
    rank = {measure_id: index for index, measure_id in enumerate(agenda)}
    measures = sorted({s.measure_id for s in speakers}, key=lambda m: (rank.get(m, len(rank)), m))
    result: list[S] = []
    for measure_id in measures:
        sides = {
            position: deque(
                s for s in speakers if s.measure_id == measure_id and s.position is position
            )
            for position in TURNS
        }
        while any(sides.values()):
            for position in TURNS:
                if sides[position]:
                    result.append(sides[position].popleft())
    return result


def _group_interpreters(speakers: list[S]) -> list[S]:
    groups: dict[str, list[S]] = {}
    for speaker in speakers:
        if speaker.interpreter_key:
            groups.setdefault(speaker.interpreter_key, []).append(speaker)
    result: list[S] = []
    placed: set[str] = set()
    for speaker in speakers:
        key = speaker.interpreter_key
        if not key:
            result.append(speaker)
        elif key not in placed:
            placed.add(key)
            result.extend(groups[key])
    return result
