"""The private links: keyed to their row and purpose, unguessable, free of personal data."""

from __future__ import annotations

from app.following import links
from tests.factories import make_follower, make_hearing, make_testimony


def test_follower_links_open_their_own_purpose_only(db):
    follower = make_follower(make_hearing(), email="private@example.org")
    manage = links.follower_token(follower, links.MANAGE)
    assert links.find_follower(links.MANAGE, manage) is follower
    assert links.find_follower(links.UNSUBSCRIBE, manage) is None
    url = links.follower_url(follower, links.UNSUBSCRIBE)
    assert "private" not in url and "example.org/following/unsubscribe/" in url


def test_a_changed_link_key_or_a_tampered_token_opens_nothing(db):
    follower = make_follower(make_hearing())
    token = links.follower_token(follower, links.MANAGE)
    assert (
        links.find_follower(links.MANAGE, token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    )
    assert links.find_follower(links.MANAGE, "") is None
    assert links.find_follower(links.MANAGE, "../../etc") is None
    follower.link_key = "0" * 32
    assert links.find_follower(links.MANAGE, token) is None


def test_confirmation_links_carry_their_scope(db):
    follower = make_follower(make_hearing(), confirmed_at=None)
    follow = follower.follows[0]
    all_token = links.follow_token(follow, "all")
    assert links.find_follow("all", all_token) is follow
    assert links.find_follow("opening", all_token) is None
    assert links.find_follow("everything", all_token) is None


def test_the_receipts_opt_out_link_names_the_testimony_not_the_address(db):
    testimony = make_testimony(email="someone@example.org").testimony
    url = links.outcomes_url(testimony)
    assert "someone" not in url
    token = url.rsplit("/", 1)[1]
    assert links.find_testimony(token) is testimony
    assert links.find_testimony(token.replace(token[-1], "x")) is None


def test_unsubscribe_headers_follow_rfc_8058():
    assert links.unsubscribe_headers("https://x/u/1-ab") == {
        "List-Unsubscribe": "<https://x/u/1-ab>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
