"""One item an organisation sent, checked as the web form checks a resident's.

An item goes through three checks, and the first that finds something wrong says all it finds
at that level, each with a JSON Pointer into the request (`/items/3/email`):

1. its types (app/api/submission_schemas.py): an object, with known fields of the right kinds;
2. what only the API has: each measure once and on the agenda, the language offered, the
   external reference plain text, each attachment a part of the request;
3. the web form itself (app/api/forms.py), filled in with the item: lengths, formats,
   required fields, the speaking choices the hearing offers, the body's interpreter languages,
   and every attached PDF checked (and scanned for malware) as a resident's upload is.

What passes is a Submission (or SignInSubmission), the very data the web form hands to the
services, marked as sent by the organisation.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, replace

from flask import current_app, request
from flask_babel import gettext as _
from pydantic import ValidationError
from werkzeug.datastructures import FileStorage, MultiDict

from app.api.forms import ApiSignInForm, ApiTestimonyForm
from app.api.problems import FieldError
from app.api.submission_schemas import ResidentIn, SignInIn, TestimonyIn
from app.hearings.models import Hearing
from app.platform.validators import PlainText
from app.signins.services import SignInSubmission
from app.testimony.submissions import Submission

# The form's fields, by the name the API gives each.
POINTERS = {
    "body": "text",
    "measure_id": "positions",
    "position": "positions",
    "measures": "positions",
    "interpreter_language": "interpreter_language_id",
}
MAX_REFERENCE = 100
_NOT_TEXT = PlainText().not_text


@dataclass(frozen=True)
class Part:
    """A file part of a multipart request: the name the sender gave the file, and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Checked:
    """One item after its checks: what to store, or what is wrong with it."""

    index: int
    # Where the item is in the request: "" for a single item, "/items/3" in a batch.
    pointer: str
    external_reference: str | None
    language: str
    submission: Submission | SignInSubmission | None = None
    errors: tuple[FieldError, ...] = ()


def _type_errors(error: ValidationError, pointer: str) -> list[FieldError]:
    found = []
    for item in error.errors(include_url=False, include_context=False, include_input=False):
        path = "".join(f"/{part}" for part in item["loc"])
        found.append(FieldError(pointer + path, item["msg"]))
    return found


def _own_checks(
    hearing: Hearing, sent: ResidentIn, pointer: str, parts: dict[str, Part]
) -> list[FieldError]:
    """What the API asks of an item beyond its types, before the form sees it."""
    errors = []
    agenda = {measure.id for measure in hearing.measures}
    seen: set[int] = set()
    for index, stance in enumerate(sent.positions):
        where = f"{pointer}/positions/{index}/measure_id"
        if stance.measure_id in seen:
            errors.append(FieldError(where, _("This measure is already in positions.")))
        elif stance.measure_id not in agenda:
            errors.append(
                FieldError(where, _("Choose one of the measures on this hearing's agenda."))
            )
        seen.add(stance.measure_id)
    if sent.language is not None and sent.language not in current_app.config["LANGUAGES"]:
        offered = ", ".join(current_app.config["LANGUAGES"])
        errors.append(
            FieldError(f"{pointer}/language", _("Choose one of: %(codes)s.", codes=offered))
        )
    reference = sent.external_reference
    if reference is not None:
        where = f"{pointer}/external_reference"
        if len(reference) > MAX_REFERENCE:
            errors.append(FieldError(where, _("Use %(max)d characters or fewer.", max=100)))
        elif _NOT_TEXT.search(reference):
            errors.append(
                FieldError(where, _("Remove the control characters (such as NUL) from this field."))
            )
    for index, name in enumerate(getattr(sent, "attachments", ())):
        if name not in parts:
            errors.append(
                FieldError(
                    f"{pointer}/attachments/{index}",
                    _("The request has no file part named “%(name)s”.", name=name[:100]),
                )
            )
    return errors


def _positions(hearing: Hearing, sent: ResidentIn, formdata: MultiDict, *, several: bool) -> None:
    if several or len(hearing.measures) > 1:
        for stance in sent.positions:
            formdata[f"measures-{stance.measure_id}"] = stance.position
    else:
        formdata["measure_id"] = str(sent.positions[0].measure_id)
        formdata["position"] = sent.positions[0].position


def _resident_fields(sent: ResidentIn) -> MultiDict:
    formdata = MultiDict(
        {
            # A fresh key: each item is a submission of its own (retries are the
            # Idempotency-Key's to recognise, app/api/idempotency.py).
            "submission_key": secrets.token_urlsafe(24),
            "full_name": sent.full_name,
            "email": sent.email,
            "city": sent.city,
            "zip_code": sent.zip_code,
            "organization": sent.organization or "",
        }
    )
    if sent.public_record_acknowledged:
        formdata["public_record_acknowledged"] = "y"
    return formdata


