"""The e-mail outbox against a real SMTP server (aiosmtpd on 127.0.0.1).

In the tests (JOBS_RUNNER=after-response) a request's jobs, its receipt's delivery among them,
run from `response.call_on_close`, i.e. after the response has gone out. A real WSGI server
calls the response iterable's close() once it has sent the body; Werkzeug's test client does
not (it only closes responses when `buffered=True` or when it follows a redirect itself), so
these tests call `response.close()` to play the server's part.
`test_receipt_mail_is_sent_after_the_response` checks both halves of that.
"""

from __future__ import annotations

import logging

from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from app.platform import outbox
from app.platform.errors import DomainError
from app.platform.outbox import OutboxMessage
from app.testimony import services
from app.testimony.models import Testimony
from tests.factories import form_fields, make_hearing, make_submission
from tests.mail_server import Collector

BASE_URL = "https://testimony.example.org"  # set by the app fixture


def post_testimony(client, hearing, **overrides):
    page = client.get(f"/hearings/{hearing.id}/testimony/new")
    page.close()
    return client.post(
        f"/hearings/{hearing.id}/testimony/new", data=form_fields(hearing, page.text, **overrides)
    )


def count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_receipt_mail_is_sent_after_the_response(client, db, smtp):
    smtp.start()
    hearing = make_hearing()
    db.session.commit()

    response = post_testimony(client, hearing, email="rosa.m@example.net")
    assert response.status_code == 303
    # The test client hands back the response without closing it: nothing sent yet.
    assert smtp.handler.envelopes == []
    response.close()  # what the WSGI server does once the response is sent

    assert len(smtp.handler.envelopes) == 1
    envelope = smtp.handler.envelopes[0]
    assert envelope.rcpt_tos == ["rosa.m@example.net"]
    mail = smtp.handler.messages[0]
    testimony = db.session.scalars(select(Testimony)).one()
    receipt_path = response.headers["Location"]
    assert mail["To"] == "rosa.m@example.net"
    assert "no-reply@" in mail["From"]
    assert testimony.tracking_number in mail["Subject"]
    body = mail.get_content()
    assert f"{BASE_URL}{receipt_path}" in body
    assert testimony.tracking_number in body
    assert "12 Example Street" not in body
    assert "I support the ban on face surveillance." not in body

    # The link in the mail opens the receipt.
    link = next(line for line in body.splitlines() if line.startswith(f"{BASE_URL}/receipts/"))
    receipt = client.get(link.removeprefix(BASE_URL))
    assert receipt.status_code == 200
    assert testimony.tracking_number in receipt.text

    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.sent_at is not None
    assert message.attempts == 1
    assert message.last_error is None
    # The sent row keeps no key to the receipt: a database dump must not open it.
    assert receipt_path not in message.body_text
    assert outbox.LINK_REMOVED_NOTE in message.body_text
    assert testimony.tracking_number in message.body_text


def test_closing_a_response_twice_sends_once(client, db, smtp):
    smtp.start()
    hearing = make_hearing()
    db.session.commit()
    response = post_testimony(client, hearing)
    response.close()
    response.close()
    # A later request delivers only its own mail, not the one already sent.
    client.get(response.headers["Location"]).close()
    assert len(smtp.handler.envelopes) == 1


def test_submission_rolled_back_by_the_view_sends_nothing(client, db, smtp, monkeypatch):
    smtp.start()
    hearing = make_hearing()
    db.session.commit()
    queue_mail = services._queue_mail

    class LateRefusal(DomainError):
        pass

    def queue_then_fail(*args, **kwargs):
        queue_mail(*args, **kwargs)  # the message row exists in the transaction...
        raise LateRefusal("Refused after the mail was queued.")  # ...which is rolled back

    monkeypatch.setattr(services, "_queue_mail", queue_then_fail)

    response = post_testimony(client, hearing)
    response.close()

    assert response.status_code == 200
    assert "Refused after the mail was queued." in response.text
    assert smtp.handler.envelopes == []
    assert count(db, OutboxMessage) == 0
    assert count(db, Testimony) == 0
    assert not db.session.info.get("work_queued")
    assert not db.session.info.get("work_committed")


