"""The moderators' list of sign-ins: filters, the name search and paging."""

from __future__ import annotations

from app.signins import queries
from app.signins.models import SignInStatus
from app.signins.queries import SignInFilter
from app.testimony.models import Position
from tests.factories import make_hearing, make_sign_in


def names(page) -> list[str]:
    return [row.full_name for row in page.rows]


def test_the_name_search_is_a_prefix_and_wildcards_match_only_themselves(db):
    hearing = make_hearing()
    make_sign_in(hearing, full_name="Amal Haddad", email="amal@example.org")
    make_sign_in(hearing, full_name="50% Campaign", email="camp@example.org")
    make_sign_in(hearing, full_name="Ana Souza", email="a.souza@example.org")
    assert names(queries.page(hearing.id, SignInFilter(name="am"), None)) == ["Amal Haddad"]
    assert names(queries.page(hearing.id, SignInFilter(name="%"), None)) == []
    assert names(queries.page(hearing.id, SignInFilter(name="50%"), None)) == ["50% Campaign"]
    # Never the e-mail address: the filter is in the page's address.
    assert names(queries.page(hearing.id, SignInFilter(name="a.souza@"), None)) == []


def test_pages_by_cursor_newest_first(db, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    hearing = make_hearing()
    for n in range(5):
        make_sign_in(hearing, full_name=f"Resident {n}", email=f"r{n}@example.org")
    seen, after = [], None
    while True:
        page = queries.page(hearing.id, SignInFilter(), after)
        seen += names(page)
        if page.next_cursor is None:
            break
        after = str(page.next_cursor)
    assert seen == [f"Resident {n}" for n in reversed(range(5))]
    # A damaged cursor is the first page, not an error.
    assert len(queries.page(hearing.id, SignInFilter(), "'; drop").rows) == 2


def test_filters_by_measure_position_and_status(db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    make_sign_in(hearing, full_name="One", positions=((first.id, Position.SUPPORT),))
    make_sign_in(
        hearing,
        full_name="Two",
        email="two@example.org",
        positions=((first.id, Position.OPPOSE), (second.id, Position.SUPPORT)),
    )
    on_second = SignInFilter(measure_id=second.id, position=Position.SUPPORT)
    assert names(queries.page(hearing.id, on_second, None)) == ["Two"]
    support_first = SignInFilter(measure_id=first.id, position=Position.SUPPORT)
    assert names(queries.page(hearing.id, support_first, None)) == ["One"]
    assert queries.status_counts(hearing.id)[SignInStatus.PUBLISHED] == 2
    assert queries.matching_ids(hearing.id, SignInFilter(), upto=None, limit=1) != []
