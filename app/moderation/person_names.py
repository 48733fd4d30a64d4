"""Find the names of private third parties in testimony text, to suggest them for redaction.

A rule-based detector, pure over strings: no model, no database. It reads the text as a row of
words and looks at runs of capitalised words ("John Smith", "María José Núñez-García",
"Nguyen Van An", with particles such as "de la", "van", "bin" inside and an initial such as
"J." between), then decides on each run from what stands before it and what it is made of:

* after a courtesy title (Mr, Mrs, Ms, Dr, Sr., Sra., Doña …) or a word for someone close to
  the writer with a possessive before it (my neighbour, our landlord, my son's teacher, mi
  vecina, la maestra; also "a man named …") any run is a name, even one word ("Mrs.
  O'Brien"), and so are words without letter case (Arabic script) and a lower-case given name
  from the lists ("my neighbor john"). After a group ("our children", "mis vecinos") one word
  counts only if it is in the lists;
* without such a cue it takes two to four words, the first a given name from the lists
  (app/moderation/name_lists.py) or one of them a distinctive surname ("Allie Ng"). A given
  name that is also an ordinary word ("Will", "Rose", "Hope", "Grant") counts only in the
  middle of a sentence, where a plain word would not be capitalised; one all in capitals only
  when it is a given name.

What is never suggested, because it is not a private third party:

* the author: a run whose words all belong to the testimony's full name;
* officials acting in office: a run after a title of public office (Councilor, Mayor, Chair,
  Senator, Secretary, Administrator, Judge, Officer, la concejala …) and, for the rest of the
  text, any run ending in the same surname ("Councilor Wu … Michelle Wu"), unless a word for
  someone close to the writer stands before it ("my neighbour Amy Wu"). A police officer or
  clerk named with the title is acting in office too;
* names in the hearing's own public text (the committee, body, hearing, the measures' titles
  and summaries, which name sponsors, and the body's places): a run without a cue whose last
  word appears capitalised there;
* places, streets and organisations (a run with a word such as Street, Park, Council, Inc,
  County; a run after "in", "near" or "at", or before a state's two letters as in "Joshua
  Tree, CA"), sentence-initial words, months and days, acronyms beside a word ("Do LGBTQ"),
  and documents (Act, Ordinance, Rule);
* whoever a letter greets ("Dear …", "Hello Mr. …"): in testimony, the committee or an
  official.

Runs longer than six words are headings or titles and are skipped. The work is one pass over
the words plus a constant amount per word, so any text takes time in proportion to its length.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.moderation.name_lists import (
    AMBIGUOUS_GIVEN_NAMES,
    FUNCTION_WORDS,
    GIVEN_NAMES,
    GROUP_CUES,
    NAMING_CUES,
    NOT_NAME_WORDS,
    OFFICE_TITLES,
    PERSONAL_TITLES,
    PLACE_PREPOSITIONS,
    POSSESSIVES,
    RELATIONSHIP_CUES,
    SALUTATIONS,
    SURNAMES,
)

# A word: letters, with apostrophes (straight or curly) or hyphens inside: O'Brien, Núñez-García.
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
# Between two words of one name: spaces only, or a full stop after an initial or a title.
_SPACE = re.compile(r"[ \t\u00a0]{1,3}")
_DOT_SPACE = re.compile(r"\.?[ \t\u00a0]{1,3}")
# Between a cue and the name: "my neighbour John", "my son's teacher, María", "named: Ana".
_CUE_GAP = re.compile(r"[ \t\u00a0]{1,3}|,[ \t\u00a0]{1,3}|:[ \t\u00a0]{1,3}")
_AND = re.compile(r",?[ \t\u00a0]{1,3}(?:and|y|e|&)[ \t\u00a0]{1,3}|,[ \t\u00a0]{1,3}")
# A two-letter state or province after a comma: the run before it is a town.
_STATE_AFTER = re.compile(r",[ \t\u00a0]?[A-Z]{2}(?![^\W\d_])")
_POSSESSIVE = re.compile(r"['\u2019]s$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…:;\n\"“”()\[\]•*]")

PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "y", "van", "von", "der", "den", "da", "di", "do", "dos"}
    | {"du", "le", "bin", "ibn", "bint", "al", "el", "ben", "st"}
)
_MAX_RUN = 6
_MAX_NAME = 4
_GIVEN = GIVEN_NAMES - AMBIGUOUS_GIVEN_NAMES - NOT_NAME_WORDS
_NAME_PARTS = GIVEN_NAMES | AMBIGUOUS_GIVEN_NAMES | SURNAMES | PARTICLES
# In capitals, these end a run instead of joining it: "MY NEIGHBOR JOHN SMITH IS LOUD".
_CAPITALS_BREAK = (
    FUNCTION_WORDS | NOT_NAME_WORDS | RELATIONSHIP_CUES | PERSONAL_TITLES | OFFICE_TITLES
) - _NAME_PARTS
_SURNAME_PREFIX = re.compile(r"^(?:o['\u2019]|mc|mac(?=[A-Z]))", re.IGNORECASE)

if TYPE_CHECKING:
    from app.testimony.models import Testimony


@dataclass(frozen=True)
class NameContext:
    """What the review page knows besides the text: who wrote it, and what is public.

    author: the testimony's full name. public: the hearing's own texts (committee and body
    names, hearing title and description, measure titles and summaries, places, the author's
    organisation); capitalised words in them are treated as public names.
    """

    author: str = ""
    public: tuple[str, ...] = ()
    _author_words: frozenset[str] = field(init=False, repr=False, compare=False)
    _public_words: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        author = {fold(m.group()) for m in _WORD.finditer(self.author)}
        public = {
            fold(m.group())
            for text in self.public
            for m in _WORD.finditer(text)
            if m.group()[0].isupper()
        }
        # "An ordinance …", "The Committee …": only words that could be part of a name count.
        public -= FUNCTION_WORDS | NOT_NAME_WORDS
        object.__setattr__(self, "_author_words", frozenset(author - PARTICLES))
        object.__setattr__(self, "_public_words", frozenset(public))


def context_of(testimony: Testimony) -> NameContext:
    """The author and the hearing's public text, as the review page knows them."""
    hearing = testimony.hearing
    committee = hearing.committee
    body = committee.body
    public = [
        committee.name,
        body.name,
        body.jurisdiction or "",
        body.resident_places or "",
        hearing.title,
        hearing.description or "",
        hearing.location or "",
        testimony.organization or "",
    ]
    for measure in [*hearing.measures, testimony.measure]:
        public += [measure.title, measure.summary or ""]
        public += [t.title for t in measure.translations]
        public += [t.summary or "" for t in measure.translations]
    return NameContext(author=testimony.full_name, public=tuple(public))


