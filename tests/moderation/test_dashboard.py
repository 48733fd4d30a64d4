"""The staff dashboard of a hearing: charts with a data table each, per-day counts in the body's
local time zone, and how much still awaits review."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from app.moderation.dashboard import Bar, build, per_local_day
from app.testimony.models import Position, ReviewStatus
from tests.factories import (
    make_body,
    make_committee,
    make_hearing,
    make_sign_in,
    make_testimony,
    set_review_status,
    signed_in_client,
)

S = ReviewStatus
WINTER = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)  # New York on EST, UTC-5
SUMMER = datetime(2025, 7, 10, 12, 0, tzinfo=UTC)  # New York on EDT, UTC-4
TITLES = ["Submissions per day", "By position", "By measure", "By review status"]


def at(hour: int, minute: int = 0, *, day: datetime = WINTER, days: int = 0) -> datetime:
    return (day + timedelta(days=days)).replace(hour=hour, minute=minute)


def hearing_in(zone: str, now: datetime, **overrides):
    return make_hearing(now=now, committee=make_committee(make_body(timezone=zone)), **overrides)


def submitted(hearing, when, status=S.PENDING, **overrides):
    testimony = make_testimony(hearing, now=when, **overrides).testimony
    if status is not S.PENDING:
        set_review_status(testimony, status, now=when)
    return testimony


def table_rows(page_html: str, caption: str) -> list[tuple[str, str]]:
    table = page_html.split(f"<caption>{caption}</caption>", 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr><td>([^<]*)</td><td class="num">(\d+)</td></tr>', table)


def dashboard_url(hearing) -> str:
    return f"/staff/hearings/{hearing.id}/dashboard"


# Per-day counts in the body's time zone


def test_a_testimony_at_3am_utc_counts_for_the_previous_day_in_new_york(db):
    hearing = hearing_in("America/New_York", WINTER)
    submitted(hearing, at(3))  # 22:00 EST on the 14th
    submitted(hearing, at(15))  # 10:00 on the 15th
    submitted(hearing, at(4, 59, days=1))  # 23:59 on the 15th
    submitted(hearing, at(5, 0, days=1))  # midnight starting the 16th

    assert per_local_day(hearing) == [
        Bar("2025-01-14", 1),
        Bar("2025-01-15", 2),
        Bar("2025-01-16", 1),
    ]


def test_local_days_follow_daylight_saving_time(db):
    hearing = hearing_in("America/New_York", SUMMER)
    submitted(hearing, at(3, 59, day=SUMMER))  # 23:59 EDT on the 9th
    submitted(hearing, at(4, 0, day=SUMMER))  # midnight starting the 10th

    assert per_local_day(hearing) == [Bar("2025-07-09", 1), Bar("2025-07-10", 1)]


def test_local_days_in_a_zone_with_a_half_hour_offset(db):
    hearing = hearing_in("Asia/Kolkata", WINTER)  # UTC+5:30
    submitted(hearing, at(18, 29))  # 23:59 on the 15th
    submitted(hearing, at(18, 30))  # midnight starting the 16th
    submitted(hearing, at(18, 45))  # 00:15 on the 16th

    assert per_local_day(hearing) == [Bar("2025-01-15", 1), Bar("2025-01-16", 2)]


def test_local_days_east_of_greenwich_count_early_utc_times_for_the_same_day(db):
    hearing = hearing_in("Asia/Tokyo", WINTER)  # UTC+9
    submitted(hearing, at(14, 59))  # 23:59 on the 15th
    submitted(hearing, at(15, 0))  # midnight starting the 16th

    assert per_local_day(hearing) == [Bar("2025-01-15", 1), Bar("2025-01-16", 1)]


def test_per_day_counts_only_this_hearing_and_every_status(db):
    hearing, other = hearing_in("America/New_York", WINTER), make_hearing(now=WINTER)
    submitted(hearing, at(15), S.WITHDRAWN)
    submitted(hearing, at(16), S.REJECTED)
    submitted(other, at(15))

    assert per_local_day(hearing) == [Bar("2025-01-15", 2)]


def test_a_hearing_without_testimony_has_no_days(db):
    assert per_local_day(make_hearing(now=WINTER)) == []


# The figures


def test_figures_by_position_measure_and_status_and_what_awaits_review(db):
    hearing = make_hearing(now=WINTER, measures=2)
    first, second = hearing.measures
    submitted(hearing, at(13), position=Position.SUPPORT, measure_id=first.id)
    submitted(hearing, at(14), S.FLAGGED, position=Position.OPPOSE, measure_id=first.id)
    submitted(hearing, at(15), S.APPROVED, position=Position.OPPOSE, measure_id=first.id)
    submitted(hearing, at(16), S.WITHDRAWN, position=Position.NEUTRAL, measure_id=first.id)
    # On both measures: counted under each measure, and once by position and by status.
    submitted(
        hearing,
        at(17),
        S.APPROVED,
        measures=((first.id, Position.SUPPORT), (second.id, Position.OPPOSE)),
    )
    submitted(make_hearing(now=WINTER), at(13))

    figures = build(hearing)

    assert figures.by_position == {Position.SUPPORT: 2, Position.OPPOSE: 2, Position.NEUTRAL: 1}
    assert figures.by_measure == [Bar(first.number, 5), Bar(second.number, 1)]
    assert figures.by_status == {
        S.PENDING: 1,
        S.APPROVED: 2,
        S.REJECTED: 0,
        S.FLAGGED: 1,
        S.WITHDRAWN: 1,
    }
    assert figures.awaiting_review == 2  # pending and flagged


# The page


def test_dashboard_shows_each_chart_with_a_data_table(app, db):
    hearing = hearing_in("America/New_York", WINTER, measures=2)
    first, second = hearing.measures
    submitted(hearing, at(3), measure_id=first.id)
    submitted(hearing, at(15), S.FLAGGED, position=Position.OPPOSE, measure_id=first.id)
    submitted(hearing, at(16), S.APPROVED, position=Position.OPPOSE, measure_id=second.id)
    submitted(hearing, at(17), S.REJECTED, position=Position.NEUTRAL, measure_id=second.id)
    browser = signed_in_client(app)

    page = browser.get(dashboard_url(hearing))

    assert page.status_code == 200
    for title in TITLES:
        assert f'<svg class="chart" role="img" aria-label="{title}"' in page.text, title
        assert f"<caption>{title}</caption>" in page.text, title
    assert page.text.count("<svg") == 4
    assert table_rows(page.text, "Submissions per day") == [
        ("2025-01-14", "1"),
        ("2025-01-15", "3"),
    ]
    assert table_rows(page.text, "By position") == [
        ("Support", "1"),
        ("Oppose", "2"),
        ("Neutral", "1"),
    ]
    assert table_rows(page.text, "By measure") == [(first.number, "2"), (second.number, "2")]
    assert table_rows(page.text, "By review status") == [
        ("Pending", "1"),
        ("Approved", "1"),
        ("Rejected", "1"),
        ("Flagged", "1"),
        ("Withdrawn", "0"),
    ]
    assert "2 testimonies still await review" in page.text
    assert f'href="/staff/hearings/{hearing.id}/queue?status=pending"' in page.text


def test_chart_bars_are_drawn_to_scale(app, db):
    hearing = hearing_in("America/New_York", WINTER)
    for hour in (13, 14, 15, 16):
        submitted(hearing, at(hour))
    submitted(hearing, at(13, days=1))
    browser = signed_in_client(app)

    page = browser.get(dashboard_url(hearing))

    chart = page.text.split('aria-label="Submissions per day"', 1)[1].split("</svg>", 1)[0]
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', chart)]
    assert widths == [230.0, 57.5]  # four, then one: the longest bar has the full width


def test_awaiting_review_before_an_upcoming_hearing(app, db):
    hearing = make_hearing()  # starts in a week
    submitted(hearing, hearing.testimony_opens_at + timedelta(hours=1))
    browser = signed_in_client(app)

    page = browser.get(dashboard_url(hearing))

    assert "1 testimony still awaits review" in page.text
    assert "before the hearing on" in page.text


def test_dashboard_of_a_hearing_without_testimony(app, db):
    hearing = make_hearing(now=WINTER)
    browser = signed_in_client(app)

    page = browser.get(dashboard_url(hearing))

    assert page.status_code == 200
    assert "0 testimonies still await review" in page.text
    assert page.text.count("No testimony yet.") == 1, "only the per-day chart has nothing"
    assert page.text.count("<svg") == 3
    assert table_rows(page.text, "By review status") == [
        ("Pending", "0"),
        ("Approved", "0"),
        ("Rejected", "0"),
        ("Flagged", "0"),
        ("Withdrawn", "0"),
    ]


def test_dashboard_of_an_unknown_hearing_is_not_found(app, db):
    browser = signed_in_client(app)
    assert browser.get("/staff/hearings/999999/dashboard").status_code == 404


def test_dashboard_escapes_measure_numbers(app, db):
    hearing = make_hearing(now=WINTER)
    hearing.measures[0].number = "<b>H.1538</b>"
    submitted(hearing, at(13))
    browser = signed_in_client(app)

    page = browser.get(dashboard_url(hearing))

    assert "<b>H.1538</b>" not in page.text
    assert "&lt;b&gt;H.1538&lt;/b&gt;" in page.text


def test_dashboard_counts_position_sign_ins_per_measure(app, db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    make_sign_in(hearing, positions=((first.id, Position.SUPPORT), (second.id, Position.OPPOSE)))
    make_sign_in(hearing, email="b@example.org", positions=((first.id, Position.SUPPORT),))
    hearing.committee.body.review_sign_ins = True
    make_sign_in(hearing, email="c@example.org", positions=((second.id, Position.NEUTRAL),))
    db.session.commit()
    browser = signed_in_client(app)

    page = browser.get(dashboard_url(hearing))

    assert "1 sign-in awaits review." in page.text
    table = page.text.split("Position sign-ins counted, by measure", 1)[1].split("</table>")[0]
    rows = re.findall(
        r'<tr><th scope="row">([^<]*)</th>'
        r'<td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td></tr>',
        table,
    )
    # The pending one waits for review and is not counted.
    assert rows == [(first.number, "2", "0", "0"), (second.number, "0", "1", "0")]
