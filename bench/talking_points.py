"""Letters built from an advocacy page's talking points, for the spun dev set
(bench/spun_corpus.py): a hard negative for grouping that trusts recurring wording.

An advocacy group (or the other side's) puts up a page on one of the demo hearings' measures
with a menu of talking points and asks residents to write in, picking a few. Each resident
copies two to four points word for word, in their own order, and adds a sentence or two of
their own (from the personal letters' material, bench/spun_corpus.py's ROLES, in their own
voice) before, between or after them; a greeting, a closing and a signature when they think of
it, and their own paragraphing. Nobody sends the same letter: each is its own label, yet its
sentences recur verbatim across dozens of others.

Constraints, per letter against every earlier one of this kind: at most MAX_SHARED_POINTS
points in common (two), and word-3-gram Jaccard at most MAX_JACCARD, checked exactly
against every letter that shares a point with it (letters sharing none have only a
greeting or a closing in common). A letter that does not fit after a few tries loses a point
and tries again; past two points it tries with both sentences of its own. Deterministic for a
given `random.Random`.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from itertools import combinations

from bench.spun_corpus import ROLES, WORD, Voice, _details, _sentence, trigrams

MAX_JACCARD = 0.35
MAX_SHARED_POINTS = 2
TRIES = 6  # at each number of points
LAST_TRIES = 40  # at two points, with two sentences of their own
POINTS_PER_LETTER = ((2, 0.3), (3, 0.4), (4, 0.3))
# What a resident may say of their own, per side: the personal letters' roles (bench/
# spun_corpus.py's ROLES), and of a role only the sentences (by number) that side would write:
# those against a measure tell no story of a wrong match and want rules, not a ban.
OWN_SAY: dict[str, dict[str, tuple[int, ...] | None]] = {  # None: every sentence of the role
    "for": {
        "who": None,
        "story": None,
        "facts": None,
        "opinion": (0, 1, 3, 4),
        "local": None,
        "detail": None,
        "position": (0, 4),
    },
    "against": {
        "who": None,
        "opinion": (2, 4),  # torn: cases solved, but not at any price; rules first
        "local": (3, 4),  # another town's debate; an unsolved shooting
        "detail": (0, 2, 4),  # reporting, a judge's sign-off, deleting footage
        "position": (1,),  # against as written
    },
}

# Each topic: the measures and bodies a resident names, and per side the page's points. The
# supporters' pages are the longer ones, and most letters come from them (SIDE_WEIGHTS).
TOPICS: dict[str, dict] = {
    "ban": {
        "weight": 0.4,
        "venues": [
            ("the face surveillance ban", "the City Council"),
            ("Docket #0683", "the council"),
            ("the Boston ordinance", "our councilors"),
        ],
        "for": [
            "Face surveillance lets the government identify and follow anyone who walks past "
            "a camera, without a warrant and without their knowledge.",
            "Federal testing has found that many face recognition algorithms make more false "
            "matches on Black, Asian and Native American faces than on white ones.",
            "Boston would join Somerville, Cambridge, Brookline and San Francisco, which have "
            "already stopped their own agencies from using face surveillance.",
            "The ordinance does not stop the police from using ordinary cameras or from "
            "investigating crimes; it only forbids identifying people by their faces.",
            "No one should have to give up their anonymity to visit a doctor, attend a "
            "place of worship or join a peaceful protest.",
            "Once a city builds a face database, it can be misused by the next administration, "
            "shared with federal agencies or stolen by hackers.",
            "Under the ordinance, information gathered through face surveillance could not be "
            "used as evidence in any city proceeding.",
            "The ordinance lets residents go to court when a city agency breaks the ban.",
            "A clear ban is far easier to enforce than a thicket of rules that someone would "
            "have to audit every year.",
            "Neighborhoods that are already heavily policed would bear the brunt of every "
            "false match.",
            "Immigrant families fear that scans of their faces could end up in the hands of "
            "immigration enforcement.",
            "The police commissioner has told the council that the department does not use "
            "face recognition today, so a ban costs current investigations nothing.",
            "It is much easier to keep a surveillance tool out than to take it away once "
            "agencies have come to depend on it.",
            "A face cannot be changed like a password, so a breach of face data harms people "
            "for the rest of their lives.",
            "Companies selling face recognition to police have scraped billions of photos "
            "from social media without anyone's consent.",
            "Boston should decide this question in public now, before a vendor makes the "
            "decision for us by adding the feature to software the city already owns.",
        ],
        "against": [
            "Detectives should be able to compare a photo of a suspect with booking photos "
            "when a violent crime has been caught on camera.",
            "Face recognition has helped other cities find missing children and identify "
            "victims of human trafficking.",
            "A permanent ban ties the hands of future councils even as the technology keeps "
            "getting more accurate.",
            "Clear rules on when a search is allowed and who reviews it would protect privacy "
            "without throwing away a useful tool.",
            "The ordinance would forbid the city from using the technology even with a "
            "warrant signed by a judge.",
            "Victims of crime deserve every lawful tool that can bring the person who hurt "
            "them to justice.",
            "The council should wait for the state to set one standard instead of creating "
            "a patchwork of local bans.",
            "A computer match is only a lead, and no one can be charged on a match alone.",
        ],
    },
    "moratorium": {
        "weight": 0.35,
        "venues": [
            ("H.1538", "the Judiciary Committee"),
            ("S.1385", "the Legislature"),
            ("the moratorium bill", "the committee"),
        ],
        "for": [
            "Massachusetts has no law that governs how state and local agencies may use "
            "face recognition.",
            "The bill would pause government use of face surveillance until the Legislature "
            "passes rules that protect residents.",
            "The Registry of Motor Vehicles has run face searches of license photos for "
            "police for years without any public debate.",
            "A moratorium is not a permanent ban; it simply says the state must write the "
            "rules before the technology is used.",
            "People who apply for a driver's license never agreed to stand in a permanent "
            "police lineup.",
            "A statewide pause protects every city and town in the Commonwealth, not only "
            "the handful that have passed bans of their own.",
            "Independent researchers have shown that these systems make the most errors on "
            "women with darker skin.",
            "Without a moratorium, police could scan the faces of everyone at a rally, a "
            "vigil or a religious service with no oversight at all.",
            "Defendants have a right to know when face recognition was used to identify "
            "them, and today they are often never told.",
            "Polls have found that a large majority of Massachusetts voters want limits on "
            "government use of face recognition.",
            "Technology companies should not be the ones deciding how much privacy the "
            "people of this state get to keep.",
            "Rural and urban residents deserve the same protections, and only a state law "
            "can give them that.",
            "The Legislature's own commission has studied this issue, and its "
            "recommendations should be law before the technology spreads further.",
            "A pause gives lawmakers time to hear from the communities that have the most "
            "to lose from a wrong match.",
        ],
        "against": [
            "The moratorium would take away a tool state police use to identify suspects in "
            "serious crimes, including child exploitation cases.",
            "Security and software employers in Massachusetts could lose business to "
            "neighboring states.",
            "The bill is written so broadly that it could block ordinary uses such as "
            "verifying identity to prevent license fraud.",
            "Today's leading algorithms are far more accurate than the systems tested in the "
            "early studies.",
            "Lawmakers should pass rules for warrants, audits and training instead of "
            "halting the technology outright.",
            "A moratorium with no end date can turn into a ban that no one ever voted for.",
            "Face recognition can clear an innocent suspect just as quickly as it can point "
            "to a guilty one.",
            "Police departments would lose access to tools they use today before any "
            "replacement rules exist.",
        ],
    },
    "briefcam": {
        "weight": 0.25,
        "venues": [
            ("the BriefCam order", "the Council"),
            ("Docket #0684", "the council"),
            ("the hearing order", "our councilors"),
        ],
        "for": [
            "The Boston Police Department has used BriefCam video analysis software for "
            "years with little public discussion.",
            "BriefCam can search hours of footage for people by the color of their clothing "
            "and other features in a matter of minutes.",
            "Newer versions of the software include a face recognition feature that could be "
            "switched on with an update.",
            "A public hearing would let the council ask which features are turned on and who "
            "is allowed to use them.",
            "Residents have a right to know how footage from city cameras is stored, "
            "searched and shared.",
            "The council should find out whether results from the software are shared with "
            "federal agencies or the regional intelligence center.",
            "The department should report how many video searches it runs each year and for "
            "what kinds of cases.",
            "A hearing is not a ban; it is the council doing its job of oversight.",
            "No surveillance tool should be bought or upgraded without a public vote of the "
            "council.",
            "Knowing what the software can do would help the council judge whether the face "
            "surveillance ban goes far enough.",
            "Vendors change their products all the time, so the city needs a way to review "
            "the software after each upgrade.",
            "The hearing should make room for the people whose neighborhoods have the most "
            "cameras.",
        ],
        "against": [
            "Video analysis lets detectives review the footage from a shooting in hours "
            "instead of weeks.",
            "The software does not identify anyone by name; it only helps officers find the "
            "right moments in recorded video.",
            "Describing in public exactly how the police search video could help criminals "
            "avoid being caught.",
            "The council has already debated surveillance this term, and another hearing "
            "takes officers away from their work.",
            "The department has said it does not use the face recognition feature and has no "
            "plans to.",
            "Victims and their families want cases solved quickly, and this tool helps make "
            "that possible.",
            "Oversight is welcome, but the order should not become a first step toward "
            "banning video analysis altogether.",
            "Reviewing video by hand is slow and costly, and it ties up officers who could be "
            "on patrol.",
        ],
    },
}
SIDE_WEIGHTS = {"for": 0.7, "against": 0.3}

GREETINGS = [
    "Hello,",
    "Good morning,",
    "To whom it may concern,",
    "Dear members,",
    "Dear Chair and members,",
    "Greetings,",
]
CLOSINGS = [
    "Thank you for your time.",
    "Thank you for considering my testimony.",
    "Please take these points into account.",
    "I appreciate your work on this.",
    "Thank you.",
]
SIGNOFFS = ["Sincerely,", "Best,", "Respectfully,", "Thanks,"]
SIGNATURES = [  # spintax over the personal letters' details
    "A resident of [[hood]]",
    "[[job]] in [[hood]]",
    "A voter in [[town]]",
    "[[hood]] resident",
    "[[job]], [[town]]",
    "A {neighbor|parent|renter|homeowner} in [[hood]]",
]


def points_of(topic: str) -> list[str]:
    """Every point of a topic, both sides."""
    return TOPICS[topic]["for"] + TOPICS[topic]["against"]


def all_points() -> list[str]:
    return [point for topic in TOPICS for point in points_of(topic)]


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _own_sentences(rng: random.Random, side: str, count: int, venue: tuple[str, str]):
    """`count` sentences of the resident's own, each of another role, in their own voice."""
    voice = Voice(rng)
    measure, body = venue
    said = []
    for role in rng.sample(sorted(OWN_SAY[side]), count):
        numbers = OWN_SAY[side][role] or range(len(ROLES[role]))
        sentence = voice.apply(_sentence(role, rng.choice(numbers), rng), rng)
        sentence = sentence.replace("@MEASURE@", measure).replace("@BODY@", body)
        said.append(sentence[:1].upper() + sentence[1:])
    return said


