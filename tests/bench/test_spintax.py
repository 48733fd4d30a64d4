"""The spintax engine the spun campaign dev set is written in (bench/spintax.py)."""

from __future__ import annotations

import random

import pytest

from bench.spintax import Campaign, Spinner, SpintaxError, parse, tidy

SPIN = Spinner()


def renders(template: str, times: int = 300, definitions: dict | None = None) -> set[str]:
    spinner = Spinner(definitions or {})
    rng = random.Random(5)
    return {spinner.render(template, rng) for _ in range(times)}


def test_alternatives_nest_and_may_be_empty():
    template = "{I {strongly |}urge|I ask|I want to {encourage|ask}} you."

    assert renders(template) == {
        "I strongly urge you.",
        "I urge you.",
        "I ask you.",
        "I want to encourage you.",
        "I want to ask you.",
    }


def test_whole_sentences_can_be_the_alternatives():
    template = "Dear council, {Please pass it. It matters.|Vote yes. {Thanks|Thank you}.}"

    assert renders(template) == {
        "Dear council, Please pass it. It matters.",
        "Dear council, Vote yes. Thanks.",
        "Dear council, Vote yes. Thank you.",
    }


def test_a_named_template_is_spun_afresh_at_each_use():
    seen = renders("[[subject]] and [[subject]]", definitions={"subject": "{the ban|H.1538}"})

    assert seen == {
        "The ban and H.1538",
        "The ban and the ban",
        "H.1538 and the ban",
        "H.1538 and H.1538",
    }


def test_a_skeleton_can_fix_the_construction_of_a_sentence():
    definitions = {"why": "{It is wrong|Studies show it {fails|errs}}."}

    assert renders("[[why#1]]", definitions=definitions) == {
        "Studies show it fails.",
        "Studies show it errs.",
    }
    assert renders("[[why#0]]", definitions=definitions) == {"It is wrong."}
    with pytest.raises(SpintaxError, match="2 alternatives"):
        Spinner(definitions).render("[[why#2]]", random.Random(0))


def test_the_same_generator_gives_the_same_texts():
    template = "{a|b|c}{d|e|f}{g|h|i}{j|k|l}"
    first = [SPIN.render(template, random.Random(9)) for _ in range(3)]
    second = [SPIN.render(template, random.Random(9)) for _ in range(3)]

    assert first == second
    assert len({SPIN.render(template, random.Random(seed)) for seed in range(40)}) > 20


def test_a_template_of_astronomically_many_texts_renders_at_once_and_is_counted_exactly():
    template = "{one|two|three|four|five|six|seven|eight|nine|ten} " * 200

    assert SPIN.variants(template) == 10**200
    text = SPIN.render(template, random.Random(1))
    assert len(text.split()) == 200


def test_counting_adds_alternatives_and_multiplies_slots():
    assert SPIN.variants("{a|{b|c}|} {d|e}") == 8  # (1 + 2 + 1) * 2
    campaign = Campaign("c", "support", [(1, "{a|b}"), (1, "{c|d|e}")])
    assert campaign.variants() == 5


def test_a_campaign_picks_its_skeletons_by_weight():
    campaign = Campaign("c", "support", [(9, "Long letter {a|b}."), (1, "Short one.")])
    rng = random.Random(3)
    picked = [campaign.render(rng)[0] for _ in range(1000)]

    assert 800 < picked.count(0) < 980 and picked.count(1) > 20


@pytest.mark.parametrize(
    "broken, says",
    [
        ("{never closed", "never closed"),
        ("stray } here", "outside braces"),
        ("a | b", "outside braces"),
        ("[[open", "never closed"),
        ("[[name#x]]", "must be a number"),
    ],
)
def test_broken_templates_are_refused_with_the_reason(broken, says):
    with pytest.raises(SpintaxError, match=says):
        parse(broken)


def test_an_unknown_name_and_a_cycle_are_refused():
    with pytest.raises(SpintaxError, match="no template named 'missing'"):
        SPIN.render("[[missing]]", random.Random(0))
    looping = Spinner({"a": "x [[b]]", "b": "y [[a]]"})
    with pytest.raises(SpintaxError, match="cycle"):
        looping.render("[[a]]", random.Random(0))


def test_escaped_characters_are_literal():
    assert renders(r"50\% off \{really\} a\|b") == {"50% off {really} a|b"}


def test_tidy_leaves_the_spacing_a_person_types():
    assert tidy("  hello ,  council .\n\n\n\nvote  yes !") == "Hello, council.\n\nVote yes!"
