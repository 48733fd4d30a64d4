"""The public read API: what each endpoint lists, and that it never shows more than the public
pages do."""

from __future__ import annotations

from datetime import timedelta

from app.platform.timezones import utcnow
from app.signins.models import SignIn
from app.testimony.models import ReviewStatus
from tests.api.helpers import publish, walk
from tests.factories import (
    make_body,
    make_committee,
    make_committee_action,
    make_hearing,
    make_measure,
    make_sign_in,
    make_staff_user,
    make_testimony,
    set_review_status,
)


def test_bodies_and_committees_are_listed_with_links(client, db):
    body = make_body(name="Boston City Council")
    committee = make_committee(body, name="Committee on Government Operations")
    db.session.commit()

    page = client.get("/api/v1/bodies").get_json()

    [listed] = [b for b in page["items"] if b["id"] == body.id]
    assert listed["name"] == "Boston City Council"
    assert listed["committees"] == [{"id": committee.id, "name": committee.name}]
    assert listed["url"].endswith(f"/api/v1/bodies/{body.id}")
    assert client.get(listed["url"]).get_json()["slug"] == body.slug
    committees = client.get(f"/api/v1/committees?body_id={body.id}").get_json()["items"]
    assert [c["id"] for c in committees] == [committee.id]
    assert client.get(f"/api/v1/committees/{committee.id}").get_json()["body_id"] == body.id


def test_a_measure_carries_its_translations_and_latest_committee_action(client, db):
    from app.hearings.models import MeasureTranslation

    measure = make_measure(title="Ordinance banning face surveillance in Boston")
    db.session.add(
        MeasureTranslation(
            measure_id=measure.id,
            language="es",
            title="Ordenanza que prohíbe la vigilancia facial en Boston",
            summary="",
        )
    )
    action = make_committee_action(measure)
    db.session.commit()

    data = client.get(f"/api/v1/measures/{measure.id}").get_json()

    assert data["translations"] == {
        "es": {"title": "Ordenanza que prohíbe la vigilancia facial en Boston", "summary": ""}
    }
    assert data["latest_action"]["id"] == action.id
    actions = client.get(f"/api/v1/measures/{measure.id}/actions").get_json()["items"]
    assert [a["id"] for a in actions] == [action.id]


def test_hearings_are_listed_by_start_and_filtered(client, db):
    now = utcnow()
    later = make_hearing(title="Later", starts_at=now + timedelta(days=20))
    sooner = make_hearing(title="Sooner", starts_at=now + timedelta(days=8))
    other_body = make_hearing(title="Elsewhere", starts_at=now + timedelta(days=9))
    db.session.commit()

    everything = [h["title"] for h in walk(client, "/api/v1/hearings?limit=1")]
    assert everything == ["Sooner", "Elsewhere", "Later"]
    body_id = later.committee.body_id
    mine = client.get(f"/api/v1/hearings?body_id={body_id}").get_json()["items"]
    assert {h["id"] for h in mine} == {later.id}
    by_measure = f"/api/v1/hearings?measure_id={sooner.measures[0].id}"
    assert [h["id"] for h in client.get(by_measure).get_json()["items"]] == [sooner.id]
    assert other_body.id not in {h["id"] for h in mine}


def test_a_hearing_shows_its_agenda_rules_tallies_and_unpublished_run_sheet_as_empty(client, db):
    hearing = make_hearing(measures=2)
    publish(hearing, position="oppose")
    make_sign_in(hearing)
    db.session.commit()

    data = client.get(f"/api/v1/hearings/{hearing.id}").get_json()

    assert [m["id"] for m in data["measures"]] == [m.id for m in hearing.measures]
    assert data["status"] == "open"
    assert data["speaking"]["minutes_per_speaker"] == hearing.speaker_minutes
    assert data["floor"] == {
        "published": False,
        "now_speaking": None,
        "up_next": [],
        "spoke": 0,
        "waiting": 0,
    }
    first = data["tallies"][0]
    assert first["testimony"] == {"support": 0, "oppose": 1, "neutral": 0}
    assert first["sign_ins"] == {"support": 0, "oppose": 1, "neutral": 0}


def test_only_published_testimony_is_listed_with_no_contact_details(client, db):
    hearing = make_hearing()
    shown = publish(hearing, full_name="Ana Souza", email="ana@example.org")
    pending = make_testimony(hearing, full_name="Pending Person").testimony
    rejected = make_testimony(hearing, full_name="Rejected Person").testimony
    set_review_status(rejected, ReviewStatus.REJECTED)
    disowned = publish(hearing, full_name="Disowned Person")
    disowned.disputed_at = utcnow()
    db.session.commit()

    answer = client.get(f"/api/v1/hearings/{hearing.id}/testimony")

    items = answer.get_json()["items"]
    assert [t["id"] for t in items] == [shown.id]
    assert pending.id != shown.id
    for private in ("ana@example.org", shown.street_address, shown.zip_code):
        assert private not in answer.text
    assert not {"email", "street_address", "zip_code"} & set(items[0])


