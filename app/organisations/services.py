"""Register and archive organisations, issue and revoke their API keys, and check a key the API
is handed. Services take the acting admin, flush and audit; callers commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import StaffUser
from app.hearings.models import Body
from app.organisations import keys
from app.organisations.errors import (
    InvalidContactEmail,
    InvalidKeyDetails,
    InvalidWebsite,
    KeyAlreadyIssued,
    KeyAlreadyRevoked,
    MissingName,
    NameTaken,
    NotWhileArchived,
)
from app.organisations.models import ApiKey, ApiKeyScope, ApiScope, Organisation, name_key
from app.platform import audit
from app.platform.extensions import db

# The longest a key may live: a leaked key that nobody revokes stops working within a year.
MAX_KEY_LIFETIME = timedelta(days=365)
DEFAULT_KEY_LIFETIME = timedelta(days=90)
MAX_ITEMS_PER_HOUR = 100_000


# Organisations.


@dataclass(frozen=True)
class OrganisationDetails:
    name: str
    contact_email: str
    website: str | None = None


def _checked(details: OrganisationDetails) -> OrganisationDetails:
    name = details.name.strip()
    if not name:
        raise MissingName()
    try:
        email = validate_email(details.contact_email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidContactEmail() from error
    website = (details.website or "").strip() or None
    if website is not None:
        parts = urlsplit(website)
        if parts.scheme not in {"http", "https"} or not parts.netloc or len(website) > 500:
            raise InvalidWebsite()
    return OrganisationDetails(name=name, contact_email=email.normalized, website=website)


def _name_taken(key: str, *, besides: int | None = None) -> bool:
    query = select(Organisation.id).where(Organisation.name_key == key)
    if besides is not None:
        query = query.where(Organisation.id != besides)
    return db.session.scalar(query) is not None


def _flush_name(organisation: Organisation) -> None:
    """Flush, turning a name another admin registered a moment ago into NameTaken."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise NameTaken() from error


def register_organisation(
    actor: StaffUser, details: OrganisationDetails, *, now: datetime
) -> Organisation:
    details = _checked(details)
    key = name_key(details.name)
    if _name_taken(key):
        raise NameTaken()
    organisation = Organisation(
        name=details.name,
        name_key=key,
        contact_email=details.contact_email,
        website=details.website,
        created_at=now,
        created_by_id=actor.id,
    )
    db.session.add(organisation)
    _flush_name(organisation)
    audit.record(actor.audit_name, "organisation.registered", organisation, at=now)
    return organisation


def update_organisation(
    actor: StaffUser, organisation: Organisation, details: OrganisationDetails, *, now: datetime
) -> None:
    if organisation.is_archived:
        raise NotWhileArchived()
    details = _checked(details)
    key = name_key(details.name)
    if _name_taken(key, besides=organisation.id):
        raise NameTaken()
    changed = sorted(
        field
        for field in ("name", "contact_email", "website")
        if getattr(organisation, field) != getattr(details, field)
    )
    if not changed:
        return
    organisation.name = details.name
    organisation.name_key = key
    organisation.contact_email = details.contact_email
    organisation.website = details.website
    _flush_name(organisation)
    # Which fields, not their values: the audit log keeps no contact addresses.
    audit.record(actor.audit_name, "organisation.updated", organisation, at=now, changed=changed)


def _lock(organisation: Organisation) -> None:
    """Hold the organisation's row and read it again: archiving and issuing a key take turns,
    so no key is issued to an organisation as it is archived."""
    db.session.execute(
        select(Organisation.id).where(Organisation.id == organisation.id).with_for_update()
    )
    db.session.refresh(organisation)


