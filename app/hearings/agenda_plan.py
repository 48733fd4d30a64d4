"""The plan of an agenda import: what each row of the file would do to the database.

plan_agenda reads the file, checks each row, finds the body, committee and any measure or
hearing the row already describes (by its external id within the body, or, the first time,
by the measure's number or the hearing's title and start), and says for each row: create,
change (which fields, old → new), unchanged, or error (which fields, and why). It writes
nothing; app/hearings/agenda_import.py applies a plan with no errors.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.hearings.agenda_compare import Action, PlannedRow, plan_measure, refuse_number_clashes
from app.hearings.agenda_files import HEARING, MEASURE, read_agenda
from app.hearings.agenda_hearings import plan_hearing
from app.hearings.agenda_rows import CheckedRow, check_row
from app.hearings.measure_texts import translation_languages
from app.hearings.models import Body, Committee, Hearing, Measure
from app.platform.extensions import db


@dataclass
class Plan:
    filename: str
    sha256: str
    format: str = ""
    file_errors: list[str] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.action is Action.ERROR for row in self.rows)

    def counts(self) -> dict[Action, int]:
        counts = dict.fromkeys(Action, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def has_changes(self) -> bool:
        return any(row.action in (Action.CREATE, Action.CHANGE) for row in self.rows)

    def body_ids(self) -> list[int]:
        return sorted({row.body_id for row in self.rows if row.body_id is not None})

    def fingerprint(self) -> str:
        """What the clerk was shown: confirming applies the plan only if it is still this."""
        shown = [
            self.sha256,
            self.file_errors,
            [
                [row.where, row.kind, row.external_id, row.action.value, row.target_id]
                + [[c.field, c.old, c.new] for c in row.changes]
                + [[name or "", message] for name, message in row.errors]
                for row in self.rows
            ],
        ]
        return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()


def plan_agenda(data: bytes, filename: str) -> Plan:
    """Read, check and compare the file with the database; write nothing."""
    plan = Plan(filename=filename[:255], sha256=hashlib.sha256(data).hexdigest())
    agenda = read_agenda(data, filename, translation_languages())
    plan.format, plan.file_errors = agenda.format, agenda.problems
    if agenda.problems:
        return plan
    checked = [check_row(raw) for raw in agenda.rows]
    world = World.load(checked)
    planned = [_start(row, world) for row in checked]
    _refuse_repeated_ids(planned)
    measures = [(row, p) for row, p in zip(checked, planned, strict=True) if p.kind == MEASURE]
    hearings = [(row, p) for row, p in zip(checked, planned, strict=True) if p.kind == HEARING]
    for row, p in measures:
        plan_measure(row, p, world)
    refuse_number_clashes([p for _row, p in measures], world)
    in_file: dict[tuple, PlannedRow] = {}
    for _row, p in measures:
        in_file.setdefault(p.key, p)  # a repeated id's first row is the one that counts
    for row, p in hearings:
        plan_hearing(row, p, world, in_file)
    for p in planned:
        if p.errors:
            p.action, p.changes = Action.ERROR, []
    plan.rows = planned
    return plan


def _start(row: CheckedRow, world: World) -> PlannedRow:
    planned = PlannedRow(row.raw.where, row.kind, row.external_id, errors=list(row.errors))
    body = world.body(row.values.get("body"))
    if row.given("body") and body is None and "body" not in _fields(row.errors):
        planned.errors.append(
            ("body", _("There is no body called “%(name)s”.", name=row.values["body"]))
        )
    if body is None:
        return planned
    planned.body_id = body.id
    committee = world.committee(body, row.values.get("committee"))
    if row.given("committee") and committee is None and "committee" not in _fields(row.errors):
        planned.errors.append(
            (
                "committee",
                _(
                    "%(body)s has no committee called “%(name)s”.",
                    body=body.name,
                    name=row.values["committee"],
                ),
            )
        )
    planned.committee_id = committee.id if committee is not None else None
    return planned


def _fields(errors: Iterable[tuple[str | None, str]]) -> set[str | None]:
    return {name for name, _message in errors}


def _refuse_repeated_ids(planned: list[PlannedRow]) -> None:
    first: dict[tuple, PlannedRow] = {}
    for row in planned:
        if not row.external_id or row.body_id is None:
            continue
        earlier = first.setdefault(row.key, row)
        if earlier is not row:
            row.errors.append(
                (
                    "external_id",
                    _(
                        "The external id “%(id)s” is also on %(where)s.",
                        id=row.external_id,
                        where=earlier.where,
                    ),
                )
            )


@dataclass
class World:
    """The bodies, committees, measures and hearings the file may refer to, loaded at once."""

    bodies: list[Body]
    committees: dict[int, list[Committee]]
    measures: list[Measure]
    hearings: list[Hearing]

    @classmethod
    def load(cls, rows: list[CheckedRow]) -> World:
        bodies = list(db.session.scalars(select(Body).order_by(Body.id)))
        named = {_folded(row.values.get("body")) for row in rows}
        wanted = [b for b in bodies if _folded(b.slug) in named or _folded(b.name) in named]
        body_ids = [b.id for b in wanted]
        committees: dict[int, list[Committee]] = {b.id: [] for b in wanted}
        for committee in db.session.scalars(
            select(Committee).where(Committee.body_id.in_(body_ids)).order_by(Committee.id)
        ):
            committees[committee.body_id].append(committee)
        committee_ids = [c.id for listed in committees.values() for c in listed]
        # Every measure of those committees: a few hundred a session, and the rows find theirs
        # by external id or by number.
        measures = list(
            db.session.scalars(
                select(Measure)
                .where(Measure.committee_id.in_(committee_ids))
                .options(selectinload(Measure.translations))
                .order_by(Measure.id)
            )
        )
        ids = {row.external_id for row in rows if row.kind == HEARING and row.external_id}
        titles = {
            str(row.values["title"]) for row in rows if row.kind == HEARING and row.given("title")
        }
        hearings = list(
            db.session.scalars(
                select(Hearing)
                .where(
                    Hearing.committee_id.in_(committee_ids),
                    or_(
                        Hearing.external_id.in_(ids),
                        Hearing.external_id.is_(None) & Hearing.title.in_(titles),
                    ),
                )
                .options(selectinload(Hearing.measures))
                .order_by(Hearing.id)
            )
        )
        return cls(wanted, committees, measures, hearings)

    def body(self, name: object) -> Body | None:
        wanted = _folded(name)
        if not wanted:
            return None
        return next((b for b in self.bodies if wanted in (_folded(b.slug), _folded(b.name))), None)

    def committee(self, body: Body, name: object) -> Committee | None:
        wanted = _folded(name)
        if not wanted:
            return None
        return next(
            (c for c in self.committees[body.id] if wanted in (_folded(c.slug), _folded(c.name))),
            None,
        )

    def committee_name(self, committee_id: int | None) -> str:
        for listed in self.committees.values():
            for committee in listed:
                if committee.id == committee_id:
                    return committee.name
        return ""

    def body_of(self, committee_id: int) -> Body:
        for body in self.bodies:
            if any(c.id == committee_id for c in self.committees[body.id]):
                return body
        raise LookupError(committee_id)

    def measure(self, body_id: int, external_id: str) -> Measure | None:
        committees = {c.id for c in self.committees.get(body_id, [])}
        return next(
            (
                m
                for m in self.measures
                if m.external_id == external_id and m.committee_id in committees
            ),
            None,
        )

    def hearing(self, body_id: int, external_id: str) -> Hearing | None:
        committees = {c.id for c in self.committees.get(body_id, [])}
        return next(
            (
                h
                for h in self.hearings
                if h.external_id == external_id and h.committee_id in committees
            ),
            None,
        )

    def zone(self, body_id: int) -> ZoneInfo:
        return ZoneInfo(next(b.timezone for b in self.bodies if b.id == body_id))


def _folded(value: object) -> str:
    return " ".join(str(value or "").split()).casefold()
