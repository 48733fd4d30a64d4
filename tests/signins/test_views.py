"""The sign-in pages as a resident meets them: the form, the receipt, changing, withdrawing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.signins.models import SignIn, SignInStatus
from app.testimony.models import Position
from tests.factories import csrf_token_from, make_hearing, sign_in_fields
from tests.form_pages import summary_errors

RECEIPT_PREFIX = "/positions/"


def form_url(hearing) -> str:
    return f"/hearings/{hearing.id}/positions/new"


def sign_in(client, hearing, **overrides):
    page = client.get(form_url(hearing))
    assert page.status_code == 200
    return client.post(form_url(hearing), data=sign_in_fields(hearing, page.text, **overrides))


def stored(db) -> int:
    return db.session.scalar(select(func.count(SignIn.id)))


def receipt_token(response) -> str:
    assert response.status_code == 303, response.text
    location = response.headers["Location"]
    assert location.startswith(RECEIPT_PREFIX)
    return location.removeprefix(RECEIPT_PREFIX)


def test_a_resident_records_positions_on_two_of_three_measures(client, db):
    hearing = make_hearing(measures=3)
    db.session.commit()
    first, second, third = hearing.measures
    page = client.get(form_url(hearing)).text
    for measure in hearing.measures:
        assert f'name="measures-{measure.id}"' in page
    assert "No position" in page
    response = client.post(
        form_url(hearing),
        data=sign_in_fields(
            hearing,
            page,
            **{f"measures-{first.id}": "support", f"measures-{third.id}": "neutral"},
        ),
    )
    token = receipt_token(response)
    receipt = client.get(RECEIPT_PREFIX + token)
    assert receipt.status_code == 200
    text = receipt.text
    sign_in = db.session.scalars(select(SignIn)).one()
    assert sign_in.tracking_number in text
    assert first.number in text and third.number in text and second.number not in text
    assert "Recorded and counted" in text
    assert sign_in.status is SignInStatus.PUBLISHED
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_a_one_measure_hearing_offers_no_no_position_choice(client, db):
    hearing = make_hearing()
    db.session.commit()
    page = client.get(form_url(hearing)).text
    assert "No position" not in page
    assert 'value="support"' in page


def test_missing_fields_are_each_named_and_nothing_is_stored(client, db):
    hearing = make_hearing(measures=2)
    db.session.commit()
    response = sign_in(
        client,
        hearing,
        full_name="",
        email="not-an-address",
        zip_code="2108",
        public_record_acknowledged=None,
        **{f"measures-{hearing.measures[0].id}": ""},
    )
    assert response.status_code == 200
    errors = summary_errors(response.text)
    assert "Enter your full name." in errors
    assert "Enter an e-mail address like name@example.org." in errors
    assert "Enter a 5-digit ZIP code, like 02108." in errors
    assert "Choose support, oppose or neutral on at least one measure." in errors
    assert "Confirm that you understand your sign-in becomes public record." in errors
    # What was typed comes back.
    assert 'value="Jamaica Plain"' in response.text
    assert stored(db) == 0


def test_a_tampered_measure_or_position_is_refused(client, db):
    hearing = make_hearing()
    other = make_hearing()
    db.session.commit()
    response = sign_in(client, hearing, **{f"measures-{other.measures[0].id}": "support"})
    assert "Choose measures on this hearing's agenda." in summary_errors(response.text)
    response = sign_in(client, hearing, **{f"measures-{hearing.measures[0].id}": "maybe"})
    assert "Choose one of the options shown." in summary_errors(response.text)
    assert stored(db) == 0


def test_a_double_click_is_one_sign_in_with_one_receipt(client, db):
    hearing = make_hearing()
    db.session.commit()
    page = client.get(form_url(hearing)).text
    data = sign_in_fields(hearing, page)
    first = client.post(form_url(hearing), data=data)
    second = client.post(form_url(hearing), data=data)
    assert receipt_token(first) == receipt_token(second)
    assert stored(db) == 1


def test_without_a_csrf_token_nothing_is_stored_and_the_form_comes_back(client, db):
    hearing = make_hearing()
    db.session.commit()
    response = sign_in(client, hearing, csrf_token="forged")
    assert response.status_code == 200
    assert "Your form expired before it was sent" in response.text
    assert 'value="Rosa Delgado"' in response.text
    assert stored(db) == 0


def test_closed_hearing_says_so(client, db):
    now = utcnow()
    hearing = make_hearing(
        testimony_opens_at=now - timedelta(days=9),
        testimony_closes_at=now - timedelta(minutes=1),
        starts_at=now + timedelta(days=1),
        speaker_signup_closes_at=now - timedelta(days=1),
    )
    db.session.commit()
    page = client.get(form_url(hearing))
    assert "The deadline for recording a position was" in page.text
    assert client.get("/hearings/999999/positions/new").status_code == 404


def test_change_and_withdraw_from_the_receipt(client, db):
    hearing = make_hearing(measures=2)
    db.session.commit()
    first, second = hearing.measures
    token = receipt_token(sign_in(client, hearing))
    page = client.get(f"{RECEIPT_PREFIX}{token}/change")
    assert page.status_code == 200
    # The form shows the positions as recorded.
    assert f'name="measures-{first.id}" value="oppose" checked' in page.text
    response = client.post(
        f"{RECEIPT_PREFIX}{token}/change",
        data={
            "csrf_token": csrf_token_from(page.text),
            "version": "1",
            f"measures-{first.id}": "",
            f"measures-{second.id}": "support",
        },
    )
    assert response.status_code == 303
    sign_in_row = db.session.scalars(select(SignIn)).one()
    db.session.refresh(sign_in_row)
    assert [(p.measure_id, p.position) for p in sign_in_row.positions] == [
        (second.id, Position.SUPPORT)
    ]
    # A second tab's stale form changes nothing and says why.
    stale = client.post(
        f"{RECEIPT_PREFIX}{token}/change",
        data={
            "csrf_token": csrf_token_from(page.text),
            "version": "1",
            f"measures-{first.id}": "neutral",
        },
    )
    assert "changed in another window" in stale.text
    confirm = client.get(f"{RECEIPT_PREFIX}{token}/withdraw")
    response = client.post(
        f"{RECEIPT_PREFIX}{token}/withdraw",
        data={"csrf_token": csrf_token_from(confirm.text), "version": "2"},
    )
    assert response.status_code == 303
    receipt = client.get(f"{RECEIPT_PREFIX}{token}").text
    assert "Sign-in withdrawn" in receipt
    assert "Change positions" not in receipt
    assert client.get(f"{RECEIPT_PREFIX}{token}/change").status_code == 303


def test_a_wrong_receipt_link_is_not_found(client, db):
    assert client.get(f"{RECEIPT_PREFIX}{'x' * 40}").status_code == 404
    assert client.get(f"{RECEIPT_PREFIX}short").status_code == 404


def test_over_the_address_limit_nothing_is_stored_and_the_page_says_when(client, db, config):
    config["SUBMIT_LIMIT_PER_ADDRESS"] = "1 per minute"
    hearing = make_hearing()
    db.session.commit()
    receipt_token(sign_in(client, hearing))
    response = sign_in(client, hearing, email="another@example.org")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert "nothing was recorded this time" in response.text
    assert stored(db) == 1


def test_a_sign_in_is_checked_without_holding_up_other_writers(client, db, monkeypatch):
    """During a surge on SQLite, the form and the limits are checked before the write lock is
    taken: another writer goes through meanwhile, and the sign-in is still recorded."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL writers lock only the rows they change")
    import sqlite3

    from app.testimony import bot_defence

    hearing = make_hearing(measures=3)
    db.session.commit()
    page = client.get(form_url(hearing)).text
    path = db.engine.url.database
    writes_during_check = []
    real_count = bot_defence.count_from_address

    def count_while_another_writes(*args, **kwargs):
        # Another process writing, with no patience for a lock: it fails if the lock is held.
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            writes_during_check.append("written")
        except sqlite3.OperationalError as error:
            writes_during_check.append(str(error))
        finally:
            other.close()
        return real_count(*args, **kwargs)

    monkeypatch.setattr(bot_defence, "count_from_address", count_while_another_writes)
    fields, url = sign_in_fields(hearing, page), form_url(hearing)
    db.session.rollback()  # the test's own reading is over: only the request holds anything
    response = client.post(url, data=fields)
    receipt_token(response)
    assert writes_during_check == ["written"]
    assert stored(db) == 1


