"""The queue's two tabs: "To review" leaves out testimony marked as possibly automated (saying
how many wait in their own tab, so none is silently lost) unless asked to show it too, and
"Possibly automated" shows only it. Counts per tab, filters, search, sort and pages within a
tab, deciding everything matching on each tab (exactly that tab's rows), "next pending" on the
review page, and the dashboard's links to both."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from werkzeug.datastructures import MultiDict

from app.moderation import queries
from app.testimony.models import Position, QuarantineReason, ReviewStatus, Testimony
from tests.factories import make_hearing, make_testimony, set_review_status, signed_in_client
from tests.moderation.test_views_bulk import (
    confirm,
    confirmation_form,
    flashed,
    queue_form,
    snapshot,
    statuses,
)

S = ReviewStatus
NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
TAB_LINK = re.compile(r'<nav class="queue-tabs".*?</nav>', re.S)
LINK = re.compile(
    r'<a href="([^"]+)"( aria-current="page")?>([^<]+)<span class="tab-count">([^<]+)<'
)


def letter(hearing, *, automated: bool = False, minutes: int = 0, **overrides) -> Testimony:
    reason = QuarantineReason.TOO_FAST if automated else None
    made = make_testimony(
        hearing, now=NOW + timedelta(minutes=minutes), quarantine_reason=reason, **overrides
    )
    return made.testimony


def page_of(browser, hearing, query: str = "") -> str:
    response = browser.get(f"/staff/hearings/{hearing.id}/queue" + (f"?{query}" if query else ""))
    assert response.status_code == 200
    return response.text


def tabs(page: str) -> list[tuple[str, dict, bool, str]]:
    """(name, query string, current, count) of each tab, in order."""
    [nav] = TAB_LINK.findall(page)
    found = []
    for href, current, name, count in LINK.findall(nav):
        query = parse_qs(urlsplit(html.unescape(href)).query, keep_blank_values=True)
        found.append((name.strip(), query, bool(current), count))
    return found


def names(page: str) -> set[str]:
    return set(re.findall(r'<td class="sender"><bdi>([^<]+)</bdi>', page))


# What each tab shows


def test_the_main_queue_leaves_possibly_automated_letters_to_their_own_tab(app, db):
    hearing = make_hearing(now=NOW)
    letter(hearing, full_name="Person One")
    letter(hearing, full_name="Person Two")
    letter(hearing, automated=True, full_name="Bot One")
    letter(hearing, automated=True, full_name="Bot Two")
    letter(hearing, automated=True, full_name="Bot Three")
    browser = signed_in_client(app)

    main = page_of(browser, hearing)

    assert names(main) == {"Person One", "Person Two"}
    assert "3 possibly automated letters are in their own tab." in main
    assert "2 testimonies match these filters." in main
    assert [(n, current, count) for n, _q, current, count in tabs(main)] == [
        ("To review", True, "(2)"),
        ("Possibly automated", False, "(3)"),
    ]

    automated = page_of(browser, hearing, "automated=yes")

    assert names(automated) == {"Bot One", "Bot Two", "Bot Three"}
    assert "3 testimonies match these filters." in automated
    assert "in their own tab." not in automated
    assert [(n, current, count) for n, _q, current, count in tabs(automated)] == [
        ("To review", False, "(2)"),
        ("Possibly automated", True, "(3)"),
    ]
    # Applying filters on the tab keeps the tab.
    assert '<input type="hidden" name="automated" value="yes">' in automated


def test_one_hidden_letter_is_named_in_the_singular_and_none_says_nothing(app, db):
    hearing = make_hearing(now=NOW)
    letter(hearing, full_name="Person One")
    browser = signed_in_client(app)

    assert "in their own tab" not in page_of(browser, hearing)
    assert "in its own tab" not in page_of(browser, hearing)

    letter(hearing, automated=True)
    assert "1 possibly automated letter is in its own tab." in page_of(browser, hearing)


def test_the_main_queue_shows_them_too_when_asked(app, db):
    hearing = make_hearing(now=NOW)
    letter(hearing, full_name="Person One")
    letter(hearing, automated=True, full_name="Bot One")
    browser = signed_in_client(app)

    page = page_of(browser, hearing, "automated=any")

    assert names(page) == {"Person One", "Bot One"}
    assert "Possibly automated letters are shown in this list too" in page
    [(_, main_query, main_current, main_count), (_, _q, _c, automated_count)] = tabs(page)
    assert main_current and main_query == {"automated": ["any"]}, "the tab keeps the choice"
    assert (main_count, automated_count) == ("(2)", "(1)")
    select = re.search(r'<select class="input" id="automated".*?</select>', page).group(0)
    assert re.findall(r'<option value="([^"]*)"( selected)?>', select) == [
        ("no", ""),
        ("any", " selected"),
    ], "their tab is the tab, not a choice here"


def test_an_automated_value_the_page_never_offers_is_the_main_queue(app, db, subtests):
    hearing = make_hearing(now=NOW)
    letter(hearing, full_name="Person One")
    letter(hearing, automated=True, full_name="Bot One")
    browser = signed_in_client(app)

    for value in ["", "bogus", "YES", "\x00", "yes " * 50]:
        with subtests.test(value=value):
            response = browser.get(
                f"/staff/hearings/{hearing.id}/queue", query_string={"automated": value}
            )
            assert response.status_code == 200
            assert names(response.text) == {"Person One"}
            assert "1 possibly automated letter is in its own tab." in response.text


def test_tab_links_keep_the_other_filters_and_no_page_cursor(app, db):
    hearing = make_hearing(now=NOW)
    letter(hearing, position=Position.OPPOSE, body="Against surveillance")
    browser = signed_in_client(app)

    page = page_of(browser, hearing, "position=oppose&q=surveillance&sort=-received&after=abc")

    [(_, main, _c, _n), (_, automated, _c2, _n2)] = tabs(page)
    kept = {"position": ["oppose"], "q": ["surveillance"], "sort": ["-received"]}
    assert main == kept
    assert automated == kept | {"automated": ["yes"]}


def test_filters_search_sort_and_pages_work_within_the_tab(app, db, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    hearing = make_hearing(now=NOW)
    for i in range(5):
        letter(hearing, automated=True, minutes=i, full_name=f"Bot {i}", body="surveillance now")
    letter(hearing, automated=True, minutes=9, full_name="Bot other", body="library hours")
    letter(
        hearing,
        automated=True,
        minutes=10,
        position=Position.OPPOSE,
        full_name="Bot oppose",
        body="library",
    )
    letter(hearing, minutes=11, full_name="Person surveillance", body="surveillance now")
    browser = signed_in_client(app)

    seen, query = [], "automated=yes&q=surveillance&sort=-received"
    while True:
        page = page_of(browser, hearing, query)
        assert "Person surveillance" not in page
        seen += re.findall(r'<td class="sender"><bdi>([^<]+)</bdi>', page)
        following = re.search(r'<a href="([^"]+)">Next page</a>', page)
        if not following:
            break
        query = urlsplit(html.unescape(following.group(1))).query
        assert "automated=yes" in query, "the next page stays in the tab"
    assert seen == [f"Bot {i}" for i in reversed(range(5))]

    opposed = page_of(browser, hearing, "automated=yes&position=oppose")
    assert names(opposed) == {"Bot oppose"}
    assert "1 testimony matches these filters." in opposed
    [(_, _q, _c, main_count), (_, _q2, _c2, automated_count)] = tabs(opposed)
    assert (main_count, automated_count) == ("(0)", "(1)"), "each counted under the filters"


def test_tab_counts_stop_at_the_queue_count_limit(app, db, monkeypatch):
    from app.moderation import views

    monkeypatch.setattr(views, "QUEUE_COUNT_LIMIT", 2)
    hearing = make_hearing(now=NOW)
    for i in range(3):
        letter(hearing, automated=True, minutes=i)
    letter(hearing)
    browser = signed_in_client(app)

    page = page_of(browser, hearing)

    assert [count for *_rest, count in tabs(page)] == ["(1)", "(more than 2)"]
    assert "More than 2 possibly automated letters are in their own tab." in page


def test_the_tabs_are_for_staff_only(app, db):
    hearing = make_hearing(now=NOW)
    letter(hearing, automated=True)

    response = app.test_client().get(f"/staff/hearings/{hearing.id}/queue?automated=yes")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# Deciding everything matching, on each tab


def ask_everything(browser, hearing, query: str, action: str = "approved"):
    page = page_of(browser, hearing, query)
    data = queue_form(page) | {"scope": "filter", "action": action, "reason": "", "note": ""}
    return browser.post(f"/staff/hearings/{hearing.id}/queue/bulk", data=MultiDict(data))


def test_approving_everything_on_the_main_tab_never_approves_the_hidden_ones(app, db):
    hearing = make_hearing(now=NOW)
    people = [letter(hearing, minutes=i) for i in range(3)]
    bots = [letter(hearing, automated=True, minutes=10 + i) for i in range(2)]
    browser = signed_in_client(app)
    before = snapshot(db)

    page = ask_everything(browser, hearing, "")

    assert "Apply this decision to 3 testimonies?" in page.text
    assert "In the tab “To review”:" in page.text
    assert "letters marked as possibly automated are left out" in page.text
    assert snapshot(db) == before
    # A possibly automated letter, and another letter, arrive while the moderator reads.
    late_bot = letter(hearing, automated=True, minutes=30)
    late_person = letter(hearing, minutes=31)

    response = confirm(browser, hearing, page)

    assert "3 testimonies decided." in flashed(browser, response)
    assert statuses(db, *people) == [S.APPROVED] * 3
    assert statuses(db, *bots, late_bot, late_person) == [S.PENDING] * 4


def test_everything_on_the_automated_tab_decides_exactly_its_rows(app, db):
    hearing = make_hearing(now=NOW)
    people = [letter(hearing, minutes=i) for i in range(2)]
    bots = [letter(hearing, automated=True, minutes=10 + i) for i in range(3)]
    browser = signed_in_client(app)

    page = ask_everything(browser, hearing, "automated=yes", action="flagged")

    assert "Apply this decision to 3 testimonies?" in page.text
    assert "In the tab “Possibly automated”:" in page.text
    assert "only letters marked as possibly automated." in page.text
    assert ("f_automated", "yes") in confirmation_form(page.text)
    late_bot = letter(hearing, automated=True, minutes=30)

    response = confirm(browser, hearing, page)

    assert response.headers["Location"].endswith("?automated=yes"), "back to the same tab"
    assert "3 testimonies decided." in flashed(browser, response)
    assert statuses(db, *bots) == [S.FLAGGED] * 3
    assert statuses(db, *people, late_bot) == [S.PENDING] * 3


def test_everything_on_the_main_tab_showing_them_too_includes_them_and_says_so(app, db):
    hearing = make_hearing(now=NOW)
    person = letter(hearing)
    bot = letter(hearing, automated=True, minutes=1)
    browser = signed_in_client(app)

    page = ask_everything(browser, hearing, "automated=any", action="flagged")

    assert "Apply this decision to 2 testimonies?" in page.text
    assert "possibly automated letters included." in page.text
    confirm(browser, hearing, page)
    assert statuses(db, person, bot) == [S.FLAGGED, S.FLAGGED]


def test_a_forged_tab_in_the_bulk_form_is_the_main_queue(app, db):
    hearing = make_hearing(now=NOW)
    person = letter(hearing)
    bot = letter(hearing, automated=True, minutes=1)
    browser = signed_in_client(app)
    page = page_of(browser, hearing)
    data = queue_form(page) | {
        "scope": "filter",
        "action": "approved",
        "f_automated": "maybe",
    }

    confirmation = browser.post(f"/staff/hearings/{hearing.id}/queue/bulk", data=data)

    assert "Apply this decision to 1 testimony?" in confirmation.text
    confirm(browser, hearing, confirmation)
    assert statuses(db, person, bot) == [S.APPROVED, S.PENDING]


def test_the_queue_form_offers_only_the_tabs_rows(app, db):
    hearing = make_hearing(now=NOW)
    for i in range(2):
        letter(hearing, minutes=i)
    letter(hearing, automated=True, minutes=5)
    browser = signed_in_client(app)

    main = page_of(browser, hearing)
    automated = page_of(browser, hearing, "automated=yes")

    assert "Everything matching the current filters: 2 testimonies" in main
    assert "possibly automated letters are left out." in main
    assert "Everything matching the current filters: 1 testimony" in automated
    assert "Only the letters in this tab: those marked as possibly automated." in automated
    assert len(re.findall(r'name="page_ids"', main)) == 2
    assert len(re.findall(r'name="page_ids"', automated)) == 1


# The review page's "next pending" and the dashboard


def test_next_pending_stays_in_the_tab_of_the_letter_being_read(app, db):
    hearing = make_hearing(now=NOW)
    bot_one = letter(hearing, automated=True, minutes=0)
    person_one = letter(hearing, minutes=1)
    bot_two = letter(hearing, automated=True, minutes=2)
    person_two = letter(hearing, minutes=3)
    browser = signed_in_client(app)

    def next_link(testimony) -> str:
        page = browser.get(f"/staff/testimony/{testimony.id}").text
        return re.search(r'<a href="([^"]+)" data-key="next">', page).group(1)

    assert next_link(person_one) == f"/staff/testimony/{person_two.id}"
    assert next_link(bot_one) == f"/staff/testimony/{bot_two.id}"

    def decide_then_next(testimony):
        page = browser.get(f"/staff/testimony/{testimony.id}").text
        fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return browser.post(
            f"/staff/testimony/{testimony.id}/decide",
            data={
                "csrf_token": token,
                "action": "approved",
                "reason": "",
                "note": "",
                "expected_status": "pending",
                "expected_version": fields.get("expected_version", "1"),
                "then": "next",
            },
        )

    response = decide_then_next(bot_one)
    assert response.headers["Location"] == f"/staff/testimony/{bot_two.id}"
    response = decide_then_next(bot_two)
    assert response.headers["Location"] == f"/staff/hearings/{hearing.id}/queue?automated=yes"
    response = decide_then_next(person_one)
    assert response.headers["Location"] == f"/staff/testimony/{person_two.id}"
    response = decide_then_next(person_two)
    assert response.headers["Location"] == f"/staff/hearings/{hearing.id}/queue"


def test_the_dashboard_links_to_both_tabs_of_what_awaits_review(app, db):
    hearing = make_hearing(now=NOW)
    letter(hearing)
    letter(hearing, automated=True, minutes=1)
    flagged_bot = letter(hearing, automated=True, minutes=2)
    set_review_status(flagged_bot, S.FLAGGED, now=NOW)
    approved_bot = letter(hearing, automated=True, minutes=3)
    set_review_status(approved_bot, S.APPROVED, now=NOW)
    browser = signed_in_client(app)

    page = browser.get(f"/staff/hearings/{hearing.id}/dashboard").text

    assert "3 testimonies still await review" in page
    assert "2 of them are marked as possibly automated and wait in their own tab." in page
    assert f'href="/staff/hearings/{hearing.id}/queue?status=pending"' in page
    link = re.search(r'<a href="([^"]+)">Open the possibly automated tab</a>', page).group(1)
    assert parse_qs(urlsplit(html.unescape(link)).query) == {
        "status": ["pending"],
        "automated": ["yes"],
    }


def test_the_dashboard_says_nothing_of_them_when_none_await_review(app, db):
    hearing = make_hearing(now=NOW)
    letter(hearing)
    bot = letter(hearing, automated=True, minutes=1)
    set_review_status(bot, S.REJECTED, now=NOW)
    browser = signed_in_client(app)

    page = browser.get(f"/staff/hearings/{hearing.id}/dashboard").text

    assert "1 testimony still awaits review" in page
    assert "possibly automated" not in page
