"""The proposed order's rules, on plain objects: no database."""

from __future__ import annotations

from dataclasses import dataclass

from app.speaking.models import OrderRule
from app.speaking.ordering import propose
from app.testimony.models import Position

SUP, OPP, NEU = Position.SUPPORT, Position.OPPOSE, Position.NEUTRAL


@dataclass
class Person:
    id: int
    measure_id: int
    position: Position
    is_official: bool = False
    interpreter_key: str = ""


def order(people, **options):
    values = {
        "rule": OrderRule.FIRST_COME,
        "officials_first": False,
        "group_interpreters": False,
        "agenda": [1, 2],
    } | options
    return [p.id for p in propose(people, **values)]


def test_first_come_keeps_sign_up_order():
    people = [Person(i, 1, SUP) for i in (1, 2, 3)]
    assert order(people) == [1, 2, 3]


def test_alternate_takes_sides_in_turn_measure_by_measure():
    people = [
        Person(1, 2, SUP),
        Person(2, 1, SUP),
        Person(3, 1, SUP),
        Person(4, 1, OPP),
        Person(5, 1, NEU),
        Person(6, 2, OPP),
        Person(7, 1, SUP),
    ]
    # Measure 1 first (agenda order): S, O, N, S, S; then measure 2: S, O.
    assert order(people, rule=OrderRule.ALTERNATE) == [2, 4, 5, 3, 7, 1, 6]


def test_alternate_skips_a_side_that_ran_out():
    people = [Person(1, 1, OPP), Person(2, 1, OPP), Person(3, 1, SUP)]
    assert order(people, rule=OrderRule.ALTERNATE) == [3, 1, 2]


def test_officials_first_keeps_everyone_elses_order():
    people = [Person(1, 1, SUP), Person(2, 1, OPP, is_official=True), Person(3, 1, NEU)]
    assert order(people, officials_first=True) == [2, 1, 3]


def test_interpreter_groups_gather_at_the_first_member():
    people = [
        Person(1, 1, SUP, interpreter_key="id:es"),
        Person(2, 1, SUP),
        Person(3, 1, OPP, interpreter_key="id:ht"),
        Person(4, 1, SUP, interpreter_key="id:es"),
        Person(5, 1, NEU, interpreter_key="id:ht"),
    ]
    assert order(people, group_interpreters=True) == [1, 4, 2, 3, 5]


def test_rules_combine_alternate_then_interpreters_then_officials():
    people = [
        Person(1, 1, SUP, interpreter_key="id:es"),
        Person(2, 1, OPP),
        Person(3, 1, SUP),
        Person(4, 1, OPP, interpreter_key="id:es"),
        Person(5, 1, NEU, is_official=True),
    ]
    result = order(people, rule=OrderRule.ALTERNATE, group_interpreters=True, officials_first=True)
    # Alternate: 1 2 5 3 4; interpreters grouped: 1 4 2 5 3; official first: 5 1 4 2 3.
    assert result == [5, 1, 4, 2, 3]


def test_a_measure_not_on_the_agenda_comes_last():
    people = [Person(1, 9, SUP), Person(2, 2, SUP), Person(3, 1, SUP)]
    assert order(people, rule=OrderRule.ALTERNATE) == [3, 2, 1]
