"""The provenance card the packet prints beside a campaign's letter: it counts exactly the
letters printed there, and a confirmation after the export does not change the fingerprint."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from app.accounts.models import Role
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.testimony.models import QuarantineReason, ReviewStatus, Testimony
from tests.exports.packet.test_campaigns import LETTER, approve, export
from tests.exports.packet.test_pdf import page_texts, pdftotext
from tests.factories import make_hearing, make_staff_user, make_testimony


def test_the_packet_prints_each_campaigns_card_beside_its_letter(db):
    now = utcnow()
    hearing = make_hearing(now=now - timedelta(days=2))
    clerk = make_staff_user(Role.CLERK)
    towns = ["Boston", "City of Boston", "Cambridge", "القاهرة", "Q" * 100]
    members = [
        make_testimony(
            hearing,
            now=now - timedelta(hours=30) + timedelta(hours=6 * n),
            full_name=f"Signer Number{n}",
            email=f"signer{n}@{'mailinator.com' if n == 4 else 'example.net'}",
            city=town,
            body=LETTER,
        ).testimony
        for n, town in enumerate(towns)
    ]
    pending = make_testimony(
        hearing, now=now, full_name="Pending", email="p@example.net", body=LETTER
    ).testimony
    members[0].email_confirmed_at = now
    members[1].email_confirmed_at = now
    members[2].quarantine_reason = QuarantineReason.TOO_FAST
    approve(members)
    _db.session.commit()
    assert pending.campaign_id == members[0].campaign_id
    later = members[3].id

    packet, data = export(hearing, clerk)

    printed = " ".join(page_texts(data))
    assert "Where these letters came from" in printed
    assert "Counting the 5 approved letters printed here" in printed  # not the pending one
    assert "5 letters, 2 confirmed their e-mail, 4 towns, all within 24 hours" in printed
    text = pdftotext(data, "-layout")
    assert "Marked possibly automated" in text and "Throwaway e-mail addresses" in text
    assert "2 (counted as on the cover)" in text  # Boston twice; Cambridge is not the city
    assert "4 (Boston: 2 · Cambridge: 1" in text  # the most letters first; every name kept
    assert "Letters received per hour (local time)" in text
    assert "Hour starting and letters (periods with none left out)" in text

    # A sender confirming afterwards changes the card, not the fingerprint of the testimony.
    _db.session.execute(
        update(Testimony).where(Testimony.id == later).values(email_confirmed_at=utcnow())
    )
    _db.session.commit()
    again, data_again = export(hearing, clerk)
    assert again.content_sha256 == packet.content_sha256
    assert "3 confirmed their e-mail" in " ".join(page_texts(data_again))


def test_a_campaign_of_only_withdrawn_or_pending_letters_prints_no_card(db):
    now = utcnow()
    hearing = make_hearing(now=now - timedelta(days=1))
    clerk = make_staff_user(Role.CLERK)
    made = [
        make_testimony(
            hearing, now=now, full_name=f"S{n}", email=f"s{n}@example.net", body=LETTER
        ).testimony
        for n in range(3)
    ]
    approve(made[:1])
    made[1].status = ReviewStatus.PENDING
    _db.session.commit()

    _packet, data = export(hearing, clerk)

    assert "Where these letters came from" not in " ".join(page_texts(data))


def _signatory(received: str, offset_minutes: int):
    from app.exports.packet.campaigns import Signatory

    return Signatory(
        tracking_number="T",
        name="N",
        city="Boston",
        organization="",
        position="Support",
        received=received,
        speaking="",
        resident=True,
        asked_to_speak=False,
        personal_text="",
        reworded_text="",
        left_out=0,
        received_offset=offset_minutes,
    )


def test_the_packets_card_counts_real_hours_across_a_change_of_the_clocks(app):
    from app.campaigns.arrival_chart import bin_arrivals
    from app.campaigns.provenance import summary
    from app.exports.packet.campaigns import CampaignEntry, packet_card

    def card(*signatories):
        entry = CampaignEntry("C-1", "H.1", "T", "text", tuple(signatories))
        return packet_card(entry)

    with app.test_request_context():
        # Clocks go forward in Boston on 8 March 2026: 01:30 EST and 03:10 EDT are 40 minutes
        # apart, in two hours that follow each other (there is no 2 o'clock).
        forward = card(_signatory("2026-03-08 01:30", -300), _signatory("2026-03-08 03:10", -240))
        assert summary(forward).endswith("all within 1 hour")
        assert [b.letters for b in bin_arrivals(forward.arrivals).bins] == [1, 1]
        # Clocks go back on 1 November 2026: 01:30 EDT came before 01:20 EST.
        back = card(_signatory("2026-11-01 01:20", -300), _signatory("2026-11-01 01:30", -240))
        assert back.first.strftime("%H:%M") == "01:30" and back.last.strftime("%H:%M") == "01:20"
        assert [b.letters for b in bin_arrivals(back.arrivals).bins] == [1, 1]
