"""How well, and how fast, the review page's name suggestions work (app/moderation/person_names.py).

Three measurements:

    .venv/bin/python bench/pii_names.py real       # hand-labelled real public comments
    .venv/bin/python bench/pii_names.py generated  # a generator written to break the detector
    .venv/bin/python bench/pii_names.py cost       # 100 KB and hostile 1 MB texts
    .venv/bin/python bench/pii_names.py            # all three

real: bench/pii_names_real.json lists comments from ../shared/data/regulations-comments (ids,
file rows and character spans only; the texts stay where they are). 40 were drawn at random
(seed 21) from the 1,654 distinct texts, 21 more from those with a word for a relative,
neighbour or colleague or a courtesy title (Mr, Mrs, Ms, Dr). Each was read whole by hand and
its author's name (signature, "My name is") and any private third party's name marked. The
author's name is passed to the detector as the testimony's full name would be. `corpus` also
runs the detector over every distinct comment without the author and prints a sample of what
it suggests, to read.

generated: cases built from templates and name pools (seeded, labelled by construction),
aimed at the detector's weak points: names that are also words (Rose, Hope, Will Price,
Grant), lower case, capitals, names beside street names, Spanish, Vietnamese and Chinese names
in Latin script, Arabic script, names missing from its lists, officials, the author, places,
organisations, headings and months.

Precision and recall count a suggestion as right when it covers exactly a labelled name
(exact) or overlaps one (overlap).
"""

from __future__ import annotations

import csv
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.moderation.person_names import NameContext, find_person_names  # noqa: E402
from app.moderation.pii import find_personal_data  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "regulations-comments"
LABELS = Path(__file__).with_name("pii_names_real.json")


# Scoring


class Score:
    def __init__(self) -> None:
        self.found = self.expected = self.exact = self.overlap_found = self.overlap_expected = 0
        self.misses: list[str] = []
        self.wrong: list[str] = []

    def add(self, text: str, found: list[tuple[int, int]], expected: list[tuple[int, int]]):
        self.found += len(found)
        self.expected += len(expected)
        self.exact += len(set(found) & set(expected))
        self.overlap_found += sum(any(_overlaps(f, e) for e in expected) for f in found)
        self.overlap_expected += sum(any(_overlaps(f, e) for f in found) for e in expected)
        self.wrong += [_show(text, f) for f in found if not any(_overlaps(f, e) for e in expected)]
        self.misses += [_show(text, e) for e in expected if not any(_overlaps(f, e) for f in found)]

    def report(self, title: str) -> None:
        def ratio(a: int, b: int) -> str:
            return f"{a / b:.2f} ({a}/{b})" if b else "n/a (0/0)"

        print(f"{title}: {self.found} suggested, {self.expected} labelled")
        print(f"  exact:   precision {ratio(self.exact, self.found)}, ", end="")
        print(f"recall {ratio(self.exact, self.expected)}")
        print(f"  overlap: precision {ratio(self.overlap_found, self.found)}, ", end="")
        print(f"recall {ratio(self.overlap_expected, self.expected)}")
        for line in self.wrong[:40]:
            print("  wrong:", line)
        for line in self.misses[:40]:
            print("  missed:", line)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _show(text: str, span: tuple[int, int]) -> str:
    before = text[max(0, span[0] - 30) : span[0]].replace("\n", " ")
    after = text[span[1] : span[1] + 20].replace("\n", " ")
    return f"{text[span[0] : span[1]]!r} in …{before}[{text[span[0] : span[1]]}]{after}…"


def _spans(text: str, context: NameContext | None) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in find_person_names(text, context)]


# Real comments


