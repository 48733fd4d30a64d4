"""What the simulated residents of bench/submissions.py send: own name, address and e-mail,
and a real public comment as testimony (../shared/data/regulations-comments, read at run time;
built-in paragraphs if missing).
"""

from __future__ import annotations

import csv
import itertools
import random
import sys
import threading
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

# ../shared/data, next to the checkout (the script is bench/ in it).
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "regulations-comments"
MAX_CHARS = 10_000  # TESTIMONY_MAX_CHARS: longer texts would be refused, not stored

BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml",
    "Accept-Language": "en-US,en;q=0.9",
    "User-Agent": "Mozilla/5.0 (bench/submissions.py)",
}

FALLBACK_TEXTS = [
    "I live in Dorchester and I am writing in support of the ordinance banning municipal use "
    "of face surveillance. Cameras already watch the bus stops and the library steps on my "
    "street, and I do not want software matching my face to a database every time I walk my "
    "daughter to school.",
    "As a small business owner on Centre Street I oppose this measure. Our shop was broken into "
    "twice last winter and the footage helped the police find the people responsible. I would "
    "support clear rules on retention and audits instead of an outright prohibition.",
    "I am a nurse and a parent. Public health depends on people trusting public institutions, "
    "and people stop seeking care, reporting crimes and attending meetings when they feel "
    "watched. Please adopt the ban and require the council to approve any future surveillance "
    "technology in public.",
    "The proposed order does not define what counts as face surveillance closely enough. Does "
    "it cover a doorbell camera shared with the department, or a vendor who runs recognition on "
    "footage the city buys? I ask the committee to tighten the definitions before voting.",
]
FIRST_NAMES = [
    "Maria", "James", "Aisha", "Nguyen", "Patrick", "Rosa", "Daniel", "Fatima", "Kevin", "Mei",
    "Jose", "Siobhan", "Marcus", "Ana", "Tomas", "Grace", "Ibrahim", "Chloe", "Luis", "Hannah",
]  # fmt: skip
LAST_NAMES = [
    "Rodriguez", "O'Brien", "Okafor", "Tran", "Sullivan", "Pereira", "Cohen", "Haddad", "Walsh",
    "Chen", "Martinez", "Murphy", "Johnson", "Silva", "Kowalski", "Baptiste", "Ali", "Nguyen",
]  # fmt: skip
STREETS = ["Dorchester Ave", "Centre St", "Blue Hill Ave", "Washington St", "Tremont St"]
PLACES = [
    ("Dorchester", "02124"), ("Roxbury", "02119"), ("Jamaica Plain", "02130"),
    ("East Boston", "02128"), ("Brighton", "02135"), ("Boston", "02108"),
    ("South Boston", "02127"), ("Mattapan", "02126"), ("Cambridge", "02139"),
]  # fmt: skip


def load_texts() -> tuple[list[str], str]:
    """Real public comments, whitespace as written, if ../shared/data is there."""
    texts: dict[str, None] = {}
    csv.field_size_limit(sys.maxsize)
    for path in sorted(DATA.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                text = (row.get("text") or "").strip()
                if len(text.split()) >= 10 and len(text) <= MAX_CHARS:
                    texts[text] = None
    if texts:
        return list(texts), f"{len(texts):,} public comments from {DATA}"
    return FALLBACK_TEXTS, "built-in sample paragraphs (../shared/data not found)"


@dataclass(frozen=True)
class Blank:
    """An opened form: what the GET handed the browser."""

    cookie: str
    csrf_token: str
    submission_key: str
    opened: str


@dataclass(frozen=True)
class Filled:
    """A filled-in form, encoded and ready to send."""

    body: bytes
    headers: dict[str, str]


class Residents:
    """Fills in forms as distinct residents would: own name and e-mail, a real comment."""

    def __init__(self, texts: list[str], measure_id: int, seed: int = 1) -> None:
        self.texts = texts
        self.measure_id = measure_id
        self.rng = random.Random(seed)
        self.serial = itertools.count(1)
        self.lock = threading.Lock()

    def fill(self, blank: Blank) -> Filled:
        with self.lock:
            number = next(self.serial)
            rng = self.rng
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            city, zip_code = rng.choice(PLACES)
            organization = rng.random() < 0.05
            fields = {
                "csrf_token": blank.csrf_token,
                "submission_key": blank.submission_key,
                "opened": blank.opened,
                "website": "",
                "full_name": f"{first} {last}",
                "email": f"{first}.{last}.{number}@example.org".lower().replace("'", ""),
                "street_address": f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
                "city": city,
                "zip_code": zip_code,
                "organization": "Dorchester Neighborhood Association" if organization else "",
                "measure_id": str(self.measure_id),
                "position": rng.choices(["support", "oppose", "neutral"], [6, 3, 1])[0],
                # Browsers send CRLF line breaks.
                "body": rng.choice(self.texts).replace("\n", "\r\n"),
                "speaking_request": "in_person" if rng.random() < 0.1 else "none",
                "interpreter_language": "",
                "accessibility_need": "",
                "public_record_acknowledged": "y",
            }
        if organization:
            fields["speaks_for_organization"] = "y"
        headers = {
            **BROWSER_HEADERS,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": blank.cookie,
        }
        return Filled(urllib.parse.urlencode(fields).encode(), headers)
