"""A comment corpus with known campaigns, to measure campaign grouping (see bench/campaigns.py).

The real dockets in ../shared/data/regulations-comments only carry a machine grouping, so this
builds a corpus whose truth is known by construction, from the same real texts. Five kinds:

- "form" campaigns (the rest of the corpus, ~60%): one real letter (60+ words) per connected
  component (`comp`) of the pilot's similarity graph, from the small components (the big,
  varied ones are kept for the unrelated texts), and only if it shares no sentence and few
  5-word sequences with the letters already taken: the same letter does sit in two components
  of one docket (USDA-2020-0009, EPA-HQ-OA-2018-0259), so `comp` alone does not make letters
  distinct. The data holds only about 15 such letters. Each is copied a skewed number of times
  (a few big campaigns, many small, at least 2 copies) with the edits real senders make, each
  at random: a personal sentence (~30% of copies) or a personal paragraph of 2-4 sentences
  (~20%) at the start or end, synonyms swapped (5-15% of the swappable words in ~25% of copies,
  15-20% in ~10%), one sentence or paragraph left out (~10%, never more than a third of the
  letter), paragraphs or sentences reordered, typos, the salutation and signature changed or
  dropped; ~15% of copies are the letter unchanged (plain forwarding);
- "bot" campaigns (15%): every copy spun from a hand-written spintax template
  (bench/campaign_templates.py, modelled on the largest bot campaign of the FCC's 2017
  net-neutrality docket): 17-18 slots of 4-5 phrases that mean the same, almost no fixed text,
  so two copies share few exact 5-word sequences. Two or three are small (30-60 copies), the
  others big; no two bot campaigns of a corpus use the same template;
- "unrelated" comments: real texts from components not used as letters, each its own label. A
  component gives more than one text only as a sentence subset sharing no sentence (and few
  5-word sequences) with any other text or letter, so none is a near-duplicate of another.
- hard negatives, each its own label too, since a resident's own letter is not a copy:
  "quoting", an unrelated real text into which ONE sentence of a campaign letter (a form
  letter, or a copy of a bot campaign) is inserted, under half of the result (residents
  often quote a line of a form letter); and "oneliner", the real texts of under 15 words in the
  data not half made of the wording of a letter, a bot template or another one-liner (the same
  slogan retyped): short same-topic texts, where stock phrases are the risk ("Please ban the
  use of rodenticides.").

Unrelated, quoting and oneliner texts together are meant to be 25% (quoting 5%, at most a third
of the real texts), but the data has only about 700 distinct unrelated texts and 20-25
one-liners: the shortfall goes to the form campaigns and build() prints a note.

build(size, seed) is deterministic for a seed.
"""

from __future__ import annotations

import csv
import functools
import itertools
import random
import re
from collections import defaultdict
from pathlib import Path

from bench.campaign_templates import (
    BOT_TEMPLATES,
    BUSINESSES,
    FAMILY,
    FIRST,
    LAST,
    OCCUPATIONS,
    PERSONAL,
    QUOTE_FRAMES,
    SALUTATIONS,
    SIGNATURES,
    SYNONYMS,
    TOWNS,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "regulations-comments"
KINDS = ("form", "bot", "unrelated", "quoting", "oneliner")
ALONE_KINDS = ("unrelated", "quoting", "oneliner")  # each text its own label
LETTER_MIN_WORDS = 60
UNRELATED_MIN_WORDS = 20
RICH_COMPONENT = 60  # components with this many distinct sentences feed the unrelated texts
ONELINER_MAX_WORDS = 14  # "under 15 words"
ONELINER_BORROWED = 0.5  # share of its 3-word sequences from one source: not its own
QUOTE_WORDS = (8, 30)  # length of a quotable sentence
QUOTE_SHARE = 0.45  # most of a quoting text that may be the quote: under half
MAX_DROPPED = 0.34  # most of a letter a copy may leave out
SMALL_BOTS = (30, 60)
BIG_BOT_MIN = 61

WORD = re.compile(r"\w+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n\s*")
# A "sentence" ending in one of these was cut at an abbreviation (Mr., U.S.), not at its end.
ABBREVIATION = re.compile(r"(?:\b(?:Mrs?|Ms|Dr|St|Sen|Rep|No)|\b[A-Z])\.$")
PARAGRAPH_BREAK = re.compile(r"(?:\r?\n\s*){2,}")
SALUTATION = re.compile(r"^\s*((?:dear|to whom|hello|greetings)[^\n.!?]{0,60}?[,:])\s*", re.I)
SIGNATURE = re.compile(
    r"(?:\n|\s{2})\s*(?:sincerely|respectfully|best regards|regards|thank you|thanks)\b"
    r"[^.!?]{0,80}$",
    re.I,
)


def shingles(text: str, k: int = 5) -> set[str]:
    """Word k-grams (lower case): the exact sequences near-duplicate detection looks at."""
    words = WORD.findall(text.lower())
    if len(words) < k:
        return {" ".join(words)}
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text.strip()) if s.strip()]


