"""The moderator's campaign pages, driven through the browser: the list, one campaign with what
each member changed, and the decide, split and merge forms."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.campaigns.models import Campaign
from app.moderation.models import ReviewDecision
from app.platform.audit import AuditEvent
from app.platform.timezones import utcnow
from app.testimony.models import ReviewStatus, Testimony
from tests.campaigns import letters as L
from tests.factories import (
    csrf_token_from,
    make_hearing,
    make_staff_user,
    make_testimony,
    set_review_status,
    signed_in_client,
)

S = ReviewStatus


def send(hearing, body: str, n: int = 0, **overrides) -> Testimony:
    values = {"full_name": f"Writer Number{n}", "email": f"writer{n}@example.net"} | overrides
    now = utcnow() - timedelta(hours=1) + timedelta(minutes=n)
    return make_testimony(hearing, now=now, body=body, **values).testimony


def campaign_of(hearing, texts, start: int = 0) -> tuple[int, list[Testimony]]:
    members = [send(hearing, text, n) for n, text in enumerate(texts, start)]
    ids = {m.campaign_id for m in members}
    assert len(ids) == 1 and None not in ids
    return ids.pop(), members


def page_url(campaign_id: int) -> str:
    return f"/staff/campaigns/{campaign_id}"


def snapshot(db) -> tuple:
    db.session.expire_all()
    return (
        sorted(db.session.execute(select(Testimony.id, Testimony.status, Testimony.campaign_id))),
        sorted(db.session.scalars(select(Campaign.id))),
        db.session.scalar(select(func.count(ReviewDecision.id))),
        db.session.scalar(select(func.count(AuditEvent.id))),
    )


def post(browser, campaign_id: int, action: str, data: dict | None = None):
    """Load the campaign page for its CSRF token, then post one of its forms."""
    page = browser.get(page_url(campaign_id))
    assert page.status_code == 200
    data = {"csrf_token": csrf_token_from(page.text)} | (data or {})
    return browser.post(f"{page_url(campaign_id)}/{action}", data=data)


def statuses(db, members) -> list[ReviewStatus]:
    db.session.expire_all()
    return [db.session.get(Testimony, m.id).status for m in members]


def followed(browser, response) -> str:
    assert response.status_code == 303
    return browser.get(response.headers["Location"]).text


ADDED = re.compile(r'<ins class="added"><span[^>]*>Added: </span>(.*?)</ins>')
CHANGED = re.compile(r'<mark class="changed"><span[^>]*>Changed: </span>(.*?)</mark>')
NUMBERS = re.compile(r'<td class="num">(\d+)</td>')


def member_items(html: str) -> list[str]:
    listing = html.split('<ol class="campaign-members"', 1)[1].split("</ol>", 1)[0]
    return listing.split("<li>")[1:]


# The list


def test_the_list_shows_campaigns_largest_first_with_sizes_and_text(app, db):
    hearing = make_hearing()
    small, _ = campaign_of(hearing, [L.CONCERNS, L.CONCERNS_WARMING])
    large, members = campaign_of(hearing, [L.COAL_ASH] * 3 + [L.COAL_ASH_PANDEMICS], 10)
    set_review_status(members[1], S.APPROVED)
    send(hearing, L.SOLIDARITY, 20)
    browser = signed_in_client(app)

    page = browser.get(f"/staff/hearings/{hearing.id}/campaigns")

    assert page.status_code == 200
    assert "2 campaigns · 6 letters in campaigns" in page.text
    rows = page.text.split("<tbody>", 1)[1].split("<tr>")[1:]
    assert f">C-{large}</a>" in rows[0] and f">C-{small}</a>" in rows[1]
    assert [NUMBERS.findall(row) for row in rows] == [["4", "3", "1"], ["2", "2", "0"]]
    assert "I am opposed to any and all the attempts to repeal" in rows[0]
    assert "I live in Texas and my comment is on permit application" in rows[1]
    assert "SABRINA HERRERA" not in page.text
    other = make_hearing()
    send(other, L.COAL_ASH, 30)
    empty = browser.get(f"/staff/hearings/{other.id}/campaigns")
    assert "No campaigns on this hearing yet" in empty.text


# One campaign


def test_the_campaign_page_marks_what_each_member_added_or_changed(app, db):
    hearing = make_hearing()
    texts = [L.CONCERNS, L.CONCERNS, L.CONCERNS_COASTLINE, L.CONCERNS_PROPERTY]
    campaign_id, members = campaign_of(hearing, texts)
    browser = signed_in_client(app)

    page = browser.get(page_url(campaign_id))

    assert page.status_code == 200
    assert f"Campaign C-{campaign_id}: 4 letters" in page.text
    assert f"As sent by {members[0].tracking_number}" in page.text
    representative, verbatim, coastline, owner = member_items(page.text)
    assert "Representative" in representative and members[0].tracking_number in representative
    assert "Same words" in verbatim and 'class="testimony-text diff"' not in verbatim
    assert ADDED.findall(coastline) == [
        "I don&#39;t want this industry to mar our pristine coastline."
    ]
    assert CHANGED.findall(coastline) == ["including benzene "]
    assert CHANGED.findall(owner) == [
        "own property ",
        "proximity to Bluewater LLC&#39;s proposed onshore facility, ",
        "including benzene ",
    ]
    assert "<ins" not in owner and "leaves out" not in owner


def test_member_text_is_escaped_on_the_campaign_page(app, db):
    hearing = make_hearing()
    script = "<script>alert('x')</script> Thank you."
    campaign_id, _ = campaign_of(hearing, [L.COAL_ASH, L.COAL_ASH + "\n\n" + script])
    browser = signed_in_client(app)

    page = browser.get(page_url(campaign_id))

    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page.text


def test_an_unknown_campaign_is_not_found(app, db):
    browser = signed_in_client(app)

    assert browser.get(page_url(4242)).status_code == 404
    assert browser.get(page_url(2**40)).status_code == 404
    assert browser.get(page_url(4242) + "/decide").status_code == 405


# Deciding


def test_approving_the_campaign_decides_pending_members_and_says_how_many(app, db):
    hearing = make_hearing()
    campaign_id, members = campaign_of(hearing, [L.CRUDE_EXPORT] * 3 + [L.CRUDE_EXPORT_HUNTER])
    set_review_status(members[1], S.FLAGGED)
    browser = signed_in_client(app)

    response = post(browser, campaign_id, "decide", {"members": "pending", "action": "approved"})

    assert response.headers["Location"] == page_url(campaign_id)
    assert "3 testimonies decided." in followed(browser, response)
    assert statuses(db, members) == [S.APPROVED, S.FLAGGED, S.APPROVED, S.APPROVED]


def test_deciding_every_member_counts_those_skipped(app, db):
    hearing = make_hearing()
    campaign_id, members = campaign_of(hearing, [L.COAL_ASH] * 4)
    set_review_status(members[1], S.FLAGGED)
    set_review_status(members[2], S.WITHDRAWN)
    browser = signed_in_client(app)

    data = {"members": "all", "action": "rejected", "reason": "duplicate"}
    html = followed(browser, post(browser, campaign_id, "decide", data))

    assert "3 testimonies decided. 1 skipped: already decided or not allowed." in html
    assert statuses(db, members) == [S.REJECTED, S.REJECTED, S.WITHDRAWN, S.REJECTED]


def test_rejecting_without_a_reason_shows_the_error_and_changes_nothing(app, db):
    hearing = make_hearing()
    campaign_id, _ = campaign_of(hearing, [L.COAL_ASH] * 3)
    browser = signed_in_client(app)
    before = snapshot(db)

    data = {"members": "pending", "action": "rejected", "reason": "", "note": "Spam?"}
    response = post(browser, campaign_id, "decide", data)

    assert response.status_code == 400
    assert "Choose a reason for rejecting." in response.text
    assert "<title>Error:" in response.text
    assert snapshot(db) == before


# Splitting and merging


def test_taking_a_member_out_from_the_page(app, db):
    hearing = make_hearing()
    campaign_id, members = campaign_of(hearing, [L.CONCERNS] * 3)
    _other, others = campaign_of(hearing, [L.COAL_ASH] * 2, 10)
    browser = signed_in_client(app)
    before = snapshot(db)

    refused = followed(browser, post(browser, campaign_id, f"members/{others[0].id}/split"))
    assert "That testimony is no longer in this campaign. Nothing was changed." in refused
    assert snapshot(db) == before

    page = browser.get(page_url(campaign_id))
    assert f"take {members[2].tracking_number} out" in page.text
    html = followed(browser, post(browser, campaign_id, f"members/{members[2].id}/split"))
    assert f"{members[2].tracking_number} was taken out of the campaign" in html
    assert f"Campaign C-{campaign_id}: 2 letters" in html
    db.session.expire_all()
    taken = db.session.get(Testimony, members[2].id)
    assert (taken.campaign_id, taken.kept_apart) == (None, True)


def test_taking_out_one_of_two_dissolves_the_campaign_and_goes_back_to_the_list(app, db):
    hearing = make_hearing()
    campaign_id, members = campaign_of(hearing, [L.COAL_ASH] * 2)
    browser = signed_in_client(app)

    response = post(browser, campaign_id, f"members/{members[0].id}/split")

    assert response.headers["Location"] == f"/staff/hearings/{hearing.id}/campaigns"
    assert "The campaign had one letter left, so it was dissolved." in followed(browser, response)
    assert db.session.get(Campaign, campaign_id) is None


def test_merging_two_campaigns_from_the_page(app, db):
    hearing = make_hearing()
    into, kept = campaign_of(hearing, [L.CRUDE_EXPORT] * 2)
    other, moved = campaign_of(hearing, [L.CONCERNS] * 3, 10)
    browser = signed_in_client(app)
    page = browser.get(page_url(other))
    assert f'<option value="{into}">C-{into} (2 letters)</option>' in page.text

    response = post(browser, other, "merge", {"into": str(into)})

    assert response.headers["Location"] == page_url(into)
    assert f"3 letters moved into campaign C-{into}." in followed(browser, response)
    db.session.expire_all()
    assert {db.session.get(Testimony, t.id).campaign_id for t in kept + moved} == {into}
    assert db.session.get(Campaign, other) is None


def test_merging_into_a_campaign_not_offered_shows_an_error_and_changes_nothing(app, db):
    hearing = make_hearing()
    campaign_id, _ = campaign_of(hearing, [L.CRUDE_EXPORT] * 2)
    other, _ = campaign_of(hearing, [L.CONCERNS] * 2, 10)
    elsewhere, _ = campaign_of(make_hearing(), [L.COAL_ASH] * 2, 20)
    browser = signed_in_client(app)
    before = snapshot(db)

    for bogus in ["999999", str(elsewhere), str(campaign_id), "C-1", ""]:
        response = post(browser, campaign_id, "merge", {"into": bogus})
        assert response.status_code in (400, 409), bogus  # unreadable, or refused
        assert 'class="error-summary"' in response.text
        assert snapshot(db) == before
    assert other in snapshot(db)[1]


# The queue and access


def test_the_queue_filtered_by_campaign_shows_only_its_members_with_a_badge(app, db):
    hearing = make_hearing()
    campaign_id, members = campaign_of(hearing, [L.COAL_ASH] * 2 + [L.COAL_ASH_CRIMINAL])
    other_id, others = campaign_of(hearing, [L.CONCERNS] * 2, 10)
    alone = send(hearing, L.PERMITTING_PROPOSAL, 20)
    browser = signed_in_client(app)

    page = browser.get(f"/staff/hearings/{hearing.id}/queue?campaign={campaign_id}&status=")

    assert page.status_code == 200
    for member in members:
        assert member.tracking_number in page.text
    for outsider in [*others, alone]:
        assert outsider.tracking_number not in page.text
    assert page.text.count(f'href="/staff/campaigns/{campaign_id}"') >= 3
    assert page.text.count(f"Campaign C-{campaign_id}: 3 letters") == 3
    assert f'<option selected value="{campaign_id}">Campaign C-{campaign_id}</option>' in page.text
    for unknown in ["4242", str(2**40), "-1", "C-1"]:  # no such campaign here: unfiltered
        response = browser.get(f"/staff/hearings/{hearing.id}/queue?campaign={unknown}")
        assert response.status_code == 200 and alone.tracking_number in response.text

    everything = browser.get(f"/staff/hearings/{hearing.id}/queue")
    assert f"Campaign C-{other_id}: 2 letters" in everything.text
    assert alone.tracking_number in everything.text


@pytest.mark.parametrize("too_large", ["2147483648", "9999999999"])
def test_a_campaign_filter_past_the_id_range_is_ignored_on_every_database(app, db, too_large):
    hearing = make_hearing()
    browser = signed_in_client(app)

    response = browser.get(f"/staff/hearings/{hearing.id}/queue?campaign={too_large}")

    assert response.status_code == 200


def test_a_visitor_is_sent_to_sign_in_and_changes_nothing(app, client, db):
    hearing = make_hearing()
    campaign_id, _ = campaign_of(hearing, [L.COAL_ASH] * 2)
    db.session.commit()
    before = snapshot(db)

    visitor = client.get(page_url(campaign_id))
    posted = client.post(f"{page_url(campaign_id)}/decide", data={"action": "approved"})

    assert visitor.status_code == 302
    assert visitor.headers["Location"].startswith("/staff/login?next=/staff/campaigns/")
    assert posted.status_code in (302, 400)
    assert snapshot(db) == before
    # Roles are ranked (moderator < clerk < admin): no staff role is below a moderator's.
    clerk = signed_in_client(app, make_staff_user(Role.CLERK))
    assert clerk.get(page_url(campaign_id)).status_code == 200


def test_a_letter_taken_out_can_be_put_back_from_its_review_page(app, db):
    hearing = make_hearing()
    campaign_id, members = campaign_of(hearing, [L.CRUDE_EXPORT] * 3)
    browser = signed_in_client(app)
    member = members[0]
    post(browser, campaign_id, f"members/{member.id}/split", {})
    db.session.expire_all()
    assert db.session.get(Testimony, member.id).kept_apart

    page = browser.get(f"/staff/testimony/{member.id}")
    assert "took this letter out of its campaign" in page.text
    response = browser.post(
        f"/staff/testimony/{member.id}/campaign/put-back",
        data={"csrf_token": csrf_token_from(page.text)},
    )
    assert response.status_code == 303
    db.session.expire_all()
    back = db.session.get(Testimony, member.id)
    assert not back.kept_apart and back.campaign_id == campaign_id
    assert "Campaign C-" in browser.get(f"/staff/testimony/{member.id}").text
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "campaign.member_put_back" in actions
