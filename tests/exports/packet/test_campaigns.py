"""Campaigns in the packet: printed once, with count, signatories and personal additions."""

from __future__ import annotations

from datetime import timedelta

from app.accounts.models import Role
from app.exports import jobs, services
from app.exports.models import ExportStatus, PacketKind
from app.moderation import services as moderation
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.testimony.models import Position, ReviewStatus
from tests.exports.packet.test_pdf import bookmarks, page_texts, text_pdf, upload
from tests.factories import make_hearing, make_staff_user, make_testimony, set_review_status

LETTER = (
    "Dear Councillors,\n\n"
    "I urge you to pass the ordinance banning face surveillance technology in Boston. "
    "Facial recognition misidentifies people of colour and women far more often than others. "
    "No vendor audit can fix a tool that lets the city track everyone who walks past a camera. "
    "Please vote yes and protect our privacy and our freedom to move around the city.\n\n"
    "Thank you."
)
PERSONAL = "As a nurse in Roslindale I see every day how being watched changes people."


def letters(hearing, now, count=4, **extra):
    made = []
    for n in range(count):
        body = LETTER if n != 2 else LETTER.replace("Thank you.", PERSONAL + "\n\nThank you.")
        made.append(
            make_testimony(
                hearing,
                now=now - timedelta(minutes=50 - n),
                full_name=f"Signer Number{n}",
                email=f"signer{n}@example.net",
                city="Roslindale",
                body=body,
                position=Position.SUPPORT if n != 3 else Position.NEUTRAL,
                **extra,
            ).testimony
        )
    return made


def export(hearing, clerk):
    packet = services.request_export(clerk, hearing, PacketKind.PACKET_PDF, now=utcnow())
    _db.session.commit()
    jobs.run(packet.id)
    _db.session.refresh(packet)
    assert packet.status is ExportStatus.READY, packet.error
    return packet, services.packet_path(packet).read_bytes()


def approve(testimonies):
    for t in testimonies:
        set_review_status(t, ReviewStatus.APPROVED)


def test_a_campaign_is_printed_once_with_its_signatories_and_their_own_words(db):
    now = utcnow()
    hearing = make_hearing(now=now)
    clerk = make_staff_user(Role.CLERK)
    members = letters(hearing, now)
    alone = make_testimony(hearing, now=now, body="Cameras keep our parks safe. Vote no.").testimony
    pending = make_testimony(
        hearing, now=now, full_name="Pending Person", email="p@example.net", body=LETTER
    ).testimony
    approve([*members, alone])
    _db.session.commit()
    assert len({t.campaign_id for t in [*members, pending]}) == 1
    assert members[0].campaign_id is not None and alone.campaign_id is None

    packet, data = export(hearing, clerk)
    texts = page_texts(data)
    printed = " ".join(texts)
    assert packet.item_count == 5  # every approved testimony counts, campaign members too
    assert printed.count("misidentifies people of colour") == 1  # the letter once
    assert f"Campaign C-{members[0].campaign_id}: 4 letters" in printed
    for member in members:
        assert member.tracking_number in printed
        assert member.full_name in printed
    assert printed.count(PERSONAL) == 1  # the one member's own sentence, in full
    assert "Pending Person" not in printed  # not approved: not a signatory
    assert alone.tracking_number in printed
    titles = [m.title for top in bookmarks(data) for m in top.children]
    assert any(t.startswith(f"Campaign C-{members[0].campaign_id}") for t in titles)
    # The cover's tallies count the members one by one, by their own position.
    assert "Support" in texts[0] and "Neutral" in texts[0]


def test_members_with_attachments_print_on_their_own_and_a_lone_approved_member_too(db):
    now = utcnow()
    hearing = make_hearing(now=now)
    clerk = make_staff_user(Role.CLERK)
    members = letters(hearing, now, count=3)
    with_file = make_testimony(
        hearing,
        now=now,
        full_name="Filer Person",
        email="filer@example.net",
        body=LETTER,
        uploads=(upload("study.pdf", text_pdf("STUDY PAGE")),),
    ).testimony
    approve([members[0], with_file])  # one approved plain member: no campaign to collapse
    _db.session.commit()
    assert with_file.campaign_id == members[0].campaign_id

    _packet, data = export(hearing, clerk)
    printed = " ".join(page_texts(data))
    assert "Campaign C-" not in printed
    assert printed.count("misidentifies people of colour") == 2
    assert "STUDY PAGE" in printed


