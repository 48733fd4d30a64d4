"""A dev set of testimony where the truth is known: bot campaigns spun the way real spinners
spin, among personal letters on the same topics and real unrelated comments.

`build(size, seed)` returns `size` Comments (text, label, kind) in arrival order; equal labels
are one true group. Kinds, and their rough shares:

- "spun" (55%): copies of the campaigns in bench/spun_templates.py (one label each). Every
  sentence of a copy is spun, its skeleton is one of its campaign's variants, and some copies
  are touched by their sender as well: a personal sentence added (~20%), a typo (~15%), the
  salutation replaced with their own or dropped (~10%). Four large campaigns take hundreds to
  thousands of copies at 5,000+ texts; six small ones keep 5-40.
- "own_two_hearings" (5%, in pairs): a resident's own letter sent to two hearings, the second
  naming the other hearing's measure and body, and sometimes saying one sentence differently.
  The two share a label: grouping them is right.
- "hard_negative" (the rest, ~25%): personal letters on the same topics, sharing the talking
  points and key terms (face surveillance, misidentification, civil liberties, police,
  Docket #0683, H.1538 ...) but not sentences: each is composed from independent pools of
  sentences (roles in a random order, a random subset) filled with the writer's own details;
  about one in ten quotes one sentence of a campaign. Each is its own label.
- "unrelated" (up to 15%): real comments from ../shared/data/regulations-comments, one per
  `clust` and no two with the same words, each its own label. The data holds about 75 such
  comments: past that, hard negatives take their place.

Deterministic for a given (size, seed).
"""

from __future__ import annotations

import csv
import random
import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import NamedTuple

from bench.spintax import Spinner
from bench.spun_templates import CAMPAIGNS, COMMON

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "regulations-comments"
KINDS = ("spun", "own_two_hearings", "hard_negative", "unrelated")
SHARES = {"spun": 0.55, "own_two_hearings": 0.05, "unrelated": 0.15}  # hard_negative: the rest
UNRELATED_MIN_WORDS = 20
PERSONAL_SHARE, TYPO_SHARE, SALUTATION_SHARE = 0.20, 0.15, 0.10
QUOTING_SHARE = 0.10  # of hard negatives, those quoting one sentence of a campaign
HARD_MAX_SHARED_SENTENCES = 1  # a new personal letter shares at most this many sentences
HARD_MAX_JACCARD = 0.2  # ... and at most this word-3-gram overlap with any earlier one
HARD_TRIES = 6
COMMON_GRAM = 100  # a 3-gram in more letters than this says nothing about one of them
WORD = re.compile(r"\w+")
SENTENCE = re.compile(r"(?<=[.!?])\s+")


class Comment(NamedTuple):
    text: str
    label: str
    kind: str


def trigrams(text: str) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


# Personal material: what residents write in their own words.

DETAILS = COMMON | {
    "job": "{nurse|teacher|bus driver|software engineer|home health aide|electrician|"
    "public defender|librarian|line cook|retired firefighter|graduate student|pharmacist|"
    "carpenter|paralegal|social worker|day care provider|MBTA mechanic|hospital janitor}",
    "relative": "{my son|my daughter|my husband|my wife|my brother|my sister|my nephew|"
    "my grandson|my cousin|my father|my best friend|my neighbor's boy|my partner}",
    "years": "{three|five|seven|eleven|fifteen|twenty-two|thirty|forty|almost ten|sixty}",
    "street": "{Blue Hill Avenue|Centre Street|Dudley Street|Washington Street|Hyde Park "
    "Avenue|Cambridge Street|Bennington Street|Talbot Avenue|Columbia Road|Tremont Street|"
    "River Street|Warren Street|Harvard Avenue|Boylston Street|Meridian Street}",
    "place": "{the Stop & Shop|the library branch|the corner store|the community center|"
    "the bus stop|the pharmacy|my church|the laundromat|the park|the T station|the mosque|"
    "the health center}",
    "event": "{a vigil|the Juneteenth march|a tenants' meeting|a school committee meeting|"
    "a union rally|a climate strike|a town hall|a Black Lives Matter protest|"
    "an immigration forum|the Women's March}",
}

