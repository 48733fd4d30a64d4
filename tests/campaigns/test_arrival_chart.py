"""Arrivals binned for a campaign's provenance chart: per local hour, then per day, then per
week, in the body's time zone (half-hour zones and the nights the clocks change included)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.campaigns.arrival_chart import Unit, bin_arrivals


def test_a_long_campaign_is_counted_per_day_then_per_week():
    zone_start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    days = [(zone_start + timedelta(days=n), 2) for n in (0, 3, 3, 10)]
    arrivals = bin_arrivals(days)
    assert arrivals.unit is Unit.DAY and len(arrivals.bins) == 11
    assert [b.letters for b in arrivals.bins][:4] == [2, 0, 0, 4]
    assert arrivals.what.startswith("Letters received per day")
    months = [(zone_start + timedelta(days=n), 1) for n in (0, 200)]
    weekly = bin_arrivals(months)
    assert weekly.unit is Unit.WEEK and weekly.bins[0].label.startswith("Week of ")
    assert sum(b.letters for b in weekly.bins) == 2
    assert bin_arrivals([]).bins == ()


def test_half_hour_zones_count_each_letter_in_its_own_local_hour():
    from zoneinfo import ZoneInfo

    india = ZoneInfo("Asia/Kolkata")
    # 10:20 and 10:50 UTC are 15:50 and 16:20 in India: two different local hours.
    times = [datetime(2026, 3, 3, 10, 20, tzinfo=UTC), datetime(2026, 3, 3, 10, 50, tzinfo=UTC)]
    arrivals = bin_arrivals([(t.astimezone(india), 1) for t in times])
    assert [b.letters for b in arrivals.bins] == [1, 1]


def test_the_night_clocks_go_back_has_two_one_oclock_hours():
    from zoneinfo import ZoneInfo

    boston = ZoneInfo("America/New_York")
    # 04:30 to 07:30 UTC on 1 November 2026: 00:30 EDT to 02:30 EST, four hours of letters.
    times = [datetime(2026, 11, 1, 4, 30, tzinfo=UTC) + timedelta(hours=n) for n in range(4)]
    arrivals = bin_arrivals([(t.astimezone(boston), 1) for t in times])
    assert [b.letters for b in arrivals.bins] == [1, 1, 1, 1]
    assert [b.label.split(", ")[-1] for b in arrivals.bins] == [
        "12:00\u202fAM",
        "1:00\u202fAM",
        "1:00\u202fAM",
        "2:00\u202fAM",
    ]
