"""What a submitting request carries: JSON, or multipart/form-data with the JSON in a part named
`data` and PDF files in parts of their own (items name them in `attachments`).

The whole body is read before anything is asked of the database (a slow client must not hold a
transaction open while its upload trickles in), and summed up in a fingerprint: the JSON as
parsed (so spacing or key order does not matter) and each file's SHA-256 by part name (so a
client drawing a new multipart boundary for a retry sends the same request).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from flask import current_app, request

from app.api.items import Part
from app.api.problems import FieldError, Problem

DATA_PART = "data"
ACCEPTED = "application/json, multipart/form-data"


@dataclass(frozen=True)
class Payload:
    document: object
    fingerprint: str
    parts: dict[str, Part] = field(default_factory=dict)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _parsed(raw: bytes, where: str) -> object:
    try:
        # UTF-8 only (RFC 8259): json.loads would guess UTF-16 from a byte order mark.
        return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        detail = "is not UTF-8"
    except (ValueError, RecursionError) as error:
        detail = f"is not valid JSON ({str(error)[:120]})"
    raise Problem(400, f"The {where} {detail}.")


def _fingerprint(kind: str, document: object, parts: dict[str, Part]) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path} {kind}\n".encode())
    digest.update(
        json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    )
    for name in sorted(parts):
        part = parts[name]
        content = hashlib.sha256(part.data).hexdigest()
        digest.update(f"\n{name}\0{part.filename}\0{content}".encode())
    return digest.hexdigest()


def read(*, files: bool) -> Payload:
    """The request's JSON document and files (only when `files`), or a Problem saying what to
    send instead."""
    mimetype = request.mimetype
    if mimetype == "application/json" or mimetype.endswith("+json"):
        document = _parsed(request.get_data(cache=False), "request body")
        return Payload(document, _fingerprint("json", document, {}))
    if mimetype == "multipart/form-data" and files:
        return _multipart()
    accepted = ACCEPTED if files else "application/json"
    raise Problem(
        415,
        f"Send {accepted}" + (f", with the JSON in a part named `{DATA_PART}`." if files else "."),
        headers={"Accept-Post": accepted},
    )


def _multipart() -> Payload:
    fields, uploads = request.form, request.files
    unexpected = [name for name in fields if name != DATA_PART]
    if unexpected:
        raise Problem(
            400,
            "A multipart request holds the JSON in a part named `data`, and files.",
            errors=[
                FieldError(f"?{name[:100]}", "Not a part this request takes.")
                for name in unexpected[:20]
            ],
        )
    if DATA_PART in uploads:
        raw = uploads[DATA_PART].read()
    elif DATA_PART in fields:
        raw = fields[DATA_PART].encode()
    else:
        raise Problem(400, f"The JSON document goes in a part named `{DATA_PART}`.")
    if len(fields.getlist(DATA_PART)) + len(uploads.getlist(DATA_PART)) > 1:
        raise Problem(400, f"Send one part named `{DATA_PART}`.")
    document = _parsed(raw, f"`{DATA_PART}` part")
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    parts: dict[str, Part] = {}
    for name in uploads:
        if name == DATA_PART:
            continue
        sent = uploads.getlist(name)
        if len(sent) > 1:
            raise Problem(400, "Give each file a part name of its own.")
        # One byte past the limit is enough for the file checks to refuse it as too large.
        parts[name] = Part(filename=sent[0].filename or name, data=sent[0].read(limit + 1))
    return Payload(document, _fingerprint("multipart", document, parts), parts)