def test_changes_from_one_address_are_limited_so_a_receipt_cannot_flood_an_inbox(client, db):
    hearing = make_hearing(measures=2)
    db.session.commit()
    first = hearing.measures[0]
    token = receipt_token(sign_in(client, hearing))
    page = client.get(f"{RECEIPT_PREFIX}{token}/change").text
    codes = []
    for n in range(12):
        chosen = "oppose" if n % 2 else "support"
        response = client.post(
            f"{RECEIPT_PREFIX}{token}/change",
            data={"csrf_token": csrf_token_from(page), f"measures-{first.id}": chosen},
        )
        codes.append(response.status_code)
    assert codes[:10] == [303] * 10
    assert codes[10:] == [429, 429]
    mails = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "sign_in_changed")
    )
    assert mails == 10


def test_hostile_input_gets_a_message_and_stores_nothing(client, db):
    hearing = make_hearing()
    db.session.commit()
    for hostile in (
        {"full_name": "Rosa\x00Delgado"},
        {"organization": "Union\x00"},
        {"email": "rosa\x00@example.org"},
        {"measures-99999999999": "support"},
        {f"measures-{hearing.measures[0].id}": "\x00"},
    ):
        response = sign_in(client, hearing, **hostile)
        assert response.status_code == 200, hostile
        assert summary_errors(response.text), hostile
    assert stored(db) == 0
    # Right-to-left text and emoji are kept as typed and shown isolated on the receipt.
    name = "نور الأمين 🌻"
    token = receipt_token(sign_in(client, hearing, full_name=name))
    assert f"<bdi>{name}</bdi>" in client.get(f"{RECEIPT_PREFIX}{token}").text
