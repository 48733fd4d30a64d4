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
    """Every occurrence of a phrase, ignoring case, as spans to redact."""
    if not phrase:
        return []
    haystack, needle = text.casefold(), phrase.casefold()
    if len(haystack) != len(text):  # casefold changed lengths (ß → ss): match exactly instead
        haystack, needle = text, phrase
    spans, start = [], haystack.find(needle)
    while start != -1:
        spans.append((start, start + len(needle)))
        start = haystack.find(needle, start + len(needle))
    return spans
