"""Pure functions that turn a text and its redacted spans into what the public may read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    redacted: bool


def merge_spans(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Clamp spans to the text and merge overlapping or touching ones."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def segments(text: str, spans: list[tuple[int, int]]) -> list[Segment]:
    """Split the text into kept and redacted runs, in order."""
    result: list[Segment] = []
    position = 0
    for start, end in merge_spans(spans, len(text)):
        if start > position:
            result.append(Segment(text[position:start], False))
        result.append(Segment(text[start:end], True))
        position = end
    if position < len(text) or not result:
        result.append(Segment(text[position:], False))
    return result


def public_text(text: str, spans: list[tuple[int, int]], marker: str = "[redacted]") -> str:
    """The text with every redacted span replaced by the marker: nothing hidden survives."""
    return "".join(marker if part.redacted else part.text for part in segments(text, spans))


def find_phrase(text: str, phrase: str) -> list[tuple[int, int]]:
    """Every occurrence of a phrase, ignoring case, as spans to redact.

    Overlapping occurrences are all found (merge_spans joins them), so no fragment is left.
    """
    needle = phrase.casefold()
    if not needle:
        return []
    # Fold character by character and remember where each folded character came from, so a
    # letter that folds longer (ß → ss) neither shifts the offsets nor costs case-insensitivity.
    folded: list[str] = []
    origin: list[int] = []
    for index, character in enumerate(text):
        piece = character.casefold()
        folded.append(piece)
        origin.extend([index] * len(piece))
    haystack = "".join(folded)
    spans, start = [], haystack.find(needle)
    while start != -1:
        span = (origin[start], origin[start + len(needle) - 1] + 1)
        if not spans or spans[-1] != span:
            spans.append(span)
        start = haystack.find(needle, start + 1)
    return spans
