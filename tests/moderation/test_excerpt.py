"""The queue's excerpt of a testimony: cut where a reader's character ends, at a word's end
when one is near, with right-to-left runs closed."""

from __future__ import annotations

import pytest

from app.moderation.excerpt import ELLIPSIS, EXCERPT_LENGTH, excerpt

LIMIT = 40
SHALOM = "\u05e9\u05dc\u05d5\u05dd"  # Hebrew, right to left

# Each is one character to a reader, spelt with several code points.
CLUSTERS = {
    "e with a combining acute": "e\u0301",
    "thumbs up, medium skin tone": "\U0001f44d\U0001f3fd",
    "family joined by zero-width joiners": "\u200d".join(
        ["\U0001f469", "\U0001f469", "\U0001f467", "\U0001f466"]
    ),
    "flag of the United States": "\U0001f1fa\U0001f1f8",
    "flag of England (tag sequence)": "\U0001f3f4"
    + "".join(chr(0xE0000 + ord(c)) for c in "gbeng")
    + "\U000e007f",
    "keycap one": "1\ufe0f\u20e3",
    "Hangul syllable spelt in jamo": "\u1100\u1161\u11a8",
    "Devanagari conjunct ksha": "\u0915\u094d\u0937",
    "Thai ko kai with sara am": "\u0e01\u0e33",
    "Arabic number sign and its digits": "\u0600\u0661",
    "Hebrew letter with points": "\u05e9\u05c1\u05b8",
}


@pytest.mark.parametrize("name", CLUSTERS)
def test_a_cut_never_falls_inside_a_readers_character(name):
    cluster = CLUSTERS[name]
    for inside in range(len(cluster) + 1):
        # One long word, so the cut falls at the limit, whichever part of the cluster is there.
        head = "x" * (LIMIT - inside)
        text = head + cluster + "y" * 50

        shown = excerpt(text, LIMIT)

        assert shown.endswith(ELLIPSIS)
        kept = shown[: -len(ELLIPSIS)]
        assert kept in (head, head + cluster), (inside, kept[-8:])
        assert len(kept) <= LIMIT


def test_two_flags_in_a_row_are_cut_between_the_pairs():
    flags = "\U0001f1fa\U0001f1f8\U0001f1f2\U0001f1fd"  # US, then Mexico
    shown = excerpt("x" * (LIMIT - 3) + flags + "y" * 20, LIMIT)
    assert shown == "x" * (LIMIT - 3) + flags[:2] + ELLIPSIS


def test_short_text_is_shown_whole_on_one_line():
    assert excerpt("Keep the library\r\nopen on   Sundays.\n\nThank you.") == (
        "Keep the library open on Sundays. Thank you."
    )


def test_long_text_ends_at_a_word_with_an_ellipsis():
    text = "I oppose the ordinance because face surveillance misidentifies residents. " * 10

    shown = excerpt(text)

    assert shown.endswith(ELLIPSIS)
    kept = shown[: -len(ELLIPSIS)]
    assert len(kept) <= EXCERPT_LENGTH
    assert text.startswith(kept)
    assert text[len(kept)] == " ", "the last word is whole"
    assert not kept.endswith(" ")


def test_a_far_away_space_is_not_worth_losing_most_of_the_room():
    text = "Short " + "z" * 100
    assert excerpt(text, LIMIT) == "Short " + "z" * (LIMIT - 6) + ELLIPSIS


def test_right_to_left_text_is_cut_without_reordering_what_follows():
    arabic = "أعارض استخدام المراقبة بالوجه في المدينة " * 10
    shown = excerpt(arabic, LIMIT)
    assert arabic.startswith(shown[: -len(ELLIPSIS)])
    assert shown.endswith(ELLIPSIS)


@pytest.mark.parametrize(
    ("opening", "closing"),
    [
        ("\u202e", "\u202c"),  # right-to-left override, closed by PDF
        ("\u202b", "\u202c"),  # right-to-left embedding
        ("\u2067", "\u2069"),  # right-to-left isolate, closed by PDI
        ("\u2068", "\u2069"),  # first-strong isolate
    ],
)
def test_a_direction_control_left_open_by_the_cut_is_closed_before_the_ellipsis(opening, closing):
    text = "Name: " + opening + "שלום עולם " * 20 + closing + " the rest"

    shown = excerpt(text, LIMIT)

    assert shown.endswith(closing + ELLIPSIS)
    assert shown.count(opening) == shown.count(closing) == 1


def test_controls_already_closed_are_left_alone():
    text = "A \u2067" + SHALOM + "\u2069 and \u202eevil\u202c done. " + "word " * 40
    shown = excerpt(text, LIMIT)
    assert shown[: -len(ELLIPSIS)] == " ".join(text.split())[: len(shown) - len(ELLIPSIS)]
    assert shown.count("\u2069") == 1 and shown.count("\u202c") == 1


def test_an_isolate_closes_the_embeddings_opened_inside_it():
    text = "\u2067 a \u202b b \u2069 c " + "word " * 40
    shown = excerpt(text, LIMIT)
    assert shown.count("\u202c") == 0, "the PDI closed the embedding: nothing to add"


def test_one_character_piled_with_marks_longer_than_the_room_shows_only_the_ellipsis():
    assert excerpt("Z" + "\u0301" * 300, LIMIT) == ELLIPSIS
