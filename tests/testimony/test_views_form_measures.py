"""The testimony form on a hearing with several measures: a position on each measure the
testimony addresses, chosen measure by measure; the receipt, its e-mail and the amendment."""

from __future__ import annotations

from sqlalchemy import func, select

from app.platform.outbox import OutboxMessage
from app.testimony.models import Position, Testimony, TestimonyMeasure
from tests.factories import csrf_token_from
from tests.form_pages import (
    field_error,
    form_values,
    open_form,
    open_hearing,
    receipt_fact,
    submit,
    summary_errors,
)

NO_MEASURE_CHOSEN = "Choose at least one measure your testimony is about, and your position on it."
NOT_ON_AGENDA = "Choose one of the measures on this hearing's agenda."


def several(hearing, **positions) -> dict:
    """The form's fields for a position on some measures (by index on the agenda)."""
    fields = {"measure_id": None, "position": None}
    for index, position in positions.items():
        fields[f"measures-{hearing.measures[int(index.removeprefix('m'))].id}"] = position
    return fields


def stored_stances(db) -> list[tuple[int, Position]]:
    rows = db.session.execute(
        select(TestimonyMeasure.measure_id, TestimonyMeasure.position).order_by(
            TestimonyMeasure.measure_id
        )
    )
    return [tuple(row) for row in rows]


def count_testimonies(db) -> int:
    return db.session.scalar(select(func.count(Testimony.id)))


def test_the_form_asks_a_position_on_each_measure_of_the_agenda(client, db):
    hearing = open_hearing(db, measures=3)

    page = open_form(client, hearing)

    for measure in hearing.measures:
        assert f'name="measures-{measure.id}" value=""' in page
        for position in ("support", "oppose", "neutral"):
            assert f'name="measures-{measure.id}" value="{position}"' in page
        assert measure.number in page
    assert "Not addressing this measure" in page
    assert 'name="measure_id"' not in page
    assert 'name="position"' not in page


def test_a_hearing_with_one_measure_looks_as_before(client, db):
    hearing = open_hearing(db)

    page = open_form(client, hearing)

    assert 'name="measures-' not in page
    assert f'name="measure_id" value="{hearing.measures[0].id}"' in page
    assert 'name="position"' in page


def test_testimony_on_two_of_three_measures_keeps_a_position_for_each(client, db):
    hearing = open_hearing(db, measures=3)
    first, second, third = hearing.measures

    response = submit(client, hearing, **several(hearing, m1="oppose", m2="support"))

    assert response.status_code == 303, summary_errors(response.text)
    testimony = db.session.scalars(select(Testimony)).one()
    assert stored_stances(db) == [(second.id, Position.OPPOSE), (third.id, Position.SUPPORT)]
    # Its main measure is the first it addresses in agenda order.
    assert (testimony.measure_id, testimony.position) == (second.id, Position.OPPOSE)
    receipt = client.get(response.headers["Location"]).text
    listed = receipt_fact(receipt, "Measures and your positions")
    assert f"{second.number}: {second.title}: <strong>Oppose</strong>" in listed
    assert f"{third.number}: {third.title}: <strong>Support</strong>" in listed
    assert first.number not in listed
    mail = db.session.scalars(select(OutboxMessage)).one().body_text
    assert f"- {second.number}: Oppose\n- {third.number}: Support" in mail


def test_choosing_no_measure_is_refused_with_what_to_do(client, db):
    hearing = open_hearing(db, measures=2)

    response = submit(client, hearing, **several(hearing, m0="", m1=""))

    assert response.status_code == 200
    assert any(item.endswith(NO_MEASURE_CHOSEN) for item in summary_errors(response.text))
    assert NO_MEASURE_CHOSEN in field_error(response.text, "measures")
    assert f'href="#measures-{hearing.measures[0].id}-0"' in response.text
    assert count_testimonies(db) == 0


def test_the_form_comes_back_with_the_positions_chosen(client, db):
    hearing = open_hearing(db, measures=2)

    response = submit(client, hearing, body="", **several(hearing, m1="neutral"))

    assert response.status_code == 200
    values = form_values(response.text)
    assert values[f"measures-{hearing.measures[1].id}"] == "neutral"
    assert f'name="measures-{hearing.measures[0].id}" value="" checked' in response.text
    assert count_testimonies(db) == 0


def test_a_measure_not_on_the_agenda_is_refused(client, db):
    hearing = open_hearing(db, measures=2)
    other = open_hearing(db)

    response = submit(
        client,
        hearing,
        **several(hearing, m0="support"),
        **{f"measures-{other.measures[0].id}": "oppose"},
    )

    assert response.status_code == 200
    assert NOT_ON_AGENDA in field_error(response.text, "measures")
    assert count_testimonies(db) == 0


def test_a_position_that_is_not_offered_is_refused(client, db):
    hearing = open_hearing(db, measures=2)

    response = submit(client, hearing, **several(hearing, m0="maybe"))

    assert response.status_code == 200
    assert "Choose one of the options shown." in field_error(response.text, "measures")
    assert count_testimonies(db) == 0


def test_a_form_from_before_sends_one_measure_and_is_still_taken(client, db):
    hearing = open_hearing(db, measures=2)

    response = submit(client, hearing, measure_id=str(hearing.measures[1].id), position="oppose")

    assert response.status_code == 303
    assert stored_stances(db) == [(hearing.measures[1].id, Position.OPPOSE)]


def test_amending_changes_the_measures_and_keeps_the_earlier_ones(client, db):
    hearing = open_hearing(db, measures=2)
    first, second = hearing.measures
    response = submit(client, hearing, **several(hearing, m0="support"))
    receipt_url = response.headers["Location"]
    page = client.get(f"{receipt_url}/amend").text
    # The amendment form shows what the testimony said.
    assert form_values(page)[f"measures-{first.id}"] == "support"

    amended = client.post(
        f"{receipt_url}/amend",
        data={
            "csrf_token": csrf_token_from(page),
            f"measures-{first.id}": "neutral",
            f"measures-{second.id}": "oppose",
            "body": "I support the ban on face surveillance.",
            "speaking_request": "none",
            "reason": "The companion bill too.",
        },
    )

    assert amended.status_code == 303
    assert stored_stances(db) == [(first.id, Position.NEUTRAL), (second.id, Position.OPPOSE)]
    testimony = db.session.scalars(select(Testimony)).one()
    assert testimony.version == 2
    assert testimony.position is Position.NEUTRAL
    assert testimony.versions[0].stances() == [(first.id, Position.SUPPORT)]
    receipt = client.get(receipt_url).text
    assert f"{second.number}: {second.title}: <strong>Oppose</strong>" in receipt_fact(
        receipt, "Measures and your positions"
    )
    assert "Earlier versions" in receipt


def test_amending_to_no_measure_changes_nothing(client, db):
    hearing = open_hearing(db, measures=2)
    response = submit(client, hearing, **several(hearing, m0="support"))
    receipt_url = response.headers["Location"]
    page = client.get(f"{receipt_url}/amend").text

    refused = client.post(
        f"{receipt_url}/amend",
        data={
            "csrf_token": csrf_token_from(page),
            f"measures-{hearing.measures[0].id}": "",
            "body": "Other words.",
            "speaking_request": "none",
            "reason": "Changed my mind.",
        },
    )

    assert refused.status_code == 200
    assert NO_MEASURE_CHOSEN in field_error(refused.text, "measures")
    assert stored_stances(db) == [(hearing.measures[0].id, Position.SUPPORT)]
    assert db.session.scalars(select(Testimony)).one().version == 1
