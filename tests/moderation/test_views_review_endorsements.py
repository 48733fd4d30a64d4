"""The review page shows what a moderator approves besides the text: the organisations the
sender names (published with it, as written) and the registered organisations' sign-ons."""

from __future__ import annotations

from app.endorsements.services import endorse
from app.platform.timezones import utcnow
from tests.endorsements.helpers import published
from tests.factories import make_hearing, make_organisation, make_testimony, signed_in_client


def test_a_moderator_sees_the_names_the_sender_gave_escaped(app, db):
    testimony = make_testimony(make_hearing(), endorsed_by=("<b>Bold Group</b>",)).testimony
    db.session.commit()

    page = signed_in_client(app).get(f"/staff/testimony/{testimony.id}").text

    assert (
        "Endorsing organizations, as stated by the sender: <bdi>&lt;b&gt;Bold Group&lt;/b&gt;</bdi>"
        in page
    )
    assert "published with the testimony once it is approved" in page


def test_a_moderator_sees_registered_sign_ons(app, db):
    testimony = published(make_hearing())
    endorse(make_organisation(name="Digital Fourth"), testimony, now=utcnow(), actor="api_key:1")
    db.session.commit()
    page = signed_in_client(app).get(f"/staff/testimony/{testimony.id}").text
    assert "Signed on by registered organizations: <bdi>Digital Fourth</bdi>" in page


def test_testimony_without_endorsements_has_no_such_section(app, db):
    testimony = make_testimony(make_hearing()).testimony
    db.session.commit()
    page = signed_in_client(app).get(f"/staff/testimony/{testimony.id}").text
    assert "<h2>Endorsements</h2>" not in page