def _texts() -> dict[tuple[str, int], str]:
    csv.field_size_limit(10**8)
    texts = {}
    for path in sorted(DATA.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            for row, record in enumerate(csv.DictReader(f)):
                texts[(path.name, row)] = record["text"]
    return texts


def real() -> None:
    texts = _texts()
    comments = json.loads(LABELS.read_text())["comments"]
    scores = {"random": Score(), "cue": Score()}
    authors_suggested = 0
    for comment in comments:
        text = texts[(comment["file"], comment["row"])]
        author = ""
        if comment["author"]:
            start, end = comment["author"][0]
            author = text[start:end]
        expected = [tuple(span) for span in comment["private"]]
        scores[comment["sample"]].add(text, _spans(text, NameContext(author=author)), expected)
        authors = [tuple(span) for span in comment["author"]]
        bare = _spans(text, None)
        authors_suggested += sum(any(_overlaps(f, a) for f in bare) for a in authors)
    scores["random"].report("Real comments, random sample (40)")
    scores["cue"].report("Real comments, with a relationship word or a title (21)")
    total_authors = sum(len(c["author"]) for c in comments)
    print(
        f"  without the author's name given, {authors_suggested} of {total_authors} "
        "mentions of the author would be suggested"
    )


def corpus(sample: int = 40) -> None:
    """Every distinct comment, no author given: how many suggestions, and a sample to read.

    Without labels the author cannot be told apart exactly; a suggestion in the last 250
    characters (the signature) or after "My name is", "I am", "I'm" or "I," is counted as
    probably the author's and the others are sampled for reading.
    """
    seen: set[str] = set()
    found = []
    for text in _texts().values():
        if text in seen:
            continue
        seen.add(text)
        found += [(text, span) for span in _spans(text, None)]
    others = [(text, span) for text, span in found if not _probably_author(text, span)]
    print(f"Corpus: {len(seen)} distinct comments, {len(found)} name suggestions (no author),")
    print(f"  {len(others)} of them neither in the signature nor after 'My name is'")
    for text, span in random.Random(21).sample(others, min(sample, len(others))):
        print("  ", _show(text, span))


def _probably_author(text: str, span: tuple[int, int]) -> bool:
    before = text[max(0, span[0] - 12) : span[0]].casefold()
    introduced = before.rstrip().endswith(("my name is", "i am", "i'm", "i,"))
    return introduced or span[0] >= len(text.rstrip()) - 250


# Generated cases

# Names from many places, most of them NOT in the detector's lists.
PEOPLE = [
    "John Smith",
    "María José Núñez-García",
    "Oluwaseun Adebayo",
    "Siobhán Kelleher",
    "Priya Raman",
    "Dmitri Volkov",
    "Ingrid Halvorsen",
    "Kwame Mensah",
    "Nguyễn Văn An",
    "Trần Thị Mai",
    "Phạm Minh Tuấn",
    "Wang Xiuying",
    "Li Wei",
    "Zhang Wei",
    "Chen Jie",
    "Liam O'Connor",
    "Seán Ó Súilleabháin",
    "Ana de la Cruz",
    "Pieter van der Berg",
    "Fatima Al-Sayed",
    "Hope Johnson",
    "Will Price",
    "Rose Martin",
    "Grant Hill",
    "June Carter",
    "Mark Bell",
    "Jean-Luc Moreau",
    "Yolanda Ibarra",
    "Keisha Washington",
    "Tomás Ruiz",
]
SURNAMES_ONLY = ["O'Brien", "Núñez", "Okafor", "Halvorsen", "Nguyen", "Kowalczyk", "Bui", "Patel"]
ARABIC = ["محمد عبد الله", "فاطمة الزهراء", "أحمد"]
OFFICIALS = [("Councilor", "Wu"), ("Mayor", "Wu"), ("Chair", "Arroyo"), ("Senator", "Markey")]
AUTHOR = "Jane Q. Roe"
PUBLIC_CONTEXT = (
    "Committee on Government Operations",
    "Boston City Council",
    "Sponsored by Councilors Michelle Wu and Ricardo Arroyo.",
    "An ordinance banning the use of face surveillance technology in Boston",
    "Grant Program for Neighborhood Safety",
)

# (template, names in it are private?) A {p} slot takes a full name, {s} a surname, {a} Arabic.
POSITIVE_TEMPLATES = [
    "My neighbour {p} at 14 Elm Street called the police on us.",
    "I spoke with my neighbor {p} yesterday.",
    "Our landlord, {p}, installed a camera in the hallway.",
    "My son's teacher, {p}, saw the cameras at school.",
    "Mrs. {s} down the hall was filmed every day.",
    "Even Mr. {s} from the corner store agrees.",
    "The footage showed {p} walking her dog.",
    "Last week {p} and I went to the hearing together.",
    "Mi vecina {p} tiene miedo de las cámaras.",
    "La maestra de mi hijo, {p}, nos habló del tema.",
    "El Sr. {s} vive en el tercer piso.",
    "my neighbour {a} was stopped twice.",
    "I called Dr. {s} about my daughter.",
    "My friends {p} and {p2} both testified last year.",
    "A man named {p} was misidentified in Detroit.",
]
NEGATIVE_TEXTS = [
    "Will Price controls work here?",
    "Rose bushes line the whole street.",
    "We hope the council listens. Hope is not a strategy.",
    "Grant funding should not pay for cameras.",
    "Mark my words: this will be abused.",
    "Bill H.1538 must pass.",
    "In June the committee voted, and in May Congress did nothing.",
    "On Monday I walked down Washington Street to Grant Park.",
    "I live at 100 Martin Luther King Jr Blvd near Saint Louis Street.",
    "Councilor Wu and Mayor Wu both spoke. Chair Arroyo agreed with Michelle Wu.",
    "As Senator Markey said, Markey's bill is good. Ed Markey is right.",
    "Dear Councilor Wu, thank you for Ricardo Arroyo's work.",
    "My name is Jane Roe and I live in Dorchester.",
    "Sincerely,\nJane Q. Roe",
    "The Boston Police Department and the Massachusetts State Police use it.",
    "Protect Our Privacy Now: Stop Face Surveillance In Boston",
    "THE EPA AND THE CITY COUNCIL MUST ACT NOW. BAN FACE SURVEILLANCE!",
    "I grew up in Jamaica Plain and San Jose, and studied at Boston University.",
    "Amazon Rekognition and Clearview AI sell this technology.",
    "The Grant Program for Neighborhood Safety must not fund cameras.",
    "Mother Nature does not need cameras.",
    "Please read the ACLU of Massachusetts report.",
    "I work at Dana-Farber and volunteer at the Boys & Girls Club.",
    "The Fourth Amendment protects us. The First Amendment too.",
]
HARD_POSITIVES = [
    ("my neighbor john smith complained about the cameras", ["john smith"]),
    ("MY NEIGHBOR JOHN SMITH WAS ARRESTED BY MISTAKE", ["JOHN SMITH"]),
    ("i told maria about it and she agreed", ["maria"]),
    ("Hope Johnson, who lives next door, agrees.", ["Hope Johnson"]),
    ("Bill Murphy from next door agrees.", ["Bill Murphy"]),
    ("I met Will Price at the library.", ["Will Price"]),
    ("Our neighbour Rose called us.", ["Rose"]),
    ("I live on Elm Street next to Maria Lopez.", ["Maria Lopez"]),
    ("Washington Street is where Keisha Washington lives.", ["Keisha Washington"]),
    ("جاري أحمد يخاف من الكاميرات", ["أحمد"]),
    ("Doña Carmen nos cuida a los niños.", ["Carmen"]),
    ("Zhang Wei and Li Na run the laundromat.", ["Zhang Wei", "Li Na"]),
    ("Trần Thị Mai và Nguyễn Văn An sống ở đây.", ["Trần Thị Mai", "Nguyễn Văn An"]),
    ("My daughter Grace was filmed at school.", ["Grace"]),
    ("My name is Jane Roe; my husband Tom Roe agrees.", ["Tom Roe"]),
]


# Written after the detector's last change and run once, untuned: new templates and names.
HELD_OUT_PEOPLE = [
    "Guadalupe Reyes",
    "Babajide Okonkwo",
    "Aoife Byrne",
    "Thanh Huong Le",
    "Mei Ling Zhou",
    "Raj Malhotra",
    "Summer Daniels",
    "Chase Cooper",
    "Faith Ortiz",
    "Magdalena Kowalska",
    "Yusuf Demir",
    "Lucía Fernández de Castro",
]
HELD_OUT_TEMPLATES = [
    "When my nephew {p} was stopped, the camera got it wrong.",
    "I sat next to {p} on the bus this morning.",
    "Our babysitter, {p}, was filmed leaving the building.",
    "Ms. {s} from the third floor signed our petition.",
    "{p} told me the cameras are everywhere now.",
    "My coworker {p} and her husband {p2} moved away because of this.",
    "Ayer mi prima {p} me llamó muy preocupada.",
]
HELD_OUT_SURNAMES = ["Reyes", "Okonkwo", "Byrne", "Kowalska", "Demir", "Ferreira"]
HELD_OUT_NEGATIVES = [
    "Faith in government is low. Summer programs will lose funding.",
    "Chase Bank and Cooper Union both use cameras.",
    "I drove down Malcolm X Boulevard past Franklin Park Zoo.",
    "Councilor Flynn and Councilor Edwards voted no; Lydia Edwards explained why.",
    "The Massachusetts Institute of Technology studied bias in Amazon Rekognition.",
    "Read the Georgetown Law report, The Perpetual Line-Up.",
    "In April and May the Data Privacy Act was debated in the State House.",
    "SAY NO TO FACE SURVEILLANCE IN BOSTON PUBLIC SCHOOLS",
]


def held_out_cases(seed: int = 7, copies: int = 6) -> list[tuple[str, list[tuple[int, int]]]]:
    rng = random.Random(seed)
    cases = []
    for template in HELD_OUT_TEMPLATES:
        for _ in range(copies):
            fill = {
                "p": rng.choice(HELD_OUT_PEOPLE),
                "p2": rng.choice(HELD_OUT_PEOPLE),
                "s": rng.choice(HELD_OUT_SURNAMES),
            }
            cases.append(_fill(template, fill))
    return cases + [(text, []) for text in HELD_OUT_NEGATIVES]


def generated_cases(seed: int = 21, copies: int = 8) -> list[tuple[str, list[tuple[int, int]]]]:
    """(text, expected spans) pairs: templates filled at random, the fixed cases once each."""
    rng = random.Random(seed)
    cases = []
    for template in POSITIVE_TEMPLATES:
        for _ in range(copies):
            fill = {
                "p": rng.choice(PEOPLE),
                "p2": rng.choice(PEOPLE),
                "s": rng.choice(SURNAMES_ONLY),
                "a": rng.choice(ARABIC),
            }
            text, spans = _fill(template, fill)
            cases.append((text, spans))
    for title, surname in OFFICIALS:
        person = rng.choice(PEOPLE)
        text = f"{title} {surname} spoke, and my neighbour {person} clapped."
        start = text.index(person)
        cases.append((text, [(start, start + len(person))]))
    cases += [(text, []) for text in NEGATIVE_TEXTS]
    for text, names in HARD_POSITIVES:
        spans, at = [], 0
        for name in names:
            start = text.index(name, at)
            spans.append((start, start + len(name)))
            at = start + len(name)
        cases.append((text, spans))
    return cases


def _fill(template: str, fill: dict[str, str]) -> tuple[str, list[tuple[int, int]]]:
    text, spans, rest = "", [], template
    while "{" in rest:
        before, _, after = rest.partition("{")
        key, _, rest = after.partition("}")
        text += before
        spans.append((len(text), len(text) + len(fill[key])))
        text += fill[key]
    return text + rest, spans


def generated() -> None:
    score = Score()
    context = NameContext(author=AUTHOR, public=PUBLIC_CONTEXT)
    for text, expected in generated_cases():
        score.add(text, _spans(text, context), expected)
    score.report(f"Generated cases ({len(generated_cases())})")
    held_out = Score()
    for text, expected in held_out_cases():
        held_out.add(text, _spans(text, context), expected)
    held_out.report(f"Generated, held out ({len(held_out_cases())})")


# Cost


def _hostile_texts(size: int, real_text: str) -> dict[str, str]:
    def fill(unit: str) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    return {
        "real comments": fill(real_text),
        "one long word": "A" + "b" * (size - 1),
        "capitalised words": fill("Aa "),
        "capitals": fill("AB "),
        "titles": fill("Mr. "),
        "relationship cues": fill("my neighbour "),
        "particles": fill("María de la "),
        "apostrophes": fill("O'"),
        "hyphens": fill("A-"),
        "initials": fill("J. "),
        "names": fill("John Smith and "),
        "arabic after cue": fill("my neighbour محمد "),
        "street and names": fill("12 John Smith Street "),
    }


def cost() -> None:
    texts = list(_texts().values())
    real_text = "\n\n".join(texts[:200])
    print("Cost (CPU seconds for one text of each size: names alone, then all suggestions)")
    sizes = [100_000, 250_000, 500_000, 1_000_000]
    print(f"  {'case':<20}" + "".join(f"{size // 1000:>8} KB" for size in sizes))
    rows: dict[str, list[float]] = {}
    for size in sizes:
        for name, text in _hostile_texts(size, real_text).items():
            started = time.process_time()
            find_person_names(text, NameContext(author=AUTHOR, public=PUBLIC_CONTEXT))
            rows.setdefault(name, []).append(time.process_time() - started)
    for name, seconds in rows.items():
        print(f"  {name:<20}" + "".join(f"{s:>11.3f}" for s in seconds))
    print("  every kind of personal data (find_personal_data), 1000 KB:")
    for name, text in _hostile_texts(1_000_000, real_text).items():
        started = time.process_time()
        find_personal_data(text, NameContext(author=AUTHOR, public=PUBLIC_CONTEXT))
        print(f"  {name:<20}{time.process_time() - started:>11.3f}")


if __name__ == "__main__":
    chosen = sys.argv[1:] or ["real", "generated", "cost"]
    for name in chosen:
        {"real": real, "generated": generated, "cost": cost, "corpus": corpus}[name]()
        print()