def _layout(sentences: list[str], points: set[str], rng: random.Random) -> str:
    """The body in the resident's paragraphing: one block, a line each, a paragraph per
    point (their own sentences kept with the point before), or breaks here and there."""
    style = rng.choice(("block", "lines", "per_point", "random"))
    if style == "block":
        return " ".join(sentences)
    if style == "lines":
        return "\n".join(sentences)
    paragraphs: list[list[str]] = [[]]
    for sentence in sentences:
        if paragraphs[-1] and (
            (style == "per_point" and sentence in points)
            or (style == "random" and rng.random() < 0.45)
        ):
            paragraphs.append([])
        paragraphs[-1].append(sentence)
    return "\n\n".join(" ".join(p) for p in paragraphs)


def compose(rng: random.Random, topic: str, side: str, points: list[str], own: int) -> tuple:
    """(points, own sentences, text) of one resident's letter quoting `points` (of one side
    of a topic) in that order, with `own` sentences of their own."""
    venue = rng.choice(TOPICS[topic]["venues"])
    said = _own_sentences(rng, side, own, venue)
    sentences = list(points)
    for sentence in said:
        sentences.insert(rng.randint(0, len(sentences)), sentence)
    text = _layout(sentences, set(points), rng)
    if rng.random() < 0.6:
        text = rng.choice(GREETINGS) + rng.choice(("\n\n", "\n")) + text
    if rng.random() < 0.6:
        text += rng.choice(("\n\n", " ")) + rng.choice(CLOSINGS)
    if rng.random() < 0.5:
        signature = _details().render(rng.choice(SIGNATURES), rng)
        signature = signature[:1].upper() + signature[1:]
        if rng.random() < 0.6:
            signature = rng.choice(SIGNOFFS) + "\n" + signature
        text += "\n\n" + signature
    return points, said, text


