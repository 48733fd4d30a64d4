"""The walk-in forms (staff at the door, the resident on the kiosk) and the console's action
form, checked as posted."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from app.hearings.languages import body_languages, count_languages, list_default_languages
from app.speaking.console_forms import ConsoleActionForm, KioskForm, WalkInForm
from app.speaking.models import SpeakerMode
from app.testimony.models import Position
from tests.factories import make_hearing


def languages(hearing):
    """The body's interpreter languages: the defaults every new body is given."""
    body = hearing.committee.body
    if not count_languages(body.id):
        list_default_languages(body)
    return body_languages(body.id)


def _posted(app, form_class, data, hearing=None, **setup):
    with app.test_request_context(method="POST", data=MultiDict(data)):
        form = form_class(meta={"csrf": False})
        if hearing is not None:
            form.setup(hearing, languages(hearing), "en", **setup)
        valid = form.validate()
        return form, valid


def _walk_in(hearing, **overrides):
    return {
        "version": "4",
        "full_name": "Dee Walker",
        "city": "Roxbury",
        "organization": "",
        "measure_id": str(hearing.measures[0].id),
        "position": "oppose",
        "mode": "in_person",
        "interpreter": "",
        "interpreter_other": "",
    } | overrides


def test_a_walk_in_becomes_what_the_service_takes(app, db):
    hearing = make_hearing()
    spanish = next(lang for lang in languages(hearing) if lang.code == "es")
    form, valid = _posted(
        app,
        WalkInForm,
        _walk_in(hearing, organization="  Digital Fourth ", interpreter=str(spanish.id)),
        hearing,
    )
    assert valid, form.errors
    walk_in = form.to_walk_in(language=None)
    assert walk_in.full_name == "Dee Walker"
    assert walk_in.organization == "Digital Fourth"
    assert walk_in.position is Position.OPPOSE
    assert walk_in.mode is SpeakerMode.IN_PERSON
    assert walk_in.interpreter_language_id == spanish.id
    assert walk_in.interpreter_other is None


def test_another_language_must_be_named(app, db):
    hearing = make_hearing()
    form, valid = _posted(app, WalkInForm, _walk_in(hearing, interpreter="other"), hearing)
    assert not valid
    assert form.interpreter_other.errors == ["Say which language the interpreter is needed for."]
    form, valid = _posted(
        app,
        WalkInForm,
        _walk_in(hearing, interpreter="other", interpreter_other="Amharic"),
        hearing,
    )
    assert valid
    walk_in = form.to_walk_in(language=None)
    assert (walk_in.interpreter_language_id, walk_in.interpreter_other) == (None, "Amharic")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "Enter the speaker's name."),
        ("full_name", "x" * 10_000, "Use 200 characters or fewer."),
        (
            "full_name",
            "Dee\x00Walker",
            "Remove the control characters (such as NUL) from this field.",
        ),
        ("full_name", "...", "Enter letters or numbers here."),
        ("city", "y" * 101, "Use 100 characters or fewer."),
        ("organization", "z" * 201, "Use 200 characters or fewer."),
        ("measure_id", "999999", "Choose one of the options shown."),
        ("measure_id", "not a number", "Choose one of the options shown."),
        ("measure_id", None, "Choose the measure they will speak on."),
        ("position", None, "Choose support, oppose or neutral."),
        ("position", "maybe", "Choose one of the options shown."),
        ("mode", "by pigeon", "Choose one of the options shown."),
        ("interpreter", "12345", "Choose one of the options shown."),
        ("interpreter_other", "q" * 101, "Use 100 characters or fewer."),
    ],
)
def test_bad_input_gets_a_clear_message(app, db, field, value, message):
    hearing = make_hearing(measures=2)
    data = _walk_in(hearing, **{field: value})
    if value is None:  # a radio button left unticked is not sent at all
        del data[field]
    form, valid = _posted(app, WalkInForm, data, hearing)
    assert not valid
    assert form.errors[field] == [message]


def test_remote_is_offered_only_when_the_hearing_has_a_remote_meeting(app, db):
    hearing = make_hearing(remote_url=None)
    form, valid = _posted(app, WalkInForm, _walk_in(hearing, mode="remote"), hearing)
    assert not valid
    assert [choice.value for choice in form.mode.choices] == ["in_person"]


def test_the_kiosk_asks_the_resident_and_they_speak_in_person(app, db):
    hearing = make_hearing()
    data = _walk_in(hearing, organization="Ignored", mode="remote")
    with app.test_request_context(method="POST", data=MultiDict(data)):
        form = KioskForm(meta={"csrf": False})
        form.setup_kiosk(hearing, languages(hearing), "es")
        assert form.validate(), form.errors
        assert "organization" not in form and "mode" not in form
        walk_in = form.to_walk_in(language="es")
    assert walk_in.mode is SpeakerMode.IN_PERSON
    assert walk_in.organization is None
    assert walk_in.language == "es"
    # The body's languages are named in the reader's language.
    assert "Spanish" not in [str(c.label) for c in form.interpreter.choices]
    assert "Criollo haitiano" in [str(c.label) for c in form.interpreter.choices]


@pytest.mark.parametrize("version", ["", "abc", "-1", "1.5", "9" * 12])
def test_an_action_needs_the_version_its_page_showed(app, version):
    form, valid = _posted(app, ConsoleActionForm, {"version": version})
    assert not valid
    form, valid = _posted(app, ConsoleActionForm, {"version": "17"})
    assert valid and form.seen_version == 17
