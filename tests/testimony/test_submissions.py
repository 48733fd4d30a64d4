"""What a submission or amendment addresses: the measures listed, or its one measure."""

from __future__ import annotations

from dataclasses import replace

from app.testimony.models import Position, SpeakingRequest
from app.testimony.submissions import Amendment, stances_of


def test_one_measure_is_its_measure_and_position():
    assert stances_of(3, Position.OPPOSE, ()) == ((3, Position.OPPOSE),)


def test_listed_measures_are_what_it_addresses():
    listed = ((4, Position.SUPPORT), (3, Position.NEUTRAL))

    assert stances_of(3, Position.OPPOSE, listed) == listed


def test_an_amendment_addresses_its_listed_measures():
    amendment = Amendment(
        measure_id=1,
        position=Position.SUPPORT,
        body="Words.",
        speaking_request=SpeakingRequest.NONE,
        reason="Why.",
    )

    assert amendment.stances == ((1, Position.SUPPORT),)
    both = replace(amendment, measures=((1, Position.SUPPORT), (2, Position.OPPOSE)))
    assert both.stances == ((1, Position.SUPPORT), (2, Position.OPPOSE))
