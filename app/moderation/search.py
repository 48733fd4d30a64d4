"""Full-text search of a hearing's testimony, for the moderation queue.

What a moderator types is turned into words here (never passed to the database's query syntax
as it is): letters and digits only, at most MAX_WORDS of them from the first MAX_LENGTH
characters, "double quotes" keeping words together as a phrase, and the last word matching as a
prefix while a name is being typed. Each word is quoted into FTS5's or tsquery's syntax, so no
input can make the query fail. Text with no letter or digit in it asks for nothing: it matches
nothing, and `Search.unusable` says why.

The index itself (FTS5 on SQLite, a tsvector table with a GIN index on PostgreSQL) is built and
kept current by triggers from migrations/versions/0033_queue_search.py.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass

from sqlalchemy import (
    Double,
    Engine,
    Integer,
    column,
    event,
    exists,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.sql import ColumnElement, Subquery

from app.platform.extensions import db
from app.testimony.models import Testimony

MAX_LENGTH = 200  # what the queue's search box accepts
MAX_WORDS = 12
# A prefix shorter than this would match most of the index; the word must then match whole.
MIN_PREFIX = 2
# On SQLite, a search matching fewer testimonies than this (across every hearing) is answered
# from the index's list of matches; a commoner one by walking the queue in its order and
# checking each row, which stops as soon as a page is full.
FEW_MATCHES = 2000

# The tables migration 0033 makes, which are not models: the FTS5 table and its shadow tables
# on SQLite, the tsvector table on PostgreSQL.
INDEX_TABLES = frozenset(
    {"testimony_search"}
    | {f"testimony_search_{part}" for part in ("data", "idx", "docsize", "config", "content")}
)

_SQLITE_INDEX = table("testimony_search", column("rowid"))
_PG_INDEX = table("testimony_search", column("testimony_id"), column("document"))
_WORD = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]*)"?')


def is_index_table(name: str) -> bool:
    return name in INDEX_TABLES


@dataclass(frozen=True)
class Search:
    """What to look for: groups of words, each a phrase (several words) or a single word."""

    groups: tuple[tuple[str, ...], ...]
    prefix: bool  # the last group is one word that may be the start of a longer one

    @property
    def unusable(self) -> bool:
        """Nothing to look for: the text had no letter or digit."""
        return not self.groups

    def encoded(self) -> str:
        return json.dumps([self.groups, self.prefix])

    def fts5(self) -> str:
        """FTS5 MATCH syntax: every word in double quotes, so nothing in it is an operator."""
        parts = ['"' + " ".join(group) + '"' for group in self.groups]
        if self.prefix:
            parts[-1] += "*"
        return " AND ".join(parts)

    def tsquery(self) -> str:
        """to_tsquery syntax: every word in single quotes; phrases joined by <->."""
        parts = []
        for group in self.groups:
            quoted = [f"'{word}'" for word in group]
            parts.append(quoted[0] if len(quoted) == 1 else "(" + " <-> ".join(quoted) + ")")
        if self.prefix:
            parts[-1] += ":*"
        return " & ".join(parts)


def parse(raw: str) -> Search:
    """The words to look for in what a moderator typed, whatever it holds."""
    typed = _fold(raw[:MAX_LENGTH])
    groups: list[tuple[str, ...]] = []
    last_quoted = False
    cursor = 0
    for quoted in _PHRASE.finditer(typed):
        for word in _WORD.findall(typed[cursor : quoted.start()]):
            groups.append((word,))
            last_quoted = False
        phrase = tuple(_WORD.findall(quoted.group(1)))
        if phrase:
            groups.append(phrase)
            last_quoted = True
        cursor = quoted.end()
    for word in _WORD.findall(typed[cursor:]):
        groups.append((word,))
        last_quoted = False
    groups = groups[:MAX_WORDS]
    trailing_space = typed[-1:].isspace()
    prefix = bool(
        groups
        and not last_quoted
        and not trailing_space
        and len(groups[-1]) == 1
        and len(groups[-1][0]) >= MIN_PREFIX
    )
    return Search(tuple(groups), prefix)


def _postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _tsquery(search: Search) -> ColumnElement:
    """The search in each configuration the index holds (see migration 0033)."""
    words = search.tsquery()
    return (
        func.to_tsquery(literal_column("'testimony_simple'::regconfig"), words)
        .op("||")(func.to_tsquery(literal_column("'testimony_english'::regconfig"), words))
        .op("||")(func.to_tsquery(literal_column("'testimony_spanish'::regconfig"), words))
    )


def _fts5_matches(search: Search):
    return text("testimony_search MATCH :search_words").bindparams(search_words=search.fts5())


def matches(search: Search, *, walking: bool = True):
    """A condition on Testimony: the testimony holds every word of the search.

    `walking`: the caller reads a page in the queue's order and stops when it is full (not
    every match, as a count does), so checking rows one by one may be the cheaper way."""
    if search.unusable:
        return Testimony.id.is_(None)  # matches nothing, and the database knows it at once
    if _postgresql():
        # The planner weighs the index's statistics: a rare word is read from the GIN index, a
        # common one checked row by row while the queue is walked in its order.
        return exists().where(
            _PG_INDEX.c.testimony_id == Testimony.id,
            _PG_INDEX.c.document.op("@@")(_tsquery(search)),
        )
    found = select(_SQLITE_INDEX.c.rowid).select_from(_SQLITE_INDEX).where(_fts5_matches(search))
    if not _common_on_sqlite(search):
        # Few: their ids, listed, so SQLite reads just those rows (given the subquery, it would
        # walk the whole hearing in the queue's order, checking each row against the list).
        few = list(db.session.scalars(found.limit(FEW_MATCHES + 1)))
        if not few:
            return Testimony.id.is_(None)
        if len(few) <= FEW_MATCHES:
            return FewRows(Testimony.id.in_(few))
        if not walking:
            return Testimony.id.in_(found)
    elif not walking:
        return Testimony.id.in_(found)
    # SQLite cannot weigh an FTS5 condition, so it is told which way to go: row by row, with
    # the same words checked in Python (an FTS5 prefix query rebuilds its whole list of
    # matches each time it is asked, which row by row would cost that list once per row).
    return func.testimony_search_matches(
        search.encoded(), Testimony.full_name, Testimony.organization, Testimony.body
    ).is_(True)


class FewRows:
    """A condition naming a few rows by id. SQLite, knowing nothing of how many rows a
    hearing has, would rather walk the hearing's index in the queue's order than read them:
    the caller compares the hearing with `unindexed`, leaving it only the rowid lookups."""

    def __init__(self, condition: ColumnElement[bool]) -> None:
        self.condition = condition


def unindexed(column_name: str) -> ColumnElement:
    """testimonies.<column> with SQLite's unary +: the same value, but no index serves it."""
    return literal_column(f"+testimonies.{column_name}", Integer)


