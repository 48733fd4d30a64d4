"""One item, checked as the web form checks a resident's: types first, then what only the API
has (measures once and on the agenda, the language, the reference, the files named), then the
form's own rules, each error at a JSON Pointer to its value."""

from __future__ import annotations

import pytest

from app.api import items
from app.testimony.models import Position, SpeakingRequest
from tests.api.submitting import position_item, written_item
from tests.factories import listed_language, make_hearing

NUL = "Remove the control characters (such as NUL) from this field."


@pytest.fixture
def hearing(db):
    return make_hearing(measures=2)


def _check(app, hearing, raw, **kwargs):
    with app.test_request_context("/api/v1/x", method="POST"):
        return items.check_testimony(
            hearing,
            raw,
            index=3,
            pointer="/items/3",
            parts=kwargs.pop("parts", {}),
            allow_speaking=kwargs.pop("allow_speaking", True),
            organisation_id=7,
        )


def _errors(checked) -> dict[str, str]:
    assert checked.submission is None
    return {error.pointer: error.detail for error in checked.errors}


def test_a_good_item_becomes_the_web_forms_submission(app, db, hearing):
    first, second = (measure.id for measure in hearing.measures)
    sent = written_item(
        hearing,
        positions=[{"measure_id": second, "position": "oppose"}],
        speaking_request="remote",
        interpreter_language_id=listed_language(hearing.committee.body, "es").id,
        external_reference="ref-1",
        text="  Line one\r\nLine two  ",
        language="es",
    )
    checked = _check(app, hearing, sent)
    assert checked.errors == ()
    submission = checked.submission
    assert (submission.organisation_id, submission.external_reference) == (7, "ref-1")
    assert submission.stances == ((second, Position.OPPOSE),)
    assert submission.speaking_request is SpeakingRequest.REMOTE
    assert submission.interpreter_language_id is not None
    assert submission.body == "Line one\nLine two"  # the form's own clean-up
    assert submission.quarantine_reason is None
    assert checked.language == "es"
    assert first != second


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"positions": [{"measure_id": "5", "position": "support"}]},
            "/items/3/positions/0/measure_id",
        ),
        ({"zipcode": "02108"}, "/items/3/zipcode"),
        ({"full_name": 42}, "/items/3/full_name"),
        ({"public_record_acknowledged": "yes"}, "/items/3/public_record_acknowledged"),
        ({"positions": []}, "/items/3/positions"),
        ({"speaking_request": "shout"}, "/items/3/speaking_request"),
    ],
    ids=["string-id", "unknown-field", "number-name", "string-bool", "no-positions", "bad-choice"],
)
def test_types_are_strict(app, db, hearing, change, expected):
    errors = _errors(_check(app, hearing, written_item(hearing, **change)))
    assert list(errors) == [expected]


def test_what_only_the_api_has_is_checked_before_the_form(app, db, hearing):
    first = hearing.measures[0].id
    sent = written_item(
        hearing,
        positions=[
            {"measure_id": first, "position": "support"},
            {"measure_id": first, "position": "oppose"},
            {"measure_id": 999_999, "position": "oppose"},
        ],
        language="fr",
        external_reference="x" * 101,
        attachments=["nowhere"],
        zip_code="bad",  # the form's rule: not reached while the above are wrong
    )
    assert _errors(_check(app, hearing, sent)) == {
        "/items/3/positions/1/measure_id": "This measure is already in positions.",
        "/items/3/positions/2/measure_id": "Choose one of the measures on this hearing's agenda.",
        "/items/3/language": "Choose one of: en, es.",
        "/items/3/external_reference": "Use 100 characters or fewer.",
        "/items/3/attachments/0": "The request has no file part named “nowhere”.",
    }
    nul = _check(app, hearing, written_item(hearing, external_reference="a\x00b"))
    assert _errors(nul) == {"/items/3/external_reference": NUL}
    assert nul.external_reference is None  # not given back: it could not be kept


FORM_RULES = {
    "email": ({"email": "name@"}, "email", "Enter an e-mail address like name@example.org."),
    "invisible-name": ({"full_name": "\u200b"}, "full_name", "Enter letters or numbers here."),
    "nul": ({"city": "Bos\x00ton"}, "city", NUL),
    "no-street": ({"street_address": ""}, "street_address", "Enter your street address."),
    "speaks-for-nobody": (
        {"speaks_for_organization": True},
        "speaks_for_organization",
        "Name the organization you are testifying for.",
    ),
    "not-acknowledged": (
        {"public_record_acknowledged": False},
        "public_record_acknowledged",
        "Confirm that you understand your testimony becomes public record.",
    ),
    "too-long": (
        {"text": "x" * 10_001},
        "text",
        "Keep your testimony to 10,000 characters or fewer.",
    ),
    "unlisted-language": (
        {"interpreter_language_id": 999_999},
        "interpreter_language_id",
        "Choose one of the options shown.",
    ),
    "both-languages": (
        {"interpreter_other": "", "interpreter_language_id": 5},
        "interpreter_other",
        "Give interpreter_language_id or interpreter_other, not both.",
    ),
    "other-unsaid": (
        {"interpreter_other": ""},
        "interpreter_other",
        "Say which language you need an interpreter for.",
    ),
}


@pytest.mark.parametrize("case", FORM_RULES)
def test_the_web_forms_rules_and_messages(app, db, hearing, case):
    change, field, detail = FORM_RULES[case]
    errors = _errors(_check(app, hearing, written_item(hearing, **change)))
    assert errors == {f"/items/3/{field}": detail}


def test_the_email_may_be_left_out_and_text_is_kept_as_written(app, db, hearing):
    text = "<script>alert(1)</script> {{ 7*7 }} مرحبا \u200f 👍"
    checked = _check(app, hearing, written_item(hearing, email=None, text=text))
    assert checked.errors == ()
    assert checked.submission.email == ""
    assert checked.submission.body == text


def test_speaking_is_offered_only_while_sign_up_is_open(app, db, hearing):
    sent = written_item(hearing, speaking_request="in_person")
    errors = _errors(_check(app, hearing, sent, allow_speaking=False))
    assert list(errors) == ["/items/3/speaking_request"]
    assert errors["/items/3/speaking_request"].startswith("Sign-up to speak at this hearing has")


def test_a_one_measure_hearing_takes_its_one_measure(app, db):
    hearing = make_hearing()
    checked = _check(app, hearing, written_item(hearing))
    assert checked.submission.stances == ((hearing.measures[0].id, Position.SUPPORT),)


def test_a_sign_in_item(app, db, hearing):
    first, second = (measure.id for measure in hearing.measures)
    sent = position_item(
        hearing,
        positions=[
            {"measure_id": first, "position": "support"},
            {"measure_id": second, "position": "neutral"},
        ],
        email=None,
        external_reference="p-1",
    )
    with app.test_request_context("/api/v1/x", method="POST"):
        checked = items.check_sign_in(hearing, sent, index=0, pointer="", organisation_id=7)
        refused = items.check_sign_in(
            hearing, position_item(hearing, street_address="1 Main St"), index=0, pointer="",
            organisation_id=7,
        )  # fmt: skip
    assert checked.errors == ()
    assert checked.submission.positions == (
        (first, Position.SUPPORT),
        (second, Position.NEUTRAL),
    )
    assert (checked.submission.email, checked.submission.organisation_id) == ("", 7)
    # A sign-in has no street address: the field is not one it takes.
    assert [error.pointer for error in refused.errors] == ["/street_address"]