# Roles a personal letter may play, each with sentences in its writer's words; @MEASURE@ and
# @BODY@ are filled in per hearing.
ROLES: dict[str, list[str]] = {
    "who": [
        "I have lived on [[street]] for [[years]] years and I work as a [[job]].",
        "My name doesn't matter much, but I am a [[job]] and I grew up in [[hood]].",
        "I'm writing as someone who moved to [[hood]] [[years]] years ago for "
        "{work|school|love|a cheaper apartment}.",
        "I raise {two|three|four} kids in [[hood]] and {drive for a living|work nights|clean "
        "offices downtown}.",
        "For [[years]] years I have been a [[job]] in [[town]], and I vote in every election.",
        "Some background: I'm a [[job]], a {renter|homeowner|union member}, and a regular at "
        "[[place]].",
        "I was born at {Boston City Hospital|the Brigham|Carney Hospital} and I have never "
        "lived anywhere but [[hood]].",
        "I am a retired [[job]] who now spends most mornings at [[place]].",
        "I came here from {Haiti|Cape Verde|El Salvador|Vietnam|Ireland|Somalia} [[years]] "
        "years ago and became a citizen {last year|in 2012|after a long wait}.",
        "I'm {sixty-eight|nineteen|thirty-four|fifty-one} years old and I have volunteered at "
        "[[place]] for a long time.",
        "By day I'm a [[job]]; {in the evenings|on weekends} I coach {youth soccer|Little "
        "League|a girls' basketball team} in [[hood]].",
        "I own a {triple-decker|condo|small house} off [[street]] that my {parents|"
        "grandparents} bought in {1974|1988|1961}.",
    ],
    "story": [
        "Last {spring|summer|winter} [[relative]] was stopped near [[place]] because an "
        "officer thought he looked like someone on a flyer, and it took {an hour|most of the "
        "night|two hours} to sort out.",
        "When I went to [[event]] I noticed cameras on {every light pole|the rooftops|each "
        "corner} and wondered who was looking at the footage.",
        "[[relative]] was once mixed up with another {man|person} of the same name in a "
        "court record, and it followed {him|them} for years.",
        "A few years ago a {store|pharmacy|department store} accused me of shoplifting "
        "because I 'matched' someone on their camera, and I had never been inside before.",
        "I remember when the city put up cameras on [[street]] and nobody at the meeting "
        "could say where the video went.",
        "My cousin in {Detroit|New Jersey|Louisiana} knows a man who was arrested in front "
        "of his {daughters|kids|wife} after a computer picked his license photo.",
        "I was at [[event]] with my neighbors, and afterwards a friend got a call asking "
        "about the people standing next to her.",
        "[[relative]] works nights and gets stopped walking home on [[street]] more than "
        "anyone should.",
        "When my {car|bike|purse} was stolen outside [[place]], the police never even "
        "asked for the {video|camera footage}, so I doubt it's as useful as they say.",
        "Once, at the airport, the {gate|boarding} camera would not recognize me and I "
        "{missed my flight|was pulled aside|had to show three IDs}.",
        "In {2019|2021|2016} [[relative]] was held for {a day|a weekend|six hours} on a "
        "warrant meant for someone else.",
        "Our {building|landlord} installed a camera door entry and my {elderly mother|"
        "daughter|roommate} kept getting locked out because it didn't know her face.",
    ],
    "facts": [
        "I read that these systems misidentify darker-skinned women far more often than white men.",
        "From what I have seen, face recognition is least accurate on exactly the people "
        "police already stop the most.",
        "The MIT study {everybody cites|I keep hearing about} found error rates up to a third "
        "for some faces, which would be a scandal in any other kind of test.",
        "Misidentification is not a small bug when the result is handcuffs.",
        "The company selling the software is not the one who pays when it is wrong.",
        "Even the police commissioner said at {the hearing|a council meeting} that the "
        "technology isn't reliable.",
        "As far as I know the department doesn't use it yet, but the software it already "
        "has could turn it on with an update.",
        "Accuracy keeps improving, I'm told, but accurate tracking of everyone is its own problem.",
        "{Somerville|Cambridge|Brookline} banned it years ago and as far as I can tell "
        "crime there didn't go up.",
        "There was a man in {Michigan|New Jersey} who spent {thirty hours|ten days} in jail "
        "because of a bad match, and he had an alibi.",
        "Apparently the RMV has been running face searches for police for years without "
        "much of a paper trail.",
        "These databases get hacked like everything else, and you can't change your face "
        "like a password.",
    ],
    "opinion": [
        "I don't think @BODY@ should wait for a scandal before drawing a line.",
        "To me this is about civil liberties first, and only then about technology.",
        "Honestly I am torn, because I want crimes solved, but not at any price.",
        "It is one thing to have a camera at a bank and another for the government to "
        "know where every face goes.",
        "We already have too little trust between the police and [[hood]], and this would "
        "not help.",
        "I trust our officers, but I don't trust every future administration with this.",
        "Privacy is not only for people with something to hide; it's for everybody at "
        "[[place]] on a {Tuesday|Sunday morning|Friday night}.",
        "I keep coming back to the question of who gets to decide how this is used.",
        "If it were my {son|daughter|brother} who got picked out by mistake, I'd want "
        "somebody to have said no before it happened.",
        "Technology moves faster than the law, which is exactly why the law has to set the limits.",
        "Nobody I know voted for being scanned on the way to the grocery store.",
        "I'm not against technology; I work with computers {all day|every day}, which is "
        "why I know how often they're wrong.",
    ],
    "position": [
        "So I support @MEASURE@, and I hope @BODY@ passes it.",
        "For these reasons I am asking @BODY@ to approve @MEASURE@.",
        "That's why I'm in favor of @MEASURE@, even if it isn't perfect.",
        "Please count me as a yes on @MEASURE@.",
        "I'm against @MEASURE@ as written and would rather see rules than a ban.",
        "My view is that @MEASURE@ goes too far, and I hope @BODY@ amends it.",
        "I would vote for @MEASURE@ myself if I could.",
        "I can't support @MEASURE@ unless it leaves room for finding missing kids.",
        "My family talked it over at dinner and we all back @MEASURE@.",
        "@MEASURE@ seems like the least {we|@BODY@} can do right now.",
        "I'd ask @BODY@ to take its time with @MEASURE@ and get the details right.",
        "I lean toward @MEASURE@, though I'd like to hear what the police say first.",
    ],
    "detail": [
        "I'd also like to know what happens to the photos the RMV already has of all of us.",
        "Whatever you decide, please make the police report every search publicly.",
        "I'd want any rule to cover private companies that sell data to the city, too.",
        "If there are exceptions, a judge should sign off on each one.",
        "Schools should be included; I don't want my kids scanned walking into class.",
        "The BriefCam question should be answered in public before anything else.",
        "Whoever is harmed should be able to take it to court.",
        "Please don't let this get watered down in a working session nobody can attend.",
        "Any footage the city keeps should be deleted after {thirty days|a week|a month}.",
        "Someone independent should audit whatever system the city {buys|already has}.",
        "It should be illegal for the city to ask another agency to run the search for it.",
        "There ought to be a yearly report to the council on every request.",
    ],
    "local": [
        "[[hood]] has seen enough heavy policing to know how these tools end up being used.",
        "On [[street]] the cameras are already everywhere, from the bodegas to the bus shelters.",
        "People at [[place]] talk about this more than you'd think.",
        "My block in [[hood]] is mostly immigrant families, and they are nervous already.",
        "In [[town]], where my {mother|sister|aunt} lives, they had a long fight over license "
        "plate readers.",
        "The neighborhood association in [[hood]] discussed this last month and we did not "
        "agree on much.",
        "Every time I take the T from [[hood]] I pass at least a dozen cameras.",
        "Businesses along [[street]] have been broken into {twice|three times|again} this year.",
        "Kids in [[hood]] already get treated like suspects for standing on the corner.",
        "Half the houses on my street have doorbell cameras now, and I'm not sure who sees "
        "those either.",
        "The {shooting|break-in|robbery} near [[place]] last {fall|month} is still unsolved, "
        "and people here are frustrated.",
        "At [[place]] there is a sign saying you are being recorded, but not by whom.",
    ],
    "close": [
        "Thank you for reading this.",
        "Thanks for holding the hearing and for listening.",
        "I appreciate the work you all put into this.",
        "I hope you'll take these comments into account.",
        "That's all I wanted to say. Thank you.",
        "Thanks, and good luck with a hard decision.",
        "I'll be following the vote closely.",
        "Appreciate your time.",
        "Feel free to {contact|email|call} me if you have questions.",
        "Sorry this is long, and thank you.",
    ],
}
QUOTE_FRAMES = [
    'As the flyer put it, "@QUOTE@"',
    'I got an email that said "@QUOTE@", and I agree with that much.',
    'A neighbor forwarded me a letter saying "@QUOTE@" but I wanted to write my own.',
    'Someone at [[place]] told me: "@QUOTE@"',
    'I saw a post saying "@QUOTE@", which is partly true.',
]
OPENERS = ("who", "story", "opinion", "local")
VENUES = [  # (measure, body) as a resident names them
    ("the face surveillance ban", "the City Council"),
    ("Docket #0683", "the council"),
    ("the Boston ordinance", "our councilors"),
    ("H.1538", "the Judiciary Committee"),
    ("S.1385", "the Legislature"),
    ("the moratorium bill", "the committee"),
    ("the BriefCam order", "the Council"),
]
TWO_HEARINGS = [  # a resident's letter to the city, then to the state (or the other way)
    (("Docket #0683", "the City Council"), ("H.1538", "the Judiciary Committee")),
    (("the Boston ordinance", "the council"), ("the state moratorium bill", "the committee")),
    (("the face surveillance ban", "our councilors"), ("S.1385", "the Legislature")),
    (("Docket #0683", "the committee"), ("Docket #0684", "the committee")),
]
SALUTATIONS = [
    "Hi all,",
    "To whom it may concern:",
    "Dear Council members,",
    "Hello,",
    "Dear committee,",
    "Good evening,",
]


