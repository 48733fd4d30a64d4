"""What the simulated residents of bench/sign_ins.py and bench/sign_in_surge.py send: a name
(Latin, accented and non-Latin scripts: Arabic, Chinese, Vietnamese, Cyrillic, Devanagari,
Korean), city, ZIP, e-mail, sometimes an organisation, and a position on one, two or all three
measures of the hearing. Each form's choices are kept by its submission key, so the check
afterwards can compare every stored sign-in's positions with what its form chose.

The data set in ../shared/data holds comment texts, not names, so names are generated.
"""

from __future__ import annotations

import itertools
import random
import threading
import urllib.parse

from _submission_forms import BROWSER_HEADERS, PLACES, Blank, Filled

# Given and family names in the scripts a big city's residents write them in.
NAMES = [
    ("Maria", "Rodriguez"), ("James", "O'Brien"), ("Aisha", "Okafor"), ("Patrick", "Sullivan"),
    ("Rosa", "Pereira"), ("Daniel", "Cohen"), ("Siobhan", "Walsh"), ("Tomás", "Martínez"),
    ("Zoë", "Kowalski"), ("François", "Baptiste"), ("Nguyễn", "Thị Hương"), ("Trần", "Văn Minh"),
    ("محمد", "الحداد"), ("فاطمة", "علي"), ("王", "秀英"), ("李", "伟"), ("陈", "静"),
    ("Ольга", "Иванова"), ("Дмитрий", "Петров"), ("प्रिया", "शर्मा"), ("김", "민준"),
    ("Αλέξανδρος", "Παπαδόπουλος"), ("Chloé", "Dubois"), ("Ibrahim", "Haddad"), ("Mei", "Chen"),
]  # fmt: skip
ORGANIZATIONS = ["Dorchester Neighborhood Association", "ACLU of Massachusetts", "Boston PBA"]
POSITIONS = ["support", "oppose", "neutral"]


class SignInResidents:
    """Fills in sign-in forms as distinct residents would; remembers each form's positions
    (measure id -> position) by its submission key."""

    def __init__(self, measure_ids: list[int], seed: int = 1) -> None:
        self.measure_ids = measure_ids
        self.rng = random.Random(seed)
        self.serial = itertools.count(1)
        self.lock = threading.Lock()
        self.chosen: dict[str, dict[int, str]] = {}

    def fill(self, blank: Blank) -> Filled:
        with self.lock:
            number = next(self.serial)
            rng = self.rng
            first, last = rng.choice(NAMES)
            city, zip_code = rng.choice(PLACES)
            # One measure most often, all three for a campaign's followers.
            howmany = rng.choices([1, 2, 3], [5, 2, 3])[0]
            measures = sorted(rng.sample(self.measure_ids, howmany))
            stance = rng.choices(POSITIONS, [6, 3, 1])[0]
            chosen = {
                measure_id: stance if rng.random() < 0.8 else rng.choice(POSITIONS)
                for measure_id in measures
            }
            self.chosen[blank.submission_key] = chosen
            organization = rng.choice(ORGANIZATIONS) if rng.random() < 0.05 else ""
            fields = {
                "csrf_token": blank.csrf_token,
                "submission_key": blank.submission_key,
                "opened": blank.opened,
                "website": "",
                "full_name": f"{first} {last}",
                "email": f"resident{number}.{rng.randrange(10**6)}@example.org",
                "city": city,
                "zip_code": zip_code,
                "organization": organization,
                # A browser sends nothing for a measure left without a position.
                **{f"measures-{m}": position for m, position in chosen.items()},
                "public_record_acknowledged": "y",
            }
        headers = {
            **BROWSER_HEADERS,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": blank.cookie,
        }
        return Filled(urllib.parse.urlencode(fields).encode(), headers)