class _Letters:
    """The talking-point letters so far, indexed by their points and the sets of points
    they quote together."""

    def __init__(self) -> None:
        self.grams: list[set[int]] = []  # each letter's word 3-grams, as numbers (faster)
        self.numbers: dict[tuple, int] = {}
        self.by_point: dict[str, list[int]] = defaultdict(list)
        self.together: set[frozenset] = set()
        self.own: set[str] = set()

    def numbered(self, grams: set) -> set[int]:
        return {self.numbers.setdefault(gram, len(self.numbers)) for gram in grams}

    def pick(self, menu: list[str], count: int, rng: random.Random) -> list[str]:
        """Up to `count` points of the menu in a random order, no more than MAX_SHARED_POINTS
        of them quoted together in any earlier letter."""
        chosen: list[str] = []
        for point in rng.sample(menu, len(menu)):
            if len(chosen) == count:
                break
            sets = (frozenset((*s, point)) for s in combinations(chosen, MAX_SHARED_POINTS))
            if not any(together in self.together for together in sets):
                chosen.append(point)
        return chosen

    def alike(self, points, said, grams, stop: float = 1.0) -> float:
        """How alike the letter is to the closest earlier one: 1.0 when it shares more than
        MAX_SHARED_POINTS points or one of its own sentences with one, else the highest
        word-3-gram Jaccard with any that shares a point, or the first found above `stop` (it
        is no better)."""
        if any(frozenset(t) in self.together for t in combinations(points, MAX_SHARED_POINTS + 1)):
            return 1.0
        if any(" ".join(WORD.findall(s.lower())) in self.own for s in said):
            return 1.0
        grams = self.numbered(grams)
        near = Counter(i for point in points for i in self.by_point[point])
        size, highest = len(grams), 0.0
        for i, _ in near.most_common():  # those sharing more points first: likelier copies
            common = len(grams & self.grams[i])  # Jaccard, without building the union
            highest = max(highest, common / (size + len(self.grams[i]) - common))
            if highest > stop:
                break
        return highest

    def add(self, points, said, grams) -> None:
        number = len(self.grams)
        self.grams.append(self.numbered(grams))
        for point in points:
            self.by_point[point].append(number)
        self.together.update(frozenset(t) for t in combinations(points, MAX_SHARED_POINTS + 1))
        self.own.update(" ".join(WORD.findall(s.lower())) for s in said)


