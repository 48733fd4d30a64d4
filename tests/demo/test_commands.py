"""`flask seed-demo`: the story the project started from, loadable any number of times."""

from __future__ import annotations

from sqlalchemy import func, select

from app.hearings.models import Body, Committee, Hearing, HearingStatus, Measure
from app.platform.timezones import utcnow
from app.testimony.models import Testimony
from tests.factories import make_hearing


def _seed(app, *args: str):
    result = app.test_cli_runner().invoke(args=["seed-demo", *args])
    assert result.exit_code == 0, result.output
    assert result.exception is None, result.exception
    return result


def _row_counts(db) -> dict[str, int]:
    counts = {
        table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in db.metadata.sorted_tables
    }
    db.session.rollback()  # end the read so the next command can take the write lock
    return counts


def _hearing_with_measure(db, number: str) -> list[Hearing]:
    return list(
        db.session.scalars(select(Hearing).where(Hearing.measures.any(Measure.number == number)))
    )


def test_seed_demo_loads_the_boston_ordinance_hearing(app, db):
    result = _seed(app)
    assert "Demo data loaded" in result.output

    council = db.session.scalar(select(Body).filter_by(name="Boston City Council"))
    assert council is not None
    assert council.timezone == "America/New_York"
    gov_ops = db.session.scalar(
        select(Committee).filter_by(body_id=council.id, name="Committee on Government Operations")
    )
    assert gov_ops is not None
    ordinance = db.session.scalar(
        select(Measure).filter_by(committee_id=gov_ops.id, number="Docket #0683")
    )
    assert ordinance is not None
    assert ordinance.kind == "ordinance"
    assert "face surveillance" in ordinance.title.lower()
    hearings = _hearing_with_measure(db, "Docket #0683")
    assert hearings
    assert all(hearing.committee is gov_ops for hearing in hearings)


def test_seed_demo_says_who_counts_as_a_resident(app, db):
    _seed(app)

    council = db.session.scalar(select(Body).filter_by(slug="boston-city-council"))
    assert council.is_resident("Dorchester", "99999")
    assert council.is_resident("Mission Hill", "")
    assert not council.is_resident("Cambridge", "02139")
    court = db.session.scalar(select(Body).filter_by(slug="massachusetts-general-court"))
    assert court.is_resident("Springfield", "01103")
    assert court.is_resident("Andover", "05501-0001")
    assert not court.is_resident("Providence", "02903")


def test_seed_demo_loads_the_judiciary_moratorium_hearing(app, db):
    _seed(app)

    judiciary = db.session.scalar(
        select(Committee).filter_by(name="Joint Committee on the Judiciary")
    )
    assert judiciary is not None
    assert judiciary.body.name == "Massachusetts General Court"
    hearings = list(db.session.scalars(select(Hearing).filter_by(committee_id=judiciary.id)))
    assert len(hearings) == 1
    numbers = {measure.number for measure in hearings[0].measures}
    assert numbers == {"H.1538", "S.1385"}
    assert all(measure.kind == "bill" for measure in hearings[0].measures)


def test_seed_demo_has_open_upcoming_and_past_hearings(app, db):
    _seed(app)
    now = utcnow()
    statuses = [hearing.status(now) for hearing in db.session.scalars(select(Hearing))]
    assert HearingStatus.OPEN in statuses
    assert HearingStatus.SCHEDULED in statuses
    assert HearingStatus.CLOSED in statuses or HearingStatus.HELD in statuses
    assert HearingStatus.CANCELLED not in statuses


def test_seed_demo_testimony_belongs_to_its_hearings(app, db):
    _seed(app)
    testimonies = list(db.session.scalars(select(Testimony)))
    assert testimonies
    for testimony in testimonies:
        hearing = testimony.hearing
        assert testimony.measure in hearing.measures
        # Received inside the window, as if it had come through the form.
        assert hearing.testimony_opens_at <= testimony.received_at < hearing.testimony_closes_at
        assert testimony.received_at <= utcnow()


