"""A held-out set for campaign grouping: spun bot campaigns, edited form letters, statements sent
to two hearings, and hard negatives that share a topic but must stay alone.

`build(size, seed)` returns `Comment(text, label, kind)` items; equal labels are one true group.
It was written apart from the development set to be scored once, at the end; its failures
have since been studied (its talking-point letters led to the dev set's), so it is no longer
unseen: bench/spun_holdout2.py is the held-out set now.

    .venv/bin/python -m bench.spun_campaigns --set bench.spun_holdout --size 5000

Real letters come from /work/shared/data/regulations-comments (federal dockets, public record);
bot campaigns come from bench/spun_holdout_templates.py, spun by the small engine below.
"""

from __future__ import annotations

import csv
import random
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import NamedTuple

from bench import spun_holdout_templates as t

# Beside the checkout, as for the other benchmarks (../shared/data).
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "regulations-comments"
SHARES = {"spun": 0.5, "form": 0.15, "own_two_hearings": 0.05, "hard_negative": 0.3}
# Form letters are taken from the components with at least this many comments.
FORM_MIN_COMPONENT = 7
# Below this, the small campaigns and form letters no longer fit their shares.
MIN_SIZE = 300


class Comment(NamedTuple):
    text: str
    label: str
    kind: str


# ---- The spinning engine ----------------------------------------------------------------------


def parse(spec: str) -> list:
    """`[a|b]` syntax to a tree: a list of strings and choice nodes (a tuple of branches)."""
    tree, end = _parse_seq(spec, 0, top=True)
    if end != len(spec):
        raise ValueError(f"unbalanced ']' at {end} in {spec!r}")
    return tree


def _parse_seq(spec: str, i: int, top: bool = False) -> tuple[list, int]:
    seq: list = []
    text: list[str] = []
    while i < len(spec):
        char = spec[i]
        if char == "[":
            if text:
                seq.append("".join(text))
                text = []
            branches = []
            i += 1
            while True:
                branch, i = _parse_seq(spec, i)
                branches.append(branch)
                if i >= len(spec):
                    raise ValueError(f"unclosed '[' in {spec!r}")
                if spec[i] == "]":
                    i += 1
                    break
                i += 1  # "|"
            seq.append(tuple(branches))
        elif char == "]" or (char == "|" and not top):
            break
        else:
            text.append(char)
            i += 1
    if text:
        seq.append("".join(text))
    return seq, i


def render(tree: list, rng: random.Random, spin: float) -> str:
    out = []
    for node in tree:
        if isinstance(node, str):
            out.append(node)
        else:
            branch = rng.choice(node) if rng.random() < spin else node[0]
            out.append(render(branch, rng, spin))
    return "".join(out)


def alternatives(tree: list) -> list[int]:
    """The number of alternatives in each choice node of a tree (for tests)."""
    counts = []
    for node in tree:
        if not isinstance(node, str):
            counts.append(len(node))
            for branch in node:
                counts.extend(alternatives(branch))
    return counts


def tidy(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" ([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])([,.;:])", r"\2", text)
    return text.strip()


def spin_letter(campaign: t.Campaign, trees: dict, rng: random.Random) -> str:
    weights = [len(campaign.skeletons) + 1] + [1] * (len(campaign.skeletons) - 1)
    skeleton = rng.choices(campaign.skeletons, weights)[0]
    paragraphs: list[list[str]] = [[]]
    for name in skeleton:
        if name == "/":
            paragraphs.append([])
        else:
            paragraphs[-1].append(tidy(render(trees[name], rng, campaign.spin)))
    return "\n\n".join(" ".join(p) for p in paragraphs if p)


# ---- How people and bots alter copies ---------------------------------------------------------


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i] + word[i:]


def add_typos(text: str, rng: random.Random, rate: float) -> str:
    return re.sub(r"[A-Za-z]+", lambda m: typo(m[0], rng) if rng.random() < rate else m[0], text)