def test_rolled_back_transaction_leaves_nothing_to_deliver(db, smtp):
    smtp.start()
    hearing = make_hearing()
    db.session.commit()
    services.submit_testimony(hearing, make_submission(hearing), now=hearing.testimony_opens_at)
    assert db.session.info.get("work_queued")

    db.session.rollback()

    assert "work_queued" not in db.session.info
    assert count(db, OutboxMessage) == 0
    assert outbox.deliver_pending() == 0
    assert smtp.handler.envelopes == []


def test_mail_server_down_keeps_message_for_the_cli(app, client, db, smtp, caplog):
    # The server is not started yet: connections to its port are refused.
    hearing = make_hearing()
    db.session.commit()

    with caplog.at_level(logging.INFO, logger="opentestimony.mail"):
        response = post_testimony(client, hearing, email="down.case@example.net")
        response.close()

    assert response.status_code == 303
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.sent_at is None
    assert message.attempts == 1
    assert message.last_error.startswith("ConnectionRefusedError")
    assert any("not delivered" in record.getMessage() for record in caplog.records)
    assert not any("down.case" in record.getMessage() for record in caplog.records)
    # The resident still has their receipt.
    receipt = client.get(response.headers["Location"])
    assert receipt.status_code == 200
    tracking_number = db.session.scalars(select(Testimony.tracking_number)).one()
    assert tracking_number in receipt.text
    db.session.commit()

    smtp.start()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    assert "Delivered 1 message(s)." in result.output
    assert len(smtp.handler.envelopes) == 1
    assert smtp.handler.envelopes[0].rcpt_tos == ["down.case@example.net"]
    assert tracking_number in smtp.handler.messages[0]["Subject"]

    db.session.expire_all()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.sent_at is not None
    assert message.attempts == 2
    assert message.last_error is None

    # Nothing is sent twice.
    result = runner.invoke(args=["outbox", "deliver"])
    assert "Delivered 0 message(s)." in result.output
    assert len(smtp.handler.envelopes) == 1


def test_without_mail_server_the_message_is_logged_with_the_address_masked(
    client, db, config, caplog
):
    config["MAIL_SERVER"] = ""
    hearing = make_hearing()
    db.session.commit()

    with caplog.at_level(logging.INFO):
        response = post_testimony(client, hearing, email="rosa.martinez@example.net")
        response.close()

    assert response.status_code == 303
    mail_records = [r for r in caplog.records if r.name == "opentestimony.mail"]
    assert len(mail_records) == 1
    logged = mail_records[0].getMessage()
    assert "r***@example.net" in logged
    tracking_number = db.session.scalars(select(Testimony.tracking_number)).one()
    assert tracking_number in logged
    for record in caplog.records:
        text = record.getMessage()
        assert "rosa.martinez" not in text, record.name
        assert "12 Example Street" not in text, record.name
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.sent_at is not None


def test_mask_address():
    assert outbox.mask_address("rosa.martinez@example.net") == "r***@example.net"
    assert outbox.mask_address("x@example.org") == "x***@example.org"
    assert "@" in outbox.mask_address("not-an-address")
    assert "not-an-address" not in outbox.mask_address("not-an-address")


def _queued_message(db) -> OutboxMessage:
    hearing = make_hearing()
    services.submit_testimony(hearing, make_submission(hearing), now=hearing.testimony_opens_at)
    db.session.commit()
    return db.session.scalars(select(OutboxMessage)).one()


def test_a_message_claimed_by_one_deliverer_is_not_sent_by_another(db):
    from datetime import timedelta

    message = _queued_message(db)
    now = message.created_at
    assert [letter.id for letter in outbox._claim([message.id], now, "first")] == [message.id]
    # The CLI running at the same moment finds it taken.
    assert outbox._claim([message.id], now + timedelta(seconds=1), "second") == []
    # A claim abandoned by a process that died is retaken after the lease.
    later = now + outbox.CLAIM_LEASE + timedelta(seconds=1)
    assert [letter.id for letter in outbox._claim([message.id], later, "second")] == [message.id]


def test_releasing_a_savepoint_does_not_count_as_committing_queued_mail(db):
    hearing = make_hearing()
    db.session.commit()
    services.submit_testimony(hearing, make_submission(hearing), now=hearing.testimony_opens_at)
    with db.session.begin_nested():
        pass
    assert "work_committed" not in db.session.info
    db.session.rollback()
    assert "work_committed" not in db.session.info
    assert count(db, OutboxMessage) == 0


