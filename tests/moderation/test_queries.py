"""The per-hearing moderation queue: counts, filters, sorting, search and keyset pagination."""

from __future__ import annotations

import base64
import html
import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from app.testimony.models import Position, ReviewStatus, SpeakingRequest
from tests.factories import (
    make_hearing,
    make_testimony,
    make_upload,
    set_review_status,
    signed_in_client,
)

S = ReviewStatus
# Mid-January: New York is on EST (UTC-5), far from a daylight-saving change.
NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
ROW = re.compile(r'<td><a href="/staff/testimony/(\d+)">')
NEXT = re.compile(r'<a href="([^"]+)">Next page</a>')


def queue_url(hearing) -> str:
    return f"/staff/hearings/{hearing.id}/queue"


def shown(browser, hearing, **args) -> list[int]:
    """The ids of the rows on the first page of the queue with these query arguments."""
    response = browser.get(queue_url(hearing), query_string=args)
    assert response.status_code == 200, response.status_code
    return [int(i) for i in ROW.findall(response.text)]


def submitted(hearing, *, at=NOW, status=S.PENDING, **overrides):
    made = make_testimony(hearing, now=at, **overrides).testimony
    if status is not S.PENDING:
        set_review_status(made, status, now=at)
    return made


def cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


# Counts and the default view


def test_queue_counts_each_status_and_shows_pending_first(app, db):
    hearing = make_hearing(now=NOW)
    pending = [submitted(hearing) for _ in range(2)]
    for status in (S.APPROVED, S.REJECTED, S.FLAGGED, S.WITHDRAWN):
        submitted(hearing, status=status)
    submitted(make_hearing(now=NOW))  # another hearing's: counted there, not here
    browser = signed_in_client(app)

    page = browser.get(queue_url(hearing))

    assert page.status_code == 200
    for label, number in [
        ("Pending", 2),
        ("Approved", 1),
        ("Rejected", 1),
        ("Flagged", 1),
        ("Withdrawn", 1),
    ]:
        assert f">{label}: {number}</a>" in page.text
    assert sorted(int(i) for i in ROW.findall(page.text)) == sorted(t.id for t in pending)


def test_staff_home_lists_hearings_with_their_counts(app, db):
    hearing = make_hearing(now=NOW, title="Hearing on the surveillance ordinance")
    submitted(hearing)
    submitted(hearing, status=S.FLAGGED)
    browser = signed_in_client(app)

    page = browser.get("/staff/")

    assert page.status_code == 200
    assert "Hearing on the surveillance ordinance" in page.text
    assert f'href="/staff/hearings/{hearing.id}/queue"' in page.text
    cells = re.findall(r'<td class="num">(\d+)</td>', page.text)
    assert cells == ["1", "1", "0", "0", "0"]  # pending, flagged, approved, rejected, withdrawn


def test_queue_of_an_unknown_hearing_is_not_found(app, db):
    browser = signed_in_client(app)
    assert browser.get("/staff/hearings/999999/queue").status_code == 404


def test_other_hearings_testimony_never_appears(app, db):
    hearing, other = make_hearing(now=NOW), make_hearing(now=NOW)
    mine = submitted(hearing, full_name="Mine Only")
    theirs = submitted(other, full_name="Theirs Only")
    browser = signed_in_client(app)

    assert shown(browser, hearing, status="") == [mine.id]
    assert theirs.id not in shown(browser, hearing, status="", q="Theirs")


# Filters


def test_filter_by_status(app, db):
    hearing = make_hearing(now=NOW)
    made = {status: submitted(hearing, status=status) for status in S}
    browser = signed_in_client(app)

    for status in S:
        assert shown(browser, hearing, status=status.value) == [made[status].id]
    assert sorted(shown(browser, hearing, status="")) == sorted(t.id for t in made.values())