@cache
def _details() -> Spinner:
    return Spinner(DETAILS)


def _sentence(role: str, index: int, rng: random.Random) -> str:
    return _details().render(ROLES[role][index], rng)


def personal_letter(rng: random.Random) -> list[tuple[str, int]]:
    """A resident's letter as (role, sentence number) pairs: a random subset of the roles in a
    random order, opening with a role a person opens with."""
    roles = [r for r in ROLES if r not in ("close",)]
    chosen = rng.sample(roles, rng.randint(3, 6))
    openers = [r for r in chosen if r in OPENERS] or [rng.choice(OPENERS)]
    first = rng.choice(openers)
    rest = [r for r in chosen if r != first]
    if "position" not in rest and rng.random() < 0.8:
        rest.append("position")
    rng.shuffle(rest)
    plan = [first, *rest] + (["close"] if rng.random() < 0.6 else [])
    return [(role, rng.randrange(len(ROLES[role]))) for role in plan]


CONTRACTIONS = [
    ("I am", "I'm"),
    ("do not", "don't"),
    ("does not", "doesn't"),
    ("it is", "it's"),
    ("that is", "that's"),
    ("I would", "I'd"),
    ("cannot", "can't"),
    ("is not", "isn't"),
    ("I have", "I've"),
    ("we are", "we're"),
]
SWAPS = {  # words a writer habitually says their own way
    "think": ("believe", "feel"),
    "really": ("truly", "honestly", "very much"),
    "everybody": ("everyone", "all of us"),
    "kids": ("children", "little ones"),
    "want": ("would like", "wish"),
    "because": ("since", "as"),
    "people": ("folks", "residents", "people"),
    "police": ("cops", "police officers", "police"),
    "camera": ("surveillance camera", "CCTV camera", "camera"),
    "cameras": ("surveillance cameras", "CCTV cameras", "cameras"),
    "city": ("City", "municipality", "city government"),
    "know": ("understand", "realize", "know"),
    "worried": ("concerned", "anxious", "nervous"),
    "scanned": ("photographed", "identified", "tracked"),
    "technology": ("tech", "software", "technology"),
    "a lot": ("a great deal", "plenty", "a lot"),
}
HEDGES = (
    "Honestly, ",
    "Frankly, ",
    "To be honest, ",
    "In my opinion, ",
    "Personally, ",
    "Also, ",
    "And ",
    "I should say that ",
    "For what it's worth, ",
    "Look, ",
)


