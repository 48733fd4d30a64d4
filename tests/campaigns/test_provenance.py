"""A campaign's provenance card: counted in a few grouped queries, in the body's time zone, with
withdrawn letters left out; and the arrivals binned per hour, day or week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from app.campaigns import provenance
from app.campaigns.arrival_chart import Unit, bin_arrivals, lay_out
from app.platform.extensions import db as _db
from app.testimony.models import QuarantineReason, ReviewStatus
from tests.factories import make_hearing, make_testimony, set_review_status

LETTER = (
    "Dear Councillors, please pass the ordinance banning face surveillance in our city. "
    "It misidentifies people and lets the city follow everyone who walks past a camera. "
    "Vote yes to protect our privacy and our freedom to move around freely."
)
OTHER_LETTER = (
    "Cameras in our parks and on our buses keep our families safe at night. "
    "The police need every tool they can get to find missing children quickly. "
    "Please vote no on this ban and keep the city safe for all of us."
)
# 13:10 UTC on 3 March 2026 is 08:10 in Boston (EST).
START = datetime(2026, 3, 3, 13, 10, tzinfo=UTC)


def send(hearing, n: int, at: datetime, **overrides):
    values = {
        "full_name": f"Signer Number{n}",
        "email": f"signer{n}@example.net",
        "city": "Boston",
        "zip_code": "02124",
    } | overrides
    return make_testimony(hearing, now=at, body=LETTER, **values).testimony


def campaign(db):
    hearing = make_hearing(now=START)
    members = [
        send(hearing, 0, START),
        send(hearing, 1, START + timedelta(minutes=20), city="City of Boston"),
        send(hearing, 2, START + timedelta(hours=2), city="  boston "),
        send(hearing, 3, START + timedelta(hours=3), city="Cambridge", zip_code="02139"),
        send(hearing, 4, START + timedelta(hours=5), city="Quincy", zip_code="02169"),
        send(hearing, 5, START + timedelta(hours=24, minutes=30), email="x5@Mailinator.com"),
        send(hearing, 6, START + timedelta(hours=30), city="Somerville", zip_code="02143"),
    ]
    members[0].email_confirmed_at = START + timedelta(hours=1)
    members[3].quarantine_reason = QuarantineReason.TOO_FAST
    set_review_status(members[1], ReviewStatus.APPROVED)
    set_review_status(members[6], ReviewStatus.WITHDRAWN)  # left out of every count
    db.session.flush()
    assert len({m.campaign_id for m in members}) == 1
    return hearing, members


def test_the_card_counts_every_letter_not_withdrawn(db):
    hearing, members = campaign(db)
    card = provenance.campaign_card(members[0].campaign_id, hearing)
    assert (card.letters, card.approved, card.confirmed) == (6, 1, 1)
    assert (card.automated, card.throwaway) == (1, 1)
    # Boston is one town however it is written; Somerville's letter was withdrawn.
    assert card.towns == 3
    assert card.top_towns[0] == provenance.Town("Boston", 4)
    assert card.residents == 4  # "City of Boston" is the jurisdiction; Cambridge and Quincy not
    assert card.first.utcoffset() == timedelta(hours=-5)
    assert card.first.hour == 8 and card.last - card.first == timedelta(hours=24, minutes=30)
    assert provenance.summary(card) == (
        "6 letters, 1 confirmed their e-mail, 3 towns, all within 25 hours"
    )


def test_the_body_rule_for_residents_is_the_packets(db):
    hearing, members = campaign(db)
    hearing.body.resident_zip_prefixes = "021"
    card = provenance.campaign_card(members[0].campaign_id, hearing)
    assert card.residents == 6  # every ZIP starts with 021


def test_arrivals_are_binned_per_local_hour_with_empty_hours_shown(db):
    hearing, members = campaign(db)
    card = provenance.campaign_card(members[0].campaign_id, hearing)
    arrivals = bin_arrivals(card.arrivals)
    assert arrivals.unit is Unit.HOUR
    assert len(arrivals.bins) == 25  # 08:00 on the 3rd to 08:00 on the 4th, Boston time
    assert [b.letters for b in arrivals.bins[:6]] == [2, 0, 1, 1, 0, 1]
    assert arrivals.bins[0].label == "Tue, Mar 3, 8:00\u202fAM"
    assert arrivals.bins[-1].letters == 1 and sum(b.letters for b in arrivals.bins) == 6
    chart = lay_out(arrivals)
    assert chart.most == 2 and len(chart.bars) == 25
    assert max(b.height for b in chart.bars) == chart.bottom - chart.top


def test_a_hearing_wide_card_set_costs_the_same_queries_for_any_number_of_campaigns(db):
    hearing, members = campaign(db)
    second = [
        make_testimony(
            hearing, now=START, body=OTHER_LETTER, full_name=f"Other {n}", email=f"o{n}@example.org"
        ).testimony
        for n in range(3)
    ]
    assert second[0].campaign_id not in (None, members[0].campaign_id)
    statements = []

    def count(*_args):
        statements.append(1)

    engine = _db.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        cards = provenance.cards_for_hearing(hearing)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 4
    assert cards[members[0].campaign_id].letters == 6
    assert cards[second[0].campaign_id].letters == 3
    assert cards[second[0].campaign_id].towns == 1  # the factory's Dorchester


def test_one_letter_has_no_span_and_an_empty_campaign_counts_nothing(db):
    hearing = make_hearing(now=START)
    card = provenance.campaign_card(999_999, hearing)
    assert card.letters == 0 and card.first is None
    assert provenance.summary(card) == "0 letters, 0 confirmed their e-mail, 0 towns"


def test_a_measures_cards_count_the_letters_that_address_it(db):
    hearing = make_hearing(now=START, measures=2)
    first, second = hearing.measures
    made = [
        make_testimony(
            hearing,
            now=START,
            body=LETTER,
            full_name=f"S{n}",
            email=f"s{n}@example.net",
            measure_id=(first if n < 3 else second).id,
        ).testimony
        for n in range(5)
    ]
    campaign_id = made[0].campaign_id
    assert {m.campaign_id for m in made} == {campaign_id}
    assert provenance.cards_for_hearing(hearing)[campaign_id].letters == 5
    assert provenance.cards_for_hearing(hearing, first)[campaign_id].letters == 3
    assert provenance.cards_for_hearing(hearing, second)[campaign_id].letters == 2
