"""The e-mail outbox against a real SMTP server (aiosmtpd on 127.0.0.1).

The application sends a request's mail from `response.call_on_close`, i.e. after the response
has gone out. A real WSGI server calls the response iterable's close() once it has sent the
body; Werkzeug's test client does not (it only closes responses when `buffered=True` or when it
follows a redirect itself), so these tests call `response.close()` to play the server's part.
`test_receipt_mail_is_sent_after_the_response` checks both halves of that.
"""

from __future__ import annotations

import email
import email.policy
import logging
import socket
from contextlib import closing

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from app import outbox
from app.errors import DomainError
from app.outbox import OutboxMessage
from app.testimony import services
from app.testimony.models import Testimony
from tests.factories import form_fields, make_hearing, make_submission

BASE_URL = "https://testimony.example.org"  # set by the app fixture


class Collector:
    """aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.envelopes = []
        self.connections = set()  # the client's (address, port) of each connection used

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        self.envelopes.append(envelope)
        self.connections.add(session.peer)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(envelope.content, policy=email.policy.default)
            for envelope in self.envelopes
        ]


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.handler = Collector()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(config):
    """An SMTP server the application is configured to use; started by the test."""
    server = SmtpServer(free_port())
    config["MAIL_SERVER"] = "127.0.0.1"
    config["MAIL_PORT"] = server.port
    config["MAIL_TIMEOUT"] = 5
    yield server
    server.stop()


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
    assert [letter.id for letter in outbox._claim([message.id], now)] == [message.id]
    # The CLI running at the same moment finds it taken.
    assert outbox._claim([message.id], now + timedelta(seconds=1)) == []
    # A claim abandoned by a process that died is retaken after the lease.
    later = now + outbox.CLAIM_LEASE + timedelta(seconds=1)
    assert [letter.id for letter in outbox._claim([message.id], later)] == [message.id]


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
