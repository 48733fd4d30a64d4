"""The interpreter languages a body offers: a list it keeps, each named in every interface
language, with "other (say which)" for anything not on it."""

from __future__ import annotations

from datetime import datetime

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import StaffUser
from app.hearings.models import Body, InterpreterLanguage
from app.platform import audit
from app.platform.errors import DomainError
from app.platform.extensions import db

# The languages most asked for in Boston's and Massachusetts's language-access plans, and ASL.
# A new body starts with these; its clerks change the list on the body's page.
DEFAULT_LANGUAGES: tuple[tuple[str, str, str], ...] = (
    ("es", "Spanish", "Español"),
    ("ht", "Haitian Creole", "Criollo haitiano"),
    ("zh-yue", "Chinese (Cantonese)", "Chino (cantonés)"),
    ("zh-cmn", "Chinese (Mandarin)", "Chino (mandarín)"),
    ("vi", "Vietnamese", "Vietnamita"),
    ("kea", "Cape Verdean Creole", "Criollo caboverdiano"),
    ("pt", "Portuguese", "Portugués"),
    ("ru", "Russian", "Ruso"),
    ("ar", "Arabic", "Árabe"),
    ("so", "Somali", "Somalí"),
    ("fr", "French", "Francés"),
    ("ase", "American Sign Language", "Lengua de señas americana"),
)


def list_default_languages(body: Body) -> None:
    """Give a new (flushed) body the default list."""
    for position, (code, english, spanish) in enumerate(DEFAULT_LANGUAGES):
        db.session.add(
            InterpreterLanguage(
                body_id=body.id, code=code, names={"en": english, "es": spanish}, position=position
            )
        )
    db.session.flush()


def body_languages(body_id: int) -> list[InterpreterLanguage]:
    """The body's list, in its order."""
    return list(db.session.scalars(_BODY_LANGUAGES, {"body_id": body_id}))


# Built once: the testimony form asks for it on every request (see _STORED_ID in
# app/testimony/services.py for why).
_BODY_LANGUAGES = (
    select(InterpreterLanguage)
    .where(InterpreterLanguage.body_id == bindparam("body_id"))
    .order_by(InterpreterLanguage.position, InterpreterLanguage.id)
)


def reader_locale() -> str:
    """The page's language, as the keys of a language's names ("en", "es")."""
    locale = get_locale()
    return locale.language if locale is not None else "en"


def count_languages(body_id: int) -> int:
    return db.session.scalar(select(func.count()).where(InterpreterLanguage.body_id == body_id))


# The clerk's changes to a body's list. Callers commit; these flush and record each change.


class DuplicateLanguageCode(DomainError):
    def __init__(self, code: str) -> None:
        super().__init__(
            _("This body's list already has a language with the code “%(code)s”.", code=code)
        )


class LanguageInUse(DomainError):
    def __init__(self, name: str) -> None:
        super().__init__(
            _(
                "“%(name)s” stays on the list: testimony or a speaker asks for an interpreter "
                "in it. You can rename it instead.",
                name=name,
            )
        )


def add_language(
    actor: StaffUser, body: Body, *, code: str, names: dict[str, str], now: datetime
) -> InterpreterLanguage:
    """Add a language at the end of the body's list; its code must be new to the body."""
    last = db.session.scalar(
        select(func.max(InterpreterLanguage.position)).where(InterpreterLanguage.body_id == body.id)
    )
    position = 0 if last is None else last + 1
    language = InterpreterLanguage(body_id=body.id, code=code, names=dict(names), position=position)
    # The unique key decides, so two clerks adding one code at once get one row and a message.
    try:
        with db.session.begin_nested():
            db.session.add(language)
    except IntegrityError:
        raise DuplicateLanguageCode(code) from None
    audit.record(
        actor.audit_name, "interpreter_language.added", body, at=now, code=code, names=names
    )
    return language


def rename_language(
    actor: StaffUser, language: InterpreterLanguage, *, names: dict[str, str], now: datetime
) -> None:
    """Rename a listed language; testimony that asks for it shows the new name."""
    before = dict(language.names or {})
    language.names = {**before, **names}
    db.session.flush()
    audit.record(
        actor.audit_name,
        "interpreter_language.renamed",
        _body_of(language),
        at=now,
        code=language.code,
        before=before,
        names=language.names,
    )


def move_language(
    actor: StaffUser, language: InterpreterLanguage, *, offset: int, now: datetime
) -> bool:
    """Move a language up (-1) or down (+1) the body's list; False when it is already at that
    end. The list is numbered afresh, so positions stay 0, 1, 2, ... whatever came before."""
    listed = body_languages(language.body_id)
    index = next(i for i, item in enumerate(listed) if item.id == language.id)
    target = index + offset
    if not 0 <= target < len(listed):
        return False
    listed.insert(target, listed.pop(index))
    for position, item in enumerate(listed):
        item.position = position
    db.session.flush()
    audit.record(
        actor.audit_name,
        "interpreter_language.moved",
        _body_of(language),
        at=now,
        code=language.code,
        position=target,
    )
    return True


def remove_language(actor: StaffUser, language: InterpreterLanguage, *, now: datetime) -> None:
    """Take a language off the body's list, unless testimony or a speaker asks for it.

    Whatever refers to a listed language (testimony, speakers, and whatever comes later) does
    so by a foreign key that restricts deletion, so the database answers "in use": nothing
    here needs to know the tables above it. On PostgreSQL a submission choosing the language
    at this moment holds a key-share lock on its row, so the delete waits for it and then
    sees it.
    """
    name, code, body = language.name("en"), language.code, _body_of(language)
    try:
        with db.session.begin_nested():
            db.session.execute(
                delete(InterpreterLanguage)
                .where(InterpreterLanguage.id == language.id)
                .execution_options(synchronize_session=False)
            )
    except IntegrityError:
        raise LanguageInUse(language.name(reader_locale())) from None
    db.session.expunge(language)
    audit.record(
        actor.audit_name, "interpreter_language.removed", body, at=now, code=code, name=name
    )


def _body_of(language: InterpreterLanguage) -> Body:
    return db.session.get(Body, language.body_id)
