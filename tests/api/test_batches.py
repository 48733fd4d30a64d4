"""A batch of up to 1,000 items in one transaction: each item stored or refused on its own, the
answer saying exactly which; stored through the web form's services (receipts delivered,
letters grouped into campaigns, the web form's limits); and, if the commit fails, nothing
stored and a 503 saying so."""

from __future__ import annotations

import sqlite3
import uuid

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from app.api import batches
from app.api.idempotency import IdempotencyRecord
from app.platform.extensions import db as _db
from app.platform.outbox import OutboxMessage
from app.signins.models import SignIn
from app.testimony import services
from app.testimony.models import Attachment, Testimony, TestimonyMeasure
from tests.api.submitting import key_for, position_item, post, post_batch, written_item
from tests.factories import make_hearing, make_organisation


def _count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def hearing(db):
    return make_hearing(measures=2)


def test_a_partial_batch_stores_the_good_items_and_says_which(client, db, hearing):
    key = key_for(hearing)
    second = hearing.measures[1].id
    sent = [
        written_item(hearing, external_reference="a"),
        written_item(hearing, email="nobody@", zip_code="ABCDE", external_reference="b"),
        written_item(
            hearing,
            email=None,
            external_reference="c",
            positions=[
                {"measure_id": second, "position": "oppose"},
                {"measure_id": hearing.measures[0].id, "position": "neutral"},
            ],
        ),
        "not an item",
        written_item(hearing, positions=[{"measure_id": 999_999, "position": "support"}]),
    ]
    answer = post_batch(client, hearing, sent, key=key)
    assert answer.status_code == 200, answer.text
    document = answer.get_json()
    assert (document["stored"], document["refused"]) == (2, 3)
    statuses = [(item["index"], item["status"]) for item in document["items"]]
    assert statuses == [
        (0, "stored"),
        (1, "refused"),
        (2, "stored"),
        (3, "refused"),
        (4, "refused"),
    ]
    assert document["items"][1]["external_reference"] == "b"
    assert document["items"][1]["errors"] == [
        {"pointer": "/items/1/email", "detail": "Enter an e-mail address like name@example.org."},
        {"pointer": "/items/1/zip_code", "detail": "Enter a 5-digit ZIP code, like 02108."},
    ]
    assert document["items"][3]["errors"] == [
        {"pointer": "/items/3", "detail": "Send each item as an object."}
    ]
    assert document["items"][4]["errors"] == [
        {
            "pointer": "/items/4/positions/0/measure_id",
            "detail": "Choose one of the measures on this hearing's agenda.",
        }
    ]
    assert document["items"][0]["receipt"]["to"] == "resident"
    assert document["items"][2]["receipt"]["to"] == "organisation"

    stored = {t.tracking_number: t for t in db.session.scalars(select(Testimony))}
    assert set(stored) == {document["items"][i]["tracking_number"] for i in (0, 2)}
    both = stored[document["items"][2]["tracking_number"]]
    assert both.external_reference == "c" and both.addresses_several
    assert _count(TestimonyMeasure) == 3
    assert sorted(m.to_address for m in db.session.scalars(select(OutboxMessage))) == sorted(
        ["denise@example.org", key.key.organisation.contact_email]
    )


def test_a_batch_of_sign_ins(client, db, hearing):
    key = key_for(hearing)
    sent = [position_item(hearing), position_item(hearing, zip_code=""), position_item(hearing)]
    answer = post_batch(client, hearing, sent, key=key, kind="sign-ins")
    document = answer.get_json()
    assert (document["stored"], document["refused"]) == (2, 1)
    assert document["items"][1]["errors"] == [
        {"pointer": "/items/1/zip_code", "detail": "Enter your ZIP code."}
    ]
    assert _count(SignIn) == 2


@pytest.mark.parametrize(
    ("document", "detail"),
    [
        ([], "A batch is an object with one member, `items`"),
        ({"items": [], "more": 1}, "A batch is an object with one member, `items`"),
        ({"items": "x"}, "A batch holds 1 to 1,000 items."),
        ({"items": []}, "A batch holds 1 to 1,000 items; this one has 0."),
    ],
    ids=["list", "extra-member", "not-a-list", "empty"],
)
def test_a_batch_that_is_not_a_list_of_items_is_refused_whole(
    client, db, hearing, document, detail
):
    key = key_for(hearing)
    answer = post(
        client,
        f"/api/v1/hearings/{hearing.id}/testimony/batch",
        document,
        key=key,
        idempotency_key=str(uuid.uuid4()),
    )
    assert answer.status_code == 422
    assert answer.get_json()["detail"].startswith(detail)
    assert answer.get_json()["errors"][0]["pointer"] == "/items"


def test_a_thousand_items_are_stored_and_a_thousand_and_one_refused(client, db, config):
    config["SUBMIT_LIMIT_PER_EMAIL"] = "1000000 per hour"
    hearing = make_hearing()
    key = key_for(hearing)
    too_many = [written_item(hearing, email=None)] * 1001
    answer = post_batch(client, hearing, too_many, key=key)
    assert answer.status_code == 422
    assert answer.get_json()["detail"] == "A batch holds 1 to 1,000 items; this one has 1,001."
    assert _count(Testimony) == 0

    sent = [
        written_item(hearing, full_name=f"Resident {n}", email=f"r{n}@example.org")
        for n in range(1000)
    ]
    answer = post_batch(client, hearing, sent, key=key)
    assert answer.status_code == 200, answer.text[:500]
    document = answer.get_json()
    assert (document["stored"], document["refused"]) == (1000, 0)
    numbers = {item["tracking_number"] for item in document["items"]}
    assert len(numbers) == 1000
    assert set(db.session.scalars(select(Testimony.tracking_number))) == numbers
    assert _count(OutboxMessage) == 1000
    # The refused 1,001 counted nothing against the key's hour.
    assert key.key.items_per_hour >= 1000


