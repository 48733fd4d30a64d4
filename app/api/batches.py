"""Taking what an organisation sends, one item or a batch of up to 1,000, in one transaction.

The order is the web form's intake (app/testimony/intake.py), for a request carrying many:

1. the key: one that cannot be used is refused at once (app/api/keys.py);
2. the Idempotency-Key: a retry gets the answer the first request got, and nothing more is
   done (app/api/idempotency.py);
3. the hearing's deadline, then the key's hourly allowance of items (app/api/key_limits.py);
4. each item checked as the web form checks a resident's, files included (app/api/items.py),
   and each e-mail address counted against the web form's limit on the hearing. All of this
   before the transaction writes: on SQLite nobody else's submission waits while it runs;
5. the write: the key's use recorded, the idempotency record claimed, the deadline read again,
   then each item stored by the web form's own services (identity, campaign placement after
   the commit, moderation, receipt), each in a savepoint of its own, so an item a service
   refuses leaves nothing behind and the rest are stored;
6. the answer, saying of each item whether it was stored (its tracking number and where its
   receipt goes) or refused (its errors), kept with the idempotency record.

The request's transaction is committed once, after the view returns (app/platform/
transaction.py): every item stored, or, if the commit fails, none, and the answer is then a
503 saying nothing was stored. Mail and placements are handed over only after the commit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.api import idempotency, items, key_limits, keys, payloads
from app.api.idempotency import Answer
from app.api.problems import FieldError, Problem
from app.api.submission_schemas import MAX_BATCH
from app.hearings.models import Hearing
from app.organisations.models import ApiScope
from app.platform.database import begin_writing
from app.platform.extensions import db
from app.platform.transaction import attempt
from app.signins import services as sign_ins
from app.signins.models import SignIn
from app.testimony import bot_defence
from app.testimony import services as testimony
from app.testimony.intake import reread_status_times
from app.testimony.models import Testimony


@dataclass(frozen=True)
class Kind:
    """Testimony or sign-ins: what the key must allow, how an item is checked and stored."""

    scope: ApiScope
    noun: str
    files: bool
    limit_scope: str
    model: type
    # The stored row's id on the service's receipt.
    receipt_id: str
    # A service refusal's class name → the item's field it is about.
    refusal_fields: dict[str, str]


TESTIMONY = Kind(
    scope=ApiScope.SUBMIT_TESTIMONY,
    noun="testimony",
    files=True,
    limit_scope="testimony",
    model=Testimony,
    receipt_id="testimony_id",
    refusal_fields={
        "UnknownMeasure": "positions",
        "SpeakerSignupClosed": "speaking_request",
        "NoRemoteOption": "speaking_request",
        "NoInPersonOption": "speaking_request",
        "UnknownInterpreterLanguage": "interpreter_language_id",
    },
)
SIGN_INS = Kind(
    scope=ApiScope.SUBMIT_SIGN_INS,
    noun="sign-in",
    files=False,
    limit_scope="sign-in",
    model=SignIn,
    receipt_id="sign_in_id",
    refusal_fields={"UnknownMeasure": "positions", "NoPosition": "positions"},
)


@dataclass(frozen=True)
class Outcome:
    """The answer: stored items (or a batch's results), or a single item's refusal."""

    answer: Answer | None = None
    problem: Problem | None = None
    replayed: bool = False

    def response(self):
        if self.problem is not None:
            return self.problem.response()
        return self.answer.response(replayed=self.replayed)


def submit(hearing: Hearing, kind: Kind, *, batch: bool, now: datetime) -> Outcome:
    """Take the request's item (or batch) for `hearing`; see the module's docstring."""
    body = hearing.committee.body
    found = keys.check_early(body, kind.scope, now=now)
    idempotency_key = idempotency.requested_key(required=batch)
    payload = payloads.read(files=kind.files)
    sent = _items_of(payload.document) if batch else [payload.document]
    if idempotency_key is not None:
        earlier = idempotency.earlier_answer(found, idempotency_key, payload.fingerprint, now=now)
        if earlier is not None:
            return Outcome(earlier, replayed=True)
    _check_open(hearing, now)
    key_limits.count_items(found, len(sent))
    checked = _check_all(hearing, kind, sent, payload, found.organisation_id, batch=batch, now=now)

    begin_writing()  # from here on this transaction writes: the checks above are done
    key = keys.authenticated(body, kind.scope, now=now)
    claimed = None
    if idempotency_key is not None:
        claimed = idempotency.claim(key, idempotency_key, payload.fingerprint, now=now)
        if isinstance(claimed, Answer):  # stored meanwhile by the same request sent twice
            return Outcome(claimed, replayed=True)
    reread_status_times(hearing)
    _check_open(hearing, now)
    results = [_store(hearing, kind, item, now=now) for item in checked]
    outcome = _outcome(kind, results, batch=batch)
    if claimed is not None:
        if outcome.answer is not None and any(result.stored for result in results):
            idempotency.keep(claimed, outcome.answer)
        else:
            idempotency.let_go(claimed)
    return outcome


def _check_open(hearing: Hearing, now: datetime) -> None:
    if not hearing.is_accepting_testimony(now):
        raise Problem(409, str(testimony.refusal(hearing, now)))


def _items_of(document: object) -> list:
    """The batch's items: 1 to MAX_BATCH of them under `items`."""
    if not isinstance(document, dict) or set(document) != {"items"}:
        raise Problem(
            422,
            "A batch is an object with one member, `items`: a list of 1 to 1,000 items.",
            errors=[FieldError("/items", _("Send the items as a list named items."))],
        )
    listed = document["items"]
    if not isinstance(listed, list) or not 1 <= len(listed) <= MAX_BATCH:
        count = f"; this one has {len(listed):,}" if isinstance(listed, list) else ""
        raise Problem(
            422,
            f"A batch holds 1 to {MAX_BATCH:,} items{count}.",
            errors=[FieldError("/items", _("Send 1 to 1,000 items."))],
        )
    return listed


def _check_all(
    hearing: Hearing,
    kind: Kind,
    sent: list,
    payload: payloads.Payload,
    organisation_id: int,
    *,
    batch: bool,
    now: datetime,
) -> list[items.Checked]:
    allow_speaking = hearing.is_accepting_speakers(now)
    checked = []
    for index, raw in enumerate(sent):
        pointer = f"/items/{index}" if batch else ""
        if kind is TESTIMONY:
            item = items.check_testimony(
                hearing,
                raw,
                index=index,
                pointer=pointer,
                parts=payload.parts,
                allow_speaking=allow_speaking,
                organisation_id=organisation_id,
            )
        else:
            item = items.check_sign_in(
                hearing, raw, index=index, pointer=pointer, organisation_id=organisation_id
            )
        checked.append(_count_address(hearing, kind, item))
    return checked


def _count_address(hearing: Hearing, kind: Kind, item: items.Checked) -> items.Checked:
    """The web form's limit per e-mail address on a hearing, for an item that gave one: it
    keeps one inbox from being flooded with receipts, whoever sends them."""
    if item.submission is None or not item.submission.email:
        return item
    limited = bot_defence.count_for_email(hearing.id, item.submission.email, scope=kind.limit_scope)
    if limited is None:
        return item
    message = _(
        "Too many submissions with this e-mail address on this hearing: try again in "
        "%(minutes)d minutes.",
        minutes=(limited.retry_after + 59) // 60,
    )
    return replace(item, submission=None, errors=(FieldError(f"{item.pointer}/email", message),))


@dataclass(frozen=True)
class Result:
    item: items.Checked
    stored_id: int | None = None
    errors: tuple[FieldError, ...] = ()

    @property
    def stored(self) -> bool:
        return self.stored_id is not None


def _store(hearing: Hearing, kind: Kind, item: items.Checked, *, now: datetime) -> Result:
    """Store one checked item through the web form's service, in a savepoint of its own."""
    if item.submission is None:
        return Result(item, errors=item.errors)
    store: Callable = testimony.submit_testimony if kind is TESTIMONY else sign_ins.record_sign_in
    # The resident's language: their receipt is written in it, and later notices too.
    with force_locale(item.language), attempt() as outcome:
        receipt = store(hearing, item.submission, now=now, known_new=True)
    if outcome.error is None:
        return Result(item, stored_id=getattr(receipt, kind.receipt_id))
    if isinstance(outcome.error, testimony.WindowClosed):
        # Read at the start of the write, the deadline differs only if a clerk moved it this
        # very moment: then nothing of the request is stored.
        raise Problem(409, str(outcome.error))
    field = kind.refusal_fields.get(type(outcome.error).__name__)
    pointer = item.pointer + (f"/{field}" if field else "")
    return Result(item, errors=(FieldError(pointer, str(outcome.error)),))


def _tracking_numbers(kind: Kind, ids: list[int]) -> dict[int, str]:
    """The stored items' tracking numbers, in one query for the batch."""
    if not ids:
        return {}
    model = kind.model
    rows = db.session.execute(select(model.id, model.tracking_number).where(model.id.in_(ids)))
    return dict(rows.all())


def _shape(result: Result, numbers: dict[int, str]) -> dict:
    if not result.stored:
        return {
            "status": "refused",
            "external_reference": result.item.external_reference,
            "errors": [error.as_dict() for error in result.errors],
        }
    # Stored with the resident's own address, or (none given) the organisation's.
    to = "resident" if result.item.submission.email else "organisation"
    return {
        "status": "stored",
        "tracking_number": numbers[result.stored_id],
        "external_reference": result.item.external_reference,
        "receipt": {"to": to, "status": "queued"},
    }


def _outcome(kind: Kind, results: list[Result], *, batch: bool) -> Outcome:
    numbers = _tracking_numbers(kind, [result.stored_id for result in results if result.stored])
    if not batch:
        single = results[0]
        if not single.stored:
            # Returned, not raised: the key's use is recorded all the same.
            return Outcome(
                problem=Problem(
                    422,
                    f"The {kind.noun} was not stored: see `errors`.",
                    errors=list(single.errors),
                )
            )
        return Outcome(Answer(201, _json(_shape(single, numbers))))
    stored = sum(1 for result in results if result.stored)
    document = {
        "stored": stored,
        "refused": len(results) - stored,
        "items": [{"index": r.item.index, **_shape(r, numbers)} for r in results],
    }
    return Outcome(Answer(200, _json(document)))


def _json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