@dataclass(frozen=True)
class NameSpan:
    start: int
    end: int


def fold(word: str) -> str:
    """Lower case without accents or a possessive: "Núñez's" -> "nunez"."""
    word = _POSSESSIVE.sub("", word)
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("\u2019", "'").replace("đ", "d")


def find_person_names(text: str, context: NameContext | None = None) -> list[NameSpan]:
    """The spans of text that look like a private person's name, in order, not overlapping."""
    context = context or NameContext()
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    runs = list(_runs(text, words))
    # Surnames of officials named with their office anywhere in the text.
    public_surnames: set[str] = set()
    decided = list(_lower_case_after_cue(text, words))
    previous: tuple[str | None, int] = (None, -1)  # the last name's cue and its last word
    for run in runs:
        # "Councilors Michelle Wu and Ricardo Arroyo", "my neighbours Tom and Ana Ruiz".
        joined = previous[0] is not None and bool(
            _AND.fullmatch(text[words[previous[1]][1] : words[run[0]][0]])
        )
        verdict = _classify(text, words, run, inherited=previous[0] if joined else None)
        if verdict is None:
            previous = (None, -1)
            continue
        cue, names = verdict
        previous = (cue, names[-1])
        if cue == "public":
            public_surnames.add(fold(_word(text, words, names[-1])))
        else:
            decided.append((cue, names))
    found: list[NameSpan] = []
    for cue, names in decided:
        folded = [fold(_word(text, words, i)) for i in names]
        core = [w for w in folded if w not in PARTICLES and len(w) > 1]
        if core and set(core) <= context._author_words:
            continue
        if cue != "relationship" and folded[-1] in public_surnames:
            continue
        if cue is None and folded[-1] in context._public_words:
            continue
        start = words[names[0]][0]
        end = words[names[-1]][1]
        last = text[words[names[-1]][0] : end]
        possessive = _POSSESSIVE.search(last)
        if possessive and len(last) > 3:
            end -= 2
        found.append(NameSpan(start, end))
    return found


