"""Limits on follow requests: per network address, and per e-mail address (by digest only)."""

from __future__ import annotations

from app.following import throttle


def test_the_network_address_limit_says_when_to_try_again(app, db, config):
    config["FOLLOW_LIMIT_PER_ADDRESS"] = "2 per hour"
    assert throttle.count_from_address("192.0.2.1") is None
    assert throttle.count_from_address("192.0.2.1") is None
    wait = throttle.count_from_address("192.0.2.1")
    assert wait is not None and 0 < wait <= 3601
    assert throttle.count_from_address("192.0.2.2") is None


def test_the_email_limit_ignores_case_and_spaces(app, db, config):
    config["FOLLOW_LIMIT_PER_EMAIL"] = "1 per hour"
    assert throttle.count_for_email("Rosa@Example.org") is True
    assert throttle.count_for_email(" rosa@example.org ") is False
    assert throttle.count_for_email("ana@example.org") is True