LOWER_AFTER_HEDGE = set(
    [
        "The",
        "It",
        "There",
        "This",
        "That",
        "We",
        "My",
        "Our",
        "A",
        "Any",
        "If",
        "Half",
        "Every",
        "Whatever",
        "Someone",
        "Schools",
        "Accuracy",
        "Misidentification",
        "Privacy",
        "Technology",
        "Nobody",
        "Apparently",
        "These",
        "From",
        "As",
        "Even",
        "For",
        "When",
        "Once",
        "In",
        "Last",
        "Some",
        "By",
        "On",
        "At",
        "So",
        "Please",
        "To",
        "Kids",
        "People",
        "Businesses",
        "Whoever",
    ]
)


class Voice:
    """How one writer words things: contractions or not, pet words, hedges."""

    def __init__(self, rng: random.Random) -> None:
        self.contract = rng.choice((None, True, False))
        self.swaps = {
            word: rng.choice(choices) for word, choices in SWAPS.items() if rng.random() < 0.5
        }
        self.hedging = rng.choice((0.0, 0.15, 0.3))

    def apply(self, sentence: str, rng: random.Random) -> str:
        if self.contract is not None:
            for long, short in CONTRACTIONS:
                old, new = (long, short) if self.contract else (short, long)
                sentence = re.sub(rf"\b{re.escape(old)}\b", new, sentence)
                sentence = re.sub(rf"\b{re.escape(old.capitalize())}\b", new.capitalize(), sentence)
        for word, said in self.swaps.items():
            sentence = re.sub(rf"\b{re.escape(word)}\b", said, sentence)
        if rng.random() < self.hedging and not sentence.startswith(("@", '"')):
            first = sentence.split(" ", 1)[0]
            start = sentence[:1].lower() + sentence[1:] if first in LOWER_AFTER_HEDGE else sentence
            sentence = rng.choice(HEDGES) + start
        return sentence[:1].upper() + sentence[1:]