def archive_organisation(actor: StaffUser, organisation: Organisation, *, now: datetime) -> int:
    """Archive the organisation and revoke each of its keys still working; returns how many."""
    _lock(organisation)
    if organisation.is_archived:
        raise NotWhileArchived()
    organisation.archived_at = now
    organisation.archived_by_id = actor.id
    revoked = db.session.scalars(
        update(ApiKey)
        .where(ApiKey.organisation_id == organisation.id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by_id=actor.id)
        .returning(ApiKey.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.flush()
    db.session.expire(organisation, ["keys"])
    audit.record_each(
        actor.audit_name,
        "api_key.revoked",
        ApiKey.__tablename__,
        sorted(revoked),
        at=now,
        reason="organisation_archived",
    )
    audit.record(
        actor.audit_name, "organisation.archived", organisation, at=now, keys_revoked=len(revoked)
    )
    return len(revoked)


# Keys.


@dataclass(frozen=True)
class IssuedKey:
    """A key just issued: `plaintext` is shown to the admin once; only its hash is stored."""

    key: ApiKey
    plaintext: str


def default_items_per_hour() -> int:
    return int(current_app.config["API_KEY_ITEMS_PER_HOUR"])


def _check_key_details(
    scopes: frozenset[ApiScope], bodies: list[Body], expires_at: datetime, limit: int, now
) -> None:
    if not scopes:
        raise InvalidKeyDetails(_("Choose at least one thing the key may do."))
    if not bodies:
        raise InvalidKeyDetails(_("Choose at least one body the key may submit to."))
    if expires_at <= now:
        raise InvalidKeyDetails(_("A key must expire in the future."))
    if expires_at > now + MAX_KEY_LIFETIME:
        raise InvalidKeyDetails(_("A key expires at most a year after it is issued."))
    if not 1 <= limit <= MAX_ITEMS_PER_HOUR:
        raise InvalidKeyDetails(
            _("Allow between 1 and %(max)d items an hour.", max=MAX_ITEMS_PER_HOUR)
        )


def _issued_by_form(form_key: str | None) -> ApiKey | None:
    if form_key is None:
        return None
    return db.session.scalar(select(ApiKey).where(ApiKey.form_key == form_key))


def issue_key(
    actor: StaffUser,
    organisation: Organisation,
    *,
    label: str,
    scopes: Iterable[ApiScope],
    bodies: Iterable[Body],
    expires_at: datetime,
    now: datetime,
    items_per_hour: int | None = None,
    form_key: str | None = None,
) -> IssuedKey:
    """Issue a key; the plaintext is in the result and nowhere else, ever.

    `form_key` is the issuing form's random key: sent twice (a double click, a reload), the
    form issues one key, and the second time raises KeyAlreadyIssued naming it.
    """
    scopes = frozenset(scopes)
    bodies = sorted(set(bodies), key=lambda body: body.id)
    limit = default_items_per_hour() if items_per_hour is None else items_per_hour
    label = label.strip()
    if not label:
        raise InvalidKeyDetails(_("Enter a label for the key."))
    _check_key_details(scopes, bodies, expires_at, limit, now)
    _lock(organisation)
    if organisation.is_archived:
        raise NotWhileArchived()
    earlier = _issued_by_form(form_key)
    if earlier is not None:
        raise KeyAlreadyIssued(earlier)
    for _attempt in range(3):
        made = keys.new_key()
        key = ApiKey(
            organisation_id=organisation.id,
            label=label,
            prefix=made.prefix,
            key_hash=made.key_hash,
            form_key=form_key,
            expires_at=expires_at,
            items_per_hour=limit,
            created_at=now,
            created_by_id=actor.id,
            scope_rows=[ApiKeyScope(scope=scope) for scope in sorted(scopes)],
            bodies=bodies,
        )
        try:
            with db.session.begin_nested():
                db.session.add(key)
                db.session.flush()
        except IntegrityError:
            # The same form sent at the same moment, or (once in billions) a prefix already used.
            earlier = _issued_by_form(form_key)
            if earlier is not None:
                raise KeyAlreadyIssued(earlier) from None
            continue
        break
    else:  # pragma: no cover - three prefix collisions in a row
        raise RuntimeError("could not draw an unused key prefix")
    db.session.expire(organisation, ["keys"])
    audit.record(
        actor.audit_name,
        "api_key.issued",
        key,
        at=now,
        organisation_id=organisation.id,
        prefix=key.prefix,
        scopes=sorted(scopes),
        body_ids=[body.id for body in bodies],
        expires_at=expires_at.isoformat(),
        items_per_hour=limit,
    )
    return IssuedKey(key=key, plaintext=made.plaintext)


def revoke_key(actor: StaffUser, key: ApiKey, *, now: datetime) -> None:
    """Revoke a key; of two admins revoking it at once, one does and the other is told."""
    revoked = db.session.execute(
        update(ApiKey)
        .where(ApiKey.id == key.id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(key)
    if revoked != 1:
        raise KeyAlreadyRevoked()
    audit.record(actor.audit_name, "api_key.revoked", key, at=now, reason="revoked")