def restyle(text: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        text = text.lower()
    elif roll < 0.2:
        text = text.upper()
    if rng.random() < 0.2:
        text = text.replace(".", "!", rng.randrange(1, 3))
    if rng.random() < 0.2:
        text = text.replace("\n\n", "\n")
    if rng.random() < 0.15:
        text = text.replace(",", "")
    return text


def signature(rng: random.Random, closed: bool = False) -> str:
    """A name and town; `closed` when the letter already ends with "Best," or the like."""
    name = f"{rng.choice(t.FIRST_NAMES)} {rng.choice(t.LAST_NAMES)}"
    town = rng.choice(t.TOWNS)
    if closed:
        return f"\n{name}" + (f"\n{town}" if rng.random() < 0.5 else "")
    style = rng.randrange(4)
    if style == 0:
        return f"\n\n{name}\n{town}"
    if style == 1:
        return f"\n\nSincerely,\n{name}, {town}"
    if style == 2:
        return f"\n\n- {name.split()[0]}"
    return f"\n\nThank you,\n{name}\n{rng.randrange(10, 999)} {rng.choice(t.LAST_NAMES)} St, {town}"


def personal_sentence(rng: random.Random) -> str:
    return fill(rng.choice(t.INTRO_FRAMES), rng)


def fill(frame: str, rng: random.Random) -> str:
    values = {
        "who": rng.choice(t.WHO),
        "town": rng.choice(t.TOWNS),
        "years": rng.randrange(2, 45),
        "year": rng.randrange(1975, 2020),
        "name": f"{rng.choice(t.FIRST_NAMES)} {rng.choice(t.LAST_NAMES)}",
        "last": rng.choice(t.LAST_NAMES),
        **{key: rng.choice(values) for key, values in t.EXTRAS.items()},
    }
    text = frame.format(**values)
    return text.format(
        hospital=rng.choice(t.HOSPITALS),
        school=rng.choice(t.SCHOOLS),
        country=rng.choice(t.COUNTRIES),
    )


def alter_spun(text: str, rng: random.Random) -> str:
    if rng.random() < 0.25:
        paragraphs = text.split("\n\n")
        at = rng.choice([1, len(paragraphs)])
        paragraphs.insert(at, personal_sentence(rng))
        text = "\n\n".join(paragraphs)
    if rng.random() < 0.3:
        text = add_typos(text, rng, 0.03)
    if rng.random() < 0.35:
        text = restyle(text, rng)
    if rng.random() < 0.45:
        text += signature(rng)
    return text


SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def edit_form(text: str, rng: random.Random, lines: list[str]) -> str:
    """What people do to a form letter: greeting, a dropped sentence, a paragraph of their own."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    if rng.random() < 0.35 and len(paragraphs) > 1:
        i = rng.randrange(len(paragraphs))
        sentences = SENTENCE.split(paragraphs[i])
        if len(sentences) > 1:
            del sentences[rng.randrange(len(sentences))]
            paragraphs[i] = " ".join(sentences)
        elif len(paragraphs) > 2:
            del paragraphs[i]
    if rng.random() < 0.4:
        own = " ".join([personal_sentence(rng), *rng.sample(lines, rng.randint(1, 2))])
        paragraphs.insert(rng.choice([0, 1, len(paragraphs)]), own)
    roll = rng.random()
    if roll < 0.3:
        paragraphs.insert(
            0,
            rng.choice(
                [
                    "Dear EPA,",
                    "To whom it may concern:",
                    "Hello,",
                    "Dear Administrator,",
                    "Dear Secretary,",
                ]
            ),
        )
    elif roll < 0.4 and re.match(r"(Dear|To)\b", paragraphs[0]) and len(paragraphs) > 1:
        del paragraphs[0]
    text = "\n\n".join(paragraphs)
    if rng.random() < 0.15:
        text = add_typos(text, rng, 0.02)
    if rng.random() < 0.5:
        text += signature(rng)
    return text


# ---- Personal letters -------------------------------------------------------------------------

LEADS = [
    "",
    "",
    "",
    "Honestly, ",
    "Also, ",
    "And ",
    "To be clear, ",
    "What worries me: ",
    "Frankly, ",
    "One more thing. ",
    "I'll add that ",
    "As far as I know, ",
    "Remember: ",
    "Keep in mind ",
    "For what it's worth, ",
    "Personally, ",
]


TAILS = [
    "",
    "",
    "",
    "",
    " in my opinion",
    ", as I understand it",
    " if you ask me",
    ", I think",
    ", at least from what I've read",
    " - that's what I keep coming back to",
    ", plain and simple",
    ", and I mean that",
    " as far as I'm concerned",
    ", to put it mildly",
]
# Words that keep their capital after a lead such as "Honestly, ".
PROPER = {"I", "I'd", "I'm", "I've", "Commissioner", "Wu", "BriefCam's", "Somerville", "MIT"}


def lead(sentence: str, rng: random.Random) -> str:
    prefix = rng.choice(LEADS) if rng.random() < 0.5 else ""
    if prefix and prefix[-2] not in ".:" and sentence.split()[0] not in PROPER:
        sentence = sentence[0].lower() + sentence[1:]
    tail = rng.choice(TAILS) if rng.random() < 0.4 else ""
    if tail and sentence[-1] in ".!?":
        sentence = sentence[:-1] + tail + sentence[-1]
    return prefix + sentence


HEARING_MARK = "\x00"


def personal_letter(topic: str, rng: random.Random, hearing: str | None = None) -> str:
    points = rng.sample(t.POINTS[topic], rng.randrange(2, 5))
    body = [lead(fill(rng.choice(point), rng), rng) for point in points]
    body.insert(rng.randrange(len(body) + 1), lead(fill(rng.choice(t.STANCES[topic]), rng), rng))
    if hearing:
        body.insert(0, HEARING_MARK)
    intro = fill(rng.choice(t.INTRO_FRAMES), rng)
    parts = [intro, *body] if rng.random() < 0.7 else [*body, intro]
    greeting = fill(rng.choice(t.GREETINGS), rng)
    closing = rng.choice(t.CLOSINGS)
    cut = rng.randrange(1, len(parts) + 1)
    paragraphs = [" ".join(parts[:cut]), " ".join(parts[cut:]), closing]
    if greeting:
        paragraphs.insert(0, greeting)
    text = "\n\n".join(p for p in paragraphs if p)
    if rng.random() < 0.2:
        text = add_typos(text, rng, 0.02)
    if rng.random() < 0.4:
        text += signature(rng, closed=closing.endswith(","))
    # The hearing is named after typos are made, so both copies name theirs correctly.
    return text.replace(HEARING_MARK, f"I am writing for {hearing}.")


def two_hearings(topic: str, rng: random.Random) -> tuple[str, str]:
    first, second = rng.sample(t.HEARINGS[topic], 2)
    state = rng.getstate()
    one = personal_letter(topic, rng, hearing=first)
    rng.setstate(state)
    two = personal_letter(topic, rng, hearing=second)
    if rng.random() < 0.6:
        sentences = [
            s
            for p in two.split("\n\n")
            for s in SENTENCE.split(p)
            if len(s) > 30 and second not in s
        ]
        other = lead(fill(rng.choice(rng.choice(t.POINTS[topic])), rng), rng)
        two = two.replace(rng.choice(sentences), other, 1)
    return one, two


# ---- Real letters from the dockets ------------------------------------------------------------


def components() -> dict[tuple[str, str], list[str]]:
    """Texts by (docket, component), in file order."""
    # The limit is process-wide, and tests that build this set share a process with the
    # agenda importer's, which rely on the default: put it back afterwards.
    previous = csv.field_size_limit(10**8)
    try:
        found: dict[tuple[str, str], list[str]] = defaultdict(list)
        for path in sorted(DATA.glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    text = row["text"].strip()
                    if text:
                        found[(path.stem, row["comp"])].append(text)
    finally:
        csv.field_size_limit(previous)
    return dict(found)


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def real_negatives(
    comps: dict[tuple[str, str], list[str]], used: set, rng: random.Random
) -> list[str]:
    """One real comment from each component not used for form letters, skipping any that
    shares passages with any letter of those or an earlier pick (the pilot's components sometimes
    split one campaign)."""
    taken = [shingles(text) for key in sorted(used) for text in comps[key]]
    picked = []
    for key in sorted(comps):
        if key in used:
            continue
        text = rng.choice(comps[key])
        grams = shingles(text)
        if not grams or any(len(grams & other) > 0.2 * len(grams) for other in taken):
            continue
        taken.append(grams)
        picked.append(text)
    return picked


def canonical(texts: list[str]) -> str:
    """The form letter of a component: its most repeated text of some length."""
    counts = Counter(re.sub(r"\s+", " ", text) for text in texts if len(text) > 150)
    best = counts.most_common(1)[0][0] if counts else max(texts, key=len)
    return next(text for text in texts if re.sub(r"\s+", " ", text) == best) if counts else best


# Lines people add to a docket's form letter, after saying who they are.
TOPIC_LINES = {
    "EPA-HQ-OA-2018-0259-9322": [
        "Science paid for by the public should guide the EPA.",
        "My asthma research depended on exactly the kind of data this rule would exclude.",
        "I lost my father to lung disease and I trust the studies on soot.",
        "Please do not let industry pick which studies count.",
    ],
    "EPA-HQ-OLEM-2019-0361-0001": [
        "We have a coal plant not far from our well.",
        "The ash pond upriver from my town flooded two years ago.",
        "Our kids swim in the lake below the power plant.",
        "I have seen what leaking ash did to the river where I grew up.",
    ],
    "EPA-HQ-OPP-2015-0481-0050": [
        "I found a dead owl in my yard last winter.",
        "Our cat nearly died after eating a poisoned mouse.",
        "I volunteer at a raptor rehab centre and see these cases every month.",
        "The red-tailed hawks near my house have disappeared.",
    ],
    "EPA-HQ-OPP-2017-0433-0001": [
        "My garden borders a sprayed field.",
        "I farm organically and the drift from neighbours worries me.",
        "Our well tested positive for two herbicides last year.",
    ],
    "EPA-R05-OAR-2020-0055-0007": [
        "The smell from the plant near us is awful some nights.",
        "My son's asthma gets worse when the wind blows from the refinery.",
        "Our neighbourhood used the nuisance rule once, and it worked.",
    ],
    "EPA-R06-OAR-2020-0510-0001": [
        "I fish off Port Aransas every summer.",
        "My family has a bait shop on Mustang Island.",
        "We watch the dolphins in the channel every time we visit.",
        "My grandkids have asthma and we live in Corpus Christi.",
    ],
    "USDA-2020-0009-0001": [
        "My kids rely on school lunch.",
        "I was helped by a food bank when I was out of work, and nobody asked my faith.",
        "As a 4-H volunteer I want every child welcome.",
    ],
}


# ---- The set ----------------------------------------------------------------------------------


def spun_sizes(total: int, rng: random.Random) -> dict[str, int]:
    small = [c.key for c in t.CAMPAIGNS if c.key not in t.LARGE and c.key not in t.MEDIUM]
    sizes = {key: min(rng.randrange(5, 41), max(5, total // 40)) for key in small}
    rest = total - sum(sizes.values())
    weights = {**t.LARGE, **t.MEDIUM}
    scale = sum(weights.values())
    for key, weight in weights.items():
        sizes[key] = max(5, round(rest * weight / scale))
    largest = max(weights, key=weights.get)
    sizes[largest] += total - sum(sizes.values())
    return sizes


def build(size: int = 5000, seed: int = 0) -> list[Comment]:
    if size < MIN_SIZE:
        raise ValueError(f"the held-out set needs at least {MIN_SIZE} comments, not {size}")
    rng = random.Random(seed)
    counts = {kind: round(size * share) for kind, share in SHARES.items()}
    counts["own_two_hearings"] -= counts["own_two_hearings"] % 2
    counts["hard_negative"] = size - sum(v for k, v in counts.items() if k != "hard_negative")
    out: list[Comment] = []

    trees = {c.key: {n: parse(s) for n, s in c.sentences.items()} for c in t.CAMPAIGNS}
    for key, n in spun_sizes(counts["spun"], rng).items():
        campaign = next(c for c in t.CAMPAIGNS if c.key == key)
        for _ in range(n):
            text = alter_spun(spin_letter(campaign, trees[key], rng), rng)
            out.append(Comment(text, f"spun:{key}", "spun"))

    comps = components()
    big = sorted(k for k, texts in comps.items() if len(texts) >= FORM_MIN_COMPONENT)
    used = set(big)
    per_letter = _split(counts["form"], len(big), rng)
    for (docket, comp), n in zip(big, per_letter, strict=True):
        letter = canonical(comps[(docket, comp)])
        for _ in range(n):
            text = edit_form(letter, rng, TOPIC_LINES[docket])
            out.append(Comment(text, f"form:{docket}:{comp}", "form"))

    topics = sorted(t.POINTS)
    for i in range(counts["own_two_hearings"] // 2):
        for text in two_hearings(topics[i % len(topics)], rng):
            out.append(Comment(text, f"own:{i}", "own_two_hearings"))

    negatives = real_negatives(comps, used, rng)[: counts["hard_negative"]]
    quoting = counts["hard_negative"] // 40
    for i in range(quoting):
        campaign = t.CAMPAIGNS[8 + i % 3]  # Boston and moratorium campaigns
        name = rng.choice([n for n in campaign.sentences if n != "open"])
        quote = tidy(render(trees[campaign.key][name], rng, campaign.spin))
        topic = "moratorium" if "moratorium" in campaign.key else "boston_ban"
        letter = personal_letter(topic, rng)
        paragraphs = letter.split("\n\n")
        at = rng.randrange(1, len(paragraphs) + 1)
        paragraphs.insert(at, rng.choice(QUOTE_FRAMES).format(quote=quote))
        negatives.append("\n\n".join(paragraphs))
    while len(negatives) < counts["hard_negative"]:
        negatives.append(personal_letter(rng.choice(topics), rng))
    for i, text in enumerate(negatives):
        out.append(Comment(text, f"alone:{i}", "hard_negative"))

    rng.shuffle(out)
    return out


QUOTE_FRAMES = [
    'A flyer on my door said "{quote}" I mostly agree.',
    'Someone forwarded me a letter that says "{quote}" Maybe, but that is not my reason.',
    '"{quote}" That line from the emails going around is fine, but here is my own view.',
    'I saw this online: "{quote}"',
    'My neighbour\'s group keeps repeating "{quote}" I would put it differently.',
    'As the petition put it, "{quote}"',
    'People keep quoting "{quote}" and they are not wrong.',
    'The mailer said: "{quote}" I wrote my own note instead of sending theirs.',
]


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """Uneven sizes (at least 3 each) summing to total."""
    weights = [rng.uniform(0.2, 1.0) ** 2 for _ in range(parts)]
    sizes = [max(3, int(total * w / sum(weights))) for w in weights]
    sizes[sizes.index(max(sizes))] += total - sum(sizes)
    return sizes