def _common_on_sqlite(search: Search) -> bool:
    """Whether at least FEW_MATCHES testimonies hold the words, the last one whole: asked
    that way, FTS5 reads its lists only as far as the limit."""
    whole = Search(search.groups, prefix=False)
    found = select(_SQLITE_INDEX.c.rowid).select_from(_SQLITE_INDEX).where(_fts5_matches(whole))
    counted = select(func.count()).select_from(found.limit(FEW_MATCHES).subquery())
    return db.session.scalar(counted) >= FEW_MATCHES


def _fold(value: str) -> str:
    """Text as FTS5's unicode61 tokenizer (remove_diacritics 2) compares it: lower case by
    simple mapping ("ß" stays "ß", which full case folding would make "ss" and so miss the
    index) and without accents, so "İstanbul" is one word, "istanbul"."""
    decomposed = unicodedata.normalize("NFD", value.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _folded_words(value: str | None) -> list[str]:
    """Words as FTS5's unicode61 tokenizer with remove_diacritics 2 sees them."""
    return _WORD.findall(_fold(value or ""))


def row_matches(encoded: str, *columns: str | None) -> bool:
    """The search (Search.encoded) against one testimony's columns, as the index answers it:
    every group in some column, a phrase's words in a row, the last word as a prefix."""
    groups, prefix = json.loads(encoded)
    texts = [_folded_words(value) for value in columns]
    for number, group in enumerate(groups):
        wanted = [w for word in group for w in _folded_words(word)]
        if not wanted:
            continue
        starts = prefix and number == len(groups) - 1
        if not any(_holds(words, wanted, starts) for words in texts):
            return False
    return True


def _holds(words: list[str], wanted: list[str], prefix: bool) -> bool:
    size = len(wanted)
    for at in range(len(words) - size + 1):
        if words[at : at + size - 1] == wanted[:-1]:
            last = words[at + size - 1]
            if last == wanted[-1] or (prefix and last.startswith(wanted[-1])):
                return True
    return False


@event.listens_for(Engine, "connect")
def _register_row_check(connection, _record) -> None:
    if isinstance(connection, sqlite3.Connection):
        connection.create_function("testimony_search_matches", 4, row_matches, deterministic=True)


def ranked(search: Search) -> Subquery:
    """(id, score) of every matching testimony; a lower score is a better match.

    Ranking reads every match (there is no index of relevance), so it costs in proportion to
    how many testimonies match: the queue offers it as a sort, not as the default."""
    if _postgresql():
        score = (-func.ts_rank(_PG_INDEX.c.document, _tsquery(search))).cast(Double)
        return (
            select(_PG_INDEX.c.testimony_id.label("id"), score.label("score"))
            .where(_PG_INDEX.c.document.op("@@")(_tsquery(search)))
            .subquery("ranked")
        )
    # bm25 is already "lower is better"; the name weighs most, then the organisation.
    score = literal_column("bm25(testimony_search, 10.0, 5.0, 1.0)")
    return (
        select(_SQLITE_INDEX.c.rowid.label("id"), score.label("score"))
        .select_from(_SQLITE_INDEX)
        .where(_fts5_matches(search))
        .subquery("ranked")
    )
