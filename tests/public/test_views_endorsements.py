"""The public hearing page lists, under each published testimony, the registered
organisations signed on to it (and to its campaign's letter) apart from the organisations its
sender named, escaped and with right-to-left names isolated."""

from __future__ import annotations

import re

from app.campaigns.models import Campaign
from app.endorsements.services import endorse
from app.platform.timezones import utcnow
from tests.endorsements.helpers import campaign_letters, published
from tests.factories import make_hearing, make_organisation, make_testimony

NOW = utcnow()
RTL = "جمعية الحقوق الرقمية"
REGISTERED = "Signed on by registered organizations:"
NAMED = "Endorsing organizations, as stated by the sender:"
CAMPAIGN = "Registered organizations signed on to this letter's campaign:"


def _article(page: str, testimony) -> str:
    match = re.search(
        rf'<article class="published" aria-labelledby="t-{testimony.id}">.*?</article>', page, re.S
    )
    assert match, "the testimony is not on the page"
    return match.group(0)


def test_each_testimony_shows_its_sign_ons_apart_from_the_names_its_sender_gave(client, db):
    hearing = make_hearing()
    testimony = published(hearing, endorsed_by=("<script>alert(1)</script>", RTL))
    plain = published(hearing, body="Cameras in the library are a step too far for our town.")
    endorse(make_organisation(name="Digital Fourth"), testimony, now=NOW, actor="api_key:1")
    db.session.commit()

    page = client.get(f"/hearings/{hearing.id}").text

    shown = _article(page, testimony)
    assert f"{REGISTERED} <bdi>Digital Fourth</bdi>" in shown
    assert f"{NAMED} <bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>; <bdi>{RTL}</bdi>" in shown
    assert "<script>alert(1)" not in page
    assert "endorsements" not in _article(page, plain)


def test_names_on_testimony_awaiting_review_are_not_published(client, db):
    hearing = make_hearing()
    make_testimony(hearing, endorsed_by=("Unreviewed Group",))
    db.session.commit()
    assert "Unreviewed Group" not in client.get(f"/hearings/{hearing.id}").text


def test_a_campaign_letter_shows_the_organisations_signed_on_to_its_campaign(client, db):
    hearing = make_hearing()
    letters = campaign_letters(hearing, approved=2)
    campaign = db.session.get(Campaign, letters[0].campaign_id)
    endorse(make_organisation(name="Fight for the Future"), campaign, now=NOW, actor="api_key:1")
    db.session.commit()

    page = client.get(f"/hearings/{hearing.id}").text

    # The campaign's letter is shown once, with its sign-ons once.
    match = re.search(
        rf'<article class="published campaign-letter" aria-labelledby="c-{campaign.id}">.*?'
        r"</article>",
        page,
        re.S,
    )
    assert match, "the campaign's letter is not on the page"
    assert f"{CAMPAIGN} <bdi>Fight for the Future</bdi>" in match.group(0)
    assert page.count("Fight for the Future") == 1