def sentences_of(plan, rng: random.Random, quote: str = "") -> list[str]:
    voice = Voice(rng)
    sentences = [voice.apply(_sentence(role, index, rng), rng) for role, index in plan]
    if quote:
        frame = _details().render(rng.choice(QUOTE_FRAMES), rng)
        sentences.insert(rng.randint(1, len(sentences)), frame.replace("@QUOTE@", quote))
    return sentences


def write_letter(sentences: list[str], venue: tuple[str, str], rng: random.Random) -> str:
    """The sentences in paragraphs, naming the venue's measure and body."""
    measure, body = venue
    paragraphs, current = [], []
    for sentence in sentences:
        current.append(sentence)
        if len(current) >= 2 and rng.random() < 0.4:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    text = "\n\n".join(paragraphs).replace("@MEASURE@", measure).replace("@BODY@", body)
    return text


# Edits a sender makes to a bot's copy.

PERSONAL = [
    "I live in [[hood]] and this matters to my family.",
    "[[relative]] asked me to write too.",
    "I'm a [[job]] and I see the effects of this every day.",
    "I've lived in [[town]] for [[years]] years.",
    "Please read this, it's important to me.",
    "I wrote this on my lunch break at [[place]].",
]


def typo(text: str, rng: random.Random) -> str:
    """One slip of the fingers in a word of four letters or more."""
    words = [m for m in WORD.finditer(text) if len(m.group()) >= 4]
    if not words:
        return text
    match = rng.choice(words)
    word, at = match.group(), rng.randrange(1, len(match.group()) - 1)
    slips = [
        word[:at] + word[at + 1 :],  # a letter dropped
        word[:at] + word[at + 1] + word[at] + word[at + 2 :],  # two swapped
        word[:at] + word[at] + word[at:],  # one doubled
    ]
    return text[: match.start()] + rng.choice(slips) + text[match.end() :]


