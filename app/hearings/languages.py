"""The interpreter languages a body offers: a list it keeps, each named in every interface
language, with "other (say which)" for anything not on it."""

from __future__ import annotations

from sqlalchemy import func, select

from app.hearings.models import Body, InterpreterLanguage
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
    return list(
        db.session.scalars(
            select(InterpreterLanguage)
            .where(InterpreterLanguage.body_id == body_id)
            .order_by(InterpreterLanguage.position, InterpreterLanguage.id)
        )
    )


def count_languages(body_id: int) -> int:
    return db.session.scalar(select(func.count()).where(InterpreterLanguage.body_id == body_id))
