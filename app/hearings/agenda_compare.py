"""Comparing one checked agenda row with what is stored: the row's action (create, change,
unchanged, error), the fields that change (old → new), and the values to apply.

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
from app.hearings.agenda_rows import TIME_FIELDS, CheckedRow, Invalid, in_zone
from app.hearings.measure_texts import Translation, translations_of
from app.hearings.models import Hearing, SpeakingModes
from app.platform.errors import DomainError

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
HEARING_FIELDS = (
    "title",
    "description",
    "location",
    "remote_url",
    *TIME_FIELDS,
    "speaker_minutes",
    "max_speakers",
    "speaking_modes",
)
HEARING_DEFAULTS = {
    "description": "",
    "location": "",
    "remote_url": None,
    "speaker_signup_closes_at": None,
    "speaker_minutes": 3,
    "max_speakers": None,
    "speaking_modes": None,
}


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


def _refuse(planned: PlannedRow, name: str, message: str) -> None:
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
            return _refuse(
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
        return _refuse(planned, "committee", _moved(world, existing.committee_id, _("measure")))
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


def _moved(world: World, committee_id: int, noun: str) -> str:
    return _(
        "This %(thing)s is before the %(committee)s; an import cannot move it to another "
        "committee.",
        thing=noun,
        committee=world.committee_name(committee_id),
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


# Hearings.


def plan_hearing(
    row: CheckedRow, planned: PlannedRow, world: World, in_file: dict[tuple, PlannedRow]
) -> None:
    if planned.errors or planned.committee_id is None:
        return
    body = world.body_of(planned.committee_id)
    zone = ZoneInfo(body.timezone)
    times: dict[str, datetime | None] = {}
    for name in TIME_FIELDS:
        if row.given(name):
            try:
                value = row.values[name]
                times[name] = in_zone(value, body.timezone) if value is not None else None
            except Invalid as error:
                planned.errors.append((name, str(error)))
    existing = _existing_hearing(row, planned, world, times)
    if existing is not None and existing.committee_id != planned.committee_id:
        return _refuse(planned, "committee", _moved(world, existing.committee_id, _("hearing")))
    _resolve_agenda(row, planned, world, in_file)
    if planned.errors:
        return
    values = {}
    for name in HEARING_FIELDS:
        if name in times:
            values[name] = times[name]
        elif row.given(name):
            values[name] = row.values[name]
        else:
            values[name] = getattr(existing, name) if existing else HEARING_DEFAULTS[name]
    if values["speaking_modes"] is None:
        values["speaking_modes"] = (
            SpeakingModes.BOTH if values["remote_url"] else SpeakingModes.IN_PERSON
        )
    if existing is not None:
        _keep_early_close(existing, values)
    planned.values = values
    _check_hearing(planned, row)
    if existing is not None and not planned.errors:
        _keep_measures_with_testimony(planned, existing)
    if planned.errors:
        return
    if existing is None:
        planned.action = Action.CREATE
        return
    planned.target_id = existing.id
    _hearing_changes(planned, existing, zone, linking=existing.external_id is None)
    planned.action = Action.CHANGE if planned.changes else Action.UNCHANGED


def _existing_hearing(
    row: CheckedRow, planned: PlannedRow, world: World, times: dict
) -> Hearing | None:
    found = world.hearing(planned.body_id, planned.external_id)
    if found is not None or times.get("starts_at") is None:
        return found
    # Typed in by hand before: the same title starting the same minute takes the external id.
    start = _minute(times["starts_at"])
    return next(
        (
            h
            for h in world.hearings
            if h.external_id is None
            and h.committee_id == planned.committee_id
            and h.title == row.values.get("title")
            and _minute(h.starts_at) == start
        ),
        None,
    )


def _resolve_agenda(
    row: CheckedRow, planned: PlannedRow, world: World, in_file: dict[tuple, PlannedRow]
) -> None:
    for external_id in row.values.get("measures") or []:
        listed = in_file.get(("measure", planned.body_id, external_id))
        stored = world.measure(planned.body_id, external_id)
        if listed is not None and listed.errors:
            message = _(
                "The measure “%(id)s” has errors on %(where)s.", id=external_id, where=listed.where
            )
        elif listed is None and stored is None:
            message = _(
                "There is no measure with the external id “%(id)s” in this file or in this body.",
                id=external_id,
            )
        elif (
            listed.committee_id if listed is not None else stored.committee_id
        ) != planned.committee_id:
            message = _(
                "The measure “%(id)s” is before another committee; a hearing hears its own "
                "committee's measures.",
                id=external_id,
            )
        else:
            target = listed.target_id if listed is not None else stored.id
            planned.agenda.append((external_id, target))
            continue
        planned.errors.append(("measures", message))


def _keep_early_close(hearing: Hearing, values: dict) -> None:
    """A hearing closed early keeps its early close while the file gives the deadline that was
    published: importing the file again must not reopen testimony (a new deadline does, as on
    the form)."""
    if not hearing.closed_early:
        return
    if _minute(values["testimony_closes_at"]) == _minute(hearing.published_closes_at):
        values["testimony_closes_at"] = hearing.testimony_closes_at
        values["speaker_signup_closes_at"] = hearing.speaker_signup_closes_at


def _check_hearing(planned: PlannedRow, row: CheckedRow) -> None:
    values = planned.values
    opens, closes = values["testimony_opens_at"], values["testimony_closes_at"]
    starts, signup = values["starts_at"], values["speaker_signup_closes_at"]
    if opens >= closes:
        planned.errors.append(
            ("testimony_closes_at", _("The deadline must be after testimony opens."))
        )
    elif closes > starts:
        planned.errors.append(
            (
                "testimony_closes_at",
                _("The testimony deadline must be no later than the hearing's start."),
            )
        )
    if signup is not None and signup > starts:
        planned.errors.append(
            ("speaker_signup_closes_at", _("Sign-up to speak must close by the hearing's start."))
        )
    elif signup is not None and signup > closes:
        planned.errors.append(
            (
                "speaker_signup_closes_at",
                _("Sign-up to speak must close by the testimony deadline."),
            )
        )
    if values["speaking_modes"] is not SpeakingModes.IN_PERSON and not values["remote_url"]:
        planned.errors.append(
            (
                "speaking_modes" if row.given("speaking_modes") else "remote_url",
                _(
                    "Remote speakers need the link to join: enter it under “Link to watch or "
                    "join remotely”, or choose “In person only”."
                ),
            )
        )


def _keep_measures_with_testimony(planned: PlannedRow, hearing: Hearing) -> None:
    dropped = {m.id for m in hearing.measures} - {target for _id, target in planned.agenda}
    if not dropped:
        return
    try:
        services.keep_measures_with_testimony(hearing, dropped)
    except DomainError as error:
        planned.errors.append(("measures", str(error)))


def _hearing_changes(planned: PlannedRow, hearing: Hearing, zone: ZoneInfo, *, linking: bool):
    if linking:
        planned.changes.append(Change("external_id", "", planned.external_id))
    for name in HEARING_FIELDS:
        old, new = getattr(hearing, name), planned.values[name]
        if shown(old, zone) != shown(new, zone):
            planned.changes.append(Change(name, shown(old, zone), shown(new, zone)))
    before = [(m.external_id or m.number, m.id) for m in hearing.measures]
    if [target for _id, target in before] != [target for _id, target in planned.agenda]:
        planned.changes.append(
            Change(
                "measures",
                "; ".join(name for name, _target in before),
                "; ".join(external_id for external_id, _target in planned.agenda),
            )
        )


def _minute(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(second=0, microsecond=0)
