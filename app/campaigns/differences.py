"""What a campaign member says differently from the campaign's representative text, sentence
by sentence: the same, changed (a few words swapped) or added (the member's own words)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from app.testimony.wording import words

# A sentence ends at . ! ? (or their full-width forms) followed by space, or at a line break.
# Chinese and Japanese put no space after their full stops, so none is needed there.
SENTENCE_END = re.compile("(?<=[.!?])\\s+|(?<=[\u3002\uff01\uff1f])\\s*|\n+")
# Share of a member's sentence found, in order, in one sentence of the letter for it to count
# as the letter's sentence changed (a split or trimmed sentence included) rather than its own.
CHANGED_AT_LEAST = 0.5
MAX_SENTENCES = 400  # past this, a text is compared as one block (keeps a page fast)


class Kind(enum.StrEnum):
    SAME = "same"
    CHANGED = "changed"
    ADDED = "added"


@dataclass(frozen=True)
class Piece:
    text: str
    changed: bool


@dataclass(frozen=True)
class Sentence:
    kind: Kind
    pieces: tuple[Piece, ...]

    @property
    def text(self) -> str:
        return "".join(piece.text for piece in self.pieces)


@dataclass(frozen=True)
class Comparison:
    sentences: tuple[Sentence, ...]
    left_out: int  # sentences of the representative this member does not have

    @property
    def added_text(self) -> str:
        """The member's own sentences, in their order: printed in full in the packet."""
        return " ".join(s.text for s in self.sentences if s.kind is Kind.ADDED)

    @property
    def reworded_text(self) -> str:
        """The letter's sentences as this member changed them, in their order."""
        return " ".join(s.text for s in self.sentences if s.kind is Kind.CHANGED)

    @property
    def is_verbatim(self) -> bool:
        return self.left_out == 0 and all(s.kind is Kind.SAME for s in self.sentences)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence of the text starts and ends, surrounding spaces left out."""
    spans, start = [], 0
    for end in [m.start() for m in SENTENCE_END.finditer(text)] + [len(text)]:
        piece = text[start:end]
        if piece.strip():
            left = start + len(piece) - len(piece.lstrip())
            spans.append((left, start + len(piece.rstrip())))
        match = SENTENCE_END.match(text, end)
        start = match.end() if match and match.end() > end else end
    return spans


def sentences(text: str) -> list[str]:
    found = [text[start:end] for start, end in sentence_spans(text)]
    if len(found) > MAX_SENTENCES:
        return [" ".join(found)]
    return found


def compare(member: str, representative: str) -> Comparison:
    theirs = sentences(representative)
    their_words = [words(s) for s in theirs]
    exact = {" ".join(w): i for i, w in enumerate(their_words)}
    used: set[int] = set()
    result = []
    their_sets = [set(w) for w in their_words]
    for sentence in sentences(member):
        mine = words(sentence)
        key = " ".join(mine)
        if key in exact:
            used.add(exact[key])
            result.append(Sentence(Kind.SAME, (Piece(sentence, False),)))
            continue
        best, best_score = None, 0.0
        distinct = set(mine)
        for index, other in enumerate(their_words):
            # Words in common bound the score from above: skip what cannot beat the best.
            if not mine or len(distinct & their_sets[index]) / len(distinct) <= best_score:
                continue
            matcher = SequenceMatcher(None, mine, other, autojunk=False)
            score = sum(block.size for block in matcher.get_matching_blocks()) / len(mine)
            if score > best_score:
                best, best_score = index, score
        if best is not None and best_score >= CHANGED_AT_LEAST:
            used.add(best)
            result.append(Sentence(Kind.CHANGED, _changed_words(sentence, their_words[best])))
        else:
            result.append(Sentence(Kind.ADDED, (Piece(sentence, True),)))
    return Comparison(tuple(result), left_out=len(theirs) - len(used))


WORD_OR_GAP = re.compile(r"[^\W_]+|[\W_]+")


def _changed_words(sentence: str, original: list[str]) -> tuple[Piece, ...]:
    """The sentence split into runs of words that are and are not in the original."""
    parts = WORD_OR_GAP.findall(sentence)
    mine = [(i, p.casefold()) for i, p in enumerate(parts) if p[0].isalnum() or p[0] == "_"]
    matcher = SequenceMatcher(None, [w for _i, w in mine], original, autojunk=False)
    kept = set()
    for block in matcher.get_matching_blocks():
        kept.update(mine[j][0] for j in range(block.a, block.a + block.size))
    changed_parts = {i for i, _w in mine if i not in kept}
    pieces: list[Piece] = []
    for index, part in enumerate(parts):
        changed = index in changed_parts
        if pieces and (pieces[-1].changed == changed or not (part[0].isalnum())):
            pieces[-1] = Piece(pieces[-1].text + part, pieces[-1].changed)
        else:
            pieces.append(Piece(part, changed))
    return tuple(pieces)