def test_receipts_are_delivered_to_residents_and_to_the_organisation(client, db, smtp):
    smtp.start()
    hearing = make_hearing()
    organisation = make_organisation(contact_email="intake@neighbours.example")
    key = key_for(hearing, organisation=organisation)
    sent = [written_item(hearing), written_item(hearing, email=None, full_name="Ana Souza")]
    answer = post_batch(client, hearing, sent, key=key)
    assert answer.status_code == 200
    # The helper closes the answer: the receipts go once it is done (after the commit).
    by_address = {message["To"]: message for message in smtp.handler.messages}
    assert set(by_address) == {"denise@example.org", "intake@neighbours.example"}
    numbers = [item["tracking_number"] for item in answer.get_json()["items"]]
    assert numbers[0] in by_address["denise@example.org"]["Subject"]
    for_organisation = by_address["intake@neighbours.example"]
    assert numbers[1] in for_organisation["Subject"]
    text = for_organisation.get_content()
    assert f"{organisation.name} sent this for Ana Souza, who gave no e-mail address" in text
    assert "/receipts/" in text


def test_letters_sent_together_are_grouped_into_one_campaign(client, db, hearing):
    key = key_for(hearing)
    letter = "Ban face surveillance now: it is inaccurate, biased and unaccountable. " * 3
    sent = [
        written_item(hearing, full_name=f"Resident {n}", email=f"r{n}@example.org", text=letter)
        for n in range(3)
    ]
    post_batch(client, hearing, sent, key=key)  # placed after the commit, as for the web form
    db.session.expire_all()
    campaigns = set(db.session.scalars(select(Testimony.campaign_id)))
    assert len(campaigns) == 1 and None not in campaigns


def test_an_address_over_the_web_forms_limit_is_refused_at_its_item(client, db, hearing, config):
    config["SUBMIT_LIMIT_PER_EMAIL"] = "2 per hour"
    key = key_for(hearing)
    sent = [written_item(hearing) for _ in range(3)] + [written_item(hearing, email=None)]
    document = post_batch(client, hearing, sent, key=key).get_json()
    assert [item["status"] for item in document["items"]] == [
        "stored",
        "stored",
        "refused",
        "stored",  # no address: nobody's inbox to flood
    ]
    (error,) = document["items"][2]["errors"]
    assert error["pointer"] == "/items/2/email"
    assert error["detail"].startswith("Too many submissions with this e-mail address")


def test_an_item_a_service_refuses_leaves_nothing_behind(client, db, hearing, monkeypatch):
    """The service stores the item, then refuses: its savepoint takes back everything it
    wrote (rows, mail, jobs), and the items around it are stored."""
    real = services.submit_testimony

    def refuse_the_second(hearing_, submission, **kwargs):
        receipt = real(hearing_, submission, **kwargs)
        if submission.external_reference == "second":
            raise services.UnknownInterpreterLanguage()
        return receipt

    monkeypatch.setattr(batches.testimony, "submit_testimony", refuse_the_second)
    key = key_for(hearing)
    sent = [written_item(hearing, external_reference=r) for r in ("first", "second", "third")]
    sent = [dict(item, email=f"{n}@example.org") for n, item in enumerate(sent)]
    document = post_batch(client, hearing, sent, key=key).get_json()
    assert [item["status"] for item in document["items"]] == ["stored", "refused", "stored"]
    assert document["items"][1]["errors"][0]["pointer"] == "/items/1/interpreter_language_id"
    assert sorted(db.session.scalars(select(Testimony.external_reference))) == ["first", "third"]
    assert _count(TestimonyMeasure) == 2
    assert sorted(db.session.scalars(select(OutboxMessage.to_address))) == [
        "0@example.org",
        "2@example.org",
    ]


def _failing_commit():
    """Make the next COMMIT fail as a busy database does."""

    def fail(connection):
        raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))

    event.listen(_db.engine, "commit", fail)
    return lambda: event.remove(_db.engine, "commit", fail)


def test_when_the_commit_fails_nothing_is_stored_and_the_answer_says_so(client, db, hearing):
    key = key_for(hearing)
    sent = [written_item(hearing, email=f"{n}@example.org") for n in range(3)]
    sent.append(written_item(hearing, zip_code="bad"))
    idempotency_key = str(uuid.uuid4())
    restore = _failing_commit()
    try:
        answer = post_batch(client, hearing, sent, key=key, idempotency_key=idempotency_key)
    finally:
        restore()
    assert answer.status_code == 503
    assert answer.mimetype == "application/problem+json"
    assert "Nothing was stored" in answer.get_json()["detail"]
    assert answer.headers["Retry-After"]
    db.session.expire_all()
    for model in (Testimony, OutboxMessage, IdempotencyRecord, Attachment):
        assert _count(model) == 0, model
    # The same batch again, with the same key: stored now, once.
    answer = post_batch(client, hearing, sent, key=key, idempotency_key=idempotency_key)
    assert answer.status_code == 200
    assert answer.get_json()["stored"] == 3
    assert _count(Testimony) == 3
