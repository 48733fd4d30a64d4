"""The receipt e-mail's two private links: confirm the address, and "I did not send this"."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.accounts.models import Role
from app.exports.packet.data import approved_ids
from app.moderation.queries import published_page
from app.platform.audit import AuditEvent
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.testimony import identity
from app.testimony.models import ReviewStatus, Testimony
from tests.factories import (
    csrf_token_from,
    form_fields,
    make_hearing,
    make_staff_user,
    set_review_status,
    signed_in_client,
)

LINK = re.compile(r"https://testimony\.example\.org(/identity/\d+/(confirm|dispute)/[0-9a-f]{40})")


def submit_and_read_mail(app, db, hearing):
    client = app.test_client()
    page = client.get(f"/hearings/{hearing.id}/testimony/new")
    response = client.post(
        f"/hearings/{hearing.id}/testimony/new", data=form_fields(hearing, page.text)
    )
    assert response.status_code == 303
    [message] = db.session.scalars(select(OutboxMessage)).all()
    links = {purpose: path for path, purpose in LINK.findall(message.body_text)}
    [testimony] = db.session.scalars(select(Testimony)).all()
    return testimony, links, message


def press(client, path):
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, data={"csrf_token": csrf_token_from(page.text)})


def events(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_receipt_mail_carries_both_links(app, db):
    hearing = make_hearing()
    db.session.commit()
    _testimony, links, message = submit_and_read_mail(app, db, hearing)
    assert set(links) == {"confirm", "dispute"}
    assert "If you did not send it" in message.body_text


def test_confirming_marks_the_testimony_once(app, db):
    hearing = make_hearing()
    db.session.commit()
    testimony, links, _message = submit_and_read_mail(app, db, hearing)
    client = app.test_client()
    # Opening the link (as a mail scanner would) changes nothing.
    assert client.get(links["confirm"]).status_code == 200
    db.session.refresh(testimony)
    assert testimony.email_confirmed_at is None
    done = press(client, links["confirm"])
    assert "is confirmed" in done.text
    db.session.refresh(testimony)
    assert testimony.email_confirmed_at is not None
    again = client.get(links["confirm"])
    assert "already confirmed" in again.text
    assert len(events(db, "testimony.email_confirmed")) == 1


def test_a_dispute_works_once_is_recorded_and_keeps_it_out_of_packet_and_public_page(app, db):
    hearing = make_hearing()
    db.session.commit()
    testimony, links, _message = submit_and_read_mail(app, db, hearing)
    set_review_status(testimony, ReviewStatus.APPROVED)
    db.session.commit()
    assert approved_ids(hearing) == [testimony.id]

    client = app.test_client()
    page = client.get(links["dispute"])
    token = csrf_token_from(page.text)
    done = client.post(links["dispute"], data={"csrf_token": token})
    assert "We have recorded that you did not send" in done.text
    # Pressing again (a second tab, a double click) records nothing more.
    twice = client.post(links["dispute"], data={"csrf_token": token})
    assert "already recorded" in twice.text
    assert "already recorded" in client.get(links["dispute"]).text
    db.session.refresh(testimony)
    first = testimony.disputed_at
    assert first is not None
    assert len(events(db, "testimony.disputed")) == 1
    assert approved_ids(hearing) == []
    assert testimony.id not in [t.id for t in published_page(hearing, None).rows]

    # A moderator who finds it was the sender's after all can keep it; the dispute stays.
    moderator = make_staff_user(Role.MODERATOR)
    assert identity.keep_disputed(moderator, testimony, now=utcnow())
    db.session.commit()
    assert approved_ids(hearing) == [testimony.id]
    assert testimony.disputed_at == first
    assert len(events(db, "testimony.dispute_kept")) == 1


def test_the_moderators_queue_shows_disputed_and_confirmed_testimony(app, db):
    hearing = make_hearing()
    db.session.commit()
    _testimony, links, _message = submit_and_read_mail(app, db, hearing)
    press(app.test_client(), links["dispute"])
    staff = signed_in_client(app, make_staff_user(Role.MODERATOR))
    db.session.commit()
    queue = staff.get(f"/staff/hearings/{hearing.id}/queue").text
    assert "Sender disputed" in queue


def test_a_wrong_or_borrowed_token_finds_nothing(app, db):
    hearing = make_hearing()
    db.session.commit()
    testimony, links, _message = submit_and_read_mail(app, db, hearing)
    client = app.test_client()
    confirm_token = links["confirm"].rsplit("/", 1)[1]
    # The confirmation token does not work as a dispute token, nor for another testimony.
    assert client.get(f"/identity/{testimony.id}/dispute/{confirm_token}").status_code == 404
    assert client.get(f"/identity/{testimony.id + 1}/confirm/{confirm_token}").status_code == 404
    assert client.get(f"/identity/{testimony.id}/confirm/{'0' * 40}").status_code == 404
    assert client.get(f"/identity/{testimony.id}/confirm/short").status_code == 404


def test_pressing_without_the_forms_token_changes_nothing(app, db):
    hearing = make_hearing()
    db.session.commit()
    testimony, links, _message = submit_and_read_mail(app, db, hearing)
    response = app.test_client().post(links["dispute"], data={})
    assert response.status_code == 400
    db.session.refresh(testimony)
    assert testimony.disputed_at is None


def test_a_moderator_keeps_a_disputed_testimony_from_the_review_page(app, db):
    hearing = make_hearing()
    db.session.commit()
    testimony, links, _message = submit_and_read_mail(app, db, hearing)
    set_review_status(testimony, ReviewStatus.APPROVED)
    db.session.commit()
    press(app.test_client(), links["dispute"])
    staff = signed_in_client(app, make_staff_user(Role.MODERATOR))
    review = staff.get(f"/staff/testimony/{testimony.id}")
    assert "said they did not send this" in review.text
    kept = staff.post(
        f"/staff/testimony/{testimony.id}/dispute/keep",
        data={"csrf_token": csrf_token_from(review.text)},
    )
    assert kept.status_code == 303
    db.session.refresh(testimony)
    assert testimony.dispute_kept_at is not None
    assert approved_ids(hearing) == [testimony.id]
    assert "kept it anyway" in staff.get(f"/staff/testimony/{testimony.id}").text
    # Without the form's token nothing happens; nor for a clerk-less anonymous visitor.
    anonymous = app.test_client().post(f"/staff/testimony/{testimony.id}/dispute/keep")
    assert anonymous.status_code in (302, 303, 400)


def test_confidence_levels_as_moderators_and_spreadsheets_see_them(app, db):
    import csv
    import io

    from app.exports.spreadsheets.rows import COLUMNS, testimony_rows
    from app.exports.spreadsheets.writers import to_csv
    from tests.factories import make_testimony

    hearing = make_hearing()

    def person(email, name):
        return make_testimony(hearing, email=email, full_name=name).testimony

    plain = person("plain@example.org", "Ana Plain")
    throwaway = person("someone@mailinator.com", "Ben Throwaway")
    # The same address, however it was capitalised.
    twice = [
        person(email, f"Cy Twice {n}")
        for n, email in enumerate(("Twice@example.org", "twice@EXAMPLE.ORG"))
    ]
    confirmed = person("sure@example.org", "Di Sure")
    confirmed.email_confirmed_at = utcnow()
    disputed = person("stolen@example.org", "Ed Stolen")
    # The same person (name and ZIP) under two addresses is repeated too.
    again = [
        person(f"fay{n}@example.org", name) for n, name in enumerate(("Fay Ñández", "FAY ÑÁNDEZ"))
    ]
    disputed.disputed_at = utcnow()
    db.session.commit()
    counts = identity.repeat_counts(hearing.id, [plain, *twice, *again])
    assert counts == {plain.id: 1, twice[0].id: 2, twice[1].id: 2, again[0].id: 2, again[1].id: 2}
    expected = {
        again[0].id: "repeated",
        again[1].id: "repeated",
        plain.id: "unconfirmed",
        throwaway.id: "disposable",
        twice[0].id: "repeated",
        twice[1].id: "repeated",
        confirmed.id: "confirmed",
        disputed.id: "disputed",
    }
    data, _count = to_csv(testimony_rows(hearing))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    everyone = (plain, throwaway, *twice, confirmed, disputed, *again)
    tracking = {t.tracking_number: t.id for t in everyone}
    assert "Identity" in [heading for heading, _ in COLUMNS]
    assert {tracking[r["Tracking number"]]: r["Identity"] for r in rows} == expected

    staff = signed_in_client(app, make_staff_user(Role.MODERATOR))
    queue = staff.get(f"/staff/hearings/{hearing.id}/queue", query_string={"status": ""}).text
    badges = re.findall(r'<span class="badge[^"]*">([^<]+)</span>', queue)
    assert badges.count("Throwaway e-mail address") == 1
    assert badges.count("Several from this sender") == 4
    assert badges.count("E-mail confirmed") == 1
    assert badges.count("Sender disputed") == 1


def test_a_hearing_can_publish_only_confirmed_testimony(app, db):
    from tests.factories import make_testimony

    hearing = make_hearing()
    unconfirmed = make_testimony(hearing, body="Unconfirmed words here.").testimony
    confirmed = make_testimony(hearing, body="Confirmed words here.").testimony
    for testimony in (unconfirmed, confirmed):
        set_review_status(testimony, ReviewStatus.APPROVED)
    confirmed.email_confirmed_at = utcnow()
    db.session.commit()
    public = app.test_client()
    page = public.get(f"/hearings/{hearing.id}").text
    assert "Unconfirmed words here." in page and "Confirmed words here." in page

    # The clerk ticks the box on the hearing's form.
    clerk = signed_in_client(app, make_staff_user(Role.CLERK))
    edit = f"/staff/manage/hearings/{hearing.id}/edit"
    form = clerk.get(edit)
    assert form.status_code == 200
    fields = {
        name: value
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form.text)
        if name not in ("measures", "confirmed_only")
    }
    fields["measures"] = [str(m.id) for m in hearing.measures]
    fields["confirmed_only"] = "y"
    saved = clerk.post(edit, data=fields)
    assert saved.status_code == 303, saved.text
    db.session.refresh(hearing)
    assert hearing.confirmed_only

    page = public.get(f"/hearings/{hearing.id}").text
    assert "Confirmed words here." in page
    assert "Unconfirmed words here." not in page
    assert "only testimony whose sender confirmed" in page
    assert approved_ids(hearing) == sorted([unconfirmed.id, confirmed.id])  # packet unchanged


def test_links_with_strange_tokens_are_simply_not_found(app, db):
    hearing = make_hearing()
    db.session.commit()
    testimony, _links, _message = submit_and_read_mail(app, db, hearing)
    client = app.test_client()
    for token in ["é" * 40, "%00" * 10 + "a" * 20, "a" * 39 + "-"]:
        assert client.get(f"/identity/{testimony.id}/confirm/{token}").status_code == 404


def test_disputed_testimony_is_left_off_the_speaker_list_and_can_be_filtered(app, db):
    from app.exports.spreadsheets.speakers import speaker_rows
    from app.testimony.models import SpeakingRequest
    from tests.factories import make_testimony

    hearing = make_hearing()
    db.session.commit()
    testimony, links, _message = submit_and_read_mail(app, db, hearing)
    testimony.speaking_request = SpeakingRequest.IN_PERSON
    other = make_testimony(hearing, speaking_request=SpeakingRequest.REMOTE).testimony
    db.session.commit()
    assert {row.cells[1] for row in speaker_rows(hearing)} == {
        testimony.tracking_number,
        other.tracking_number,
    }
    press(app.test_client(), links["dispute"])
    assert [row.cells[1] for row in speaker_rows(hearing)] == [other.tracking_number]
    staff = signed_in_client(app, make_staff_user(Role.MODERATOR))
    queue = f"/staff/hearings/{hearing.id}/queue"
    disputed = staff.get(queue, query_string={"status": "", "identity": "disputed"}).text
    assert testimony.tracking_number in disputed and other.tracking_number not in disputed


def test_a_dispute_alerts_the_moderators_by_e_mail_once(app, db):
    hearing = make_hearing()
    moderator = make_staff_user(Role.MODERATOR, email="mo@example.gov")
    make_staff_user(Role.MODERATOR, email="gone@example.gov", active=False)
    make_staff_user(Role.CLERK, email="clerk@example.gov")
    db.session.commit()
    testimony, links, _message = submit_and_read_mail(app, db, hearing)
    client = app.test_client()
    token = csrf_token_from(client.get(links["dispute"]).text)
    for _press in range(2):  # a second press (another tab) alerts nobody again
        client.post(links["dispute"], data={"csrf_token": token})
    alerts = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "testimony_disputed")
    ).all()
    assert [m.to_address for m in alerts] == [moderator.email]
    [alert] = alerts
    assert testimony.tracking_number in alert.subject
    assert f"https://testimony.example.org/staff/testimony/{testimony.id}" in alert.body_text
    # It names the testimony, not the resident or their address.
    assert testimony.full_name not in alert.body_text
    assert testimony.email not in alert.body_text


def test_with_no_moderators_the_administrators_are_alerted(app, db):
    hearing = make_hearing()
    admin = make_staff_user(Role.ADMIN, email="admin@example.gov")
    db.session.commit()
    _testimony, links, _message = submit_and_read_mail(app, db, hearing)
    press(app.test_client(), links["dispute"])
    alerts = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "testimony_disputed")
    ).all()
    assert [m.to_address for m in alerts] == [admin.email]