def _key(sentence: str) -> str:
    return " ".join(WORD.findall(sentence.lower()))


def read_docket(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(10**9)
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@functools.cache
def components() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every (docket/comp, texts) of the real data, in file order."""
    comps: dict[str, list[str]] = defaultdict(list)
    for path in sorted(DATA.glob("*.csv")):
        for row in read_docket(path):
            comps[f"{row['rule']}/{row['comp']}"].append(row["text"])
    return tuple((key, tuple(texts)) for key, texts in comps.items())


def _seen(text: str, used: set[str]) -> bool:
    """Whether text repeats used 5-word sequences: over 10% of its own, or an 8-word run."""
    words = WORD.findall(text.lower())
    flags = [" ".join(words[i : i + 5]) in used for i in range(len(words) - 4)]
    run = longest = 0
    for flag in flags:
        run = run + 1 if flag else 0
        longest = max(longest, run)
    return longest >= 4 or sum(flags) > 0.1 * max(1, len(flags))


def _fresh(text: str, used_keys: set[str], used_shingles: set[str]) -> str:
    """The sentences of text that repeat no used sentence and few used 5-word sequences."""
    kept = [
        sentence
        for sentence in sentences(text)
        if _key(sentence) not in used_keys and not _seen(sentence, used_shingles)
    ]
    fresh = " ".join(kept)
    return "" if _seen(fresh, used_shingles) else fresh


class _Used:
    """Sentences and 5-word sequences already in the corpus, so no new real text repeats them."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.shingles: set[str] = set()

    def add(self, text: str, min_words: int = 0) -> None:
        self.keys |= {_key(s) for s in sentences(text) if len(_key(s).split()) >= min_words}
        self.shingles |= shingles(text)


def _pick_letters(rng: random.Random, wanted: int, used: _Used):
    """Distinct seed letters (one per component), and the components left for other texts."""
    comps = list(components())
    rng.shuffle(comps)
    comps.sort(key=lambda comp: len({_key(s) for t in comp[1] for s in sentences(t)}))
    letters, sources = [], []
    for key, texts in comps:
        long = [t for t in texts if len(t.split()) >= LETTER_MIN_WORDS]
        rich = len({_key(s) for t in texts for s in sentences(t)}) >= RICH_COMPONENT
        if not long or rich or len(letters) >= wanted:
            sources.append((key, texts))
            continue
        letter = rng.choice(long)
        keys = {_key(s) for s in sentences(letter) if len(_key(s).split()) >= 6}
        if keys & used.keys or _seen(letter, used.shingles):
            sources.append((key, texts))  # shares passages with an earlier letter
            continue
        letters.append(letter)
        used.add(letter, min_words=6)
    return letters, sources


@functools.cache
def _template_wording(template: str) -> frozenset[str]:
    """The 3-word sequences copies of a bot template use (from a fixed sample of copies)."""
    rng = random.Random(0)
    return frozenset(g for _ in range(400) for g in shingles(bot_copy(rng, template), 3))


def _pick_oneliners(letters: list[str], used: _Used) -> list[str]:
    """Real texts under 15 words that are no one's copy: under half of their 3-word sequences
    are in one campaign's wording (a letter of this corpus, or a bot template) or in a
    one-liner taken before ("End secret science" after "END SECRET SCIENCE NOW."), and no
    5-word sequence is in a letter. Stock phrases ("please ban the use of") remain."""
    wordings = [shingles(letter, 3) for letter in letters]
    wordings += [_template_wording(template) for template in BOT_TEMPLATES]
    oneliners = []
    for _, texts in components():
        for text in texts:
            words = WORD.findall(text.lower())
            if not 3 <= len(words) <= ONELINER_MAX_WORDS or text.startswith("#NAME"):
                continue
            grams = shingles(text, 3)
            if _seen(text, used.shingles) or any(
                len(grams & wording) >= ONELINER_BORROWED * len(grams) for wording in wordings
            ):
                continue
            oneliners.append(" ".join(text.split()))
            wordings.append(grams)
            used.add(text)
    return oneliners


def _pick_unrelated(rng: random.Random, sources, wanted: int, used: _Used) -> list[str]:
    """Real texts sharing nothing with each other or with the letters: one whole text per
    component first, then sentence subsets of the others."""
    first = [rng.choice(texts) for _, texts in sources]
    rest = [t for _, texts in sources for t in texts]
    rng.shuffle(rest)
    unrelated = []
    for text in first + rest:
        if len(unrelated) >= wanted:
            break
        fresh = _fresh(text, used.keys, used.shingles)
        if len(fresh.split()) < UNRELATED_MIN_WORDS:
            continue
        unrelated.append(fresh)
        used.add(fresh)
    return unrelated


def _split(total: int, weights: list[float], minimum: int) -> list[int]:
    """Sizes summing to total, each >= minimum, the rest shared in proportion to weights."""
    shares = [(total - minimum * len(weights)) * w / sum(weights) for w in weights]
    sizes = [minimum + int(s) for s in shares]
    by_remainder = sorted(range(len(sizes)), key=lambda i: int(shares[i]) - shares[i])
    for i in by_remainder[: total - sum(sizes)]:
        sizes[i] += 1
    return sizes


def _swap_words(rng: random.Random, text: str, low: float, high: float) -> str:
    """Swap a share (between low and high) of the words that have a synonym."""
    spots = [m for m in re.finditer(r"[A-Za-z]+", text) if m.group().lower() in SYNONYMS]
    if not spots:
        return text
    chosen = rng.sample(spots, max(1, round(len(spots) * rng.uniform(low, high))))
    for m in sorted(chosen, key=lambda m: -m.start()):
        word = SYNONYMS[m.group().lower()]
        word = word.capitalize() if m.group()[0].isupper() else word
        text = text[: m.start()] + word + text[m.end() :]
    return text


def _typos(rng: random.Random, text: str) -> str:
    spots = list(re.finditer(r"[A-Za-z]{4,}", text))
    count = max(1, round(len(text.split()) * rng.uniform(0.01, 0.03)))
    for m in sorted(rng.sample(spots, min(count, len(spots))), key=lambda m: -m.start()):
        w, i = m.group(), rng.randrange(1, len(m.group()) - 1)
        w = rng.choice(
            [w[:i] + w[i + 1] + w[i] + w[i + 2 :], w[:i] + w[i + 1 :], w[:i] + w[i] + w[i:]]
        )
        text = text[: m.start()] + w + text[m.end() :]
    return text


def _units(text: str) -> tuple[list[str], str]:
    """Paragraphs if there are 3 or more, else sentences; and how to join them again."""
    paragraphs = [p for p in PARAGRAPH_BREAK.split(text) if p.strip()]
    return (paragraphs, "\n\n") if len(paragraphs) >= 3 else (sentences(text), " ")


def _reorder(rng: random.Random, text: str) -> str:
    units, joiner = _units(text)
    if len(units) < 2:
        return text
    k = rng.randint(2, min(4, len(units)))
    cuts = [0, *sorted(rng.sample(range(1, len(units)), k - 1)), len(units)]
    chunks = [units[a:b] for a, b in itertools.pairwise(cuts)]
    order = list(range(k))
    while order == sorted(order):
        rng.shuffle(order)
    return joiner.join(u for i in order for u in chunks[i])


def _drop_part(rng: random.Random, text: str) -> str:
    """Leave out one paragraph or sentence, never more than a third of the letter."""
    units, joiner = _units(text)
    total = len(text.split())
    small = [i for i, unit in enumerate(units) if len(unit.split()) <= MAX_DROPPED * total]
    if len(units) < 3 or not small:
        return text
    dropped = rng.choice(small)
    return joiner.join(unit for i, unit in enumerate(units) if i != dropped)


def _persona(rng: random.Random) -> dict[str, str]:
    return {
        "town": rng.choice(TOWNS),
        "occupation": rng.choice(OCCUPATIONS),
        "family": rng.choice(FAMILY),
        "business": rng.choice(BUSINESSES),
        "years": str(rng.randint(3, 40)),
        "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
    }


def _fill(template: str, persona: dict[str, str]) -> str:
    text = template.format(**persona)
    return text[:1].upper() + text[1:]


def _personal(rng: random.Random, count: int) -> str:
    """count personal sentences of one invented sender."""
    persona = _persona(rng)
    return " ".join(_fill(template, persona) for template in rng.sample(PERSONAL, count))


def form_copy(rng: random.Random, letter: str) -> str:
    """One sender's copy of a form letter."""
    if rng.random() < 0.15:
        return letter  # forwarded as is
    salutation = SALUTATION.match(letter)
    body = letter[salutation.end() :] if salutation else letter
    signature = SIGNATURE.search(body)
    body = body[: signature.start()] if signature else body
    swap = rng.random()
    if swap < 0.12:
        body = _swap_words(rng, body, 0.15, 0.2)
    elif swap < 0.42:
        body = _swap_words(rng, body, 0.05, 0.15)
    if rng.random() < 0.12:
        body = _drop_part(rng, body)
    if rng.random() < 0.25:
        body = _reorder(rng, body)
    if rng.random() < 0.3:
        body = _typos(rng, body)
    personal = rng.random()
    if personal < 0.24:  # a paragraph of their own
        paragraph = _personal(rng, rng.randint(2, 4))
        body = f"{paragraph}\n\n{body}" if rng.random() < 0.5 else f"{body.rstrip()}\n\n{paragraph}"
    elif personal < 0.6:  # a sentence of their own
        sentence = _personal(rng, 1)
        body = f"{sentence} {body}" if rng.random() < 0.5 else f"{body.rstrip()} {sentence}"
    head = salutation.group(1) if salutation and rng.random() < 0.5 else rng.choice(SALUTATIONS)
    tail = signature.group().strip() if signature and rng.random() < 0.4 else ""
    tail = tail or _fill(rng.choice(SIGNATURES), _persona(rng))
    return "\n\n".join(part for part in (head, body.strip(), tail) if part)


def bot_copy(rng: random.Random, template: str) -> str:
    text = re.sub(r"\{([^}]*)\}", lambda m: rng.choice(m.group(1).split("|")), template)
    return " ".join(text.split())


def _quotable(text: str) -> list[str]:
    """Sentences of a campaign letter a resident might quote."""
    low, high = QUOTE_WORDS
    return [
        " ".join(s.split())
        for s in sentences(text)
        if low <= len(s.split()) <= high
        and not SALUTATION.match(s)
        and s.rstrip()[-1] in ".!?"
        and not ABBREVIATION.search(s.rstrip())
    ]


def quoting_text(rng: random.Random, own: str, quotes: dict[int, list[str]]) -> str | None:
    """A resident's own text with one line of a campaign letter in it, the line at most
    QUOTE_SHARE of the result (None if no campaign has a line that short)."""
    room = len(own.split()) * QUOTE_SHARE / (1 - QUOTE_SHARE)
    fitting = {label: [q for q in qs if len(q.split()) <= room] for label, qs in quotes.items()}
    labels = sorted(label for label, qs in fitting.items() if qs)
    if not labels:
        return None
    quote = rng.choice(fitting[rng.choice(labels)])
    line = rng.choice(QUOTE_FRAMES).format(q=quote)
    parts = sentences(own)
    at = rng.choice(
        [i for i in range(len(parts) + 1) if not i or not ABBREVIATION.search(parts[i - 1])]
    )
    return " ".join([*parts[:at], line, *parts[at:]])


def _bot_sizes(rng: random.Random, total: int, templates: int) -> list[int]:
    """Sizes of the bot campaigns: two or three small ones (if there is room), the rest big."""
    small = [rng.randint(*SMALL_BOTS) for _ in range(rng.choice((2, 3)))]
    while small and sum(small) + BIG_BOT_MIN > total:  # only in a tiny corpus
        small.pop()
    rest = total - sum(small)
    big = min(templates - len(small), max(1, rest // 100), max(1, rest // BIG_BOT_MIN))
    weights = rng.sample(range(1, big + 1), big)
    return small + _split(rest, weights, min(BIG_BOT_MIN, rest // big))


def build(size: int, seed: int = 7) -> tuple[list[str], list[int], list[str]]:
    """texts, true labels and kinds (KINDS) of a corpus of `size` texts."""
    rng = random.Random(seed)
    used = _Used()
    letters, sources = _pick_letters(rng, max(2, size // 100), used)
    oneliners = _pick_oneliners(letters, used)
    alone_wanted = round(size * 0.25)
    pool = _pick_unrelated(rng, sources, alone_wanted - len(oneliners), used)
    quoting_wanted = min(round(size * 0.05), len(pool) // 3)
    if len(pool) + len(oneliners) < alone_wanted:
        print(
            f"note: only {len(pool):,} unrelated texts share no sentence with each other, and "
            f"{len(oneliners)} one-liners (wanted {alone_wanted:,} together); the other "
            f"{alone_wanted - len(pool) - len(oneliners):,} go to the form campaigns"
        )

    bot_total = round(size * 0.15)
    templates = rng.sample(BOT_TEMPLATES, len(BOT_TEMPLATES))
    bot_sizes = _bot_sizes(rng, bot_total, len(templates))
    weights = [rng.lognormvariate(0, 1.3) for _ in letters]  # a few big, many small
    form_total = size - bot_total - len(pool) - len(oneliners)
    form_sizes = _split(form_total, weights, 2)

    items: list[tuple[str, int, str]] = []
    quotes: dict[int, list[str]] = {}
    for label, (letter, count) in enumerate(zip(letters, form_sizes, strict=True)):
        items += [(form_copy(rng, letter), label, "form") for _ in range(count)]
        quotes[label] = _quotable(letter)
    for offset, (template, count) in enumerate(
        zip(templates[: len(bot_sizes)], bot_sizes, strict=True)
    ):
        label = len(letters) + offset
        items += [(bot_copy(rng, template), label, "bot") for _ in range(count)]
        quotes[label] = [q for _ in range(5) for q in _quotable(bot_copy(rng, template))]
    label = len(letters) + len(bot_sizes)
    rng.shuffle(pool)
    for own in pool:
        quoted = quoting_text(rng, own, quotes) if quoting_wanted else None
        quoting_wanted -= quoted is not None
        items.append((quoted or own, label, "quoting" if quoted else "unrelated"))
        label += 1
    items += [(text, label + i, "oneliner") for i, text in enumerate(oneliners)]
    rng.shuffle(items)
    texts, labels, kinds = (list(column) for column in zip(*items, strict=True))
    return texts, labels, kinds


def jaccard(a: str, b: str) -> float:
    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y)


def stats(texts: list[str], labels: list[int], kinds: list[str]) -> None:
    """Counts per kind, and how many exact 5-word sequences two copies of a campaign share."""
    rng = random.Random(0)
    members: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        members[label].append(i)
    for kind in KINDS:
        groups = sorted((m for m in members.values() if kinds[m[0]] == kind), key=len, reverse=True)
        count = sum(len(m) for m in groups)
        line = f"  {kind:<9} {count:>7,} texts in {len(groups):>6,} labels"
        if kind in ALONE_KINDS and groups:
            lengths = sorted(len(texts[m[0]].split()) for m in groups)
            line += f" ({lengths[0]}..{lengths[-1]} words, median {lengths[len(lengths) // 2]})"
        elif groups:
            sizes = [len(m) for m in groups]
            line += f" (sizes {sizes[-1]}..{sizes[0]}, median {sizes[len(sizes) // 2]})"
            pairs = [rng.sample(m, 2) for m in groups for _ in range(50)]
            mean = sum(jaccard(texts[a], texts[b]) for a, b in pairs) / len(pairs)
            line += f"; 5-gram Jaccard of two copies: mean {mean:.2f}"
        print(line)