def letters(count: int, rng: random.Random) -> tuple[list[str], int]:
    """`count` talking-point letters, each unlike every earlier one (see the module's
    docstring), and how many had to be kept without fitting, the least alike of their tries
    (none at up to 10,000 letters, a corpus of 100,000: most letters then quote two points)."""
    topics = [(topic, spec["weight"]) for topic, spec in TOPICS.items()]
    made = _Letters()
    texts, misfits = [], 0
    for _ in range(count):
        topic = _weighted(rng, topics)
        side = _weighted(rng, SIDE_WEIGHTS.items())
        wanted = _weighted(rng, POINTS_PER_LETTER)
        own = rng.choice((1, 2))
        found = best = None
        attempts = [(n, own) for n in range(wanted, 1, -1) for _ in range(TRIES)]
        attempts += [(2, 2)] * LAST_TRIES
        for number, own_count in attempts:
            points = made.pick(TOPICS[topic][side], number, rng)  # in the resident's order
            points, said, text = compose(rng, topic, side, points, own_count)
            grams = trigrams(text)
            alike = made.alike(points, said, grams, stop=best[0] if best else 1.0)
            if alike <= MAX_JACCARD:
                found = (points, said, text, grams)
                break
            if best is None or alike < best[0]:
                best = (alike, (points, said, text, grams))
        if found is None:
            misfits += 1
            found = best[1]
        points, said, text, grams = found
        made.add(points, said, grams)
        texts.append(text)
    return texts, misfits
