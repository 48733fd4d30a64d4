"""Retention: residents' e-mail and street address leave testimony once a body's period is up.

A body may have a retention period in days (`bodies.retention_days`; none keeps everything).
A hearing's testimony is due once that many days have passed since the hearing was over: the
later of its start and the close of its testimony window. `flask --app wsgi retention run`
shows what is due, per body and hearing, without changing anything; with `--apply` it removes
from each due testimony what only the hearing itself needed:

- the e-mail address (and its lower-cased copy, which gets a placeholder of its own so no two
  testimonies look like one sender's), the street address, the interpreter language (listed
  or in the resident's words) and the accessibility need;
- the interpreter language of the hearing's speakers (walk-ins included);
- the e-mail address of its position sign-ins (a placeholder in its lower-cased copy too);
- the outbox's copies of messages to those addresses that are older than the period, sent or
  not (an unsent one that old would never be delivered now);
- followers' addresses never confirmed within a week, or unsubscribed a month ago, with what
  they followed and the outbox's copies of their mail (app/following/services.py).

The public record stays: name, city, ZIP code, organisation, position, text, attachments,
earlier versions, the review history and the tracking number; the receipt and the
confirmation and dispute links still open the testimony (they are keyed on its receipt
token, not on the address). One audit event records each applied run, with counts only.
Running it again finds nothing more to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import String, and_, cast, delete, func, literal, or_, select, union, update

from app.following import services as following
from app.hearings.models import Body, Committee, Hearing
from app.organisations.models import Organisation
from app.platform import audit
from app.platform.extensions import db
from app.platform.outbox import OutboxMessage
from app.signins.models import SignIn
from app.speaking.models import Speaker
from app.testimony.models import Testimony

# What an administrator may set: a day at least, a century at most.
MIN_DAYS, MAX_DAYS = 1, 36_500
# The lower-cased e-mail of a testimony whose address was removed: unique per testimony.
REMOVED_KEY_PREFIX = "removed:"


class RetentionError(ValueError):
    """A retention period that cannot be set."""


@dataclass(frozen=True)
class HearingDue:
    """One hearing whose testimony holds personal data past its body's period (counts only)."""

    hearing_id: int
    title: str
    over_at: datetime
    testimonies: int
    messages: int
    # Position sign-ins still holding their e-mail address (app/signins).
    sign_ins: int = 0


@dataclass(frozen=True)
class BodyDue:
    body_id: int
    name: str
    retention_days: int
    cutoff: datetime
    hearings: list[HearingDue] = field(default_factory=list)

    @property
    def testimonies(self) -> int:
        return sum(hearing.testimonies for hearing in self.hearings)

    @property
    def messages(self) -> int:
        return sum(hearing.messages for hearing in self.hearings)

    @property
    def sign_ins(self) -> int:
        return sum(hearing.sign_ins for hearing in self.hearings)


@dataclass(frozen=True)
class Plan:
    bodies: list[BodyDue]
    # Bodies with no period: their testimony keeps its personal data.
    kept_forever: int
    # Followers' addresses never confirmed, or unsubscribed, past their time (app/following).
    followers: int = 0

    @property
    def hearings(self) -> int:
        return sum(len(body.hearings) for body in self.bodies)

    @property
    def testimonies(self) -> int:
        return sum(body.testimonies for body in self.bodies)

    @property
    def messages(self) -> int:
        return sum(body.messages for body in self.bodies)

    @property
    def sign_ins(self) -> int:
        return sum(body.sign_ins for body in self.bodies)


def _holds_personal_data():
    return or_(
        Testimony.email != "",
        Testimony.street_address != "",
        Testimony.interpreter_language.is_not(None),
        Testimony.interpreter_language_id.is_not(None),
        Testimony.accessibility_need.is_not(None),
    )


def _over_by(cutoff: datetime):
    """Hearings that were over (started, and closed to testimony) by `cutoff`."""
    return and_(Hearing.starts_at <= cutoff, Hearing.testimony_closes_at <= cutoff)


def _addresses(hearing_ids: list[int]):
    """The lower-cased addresses still held by these hearings' testimony and sign-ins, each
    with its hearing; and the contact address of each organisation that sent some of them
    without the resident's own, where their receipts went."""
    no_address = and_(Testimony.email == "", Testimony.email_key == "")
    no_sign_in_address = and_(SignIn.email == "", SignIn.email_key == "")
    return union(
        select(Testimony.hearing_id, func.lower(Testimony.email).label("address")).where(
            Testimony.hearing_id.in_(hearing_ids), Testimony.email != ""
        ),
        select(SignIn.hearing_id, SignIn.email_key.label("address")).where(
            SignIn.hearing_id.in_(hearing_ids), SignIn.email != ""
        ),
        select(Testimony.hearing_id, func.lower(Organisation.contact_email))
        .join(Organisation, Organisation.id == Testimony.organisation_id)
        .where(Testimony.hearing_id.in_(hearing_ids), no_address),
        select(SignIn.hearing_id, func.lower(Organisation.contact_email))
        .join(Organisation, Organisation.id == SignIn.organisation_id)
        .where(SignIn.hearing_id.in_(hearing_ids), no_sign_in_address),
    ).subquery()


def _old_messages(hearing_ids: list[int], cutoff: datetime):
    return and_(
        func.lower(OutboxMessage.to_address).in_(select(_addresses(hearing_ids).c.address)),
        OutboxMessage.created_at <= cutoff,
    )


