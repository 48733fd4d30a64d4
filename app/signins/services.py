"""Record, change and withdraw position sign-ins. Callers commit; these functions only flush.

A sign-in is the cheapest thing a resident can send, and a busy bill draws tens of thousands
of them in a day, so each is written with a handful of plain statements: the sign-in row, its
positions in one executemany, its tally counts in one executemany, the audit row and the
receipt e-mail (rendered once, sent after the commit). On PostgreSQL the first three are one
statement (data-modifying CTEs): each statement is a round trip, and round trips are most of
what a sign-in costs there (bench/sign_in_costs.py, docs/benchmarks.md "Sign-ins").
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ARRAY, Integer, String, bindparam, delete, func, insert, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.hearings.models import Committee, Hearing, hearing_measures
from app.organisations.models import Organisation
from app.platform import audit, outbox
from app.platform.errors import DomainError
from app.platform.extensions import db
from app.signins import tallies
from app.signins.models import TALLY_SHARDS, SignIn, SignInPosition, SignInStatus, SignInTally
from app.testimony.intake import reread_status_times
from app.testimony.models import Position, QuarantineReason, resident_language
from app.testimony.services import hash_token, new_tracking_number, refusal

# A sign-in's tracking number reads "OS-…" (testimony's "OT-…"), so a clerk told one over
# the phone knows where to look.
TRACKING_PREFIX = "OS"


@dataclass(frozen=True)
class SignInSubmission:
    """What a resident sent: who they are and a position on each measure they chose."""

    submission_key: str
    full_name: str
    email: str
    city: str
    zip_code: str
    organization: str | None
    positions: tuple[tuple[int, Position], ...]
    quarantine_reason: QuarantineReason | None = None
    # The organisation that sent it through the API, and its own reference for it; `email`
    # may then be empty, and the receipt goes to the organisation.
    organisation_id: int | None = None
    external_reference: str | None = None


@dataclass(frozen=True)
class Receipt:
    sign_in_id: int
    token: str


class NoPosition(DomainError):
    def __init__(self) -> None:
        super().__init__(_("Choose a position on at least one measure."))


class UnknownMeasure(DomainError):
    def __init__(self) -> None:
        super().__init__(_("Choose measures on this hearing's agenda."))


class SignInLocked(DomainError):
    def __init__(self) -> None:
        super().__init__(_("This sign-in can no longer be changed."))


class ChangedMeanwhile(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Your sign-in was changed in another window while this page was open, so "
                "nothing was changed now. Check what it says and change it again if needed."
            )
        )


def receipt_token_for(hearing_id: int, submission_key: str) -> str:
    """The receipt link's secret, derived from the form's key: a form sent twice gets the
    same link."""
    secret = current_app.config["SECRET_KEY"].encode()
    message = f"sign-in-receipt:{hearing_id}:{submission_key}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:40]


def find_by_receipt_token(token: str) -> SignIn | None:
    if not (20 <= len(token) <= 64):
        return None
    return (
        db.session.execute(_BY_RECEIPT, {"token_hash": hash_token(token)})
        .unique()
        .scalar_one_or_none()
    )


_BY_RECEIPT = (
    select(SignIn)
    .options(
        joinedload(SignIn.hearing).joinedload(Hearing.committee).joinedload(Committee.body),
        selectinload(SignIn.positions).joinedload(SignInPosition.measure),
    )
    .where(SignIn.receipt_token_hash == bindparam("token_hash"))
)

_STORED_ID = select(SignIn.id).where(
    SignIn.hearing_id == bindparam("hearing_id"), SignIn.submission_key == bindparam("key")
)


def stored_id(hearing_id: int, submission_key: str) -> int | None:
    """The sign-in this form already made, if any (a retry or a double click)."""
    if not submission_key:
        return None
    return db.session.scalar(_STORED_ID, {"hearing_id": hearing_id, "key": submission_key})


_AGENDA = select(hearing_measures.c.measure_id).where(
    hearing_measures.c.hearing_id == bindparam("hearing_id")
)
# The agenda with the hearing's status times beside each measure: one read for both.
_AGENDA_AND_TIMES = (
    select(
        hearing_measures.c.measure_id, *(getattr(Hearing, name) for name in Hearing.STATUS_TIMES)
    )
    .join_from(hearing_measures, Hearing, Hearing.id == hearing_measures.c.hearing_id)
    .where(hearing_measures.c.hearing_id == bindparam("hearing_id"))
    .with_for_update(read=True, of=hearing_measures)
)


def _reread_with_agenda(hearing: Hearing) -> set[int]:
    """Read the hearing's deadline and other status times again, as stored now (set on the
    loaded hearing as if just loaded), and return its agenda as stored now, share-locked on
    PostgreSQL (see _check_positions): one statement where a sign-in needs both."""
    rows = db.session.execute(_AGENDA_AND_TIMES, {"hearing_id": hearing.id}).all()
    if not rows:  # nothing on the agenda, so no position can be taken: only the times
        reread_status_times(hearing)
        return set()
    for name, value in zip(Hearing.STATUS_TIMES, rows[0][1:], strict=True):
        set_committed_value(hearing, name, value)
    return {row[0] for row in rows}


def _check_positions(
    hearing: Hearing,
    positions: tuple[tuple[int, Position], ...],
    agenda: set[int] | None = None,
) -> None:
    """At least one position, each on a measure on the agenda as stored now (a clerk may have
    taken one off since the form was shown); on PostgreSQL the agenda rows are share-locked
    until the commit, so that removal waits and then sees the sign-in. `agenda`: already read
    so, by _reread_with_agenda."""
    if not positions:
        raise NoPosition()
    chosen = {measure_id for measure_id, _position in positions}
    if len(chosen) != len(positions):
        raise UnknownMeasure()
    if agenda is None:
        agenda = set(
            db.session.scalars(_AGENDA.with_for_update(read=True), {"hearing_id": hearing.id})
        )
    if not chosen <= agenda:
        raise UnknownMeasure()


_SIGN_INS = SignIn.__table__
_POSITIONS = SignInPosition.__table__
# SQLite: a taken tracking number or an already stored form inserts nothing and returns no id.
_INSERT_SIGN_IN = sqlite_insert(_SIGN_INS).on_conflict_do_nothing().returning(_SIGN_INS.c.id)
_INSERT_POSITIONS = insert(_POSITIONS)


def _store_statement():
    """PostgreSQL: the sign-in row, its positions and its tally counts in one statement (the
    positions come as two arrays, so it is built once whatever their number). A taken tracking
    number or an already stored form inserts nothing at all and returns no id."""
    tallies_ = SignInTally.__table__
    columns = [column.name for column in _SIGN_INS.columns if column.name in _ROW_COLUMNS]
    new = (
        pg_insert(_SIGN_INS)
        .values({name: bindparam(name) for name in columns})
        .on_conflict_do_nothing()
        .returning(_SIGN_INS.c.id)
        .cte("new_sign_in")
    )
    chosen = (
        func.unnest(
            bindparam("measure_ids", type_=ARRAY(Integer)),
            bindparam("positions", type_=ARRAY(String)),
        )
        .table_valued("measure_id", "position")
        .render_derived(name="chosen")
    )
    each = select(new.c.id, chosen.c.measure_id, chosen.c.position).join_from(new, chosen, true())
    positions = (
        insert(_POSITIONS)
        .from_select(["sign_in_id", "measure_id", "position"], each)
        .cte("new_positions")
    )
    counted = pg_insert(tallies_).from_select(
        ["hearing_id", "measure_id", "position", "state", "shard", "count"],
        select(
            bindparam("hearing_id"),
            chosen.c.measure_id,
            chosen.c.position,
            bindparam("tally_state"),
            new.c.id % TALLY_SHARDS,
            1,
        )
        .join_from(new, chosen, true())
        # In key order, as tallies.move locks shared rows.
        .order_by(chosen.c.measure_id, chosen.c.position),
    )
    counted = counted.on_conflict_do_update(
        index_elements=["hearing_id", "measure_id", "position", "state", "shard"],
        set_={"count": tallies_.c.count + counted.excluded["count"]},
    ).cte("new_counts")
    return select(new.c.id).add_cte(positions, counted)


# What record_sign_in's row sets (the rest are defaults or set later).
_ROW_COLUMNS = frozenset(
    {
        "hearing_id", "tracking_number", "receipt_token_hash", "submission_key", "full_name",
        "name_key", "email", "email_key", "city", "zip_code", "organization", "status",
        "rejection_reason", "quarantine_reason", "version", "received_at", "updated_at",
        "language", "organisation_id", "external_reference",
    }
)  # fmt: skip
_STORE = _store_statement()


def first_status(hearing: Hearing, quarantine_reason: QuarantineReason | None) -> SignInStatus:
    """Where a new sign-in starts: on record, or waiting for review where the body asks so or
    where it looked automated (a bot's sign-ins must not count before anyone has looked)."""
    if hearing.committee.body.review_sign_ins or quarantine_reason is not None:
        return SignInStatus.PENDING
    return SignInStatus.PUBLISHED


def record_sign_in(
    hearing: Hearing,
    sub: SignInSubmission,
    *,
    now: datetime,
    known_new: bool = False,
    send_receipt: bool = True,
) -> Receipt:
    """Record a resident's positions and queue their receipt; the same form twice is one
    sign-in. `known_new`: the caller has just looked the form's key up and found nothing.
    `send_receipt` is False only for the demo's made-up residents."""
    token = receipt_token_for(hearing.id, sub.submission_key)
    existing = None if known_new else stored_id(hearing.id, sub.submission_key)
    if existing is not None:
        return Receipt(existing, token)
    agenda = _reread_with_agenda(hearing)
    if not hearing.is_accepting_testimony(now):
        raise refusal(hearing, now)
    _check_positions(hearing, sub.positions, agenda)
    status = first_status(hearing, sub.quarantine_reason)
    row = {
        "hearing_id": hearing.id,
        "receipt_token_hash": hash_token(token),
        "submission_key": sub.submission_key,
        "full_name": sub.full_name,
        "name_key": sub.full_name.lower(),
        "email": sub.email,
        "email_key": sub.email.lower(),
        "city": sub.city,
        "zip_code": sub.zip_code,
        "organization": sub.organization,
        "status": status,
        "rejection_reason": None,
        "quarantine_reason": sub.quarantine_reason,
        "version": 1,
        "received_at": now,
        "updated_at": now,
        "language": resident_language(),
        "organisation_id": sub.organisation_id,
        "external_reference": sub.external_reference,
    }
    sign_in_id = _store(row, sub.positions, status.value)
    if sign_in_id is None:
        # The same form, sent at the same moment by a double click, was stored first.
        return Receipt(stored_id(hearing.id, sub.submission_key), token)
    # What the audit row and the receipt are about: the stored row, never added to the
    # session (plain statements wrote it).
    sign_in = SignIn(id=sign_in_id, **row)
    sign_in.tracking_number = row["tracking_number"]
    if sub.organisation_id is not None:
        # Loaded with the API key that sent it: no query.
        set_committed_value(
            sign_in, "organisation", db.session.get(Organisation, sub.organisation_id)
        )
    extra = {"quarantine": sub.quarantine_reason.value} if sub.quarantine_reason else {}
    if sub.organisation_id is not None:
        extra["organisation_id"] = sub.organisation_id
    audit.record(audit.RESIDENT, "sign_in.recorded", sign_in, at=now, **extra)
    if not send_receipt:
        return Receipt(sign_in_id, token)
    measures = {measure.id: measure for measure in hearing.measures}
    _queue_mail(
        "sign_in_received",
        sign_in,
        hearing,
        [(measures[measure_id], position) for measure_id, position in sub.positions],
        token=token,
    )
    return Receipt(sign_in_id, token)


def _keys(positions, state: str) -> list[tuple[int, str, str]]:
    return [(measure_id, Position(position).value, state) for measure_id, position in positions]


def _store(row: dict, positions: tuple[tuple[int, Position], ...], state: str) -> int | None:
    """Store the sign-in row, its positions and its tally counts; its id, or None when the
    same form was stored first."""
    if db.session.get_bind().dialect.name == "postgresql":
        chosen = sorted(
            (measure_id, Position(position).value) for measure_id, position in positions
        )
        return _insert(
            _STORE,
            row,
            measure_ids=[measure_id for measure_id, _position in chosen],
            positions=[position for _measure_id, position in chosen],
            tally_state=state,
        )
    sign_in_id = _insert(_INSERT_SIGN_IN, row)
    if sign_in_id is not None:
        db.session.execute(
            _INSERT_POSITIONS,
            [
                {"sign_in_id": sign_in_id, "measure_id": measure_id, "position": position}
                for measure_id, position in positions
            ],
        )
        tallies.move(row["hearing_id"], sign_in_id, [], _keys(positions, state))
    return sign_in_id


def _insert(statement, row: dict, attempts: int = 5, **extra) -> int | None:
    for _attempt in range(attempts):
        row["tracking_number"] = new_tracking_number(TRACKING_PREFIX)
        sign_in_id = db.session.execute(statement, {**row, **extra}).scalar()
        if sign_in_id is not None:
            return sign_in_id
        if stored_id(row["hearing_id"], row["submission_key"]) is not None:
            return None
    raise RuntimeError("could not allocate a unique tracking number")


def _hold(sign_in: SignIn, seen_version: int) -> bool:
    """Take the sign-in as the resident's page saw it: bump its version only if it is still
    that version and not withdrawn (a row lock on PostgreSQL, the write lock on SQLite)."""
    held = db.session.execute(
        update(SignIn)
        .where(
            SignIn.id == sign_in.id,
            SignIn.version == seen_version,
            SignIn.status != SignInStatus.WITHDRAWN,
        )
        .values(version=SignIn.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(sign_in)
    return bool(held)


def change_positions(
    sign_in: SignIn,
    positions: tuple[tuple[int, Position], ...],
    *,
    now: datetime,
    seen_version: int,
) -> bool:
    """Replace the sign-in's positions until the deadline; False when nothing differed."""
    hearing = sign_in.hearing
    if sign_in.is_withdrawn:
        raise SignInLocked()
    if not sign_in.can_change(now):
        raise refusal(hearing, now)
    if sign_in.version != seen_version:
        raise ChangedMeanwhile()
    _check_positions(hearing, positions)
    before = sorted((p.measure_id, Position(p.position)) for p in sign_in.positions)
    if before == sorted(positions):
        return False
    if not _hold(sign_in, seen_version):
        raise SignInLocked() if sign_in.is_withdrawn else ChangedMeanwhile()
    state = sign_in.tally_state
    db.session.execute(delete(SignInPosition).where(SignInPosition.sign_in_id == sign_in.id))
    db.session.execute(
        _INSERT_POSITIONS,
        [
            {"sign_in_id": sign_in.id, "measure_id": measure_id, "position": position}
            for measure_id, position in positions
        ],
    )
    tallies.move(hearing.id, sign_in.id, _keys(before, state), _keys(positions, state))
    sign_in.updated_at = now
    db.session.flush()
    db.session.expire(sign_in, ["positions"])
    audit.record(audit.RESIDENT, "sign_in.changed", sign_in, at=now, version=sign_in.version)
    _queue_mail("sign_in_changed", sign_in, hearing, _shown(sign_in))
    return True


def withdraw_sign_in(sign_in: SignIn, *, now: datetime, seen_version: int) -> None:
    """Withdraw the sign-in until the deadline; withdrawing twice is harmless."""
    if sign_in.is_withdrawn:
        return
    if not sign_in.can_change(now):
        raise refusal(sign_in.hearing, now)
    if not _hold(sign_in, seen_version):
        if sign_in.is_withdrawn:
            return
        raise ChangedMeanwhile()
    # Read after the hold: a moderator's decision or a dispute may have moved it meanwhile.
    state = sign_in.tally_state
    positions = [(p.measure_id, p.position) for p in sign_in.positions]
    sign_in.status = SignInStatus.WITHDRAWN
    sign_in.rejection_reason = None
    sign_in.withdrawn_at = now
    sign_in.updated_at = now
    db.session.flush()
    tallies.move(
        sign_in.hearing_id,
        sign_in.id,
        _keys(positions, state),
        _keys(positions, SignInStatus.WITHDRAWN.value),
    )
    audit.record(audit.RESIDENT, "sign_in.withdrawn", sign_in, at=now)
    _queue_mail("sign_in_withdrawn", sign_in, sign_in.hearing, _shown(sign_in))


def _shown(sign_in: SignIn) -> list:
    return [(p.measure, p.position) for p in sign_in.positions]


SUBJECTS = {
    "sign_in_received": lambda s: _("Position recorded: %(number)s", number=s.tracking_number),
    "sign_in_changed": lambda s: _("Position changed: %(number)s", number=s.tracking_number),
    "sign_in_withdrawn": lambda s: _("Sign-in withdrawn: %(number)s", number=s.tracking_number),
}


def _queue_mail(kind: str, sign_in: SignIn, hearing: Hearing, positions, *, token=None) -> None:
    from app.signins import identity  # its links need the stored row's id and token hash

    base_url = current_app.config["BASE_URL"].rstrip("/")
    # An organisation's contact address stands in for a resident who gave none: it speaks
    # for no one's address, so the mail carries no confirm, dispute or opt-out link.
    own = not sign_in.mails_organisation
    outbox.queue(
        kind,
        to=sign_in.mail_address,
        subject=SUBJECTS[kind](sign_in),
        sign_in=sign_in,
        hearing=hearing,
        positions=positions,
        receipt_url=f"{base_url}/positions/{token}" if token else None,
        confirm_url=identity.link(sign_in, identity.CONFIRM) if token and own else None,
        dispute_url=identity.link(sign_in, identity.DISPUTE) if own else None,
        **(_receipt_links(sign_in, kind) if own else {}),
    )


# Where the factory puts a function of a sign-in returning more links for its receipt (the
# following package's "do not tell me what the committee did"), as for testimony.
RECEIPT_LINKS = "opentestimony.sign_in_receipt_links"


def _receipt_links(sign_in: SignIn, kind: str) -> dict[str, str]:
    more = current_app.extensions.get(RECEIPT_LINKS)
    return more(sign_in) if more is not None and kind == "sign_in_received" else {}