def test_a_hearing_that_publishes_only_confirmed_testimony_lists_only_that(client, db):
    hearing = make_hearing(confirmed_only=True)
    unconfirmed = publish(hearing)
    confirmed = publish(hearing)
    confirmed.email_confirmed_at = utcnow()
    db.session.commit()

    items = client.get(f"/api/v1/hearings/{hearing.id}/testimony").get_json()["items"]

    assert [t["id"] for t in items] == [confirmed.id]
    assert unconfirmed.id not in {t["id"] for t in items}


def test_redacted_passages_never_leave_through_the_api(client, db):
    from app.moderation.services import redact_phrase

    hearing = make_hearing()
    testimony = publish(hearing, body="Call me at 617-555-0100 about the ordinance.")
    redact_phrase(make_staff_user(), testimony, "617-555-0100", now=utcnow())
    db.session.commit()

    answer = client.get(f"/api/v1/hearings/{hearing.id}/testimony")

    assert "617-555-0100" not in answer.text
    assert answer.get_json()["items"][0]["text"] == "Call me at [redacted] about the ordinance."


def test_paging_through_testimony_neither_skips_nor_repeats_when_more_arrive(client, db):
    hearing = make_hearing()
    ids = [publish(hearing).id for _ in range(5)]
    db.session.commit()

    first = client.get(f"/api/v1/hearings/{hearing.id}/testimony?limit=2").get_json()
    ids.append(publish(hearing).id)  # arrives while a client is paging
    db.session.commit()
    rest = walk(client, first["next"])

    assert [t["id"] for t in first["items"]] + [t["id"] for t in rest] == ids


