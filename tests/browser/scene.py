"""The demo's hearings and testimony, plus what a browser test needs to reach every page:
staff accounts, a resident's receipt, an identity link, a finished packet."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.accounts.models import Role
from app.campaigns.models import Campaign
from app.demo import load_demo
from app.demo.following import FOLLOWER_EMAIL
from app.exports import jobs
from app.exports import services as exports
from app.exports.models import PacketKind
from app.following import links as following_links
from app.following.models import Follower
from app.hearings.actions import CommitteeAction
from app.hearings.models import Hearing
from app.platform.extensions import db
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.signins import identity as sign_in_identity
from app.signins.models import SignIn
from app.speaking import floor
from app.speaking import services as speaking
from app.speaking.models import OrderRule
from app.testimony import identity
from app.testimony.models import Position, ReviewStatus, SpeakingRequest, Testimony
from tests.browser.conftest import commit
from tests.factories import (
    give_totp,
    listed_language,
    make_admin,
    make_api_key,
    make_sign_in,
    make_staff_user,
    make_testimony,
    make_upload,
)


@dataclass
class Scene:
    # Plain values only: reading an attribute of a committed object would start a transaction
    # in the test, and on SQLite that holds the lock the server needs.
    admin: str  # e-mail addresses of staff accounts (password STAFF_PASSWORD)
    moderator: str
    moderator_id: int
    clerk: str
    guarded: str  # staff with a second factor, for the code page
    open_hearing: int
    held_hearing: int
    upcoming_hearing: int
    pending: int  # a pending testimony with an attachment
    receipt: str  # the private receipt token of `pending`
    identity_links: tuple[str, str]  # confirm and dispute paths for `pending`
    approved: int
    campaign: int
    published_campaign: int  # a campaign on the open hearing with published letters
    packet: int
    body: int
    committee: int
    measure: int
    language: int  # one of the body's interpreter languages, which `pending` asks for
    speaker: int  # `pending`'s sender on the published run sheet
    speaker_link: str  # "<speaker id>/<token>": the private link in their notice
    kiosk: str  # the open hearing's walk-in kiosk link
    sign_in_receipt: str  # the private receipt token of a sign-in on the open hearing
    sign_in_links: tuple[str, str]  # its confirm and dispute paths
    committee_action: int  # the demo's action on the ordinance (on `measure`'s page)
    # Paths of the demo follower's confirm, manage and unsubscribe links, and `pending`'s
    # "stop news of committee actions" link.
    follow_confirm: str
    follow_manage: str
    follow_unsubscribe: str
    follow_no_outcomes: str
    organisation: int  # a registered organisation with one working key
    api_key: int


def build_scene() -> Scene:
    now = utcnow()
    load_demo(now)
    hearings = {h.title: h for h in select_all(Hearing)}
    open_hearing = next(h for h in hearings.values() if h.is_accepting_testimony(now))
    held = next(h for h in hearings.values() if h.testimony_closes_at < now)
    upcoming = next(h for h in hearings.values() if h.testimony_opens_at > now)
    spanish = listed_language(open_hearing.committee.body, "es")
    receipt = make_testimony(
        open_hearing,
        full_name="Rosa Delgado",
        email="rosa.delgado@example.org",
        body="Las cámaras de reconocimiento facial no tienen lugar en nuestros barrios.",
        uploads=(make_upload("declaracion.pdf", pages=2),),
        interpreter_language_id=spanish.id,
        speaking_request=SpeakingRequest.IN_PERSON,
    )
    admin = make_admin(name="Avery Admin")
    moderator = make_staff_user(Role.MODERATOR, name="Morgan Moderator")
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk")
    guarded = make_staff_user(Role.MODERATOR, name="Gale Guarded")
    give_totp(guarded)
    campaign = max(select_all(Campaign), key=lambda c: c.id)
    speaker, speaker_link = _published_place(clerk, open_hearing, receipt.testimony.id, now)
    kiosk = floor.open_kiosk(clerk, open_hearing, now=now)
    sign_in = make_sign_in(
        open_hearing,
        full_name="Nguyễn Thị Lan",
        email="lan@example.org",
        positions=tuple((m.id, Position.SUPPORT) for m in open_hearing.measures),
    )
    sign_in_row = db.session.get(SignIn, sign_in.sign_in_id)
    api_key = make_api_key(bodies=[open_hearing.committee.body], issued_by=admin).key
    packet = exports.request_export(clerk, open_hearing, PacketKind.PACKET_PDF, now=now)
    commit()
    jobs.run(packet.id)
    measure = open_hearing.measures[0]
    committee = open_hearing.committee
    scene = Scene(
        admin=admin.email,
        moderator=moderator.email,
        moderator_id=moderator.id,
        clerk=clerk.email,
        guarded=guarded.email,
        open_hearing=open_hearing.id,
        held_hearing=held.id,
        upcoming_hearing=upcoming.id,
        pending=receipt.testimony.id,
        receipt=receipt.token,
        identity_links=(
            _identity_path(receipt.testimony, identity.CONFIRM),
            _identity_path(receipt.testimony, identity.DISPUTE),
        ),
        approved=_approved_testimony(open_hearing.id),
        published_campaign=_published_campaign(open_hearing.id),
        campaign=campaign.id,
        packet=packet.id,
        body=committee.body_id,
        committee=committee.id,
        measure=measure.id,
        language=spanish.id,
        speaker=speaker,
        speaker_link=speaker_link,
        kiosk=kiosk,
        sign_in_receipt=sign_in.token,
        sign_in_links=tuple(
            "/" + sign_in_identity.link(sign_in_row, purpose).split("://", 1)[1].split("/", 1)[1]
            for purpose in (sign_in_identity.CONFIRM, sign_in_identity.DISPUTE)
        ),
        committee_action=db.session.scalar(select(CommitteeAction.id).limit(1)),
        **_following_paths(receipt.testimony),
        organisation=api_key.organisation_id,
        api_key=api_key.id,
    )
    # End the test's transaction: on SQLite an open one would hold the lock the server needs.
    commit()
    return scene


def select_all(model):
    return list(db.session.scalars(select(model)))


def _following_paths(testimony: Testimony) -> dict[str, str]:
    follower = db.session.scalars(
        select(Follower).where(Follower.email_key == FOLLOWER_EMAIL)
    ).one()

    def path(url: str) -> str:
        return "/" + url.split("://", 1)[1].split("/", 1)[1]

    return {
        "follow_confirm": path(following_links.confirm_url(follower.follows[0], "all")),
        "follow_manage": path(following_links.follower_url(follower, following_links.MANAGE)),
        "follow_unsubscribe": path(
            following_links.follower_url(follower, following_links.UNSUBSCRIBE)
        ),
        "follow_no_outcomes": path(following_links.outcomes_url(testimony)),
    }


def _identity_path(testimony: Testimony, purpose: str) -> str:
    return f"/identity/{testimony.id}/{purpose}/{identity.link_token(testimony, purpose)}"


def _published_place(clerk, hearing: Hearing, testimony_id: int, now) -> tuple[int, str]:
    """Publish the hearing's run sheet; the speaker for the testimony and their notice link."""
    sheet = speaking.run_sheet(hearing)
    speaking.propose_order(
        clerk,
        hearing,
        rule=OrderRule.FIRST_COME,
        officials_first=False,
        group_interpreters=False,
        seen_version=sheet.version,
        now=now,
    )
    speaking.publish(clerk, hearing, seen_version=sheet.version, now=now)
    speaker = speaking.speaker_for_testimony(testimony_id)
    notice = db.session.scalar(
        select(OutboxMessage.body_text)
        .where(
            OutboxMessage.kind == "speaker_place",
            OutboxMessage.to_address == speaker.testimony.email,
        )
        .order_by(OutboxMessage.id.desc())
    )
    return speaker.id, notice.split("/speaking/")[1].split()[0]


def _published_campaign(hearing_id: int) -> int:
    return db.session.scalar(
        select(Testimony.campaign_id)
        .where(
            Testimony.hearing_id == hearing_id,
            Testimony.status == ReviewStatus.APPROVED,
            Testimony.campaign_id.is_not(None),
        )
        .limit(1)
    )


def _approved_testimony(hearing_id: int) -> int:
    return db.session.scalar(
        select(Testimony.id)
        .where(Testimony.hearing_id == hearing_id, Testimony.status == ReviewStatus.APPROVED)
        .limit(1)
    )