def test_a_campaign_decision_and_a_later_rejection_change_what_is_printed(db):
    now = utcnow()
    hearing = make_hearing(now=now)
    clerk = make_staff_user(Role.CLERK)
    moderator = make_staff_user(Role.MODERATOR)
    members = letters(hearing, now, count=3)
    approve(members)
    moderation.decide(
        moderator,
        members[0],
        moderation.Decision(ReviewStatus.REJECTED, reason=moderation.RejectionReason.SPAM),
        expected=ReviewStatus.APPROVED,
        now=now,
    )
    _db.session.commit()
    packet, data = export(hearing, clerk)
    printed = " ".join(page_texts(data))
    assert packet.item_count == 2
    assert members[0].tracking_number not in printed
    assert "2 letters" in printed


def test_when_every_copy_is_personalised_the_shared_letter_is_printed_without_them(db):
    now = utcnow()
    hearing = make_hearing(now=now)
    clerk = make_staff_user(Role.CLERK)
    own = [
        "I ride the Orange Line to work every day.",
        "My daughter organises marches downtown.",
        "I run a corner shop in Hyde Park.",
    ]
    members = [
        make_testimony(
            hearing,
            now=now - timedelta(minutes=10 - n),
            full_name=f"Personal Writer{n}",
            email=f"writer{n}@example.net",
            body=LETTER.replace("Thank you.", sentence + "\n\nThank you."),
        ).testimony
        for n, sentence in enumerate(own)
    ]
    approve(members)
    _db.session.commit()
    assert len({t.campaign_id for t in members}) == 1

    _packet, data = export(hearing, clerk)
    printed = " ".join(page_texts(data))
    assert printed.count("misidentifies people of colour") == 1
    for sentence in own:  # each once: as its writer's own words, never as the shared letter
        assert printed.count(sentence) == 1
    assert printed.index("What signatories added or changed") < printed.index(own[0])


def test_a_signatory_who_rewords_the_letter_has_their_wording_printed(db):
    now = utcnow()
    hearing = make_hearing(now=now)
    clerk = make_staff_user(Role.CLERK)
    members = letters(hearing, now, count=3)
    turned = make_testimony(
        hearing,
        now=now,
        full_name="Turned Around",
        email="turned@example.net",
        body=LETTER.replace("Please vote yes", "Please vote no"),
    ).testimony
    approve([*members, turned])
    _db.session.commit()
    assert turned.campaign_id == members[0].campaign_id

    _packet, data = export(hearing, clerk)
    printed = " ".join(page_texts(data))
    assert "Please vote yes" in printed  # the letter, once
    assert "Please vote no and protect our privacy" in printed  # and how this signer put it
    assert "Reworded" in printed


def test_the_shared_letter_is_cut_by_sentence_never_by_matching_words(db):
    """A writer's own one-word line ("Roxbury") must not be cut out of the letter's words."""
    from app.exports.packet.campaigns import CampaignItem, campaign_entry
    from app.exports.packet.data import PacketEntry

    letter = "We, the residents of Roxbury and Dorchester, ask you to vote yes. Thank you."

    def entry(number, text):
        return PacketEntry(
            tracking_number=f"OT-{number}",
            name=f"Writer {number}",
            city="Boston",
            organization="",
            measure_number="Docket #0683",
            position="Support",
            received="2026-11-26 10:00",
            text=text,
            speaking="",
            attachments=(),
            resident=True,
            asked_to_speak=False,
        )

    members = [
        entry(1, letter + "\nRoxbury"),
        entry(2, letter + "\nMy street has three cameras."),
        entry(3, letter + "\nI am a teacher."),
    ]
    made = campaign_entry(CampaignItem(7, (1, 2, 3)), members, {1: "a", 2: "b", 3: "c"})
    assert made.text == letter
    assert made.signatories[0].personal_text == "Roxbury"
