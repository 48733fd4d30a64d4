"""A demo bot campaign: letters stitched from one template by swapping whole phrases, the way
the largest bot campaign on the 2017 federal net-neutrality docket was written. No two copies
share much exact wording; the campaign grouping still finds them (see app/campaigns)."""

from __future__ import annotations

import random

TEMPLATE = [
    ["I oppose", "I am writing against", "I do not support"],
    ["the proposed moratorium on", "this ban on", "the bill to stop"],
    ["face recognition technology.", "facial recognition software.", "face identification tools."],
    ["Our police need", "Law enforcement needs", "Officers in our communities need"],
    ["every modern tool", "the best technology available", "every tool we can give them"],
    ["to solve violent crimes", "to catch dangerous offenders", "to close serious cases"],
    ["and to find missing children.", "and to bring lost children home.", "and to locate kids."],
    ["A blanket ban", "A total moratorium", "Banning it outright"],
    ["would tie their hands", "would leave them blindfolded", "would hold back investigators"],
    ["while criminals", "when offenders", "as lawbreakers"],
    ["use every technology they can get.", "exploit every new gadget.", "face no such limits."],
    ["Please vote no", "I urge you to reject it", "Vote against this bill"],
    ["and keep Massachusetts safe.", "and protect public safety.", "for our families' safety."],
]

FIRST = ["Mark", "Linda", "Paul", "Karen", "Steve", "Donna", "Brian", "Julie", "Kevin", "Amy"]
LAST = ["Sullivan", "Murphy", "Walsh", "Kelly", "Doyle", "Burke", "Shea", "Quinn"]
TOWNS = [("Braintree", "02184"), ("Weymouth", "02188"), ("Milton", "02186"), ("Dedham", "02026")]
COPIES = 24


def spun_letters() -> list[tuple[str, str, str, str]]:
    """(name, town, ZIP, text) for each copy; the same every time the demo is loaded."""
    chosen = random.Random(2020)  # noqa: S311 (demo text, not a secret)
    letters = []
    for number in range(COPIES):
        text = " ".join(chosen.choice(slot) for slot in TEMPLATE)
        town, zip_code = TOWNS[number % len(TOWNS)]
        name = f"{FIRST[number % len(FIRST)]} {LAST[(number * 3) % len(LAST)]}"
        letters.append((name, town, zip_code, text))
    return letters