def test_testimony_can_be_listed_for_one_measure(client, db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    on_second = publish(hearing, measure_id=second.id)
    publish(hearing, measure_id=first.id)
    db.session.commit()

    address = f"/api/v1/hearings/{hearing.id}/testimony?measure_id={second.id}"
    items = client.get(address).get_json()["items"]

    assert [t["id"] for t in items] == [on_second.id]


def test_sign_ins_on_record_are_listed_without_e_mail(client, db):
    hearing = make_hearing()
    on_record = make_sign_in(hearing, full_name="Rosa Delgado", email="rosa@example.org")
    disowned = make_sign_in(hearing, full_name="Not Me", email="notme@example.org")
    db.session.get(SignIn, disowned.sign_in_id).disputed_at = utcnow()
    db.session.commit()

    answer = client.get(f"/api/v1/hearings/{hearing.id}/sign-ins")

    assert [s["id"] for s in answer.get_json()["items"]] == [on_record.sign_in_id]
    assert "rosa@example.org" not in answer.text
    assert "Not Me" not in answer.text


def test_a_campaign_is_listed_with_its_published_size_and_a_letter(client, db):
    hearing = make_hearing()
    letter = (
        "As a resident of Massachusetts, I urge you to pass a moratorium on government use of "
        "face surveillance. This technology is dangerously inaccurate and threatens our right "
        "to speak and assemble freely."
    )
    members = [publish(hearing, body=letter, full_name=f"Sender {n}") for n in range(3)]
    unpublished = make_testimony(hearing, body=letter, full_name="Still pending").testimony
    db.session.commit()
    assert members[0].campaign_id and unpublished.campaign_id == members[0].campaign_id

    [campaign] = client.get(f"/api/v1/hearings/{hearing.id}/campaigns").get_json()["items"]

    assert campaign["id"] == members[0].campaign_id
    assert campaign["size"] == 3
    assert campaign["representative"]["text"] == letter
    assert campaign["representative"]["full_name"] != "Still pending"


def test_an_unknown_or_out_of_range_id_is_a_not_found_problem(client, db):
    for address in ("/api/v1/hearings/999999", "/api/v1/hearings/99999999999/testimony"):
        answer = client.get(address)
        assert answer.status_code == 404
        assert answer.mimetype == "application/problem+json"
        assert answer.get_json()["status"] == 404


def test_a_bad_query_parameter_is_named_in_the_problem(client, db):
    answer = client.get("/api/v1/hearings?limit=500&body_id=abc")

    assert answer.status_code == 400
    pointers = {e["pointer"] for e in answer.get_json()["errors"]}
    assert pointers == {"?limit", "?body_id"}


def test_a_forged_cursor_is_refused_not_obeyed(client, db):
    import base64

    forged = base64.urlsafe_b64encode(b'["x", 99999999999]').decode().rstrip("=")
    answer = client.get(f"/api/v1/hearings?cursor={forged}")

    assert answer.status_code == 400
    assert answer.get_json()["errors"][0]["pointer"] == "?cursor"


def test_the_same_read_many_times_costs_the_same(client, db, config):
    """No state grows with requests served: the tenth and the three-hundredth read of a page
    make the same number of queries."""
    from sqlalchemy import event

    config["API_LIMIT_PER_ADDRESS"] = "100000 per minute"

    hearing = make_hearing()
    for _ in range(3):
        publish(hearing)
    db.session.commit()
    address = f"/api/v1/hearings/{hearing.id}/testimony"
    counted = []

    def count(*_args):
        counted[-1] += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for n in range(300):
            counted.append(0)
            assert client.get(address).status_code == 200, n
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert counted[10] == counted[299]
    # The hearing, the page, its positions, its redactions, its endorsements.
    assert counted[10] <= 6


def test_endorsements_are_listed_registered_first_and_marked_as_the_senders_statement(client, db):
    from app.campaigns.models import Campaign
    from app.endorsements.services import endorse
    from tests.factories import make_organisation

    hearing = make_hearing()
    letter = (
        "As a resident of Massachusetts, I urge you to pass a moratorium on government use of "
        "face surveillance. This technology is dangerously inaccurate and threatens our right "
        "to speak and assemble freely."
    )
    testimony = publish(hearing, body=letter, endorsed_by=("Digital Fourth",))
    publish(hearing, body=letter)
    aclu = make_organisation(name="ACLU of Massachusetts")
    endorse(aclu, testimony, now=utcnow(), actor="api_key:1")
    endorse(aclu, db.session.get(Campaign, testimony.campaign_id), now=utcnow(), actor="api_key:1")
    db.session.commit()

    [item, _other] = client.get(f"/api/v1/hearings/{hearing.id}/testimony").get_json()["items"]
    [campaign] = client.get(f"/api/v1/hearings/{hearing.id}/campaigns").get_json()["items"]

    assert [(e["name"], e["registered"]) for e in item["endorsements"]] == [
        ("ACLU of Massachusetts", True),
        ("Digital Fourth", False),
    ]
    assert [e["name"] for e in campaign["endorsements"]] == ["ACLU of Massachusetts"]
    jsonl = client.get(f"/api/v1/hearings/{hearing.id}/testimony.jsonl").text
    assert "Digital Fourth" in jsonl
    csv_text = client.get(f"/api/v1/hearings/{hearing.id}/testimony.csv").text
    assert "ACLU of Massachusetts; Digital Fourth (as stated by the sender)" in csv_text


def test_a_hearings_start_filter_needs_an_offset_and_a_real_year(client, db):
    for value in (
        "2026-01-01T00:00:00",
        "2026-01-01",
        "0001-01-01T00:00:00%2B14:00",
        "9999-12-31T23:59:59-14:00",
    ):
        answer = client.get(f"/api/v1/hearings?starts_from={value}")
        assert answer.status_code == 400, value
        assert answer.get_json()["errors"][0]["pointer"] == "?starts_from"
    assert client.get("/api/v1/hearings?starts_from=2026-01-01T00:00:00Z").status_code == 200


def test_links_use_the_sites_address_never_the_requests_host(client, db, config):
    config["BASE_URL"] = "https://testimony.example.gov"
    make_body()
    db.session.commit()

    answer = client.get("/api/v1/bodies?limit=1", headers={"Host": "evil.example"})

    assert "evil.example" not in answer.text
    assert answer.get_json()["items"][0]["url"].startswith("https://testimony.example.gov/")


def test_a_page_of_measures_loads_their_translations_in_one_query(client, db):
    from sqlalchemy import event

    committee = make_committee()
    for _ in range(6):
        make_measure(committee)
    db.session.commit()
    counted = []

    def count(*_args):
        counted.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        client.get(f"/api/v1/measures?committee_id={committee.id}&limit=3")
        three = len(counted)
        counted.clear()
        client.get(f"/api/v1/measures?committee_id={committee.id}&limit=6")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)

    assert len(counted) == three


def test_testimony_an_organisation_sent_says_so_in_the_api_and_on_the_public_page(client, db):
    from tests.factories import make_organisation

    hearing = make_hearing()
    organisation = make_organisation(name="Digital Fourth")
    publish(hearing, email="", organisation_id=organisation.id)
    make_sign_in(hearing)
    db.session.commit()

    [item] = client.get(f"/api/v1/hearings/{hearing.id}/testimony").get_json()["items"]
    [sign_in] = client.get(f"/api/v1/hearings/{hearing.id}/sign-ins").get_json()["items"]

    assert item["sent_by"] == {"organisation_id": organisation.id, "name": "Digital Fourth"}
    assert sign_in["sent_by"] is None
    assert "sent by Digital Fourth" in client.get(f"/hearings/{hearing.id}").text
