"""Comparing a checked hearing row with what is stored (app/hearings/agenda_compare.py has
the measures and the rules both follow): times read in the body's zone, the agenda resolved to
measures of the file or the body, the hearing form's rules checked on the field to fix, a
measure with testimony or sign-ins kept on the agenda, and an early close kept."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app.hearings import services
from app.hearings.agenda_compare import Action, Change, PlannedRow, moved, refuse, shown
from app.hearings.agenda_files import HEARING
from app.hearings.agenda_rows import TIME_FIELDS, CheckedRow, Invalid, in_zone
from app.hearings.models import Hearing, SpeakingModes
from app.platform.errors import DomainError

if TYPE_CHECKING:
    from app.hearings.agenda_plan import World

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
        return refuse(planned, "committee", moved(world, existing.committee_id, HEARING))
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
