"""The speaker list before the hearing: proposing, adjusting, publishing, confirming and
cancelling, on the real services and database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.platform.audit import AuditEvent
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.speaking import floor, services
from app.speaking.models import SpeakerMode, SpeakerStatus
from app.testimony import services as testimony_services
from app.testimony.models import Position, ReviewStatus, SpeakingRequest
from app.testimony.submissions import Amendment
from tests.factories import make_hearing, make_staff_user, set_review_status
from tests.speaking.helpers import names, propose, sign_up, version


def _mail(db, to: str) -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == to, OutboxMessage.kind.like("speaker_%"))
        .order_by(OutboxMessage.id)
    ).all()


def _actions(db, action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def clerk(db):
    return make_staff_user(Role.CLERK, name="Casey Clerk")


def test_first_come_order_with_a_waitlist_and_windows(db, clerk):
    hearing = make_hearing(max_speakers=2, speaker_minutes=4)
    for minutes, name in ((30, "Ana Reyes"), (20, "Bo Chen"), (10, "Cy Dubois")):
        sign_up(hearing, name, minutes_ago=minutes)
    propose(clerk, hearing)
    everyone = services.speakers(hearing)
    assert names(everyone) == ["Ana Reyes", "Bo Chen", "Cy Dubois"]
    assert [s.status for s in everyone] == [
        SpeakerStatus.WAITING,
        SpeakerStatus.WAITING,
        SpeakerStatus.WAITLISTED,
    ]
    assert [s.place for s in everyone] == [1, 2, 3]
    first, second, waitlisted = everyone
    assert first.window_starts_at == hearing.starts_at
    assert second.window_starts_at == hearing.starts_at + timedelta(minutes=4)
    assert second.window_ends_at == second.window_starts_at + timedelta(minutes=4) + (
        services.WINDOW_SLACK
    )
    assert waitlisted.window_starts_at is None
    [event] = _actions(db, "run_sheet.proposed")
    assert event.data["waitlisted"] == 1


def test_officials_are_not_counted_against_the_maximum(db, clerk):
    hearing = make_hearing(max_speakers=1)
    sign_up(hearing, "Ana Reyes", minutes_ago=30)
    sign_up(hearing, "Bo Chen", minutes_ago=20)
    propose(clerk, hearing)
    official = services.speakers(hearing)[1]
    services.update_speaker(
        clerk, hearing, official.id, services.SpeakerDetails(True, None), now=utcnow()
    )
    propose(clerk, hearing, officials_first=True)
    everyone = services.speakers(hearing)
    assert names(everyone) == ["Bo Chen", "Ana Reyes"]
    assert {s.status for s in everyone} == {SpeakerStatus.WAITING}


def test_new_sign_ups_and_withdrawals_reach_the_list(db, clerk):
    hearing = make_hearing()
    ana = sign_up(hearing, "Ana Reyes", minutes_ago=30)
    sign_up(hearing, "Bo Chen", minutes_ago=20)
    propose(clerk, hearing)
    sign_up(hearing, "Cy Dubois", minutes_ago=5)
    testimony_services.withdraw_testimony(ana, now=utcnow(), seen_version=ana.version)
    assert services.changes_waiting(hearing) == 2
    services.refresh(clerk, hearing, now=utcnow())
    everyone = services.speakers(hearing)
    assert names(everyone) == ["Bo Chen", "Cy Dubois", "Ana Reyes"]
    assert [s.place for s in everyone] == [1, 2, None]
    assert everyone[2].status is SpeakerStatus.CANCELLED
    assert services.changes_waiting(hearing) == 0


def test_a_remote_request_and_an_interpreter_are_copied(db, clerk):
    hearing = make_hearing()
    sign_up(
        hearing,
        "Ana Reyes",
        minutes_ago=5,
        speaking_request=SpeakingRequest.REMOTE,
        interpreter_language="Tigrinya",
    )
    propose(clerk, hearing)
    [speaker] = services.speakers(hearing)
    assert speaker.mode is SpeakerMode.REMOTE
    assert speaker.interpreter_label("en") == "Tigrinya"
    assert not speaker.is_walk_in


def test_moves_and_reorder(db, clerk):
    hearing = make_hearing()
    for minutes, name in ((30, "Ana Reyes"), (20, "Bo Chen"), (10, "Cy Dubois")):
        sign_up(hearing, name, minutes_ago=minutes)
    propose(clerk, hearing)
    ana, bo, cy = services.speakers(hearing)
    services.move(clerk, hearing, cy.id, steps=-1, seen_version=version(hearing), now=utcnow())
    assert names(services.speakers(hearing)) == ["Ana Reyes", "Cy Dubois", "Bo Chen"]
    services.move(clerk, hearing, ana.id, steps=-1, seen_version=version(hearing), now=utcnow())
    assert names(services.speakers(hearing)) == ["Ana Reyes", "Cy Dubois", "Bo Chen"]
    services.reorder(
        clerk, hearing, [bo.id, ana.id, cy.id], seen_version=version(hearing), now=utcnow()
    )
    everyone = services.speakers(hearing)
    assert names(everyone) == ["Bo Chen", "Ana Reyes", "Cy Dubois"]
    assert [s.place for s in everyone] == [1, 2, 3]
    assert everyone[0].window_starts_at == hearing.starts_at
    assert len(_actions(db, "speaker.moved")) == 2
    assert len(_actions(db, "run_sheet.reordered")) == 1


def test_a_change_from_a_stale_page_is_refused(db, clerk):
    hearing = make_hearing()
    sign_up(hearing, "Ana Reyes", minutes_ago=30)
    sign_up(hearing, "Bo Chen", minutes_ago=20)
    propose(clerk, hearing)
    seen = version(hearing)
    _ana, bo = services.speakers(hearing)
    services.move(clerk, hearing, bo.id, steps=-1, seen_version=seen, now=utcnow())
    with pytest.raises(services.StaleSheet):
        services.move(clerk, hearing, bo.id, steps=1, seen_version=seen, now=utcnow())


@pytest.mark.parametrize("ids", ["none", "one", "duplicate", "foreign"])
def test_reorder_must_name_exactly_the_waiting_speakers(db, clerk, ids):
    hearing = make_hearing()
    sign_up(hearing, "Ana Reyes", minutes_ago=30)
    sign_up(hearing, "Bo Chen", minutes_ago=20)
    propose(clerk, hearing)
    ana, bo = services.speakers(hearing)
    given = {
        "none": [],
        "one": [ana.id],
        "duplicate": [ana.id, ana.id],
        "foreign": [ana.id, bo.id + 1000],
    }[ids]
    with pytest.raises(services.StaleSheet):
        services.reorder(clerk, hearing, given, seen_version=version(hearing), now=utcnow())


def test_publish_tells_each_speaker_once_in_their_language(db, clerk):
    hearing = make_hearing(max_speakers=2, remote_pin="4321")
    ana = sign_up(hearing, "Ana Reyes", minutes_ago=30, speaking_request=SpeakingRequest.REMOTE)
    ana.language = "es"
    sign_up(hearing, "Bo Chen", minutes_ago=20)
    sign_up(hearing, "Cy Dubois", minutes_ago=10)
    propose(clerk, hearing)
    told = services.publish(clerk, hearing, seen_version=version(hearing), now=utcnow())
    assert told == 3
    [spanish] = _mail(db, "ana@example.org")
    assert spanish.subject.startswith("Su turno para hablar")
    assert "Su lugar en el orden de intervenciones: 1" in spanish.body_text
    assert hearing.remote_url in spanish.body_text and "4321" in spanish.body_text
    [english] = _mail(db, "bo@example.org")
    assert "Your place in the speaking order: 2" in english.body_text
    assert hearing.location in english.body_text
    [waitlisted] = _mail(db, "cy@example.org")
    assert "number 1 on the waitlist" in waitlisted.body_text
    assert services.publish(clerk, hearing, seen_version=version(hearing), now=utcnow()) == 0
    _ana, bo_row, _cy = services.speakers(hearing)
    services.move(clerk, hearing, bo_row.id, steps=-1, seen_version=version(hearing), now=utcnow())
    assert services.publish(clerk, hearing, seen_version=version(hearing), now=utcnow()) == 2


def test_a_speakers_own_link_goes_in_their_notice(db, clerk):
    hearing = make_hearing()
    sign_up(hearing, "Ana Reyes", minutes_ago=30, speaking_request=SpeakingRequest.REMOTE)
    propose(clerk, hearing)
    [speaker] = services.speakers(hearing)
    own = "https://example.org/panelist/ana"
    services.update_speaker(
        clerk, hearing, speaker.id, services.SpeakerDetails(False, own), now=utcnow()
    )
    services.publish(clerk, hearing, seen_version=version(hearing), now=utcnow())
    [message] = _mail(db, "ana@example.org")
    assert own in message.body_text and hearing.remote_url not in message.body_text


def test_cancelling_moves_the_waitlist_up_and_tells_the_next_person(db, clerk):
    hearing = make_hearing(max_speakers=1)
    sign_up(hearing, "Ana Reyes", minutes_ago=30)
    sign_up(hearing, "Bo Chen", minutes_ago=20)
    sign_up(hearing, "Cy Dubois", minutes_ago=10)
    propose(clerk, hearing)
    services.publish(clerk, hearing, seen_version=version(hearing), now=utcnow())
    ana, bo, cy = services.speakers(hearing)
    moved = services.cancel_place(ana, now=utcnow())
    assert moved.id == bo.id
    everyone = services.speakers(hearing)
    assert [(s.full_name, s.status, s.place) for s in everyone] == [
        ("Bo Chen", SpeakerStatus.WAITING, 1),
        ("Cy Dubois", SpeakerStatus.WAITLISTED, 2),
        ("Ana Reyes", SpeakerStatus.CANCELLED, None),
    ]
    assert everyone[0].window_starts_at == hearing.starts_at
    moved_up = _mail(db, "bo@example.org")[-1]
    assert "now have a place to speak" in moved_up.body_text
    assert _actions(db, "speaker.cancelled")[0].actor == services.RESIDENT
    # Cancelling twice changes nothing more; a waitlisted speaker's cancelling moves nobody.
    assert services.cancel_place(ana, now=utcnow()) is None
    assert services.cancel_place(cy, now=utcnow()) is None
    assert services.speakers(hearing)[0].status is SpeakerStatus.WAITING


def test_confirming_is_recorded(db, clerk):
    hearing = make_hearing()
    sign_up(hearing, "Ana Reyes", minutes_ago=30)
    propose(clerk, hearing)
    [speaker] = services.speakers(hearing)
    services.confirm_place(speaker, now=utcnow())
    assert speaker.confirmed_at is not None
    assert len(_actions(db, "speaker.confirmed")) == 1


def test_a_withdrawn_testimonys_place_cannot_be_confirmed(db, clerk):
    hearing = make_hearing()
    ana = sign_up(hearing, "Ana Reyes", minutes_ago=30)
    propose(clerk, hearing)
    testimony_services.withdraw_testimony(ana, now=utcnow(), seen_version=ana.version)
    [speaker] = services.speakers(hearing)
    assert speaker.status is SpeakerStatus.WAITING  # until the clerk takes the change in
    with pytest.raises(services.Withdrawn):
        services.confirm_place(speaker, now=utcnow())
    assert speaker.confirmed_at is None
    assert _actions(db, "speaker.confirmed") == []


def test_a_called_speaker_cannot_cancel(db, clerk):
    hearing = make_hearing()
    sign_up(hearing, "Ana Reyes", minutes_ago=30)
    propose(clerk, hearing)
    floor.call_next(clerk, hearing, seen_version=version(hearing), now=utcnow())
    [speaker] = services.speakers(hearing)
    with pytest.raises(services.CannotCancel):
        services.cancel_place(speaker, now=utcnow())


def test_speaker_links_open_only_their_own_place_and_stay_the_same(db, clerk):
    hearing = make_hearing()
    sign_up(hearing, "Ana Reyes", minutes_ago=30)
    sign_up(hearing, "Bo Chen", minutes_ago=20)
    propose(clerk, hearing)
    services.publish(clerk, hearing, seen_version=version(hearing), now=utcnow())
    [message] = _mail(db, "ana@example.org")
    speaker_id, token = message.body_text.split("/speaking/")[1].split()[0].split("/")
    ana, bo = services.speakers(hearing)
    assert services.speaker_by_link(int(speaker_id), token) is ana
    assert services.speaker_by_link(bo.id, token) is None
    assert services.speaker_by_link(int(speaker_id), token[:-1] + "x") is None
    assert services.speaker_by_link(int(speaker_id), "") is None
    assert services.speaker_by_link(999_999, token) is None
    # A later notice carries the same link: the first still works.
    services.move(clerk, hearing, bo.id, steps=-1, seen_version=version(hearing), now=utcnow())
    services.publish(clerk, hearing, seen_version=version(hearing), now=utcnow())
    later = _mail(db, "ana@example.org")[-1]
    assert f"/speaking/{speaker_id}/{token}" in later.body_text


def test_position_and_measure_follow_an_amendment(db, clerk):
    hearing = make_hearing(measures=2)
    ana = sign_up(hearing, "Ana Reyes", minutes_ago=30)
    propose(clerk, hearing)
    ana.position = Position.OPPOSE
    ana.speaking_request = SpeakingRequest.NONE
    services.refresh(clerk, hearing, now=utcnow())
    [speaker] = services.speakers(hearing)
    assert speaker.status is SpeakerStatus.CANCELLED


def test_a_withdrawal_gives_the_place_to_the_waitlist(db, clerk):
    hearing = make_hearing(max_speakers=2)
    ana = sign_up(hearing, "Ana Reyes", minutes_ago=30)
    sign_up(hearing, "Bo Chen", minutes_ago=20)
    sign_up(hearing, "Cy Dubois", minutes_ago=10)
    propose(clerk, hearing)
    services.publish(clerk, hearing, seen_version=version(hearing), now=utcnow())
    testimony_services.withdraw_testimony(ana, now=utcnow(), seen_version=ana.version)
    services.refresh(clerk, hearing, now=utcnow())
    everyone = services.speakers(hearing)
    assert [(s.full_name, s.status, s.place) for s in everyone] == [
        ("Bo Chen", SpeakerStatus.WAITING, 1),
        ("Cy Dubois", SpeakerStatus.WAITING, 2),
        ("Ana Reyes", SpeakerStatus.CANCELLED, None),
    ]
    assert _mail(db, "cy@example.org")[-1].kind == "speaker_moved_up"
    # A newcomer after that waits: the two places are taken.
    sign_up(hearing, "Dee Walker", minutes_ago=1)
    services.refresh(clerk, hearing, now=utcnow())
    assert services.speakers(hearing)[2].status is SpeakerStatus.WAITLISTED


def test_a_no_show_gives_the_place_to_the_waitlist(db, clerk):
    hearing = make_hearing(max_speakers=1)
    sign_up(hearing, "Ana Reyes", minutes_ago=30)
    sign_up(hearing, "Bo Chen", minutes_ago=20)
    propose(clerk, hearing)
    ana = services.speakers(hearing)[0]
    floor.mark_no_show(clerk, hearing, ana.id, seen_version=version(hearing), now=utcnow())
    statuses = {s.full_name: s.status for s in services.speakers(hearing)}
    assert statuses == {"Ana Reyes": SpeakerStatus.NO_SHOW, "Bo Chen": SpeakerStatus.WAITING}
    # Not published yet: nobody was e-mailed.
    assert _mail(db, "bo@example.org") == []


def test_proposing_again_after_speakers_were_heard_keeps_the_maximum(db, clerk):
    hearing = make_hearing(max_speakers=2)
    for minutes, name in ((30, "Ana Reyes"), (20, "Bo Chen"), (10, "Cy Dubois")):
        sign_up(hearing, name, minutes_ago=minutes)
    propose(clerk, hearing)
    floor.call_next(clerk, hearing, seen_version=version(hearing), now=utcnow())
    floor.finish_current(clerk, hearing, seen_version=version(hearing), now=utcnow())
    propose(clerk, hearing)
    statuses = [(s.full_name, s.status) for s in services.speakers(hearing)]
    assert statuses == [
        ("Ana Reyes", SpeakerStatus.SPOKE),
        ("Bo Chen", SpeakerStatus.WAITING),
        ("Cy Dubois", SpeakerStatus.WAITLISTED),
    ]


def test_asking_again_after_giving_up_comes_back_at_the_end(db, clerk):
    hearing = make_hearing()
    ana = sign_up(hearing, "Ana Reyes", minutes_ago=30)
    sign_up(hearing, "Bo Chen", minutes_ago=20)
    propose(clerk, hearing)
    speaker = services.speakers(hearing)[0]
    services.cancel_place(speaker, now=utcnow())
    assert ana.speaking_request is SpeakingRequest.NONE  # the receipt says so
    assert services.changes_waiting(hearing) == 0
    amendment = Amendment(
        measure_id=ana.measure_id,
        position=ana.position,
        body=ana.body,
        speaking_request=SpeakingRequest.IN_PERSON,
        reason="I can come after all.",
    )
    testimony_services.amend_testimony(
        ana, amendment, now=utcnow() + timedelta(seconds=1), seen_version=ana.version
    )
    assert services.changes_waiting(hearing) == 1
    services.refresh(clerk, hearing, now=utcnow() + timedelta(seconds=2))
    everyone = services.speakers(hearing)
    assert [(s.full_name, s.status, s.place) for s in everyone] == [
        ("Bo Chen", SpeakerStatus.WAITING, 1),
        ("Ana Reyes", SpeakerStatus.WAITING, 2),
    ]
    assert services.changes_waiting(hearing) == 0


def test_rejected_testimony_holds_no_place(db, clerk):
    hearing = make_hearing(max_speakers=1)
    spam = sign_up(hearing, "Spam Bot", minutes_ago=30)
    sign_up(hearing, "Bo Chen", minutes_ago=20)
    propose(clerk, hearing)
    set_review_status(spam, ReviewStatus.REJECTED)
    services.refresh(clerk, hearing, now=utcnow())
    statuses = {s.full_name: s.status for s in services.speakers(hearing)}
    assert statuses == {"Spam Bot": SpeakerStatus.CANCELLED, "Bo Chen": SpeakerStatus.WAITING}


def test_a_walk_in_waits_behind_the_waitlist_and_officials_move_up(db, clerk):
    hearing = make_hearing(max_speakers=1)
    sign_up(hearing, "Ana Reyes", minutes_ago=30)
    sign_up(hearing, "Bo Chen", minutes_ago=20)
    propose(clerk, hearing)
    _ana, bo = services.speakers(hearing)
    services.update_speaker(
        clerk, hearing, bo.id, services.SpeakerDetails(True, None), now=utcnow()
    )
    assert bo.status is SpeakerStatus.WAITING  # officials are not counted against the maximum
    services.update_speaker(
        clerk, hearing, bo.id, services.SpeakerDetails(False, None), now=utcnow()
    )
    sign_up(hearing, "Cy Dubois", minutes_ago=10)
    services.refresh(clerk, hearing, now=utcnow())
    assert services.speakers(hearing)[-1].status is SpeakerStatus.WAITLISTED


def test_confirming_leaves_the_consoles_current(db, clerk):
    hearing = make_hearing()
    sign_up(hearing, "Ana Reyes", minutes_ago=30)
    propose(clerk, hearing)
    seen = version(hearing)
    services.confirm_place(services.speakers(hearing)[0], now=utcnow())
    floor.call_next(clerk, hearing, seen_version=seen, now=utcnow())
    assert services.speakers(hearing)[0].status is SpeakerStatus.SPEAKING


def test_windows_count_from_now_once_speaking_has_begun(db, clerk):
    now = utcnow()
    hearing = make_hearing(speaker_minutes=3)
    for minutes, name in ((30, "Ana Reyes"), (20, "Bo Chen"), (10, "Cy Dubois")):
        sign_up(hearing, name, minutes_ago=minutes)
    propose(clerk, hearing)
    # The hearing began two hours ago; speaking begins now.
    hearing.speaker_signup_closes_at = now - timedelta(hours=3)
    hearing.starts_at = now - timedelta(hours=2)
    floor.call_next(clerk, hearing, seen_version=version(hearing), now=now)
    floor.finish_current(clerk, hearing, seen_version=version(hearing), now=now)
    _ana, bo, cy = services.speakers(hearing)
    assert bo.window_starts_at == now
    assert cy.window_starts_at == now + timedelta(minutes=3)
