"""A small spintax engine, to write bot campaigns the way spinning software does.

A template is text with alternatives in braces: `{I urge|I ask|I want to {encourage|ask}}`
renders one of the three, the last with one of its own two. Alternatives nest to any depth, may
be empty (`{strongly |}`), and may be whole sentences or paragraphs. `[[name]]` is replaced by
the template a campaign defines under that name, sampled afresh at each use (how a spinner
names its subject differently in every sentence); `[[name#1]]` always takes the second of that
template's outer alternatives (a skeleton variant that says a sentence with one
construction). `\\{`, `\\}`, `\\|`, `\\[` and `\\\\` are literal characters.

A campaign is several top-level templates, its skeleton variants (sentences added, dropped or
reordered, another opening): each copy picks one, then every choice in it.

Rendering samples one path through the template, so its cost is the template's length whatever
the number of texts it can produce; `variants` counts them with arithmetic (sums and products),
never by listing them. Everything is deterministic given the `random.Random` passed in.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

MAX_DEPTH = 50  # nesting of braces and named templates together


class SpintaxError(ValueError):
    """A template that cannot be read: unbalanced braces, an unknown name, a cycle."""


@dataclass(frozen=True)
class Ref:
    name: str
    option: int | None = None  # `[[name#2]]`: always the third of its outer alternatives


@dataclass(frozen=True)
class Choice:
    options: tuple[tuple, ...]  # each a sequence of parts


# A part is a str, a Ref or a Choice; a sequence of parts is a tuple.


@lru_cache(maxsize=4096)
def parse(template: str) -> tuple:
    """The parts of a template (cached: parts are immutable); raises SpintaxError when braces
    do not balance."""
    parts, end = _sequence(template, 0, 0)
    if end != len(template):
        raise SpintaxError(f"unexpected {template[end]!r} at {end}")
    return parts


def _sequence(text: str, at: int, depth: int) -> tuple[tuple, int]:
    """Parts from `at` up to (not including) an unescaped `|` or `}` at this level, or the end."""
    if depth > MAX_DEPTH:
        raise SpintaxError(f"braces nested deeper than {MAX_DEPTH}")
    parts: list = []
    literal: list[str] = []

    def flush() -> None:
        if literal:
            parts.append("".join(literal))
            literal.clear()

    while at < len(text):
        char = text[at]
        if char == "\\" and at + 1 < len(text):
            literal.append(text[at + 1])
            at += 2
        elif char == "{":
            flush()
            options = []
            at += 1
            while True:
                option, at = _sequence(text, at, depth + 1)
                options.append(option)
                if at >= len(text):
                    raise SpintaxError("a '{' is never closed")
                if text[at] == "}":
                    at += 1
                    break
                at += 1  # past "|"
            parts.append(Choice(tuple(options)))
        elif char in "|}":
            if depth == 0:
                raise SpintaxError(f"{char!r} outside braces at {at}")
            break
        elif text.startswith("[[", at):
            close = text.find("]]", at)
            if close == -1:
                raise SpintaxError(f"'[[' at {at} is never closed")
            flush()
            name, _, option = text[at + 2 : close].partition("#")
            if option and not option.strip().isdigit():
                raise SpintaxError(f"[[{name}#{option}]]: the alternative must be a number")
            parts.append(Ref(name.strip(), int(option) if option else None))
            at = close + 2
        else:
            literal.append(char)
            at += 1
    flush()
    return tuple(parts), at


SPACES = re.compile(r"[ \t]+")
BEFORE_MARK = re.compile(r" +([,.;:!?)])")
DOUBLED_MARK = re.compile(r"([,.;:!?])\1+")
BLANK_LINES = re.compile(r"\n\s*\n\s*")


def tidy(text: str) -> str:
    """Spaces and paragraphs as a person types them, whatever the empty alternatives left:
    one space between words, none before a mark, at most one blank line, each paragraph
    starting with a capital."""
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = BEFORE_MARK.sub(r"\1", text)
    text = DOUBLED_MARK.sub(r"\1", text)
    text = BLANK_LINES.sub("\n\n", text).strip()
    paragraphs = [p[:1].upper() + p[1:] for p in text.split("\n\n")]
    return "\n\n".join(paragraphs)


@dataclass
class Spinner:
    """Templates that may name each other with `[[name]]`; parsed once."""

    definitions: dict[str, str] = field(default_factory=dict)

    @cached_property
    def parsed(self) -> dict[str, tuple]:
        return {name: parse(template) for name, template in self.definitions.items()}

    def render(self, template: str | tuple, rng: random.Random) -> str:
        """One text the template can produce, chosen with rng, tidied."""
        parts = parse(template) if isinstance(template, str) else template
        out: list[str] = []
        self._render(parts, rng, out, 0)
        return tidy("".join(out))

    def _render(self, parts: tuple, rng: random.Random, out: list[str], depth: int) -> None:
        if depth > MAX_DEPTH:
            raise SpintaxError(f"named templates nested deeper than {MAX_DEPTH} (a cycle?)")
        for part in parts:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, Choice):
                self._render(part.options[rng.randrange(len(part.options))], rng, out, depth + 1)
            else:
                self._render(self._lookup(part), rng, out, depth + 1)

    def _lookup(self, ref: Ref) -> tuple:
        """The parts a reference stands for; with an option, the named template with its one
        outer choice made (a skeleton that always says a sentence one way)."""
        try:
            parts = self.parsed[ref.name]
        except KeyError:
            raise SpintaxError(f"no template named {ref.name!r}") from None
        if ref.option is None:
            return parts
        choices = [i for i, part in enumerate(parts) if isinstance(part, Choice)]
        if len(choices) != 1:
            raise SpintaxError(f"[[{ref.name}#{ref.option}]]: it needs exactly one outer choice")
        options = parts[choices[0]].options
        if ref.option >= len(options):
            raise SpintaxError(f"[[{ref.name}#{ref.option}]]: it has {len(options)} alternatives")
        at = choices[0]
        return (*parts[:at], *options[ref.option], *parts[at + 1 :])

    def variants(self, template: str | tuple) -> int:
        """How many renderings the template has, counting paths (two paths giving the same
        words count twice); exact, by arithmetic, however large."""
        parts = parse(template) if isinstance(template, str) else template
        return self._count(parts, 0)

    def _count(self, parts: tuple, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise SpintaxError(f"named templates nested deeper than {MAX_DEPTH} (a cycle?)")
        total = 1
        for part in parts:
            if isinstance(part, Choice):
                total *= sum(self._count(option, depth + 1) for option in part.options)
            elif isinstance(part, Ref):
                total *= self._count(self._lookup(part), depth + 1)
        return total


@dataclass
class Campaign:
    """A bot campaign: its skeleton variants (top-level templates, with weights) and the named
    templates they share (its subject, its asks, its sign-offs)."""

    name: str
    stance: str  # "support" or "oppose", what the letters ask for
    skeletons: list[tuple[float, str]]
    definitions: dict[str, str] = field(default_factory=dict)

    @cached_property
    def spinner(self) -> Spinner:
        return Spinner(self.definitions)

    @cached_property
    def _parsed(self) -> list[tuple]:
        return [parse(template) for _, template in self.skeletons]

    def render(self, rng: random.Random) -> tuple[int, str]:
        """(which skeleton, one copy of the letter)."""
        weights = [weight for weight, _ in self.skeletons]
        index = rng.choices(range(len(self.skeletons)), weights=weights)[0]
        return index, self.spinner.render(self._parsed[index], rng)

    def variants(self) -> int:
        return sum(self.spinner.variants(parts) for parts in self._parsed)
