"""The shapes of what organisations send (testimony and sign-ins, one or a batch) and of what
they get back, as pydantic models: they write the OpenAPI document, and check each item's
types (app/api/items.py) before the web form's own checks decide what it may hold.

Types only are enforced here; the lengths and formats shown in the document (`maxLength`,
`pattern`) are those the web form enforces, with its messages, so an organisation's items are
held to exactly the rules a resident's form is.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.paging import MAX_ID
from app.api.schemas import FieldProblem, Position

MAX_BATCH = 1000


def _shown(description: str, **schema) -> dict:
    """A field's description and the bounds the web form enforces, for the document."""
    return {"description": description, "json_schema_extra": schema}


class Sent(BaseModel):
    # Strict: 5 is not "5", true is not "yes"; an unknown field is refused, not ignored, so a
    # misspelt one ("zipcode") is not silently lost.
    model_config = ConfigDict(extra="forbid", strict=True)


class StanceIn(Sent):
    measure_id: int = Field(gt=0, le=MAX_ID, description="A measure on the hearing's agenda.")
    position: Position


class ResidentIn(Sent):
    """Who the resident is, as the web form asks it."""

    full_name: str = Field(**_shown("The resident's full name.", maxLength=200))
    email: str = Field(
        "",
        **_shown(
            "The resident's e-mail address, where their receipt goes. Optional here: without "
            "one, the receipt goes to the organisation's contact address, saying so.",
            # No `format: email`: the empty default would break it; the address is checked
            # item by item as the web form checks it.
            maxLength=254,
        ),
    )
    city: str = Field(**_shown("City or town.", maxLength=100))
    zip_code: str = Field(**_shown("ZIP code.", pattern=r"^[0-9]{5}(-[0-9]{4})?$"))
    organization: str | None = Field(
        None, **_shown("An organization the resident names (optional).", maxLength=200)
    )
    positions: list[StanceIn] = Field(
        min_length=1,
        max_length=50,
        description="The measures addressed, each once, with the resident's position on each.",
    )
    language: str | None = Field(
        None,
        **_shown(
            "The language the resident reads (`en`, `es`): their receipt and later notices "
            "are written in it. By default the request's Accept-Language.",
            maxLength=12,
        ),
    )
    public_record_acknowledged: bool = Field(
        description="The resident understood that their name, city or town and what they "
        "sent become public record. Must be true, as the web form's box must be ticked."
    )
    external_reference: str | None = Field(
        None,
        **_shown(
            "The organisation's own reference for the item, given back in the answer and "
            "shown to moderators.",
            maxLength=100,
        ),
    )


class TestimonyIn(ResidentIn):
    street_address: str = Field(**_shown("Street address (never published).", maxLength=200))
    speaks_for_organization: bool = Field(
        False, description="The resident testifies on behalf of `organization`."
    )
    text: str = Field(
        description="The written testimony, plain text, within the web form's limit "
        "(10,000 characters)."
    )
    speaking_request: Literal["none", "in_person", "remote"] = Field(
        "none",
        description="Whether the resident asks to speak at the hearing, while sign-up is open "
        "and in a way the hearing offers.",
    )
    interpreter_language_id: int | None = Field(
        None, gt=0, le=MAX_ID, description="One of the body's interpreter languages."
    )
    interpreter_other: str | None = Field(
        None, **_shown("Another language, in words, when none of the body's fits.", maxLength=100)
    )
    accessibility_need: str | None = Field(None, **_shown("Accessibility needs.", maxLength=500))
    attachments: list[str] = Field(
        [],
        max_length=3,
        description="PDF files sent with a multipart request, by the name of their part.",
    )


class SignInIn(ResidentIn):
    pass


class TestimonyBatch(Sent):
    items: list[TestimonyIn] = Field(min_length=1, max_length=MAX_BATCH)


class SignInBatch(Sent):
    items: list[SignInIn] = Field(min_length=1, max_length=MAX_BATCH)


# Headers (besides `Authorization: Bearer <key>`, which every submission needs).

IDEMPOTENCY = (
    "Names this request: sent again with the same key and the same request within 24 hours, "
    "it gets the first answer and stores nothing twice; with another request, 422."
)


class SingleHeaders(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    idempotency_key: str | None = Field(
        None, alias="Idempotency-Key", pattern=r"^[ -~]{1,255}$", description=IDEMPOTENCY
    )


class BatchHeaders(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    idempotency_key: str = Field(
        alias="Idempotency-Key", pattern=r"^[ -~]{1,255}$", description=IDEMPOTENCY
    )


# Answers.


class Receipt(Sent):
    to: Literal["resident", "organisation"] = Field(
        description="Where the receipt e-mail goes: the resident's address, or the "
        "organisation's contact address when the resident gave none."
    )
    status: Literal["queued"] = Field(
        description="Queued with the stored item; sent once the request's work is stored."
    )


class Stored(Sent):
    status: Literal["stored"]
    tracking_number: str
    external_reference: str | None
    receipt: Receipt


class StoredItem(Stored):
    index: int = Field(description="The item's place in `items`, from 0.")


class RefusedItem(Sent):
    index: int
    status: Literal["refused"]
    external_reference: str | None
    errors: list[FieldProblem] = Field(
        description="What is wrong, each with a JSON Pointer into the request (`/items/3/email`)."
    )


class BatchAnswer(Sent):
    stored: int = Field(description="How many items were stored (each has a tracking number).")
    refused: int = Field(description="How many were not, each with its errors; none of it kept.")
    items: list[StoredItem | RefusedItem] = Field(description="One per item sent, in order.")