def test_a_batch_of_receipts_goes_over_one_connection(db, smtp):
    smtp.start()
    hearing = make_hearing()
    for n in range(5):
        services.submit_testimony(
            hearing,
            make_submission(hearing, email=f"resident{n}@example.org"),
            now=hearing.testimony_opens_at,
        )
    db.session.commit()

    assert outbox.deliver_pending() == 5

    assert sorted(e.rcpt_tos[0] for e in smtp.handler.envelopes) == [
        f"resident{n}@example.org" for n in range(5)
    ]
    assert len(smtp.handler.connections) == 1
    db.session.expire_all()
    assert count(db, OutboxMessage) == 5
    assert all(m.sent_at is not None for m in db.session.scalars(select(OutboxMessage)))
    assert outbox.deliver_pending() == 0  # nothing twice


def _queue_for(db, addresses: list[str]) -> list[OutboxMessage]:
    hearing = make_hearing()
    for address in addresses:
        services.submit_testimony(
            hearing, make_submission(hearing, email=address), now=hearing.testimony_opens_at
        )
    db.session.commit()
    db.session.info.clear()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_deliver_command_sends_every_unsent_message_whatever_held_it_back(
    app, db, smtp, monkeypatch
):
    """What the README promises: every queued message not sent yet goes out, including one
    whose automatic tries ran out during a long outage and one a process that was stopped
    had claimed (sent once that claim lapses), each exactly once, over several batches."""
    from datetime import timedelta

    monkeypatch.setattr(outbox, "CLAIM_LEASE", timedelta(seconds=1))
    monkeypatch.setattr(outbox, "BATCH", 2)
    smtp.start()
    addresses = [f"queued{n}@example.org" for n in range(5)]
    exhausted, abandoned, *_fresh = _queue_for(db, addresses)
    exhausted.attempts = outbox.MAX_ATTEMPTS
    exhausted.last_error = "ConnectionRefusedError: [Errno 111] Connection refused"
    abandoned.attempts = 1
    abandoned.claimed_at = outbox.utcnow()  # by a process that has just been killed
    abandoned.claimed_by = "a-process-that-died"
    db.session.commit()
    # The app's own passes leave both alone.
    assert outbox.deliver_pending() == 3

    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])

    assert result.exit_code == 0, result.output
    assert "Delivered 2 message(s)." in result.output
    assert sorted(e.rcpt_tos[0] for e in smtp.handler.envelopes) == addresses
    db.session.expire_all()
    assert all(m.sent_at is not None for m in db.session.scalars(select(OutboxMessage)))
    assert all(m.last_error is None for m in db.session.scalars(select(OutboxMessage)))
    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert "Delivered 0 message(s)." in result.output
    assert len(smtp.handler.envelopes) == 5


