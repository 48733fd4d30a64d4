"""What a committee did with a measure: reported it favourably, sent it to study, amended it...

A clerk records each action with the day it was taken; a measure collects several over time
(amended, then reported favourably). A wrong entry is corrected in place or removed, and both
are kept auditable: the audit log holds what an entry said before each change, and a removed
entry stays in the table, marked, out of every public list.

Recording an action queues a job of kind COMMITTEE_ACTED, whose handler (registered by the
package that e-mails followers) tells whoever asked to hear of it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, String, func, select, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import StaffUser
from app.hearings.models import Hearing, Measure, hearing_measures
from app.platform import audit, jobs
from app.platform.columns import enum_column
from app.platform.errors import DomainError
from app.platform.extensions import db
from app.platform.timezones import UTCDateTime

# The background job queued when an action is recorded; payload {"action_id": <id>}.
COMMITTEE_ACTED = "following.committee_acted"

NOTE_MAX = 1000


class CommitteeActionKind(enum.StrEnum):
    """The outcomes the Massachusetts General Court's joint committees and the Boston City
    Council's committees report, in the words residents read on their dockets."""

    # "Ought to pass" (General Court); "recommended ought to pass" (City Council).
    REPORTED_FAVOURABLY = "reported_favourably"
    # "Ought to pass with an amendment", or a new draft; "ought to pass in a new draft".
    REPORTED_WITH_AMENDMENT = "reported_with_amendment"
    # "Ought not to pass".
    REPORTED_UNFAVOURABLY = "reported_unfavourably"
    # "Accompanied a study order": the General Court's usual end for a bill.
    SENT_TO_STUDY = "sent_to_study"
    # Sent on to another committee (e.g. Ways and Means) or back to the full body.
    REFERRED = "referred"
    # Heard and kept in committee without a report (a working session, more review).
    HELD = "held"
    # "Leave to withdraw", or withdrawn by its sponsor.
    WITHDRAWN = "withdrawn"
    OTHER = "other"


KIND_LABELS = {
    CommitteeActionKind.REPORTED_FAVOURABLY: _l("Reported favourably (ought to pass)"),
    CommitteeActionKind.REPORTED_WITH_AMENDMENT: _l("Reported favourably with an amendment"),
    CommitteeActionKind.REPORTED_UNFAVOURABLY: _l("Reported unfavourably (ought not to pass)"),
    CommitteeActionKind.SENT_TO_STUDY: _l("Sent to study"),
    CommitteeActionKind.REFERRED: _l("Referred to another committee"),
    CommitteeActionKind.HELD: _l("Held in committee"),
    CommitteeActionKind.WITHDRAWN: _l("Withdrawn"),
    CommitteeActionKind.OTHER: _l("Other action"),
}


class CommitteeAction(db.Model):
    __tablename__ = "committee_actions"
    __table_args__ = (
        CheckConstraint("kind <> 'other' OR note <> ''", name="other_has_note"),
        CheckConstraint("(removed_at IS NULL) = (removed_by_id IS NULL)", name="removed_by_whom"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="RESTRICT"), index=True
    )
    # The hearing at which the committee acted, when it acted at one.
    hearing_id: Mapped[int | None] = mapped_column(
        ForeignKey("hearings.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[CommitteeActionKind] = mapped_column(
        enum_column(CommitteeActionKind, "committee_action_kind", length=30)
    )
    # The day the committee acted, in the body's time zone.
    taken_on: Mapped[date] = mapped_column(Date)
    # Shown to the public with the action.
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="", server_default=text("''"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="RESTRICT"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    corrected_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="RESTRICT")
    )
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A removed entry was a mistake: kept for the record, shown nowhere.
    removed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="RESTRICT")
    )
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    measure: Mapped[Measure] = relationship()
    hearing: Mapped[Hearing | None] = relationship()
    recorded_by: Mapped[StaffUser] = relationship(foreign_keys=[recorded_by_id])
    corrected_by: Mapped[StaffUser | None] = relationship(foreign_keys=[corrected_by_id])

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


# Looking up. Removed entries are left out of everything but the audit log.


def measure_actions(measure_id: int) -> list[CommitteeAction]:
    """The measure's actions, the latest first (by the day taken, then as recorded)."""
    return list(
        db.session.scalars(
            select(CommitteeAction)
            .where(CommitteeAction.measure_id == measure_id, CommitteeAction.removed_at.is_(None))
            .order_by(CommitteeAction.taken_on.desc(), CommitteeAction.id.desc())
        )
    )


def latest_actions(measure_ids: list[int] | set[int]) -> dict[int, CommitteeAction]:
    """Each measure's latest action, for the measures that have one: one query however many."""
    if not measure_ids:
        return {}
    ranked = (
        select(
            CommitteeAction.id,
            func.row_number()
            .over(
                partition_by=CommitteeAction.measure_id,
                order_by=(CommitteeAction.taken_on.desc(), CommitteeAction.id.desc()),
            )
            .label("rank"),
        )
        .where(
            CommitteeAction.measure_id.in_(list(measure_ids)),
            CommitteeAction.removed_at.is_(None),
        )
        .subquery()
    )
    latest = db.session.scalars(
        select(CommitteeAction)
        .join(ranked, ranked.c.id == CommitteeAction.id)
        .where(ranked.c.rank == 1)
    )
    return {action.measure_id: action for action in latest}


