"""Names of private third parties in testimony text: what the detector suggests, and what it
must leave alone (the author, officials, places, organisations, ordinary words)."""

from __future__ import annotations

import pytest

from app.moderation.person_names import NameContext, context_of, find_person_names, fold
from tests.factories import make_hearing, make_testimony


def names(text: str, context: NameContext | None = None) -> list[str]:
    return [text[span.start : span.end] for span in find_person_names(text, context)]


FOUND = [
    # after a word for someone close to the writer
    ("My neighbour John Smith at 12 Elm Street called the police.", ["John Smith"]),
    ("I asked my neighbor, Tom, about it.", ["Tom"]),
    ("my son's teacher, María José Núñez-García, saw it.", ["María José Núñez-García"]),
    ("Our landlord Xochitl Ixtab installed a camera.", ["Xochitl Ixtab"]),
    ("A man named Robert Williams was arrested by mistake.", ["Robert Williams"]),
    ("My friends Tom Lee and Ana Ruiz testified.", ["Tom Lee", "Ana Ruiz"]),
    ("My daughter Grace was filmed.", ["Grace"]),
    ("Our neighbour Rose called us.", ["Rose"]),
    # after a courtesy title: the name without the title
    ("Mrs. O'Brien down the hall saw it too.", ["O'Brien"]),
    ("Mrs O\u2019Brien agrees.", ["O\u2019Brien"]),
    ("I called Dr. Patel about it.", ["Patel"]),
    # without a cue: a listed given name, or a distinctive surname
    ("Last week Maria Lopez and I went to the hearing.", ["Maria Lopez"]),
    ("The footage showed Keisha Washington walking home.", ["Keisha Washington"]),
    ("Allie Ng runs the laundromat.", ["Allie Ng"]),
    ("I met Will Price at the library.", ["Will Price"]),
    ("Hope Johnson, who lives next door, agrees.", ["Hope Johnson"]),
    ("Ana de la Cruz and Pieter van der Berg agree.", ["Ana de la Cruz"]),
    ("John F. Kennedy said so, and Jean-Luc Moreau.", ["John F. Kennedy", "Jean-Luc Moreau"]),
    ("Liam O'Connor's dog barked.", ["Liam O'Connor"]),
    # Spanish
    ("Mi vecina Rosa tiene miedo.", ["Rosa"]),
    ("La maestra de mi hijo, Ana López, nos habló.", ["Ana López"]),
    ("la maestra Ana López nos habló.", ["Ana López"]),
    ("El Sr. Gómez vive en el tercer piso.", ["Gómez"]),
    ("Mi hijo se llama Mateo.", ["Mateo"]),
    # Vietnamese and Chinese in Latin script (surname first)
    ("Trần Thị Mai và Nguyễn Văn An sống ở đây.", ["Trần Thị Mai", "Nguyễn Văn An"]),
    ("Zhang Wei and Li Na run the shop.", ["Zhang Wei", "Li Na"]),
    # Arabic script, lower case and capitals after a cue
    ("my neighbour محمد عبد الله was stopped twice.", ["محمد عبد الله"]),
    ("my neighbor john smith complained", ["john smith"]),
    ("MY NEIGHBOR JOHN SMITH WAS ARRESTED BY MISTAKE", ["JOHN SMITH"]),
]


@pytest.mark.parametrize(("text", "expected"), FOUND, ids=[t for t, _ in FOUND])
def test_names_of_people_are_found(text, expected):
    assert names(text) == expected


NOT_NAMES = [
    # words that are also names, at the start of a sentence
    "Will Price controls work here?",
    "Rose bushes line the whole street.",
    "Grant funding should not pay for cameras. Hope is not a plan.",
    "Mark my words: this will be abused.",
    "Bill H.1538 must pass.",
    # months, days, places, streets
    "In June the committee voted, and in May Congress did nothing.",
    "On Monday I walked down Washington Street to Grant Park.",
    "I live at 100 Martin Luther King Jr Blvd near Saint Louis Street.",
    "I grew up in Jamaica Plain and San Jose, and studied at Boston University.",
    "I live in Fort Collins, Colorado, and work near Costa Mesa.",
    "We moved to\nJoshua Tree, CA 92252",
    # organisations, documents, headings, capitals
    "The Boston Police Department and the Massachusetts State Police use it.",
    "Protect Our Privacy Now: Stop Face Surveillance In Boston",
    "THE EPA AND THE CITY COUNCIL MUST ACT NOW. BAN FACE SURVEILLANCE!",
    "To YOUR KIDS FUTURE not just mine.",
    "Do LGBTQ+ people and others count?",
    "Mother Nature does not need cameras.",
    "The Fourth Amendment protects us.",
    # officials acting in office, and whoever a letter is addressed to
    "Councilor Wu and Mayor Wu both spoke. Chair Arroyo agreed. Later Michelle Wu left.",
    "Sponsored by Councilors Michelle Wu and Ricardo Arroyo. Ricardo Arroyo spoke.",
    "Dear Secretary Perdue, I write. Sonny Perdue should listen.",
    "Dear Administrator Andrew Wheeler, please stop.",
    "Hello Mr. Wheeler, I am opposed.",
    "la concejala Arroyo votó en contra.",
    # cues that are not someone's: no possessive, a group before one unlisted word
    "As a father, Atheist, and US Army Veteran, I object.",
    "protect our children Prohibit the use of poisons",
    "So called Religious exemptions are wrong.",
    # one capitalised word with no cue
    "Maria told me. Gary, Indiana smelled bad.",
    "",
]