def test_filter_by_measure(app, db):
    hearing = make_hearing(now=NOW, measures=2)
    first = submitted(hearing, measure_id=hearing.measures[0].id)
    second = submitted(hearing, measure_id=hearing.measures[1].id)
    browser = signed_in_client(app)

    assert shown(browser, hearing, measure=hearing.measures[0].id) == [first.id]
    assert shown(browser, hearing, measure=hearing.measures[1].id) == [second.id]


def test_filter_by_position(app, db):
    hearing = make_hearing(now=NOW)
    made = {p: submitted(hearing, position=p) for p in Position}
    browser = signed_in_client(app)

    for position in Position:
        assert shown(browser, hearing, position=position.value) == [made[position].id]


def test_filter_by_speaking_request(app, db):
    hearing = make_hearing(now=NOW)
    made = {s: submitted(hearing, speaking_request=s) for s in SpeakingRequest}
    browser = signed_in_client(app)

    for speaking in SpeakingRequest:
        assert shown(browser, hearing, speaking=speaking.value) == [made[speaking].id]


def test_filter_by_attachments(app, db):
    hearing = make_hearing(now=NOW)
    with_file = submitted(hearing, uploads=(make_upload(),))
    without = submitted(hearing)
    browser = signed_in_client(app)

    assert shown(browser, hearing, attachments="yes") == [with_file.id]
    assert shown(browser, hearing, attachments="no") == [without.id]
    assert sorted(shown(browser, hearing, attachments="")) == sorted([with_file.id, without.id])


def test_date_range_is_in_the_bodys_local_time(app, db):
    hearing = make_hearing(now=NOW)  # the body is in America/New_York
    late_on_14th = submitted(hearing, at=datetime(2025, 1, 15, 3, 0, tzinfo=UTC))  # 22:00 EST
    on_15th = submitted(hearing, at=datetime(2025, 1, 15, 15, 0, tzinfo=UTC))
    last_minute_of_15th = submitted(hearing, at=datetime(2025, 1, 16, 4, 59, tzinfo=UTC))
    first_minute_of_16th = submitted(hearing, at=datetime(2025, 1, 16, 5, 0, tzinfo=UTC))
    browser = signed_in_client(app)

    assert shown(browser, hearing, received_from="2025-01-15", received_to="2025-01-15") == [
        on_15th.id,
        last_minute_of_15th.id,
    ]
    assert shown(browser, hearing, received_to="2025-01-14") == [late_on_14th.id]
    assert shown(browser, hearing, received_from="2025-01-16") == [first_minute_of_16th.id]
    assert len(shown(browser, hearing, received_from="2025-01-14")) == 4


def test_filters_combine(app, db):
    hearing = make_hearing(now=NOW)
    match = submitted(hearing, position=Position.OPPOSE, speaking_request=SpeakingRequest.REMOTE)
    submitted(hearing, position=Position.OPPOSE)
    submitted(hearing, speaking_request=SpeakingRequest.REMOTE)
    submitted(
        hearing,
        position=Position.OPPOSE,
        speaking_request=SpeakingRequest.REMOTE,
        status=S.APPROVED,
    )
    browser = signed_in_client(app)

    assert shown(browser, hearing, position="oppose", speaking="remote") == [match.id]


# Search


@pytest.fixture
def searchable(db):
    hearing = make_hearing(now=NOW)
    made = {
        "elise": submitted(
            hearing, full_name="Élise Núñez", organization="Ação Cívica", body="Plain text."
        ),
        "bob": submitted(hearing, full_name="Bob Stone", body="I am 100% opposed to this."),
        "percentless": submitted(hearing, full_name="Carol Dunn", body="100 opposed, 1000 more."),
        "underscore": submitted(hearing, full_name="Dana Fox", body="my user_name is dana"),
        "wildcard_bait": submitted(hearing, full_name="Eli Gray", body="my userXname is eli"),
        "org": submitted(hearing, full_name="Fay Hill", organization="Digital Fourth"),
    }
    return hearing, {key: t.id for key, t in made.items()}