class RefusingCollector(Collector):
    """Refuses one recipient, as a mail server does for a mailbox that does not exist."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody"):
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_the_deliver_command_says_when_messages_could_not_be_sent(app, db, smtp):
    smtp.handler = RefusingCollector()
    smtp.start()
    _queue_for(db, ["nobody@example.org", "someone@example.org"])

    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])

    assert result.exit_code == 1
    assert "Delivered 1 message(s)." in result.output
    assert "1 message(s) could not be delivered" in result.output
    assert [e.rcpt_tos for e in smtp.handler.envelopes] == [["someone@example.org"]]
    db.session.expire_all()
    refused = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "nobody@example.org")
    ).one()
    assert refused.sent_at is None
    assert refused.claimed_at is None
    assert refused.last_error.startswith("SMTPRecipientsRefused")


def _add_messages(db, *recipients: tuple[str, str]) -> list[int]:
    messages = [
        OutboxMessage(kind="receipt", to_address=to, subject=subject, body_text=f"{subject}\n")
        for to, subject in recipients
    ]
    db.session.add_all(messages)
    db.session.commit()
    return [message.id for message in messages]


def test_right_to_left_text_and_emoji_reach_the_resident_intact(db, smtp):
    smtp.start()
    subject = "إيصال شهادتك 👩🏽‍⚖️ — קבלה על העדות שלך 👨‍👩‍👧"
    _add_messages(db, ("resident@example.org", subject))

    assert outbox.deliver_pending() == 1

    (envelope,) = smtp.handler.envelopes
    assert envelope.content.isascii()  # encoded words and a MIME body, not raw bytes
    (mail,) = smtp.handler.messages
    assert mail["Subject"] == subject
    assert mail.get_content() == f"{subject}\n"


def test_an_address_the_mail_server_cannot_take_does_not_hold_up_the_rest(db, smtp):
    """A non-ASCII mailbox (which the forms accept) to a server without SMTPUTF8 is refused
    alone: it used to count as the server gone, failing the rest of its batch every time."""
    smtp.controller = Controller(
        smtp.handler, hostname="127.0.0.1", port=smtp.port, enable_SMTPUTF8=False
    )
    smtp.controller.start()
    _first, arabic, _last = _add_messages(
        db,
        ("first@example.org", "1"),
        ("أحمد@example.org", "2"),
        ("last@example.org", "3"),
    )

    assert outbox.deliver_pending() == 2

    assert [e.rcpt_tos for e in smtp.handler.envelopes] == [
        ["first@example.org"],
        ["last@example.org"],
    ]
    assert len(smtp.handler.connections) == 1
    db.session.expire_all()
    refused = db.session.get(OutboxMessage, arabic)
    assert refused.sent_at is None
    assert refused.claimed_at is None
    assert refused.last_error.startswith("SMTPNotSupportedError")


def test_a_heartbeat_that_finds_its_claim_taken_stops_the_batch(app, db, monkeypatch):
    """A claim that lapsed (renewals failed for a while) and was retaken by another process
    is not renewed back: sending on would send the other process's messages twice."""
    import time

    monkeypatch.setattr(outbox, "HEARTBEAT_SECONDS", 0.05)
    (message_id,) = _add_messages(db, ("resident@example.org", "receipt"))
    assert outbox._claim([message_id], outbox.utcnow(), "slow")
    db.session.execute(  # the claim lapsed; another process took it
        update(OutboxMessage).where(OutboxMessage.id == message_id).values(claimed_by="other")
    )
    db.session.commit()

    with outbox._heartbeat("slow", [message_id]) as heartbeat:
        deadline = time.monotonic() + 5
        while heartbeat.holds() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not heartbeat.holds()
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).claimed_by == "other"


def test_the_deliver_command_sends_what_was_queued_before_it_started(app, db, smtp, monkeypatch):
    """Mail queued while it runs is its own process's: the pass ends even on a busy site."""
    monkeypatch.setattr(outbox, "BATCH", 1)
    smtp.start()
    _add_messages(db, ("first@example.org", "1"))
    send = outbox._send

    def send_while_more_is_queued(app, letters, owner):
        _add_messages(db, ("later@example.org", "later"))
        return send(app, letters, owner)

    monkeypatch.setattr(outbox, "_send", send_while_more_is_queued)

    delivery = outbox.deliver_all()

    assert (delivery.sent, delivery.failed, delivery.held) == (1, 0, 0)
    assert [e.rcpt_tos for e in smtp.handler.envelopes] == [["first@example.org"]]


def test_extra_headers_of_a_message_are_delivered(app, db, smtp):
    smtp.start()
    secret = "a" * 40
    with app.test_request_context():
        outbox.queue_rendered(
            "following_notice",
            [
                outbox.Letter(
                    to="one@example.org",
                    subject="With headers",
                    body_text="Hello",
                    headers={
                        "List-Unsubscribe": f"<{BASE_URL}/following/unsubscribe/{secret}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                ),
                outbox.Letter(to="two@example.org", subject="Without", body_text="Hello"),
            ],
        )
    db.session.commit()

    assert outbox.deliver_pending() == 2

    with_headers, without = smtp.handler.messages
    assert with_headers["List-Unsubscribe"] == f"<{BASE_URL}/following/unsubscribe/{secret}>"
    assert with_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert without["List-Unsubscribe"] is None
    # Once sent, the row keeps no key to the address's settings, in the body or the headers.
    stored = db.session.scalars(select(OutboxMessage.headers).order_by(OutboxMessage.id)).all()
    assert secret not in str(stored)
    assert stored[1] is None


def test_queue_many_carries_the_same_headers_to_each_address(app, db):
    with app.test_request_context():
        outbox.queue_many(
            "following_confirm",
            to=["a@example.org", "b@example.org"],
            subject="Same",
            headers={"X-Test": "yes"},
            subject_text="a hearing",
            opening_only=False,
            confirm_url="https://x",
        )
    headers = db.session.scalars(select(OutboxMessage.headers)).all()
    assert headers == [{"X-Test": "yes"}, {"X-Test": "yes"}]
