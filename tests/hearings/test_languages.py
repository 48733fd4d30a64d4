"""The body's list of interpreter languages: the default list, and the clerk's changes as
services (each flushed and audited, refusals changing nothing)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.accounts.models import Role
from app.hearings import languages
from app.hearings.languages import (
    DEFAULT_LANGUAGES,
    DuplicateLanguageCode,
    LanguageInUse,
    add_language,
    body_languages,
    move_language,
    reader_locale,
    remove_language,
    rename_language,
)
from app.hearings.models import InterpreterLanguage
from app.platform.audit import AuditEvent
from tests.factories import (
    listed_language,
    make_body,
    make_committee,
    make_hearing,
    make_interpreter_language,
    make_staff_user,
    make_testimony,
)

NOW = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)


@pytest.fixture
def clerk(db):
    return make_staff_user(Role.CLERK)


def codes(body) -> list[str]:
    return [language.code for language in body_languages(body.id)]


def audited(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_body_gets_the_default_list_in_order(db):
    body = make_body(languages=False)
    assert body_languages(body.id) == []
    languages.list_default_languages(body)
    assert codes(body) == [code for code, _en, _es in DEFAULT_LANGUAGES]
    assert languages.count_languages(body.id) == len(DEFAULT_LANGUAGES)
    spanish = listed_language(body, "es")
    assert (spanish.name("en"), spanish.name("es"), spanish.name("ht")) == (
        "Spanish",
        "Español",
        "Spanish",
    )


def test_add_puts_a_language_at_the_end_and_records_it(db, clerk):
    body = make_body()
    added = add_language(clerk, body, code="tlh", names={"en": "Klingon", "es": "Klingon"}, now=NOW)
    assert codes(body)[-1] == "tlh"
    assert added.position == len(DEFAULT_LANGUAGES)
    (event,) = audited(db, "interpreter_language.added")
    assert event.actor == clerk.audit_name
    assert event.data == {"code": "tlh", "names": {"en": "Klingon", "es": "Klingon"}}


def test_add_to_an_empty_list_starts_at_the_top(db, clerk):
    body = make_body(languages=False)
    add_language(clerk, body, code="es", names={"en": "Spanish", "es": "Español"}, now=NOW)
    assert [(item.code, item.position) for item in body_languages(body.id)] == [("es", 0)]


def test_a_code_already_listed_is_refused_and_the_transaction_goes_on(db, clerk):
    body = make_body()
    with pytest.raises(DuplicateLanguageCode, match="the code “es”"):
        add_language(clerk, body, code="es", names={"en": "Spanish", "es": "Español"}, now=NOW)
    # The refusal undid only itself: the session still works and nothing was added.
    assert codes(body).count("es") == 1
    assert audited(db, "interpreter_language.added") == []


def test_rename_keeps_the_code_and_any_other_names(db, clerk):
    body = make_body()
    haitian = listed_language(body, "ht")
    haitian.names = {**haitian.names, "ht": "Kreyòl ayisyen"}
    rename_language(
        clerk, haitian, names={"en": "Haitian Creole (Kreyòl)", "es": "Criollo"}, now=NOW
    )
    assert haitian.code == "ht"
    assert haitian.names == {
        "en": "Haitian Creole (Kreyòl)",
        "es": "Criollo",
        "ht": "Kreyòl ayisyen",
    }
    (event,) = audited(db, "interpreter_language.renamed")
    assert event.data["before"]["en"] == "Haitian Creole"


def test_move_swaps_with_the_neighbour_and_stops_at_the_ends(db, clerk):
    body = make_body(languages=False)
    first, second, third = (
        make_interpreter_language(body, code, code.upper(), code.upper())
        for code in ("aa", "bb", "cc")
    )
    # Positions left with gaps and ties (as after removals) are numbered afresh.
    first.position, second.position, third.position = 5, 5, 9
    assert move_language(clerk, third, offset=-1, now=NOW)
    assert codes(body) == ["aa", "cc", "bb"]
    assert [item.position for item in body_languages(body.id)] == [0, 1, 2]
    assert not move_language(clerk, first, offset=-1, now=NOW)
    assert not move_language(clerk, second, offset=1, now=NOW)
    assert move_language(clerk, first, offset=1, now=NOW)
    assert codes(body) == ["cc", "aa", "bb"]
    assert len(audited(db, "interpreter_language.moved")) == 2


def test_remove_takes_a_language_off_the_list(db, clerk):
    body = make_body()
    somali = listed_language(body, "so")
    remove_language(clerk, somali, now=NOW)
    assert "so" not in codes(body)
    assert db.session.scalar(select(InterpreterLanguage).filter_by(code="so")) is None
    (event,) = audited(db, "interpreter_language.removed")
    assert event.data == {"code": "so", "name": "Somali"}


def test_remove_is_refused_while_testimony_asks_for_the_language(db, app, clerk):
    body = make_body()
    hearing = make_hearing(committee=make_committee(body))
    french = listed_language(body, "fr")
    make_testimony(hearing, interpreter_language_id=french.id)
    with (
        app.test_request_context(),
        force_locale("es"),
        pytest.raises(LanguageInUse) as refused,
    ):
        remove_language(clerk, french, now=NOW)
    assert "Francés" in str(refused.value)
    assert "fr" in codes(body)
    assert audited(db, "interpreter_language.removed") == []


def test_reader_locale_follows_the_page(app):
    with app.test_request_context():
        assert reader_locale() == "en"
        with force_locale("es"):
            assert reader_locale() == "es"