SEARCHES = [
    ("bob STONE", {"bob"}),
    ("OPPOSED", {"bob", "percentless"}),
    ("digital fourth", {"org"}),
    ("  Stone  ", {"bob"}),
    # Whole words, the last one as a prefix; punctuation separates words and is not searched.
    ("100%", {"bob", "percentless"}),
    ("1000", {"percentless"}),
    ("%", set()),
    ("user_name", {"underscore"}),
    ("r_n", set()),
    ("_", set()),
    ("userxname", {"wildcard_bait"}),
    ("nobody like this", set()),
    # Case beyond ASCII, in names and organizations.
    ("élise", {"elise"}),
    ("ÉLISE", {"elise"}),
    ("NÚÑEZ", {"elise"}),
    ("núñez", {"elise"}),
    ("AÇÃO CÍVICA", {"elise"}),
    ("cívica", {"elise"}),
]


def test_search_over_name_organization_and_text(app, searchable, subtests):
    hearing, ids = searchable
    browser = signed_in_client(app)

    for query, expected in SEARCHES:
        with subtests.test(q=query):
            assert set(shown(browser, hearing, q=query)) == {ids[key] for key in expected}


def test_search_keeps_the_query_in_the_form(app, searchable):
    hearing, _ids = searchable
    browser = signed_in_client(app)
    page = browser.get(queue_url(hearing), query_string={"q": '<b>"x"</b>'})
    assert page.status_code == 200
    assert '<b>"x"</b>' not in page.text
    assert 'value="&lt;b&gt;&#34;x&#34;&lt;/b&gt;"' in page.text


# Sorting


def test_sort_orders_on_one_page(app, db):
    hearing = make_hearing(now=NOW)
    zed = submitted(hearing, at=NOW, full_name="Zed Young", position=Position.SUPPORT)
    amy = submitted(
        hearing, at=NOW + timedelta(minutes=1), full_name="Amy Best", position=Position.OPPOSE
    )
    mia = submitted(
        hearing, at=NOW + timedelta(minutes=2), full_name="Mia Kent", position=Position.NEUTRAL
    )
    browser = signed_in_client(app)

    assert shown(browser, hearing) == [zed.id, amy.id, mia.id]
    assert shown(browser, hearing, sort="received") == [zed.id, amy.id, mia.id]
    assert shown(browser, hearing, sort="-received") == [mia.id, amy.id, zed.id]
    assert shown(browser, hearing, sort="name") == [amy.id, mia.id, zed.id]
    assert shown(browser, hearing, sort="position") == [mia.id, amy.id, zed.id]


# Keyset pagination

SURNAMES = ["Adams", "Baker", "Chen", "Diaz", "Evans", "Fox", "Gray", "Hill", "Ito", "Jones"]


@pytest.fixture
def crowded(db):
    """120 pending testimonies with repeated times, names and positions, plus 3 approved."""
    hearing = make_hearing(now=NOW)
    made = []
    for i in range(120):
        made.append(
            submitted(
                hearing,
                at=NOW + timedelta(minutes=(i * 7) % 40),  # three share each minute
                full_name=f"Resident {SURNAMES[(i * 3) % len(SURNAMES)]}",
                position=list(Position)[i % 3],
            )
        )
    approved = [submitted(hearing, status=S.APPROVED, full_name="Resident Adams") for _ in range(3)]
    return hearing, made, approved


def expected_order(made, sort: str) -> list[int]:
    keys = {
        "received": lambda t: (t.received_at, t.id),
        "-received": lambda t: (t.received_at, t.id),
        "name": lambda t: (t.full_name, t.id),
        "position": lambda t: (t.position.value, t.id),
    }
    ordered = [t.id for t in sorted(made, key=keys[sort])]
    return ordered[::-1] if sort.startswith("-") else ordered


