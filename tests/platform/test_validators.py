"""The plain-text check every form field that takes people's words goes through."""

from __future__ import annotations

import pytest
from wtforms import Form, StringField, TextAreaField

from app.platform.validators import PlainText

CONTROL = "Remove the control characters (such as NUL) from this field."
NOT_VALID = "This field contains characters that are not valid."


class Sample(Form):
    line = StringField(validators=[PlainText()])
    text = TextAreaField(validators=[PlainText(multiline=True)])


def errors(line: str = "", text: str = "") -> list[str]:
    form = Sample(data={"line": line, "text": text})
    form.validate()
    return [str(message) for messages in form.errors.values() for message in messages]


@pytest.mark.parametrize(
    "typed",
    [
        "Ñandú, 東京, مرحبا, Привет",
        "right\u200fto\u200eleft marks and a zero\u200dwidth joiner",
        "emoji 👩🏽‍⚖️ and symbols ½ © ™",
        "",
    ],
)
def test_text_people_type_is_accepted_as_written(typed):
    assert errors(line=typed, text=typed) == []


def test_line_breaks_and_tabs_are_allowed_only_where_text_runs_over_lines():
    assert errors(text="first line\n\tindented second") == []
    assert errors(line="first line\nsecond") == [CONTROL]
    assert errors(line="a\ttab") == [CONTROL]


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f", "\x85", "\x9f", "\ufffe"])
def test_control_characters_are_refused_everywhere(character):
    assert errors(line=f"a{character}b") == [CONTROL]
    assert errors(text=f"a long\ntext{character}") == [CONTROL]


def test_a_lone_surrogate_is_refused_with_its_own_message():
    assert errors(text="broken \ud800 pair") == [NOT_VALID]


def test_the_first_problem_in_the_text_is_the_one_reported():
    assert errors(text="\udfff then \x00") == [NOT_VALID]
    assert errors(text="\x00 then \udfff") == [CONTROL]


def test_row_id_takes_only_ids_a_column_can_hold():
    from app.platform.validators import row_id

    assert row_id("42") == 42
    assert row_id(str(2**31 - 1)) == 2**31 - 1
    for raw in (None, "", "-1", "4.2", "²", "9" * 10, str(2**31), "1\x00", "12a"):
        assert row_id(raw) is None, raw
