"""Cursor pagination: each list answers with at most `limit` items and, when there are more, a
`next` cursor naming the last item given, so a page never skips or repeats an item when rows
are added meanwhile (keyset paging, the cost of page 1,000 the same as page 1)."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from app.api.problems import FieldError, Problem

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Ids are positive 32-bit integers on every database we run on.
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class After:
    """Where a page starts: after the row with this sort value and id."""

    value: datetime | int | None
    row_id: int


def encode(value: datetime | int | None, row_id: int) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(UTC).isoformat()
    raw = json.dumps([value, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, kind: type | None) -> After:
    """The position a cursor names, or a 400 problem when it is not one of ours (damaged,
    forged, or from another list)."""
    refused = Problem(
        400,
        "The cursor is not valid for this list. Start again without one.",
        errors=[FieldError("?cursor", "Use the `next` value of a page of this list, as given.")],
    )
    if len(cursor) > 200:
        raise refused
    try:
        value, row_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, binascii.Error):
        raise refused from None
    if isinstance(row_id, bool) or not isinstance(row_id, int) or not 0 < row_id <= MAX_ID:
        raise refused
    if kind is datetime:
        try:
            value = datetime.fromisoformat(value) if isinstance(value, str) else None
            value = value.astimezone(UTC) if value and value.tzinfo else None
        except (ValueError, OverflowError):
            value = None
        if value is None:
            raise refused
    elif kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 2**53:
            raise refused
    elif value is not None:
        raise refused
    return After(value, row_id)