def touch(text: str, rng: random.Random) -> str:
    if rng.random() < PERSONAL_SHARE:
        line = _details().render(rng.choice(PERSONAL), rng)
        paragraphs = text.split("\n\n")
        at = rng.choice([1, len(paragraphs) - 1]) if len(paragraphs) > 2 else len(paragraphs)
        paragraphs.insert(at, line)
        text = "\n\n".join(paragraphs)
    if rng.random() < TYPO_SHARE:
        text = typo(text, rng)
    if rng.random() < SALUTATION_SHARE:
        first, _, rest = text.partition("\n\n")
        if rest and len(first.split()) <= 8:  # it opens with a salutation
            text = rest if rng.random() < 0.4 else f"{rng.choice(SALUTATIONS)}\n\n{rest}"
    return text


# Real unrelated comments.


@cache
def unrelated_pool() -> tuple[str, ...]:
    """One comment per (docket, comp, clust), none with the same words as another."""
    csv.field_size_limit(10**9)
    by_cluster: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for path in sorted(DATA.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                text = row["text"].strip()
                if len(WORD.findall(text)) >= UNRELATED_MIN_WORDS:
                    by_cluster[(path.stem, row["comp"], row["clust"])].append(text)
    pool, seen = [], set()
    for key in sorted(by_cluster):
        text = min(by_cluster[key], key=lambda t: (len(t), t))  # the plainest of its cluster
        words = " ".join(WORD.findall(text.lower()))
        if words not in seen:
            seen.add(words)
            pool.append(text)
    return tuple(pool)


# The corpus.


def campaign_sizes(spun: int) -> list[int]:
    """Copies per campaign: the small ones their own count (scaled down for a tiny corpus),
    the large ones the rest by weight."""
    fixed = [count for _, count in CAMPAIGNS if isinstance(count, int)]
    scale = min(1.0, spun / (4 * sum(fixed))) if fixed else 1.0
    sizes = [max(2, round(c * scale)) if isinstance(c, int) else 0 for _, c in CAMPAIGNS]
    left = max(0, spun - sum(sizes))
    weights = [(i, c) for i, (_, c) in enumerate(CAMPAIGNS) if isinstance(c, float)]
    total = sum(w for _, w in weights)
    for i, weight in weights:
        sizes[i] = max(2, int(left * weight / total))
    biggest = weights[0][0]
    sizes[biggest] += spun - sum(sizes)
    return sizes


class _Distinct:
    """Personal letters so far: a new one may share at most one sentence and little wording
    with any of them (else it would be a campaign of its own)."""

    def __init__(self) -> None:
        self.by_sentence: dict[str, list[int]] = defaultdict(list)
        self.by_gram: dict[tuple, list[int]] = defaultdict(list)
        self.sizes: list[int] = []

    def closest(self, sentences: list[str], grams: set) -> tuple[int, float]:
        """(most sentences shared with one earlier letter, highest word-3-gram Jaccard)."""
        keys = {" ".join(WORD.findall(s.lower())) for s in sentences}
        shared = Counter(i for key in keys for i in self.by_sentence.get(key, ()))
        common = Counter(
            i
            for gram in grams
            if len(self.by_gram.get(gram, ())) <= COMMON_GRAM
            for i in self.by_gram.get(gram, ())
        )
        overlap = max(
            (n / (len(grams) + self.sizes[i] - n) for i, n in common.items()), default=0.0
        )
        return max(shared.values(), default=0), overlap

    def fits(self, sentences: list[str], grams: set) -> bool:
        shared, overlap = self.closest(sentences, grams)
        return shared <= HARD_MAX_SHARED_SENTENCES and overlap <= HARD_MAX_JACCARD

    def add(self, sentences: list[str], grams: set) -> None:
        number = len(self.sizes)
        self.sizes.append(len(grams))
        for key in {" ".join(WORD.findall(s.lower())) for s in sentences}:
            self.by_sentence[key].append(number)
        for gram in grams:
            self.by_gram[gram].append(number)


def _personal(rng: random.Random, distinct: _Distinct, quote: str = ""):
    """(plan, sentences, text) of a personal letter unlike those before it: the first of a few
    tries that shares at most a sentence and little wording with each, else the least alike."""
    best = None
    for _ in range(HARD_TRIES):
        plan = personal_letter(rng)
        sentences = sentences_of(plan, rng, quote)
        text = write_letter(sentences, rng.choice(VENUES), rng)
        grams = trigrams(text)
        shared, overlap = distinct.closest(sentences, grams)
        if best is None or (shared, overlap) < best[0]:
            best = ((shared, overlap), plan, sentences, text, grams)
        if shared <= HARD_MAX_SHARED_SENTENCES and overlap <= HARD_MAX_JACCARD:
            break
    _, plan, sentences, text, grams = best
    distinct.add(sentences, grams)
    return plan, sentences, text


def _campaign_sentence(rng: random.Random) -> str:
    campaign, _ = rng.choice(CAMPAIGNS)
    _, text = campaign.render(rng)
    sentences = [s for s in SENTENCE.split(text.replace("\n", " ")) if len(s.split()) >= 8]
    return sentences[0] if sentences else text


def build(size: int = 5000, seed: int = 0) -> list[Comment]:
    rng = random.Random(seed)
    spun = round(size * SHARES["spun"])
    pairs = round(size * SHARES["own_two_hearings"] / 2)
    pool = unrelated_pool()
    unrelated = min(round(size * SHARES["unrelated"]), len(pool), max(0, size - spun - 2 * pairs))
    hard = max(0, size - spun - 2 * pairs - unrelated)
    corpus: list[Comment] = []
    for (campaign, _), count in zip(CAMPAIGNS, campaign_sizes(spun), strict=True):
        for _ in range(count):
            _, text = campaign.render(rng)
            corpus.append(Comment(touch(text, rng), f"spun:{campaign.name}", "spun"))
    del corpus[spun:]  # a tiny corpus may not hold two copies of every campaign
    distinct = _Distinct()
    for number in range(pairs):
        plan, sentences, _ = _personal(rng, distinct)
        first, second = rng.choice(TWO_HEARINGS)
        if rng.random() < 0.5:
            first, second = second, first
        layout = rng.random()  # the same paragraphs both times
        one = write_letter(sentences, first, random.Random(layout))
        if rng.random() < 0.5:  # they say one sentence differently the second time
            at = rng.randrange(len(plan))
            role = plan[at][0]
            sentences = list(sentences)
            sentences[at] = _sentence(role, rng.randrange(len(ROLES[role])), rng)
        two = write_letter(sentences, second, random.Random(layout))
        label = f"own:{number}"
        corpus += [Comment(one, label, "own_two_hearings"), Comment(two, label, "own_two_hearings")]
    for number in range(hard):
        quote = _campaign_sentence(rng) if rng.random() < QUOTING_SHARE else ""
        _, _, text = _personal(rng, distinct, quote)
        corpus.append(Comment(text, f"hard:{number}", "hard_negative"))
    for number, text in enumerate(rng.sample(pool, unrelated)):
        corpus.append(Comment(text, f"unrelated:{number}", "unrelated"))
    rng.shuffle(corpus)
    return corpus[:size]


def overlap_by_campaign(corpus: list[Comment], pairs: int = 400, seed: int = 0) -> dict:
    """For each campaign: (copies, mean and least word-3-gram Jaccard of random pairs)."""
    rng = random.Random(seed)
    copies: dict[str, list[set]] = defaultdict(list)
    for comment in corpus:
        if comment.kind == "spun":
            copies[comment.label].append(trigrams(comment.text))
    result = {}
    for label, sets in copies.items():
        if len(sets) < 2:
            continue
        values = []
        for _ in range(pairs):
            a, b = rng.sample(range(len(sets)), 2)
            values.append(jaccard(sets[a], sets[b]))
        result[label] = (len(sets), sum(values) / len(values), min(values))
    return result


def describe(corpus: list[Comment]) -> None:
    """Print the kinds, the campaigns and how much their copies share."""
    kinds = Counter(c.kind for c in corpus)
    print(
        f"{len(corpus):,} texts: "
        + ", ".join(f"{k} {kinds[k]:,} ({kinds[k] / len(corpus):.0%})" for k in KINDS)
    )
    print("campaigns (copies, word-3-gram Jaccard of random pairs of copies: mean, least):")
    for label, (n, mean, least) in sorted(overlap_by_campaign(corpus).items()):
        print(f"  {label:<36} {n:>6,}  mean {mean:.3f}  least {least:.3f}")


if __name__ == "__main__":
    describe(build())