def _word(text: str, words: list[tuple[int, int]], index: int) -> str:
    start, end = words[index]
    return text[start:end]


def _is_capitalised(word: str) -> bool:
    return word[0].isupper()


def _is_caseless(word: str) -> bool:
    return not word[0].isupper() and not word[0].islower()


def _runs(text: str, words: list[tuple[int, int]]):
    """Runs of capitalised (or caseless) words joined by spaces, particles inside: index lists."""
    count = len(words)
    i = 0
    while i < count:
        word = _word(text, words, i)
        if not (_is_capitalised(word) or _is_caseless(word)) or _breaks_capitals(word):
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < count and len(run) <= _MAX_RUN:
            gap = text[words[j - 1][1] : words[j][0]]
            previous = _word(text, words, j - 1)
            joiner = _DOT_SPACE if len(previous) == 1 or _is_title(previous) else _SPACE
            if not joiner.fullmatch(gap):
                break
            following = _word(text, words, j)
            if _breaks_capitals(following):
                break
            if _is_capitalised(following) or (_is_caseless(following) and _is_caseless(previous)):
                run.append(j)
                j += 1
                continue
            # A particle counts only between two capitalised words: "María de la Cruz".
            k = j
            while k < count and fold(_word(text, words, k)) in PARTICLES and k - j < 2:
                k += 1
            if (
                k > j
                and k < count
                and _SPACE.fullmatch(text[words[k - 1][1] : words[k][0]])
                and _is_capitalised(_word(text, words, k))
            ):
                run.extend(range(j, k + 1))
                j = k + 1
                continue
            break
        if len(run) <= _MAX_RUN:
            yield run
        i = j


def _is_initial(text: str, words: list[tuple[int, int]], index: int) -> bool:
    """A single capital inside a name: "John F. Kennedy", "Seán Ó Súilleabháin"."""
    word = _word(text, words, index)
    return len(word) == 1 and word.isupper() and word != "I"


def _breaks_capitals(word: str) -> bool:
    return len(word) > 1 and word.isupper() and fold(word) in _CAPITALS_BREAK


def _is_title(word: str) -> bool:
    folded = fold(word)
    return folded in PERSONAL_TITLES or folded in OFFICE_TITLES


def _sentence_initial(text: str, words: list[tuple[int, int]], index: int) -> bool:
    if index == 0:
        return True
    gap = text[words[index - 1][1] : words[index][0]]
    if not _SENTENCE_END.search(gap):
        return False
    previous = _word(text, words, index - 1)
    # "Mr. Smith", "J. Smith": the full stop ends an abbreviation, not a sentence.
    return "\n" in gap or not (len(previous) == 1 or _is_title(previous))


def _cue_before(text: str, words: list[tuple[int, int]], index: int) -> str | None:
    """The kind of word right before the run, if it introduces a name."""
    if index == 0:
        return None
    gap = text[words[index - 1][1] : words[index][0]]
    if not _CUE_GAP.fullmatch(gap):
        return None
    before = fold(_word(text, words, index - 1))
    if before in NAMING_CUES and gap == " ":
        return "relationship"
    if before in RELATIONSHIP_CUES and _owned(text, words, index - 1):
        return "group" if before in GROUP_CUES else "relationship"
    if before in OFFICE_TITLES:
        return "public"
    if before in PERSONAL_TITLES:
        return "title"
    if before in SALUTATIONS and _word(text, words, index - 1)[0].isupper():
        return "public"
    return None


def _owned(text: str, words: list[tuple[int, int]], index: int) -> bool:
    """Whether a possessive stands up to three words before the relationship word."""
    for back in range(index - 1, max(-1, index - 4), -1):
        gap = text[words[back][1] : words[back + 1][0]]
        if _SENTENCE_END.search(gap):
            return False
        if fold(_word(text, words, back)) in POSSESSIVES:
            return True
    return False


