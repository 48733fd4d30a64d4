"""What the testimony form's personal-data check finds, and the same patterns as the browser's
script reads them. tests/browser/test_personal_data_hint.py runs EXAMPLES in real Chromium and
expects the very same findings there."""

from __future__ import annotations

import re

import pytest

from app.testimony.personal_data import (
    SHOWN_PER_KIND,
    Kind,
    browser_config,
    browser_patterns,
    find_personal_data,
    found_in_fields,
)
from app.testimony.personal_data import _javascript as javascript_spelling

# (text, what is found in it as (kind, text)), in text order.
EXAMPLES = [
    ("Call me at 617-555-0143 tonight.", [("phone", "617-555-0143")]),
    (
        "Call (617) 555-0100 x12 or +1 617 555 0199",
        [("phone", "(617) 555-0100 x12"), ("phone", "+1 617 555 0199")],
    ),
    ("Write to ana.lopez@example.org.", [("email", "ana.lopez@example.org")]),
    ("Écrivez à josé.núñez@correo.es", [("email", "josé.núñez@correo.es")]),
    ("I live at 12 O'Brien Street, Apt 4.", [("street_address", "12 O'Brien Street, Apt 4")]),
    ("Our house at 221B Baker St is next door", [("street_address", "221B Baker St")]),
    ("My SSN is 123-45-6789.", [("ssn", "123-45-6789")]),
    ("SSN: 123456789", [("ssn", "123456789")]),
    ("Social Security number 078 05 1120", [("ssn", "078 05 1120")]),
    ("Card 4111 1111 1111 1111 expires soon", [("card", "4111 1111 1111 1111")]),
    ("Amex 3782 822463 10005", [("card", "3782 822463 10005")]),
    # An e-mail address wins over the phone number in its name.
    ("Write to 6175550143@example.org", [("email", "6175550143@example.org")]),
    # Right-to-left text around numbers and addresses (Arabic, Hebrew).
    ("أرجو الاتصال بي على 617-555-0143 بخصوص الكاميرات", [("phone", "617-555-0143")]),
    (
        "אפשר לכתוב לי: dana@example.org או 617.555.0100",
        [("email", "dana@example.org"), ("phone", "617.555.0100")],
    ),
    ("وعنواني 45 Elm Street", [("street_address", "45 Elm Street")]),
    # Not personal data: amounts, dockets, bills, dates, years, decimals, a wrong Luhn sum.
    ("The contract costs $1,234,567 a year.", []),
    ("Docket #0683 and H.1538 were heard on 06/09/2020.", []),
    ("In 2019 Superior Court ruled on it.", []),
    ("Card 4111 1111 1111 1112 is not a card", []),
    ("The ratio was 617.5550143 in the study.", []),
    ("Call 123-555-0143", []),  # no area code starts with 1
    # Names of people are left to moderators: the form does not warn about them.
    ("My neighbour John Smith and Mrs. O'Brien agree.", []),
    # Letters right before or after: part of a word, not a number alone.
    ("Reference A617-555-0143B", []),
    ("עם 617-555-0143", [("phone", "617-555-0143")]),
    ("Emoji 😀 617-555-0143 😀", [("phone", "617-555-0143")]),
    ("١٢٣-٤٥-٦٧٨٩ is written with Arabic-Indic digits", []),
]


def found(text: str) -> list[tuple[str, str]]:
    return [(finding.kind.value, finding.text) for finding in find_personal_data(text)]


@pytest.mark.parametrize(("text", "expected"), EXAMPLES, ids=[text[:30] for text, _ in EXAMPLES])
def test_what_is_found(text, expected):
    assert found(text) == expected


def test_each_finding_is_the_text_at_its_place():
    text = "Ring 617-555-0143 or write to me@example.org from 12 Main Street."
    for finding in find_personal_data(text):
        assert text[finding.start : finding.end] == finding.text


# Hostile texts of the form's maximum length: each must be read in one pass (the cost is in
# bench/personal_data_form.py; tests never time anything).
HOSTILE = [
    "7" * 10_000,
    "1-" * 5_000,
    "617 " * 2_500,
    "1 A" + "a" * 9_997,
    ("12 " + "Main " * 2_000)[:10_000],
    "a." * 5_000,
    "a@" * 5_000,
    "x@" + "a." * 4_999,
    "+1" * 5_000,
    "SSN " * 2_500,
]


@pytest.mark.parametrize("text", HOSTILE, ids=[text[:6] for text in HOSTILE])
def test_a_hostile_text_of_the_form_s_maximum_length_is_read(text):
    assert len(text) == 10_000
    found(text)  # returns: a catastrophic pattern would not, in any time a test could wait


def test_ten_thousand_digits_hold_no_phone_number():
    assert found("7" * 10_000) == []
    assert found("617-555-0143 " * 769) == [("phone", "617-555-0143")] * 769


def test_the_browser_patterns_use_only_spellings_both_engines_read_alike():
    patterns = browser_patterns()["patterns"]
    assert set(patterns) == {
        "ssn",
        "ssn_named",
        "phone",
        "email",
        "street_address",
        "card",
        "word_before",
    }
    for source in patterns.values():
        assert "(?P" not in source
        assert not re.search(r"(?<!\\)\\[wWdDsSbB]", source), source


def test_a_spelling_javascript_reads_otherwise_is_refused():
    with pytest.raises(ValueError, match=r"\\b"):
        javascript_spelling(r"\bSSN")
    assert javascript_spelling(r"(?P<sep>-)(?P=sep)") == r"(?<sep>-)\k<sep>"


def test_the_browser_gets_the_kinds_in_the_warning_s_order_with_their_names(app):
    with app.test_request_context():
        config = browser_config()
    assert config["kinds"] == ["phone", "email", "street_address", "ssn", "card"]
    assert config["labels"]["phone"] == "What looks like a phone number:"


def test_the_warning_groups_each_field_s_findings_by_kind_each_text_once(app):
    body = "Call 617-555-0143, again 617-555-0143, or 617-555-0100. I live at 12 Main Street."
    with app.test_request_context():
        groups = found_in_fields(
            [
                ("body", "Your testimony", body),
                ("organization", "Organization", "Tenants 617-555-0199"),
            ]
        )
    assert [(g.field_id, g.kind, g.texts, g.more) for g in groups] == [
        ("body", Kind.PHONE, ("617-555-0143", "617-555-0100"), 0),
        ("body", Kind.STREET_ADDRESS, ("12 Main Street",), 0),
        ("organization", Kind.PHONE, ("617-555-0199",), 0),
    ]


def test_the_warning_shows_a_few_of_many_and_counts_the_rest(app):
    body = " ".join(f"617-555-01{n:02d}" for n in range(SHOWN_PER_KIND + 3))
    with app.test_request_context():
        (group,) = found_in_fields([("body", "Your testimony", body)])
    assert len(group.texts) == SHOWN_PER_KIND
    assert group.more == 3


def test_empty_fields_hold_nothing(app):
    with app.test_request_context():
        assert found_in_fields([("body", "Your testimony", None), ("city", "City", "")]) == []
