"""How a line of text is turned into what is drawn: the one function every PDF string passes
through (typesetting.visual_line), with results worked out by hand from UAX #9 and the Arabic
joining tables, and how emoji sequences are printed.

Hebrew is used where only the order matters (it has no joined forms), so each expected line
can be read letter by letter: the first character of the result is the leftmost one drawn.
"""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics

from app.exports.pdf import typesetting
from app.exports.pdf.typesetting import (
    HIDDEN,
    PageWriter,
    base_direction,
    font_runs,
    isolated,
    joined,
    visual_line,
    wrap,
)


def test_text_without_right_to_left_letters_is_drawn_as_typed():
    assert visual_line("Docket #0683 (2020): ban") == "Docket #0683 (2020): ban"


def test_a_hebrew_word_is_drawn_from_right_to_left():
    assert visual_line("שלום עולם") == "םלוע םולש"


def test_numbers_inside_right_to_left_text_keep_their_digit_order():
    assert visual_line("אבג 123 דה") == "הד 123 גבא"


def test_brackets_in_right_to_left_text_are_mirrored_so_they_still_enclose():
    # Typed "(ב)": drawn right to left, the opening bracket is on the right and faces left.
    assert visual_line("א (ב) ג") == "ג (ב) א"
    assert visual_line("אבג (12) דה") == "הד (12) גבא"


def test_marks_stay_after_their_letter_when_a_word_is_reversed():
    shalom = "ש\u05b8\u05c1ל\u05d5\u05b9\u05dd"  # with vowel points
    assert visual_line(shalom) == "\u05dd\u05d5\u05b9לש\u05b8\u05c1"


def test_arabic_letters_are_joined_and_drawn_from_right_to_left():
    # م initial, ح medial, م medial, د final; drawn left to right: د ... م.
    assert visual_line("محمد") == "\ufeaa\ufee4\ufea4\ufee3"
    # The "Allah" ligature (U+FDF2) is not in the shipped font: the four letters are joined.
    assert "\ufdf2" not in visual_line("الله")
    assert len(visual_line("الله")) == 4


def test_arabic_vowel_marks_are_kept():
    assert "\u064e" in visual_line("بَب")


def test_names_set_into_our_lines_keep_the_line_left_to_right():
    line = f"T-1  {isolated('אב גד')}, {isolated('הו')} (Support)"
    assert base_direction(line) == "L"
    assert visual_line(line) == "T-1  דג בא, וה (Support)"


def test_a_line_that_starts_right_to_left_reads_right_to_left():
    assert base_direction("שלום and hello") == "R"
    assert base_direction("hello שלום") == "L"
    assert visual_line("אב cd", "R") == "cd בא"


CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def test_bidi_controls_steer_the_order_but_are_not_printed():
    assert visual_line("abc \u202bאב\u202c def") == "abc בא def"
    assert visual_line("abc \u2067גד\u2069 def\u200f") == "abc דג def"
    # An override typed into a name sets the order of what it covers, as the resident asked.
    assert visual_line("abc \u202dאבג\u202c") == "abc אבג"
    assert not set(visual_line("\u061cאב \u200eג")) & CONTROLS


def test_an_emoji_with_a_skin_tone_keeps_its_tone_next_to_it_in_right_to_left_text():
    assert visual_line("אב 👍🏽 גד") == "דג 👍🏽 בא"


def test_wrapped_lines_stay_in_typed_order_with_their_paragraphs_direction():
    lines = wrap("שלום עולם\nhello", 500, 10)
    assert lines == [("שלום עולם", "R"), ("hello", "L")]


def printed(text: str) -> str:
    """What is drawn visibly: the text less what goes to the zero-width font."""
    return "".join(piece for font, piece in font_runs(text) if font != HIDDEN)


def test_emoji_sequences_print_as_their_first_emoji():
    PageWriter(None)  # registers the fonts
    assert printed("👍🏽") == "👍"
    assert printed("👨\u200d👩\u200d👧") == "👨"
    assert printed("🏳\ufe0f\u200d🌈") == "🏳"
    assert printed("1\ufe0f\u20e3") == "1"
    assert printed("🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f") == "🏴"
    assert printed("❤\ufe0f and ☺") == "❤ and ☺"


def test_the_hidden_parts_take_no_room_and_are_not_boxes():
    PageWriter(None)
    face = pdfmetrics.getFont(HIDDEN).face
    for font, piece in font_runs("👨\u200d👩\u200d👧🏽 1\ufe0f\u20e3"):
        if font == HIDDEN:
            for char in piece:
                assert face.charToGlyph[ord(char)] != 0
                assert face.charWidths[ord(char)] == 0


def test_a_flag_prints_as_its_two_letters():
    PageWriter(None)
    runs = font_runs("🇺🇸")
    assert len(runs) == 1
    font, piece = runs[0]
    face = pdfmetrics.getFont(font).face
    assert [face.charToGlyph[ord(c)] for c in piece] == [
        face.charToGlyph[ord("U")],
        face.charToGlyph[ord("S")],
    ]


def test_a_zero_width_joiner_between_arabic_letters_is_not_taken_for_an_emoji_sequence():
    PageWriter(None)
    assert printed("ب\u200dب") == "ب\u200dب"


def test_the_bidi_levels_are_read_from_python_bidi():
    # _levels() reads python-bidi's debug output; if its shape ever changes, lines would fall
    # back to reordering without mirrored brackets or marks kept after letters: fail here first.
    assert typesetting._levels("אב (cd) 12", "R") == [1, 1, 1, 1, 2, 2, 1, 1, 2, 2]
    assert typesetting._levels("ab גד", "L") == [0, 0, 0, 1, 1]


def test_left_to_right_text_is_never_kept_in_a_cache():
    caches = (typesetting._bidi_line, typesetting._reshaped)
    before = [cache.cache_info().currsize for cache in caches]
    for number in range(1_000):
        paragraph = f"Testimony {number}: we oppose the cameras on our streets. " * 20
        assert joined(paragraph) is paragraph
        assert visual_line(paragraph[:80]) == paragraph[:80]
    assert [cache.cache_info().currsize for cache in caches] == before


def test_a_very_long_word_is_broken_measuring_little_more_than_it_holds(monkeypatch):
    # A testimony of one 10,000-character "word" of emoji with skin tones (or Arabic letters)
    # used to measure the whole rest of the word for every line: 10 s of CPU for one page.
    PageWriter(None)
    measured = []

    def counting(text, size, bold=False):
        measured.append(len(text))
        return typesetting._unit_width(text, bold) * size

    monkeypatch.setattr(typesetting, "text_width", counting)
    for word in ("👍🏽" * 5_000, "ب" * 10_000, "a" * 10_000):
        measured.clear()
        lines = wrap(word, 400, 10.5)
        assert "".join(line for line, _direction in lines) == joined(word)
        assert len(lines) > 20
        assert sum(measured) < 20 * len(word)
