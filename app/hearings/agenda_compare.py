"""Comparing one checked agenda row with what is stored: the row's action (create, change,
unchanged, error), the fields that change (old → new), and the values to apply. Measures here,
hearings in app/hearings/agenda_hearings.py.

An import sets what the file gives and keeps what it leaves out; the same rules as the
hearing form hold (the deadline after testimony opens and no later than the start, sign-up
closing by both, remote speakers needing a link, a measure with testimony or sign-ins staying on
the agenda), with the message on the field to fix.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app.hearings import services
from app.hearings.agenda_files import MEASURE
from app.hearings.agenda_rows import CheckedRow
from app.hearings.measure_texts import Translation, translations_of

if TYPE_CHECKING:
    from app.hearings.agenda_plan import World


class Action(enum.StrEnum):
    CREATE = "create"
    CHANGE = "change"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass
class PlannedRow:
    where: str
    kind: str
    external_id: str
    action: Action = Action.UNCHANGED
    changes: list[Change] = field(default_factory=list)
    errors: list[tuple[str | None, str]] = field(default_factory=list)
    # What applying the row needs.
    body_id: int | None = None
    committee_id: int | None = None
    target_id: int | None = None  # the measure or hearing the row describes, when it exists
    values: dict[str, object] = field(default_factory=dict)  # every field, merged
    translations: dict[str, Translation] = field(default_factory=dict)  # the languages given
    # A hearing's agenda: each measure's external id and, when it exists already, its id.
    agenda: list[tuple[str, int | None]] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, int | None, str]:
        return (self.kind, self.body_id, self.external_id)

    def changed(self, *names: str) -> bool:
        return any(change.field in names for change in self.changes)

    def translation_changed(self) -> bool:
        return any(change.field.startswith(("title_", "summary_")) for change in self.changes)


MEASURE_FIELDS = ("kind", "number", "session", "title", "summary", "official_url")
MEASURE_DEFAULTS = {"session": "", "summary": "", "official_url": None}


def shown(value: object, zone: ZoneInfo | None = None) -> str:
    """A value as the plan shows it; times in the body's local time with the zone's name."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(zone or UTC)
        seconds = ":%S" if local.second or local.microsecond else ""
        return f"{local.strftime('%Y-%m-%d %H:%M' + seconds)} {local.tzname()}"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def refuse(planned: PlannedRow, name: str, message: str) -> None:
    planned.errors.append((name, message))


# Measures.


def plan_measure(row: CheckedRow, planned: PlannedRow, world: World) -> None:
    if planned.errors or planned.committee_id is None:
        return
    existing = world.measure(planned.body_id, planned.external_id)
    linking = False
    if existing is None:
        # Typed in by hand before: the same number in the same session takes the external id.
        session, number = row.values.get("session", ""), row.values["number"]
        existing = next(
            (
                m
                for m in world.measures
                if (m.committee_id, m.session, m.number) == (planned.committee_id, session, number)
            ),
            None,
        )
        if existing is not None and existing.external_id:
            return refuse(
                planned,
                "number",
                _(
                    "This committee already has %(number)s in that session, under the external "
                    "id “%(id)s”.",
                    number=number,
                    id=existing.external_id,
                ),
            )
        linking = existing is not None
    elif existing.committee_id != planned.committee_id:
        return refuse(planned, "committee", moved(world, existing.committee_id, MEASURE))
    for name in MEASURE_FIELDS:
        if row.given(name):
            planned.values[name] = row.values[name]
        else:
            planned.values[name] = getattr(existing, name) if existing else MEASURE_DEFAULTS[name]
    planned.translations = dict(row.translations)
    if existing is None:
        planned.action = Action.CREATE
        return
    planned.target_id = existing.id
    if linking:
        planned.changes.append(Change("external_id", "", planned.external_id))
    for name in MEASURE_FIELDS:
        old, new = shown(getattr(existing, name)), shown(planned.values[name])
        if old != new:
            planned.changes.append(Change(name, old, new))
    stored = translations_of(existing)
    for code, text in sorted(row.translations.items()):
        before = stored.get(code, Translation(""))
        after = text if text.title else Translation("")
        if before.title != after.title:
            planned.changes.append(Change(f"title_{code}", before.title, after.title))
        if before.summary != after.summary:
            planned.changes.append(Change(f"summary_{code}", before.summary, after.summary))
    planned.action = Action.CHANGE if planned.changes else Action.UNCHANGED


def moved(world: World, committee_id: int, kind: str) -> str:
    committee = world.committee_name(committee_id)
    if kind == MEASURE:
        return _(
            "This measure is before the %(committee)s; an import cannot move it to another "
            "committee.",
            committee=committee,
        )
    return _(
        "This hearing is before the %(committee)s; an import cannot move it to another committee.",
        committee=committee,
    )


def refuse_number_clashes(planned: list[PlannedRow], world: World) -> None:
    """Two measures of a committee cannot share a number in a session: not two rows of the
    file, and not a row and another stored measure."""
    seen: dict[tuple, PlannedRow] = {}
    for row in planned:
        if row.errors or not row.values:
            continue
        key = (row.committee_id, row.values["session"], row.values["number"])
        clash = any(
            (m.committee_id, m.session, m.number) == key and m.id != row.target_id
            for m in world.measures
        )
        earlier = seen.setdefault(key, row)
        if clash or earlier is not row:
            row.errors.append(("number", str(services.DuplicateNumber())))
