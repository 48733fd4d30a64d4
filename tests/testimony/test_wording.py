"""How campaign grouping reads a text: its words, the key shared by exact copies, three-word
shingles, and when two texts count as copies of one letter."""

from __future__ import annotations

import pytest

from app.testimony import wording
from tests.campaigns import letters as L


def shingled(text: str):
    return wording.shingles(wording.words(text))


def key(text: str) -> str:
    return wording.exact_key(wording.words(text))


def alike(first: str, second: str) -> bool:
    return wording.alike(shingled(first), shingled(second))


# Words and the exact-copy key


def test_words_ignore_case_punctuation_and_spacing():
    words = wording.words("  I OPPOSE the\tproject!!\n\nPlease -- deny it. ")
    assert " ".join(words) == "i oppose the project please deny it"


def test_words_keep_digits_and_letters_of_every_script():
    assert " ".join(wording.words("Docket #EPA-R06, 112(g) NOMA")) == "docket epa r06 112 g noma"
    assert wording.words("حظر المراقبة، بالوجه") == ["حظر", "المراقبة", "بالوجه"]
    full_width = "\uff26\uff55\uff4c\uff4c-width Straße"  # "Full" in full-width letters
    assert wording.words(full_width) == ["full", "width", "strasse"]


@pytest.mark.parametrize(
    "copy",
    [
        L.COAL_ASH.upper(),
        L.COAL_ASH.replace("\n \n", " ").replace("  ", " "),
        L.COAL_ASH.replace(",", "").replace(".", "!"),
        "\r\n" + L.COAL_ASH.replace("\n", "\r\n") + "\r\n",
    ],
    ids=["capitals", "spacing", "punctuation", "windows line breaks"],
)
def test_copies_differing_only_in_form_share_the_exact_key(copy):
    assert key(copy) == key(L.COAL_ASH)


def test_a_changed_or_added_word_changes_the_exact_key():
    assert key(L.CONCERNS) != key(L.CONCERNS_COASTLINE)
    assert key(L.COAL_ASH) != key(L.COAL_ASH + " Thank you.")
    assert key("Ban it now.") != key("Ban it not.")


def test_the_exact_key_is_a_fixed_size_hex_digest():
    assert key("Please hold a public meeting on the Bluewater permit.") == (
        "5b4d3c5e99ebc1793abe5f5144bdd54e"
    )
    assert len(key(L.COMMENTING_AGAINST)) == 32


# Shingles


def test_shingles_are_the_same_in_every_process():
    # Computed once and stored: anchors written by one worker must match those of another,
    # so the hashes cannot depend on Python's per-process string hashing.
    assert shingled("Please hold a public meeting on the Bluewater permit.").tolist() == [
        1635147588878383661,
        3876564071191815153,
        7426736088303826286,
        12191044562749262042,
        12721905649664699346,
        15061664589350582993,
        15507741452150631174,
    ]


def test_shingles_are_sorted_and_distinct():
    hashes = shingled("no no no no no no " + L.CRUDE_EXPORT)
    assert hashes.tolist() == sorted(set(hashes.tolist()))
    assert len(shingled("no no no no no no")) == 1


def test_a_text_shorter_than_one_shingle_still_has_one_and_an_empty_text_none():
    assert len(shingled("Ban it")) == 1
    assert len(shingled("")) == 0
    assert len(shingled("?!")) == 0


def test_anchors_are_the_smallest_shingles():
    hashes = shingled(L.COAL_ASH)
    assert wording.anchors(hashes, 5).tolist() == hashes[:5].tolist()
    few = shingled("one two three four")
    assert wording.anchors(few, 12).tolist() == few.tolist()


# Alike


def test_a_text_is_alike_with_an_identical_copy():
    assert alike(L.COAL_ASH, L.COAL_ASH)
    assert alike(L.COAL_ASH, L.COAL_ASH.upper())


@pytest.mark.parametrize(
    ("letter", "copy"),
    [
        (L.COAL_ASH, L.COAL_ASH_PANDEMICS),  # a sentence added after
        (L.COAL_ASH, L.COAL_ASH_CRIMINAL),  # a paragraph added before
        (L.CRUDE_EXPORT, L.CRUDE_EXPORT_PIPELINE),  # a paragraph two thirds as long as it
        (L.CRUDE_EXPORT, L.CRUDE_EXPORT_SINUSES),  # a sentence in the middle
    ],
)
def test_a_letter_with_a_personal_addition_is_alike(letter, copy):
    assert alike(letter, copy)
    assert alike(copy, letter)


@pytest.mark.parametrize(
    ("letter", "copy"),
    [
        (L.CONCERNS, L.CONCERNS_PROPERTY),  # the opening words the writer's own
        (L.COAL_ASH, L.COAL_ASH_REWORDED),  # words left out, sentences split
        (L.COAL_ASH, L.COAL_ASH.replace("lifeblood", "heart").replace("reckless", "wrong")),
    ],
)
def test_a_letter_with_a_few_words_swapped_is_alike(letter, copy):
    assert alike(letter, copy)


def test_a_letter_with_its_paragraphs_reordered_is_alike():
    paragraphs = L.COAL_ASH.split("\n \n")
    assert len(paragraphs) == 3
    assert alike(L.COAL_ASH, "\n\n".join(reversed(paragraphs)))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("I support this ordinance.", "I support this ordinance."),
        ("I oppose the Bluewater permit.", "I strongly oppose the Bluewater permit."),
        ("Please ban super toxic rat poisons", "Please ban super toxic rat poisons now"),
    ],
)
def test_short_texts_are_never_alike_not_even_identical_ones(first, second):
    # Short texts match only as exact copies, through the exact key, never as near copies.
    assert not alike(first, second)


def test_a_text_of_eight_words_is_long_enough_to_be_alike():
    text = "Please deny the Bluewater permit and protect our bay."
    assert len(shingled(text)) >= wording.MIN_SHINGLES
    assert alike(text, text)
    assert not alike(text[:30], text[:30])


@pytest.mark.parametrize("other", L.UNRELATED)
def test_comments_on_the_same_topic_are_not_alike_with_any_letter(other):
    for campaign in L.CAMPAIGNS:
        assert not alike(other, campaign[0])


def test_letters_sharing_a_stock_opening_sentence_are_not_alike():
    # All three open with "my comment is on permit application EPA-R06-OAR-2020-0510 ...".
    assert not alike(L.CRUDE_EXPORT, L.CONCERNS)
    assert not alike(L.OPPOSE_PLANS, L.PUBLIC_MEETING)
    assert not alike(L.COAL_ASH, L.COAL_ASH_COVID)  # the same first sentence, then its own


def test_a_letter_quoted_inside_a_much_longer_text_is_not_alike():
    # A resident's long statement that quotes a short letter in full is still their own.
    statement = " ".join([L.COASTAL_BEND, L.COAL_ASH, L.CRUDE_EXPORT_PIPELINE, L.PUBLIC_MEETING])
    assert wording.similarity(shingled(L.PUBLIC_MEETING), shingled(statement)) == 1.0
    assert not alike(L.PUBLIC_MEETING, statement)


def test_similarity_is_the_share_of_the_smaller_text_found_in_the_other():
    assert wording.similarity(shingled(L.COAL_ASH), shingled(L.COAL_ASH_PANDEMICS)) == 1.0
    assert wording.similarity(shingled(""), shingled(L.COAL_ASH)) == 0.0
    assert 0 < wording.similarity(shingled(L.CRUDE_EXPORT), shingled(L.CONCERNS)) < 0.5
