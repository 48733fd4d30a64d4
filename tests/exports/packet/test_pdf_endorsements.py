"""Endorsing organisations in the packet, read back from the PDF: registered organisations'
sign-ons beside each testimony and each campaign's letter, and the organisations a sender
named, printed as the sender's statement; hostile and right-to-left names printed as typed,
the line around them kept in order."""

from __future__ import annotations

from app.accounts.models import Role
from app.campaigns.models import Campaign
from app.endorsements.services import endorse, withdraw_endorsement
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from tests.endorsements.helpers import campaign_letters, published
from tests.exports.packet.test_campaigns import export
from tests.exports.packet.test_pdf import page_texts
from tests.factories import make_hearing, make_organisation, make_staff_user

HEBREW = "שלום עכשיו"
HOSTILE = "<script>alert(1)</script> {{ 7*7 }}"


def test_a_testimony_is_printed_with_its_sign_ons_and_the_names_its_sender_gave(db):
    now = utcnow()
    hearing = make_hearing(now=now)
    testimony = published(hearing, endorsed_by=("Mass Fair Housing", HOSTILE, HEBREW))
    endorse(make_organisation(name="Digital Fourth"), testimony, now=now, actor="api_key:1")
    leaving = make_organisation(name="Gone Group")
    endorse(leaving, testimony, now=now, actor="api_key:1")
    withdraw_endorsement(leaving, testimony, now=now, actor="api_key:1")
    _db.session.commit()

    _packet, data = export(hearing, make_staff_user(Role.CLERK))

    text = " ".join(page_texts(data))
    assert "Signed on by Digital Fourth" in text
    assert "Gone Group" not in text
    # Our words come first and last, the names between in the order given; the Hebrew name
    # is drawn right to left (extracted text shows its letters, not their reading order).
    start = text.index(f"Endorsed by Mass Fair Housing · {HOSTILE} · ")
    rest = text[start : start + 150]
    assert "as stated by the sender)" in rest
    assert set(HEBREW.replace(" ", "")) <= set(rest)


def test_a_testimony_without_endorsements_prints_no_such_lines(db):
    hearing = make_hearing()
    published(hearing)
    _db.session.commit()
    _packet, data = export(hearing, make_staff_user(Role.CLERK))
    text = " ".join(page_texts(data))
    assert "Signed on by" not in text and "Endorsed by" not in text


def test_a_campaigns_letter_is_printed_with_the_organisations_signed_on_to_it(db):
    now = utcnow()
    hearing = make_hearing(now=now)
    letters = campaign_letters(hearing, approved=3)
    campaign = _db.session.get(Campaign, letters[0].campaign_id)
    endorse(make_organisation(name="Fight for the Future"), campaign, now=now, actor="api_key:1")
    endorse(make_organisation(name="Letter Friends"), letters[1], now=now, actor="api_key:1")
    _db.session.commit()

    _packet, data = export(hearing, make_staff_user(Role.CLERK))

    text = " ".join(page_texts(data))
    assert "Campaign C-" in text
    assert "Signed on by Fight for the Future" in text
    assert "signed on by Letter Friends" in text  # on the signatory's line


def test_testimony_an_organisation_sent_through_the_api_says_so(db):
    hearing = make_hearing()
    organisation = make_organisation(name="Digital Fourth")
    published(hearing, email="", organisation_id=organisation.id)
    _db.session.commit()

    _packet, data = export(hearing, make_staff_user(Role.CLERK))

    assert "Sent by Digital Fourth, through the API" in " ".join(page_texts(data))
