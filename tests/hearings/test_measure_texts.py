"""A measure's title and summary in the reader's language: the helper, and what residents
reading in Spanish see on every public page, with the original one click away; staff pages
keep the original."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from sqlalchemy import event, func, select

from app.accounts.models import Role
from app.hearings.measure_texts import (
    Translation,
    load_translations,
    measure_label,
    measure_text,
    save_translations,
    set_translations,
)
from app.hearings.models import MeasureTranslation
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.testimony.models import ReviewStatus
from tests.factories import (
    log_in,
    make_hearing,
    make_sign_in,
    make_staff_user,
    make_testimony,
    set_review_status,
)

TITLE_ES = "Ordenanza que prohíbe la vigilancia facial en Boston"
SUMMARY_ES = "Prohíbe que la Ciudad use tecnología de vigilancia facial."

pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


def translate(measure, language="es", title=TITLE_ES, summary=SUMMARY_ES):
    measure.translations.append(MeasureTranslation(language=language, title=title, summary=summary))
    _db.session.flush()


@pytest.fixture
def hearing(db):
    hearing = make_hearing()
    translate(hearing.measures[0])
    db.session.commit()
    return hearing


@pytest.fixture
def spanish(app):
    browser = app.test_client()
    browser.set_cookie("lang", "es")
    return browser


# The helper.


def test_a_reader_in_the_original_language_gets_the_original(hearing):
    measure = hearing.measures[0]
    title, summary, translated = measure_text(measure, "en")
    assert (title, summary, translated) == (measure.title, measure.summary, False)


def test_a_reader_in_spanish_gets_the_translation_marked_spanish(hearing):
    text = measure_text(hearing.measures[0], "es")
    assert (text.title, text.summary, text.is_translated) == (TITLE_ES, SUMMARY_ES, True)
    assert (text.title_language, text.summary_language, text.original_language) == (
        "es",
        "es",
        "en",
    )


def test_without_a_translation_the_original_is_given_in_its_own_language(db):
    measure = make_hearing().measures[0]
    text = measure_text(measure, "es")
    assert (text.title, text.is_translated, text.title_language) == (measure.title, False, "en")


def test_a_title_translated_alone_leaves_the_original_summary_marked_as_such(db):
    measure = make_hearing().measures[0]
    translate(measure, summary="")
    text = measure_text(measure, "es")
    assert (text.title, text.title_language) == (TITLE_ES, "es")
    assert (text.summary, text.summary_language) == (measure.summary, "en")


def test_another_languages_translation_is_not_used(hearing):
    assert measure_text(hearing.measures[0], "ht").is_translated is False
    assert measure_label(hearing.measures[0], "es") == f"{hearing.measures[0].number}: {TITLE_ES}"


def test_translations_of_a_whole_list_load_in_one_query(app, db):
    measures = [make_hearing().measures[0] for _ in range(5)]
    for measure in measures:
        translate(measure)
    db.session.commit()
    db.session.expire_all()
    measures = [db.session.get(type(m), m.id) for m in measures]
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with app.test_request_context(headers={"Cookie": "lang=es"}), force_locale("es"):
            load_translations(measures)
            titles = [measure_text(m, "es").title for m in measures]
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert titles == [TITLE_ES] * 5
    assert len(statements) == 1


def test_readers_in_the_original_language_load_no_translations(app, hearing, db):
    db.session.expire_all()
    measure = db.session.get(type(hearing.measures[0]), hearing.measures[0].id)
    with app.test_request_context():
        load_translations([measure])
        measure_text(measure, "en")
    assert "translations" not in measure.__dict__


def test_setting_translations_adds_changes_and_removes_only_the_languages_given(db):
    measure = make_hearing().measures[0]
    translate(measure, language="ht", title="Òdonans")
    assert set_translations(measure, {"es": Translation(TITLE_ES, SUMMARY_ES)}) == ["es"]
    assert set_translations(measure, {"es": Translation(TITLE_ES, SUMMARY_ES)}) == []
    assert set_translations(measure, {"es": Translation("Otro título")}) == ["es"]
    assert set_translations(measure, {"es": Translation("")}) == ["es"]
    db.session.flush()
    assert [(t.language, t.title) for t in measure.translations] == [("ht", "Òdonans")]


def test_saving_translations_records_a_change_and_nothing_otherwise(db):
    clerk = make_staff_user(Role.CLERK)
    measure = make_hearing().measures[0]
    wanted = {"es": Translation(TITLE_ES, SUMMARY_ES)}
    assert save_translations(clerk, measure, wanted, now=utcnow()) == ["es"]
    assert save_translations(clerk, measure, wanted, now=utcnow()) == []
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "measure.translated")
    ).all()
    assert [e.data["languages"] for e in events] == [["es"]]


def test_a_measure_removed_takes_its_translations_with_it(hearing, db):
    measure = hearing.measures[0]
    hearing.measures = []
    db.session.flush()
    db.session.delete(measure)
    db.session.commit()
    assert db.session.scalar(select(func.count(MeasureTranslation.id))) == 0


# What residents see.


def _original_block(page: str, measure) -> str:
    found = re.search(
        rf'<details class="original-text" id="measure-{measure.id}-original"[^>]*>(.*?)</details>',
        page,
        re.S,
    )
    assert found, "no link to the original"
    return found.group(0)


def test_the_hearing_page_in_spanish_shows_the_translation_and_the_original_one_click_away(
    hearing, spanish
):
    measure = hearing.measures[0]
    page = spanish.get(f"/hearings/{hearing.id}").text
    assert f'<span lang="es">{TITLE_ES}</span>' in page
    assert f'<span lang="es">{SUMMARY_ES}</span>' in page
    original = _original_block(page, measure)
    assert "Lea el original (inglés)" in original
    assert '<div lang="en">' in original
    assert measure.title in original and measure.summary in original
    # Closed until asked for; a link from the forms opens it.
    assert " open>" not in original.split("\n")[0]
    opened = spanish.get(f"/hearings/{hearing.id}?original=1").text
    assert re.search(rf'id="measure-{measure.id}-original" open>', opened)


def test_the_hearing_page_in_english_is_unchanged(hearing, client):
    page = client.get(f"/hearings/{hearing.id}").text
    measure = hearing.measures[0]
    assert f"{measure.number}: {measure.title}</h3>" in page
    assert TITLE_ES not in page and "original-text" not in page


def test_an_untranslated_measure_on_a_spanish_page_is_marked_english(db, spanish):
    hearing = make_hearing()
    db.session.commit()
    page = spanish.get(f"/hearings/{hearing.id}").text
    assert f'<span lang="en">{hearing.measures[0].title}</span>' in page
    assert "original-text" not in page


def test_the_list_of_hearings_shows_translated_titles(hearing, spanish):
    page = spanish.get("/").text
    assert f'<span lang="es">{TITLE_ES}</span>' in page


def test_the_testimony_and_sign_in_forms_show_translated_titles_and_link_to_the_originals(
    hearing, spanish
):
    for path in (f"/hearings/{hearing.id}/testimony/new", f"/hearings/{hearing.id}/positions/new"):
        page = spanish.get(path).text
        assert TITLE_ES in page, path
        assert f"/hearings/{hearing.id}?original=1#agenda" in page, path


def test_receipts_show_translated_titles(hearing, spanish, db):
    testimony = make_testimony(hearing)
    sign_in = make_sign_in(hearing)
    db.session.commit()
    receipt = spanish.get(f"/receipts/{testimony.token}").text
    assert TITLE_ES in receipt
    sign_in_receipt = spanish.get(f"/positions/{sign_in.token}").text
    assert TITLE_ES in sign_in_receipt


def test_the_follow_form_names_the_measure_in_spanish(hearing, spanish):
    page = spanish.get(f"/hearings/{hearing.id}/follow").text
    assert TITLE_ES in page


def test_published_testimony_and_staff_pages_keep_the_original(hearing, app, db):
    set_review_status(make_testimony(hearing).testimony, ReviewStatus.APPROVED)
    clerk = make_staff_user(Role.CLERK)
    db.session.commit()
    staff = app.test_client()
    staff.set_cookie("lang", "es")
    log_in(staff, clerk)
    page = staff.get(f"/staff/manage/hearings/{hearing.id}/edit").text
    assert hearing.measures[0].title in page
    assert TITLE_ES not in page


def test_a_translation_saved_meanwhile_by_someone_else_is_changed_not_added_twice(db):
    """Two clerks save the same measure's Spanish at once: the second, holding a page read
    before the first saved, changes the first's translation instead of failing."""
    from sqlalchemy import func, insert, select
    from sqlalchemy.orm.attributes import set_committed_value

    from app.hearings.measure_texts import Translation, set_translations
    from app.hearings.models import MeasureTranslation
    from tests.factories import make_measure

    measure = make_measure()
    measure_id = measure.id
    db.session.commit()
    # This clerk's page was read before the other clerk saved: no translation yet.
    set_committed_value(measure, "translations", [])
    with db.engine.begin() as other_clerk:
        other_clerk.execute(
            insert(MeasureTranslation).values(
                measure_id=measure_id, language="es", title="Primera", summary=""
            )
        )

    changed = set_translations(measure, {"es": Translation("Segunda")})
    db.session.commit()

    assert changed == ["es"]
    rows = db.session.scalars(select(MeasureTranslation)).all()
    assert [(r.language, r.title) for r in rows] == [("es", "Segunda")]
    assert db.session.scalar(select(func.count(MeasureTranslation.id))) == 1
