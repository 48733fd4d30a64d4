"""What a campaign member says differently from the campaign's text, sentence by sentence:
the same, changed (a few words swapped) or added (the member's own words)."""

from __future__ import annotations

import pytest

from app.campaigns.differences import Kind, compare, sentences
from tests.campaigns import letters as L

LETTER = (
    "Please ban face surveillance in Boston. The technology misidentifies people of colour. "
    "No audit can fix a tool that tracks everyone who walks past a camera."
)


def kinds(member: str, representative: str = LETTER) -> list[Kind]:
    return [s.kind for s in compare(member, representative).sentences]


def changed_words(sentence) -> list[str]:
    return [piece.text for piece in sentence.pieces if piece.changed]


def test_a_copy_is_the_same_sentence_for_sentence():
    result = compare(LETTER, LETTER)

    assert kinds(LETTER) == [Kind.SAME] * 3
    assert result.is_verbatim and result.left_out == 0 and result.added_text == ""


def test_case_punctuation_and_spacing_do_not_make_a_sentence_different():
    copy = (
        "please BAN face-surveillance in Boston!\n\nThe technology misidentifies people of colour."
    )
    result = compare(
        copy + " No audit can fix a tool that tracks everyone who walks past a camera", LETTER
    )

    assert [s.kind for s in result.sentences] == [Kind.SAME] * 3
    assert result.is_verbatim


def test_a_sentence_of_ones_own_is_added_and_kept_word_for_word():
    own = "As a nurse in Roslindale I see how being watched changes people."
    result = compare(LETTER + " " + own, LETTER)

    assert kinds(LETTER + " " + own) == [Kind.SAME, Kind.SAME, Kind.SAME, Kind.ADDED]
    assert result.added_text == own
    assert result.sentences[-1].pieces[0].changed
    assert not result.is_verbatim and result.left_out == 0


def test_a_few_words_swapped_make_a_changed_sentence_with_those_words_marked():
    member = LETTER.replace("misidentifies people of colour", "wrongly identifies people of colour")
    result = compare(member, LETTER)

    assert [s.kind for s in result.sentences] == [Kind.SAME, Kind.CHANGED, Kind.SAME]
    changed = result.sentences[1]
    assert changed_words(changed) == ["wrongly identifies "]
    assert changed.text == "The technology wrongly identifies people of colour."
    assert result.added_text == "" and result.left_out == 0 and not result.is_verbatim


def test_a_left_out_sentence_is_counted():
    member = (
        "Please ban face surveillance in Boston. The technology misidentifies people of colour."
    )
    result = compare(member, LETTER)

    assert result.left_out == 1
    assert not result.is_verbatim and result.added_text == ""


def test_sentences_in_another_order_are_still_the_same():
    member = " ".join(reversed(sentences(LETTER)))

    assert kinds(member) == [Kind.SAME] * 3
    assert compare(member, LETTER).left_out == 0


def test_pieces_put_back_together_give_the_members_sentence_exactly():
    result = compare(L.CONCERNS_PROPERTY, L.CONCERNS)

    assert " ".join(s.text for s in result.sentences) == " ".join(sentences(L.CONCERNS_PROPERTY))
    first = result.sentences[0]
    assert first.kind is Kind.CHANGED
    assert changed_words(first) == [
        "own property ",
        "proximity to Bluewater LLC's proposed onshore facility, ",
    ]


# Real copies


def test_a_real_copy_with_a_sentence_added_at_the_end():
    result = compare(L.COAL_ASH_PANDEMICS, L.COAL_ASH)

    assert result.added_text == L.PANDEMICS_SENTENCE  # split at "U.S." and joined again
    assert result.left_out == 0
    assert all(s.kind is Kind.SAME for s in result.sentences if s.kind is not Kind.ADDED)


def test_a_real_copy_with_a_paragraph_added_before_the_letter():
    result = compare(L.COAL_ASH_CRIMINAL, L.COAL_ASH)

    assert result.added_text == (
        "Weaker pollution standards cost people's lives. We've made progress. "
        "It is criminal to reverse it."
    )
    assert result.left_out == 0


def test_a_real_copy_with_a_sentence_added_in_the_middle_and_one_at_the_end():
    result = compare(L.CRUDE_EXPORT_SINUSES, L.CRUDE_EXPORT)

    assert [s.kind for s in result.sentences].count(Kind.ADDED) == 2
    assert result.added_text.startswith("I myself has experienced my sinuses acting up")
    assert result.added_text.endswith("after there was an outpouring of interest.")
    assert result.left_out == 0


def test_a_copy_that_only_splits_and_trims_the_letter_adds_nothing_of_its_own():
    # The member left words out and split sentences; every word they sent is the letter's.
    # The packet prints `added_text` as the signatory's own words.
    result = compare(L.COAL_ASH_REWORDED, L.COAL_ASH)

    assert result.added_text == ""


# Any script, any size


@pytest.mark.parametrize(
    ("representative", "member", "expected"),
    [
        (
            "نحن نطالب بحظر المراقبة بالوجه. التقنية تخطئ في التعرف على الناس.",
            "نحن نطالب بحظر المراقبة بالوجه. التقنية تخطئ في التعرف على الناس. أنا ممرضة في بوسطن.",
            [Kind.SAME, Kind.SAME, Kind.ADDED],
        ),
        (
            "אנחנו מבקשים לאסור מעקב פנים בעיר. הטכנולוגיה טועה בזיהוי אנשים.",
            "אנחנו מבקשים לאסור מעקב פנים בעיר. הטכנולוגיה טועה מאוד בזיהוי אנשים.",
            [Kind.SAME, Kind.CHANGED],
        ),
        (
            "请禁止波士顿使用人脸监控。\n这项技术经常认错人。",
            "请禁止波士顿使用人脸监控。\n我是一名护士\uff01",  # full-width !
            [Kind.SAME, Kind.ADDED],
        ),
    ],
    ids=["arabic", "hebrew", "chinese"],
)
def test_right_to_left_and_non_latin_texts_are_compared(representative, member, expected):
    result = compare(member, representative)

    assert [s.kind for s in result.sentences] == expected
    shown = "".join(s.text for s in result.sentences)
    assert "".join(shown.split()) == "".join(member.split())  # nothing lost or garbled


def test_a_sentence_added_to_a_chinese_letter_is_the_members_own():
    letter = "请禁止波士顿使用人脸监控。这项技术经常认错人。"
    own = "我是一名护士\uff0c我每天都看到监控的影响。"  # full-width comma

    assert compare(letter + own, letter).added_text == own


def test_empty_texts_do_not_break_the_comparison():
    assert compare("", LETTER).left_out == 3
    assert compare("", LETTER).sentences == ()
    assert kinds(LETTER, "") == [Kind.ADDED] * 3
    assert compare("", "").is_verbatim


def test_a_very_long_text_is_compared_as_one_block():
    long_letter = " ".join(f"Sentence number {n} of the long letter." for n in range(1000))

    assert len(sentences(long_letter)) == 1
    assert compare(long_letter, long_letter).is_verbatim
    assert compare(long_letter + " Mine.", long_letter).sentences[0].kind is Kind.CHANGED