def _form_errors(form, pointer: str) -> list[FieldError]:
    """The form's errors, in the order its page shows the fields, each at its API name."""
    found = form.errors
    order = {name: place for place, name in enumerate(form.PAGE_ORDER)}
    errors = []
    for name in sorted(found, key=lambda name: order.get(name, len(order))):
        where = pointer if name is None else f"{pointer}/{POINTERS.get(name, name)}"
        errors.extend(FieldError(where, str(message)) for message in found[name])
    return errors


def _language(sent: ResidentIn) -> str:
    """The resident's language: as sent, else the request's Accept-Language, else the site's."""
    offered = current_app.config["LANGUAGES"]
    if sent.language in offered:
        return sent.language
    return (
        request.accept_languages.best_match(offered) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def check_testimony(
    hearing: Hearing,
    raw: object,
    *,
    index: int,
    pointer: str,
    parts: dict[str, Part],
    allow_speaking: bool,
    organisation_id: int,
) -> Checked:
    """Check one testimony item; `pointer` is where it is in the request ("" for a single
    item, "/items/3" in a batch)."""
    sent, checked = _typed(TestimonyIn, raw, index, pointer)
    if sent is None:
        return checked
    errors = _own_checks(hearing, sent, pointer, parts)
    if errors:
        return replace(checked, errors=tuple(errors))
    formdata = _resident_fields(sent)
    formdata.update(
        {
            "street_address": sent.street_address,
            "body": sent.text,
            "speaking_request": sent.speaking_request,
            "accessibility_need": sent.accessibility_need or "",
        }
    )
    if sent.speaks_for_organization:
        formdata["speaks_for_organization"] = "y"
    if sent.interpreter_language_id is not None and sent.interpreter_other is not None:
        return replace(
            checked,
            errors=(
                FieldError(
                    f"{pointer}/interpreter_other",
                    _("Give interpreter_language_id or interpreter_other, not both."),
                ),
            ),
        )
    if sent.interpreter_language_id is not None:
        formdata["interpreter_language"] = str(sent.interpreter_language_id)
    elif sent.interpreter_other is not None:
        formdata["interpreter_language"] = "other"
        formdata["interpreter_other"] = sent.interpreter_other
    _positions(hearing, sent, formdata, several=len(sent.positions) > 1)
    for name in sent.attachments:
        part = parts[name]
        formdata.add(
            "attachments", FileStorage(io.BytesIO(part.data), filename=part.filename or name)
        )
    form = ApiTestimonyForm(formdata=formdata, hearing=hearing, allow_speaking=allow_speaking)
    if not form.validate():
        return replace(checked, errors=tuple(_form_errors(form, pointer)))
    submission = replace(
        form.to_submission(),
        organisation_id=organisation_id,
        external_reference=sent.external_reference,
    )
    return replace(checked, submission=submission)


def check_sign_in(
    hearing: Hearing,
    raw: object,
    *,
    index: int,
    pointer: str,
    organisation_id: int,
) -> Checked:
    """Check one sign-in item (as check_testimony)."""
    sent, checked = _typed(SignInIn, raw, index, pointer)
    if sent is None:
        return checked
    errors = _own_checks(hearing, sent, pointer, {})
    if errors:
        return replace(checked, errors=tuple(errors))
    formdata = _resident_fields(sent)
    # The sign-in form asks measure by measure, however many the agenda has.
    _positions(hearing, sent, formdata, several=True)
    form = ApiSignInForm(formdata=formdata, hearing=hearing)
    if not form.validate():
        return replace(checked, errors=tuple(_form_errors(form, pointer)))
    submission = replace(
        form.to_submission(),
        organisation_id=organisation_id,
        external_reference=sent.external_reference,
    )
    return replace(checked, submission=submission)


def _typed(model, raw: object, index: int, pointer: str):
    """The item as its model, or None with a Checked saying what is wrong with its types."""
    reference = raw.get("external_reference") if isinstance(raw, dict) else None
    fits = isinstance(reference, str) and len(reference) <= MAX_REFERENCE
    checked = Checked(
        index=index,
        pointer=pointer,
        # Given back in the answer, refused or not: only when it is one that could be kept.
        external_reference=reference if fits and not _NOT_TEXT.search(reference) else None,
        language=current_app.config["BABEL_DEFAULT_LOCALE"],
    )
    if not isinstance(raw, dict):
        return None, replace(
            checked, errors=(FieldError(pointer, _("Send each item as an object.")),)
        )
    try:
        sent = model.model_validate(raw)
    except ValidationError as error:
        return None, replace(checked, errors=tuple(_type_errors(error, pointer)))
    return sent, replace(checked, language=_language(sent))