def test_demo_hearings_render(app, db, client):
    _seed(app)
    assert client.get("/").status_code == 200
    for hearing_id in db.session.scalars(select(Hearing.id)):
        assert client.get(f"/hearings/{hearing_id}").status_code == 200
        assert client.get(f"/hearings/{hearing_id}/testimony/new").status_code == 200


def test_seed_demo_twice_changes_nothing(app, db):
    _seed(app)
    first = _row_counts(db)
    assert first["hearings"] >= 3
    assert first["testimonies"] > 0

    result = _seed(app)

    assert "already present" in result.output
    assert _row_counts(db) == first


def test_if_empty_loads_into_an_empty_database(app, db):
    result = _seed(app, "--if-empty")
    assert "Demo data loaded" in result.output
    assert _row_counts(db)["hearings"] >= 3


def test_if_empty_does_nothing_when_hearings_exist(app, db):
    make_hearing(title="A clerk's own hearing")
    db.session.commit()
    before = _row_counts(db)

    result = _seed(app, "--if-empty")

    assert "already has hearings" in result.output
    assert _row_counts(db) == before
    assert db.session.scalar(select(Body).filter_by(slug="boston-city-council")) is None


def test_if_empty_after_the_demo_changes_nothing(app, db):
    _seed(app)
    before = _row_counts(db)
    result = _seed(app, "--if-empty")
    assert "already has hearings" in result.output
    assert _row_counts(db) == before


def test_seed_demo_shows_a_form_letter_and_a_bot_campaign(app, db):
    _seed(app)
    sizes = db.session.execute(
        select(Testimony.campaign_id, func.count())
        .where(Testimony.campaign_id.is_not(None))
        .group_by(Testimony.campaign_id)
    ).all()
    assert sorted(size for _campaign, size in sizes) == [8, 24]
    # The bot copies share little exact wording, yet sit in one campaign, apart from the rest.
    bot = db.session.scalars(
        select(Testimony).where(Testimony.body.contains("Massachusetts safe"))
    ).all()
    assert bot and len({t.campaign_id for t in bot}) == 1


def test_seed_demo_lists_interpreter_languages_and_sets_speaking_rules(app, db, client):
    from app.hearings.languages import DEFAULT_LANGUAGES, body_languages
    from app.hearings.models import SpeakingModes

    _seed(app)
    _seed(app)  # a second load lists nothing twice

    for body in db.session.scalars(select(Body)):
        assert [item.code for item in body_languages(body.id)] == [
            code for code, _english, _spanish in DEFAULT_LANGUAGES
        ]
    (french_request,) = db.session.scalars(
        select(Testimony).where(Testimony.body.contains("French interpreter"))
    )
    assert french_request.interpreter.code == "fr"
    assert french_request.interpreter.body_id == french_request.hearing.committee.body_id
    assert french_request.interpreter_language is None

    hearings = db.session.scalars(select(Hearing)).all()
    assert all(hearing.speaker_minutes == 3 for hearing in hearings)
    assert all(hearing.speaking_modes is SpeakingModes.BOTH for hearing in hearings)
    assert all(hearing.has_remote_option and hearing.has_in_person_option for hearing in hearings)
    assert {hearing.max_speakers for hearing in hearings} == {20, 40}
    (with_pin,) = [hearing for hearing in hearings if hearing.remote_pin]
    page = client.get(f"/hearings/{with_pin.id}").text
    assert "3 minutes" in page
    assert with_pin.remote_pin not in page


def test_seed_demo_has_testimony_on_both_measures_of_the_held_hearing(app, db):
    _seed(app)
    testimonies = db.session.scalars(select(Testimony)).all()
    # Every testimony names the measures it addresses, its main one first among them.
    for testimony in testimonies:
        assert testimony.measure_id in {stance.measure_id for stance in testimony.stances}
    several = [t for t in testimonies if t.addresses_several]
    assert len(several) == 1
    [companion] = several
    numbers = {stance.measure.number: stance.position.value for stance in companion.stances}
    assert numbers == {"Docket #0683": "neutral", "Docket #0684": "support"}