def walk(browser, url: str) -> tuple[list[int], list[int]]:
    """Follow the next-page links from `url`: every row id seen, and each page's size."""
    seen: list[int] = []
    sizes: list[int] = []
    while url:
        response = browser.get(url)
        assert response.status_code == 200
        rows = [int(i) for i in ROW.findall(response.text)]
        sizes.append(len(rows))
        seen.extend(rows)
        link = NEXT.search(response.text)
        url = html.unescape(link.group(1)) if link else None
        assert len(sizes) <= 5, "the pages never end"
    return seen, sizes


def test_walking_every_page_shows_each_row_once_in_order(app, crowded, subtests):
    hearing, made, approved = crowded
    browser = signed_in_client(app)

    for sort in ["received", "-received", "name", "position"]:
        with subtests.test(sort=sort):
            seen, sizes = walk(browser, queue_url(hearing) + f"?sort={sort}&q=resident")

            assert sizes == [50, 50, 20]
            assert len(seen) == len(set(seen)) == 120
            assert seen == expected_order(made, sort)
            assert not set(seen) & {t.id for t in approved}, "the filters hold on every page"


def test_next_page_links_keep_the_sort_and_filters(app, crowded):
    hearing, _made, _approved = crowded
    browser = signed_in_client(app)
    url = queue_url(hearing) + "?sort=-received&q=resident&speaking=none&status=pending"

    page = browser.get(url)
    link = html.unescape(NEXT.search(page.text).group(1))

    for part in ["sort=-received", "q=resident", "speaking=none", "status=pending", "after="]:
        assert part in link


def test_exactly_one_full_page_has_no_next_link(app, db):
    hearing = make_hearing(now=NOW)
    for i in range(50):
        submitted(hearing, at=NOW + timedelta(seconds=i))
    browser = signed_in_client(app)

    page = browser.get(queue_url(hearing))

    assert len(ROW.findall(page.text)) == 50
    assert not NEXT.search(page.text)


GARBAGE_CURSORS = [
    "garbage",
    "!!!***",
    "",
    "=" * 10,
    cursor([1, 1]),
    cursor(["2025-01-15T12:00:00", 1]),  # a time without a zone
    cursor(["2025-01-15T12:00:00+00:00", "1"]),
    cursor(["2025-01-15T12:00:00+00:00"]),
    cursor({"value": "x", "id": 1}),
    cursor(None),
    cursor(["x" * 400, 1]),
    cursor(["support", True, 3]),
    base64.urlsafe_b64encode(b"\xff\xfe\x00").decode(),
]


def test_a_garbage_cursor_is_ignored(app, db, subtests):
    hearing = make_hearing(now=NOW)
    for i in range(3):
        submitted(hearing, at=NOW + timedelta(minutes=i), full_name=f"Resident {SURNAMES[i]}")
    browser = signed_in_client(app)

    for sort in ["received", "-received", "name"]:
        first_page = shown(browser, hearing, sort=sort)
        for after in GARBAGE_CURSORS:
            with subtests.test(sort=sort, after=after):
                assert shown(browser, hearing, sort=sort, after=after) == first_page


EXTREME_CURSORS = [
    cursor(["2025-01-15T12:00:00+00:00", 10**30]),
    cursor(["2025-01-15T12:00:00+00:00", -(10**30)]),
    cursor(["9999-12-31T23:59:59+14:00", 2**63]),
    cursor(["0001-01-01T00:00:00+00:00", -(2**63)]),
    cursor(["0001-01-01T00:00:00+14:00", 1]),
    cursor(["x", 1]),
    cursor(["support", 10**30]),
]


def test_a_well_formed_cursor_with_extreme_values_is_no_error(app, db, subtests):
    hearing = make_hearing(now=NOW)
    submitted(hearing)
    browser = signed_in_client(app)

    for sort in ["received", "-received", "name", "position"]:
        for after in EXTREME_CURSORS:
            with subtests.test(sort=sort, after=after):
                response = browser.get(
                    queue_url(hearing), query_string={"sort": sort, "after": after}
                )
                assert response.status_code == 200


