"""The public hearing page shows a form-letter campaign once, as its published letter with how
many people sent it and their names; a campaign's own page lists everyone a page at a time with
the words each added. Filters by measure and position; paging never repeats or skips."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import event

from app.campaigns.models import Campaign
from app.endorsements.services import endorse
from app.moderation.models import Redaction
from app.platform.timezones import utcnow
from app.public import listing
from app.testimony.models import Position, ReviewStatus
from tests.factories import (
    make_committee,
    make_hearing,
    make_measure,
    make_organisation,
    make_staff_user,
    make_testimony,
    set_review_status,
)

LETTER = (
    "As a resident of Massachusetts, I urge you to pass a moratorium on government use of face "
    "surveillance. This technology is dangerously inaccurate and threatens our right to speak "
    "and assemble freely."
)
OWN_SENTENCE = "My daughter was wrongly stopped by a camera at the station last spring."
START = utcnow() - timedelta(hours=2)


def letter(hearing, name, *, status=ReviewStatus.APPROVED, body=LETTER, at=0, **overrides):
    """A testimony received `at` seconds after START, put in `status`."""
    testimony = make_testimony(
        hearing, full_name=name, body=body, now=START + timedelta(seconds=at), **overrides
    ).testimony
    if status is not ReviewStatus.PENDING:
        set_review_status(testimony, status)
    return testimony


def own(n: int) -> str:
    """A text of its own: too short to be grouped with anything it is not identical to."""
    return f"My own view, number {n}."


def published_section(page: str) -> str:
    start = page.index('id="published-heading"')
    return page[start : page.index("</section>", start)]


def campaign_article(page: str, campaign_id: int) -> str:
    match = re.search(
        rf'<article class="published campaign-letter" aria-labelledby="c-{campaign_id}">.*?'
        r"</article>",
        page,
        re.S,
    )
    assert match, "the campaign's letter is not on the page"
    return match.group(0)


def test_a_campaign_is_shown_once_counting_only_its_published_letters(client, db):
    hearing = make_hearing(now=START)
    sent = [letter(hearing, f"Sender {n}", at=n) for n in range(3)]
    letter(hearing, "Waiting Person", status=ReviewStatus.PENDING, at=10)
    letter(hearing, "Gone Person", status=ReviewStatus.WITHDRAWN, at=11)
    letter(hearing, "Refused Person", status=ReviewStatus.REJECTED, at=12)
    db.session.commit()
    assert len({t.campaign_id for t in sent}) == 1

    page = unescape(client.get(f"/hearings/{hearing.id}").text)

    shown = published_section(page)
    assert shown.count(LETTER) == 1
    article = campaign_article(page, sent[0].campaign_id)
    assert "A letter sent by 3 people" in article
    assert "Sent by 3 people" in article
    for n in range(3):
        assert f">Sender {n}</bdi>" in article
    for hidden in ("Waiting Person", "Gone Person", "Refused Person"):
        assert hidden not in page
    # The counts above are the hearing's, as before.
    assert "3 testimonies have been reviewed and published." in page


def test_under_confirmed_only_an_unconfirmed_member_is_neither_counted_nor_named(client, db):
    hearing = make_hearing(now=START, confirmed_only=True)
    members = [letter(hearing, f"Sender {n}", at=n) for n in range(3)]
    letter(hearing, "Unconfirmed Person", at=5)
    for member in members:
        member.email_confirmed_at = START
    db.session.commit()

    page = client.get(f"/hearings/{hearing.id}").text

    assert "A letter sent by 3 people" in campaign_article(page, members[0].campaign_id)
    assert "Unconfirmed Person" not in page


def test_a_campaign_with_one_published_letter_is_shown_as_a_letter_of_its_own(client, db):
    hearing = make_hearing(now=START)
    only = letter(hearing, "Only Published", at=0)
    letter(hearing, "Still Waiting", status=ReviewStatus.PENDING, at=1)
    db.session.commit()
    assert only.campaign_id is not None

    page = client.get(f"/hearings/{hearing.id}").text

    assert f'<article class="published" aria-labelledby="t-{only.id}">' in page
    assert "A letter sent by" not in page
    assert ">Only Published</bdi>" in page
    assert "Still Waiting" not in page


def test_an_unpublished_representative_is_never_shown_nor_named(client, db):
    hearing = make_hearing(now=START)
    members = [letter(hearing, f"Sender {n}", at=n) for n in range(2)]
    secret = letter(
        hearing,
        "Pending Author",
        status=ReviewStatus.PENDING,
        body=f"{LETTER} {OWN_SENTENCE}",
        at=5,
    )
    campaign = db.session.get(Campaign, members[0].campaign_id)
    assert secret.campaign_id == campaign.id
    campaign.representative_id = secret.id
    db.session.commit()

    for path in (f"/hearings/{hearing.id}", f"/hearings/{hearing.id}/campaigns/{campaign.id}"):
        page = unescape(client.get(path).text)
        assert LETTER in page
        assert OWN_SENTENCE not in page
        assert "Pending Author" not in page
        assert "sent by 2 people" in page


def test_the_letter_shown_is_the_published_text_with_redactions_applied(client, db):
    hearing = make_hearing(now=START)
    members = [letter(hearing, f"Sender {n}", at=n) for n in range(2)]
    start = LETTER.index("Massachusetts")
    for member in members:
        db.session.add(
            Redaction(
                testimony_id=member.id,
                testimony_version=member.version,
                start_offset=start,
                end_offset=start + len("Massachusetts"),
                created_by_id=make_staff_user().id,
            )
        )
    db.session.commit()

    for path in (
        f"/hearings/{hearing.id}",
        f"/hearings/{hearing.id}/campaigns/{members[0].campaign_id}",
    ):
        page = client.get(path).text
        assert "As a resident of [redacted], I urge" in page
        assert "Massachusetts" not in page


def test_names_are_paged_on_the_campaigns_own_page(client, db, monkeypatch):
    monkeypatch.setattr(listing, "NAMES_SHOWN", 2)
    monkeypatch.setattr(listing, "NAMES_PAGE", 2)
    hearing = make_hearing(now=START)
    members = [letter(hearing, f"Sender {n}", at=n) for n in range(5)]
    db.session.commit()
    campaign_id = members[0].campaign_id

    page = client.get(f"/hearings/{hearing.id}").text
    article = campaign_article(page, campaign_id)
    assert re.findall(r"<li id=\"member-(\d+)\"", article) == [
        str(members[0].id),
        str(members[1].id),
    ]
    link = f'href="/hearings/{hearing.id}/campaigns/{campaign_id}"'
    assert f"{link}>All 5 people who sent this letter</a>" in article

    seen: list[str] = []
    path = f"/hearings/{hearing.id}/campaigns/{campaign_id}"
    for _ in range(5):
        response = client.get(path)
        assert response.status_code == 200
        assert "A letter sent by 5 people" in response.text
        seen += re.findall(r'<li id="member-\d+"><bdi dir="auto">([^<]+)</bdi>', response.text)
        more = re.search(r'href="([^"]+)#signers-heading">More names</a>', response.text)
        if more is None:
            break
        path = unescape(more.group(1))
    assert seen == [f"Sender {n}" for n in range(5)]


def test_a_member_who_added_words_is_pointed_to_and_their_words_are_shown(client, db):
    hearing = make_hearing(now=START)
    members = [letter(hearing, f"Sender {n}", at=n) for n in range(2)]
    added = letter(hearing, "Added Words", body=f"{LETTER} {OWN_SENTENCE}", at=3)
    db.session.commit()
    campaign_id = members[0].campaign_id
    assert added.campaign_id == campaign_id

    page = unescape(client.get(f"/hearings/{hearing.id}").text)
    article = campaign_article(page, campaign_id)
    assert "A letter sent by 3 people" in article
    assert "1 of them added their own words to the letter or changed it." in article
    assert OWN_SENTENCE not in article
    assert (
        f'href="/hearings/{hearing.id}/campaigns/{campaign_id}#own-{added.id}">'
        "added their own words</a>"
    ) in article

    own_page = unescape(client.get(f"/hearings/{hearing.id}/campaigns/{campaign_id}").text)
    block = own_page[own_page.index(f'id="own-{added.id}"') :]
    assert "Their own words:" in block
    assert OWN_SENTENCE in block[: block.index("</div>")]
    assert own_page.count('class="own-words"') == 1


def _items(html: str) -> list[str]:
    return re.findall(r'<article class="published[^"]*" aria-labelledby="([tc]-\d+)"', html)


def test_paging_through_campaigns_and_single_letters_repeats_and_skips_nothing(
    client, db, monkeypatch
):
    monkeypatch.setattr(listing, "PAGE_SIZE", 3)
    hearing = make_hearing(now=START)
    other = "Stop the cameras on Main Street now, they watch everyone who walks to work daily."
    expected = []
    a = [letter(hearing, "A first", at=1)]
    expected.append(("c", a[0]))
    expected.append(("t", letter(hearing, "Single 1", body=own(1), at=2)))
    b = [letter(hearing, "B first", body=other, at=3)]
    expected.append(("c", b[0]))
    a.append(letter(hearing, "A second", at=4))
    expected.append(("t", letter(hearing, "Single 2", body=own(2), at=4)))
    # Two letters received at the same moment keep the order of their ids.
    expected.append(("t", letter(hearing, "Single 3", body=own(3), at=5)))
    expected.append(("t", letter(hearing, "Single 4", body=own(4), at=5)))
    b.append(letter(hearing, "B second", body=other, at=6))
    a.append(letter(hearing, "A third", at=7))
    expected.append(("t", letter(hearing, "Single 5", body=own(5), at=8)))
    db.session.commit()
    assert a[0].campaign_id != b[0].campaign_id
    assert {t.campaign_id for t in a} == {a[0].campaign_id}

    names = [f"{kind}-{t.campaign_id if kind == 'c' else t.id}" for kind, t in expected]
    seen: list[str] = []
    path = f"/hearings/{hearing.id}"
    for _ in range(10):
        html = client.get(path).text
        seen += _items(html)
        more = re.search(r'href="([^"]+)#published-heading">More testimony</a>', html)
        if more is None:
            break
        path = unescape(more.group(1))
    assert seen == names


def test_filters_by_measure_and_position_keep_their_choice_across_pages(client, db, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 1)
    committee = make_committee()
    house = make_measure(committee, number="H.1538", title="Moratorium")
    senate = make_measure(committee, number="S.927", title="Moratorium")
    hearing = make_hearing(committee=committee, measures=0, now=START)
    hearing.measures = [house, senate]
    db.session.flush()
    both = ((house.id, Position.SUPPORT), (senate.id, Position.OPPOSE))
    split = letter(hearing, "Ada Both", body=own(1), at=1, measures=both)
    house_only = letter(
        hearing, "Ben House", body=own(2), at=2, measures=((house.id, Position.OPPOSE),)
    )
    senate_only = letter(
        hearing, "Cy Senate", body=own(3), at=3, measures=((senate.id, Position.NEUTRAL),)
    )
    db.session.commit()

    def listed(query: str) -> list[str]:
        seen, path = [], f"/hearings/{hearing.id}?{query}"
        for _ in range(5):
            html = client.get(path).text
            seen += _items(html)
            more = re.search(r'href="([^"]+)#published-heading">More testimony</a>', html)
            if more is None:
                return seen
            path = unescape(more.group(1))
            assert query.split("&")[0] in path
        return seen

    def ids(*testimonies) -> list[str]:
        return [f"t-{t.id}" for t in testimonies]

    assert listed(f"measure={senate.id}&position=oppose") == ids(split)
    assert listed(f"measure={house.id}&position=oppose") == ids(house_only)
    assert listed(f"measure={house.id}") == ids(split, house_only)
    assert listed("position=oppose") == ids(split, house_only)
    assert listed("position=neutral") == ids(senate_only)

    page = client.get(f"/hearings/{hearing.id}?measure={senate.id}&position=support").text
    assert "No published testimony matches these choices." in page
    assert f'<option value="{senate.id}" selected>S.927</option>' in page
    assert '<option value="support" selected>Support</option>' in page
    # The tallies stay the hearing's whatever is chosen.
    assert "Published testimony on H.1538: support 1, oppose 1, neutral 0." in page
    assert '<label class="label" for="filter-measure">Measure</label>' in page
    assert '<label class="label" for="filter-position">Position</label>' in page


@pytest.mark.parametrize("query", ["measure=999999", "position=maybe", "measure=abc"])
def test_a_filter_the_page_does_not_offer_is_left_out_and_said_so(client, db, query):
    hearing = make_hearing(now=START)
    shown = letter(hearing, "Ada Lovelace", body=own(1))
    db.session.commit()

    response = client.get(f"/hearings/{hearing.id}?{query}")

    assert response.status_code == 200
    assert "Part of that choice is not one this page offers, so it was left out." in response.text
    assert f'aria-labelledby="t-{shown.id}"' in response.text


def test_a_filter_narrows_a_campaigns_count_to_the_letters_that_match(client, db, monkeypatch):
    monkeypatch.setattr(listing, "NAMES_SHOWN", 2)
    hearing = make_hearing(now=START)
    members = [letter(hearing, f"Sender {n}", at=n) for n in range(3)]
    letter(hearing, "Neutral Sender", at=5, position=Position.NEUTRAL)
    db.session.commit()
    campaign_id = members[0].campaign_id

    page = client.get(f"/hearings/{hearing.id}?position=support").text

    article = campaign_article(page, campaign_id)
    assert "A letter sent by 3 people" in article
    assert "Neutral Sender" not in article
    assert f"/campaigns/{campaign_id}?position=support" in article
    own_page = client.get(f"/hearings/{hearing.id}/campaigns/{campaign_id}?position=support").text
    assert "A letter sent by 3 people" in own_page
    assert "Neutral Sender" not in own_page
    assert "A letter sent by 4 people" in client.get(f"/hearings/{hearing.id}").text


def test_names_and_text_are_escaped_and_isolated(client, db):
    hearing = make_hearing(now=START)
    script = "<script>alert(1)</script>"
    arabic = "ليلى عبد الله"
    body = f"{LETTER} <b>bold</b>"
    members = [
        letter(hearing, script, body=body, at=0),
        letter(hearing, arabic, body=body, at=1, organization="<img src=x onerror=alert(1)>"),
    ]
    db.session.commit()
    campaign_id = members[0].campaign_id

    for path in (f"/hearings/{hearing.id}", f"/hearings/{hearing.id}/campaigns/{campaign_id}"):
        page = client.get(path).text
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page
        assert "<b>bold</b>" not in page
        assert '<bdi dir="auto">&lt;script&gt;alert(1)&lt;/script&gt;</bdi>' in page
        assert f'<bdi dir="auto">{arabic}</bdi>' in page
        assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_a_campaign_page_is_found_only_for_a_campaign_with_published_letters_here(client, db):
    hearing = make_hearing(now=START)
    other_hearing = make_hearing(now=START)
    published = [letter(hearing, f"Sender {n}", at=n) for n in range(2)]
    waiting = [
        letter(other_hearing, f"Waiting {n}", status=ReviewStatus.PENDING, at=n) for n in range(2)
    ]
    db.session.commit()
    campaign_id = published[0].campaign_id

    assert client.get(f"/hearings/{hearing.id}/campaigns/{campaign_id}").status_code == 200
    assert client.get(f"/hearings/{other_hearing.id}/campaigns/{campaign_id}").status_code == 404
    waiting_path = f"/hearings/{other_hearing.id}/campaigns/{waiting[0].campaign_id}"
    assert client.get(waiting_path).status_code == 404
    assert client.get(f"/hearings/{hearing.id}/campaigns/999999").status_code == 404
    # A page cursor that is not one of ours starts from the first name.
    for after in ("abc", "-1", "99999999999", "0", "²", "٣", "1e3", " 1", "\x00"):
        response = client.get(f"/hearings/{hearing.id}/campaigns/{campaign_id}?after={after}")
        assert response.status_code == 200
        assert ">Sender 0</bdi>" in response.text
    assert client.get(f"/hearings/{hearing.id}?after=not-a-cursor").status_code == 200


def _statements(db, client, path: str) -> int:
    count = 0

    def counted(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    return count


def test_a_page_costs_the_same_queries_whatever_a_campaigns_size(client, db):
    small, large = make_hearing(now=START), make_hearing(now=START)
    for hearing, size in ((small, 3), (large, 30)):
        for n in range(size):
            letter(hearing, f"Sender {n}", at=n)
        letter(hearing, "Alone", body=own(1), at=100)
    db.session.commit()

    assert _statements(db, client, f"/hearings/{small.id}") == _statements(
        db, client, f"/hearings/{large.id}"
    )
    small_campaign = db.session.scalar(
        Campaign.__table__.select()
        .where(Campaign.hearing_id == small.id)
        .with_only_columns(Campaign.id)
    )
    large_campaign = db.session.scalar(
        Campaign.__table__.select()
        .where(Campaign.hearing_id == large.id)
        .with_only_columns(Campaign.id)
    )
    assert _statements(db, client, f"/hearings/{small.id}/campaigns/{small_campaign}") == (
        _statements(db, client, f"/hearings/{large.id}/campaigns/{large_campaign}")
    )


def test_each_senders_own_endorsements_are_listed_under_their_name_on_the_campaigns_page(
    client, db
):
    hearing = make_hearing(now=START)
    members = [letter(hearing, f"Sender {n}", at=n) for n in range(2)]
    named = letter(hearing, "Named Endorser", at=3, endorsed_by=("Neighbours <b>United</b>",))
    endorse(make_organisation(name="Digital Fourth"), members[1], now=START, actor="api_key:1")
    db.session.commit()
    campaign_id = members[0].campaign_id

    hearing_page = client.get(f"/hearings/{hearing.id}").text
    # One sender's endorsements are not shown as the whole campaign's.
    assert "Digital Fourth" not in hearing_page
    assert "Neighbours" not in hearing_page
    page = client.get(f"/hearings/{hearing.id}/campaigns/{campaign_id}").text

    def entry(testimony) -> str:
        start = page.index(f'<li id="member-{testimony.id}">')
        return page[start : page.index("</li>", start)]

    assert "Signed on by registered organizations: <bdi>Digital Fourth</bdi>" in entry(members[1])
    assert "Neighbours &lt;b&gt;United&lt;/b&gt;" in entry(named)
    assert "Digital Fourth" not in entry(members[0])


def signer_line(page: str, testimony_id: int) -> str:
    match = re.search(rf'<li id="member-{testimony_id}">.*?</li>', page, re.S)
    assert match, "the sender is not named on the page"
    return unescape(match.group(0))


def test_a_sender_who_took_another_position_is_not_shown_as_taking_the_letters(client, db):
    hearing = make_hearing(now=START, measures=2)
    house, senate = hearing.measures
    on_house = ((house.id, Position.SUPPORT),)
    members = [letter(hearing, f"Sender {n}", at=n, measures=on_house) for n in range(3)]
    neutral = letter(hearing, "Neutral Sender", at=5, measures=((house.id, Position.NEUTRAL),))
    split = letter(
        hearing,
        "Split Sender",
        at=6,
        measures=((house.id, Position.SUPPORT), (senate.id, Position.OPPOSE)),
    )
    db.session.commit()
    campaign_id = members[0].campaign_id
    assert {neutral.campaign_id, split.campaign_id} == {campaign_id}

    for url in (f"/hearings/{hearing.id}", f"/hearings/{hearing.id}/campaigns/{campaign_id}"):
        page = client.get(url).text
        assert "Support" not in signer_line(page, members[1].id)
        assert f"{house.number}: Neutral" in signer_line(page, neutral.id)
        both = signer_line(page, split.id)
        assert f"{house.number}: Support" in both and f"{senate.number}: Oppose" in both
