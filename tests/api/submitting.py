"""Shared set-up for the submission API's tests: a key for a hearing's body, items as an
organisation sends them, and requests carrying both."""

from __future__ import annotations

import uuid

from app.organisations.models import ApiScope
from app.platform.extensions import db
from tests.factories import make_api_key


def key_for(hearing, *, scopes=None, bodies=None, **overrides):
    """An IssuedKey that may submit both kinds to the hearing's body (`.plaintext` to send),
    committed with everything made before it: the test shares its session with the requests
    it sends, and a refused request rolls back what is not committed."""
    issued = make_api_key(
        bodies=bodies or [hearing.committee.body],
        scopes=scopes if scopes is not None else tuple(ApiScope),
        **overrides,
    )
    db.session.commit()
    return issued


def written_item(hearing, **overrides) -> dict:
    item = {
        "full_name": "Denise Okafor",
        "email": "denise@example.org",
        "street_address": "12 Example Street",
        "city": "Dorchester",
        "zip_code": "02124",
        "positions": [{"measure_id": hearing.measures[0].id, "position": "support"}],
        "text": "I support the ban on face surveillance.",
        "public_record_acknowledged": True,
    }
    item.update(overrides)
    return {name: value for name, value in item.items() if value is not None}


def position_item(hearing, **overrides) -> dict:
    item = {
        "full_name": "Rosa Delgado",
        "email": "rosa@example.org",
        "city": "Jamaica Plain",
        "zip_code": "02130",
        "positions": [{"measure_id": hearing.measures[0].id, "position": "oppose"}],
        "public_record_acknowledged": True,
    }
    item.update(overrides)
    return {name: value for name, value in item.items() if value is not None}


def headers(key, idempotency_key: str | None = None) -> dict[str, str]:
    sent = {"Authorization": f"Bearer {key.plaintext}"}
    if idempotency_key is not None:
        sent["Idempotency-Key"] = idempotency_key
    return sent


def post(client, path: str, document, *, key, idempotency_key: str | None = None, **kwargs):
    """Send `document`; the answer comes back closed, so the work left for after the commit
    (campaign placement, receipts) is done now, in this test, rather than whenever the answer
    is garbage-collected, in some later test, holding SQLite's write lock."""
    return closed(client.post(path, json=document, headers=headers(key, idempotency_key), **kwargs))


def closed(answer):
    answer.get_data()  # read it first: it is still readable once closed
    answer.close()
    return answer


def post_batch(client, hearing, items: list, *, key, kind: str = "testimony", idempotency_key=None):
    """A batch, with a fresh Idempotency-Key unless one is given."""
    return post(
        client,
        f"/api/v1/hearings/{hearing.id}/{kind}/batch",
        {"items": items},
        key=key,
        idempotency_key=idempotency_key or str(uuid.uuid4()),
    )
