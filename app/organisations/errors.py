"""Why a service refused: for admins on the organisation pages, and for the API's callers.

The refusals of a presented key (KeyRefused and its kinds) carry what the API answers with:
`status` (401 when the key cannot be used at all, 403 when it can but not for this) and
`code`, a stable word for programs; str(error) is the sentence for people.
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.platform.errors import DomainError


class NameTaken(DomainError):
    def __init__(self) -> None:
        super().__init__(_("An organisation with this name is already registered."))


class MissingName(DomainError):
    def __init__(self) -> None:
        super().__init__(_("Enter the organisation's name."))


class InvalidContactEmail(DomainError):
    def __init__(self) -> None:
        super().__init__(_("Enter an e-mail address like name@example.org."))


class InvalidWebsite(DomainError):
    def __init__(self) -> None:
        super().__init__(_("Enter a web address starting with https://"))


class NotWhileArchived(DomainError):
    def __init__(self) -> None:
        super().__init__(_("This organisation is archived: it cannot be changed or given keys."))


class InvalidKeyDetails(DomainError):
    """A key asked for with no scope, no body, an expiry out of range or a bad limit."""


class KeyAlreadyIssued(DomainError):
    """The issuing form was sent again: its key exists, and was shown when it was made."""

    def __init__(self, key) -> None:
        self.key = key
        self.key_id = key.id
        super().__init__(
            _(
                "This form already issued the key %(prefix)s, shown once when it was made. If it"
                " was not copied, revoke it and issue another.",
                prefix=key.prefix,
            )
        )


class KeyAlreadyRevoked(DomainError):
    def __init__(self) -> None:
        super().__init__(_("This key was already revoked."))


class KeyRefused(DomainError):
    """A presented API key may not do what was asked."""

    status = 401
    code = "key_refused"


class UnknownKey(KeyRefused):
    """Not a key this site issued: malformed, mistyped or made up."""

    code = "unknown_key"

    def __init__(self) -> None:
        super().__init__(_("This API key is not valid."))


class KeyRevoked(KeyRefused):
    code = "key_revoked"

    def __init__(self) -> None:
        super().__init__(_("This API key has been revoked."))


class KeyExpired(KeyRefused):
    code = "key_expired"

    def __init__(self) -> None:
        super().__init__(_("This API key has expired."))


class OrganisationArchived(KeyRefused):
    code = "organisation_archived"

    def __init__(self) -> None:
        super().__init__(_("The organisation this API key belongs to is archived."))


class ScopeMissing(KeyRefused):
    status = 403
    code = "scope_missing"

    def __init__(self, scope) -> None:
        self.scope = scope
        super().__init__(_("This API key may not do this (it lacks %(scope)s).", scope=scope))


class BodyNotAllowed(KeyRefused):
    status = 403
    code = "body_not_allowed"

    def __init__(self) -> None:
        super().__init__(_("This API key may not submit to this body."))
