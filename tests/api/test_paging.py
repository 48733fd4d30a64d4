"""Cursors: what the API hands out it takes back; anything else is refused, never obeyed."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from app.api import paging
from app.api.problems import Problem


def _raw(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_a_cursor_round_trips_a_time_and_an_id():
    moment = datetime(2026, 12, 7, 15, 30, 1, 123456, tzinfo=UTC)

    after = paging.decode(paging.encode(moment, 42), datetime)

    assert after == paging.After(moment, 42)
    assert paging.decode(paging.encode(None, 7), None) == paging.After(None, 7)


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64 at all!",
        "x" * 201,
        _raw("[]"),
        _raw('["2026-12-07T00:00:00+00:00"]'),
        _raw('["2026-12-07T00:00:00+00:00", 0]'),
        _raw('["2026-12-07T00:00:00+00:00", 2147483648]'),
        _raw('["2026-12-07T00:00:00+00:00", true]'),
        _raw('["2026-12-07T00:00:00", 5]'),  # no time zone
        _raw('["0001-01-01T00:00:00+14:00", 5]'),  # before the first moment UTC can hold
        _raw('["\\u0000", 5]'),
        _raw('{"a": 1}'),
        base64.urlsafe_b64encode(b"\xff\xfe\x00").decode(),
    ],
)
def test_a_damaged_or_forged_cursor_is_refused(cursor):
    with pytest.raises(Problem) as refused:
        paging.decode(cursor, datetime)
    assert refused.value.status == 400


def test_a_cursor_from_a_list_by_id_is_not_taken_by_a_list_by_time():
    with pytest.raises(Problem):
        paging.decode(paging.encode(None, 3), datetime)
    with pytest.raises(Problem):
        paging.decode(paging.encode(datetime(2026, 1, 1, tzinfo=UTC), 3), None)
