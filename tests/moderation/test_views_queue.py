"""The queue page a moderator works through: the first lines of each testimony with its
badges, a labelled checkbox per row and a select-all box for the script to reveal, and the
form that decides many at once above the list, offering the page's rows and everything
matching (with how many match)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from app.testimony.models import QuarantineReason, ReviewStatus
from tests.factories import (
    make_hearing,
    make_organisation,
    make_testimony,
    set_review_status,
    signed_in_client,
)

NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
EXCERPT = re.compile(r'<p class="excerpt" dir="auto">(.*?)</p>', re.S)


def queue(app, hearing, query: str = "") -> str:
    page = signed_in_client(app).get(f"/staff/hearings/{hearing.id}/queue{query}")
    assert page.status_code == 200
    return page.text


def row_of(page: str, testimony) -> str:
    """The table row of one testimony."""
    match = re.search(
        rf'<tr>\s*<td class="select-cell">(?:(?!</tr>).)*?{testimony.tracking_number}.*?</tr>',
        page,
        re.S,
    )
    assert match, testimony.tracking_number
    return match.group(0)


def test_each_row_shows_the_first_lines_of_the_text_marked_for_its_own_direction(app, db):
    hearing = make_hearing(now=NOW)
    short = make_testimony(hearing, now=NOW, body="Keep the library open\non Sundays.").testimony
    long_text = "Face surveillance misidentifies residents and chills speech. " * 20
    long = make_testimony(hearing, now=NOW, body=long_text).testimony
    arabic = make_testimony(hearing, now=NOW, body="أعارض هذا المرسوم. " * 30).testimony

    page = queue(app, hearing)

    assert EXCERPT.findall(row_of(page, short)) == ["Keep the library open on Sundays."]
    [shown] = EXCERPT.findall(row_of(page, long))
    assert shown.endswith("…") and len(shown) < 200
    assert long_text.startswith(shown[:-1]), "the start of the text, cut at a word"
    assert long_text not in page, "never the whole text"
    [shown] = EXCERPT.findall(row_of(page, arabic))
    assert shown.startswith("أعارض هذا المرسوم.") and shown.endswith("…")


def test_text_that_looks_like_markup_is_shown_as_text(app, db):
    hearing = make_hearing(now=NOW)
    sent = make_testimony(hearing, now=NOW, body='<script>alert("x")</script> {{ 7*7 }}').testimony

    page = queue(app, hearing)

    assert EXCERPT.findall(row_of(page, sent)) == [
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; {{ 7*7 }}"
    ]
    assert "<script>alert" not in page


def test_each_row_has_the_campaign_and_identity_badges_of_its_sender(app, db):
    hearing = make_hearing(now=NOW)
    organisation = make_organisation(name="Neighbours United")
    plain = make_testimony(
        hearing,
        now=NOW,
        email="plain@example.org",
        full_name="Plain Person",
        body="Plain writes in their own words about plain things.",
    ).testimony
    confirmed = make_testimony(
        hearing,
        now=NOW,
        email="sure@example.org",
        full_name="Sure Person",
        body="Sure writes in their own words about sure things.",
    ).testimony
    confirmed.email_confirmed_at = NOW
    disputed = make_testimony(
        hearing,
        now=NOW,
        email="denied@example.org",
        full_name="Denied Person",
        body="Denied writes in their own words about denied things.",
    ).testimony
    disputed.email_confirmed_at = NOW
    disputed.disputed_at = NOW + timedelta(hours=1)
    automated = make_testimony(
        hearing,
        now=NOW,
        email="bot@example.org",
        full_name="Bot Person",
        body="Bot writes in their own words about bot things.",
    ).testimony
    automated.quarantine_reason = QuarantineReason.TOO_FAST
    sent = make_testimony(
        hearing,
        now=NOW,
        organisation_id=organisation.id,
        email="",
        full_name="Ana Souza",
        body="Sent on behalf of a member.",
    ).testimony
    db.session.flush()

    page = queue(app, hearing, "?automated=any")  # the main tab, showing them too

    def badges(testimony) -> list[str]:
        return re.findall(r'class="badge[^"]*"[^>]*>([^<]+)<', row_of(page, testimony))

    assert badges(plain) == ["E-mail not confirmed"]
    assert badges(confirmed) == ["E-mail confirmed"]
    assert badges(disputed) == ["Sender disputed"], "a dispute outweighs the confirmation"
    assert badges(automated) == ["E-mail not confirmed", "Possibly automated"]
    assert badges(sent) == ["Sent by Neighbours United"], "no address: nothing to confirm"


def test_a_campaign_member_links_to_its_campaign(app, db):
    hearing = make_hearing(now=NOW)
    letter = "Please vote no on the surveillance ordinance. It harms our neighbourhood. " * 3
    members = [make_testimony(hearing, now=NOW, body=letter).testimony for _ in range(3)]
    db.session.refresh(members[0])
    assert members[0].campaign_id is not None, "the form letters were grouped"

    page = queue(app, hearing)

    row = row_of(page, members[0])
    assert f'href="/staff/campaigns/{members[0].campaign_id}"' in row
    assert f"Campaign C-{members[0].campaign_id}: 3 letters" in row


def test_an_address_wraps_after_the_at_and_before_dots_never_inside_a_part(app, db):
    hearing = make_hearing(now=NOW)
    sent = make_testimony(
        hearing, now=NOW, email="o'brien.maria+hearings@mail.city-example.org"
    ).testimony

    row = row_of(queue(app, hearing), sent)

    assert (
        '<span class="address"><span>o&#39;brien</span><wbr><span>.maria+hearings@</span>'
        "<wbr><span>mail</span><wbr><span>.city-example</span><wbr><span>.org</span></span>"
    ) in row


def test_every_checkbox_is_labelled_with_the_tracking_number(app, db):
    hearing = make_hearing(now=NOW)
    rows = [make_testimony(hearing, now=NOW).testimony for _ in range(3)]

    page = queue(app, hearing)

    for testimony in rows:
        row = row_of(page, testimony)
        assert re.search(
            rf'<label class="row-select"><input type="checkbox" name="ids" value="{testimony.id}"'
            rf'[^>]*><span class="visually-hidden">Select testimony {testimony.tracking_number}'
            r"</span></label>",
            row,
        ), row
    assert page.count('name="ids"') == 3
    assert re.fullmatch(r"OT-\w{4}-\w{4}", rows[0].tracking_number)


def test_the_select_all_box_waits_for_the_script_that_works_it(app, db):
    hearing = make_hearing(now=NOW)
    make_testimony(hearing, now=NOW)

    page = queue(app, hearing)

    header = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert re.search(
        r'<label class="select-all" hidden data-select-all><input type="checkbox" '
        r'id="select-page"',
        header,
    ), "hidden until the script shows it"
    assert "Select every testimony on this page" in header
    assert 'src="/static/js/queue-select.js"' in page
    assert 'id="selection-status" class="selection-status meta" role="status"' in page
    assert 'data-many="{count} of 1 on this page ticked"' in page


def test_the_bulk_form_comes_before_the_list_and_offers_the_page_and_everything_matching(app, db):
    hearing = make_hearing(now=NOW)
    shown = [make_testimony(hearing, now=NOW + timedelta(seconds=i)).testimony for i in range(52)]
    set_review_status(shown[-1], ReviewStatus.FLAGGED, now=NOW)

    page = queue(app, hearing)

    assert page.index("Decide several at once") < page.index('<table class="data queue-list"')
    assert page.index('name="action"') < page.index("<tbody")
    assert page.index("Review the count and confirm") < page.index("<tbody")
    assert "51 testimonies match these filters. This page shows 50." in page
    assert "All 50 testimonies on this page" in page
    assert "Everything matching the current filters: 51 testimonies" in page
    page_ids = re.findall(r'<input type="hidden" name="page_ids" value="(\d+)">', page)
    assert [int(i) for i in page_ids] == [t.id for t in shown[:50]]


def test_an_empty_queue_offers_neither_the_page_nor_a_count_of_rows(app, db):
    hearing = make_hearing(now=NOW)

    page = queue(app, hearing)

    assert "Nothing matches these filters." in page
    assert "0 testimonies match these filters." in page
    assert 'value="page"' not in page
    assert 'name="page_ids"' not in page


def test_past_its_limit_the_queue_count_says_more_than(app, db, monkeypatch):
    monkeypatch.setattr("app.moderation.views.QUEUE_COUNT_LIMIT", 3)
    hearing = make_hearing(now=NOW)
    for _ in range(5):
        make_testimony(hearing, now=NOW)

    page = queue(app, hearing)

    assert "More than 3 testimonies match these filters. This page shows 5." in page
    assert "Everything matching the current filters: more than 3 testimonies" in page


def test_exactly_as_many_as_the_limit_are_counted_exactly(app, db, monkeypatch):
    monkeypatch.setattr("app.moderation.views.QUEUE_COUNT_LIMIT", 3)
    hearing = make_hearing(now=NOW)
    for _ in range(3):
        make_testimony(hearing, now=NOW)

    page = queue(app, hearing)

    assert "3 testimonies match these filters." in page
    assert "Everything matching the current filters: 3 testimonies" in page


def test_a_search_that_cannot_be_run_says_why_and_filters_nothing(app, db):
    hearing = make_hearing()
    ana = make_testimony(hearing, full_name="Ana Reyes").testimony
    bo = make_testimony(hearing, full_name="Bo Chen").testimony

    punctuation = queue(app, hearing, "?status=&q=%21%40%23")
    assert "enter a letter or number to search" in punctuation
    assert ana.tracking_number not in punctuation and bo.tracking_number not in punctuation

    too_long = queue(app, hearing, "?status=&q=" + "a" * 201)
    assert "The search was not applied:" in too_long
    assert ana.tracking_number in too_long and bo.tracking_number in too_long

    plain = queue(app, hearing, "?status=&q=Reyes")
    assert "The search was not applied" not in plain and "enter a letter" not in plain
    assert ana.tracking_number in plain and bo.tracking_number not in plain