def _messages_per_hearing(hearing_ids: list[int], cutoff: datetime) -> dict[int, int]:
    """How many old messages went to each hearing's addresses, in one query."""
    held = _addresses(hearing_ids)
    rows = db.session.execute(
        select(held.c.hearing_id, func.count(func.distinct(OutboxMessage.id)))
        .join(held, func.lower(OutboxMessage.to_address) == held.c.address)
        .where(OutboxMessage.created_at <= cutoff)
        .group_by(held.c.hearing_id)
    ).all()
    return dict(rows)


def _sign_ins_per_hearing(body_id: int, cutoff: datetime) -> dict[int, tuple]:
    """The body's hearings over by `cutoff` with sign-ins still holding an address: their
    title, start, close and how many."""
    rows = db.session.execute(
        select(
            Hearing.id,
            Hearing.title,
            Hearing.starts_at,
            Hearing.testimony_closes_at,
            func.count(SignIn.id),
        )
        .join(Committee, Hearing.committee_id == Committee.id)
        .join(SignIn, SignIn.hearing_id == Hearing.id)
        .where(Committee.body_id == body_id, _over_by(cutoff), SignIn.email != "")
        .group_by(Hearing.id, Hearing.title, Hearing.starts_at, Hearing.testimony_closes_at)
    ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def plan(*, now: datetime) -> Plan:
    """What a run would remove now, counted per body and hearing; changes nothing."""
    bodies = db.session.scalars(select(Body).order_by(Body.name, Body.id)).all()
    due: list[BodyDue] = []
    for body in bodies:
        if body.retention_days is None:
            continue
        cutoff = now - timedelta(days=body.retention_days)
        rows = db.session.execute(
            select(
                Hearing.id,
                Hearing.title,
                Hearing.starts_at,
                Hearing.testimony_closes_at,
                func.count(Testimony.id),
            )
            .join(Committee, Hearing.committee_id == Committee.id)
            .join(Testimony, Testimony.hearing_id == Hearing.id)
            .where(Committee.body_id == body.id, _over_by(cutoff), _holds_personal_data())
            .group_by(Hearing.id, Hearing.title, Hearing.starts_at, Hearing.testimony_closes_at)
        ).all()
        found = {row[0]: (*row[1:], 0) for row in rows}
        for hearing_id, (title, starts_at, closes_at, count) in _sign_ins_per_hearing(
            body.id, cutoff
        ).items():
            testimonies = found.get(hearing_id, (title, starts_at, closes_at, 0, 0))[3]
            found[hearing_id] = (title, starts_at, closes_at, testimonies, count)
        messages = _messages_per_hearing(list(found), cutoff) if found else {}
        hearings = sorted(
            (
                HearingDue(
                    hearing_id=hearing_id,
                    title=title,
                    over_at=max(starts_at, closes_at),
                    testimonies=testimonies,
                    messages=messages.get(hearing_id, 0),
                    sign_ins=sign_ins,
                )
                for hearing_id, (title, starts_at, closes_at, testimonies, sign_ins) in (
                    found.items()
                )
            ),
            key=lambda due: (due.over_at, due.hearing_id),
        )
        if hearings:
            due.append(BodyDue(body.id, body.name, body.retention_days, cutoff, hearings))
    kept_forever = sum(1 for body in bodies if body.retention_days is None)
    return Plan(bodies=due, kept_forever=kept_forever, followers=following.count_stale(now=now))


def apply(*, now: datetime) -> Plan:
    """Remove what `plan` finds due, record one audit event with the counts, and return the
    plan carried out. Flushes; the caller commits."""
    carried_out = plan(now=now)
    following.forget_stale(now=now)
    for body in carried_out.bodies:  # four statements per body, whatever its size
        hearing_ids = [hearing.hearing_id for hearing in body.hearings]
        # The outbox first: its messages are found by the addresses about to be removed.
        db.session.execute(
            delete(OutboxMessage)
            .where(_old_messages(hearing_ids, body.cutoff))
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(Testimony)
            .where(Testimony.hearing_id.in_(hearing_ids), _holds_personal_data())
            .values(
                email="",
                email_key=literal(REMOVED_KEY_PREFIX) + cast(Testimony.id, String),
                street_address="",
                interpreter_language=None,
                interpreter_language_id=None,
                accessibility_need=None,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(Speaker)
            .where(
                Speaker.hearing_id.in_(hearing_ids),
                or_(
                    Speaker.interpreter_language_id.is_not(None),
                    Speaker.interpreter_other.is_not(None),
                ),
            )
            .values(interpreter_language_id=None, interpreter_other=None)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(SignIn)
            .where(SignIn.hearing_id.in_(hearing_ids), SignIn.email != "")
            .values(email="", email_key=literal(REMOVED_KEY_PREFIX) + cast(SignIn.id, String))
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
    audit.record(
        audit.SYSTEM,
        "retention.applied",
        None,
        at=now,
        bodies=len(carried_out.bodies),
        hearings=carried_out.hearings,
        testimonies=carried_out.testimonies,
        sign_ins=carried_out.sign_ins,
        messages=carried_out.messages,
        followers=carried_out.followers,
        hearing_ids=[
            hearing.hearing_id for body in carried_out.bodies for hearing in body.hearings
        ],
    )
    return carried_out


def set_period(body: Body, days: int | None, *, now: datetime) -> None:
    """Set (or, with None, clear) a body's retention period; recorded in the audit log."""
    if days is not None and not MIN_DAYS <= days <= MAX_DAYS:
        raise RetentionError(
            f"A retention period is between {MIN_DAYS} and {MAX_DAYS} days; {days} is not."
        )
    body.retention_days = days
    db.session.flush()
    audit.record(audit.SYSTEM, "body.retention_set", body, at=now, retention_days=days)
