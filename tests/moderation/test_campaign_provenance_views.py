"""The provenance card on a campaign's staff page: the summary, the figures, the towns (escaped,
in any script), and the arrivals chart with its table."""

from __future__ import annotations

import re
from datetime import timedelta

from app.platform.timezones import utcnow
from app.testimony.models import QuarantineReason, ReviewStatus
from tests.campaigns.test_provenance import LETTER, START, campaign
from tests.factories import make_hearing, make_testimony, set_review_status, signed_in_client


def card_html(page_text: str) -> str:
    return page_text.split('<section class="provenance-card"', 1)[1].split("</section>", 1)[0]


def test_the_campaign_page_shows_where_its_letters_came_from(app, db):
    _hearing, members = campaign(db)
    browser = signed_in_client(app)

    page = browser.get(f"/staff/campaigns/{members[0].campaign_id}")

    assert page.status_code == 200
    card = card_html(page.text)
    assert "6 letters, 1 confirmed their e-mail, 3 towns, all within 25 hours" in card
    assert "not withdrawn" in card
    figures = dict(re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", card, re.S))
    assert figures["Letters"].startswith("6 ") and "1 approved" in figures["Letters"]
    assert figures["Marked possibly automated"] == "1"
    assert figures["Throwaway e-mail addresses"] == "1"
    assert figures["Residents"] == "4 from City of Boston"
    assert "<bdi>Boston</bdi>: 4" in figures["Towns"]
    assert "Mar 3, 2026, 8:10" in figures["First letter"]
    # The chart: an image with a title and description, its bars, and the same counts in a table.
    assert 'role="img"' in card and '<title id="arrivals-title">Letters received per hour' in card
    assert card.count('<rect class="bar"') == 5  # five hours had letters, 20 did not
    assert "<caption>Letters received per hour (Eastern Time)</caption>" in card
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td class="num">(\d+)</td></tr>', card)
    assert len(rows) == 25 and rows[0] == ("Tue, Mar 3, 8:00\u202fAM", "2")
    assert "<script" not in card


def test_town_names_are_escaped_and_any_script_shows(app, db):
    now = utcnow() - timedelta(hours=3)
    hearing = make_hearing(now=now)
    towns = ["<script>alert(1)</script>", "القاهرة", "東京", "L" * 100]
    members = [
        make_testimony(
            hearing,
            now=now + timedelta(minutes=n),
            body=LETTER,
            full_name=f"Writer {n}",
            email=f"w{n}@example.net",
            city=town,
        ).testimony
        for n, town in enumerate(towns)
    ]
    members[0].quarantine_reason = QuarantineReason.HIDDEN_FIELD
    set_review_status(members[2], ReviewStatus.REJECTED)
    browser = signed_in_client(app)

    card = card_html(browser.get(f"/staff/campaigns/{members[0].campaign_id}").text)

    assert "<script>alert(1)</script>" not in card
    assert "<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>: 1" in card
    assert "<bdi>القاهرة</bdi>" in card and "<bdi>東京</bdi>" in card
    assert "4 letters, 0 confirmed their e-mail, 4 towns, all within 1 hour" in card


def test_a_campaign_spread_over_days_is_charted_per_day(app, db):
    hearing = make_hearing(now=START)
    members = [
        make_testimony(
            hearing,
            now=START + timedelta(days=n),
            body=LETTER,
            full_name=f"Writer {n}",
            email=f"w{n}@example.net",
        ).testimony
        for n in (0, 1, 5)
    ]
    browser = signed_in_client(app)

    card = card_html(browser.get(f"/staff/campaigns/{members[0].campaign_id}").text)

    assert "3 letters, 0 confirmed their e-mail, 1 town, spread over 5 days" in card
    assert "Letters received per day (more than three days of arrivals)" in card
    assert card.count('<tr><th scope="row">') == 6


def test_in_spanish_the_times_and_hours_are_written_the_spanish_way(app, db):
    _hearing, members = campaign(db)
    browser = signed_in_client(app)

    page = browser.get(
        f"/staff/campaigns/{members[0].campaign_id}", headers={"Accept-Language": "es"}
    )

    assert page.status_code == 200
    card = card_html(page.text)
    assert "hora del Este" in card  # the zone as Spanish readers say it
    assert "mar, 3 mar" in card  # Tuesday 3 March, in the table's first row