def test_a_cursor_from_another_sort_is_ignored(app, crowded):
    hearing, _made, _approved = crowded
    browser = signed_in_client(app)
    by_name = browser.get(queue_url(hearing), query_string={"sort": "name"})
    after = dict(
        pair.split("=", 1)
        for pair in html.unescape(NEXT.search(by_name.text).group(1)).split("?", 1)[1].split("&")
    )["after"]

    assert shown(browser, hearing, sort="received", after=after) == shown(
        browser, hearing, sort="received"
    )
    assert shown(browser, hearing, sort="position", after=after) == shown(
        browser, hearing, sort="position"
    )


# Bad filter values


BAD_FILTERS = [
    {"measure": "abc"},
    {"measure": "999999"},
    {"measure": "-1"},
    {"position": "maybe"},
    {"position": ["support", "oppose"]},
    {"speaking": "loudly"},
    {"attachments": "perhaps"},
    {"received_from": "2025-13-45"},
    {"received_to": "yesterday"},
    {"received_from": "9999-99-99", "received_to": "0000-00-00"},
    {"q": "a\x00b"},
    {"q": "x" * 5000},
    {"received_to": "9999-12-31"},
    {"received_from": "0001-01-01", "received_to": "0001-01-01"},
    {"sort": "-name"},
    {"sort": "id; DROP TABLE testimonies"},
    {"hearing_id": "2"},
    {"_external": "1"},
    {"_anchor": "x"},
    {"unknown": "value"},
]


def test_bad_filter_values_are_ignored(app, db, subtests):
    hearing = make_hearing(now=NOW)
    made = [submitted(hearing, at=NOW + timedelta(seconds=i)) for i in range(51)]
    submitted(hearing, status=S.APPROVED)
    browser = signed_in_client(app)

    for args in BAD_FILTERS:
        with subtests.test(args=args):
            response = browser.get(queue_url(hearing), query_string=args)

            assert response.status_code == 200
            assert [int(i) for i in ROW.findall(response.text)] == [t.id for t in made[:50]]
            link = NEXT.search(response.text)
            assert link, "the next page link is still offered"
            next_url = html.unescape(link.group(1))
            assert next_url.startswith(queue_url(hearing) + "?")
            assert browser.get(next_url).status_code == 200


def test_undecodable_query_strings_are_no_error(app, db, subtests):
    hearing = make_hearing(now=NOW)
    submitted(hearing)
    browser = signed_in_client(app)

    for raw in ["q=%ED%A0%80", "q=%FF%FE&status=%00", "measure=%00", "sort=%C0%AF", "q=%25%5F"]:
        with subtests.test(raw=raw):
            assert browser.get(queue_url(hearing) + "?" + raw).status_code == 200


def test_a_bad_status_counts_as_any_status(app, db):
    hearing = make_hearing(now=NOW)
    pending = submitted(hearing)
    approved = submitted(hearing, status=S.APPROVED)
    browser = signed_in_client(app)

    assert sorted(shown(browser, hearing, status="bogus")) == sorted([pending.id, approved.id])


def test_a_measure_of_another_hearing_is_ignored(app, db):
    hearing, other = make_hearing(now=NOW), make_hearing(now=NOW)
    mine = submitted(hearing)
    browser = signed_in_client(app)

    assert shown(browser, hearing, measure=other.measures[0].id) == [mine.id]


def test_extreme_dates_are_no_error_east_of_greenwich(app, db):
    from tests.factories import make_body, make_committee

    hearing = make_hearing(now=NOW, committee=make_committee(make_body(timezone="Asia/Tokyo")))
    mine = submitted(hearing)
    browser = signed_in_client(app)

    for args in [
        {"received_from": "0001-01-01"},
        {"received_to": "0001-01-01"},
        {"received_from": "9999-12-31"},
        {"received_to": "9999-12-31"},
    ]:
        assert shown(browser, hearing, **args) == [mine.id]