def measure_hearings(measure_id: int) -> list[Hearing]:
    """The hearings with the measure on their agenda, the latest first: where it was acted on."""
    return list(
        db.session.scalars(
            select(Hearing)
            .join(hearing_measures, hearing_measures.c.hearing_id == Hearing.id)
            .where(hearing_measures.c.measure_id == measure_id)
            .order_by(Hearing.starts_at.desc(), Hearing.id.desc())
        )
    )


# The clerk's changes. Callers commit; these flush and record each change.


class ActionRefused(DomainError):
    pass


@dataclass(frozen=True)
class ActionDetails:
    kind: CommitteeActionKind
    taken_on: date
    note: str = ""
    hearing_id: int | None = None


def body_today(measure: Measure, now: datetime) -> date:
    """Today's date where the measure's body sits."""
    return now.astimezone(ZoneInfo(measure.committee.body.timezone)).date()


def _check(measure: Measure, details: ActionDetails, now: datetime) -> None:
    if details.taken_on > body_today(measure, now):
        raise ActionRefused(_("The day the committee acted cannot be in the future."))
    if len(details.note) > NOTE_MAX:
        raise ActionRefused(_("Use %(max)d characters or fewer.", max=NOTE_MAX))
    if details.kind is CommitteeActionKind.OTHER and not details.note.strip():
        raise ActionRefused(_("Say in the note what the committee did."))
    if details.hearing_id is not None and details.hearing_id not in {
        hearing.id for hearing in measure_hearings(measure.id)
    }:
        raise ActionRefused(_("Choose a hearing that had this measure on its agenda."))


def _described(action: CommitteeAction) -> dict:
    return {
        "measure_id": action.measure_id,
        "kind": action.kind.value,
        "taken_on": action.taken_on.isoformat(),
        "note": action.note,
        "hearing_id": action.hearing_id,
    }


def record_action(
    actor: StaffUser, measure: Measure, details: ActionDetails, *, now: datetime
) -> CommitteeAction:
    """Record what the committee did with the measure, and queue the notices of it. The same
    entry sent twice within a few minutes (a double click, a resent form) is recorded once:
    the second finds the first, and nobody is told twice."""
    _check(measure, details, now)
    # The measure's row lock makes two such requests wait for each other on PostgreSQL (on
    # SQLite a request that posts holds the write lock already).
    db.session.execute(select(Measure.id).where(Measure.id == measure.id).with_for_update())
    same = db.session.scalar(
        select(CommitteeAction).where(
            CommitteeAction.measure_id == measure.id,
            _equal(CommitteeAction.hearing_id, details.hearing_id),
            CommitteeAction.kind == details.kind,
            CommitteeAction.taken_on == details.taken_on,
            _equal(CommitteeAction.note, details.note),
            CommitteeAction.removed_at.is_(None),
            CommitteeAction.recorded_at >= now - RESENT_WITHIN,
        )
    )
    if same is not None:
        return same
    action = CommitteeAction(
        measure_id=measure.id,
        hearing_id=details.hearing_id,
        kind=details.kind,
        taken_on=details.taken_on,
        note=details.note,
        recorded_by_id=actor.id,
        recorded_at=now,
    )
    db.session.add(action)
    db.session.flush()
    audit.record(
        actor.audit_name, "committee_action.recorded", action, at=now, **_described(action)
    )
    jobs.enqueue(COMMITTEE_ACTED, {"action_id": action.id}, at=now)
    return action


# How long after recording an entry the same one sent again counts as the same.
RESENT_WITHIN = timedelta(minutes=10)


def _equal(column, value):
    return column.is_(None) if value is None else column == value


def _hold(action: CommitteeAction) -> None:
    """Lock the entry and read it again as stored: two clerks correcting or removing it at
    once take turns, and each sees (and audits) what the other left."""
    db.session.execute(
        select(CommitteeAction.id).where(CommitteeAction.id == action.id).with_for_update()
    )
    db.session.refresh(action)


def correct_action(
    actor: StaffUser, action: CommitteeAction, details: ActionDetails, *, now: datetime
) -> None:
    """Correct a wrong entry; the audit log keeps what it said before."""
    _hold(action)
    if action.is_removed:
        raise ActionRefused(_("This entry was removed, so it cannot be corrected."))
    _check(action.measure, details, now)
    before = _described(action)
    action.kind, action.taken_on = details.kind, details.taken_on
    action.note, action.hearing_id = details.note, details.hearing_id
    action.corrected_by_id, action.corrected_at = actor.id, now
    db.session.flush()
    audit.record(
        actor.audit_name,
        "committee_action.corrected",
        action,
        at=now,
        before=before,
        **_described(action),
    )


def remove_action(actor: StaffUser, action: CommitteeAction, *, now: datetime) -> None:
    """Take a wrong entry off the record shown to anyone; removing twice changes nothing."""
    _hold(action)
    if action.is_removed:
        return
    action.removed_by_id, action.removed_at = actor.id, now
    db.session.flush()
    audit.record(actor.audit_name, "committee_action.removed", action, at=now, **_described(action))