def _classify(
    text: str, words: list[tuple[int, int]], run: list[int], *, inherited: str | None = None
):
    """(cue, indexes of the name's words) for a run that is a name, None for one that is not.

    cue: "public" (an official or addressee), "relationship", "title" or None.
    """
    cue = _cue_before(text, words, run[0]) or inherited
    names = list(run)
    # The run's own leading words: titles, salutations, sentence-initial function words.
    while names:
        head = _word(text, words, names[0])
        folded = fold(head)
        if folded in OFFICE_TITLES:
            cue = "public"
        elif folded in SALUTATIONS:
            cue = cue or "public"
        elif folded in PERSONAL_TITLES:
            cue = cue if cue in ("public", "relationship") else "title"
        elif folded in NOT_NAME_WORDS or (
            folded in FUNCTION_WORDS
            and folded not in SURNAMES
            # "June Carter" in the middle of a sentence is a name, "In June" is not.
            and not (
                folded in AMBIGUOUS_GIVEN_NAMES
                and len(names) > 1
                and not _sentence_initial(text, words, names[0])
            )
        ):
            pass
        else:
            break
        names.pop(0)
    # A capitalised word that starts a sentence says nothing ("Last week Li Wei …").
    if (
        len(names) > 1
        and _sentence_initial(text, words, names[0])
        and fold(_word(text, words, names[0])) not in _NAME_PARTS
        and not _SURNAME_PREFIX.match(_word(text, words, names[0]))
    ):
        names.pop(0)
    while names and fold(_word(text, words, names[-1])) in PARTICLES:
        names.pop()
    if not names or len(names) > _MAX_NAME:
        return None
    folded = [fold(_word(text, words, i)) for i in names]
    if any(
        w in NOT_NAME_WORDS
        or (w in FUNCTION_WORDS and w not in _NAME_PARTS and not _is_initial(text, words, i))
        for w, i in zip(folded, names, strict=True)
    ):
        return None
    raw = [_word(text, words, i) for i in names]
    capitals = [len(w) > 1 and w.isupper() for w in raw]
    # "Do LGBTQ": an acronym beside a word is no name; "John SMITH" keeps its listed surname.
    mixed = any(capitals) and not all(capitals)
    if mixed and not all(w in _NAME_PARTS for w, c in zip(folded, capitals, strict=True) if c):
        return None
    if all(capitals) and not any(w in _NAME_PARTS for w in folded):
        return None  # "TO YOUR KIDS FUTURE": in capitals, only listed names count
    if cue == "group":
        # "our children Prohibit the use": one unlisted word after a group is no name.
        if len(names) == 1 and folded[0] not in _NAME_PARTS:
            return None
        cue = "relationship"
    if cue is not None:
        return cue, names
    if fold(_word(text, words, run[0] - 1) if run[0] else "") in PLACE_PREPOSITIONS:
        return None  # "I live in Fort Collins", "near Costa Mesa"
    if _STATE_AFTER.match(text, words[names[-1]][1]):
        return None  # "Joshua Tree, CA 92252": a town in an address
    if len(names) < 2:
        return None
    first_word = _word(text, words, names[0])
    first = folded[0].split("-")[0]
    if first_word.isupper() and len(first_word) > 1:
        # In capitals every word looks like a name: only a listed given name counts.
        return (None, names) if first in _GIVEN else None
    if first in _GIVEN:
        return None, names
    if first in AMBIGUOUS_GIVEN_NAMES and (
        not _sentence_initial(text, words, names[0]) or folded[-1] in SURNAMES
    ):
        # "I met Will Price", or "Hope Johnson agrees" (a listed surname after it).
        return None, names
    # No listed given name first: a distinctive surname anywhere ("Allie Ng", "Nguyen Van An").
    last_word = _word(text, words, names[-1])
    surname = any(w in SURNAMES for w in folded) or _SURNAME_PREFIX.match(last_word)
    if surname and first not in AMBIGUOUS_GIVEN_NAMES:
        return None, names
    return None


def _lower_case_after_cue(text: str, words: list[tuple[int, int]]):
    """A listed given name in lower case right after a relationship word: "my neighbor john"."""
    for index in range(1, len(words)):
        word = _word(text, words, index)
        if not word.islower() or fold(word) not in _GIVEN:
            continue
        if _cue_before(text, words, index) not in ("relationship", "group"):
            continue
        names = [index]
        if index + 1 < len(words):
            following = _word(text, words, index + 1)
            gap = text[words[index][1] : words[index + 1][0]]
            if following.islower() and _SPACE.fullmatch(gap) and fold(following) in SURNAMES:
                names.append(index + 1)
        yield "relationship", names