@pytest.mark.parametrize("text", NOT_NAMES)
def test_things_that_are_not_private_names_are_not_suggested(text):
    assert names(text) == []


def test_a_signature_line_with_a_city_and_state_is_a_place():
    assert names("Sincerely, Ana Ruiz\nMaria Stein, TX 78701") == ["Ana Ruiz"]


def test_the_author_is_not_suggested_but_a_relative_with_the_same_surname_is():
    context = NameContext(author="Jane Q. Roe")
    text = "My name is Jane Roe; my husband Tom Roe agrees.\n\nSincerely,\nJane Q. Roe"

    assert names(text, context) == ["Tom Roe"]
    assert names(text) == ["Jane Roe", "Tom Roe", "Jane Q. Roe"]


def test_names_in_the_hearings_public_text_are_not_suggested_without_a_cue():
    context = NameContext(public=("Sponsored by Councilors Michelle Wu and Ricardo Arroyo.",))

    assert names("I agree with Ricardo Arroyo.", context) == []
    assert names("I agree with Ricardo Arroyo.") == ["Ricardo Arroyo"]
    # Someone close to the writer who shares an official's surname is still private.
    assert names("My neighbour Amy Wu agrees.", context) == ["Amy Wu"]
    # Ordinary words of the public text ("An ordinance …") make no name public.
    public = NameContext(public=("An ordinance banning face surveillance",))
    assert names("Trần Thị Mai và Nguyễn Văn An sống ở đây.", public) == [
        "Trần Thị Mai",
        "Nguyễn Văn An",
    ]


def test_an_official_named_with_the_office_is_public_for_the_whole_text():
    text = "Councilor Wu spoke first. Then Michelle Wu left, and my neighbour Amy Wu stayed."
    assert names(text) == ["Amy Wu"]


def test_a_possessive_is_left_out_of_the_name():
    text = "Mrs. O'Brien's car and Maria Lopez\u2019s dog."
    assert names(text) == ["O'Brien", "Maria Lopez"]


def test_spans_are_offsets_into_the_original_text():
    text = "👋🏽 Ünïcödé first. My neighbour Siobhán Kelleher\nlives at 5 Elm St."
    (span,) = find_person_names(text)
    assert text[span.start : span.end] == "Siobhán Kelleher"
    assert span.start == text.index("Siobhán")


def test_a_name_does_not_run_over_a_line_break():
    assert names("Sincerely,\nMaria Lopez\nJohn Street Press") == ["Maria Lopez"]


def test_long_runs_of_capitalised_words_are_headings_not_names():
    assert names("John Smith Mary Jones Peter Brown Ana Ruiz") == []
    assert names("A " * 10_000 + "and my neighbour John Smith.") == ["John Smith"]


def test_fold_removes_case_accents_and_possessives():
    assert fold("Núñez's") == "nunez"
    assert fold("ĐỖ") == "do"
    assert fold("O\u2019Brien") == "o'brien"


def test_the_context_of_a_testimony_holds_its_author_and_its_hearings_public_text(app, db):
    hearing = make_hearing(description="Sponsored by Councilor Ricardo Arroyo.")
    testimony = make_testimony(hearing, full_name="Jane Roe", organization="Acme Tenants").testimony

    context = context_of(testimony)

    assert context.author == "Jane Roe"
    assert "Sponsored by Councilor Ricardo Arroyo." in context.public
    assert "Committee on Government Operations" in context.public
    assert "Acme Tenants" in context.public
    text = "Jane Roe here. Ricardo Arroyo is right; my neighbour Tom Lee agrees."
    assert names(text, context) == ["Tom Lee"]
