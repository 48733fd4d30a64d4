"""Applying an agenda import: exactly what its plan says, through the services the forms use.

Measures are created and changed with save_measure and their translations with
save_translations; hearings with save_hearing, so a moved hearing tells its residents and
followers and raises its calendar SEQUENCE as when a clerk edits it. Each of those records its
own audit row; the import adds one row for the whole file. Nothing is applied from a file with
any error. Callers commit (the page's request, or the command).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import update

from app.accounts.models import StaffUser
from app.hearings import services
from app.hearings.agenda_compare import Action, PlannedRow
from app.hearings.agenda_files import HEARING, MEASURE
from app.hearings.agenda_plan import Plan, plan_agenda
from app.hearings.measure_texts import save_translations
from app.hearings.models import Body, Committee, Hearing, Measure
from app.platform import audit
from app.platform.errors import DomainError
from app.platform.extensions import db


class PlanHasErrors(DomainError):
    def __init__(self, plan: Plan) -> None:
        super().__init__(_("The file has errors, so nothing was imported. Fix them and try again."))
        self.plan = plan


class PlanChanged(DomainError):
    """Something changed between the preview and the confirmation: the new plan is shown."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(
            _(
                "The hearings or measures changed since the preview, so nothing was imported. "
                "Check the new preview below and confirm again."
            )
        )
        self.plan = plan


@dataclass(frozen=True)
class Operator:
    """Whoever runs the command line: recorded in the audit log as the system."""

    audit_name: str = audit.SYSTEM


def import_agenda(
    actor: StaffUser | Operator,
    data: bytes,
    filename: str,
    *,
    now: datetime,
    expected: str | None = None,
) -> Plan:
    """Plan the file with its bodies held, check the plan is the one the clerk saw (when
    `expected` is its fingerprint), and apply it. Two imports into one body take turns, so
    neither applies a plan made stale by the other."""
    first = plan_agenda(data, filename)
    if first.body_ids():
        _hold_bodies(first.body_ids())
        db.session.expire_all()
    plan = plan_agenda(data, filename) if first.body_ids() else first
    if expected is not None and plan.fingerprint() != expected:
        raise PlanChanged(plan)
    apply_plan(actor, plan, now=now)
    return plan


def apply_plan(actor: StaffUser | Operator, plan: Plan, *, now: datetime) -> None:
    """Create and change what the plan says, measures first (hearings list them)."""
    if plan.has_errors:
        raise PlanHasErrors(plan)
    if not plan.has_changes:
        return  # the same file again: no writes, no audit rows
    measure_ids: dict[tuple, int] = {}
    for row in plan.rows:
        if row.kind == MEASURE:
            measure_ids[row.key] = _apply_measure(actor, row, now)
    for row in plan.rows:
        if row.kind == HEARING and row.action is not Action.UNCHANGED:
            _apply_hearing(actor, row, measure_ids, now)
    counts = plan.counts()
    for body_id in plan.body_ids():
        audit.record(
            actor.audit_name,
            "agenda.imported",
            db.session.get(Body, body_id),
            at=now,
            file=plan.filename,
            sha256=plan.sha256,
            created=counts[Action.CREATE],
            changed=counts[Action.CHANGE],
            unchanged=counts[Action.UNCHANGED],
        )


def _apply_measure(actor, row: PlannedRow, now: datetime) -> int:
    if row.action is Action.UNCHANGED:
        return row.target_id
    details = services.MeasureDetails(**row.values)
    if row.action is Action.CREATE:
        measure = services.save_measure(
            actor,
            details,
            committee=db.session.get(Committee, row.committee_id),
            now=now,
            external_id=row.external_id,
        )
    else:
        measure = db.session.get(Measure, row.target_id)
        if row.changed("external_id", *details.__dataclass_fields__):
            services.save_measure(
                actor, details, measure=measure, now=now, external_id=row.external_id
            )
    if row.translations and (row.action is Action.CREATE or row.translation_changed()):
        save_translations(actor, measure, row.translations, now=now)
    return measure.id


def _apply_hearing(actor, row: PlannedRow, measure_ids: dict[tuple, int], now: datetime) -> None:
    values = dict(row.values)
    agenda = tuple(
        target if target is not None else measure_ids[(MEASURE, row.body_id, external_id)]
        for external_id, target in row.agenda
    )
    details = services.HearingDetails(measure_ids=agenda, **values)
    if row.action is Action.CREATE:
        services.save_hearing(
            actor,
            details,
            committee=db.session.get(Committee, row.committee_id),
            now=now,
            external_id=row.external_id,
        )
    else:
        hearing = db.session.get(Hearing, row.target_id)
        details = _keep_form_only_settings(hearing, details)
        services.save_hearing(actor, details, hearing=hearing, now=now, external_id=row.external_id)


def _keep_form_only_settings(hearing: Hearing, details: services.HearingDetails):
    """What only the hearing form sets (the meeting PIN, officials first, publishing only
    confirmed testimony) stays as the clerk set it."""
    return replace(
        details,
        confirmed_only=hearing.confirmed_only,
        officials_first=hearing.officials_first,
        remote_pin=hearing.remote_pin,
    )


def _hold_bodies(body_ids: list[int]) -> None:
    """Lock the bodies' rows for this transaction (one at a time, in order, so two imports
    never wait on each other crosswise). On SQLite the request already writes alone."""
    for body_id in body_ids:
        db.session.execute(
            update(Body)
            .where(Body.id == body_id)
            .values(id=Body.id)
            .execution_options(synchronize_session=False)
        )
