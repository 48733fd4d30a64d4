"""A measure's title and summary in the reader's language.

Clerks type a measure's title and summary in the site's default language (English) and may add
a translation for each other interface language, on the measure's form or in an imported
agenda. Residents reading in that language see the translation, with the original one click
away; staff pages, exports and the packet keep the original. The API and mail use
`measure_text` too, so every reader of a measure sees the same words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from babel import Locale, UnknownLocaleError
from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import StaffUser
from app.hearings.languages import reader_locale
from app.hearings.models import Measure, MeasureTranslation
from app.platform import audit
from app.platform.extensions import db


@dataclass(frozen=True)
class MeasureText:
    """What a reader sees of a measure: the title and summary, and the language of each (a
    translation may give only the title, leaving the original summary)."""

    title: str
    summary: str
    title_language: str
    summary_language: str
    original_language: str

    @property
    def is_translated(self) -> bool:
        return self.title_language != self.original_language

    def __iter__(self):
        # (title, summary, is_translated), for callers that only need those.
        return iter((self.title, self.summary, self.is_translated))


@dataclass(frozen=True)
class Translation:
    """A title and summary typed in one language; an empty title means no translation."""

    title: str
    summary: str = ""


def language_name(code: str) -> str:
    """A language's name in the reader's language ("Spanish", "español"), else its code."""
    try:
        return Locale.parse(code.replace("-", "_")).get_language_name(reader_locale()) or code
    except (ValueError, UnknownLocaleError):
        return code


def original_language() -> str:
    """The language clerks type measures in: the site's default language."""
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def translation_languages() -> list[str]:
    """The interface languages a measure can be translated into, in the configured order."""
    original = original_language()
    return [code for code in current_app.config["LANGUAGES"] if code != original]


def measure_text(measure: Measure, language: str | None) -> MeasureText:
    """The measure's title and summary for a reader of `language`: its translation when it has
    one, else the original. Reads `measure.translations` only for another language than the
    original, so pages in the default language never load translations."""
    original = original_language()
    found = None
    if language and language != original:
        found = next((t for t in measure.translations if t.language == language), None)
    if found is None:
        return MeasureText(measure.title, measure.summary or "", original, original, original)
    if found.summary or not measure.summary:
        summary, summary_language = found.summary, language
    else:
        summary, summary_language = measure.summary, original
    return MeasureText(found.title, summary, language, summary_language, original)


def measure_label(measure: Measure, language: str | None) -> str:
    """ "Number: title" in the reader's language, as forms and lists name a measure."""
    return f"{measure.number}: {measure_text(measure, language).title}"


def reader_text(measure: Measure) -> MeasureText:
    """The measure as the current page's reader sees it."""
    return measure_text(measure, reader_locale())


def load_translations(measures: Iterable[Measure]) -> None:
    """Load the translations of every measure listed, in one query, for a page in a language
    other than the original (a list page would otherwise ask once per measure)."""
    if reader_locale() == original_language():
        return
    pending = {m.id: m for m in measures if "translations" not in m.__dict__}
    if not pending:
        return
    found: dict[int, list[MeasureTranslation]] = {measure_id: [] for measure_id in pending}
    rows = db.session.scalars(
        select(MeasureTranslation)
        .where(MeasureTranslation.measure_id.in_(pending))
        .order_by(MeasureTranslation.language)
    )
    for row in rows:
        found[row.measure_id].append(row)
    for measure_id, translations in found.items():
        set_committed_value(pending[measure_id], "translations", translations)


def translations_of(measure: Measure) -> dict[str, Translation]:
    """The measure's translations by language, as the form and the importer compare them."""
    return {t.language: Translation(t.title, t.summary or "") for t in measure.translations}


def _hold(measure: Measure) -> None:
    """Lock the measure's row and read its translations again, so two clerks (or a clerk and an
    import) saving one measure take turns: the second changes the first's translation instead
    of adding another for the same language, which the database would refuse."""
    if measure.id is None:
        return
    db.session.execute(select(Measure.id).where(Measure.id == measure.id).with_for_update())
    db.session.refresh(measure, attribute_names=["translations"])


def set_translations(measure: Measure, wanted: Mapping[str, Translation]) -> list[str]:
    """Make the measure's translations for the languages in `wanted` say what it says (an empty
    title removes that language's); other languages are left alone. Returns the languages that
    changed, in order. The caller flushes and records the change."""
    _hold(measure)
    current = {t.language: t for t in measure.translations}
    changed = []
    for language in sorted(wanted):
        text = wanted[language]
        row = current.get(language)
        if not text.title:
            if row is not None:
                measure.translations.remove(row)
                changed.append(language)
            continue
        if row is None:
            measure.translations.append(
                MeasureTranslation(language=language, title=text.title, summary=text.summary)
            )
            changed.append(language)
        elif (row.title, row.summary or "") != (text.title, text.summary):
            row.title, row.summary = text.title, text.summary
            changed.append(language)
    return changed


def save_translations(
    actor: StaffUser, measure: Measure, wanted: Mapping[str, Translation], *, now: datetime
) -> list[str]:
    """Set the measure's translations and record which languages changed (nothing is recorded
    when none did)."""
    changed = set_translations(measure, wanted)
    if changed:
        db.session.flush()
        audit.record(actor.audit_name, "measure.translated", measure, at=now, languages=changed)
    return changed


def init_app(app: Flask) -> None:
    """Templates name a measure in the reader's language with `measure_text(measure)`."""
    app.jinja_env.globals["measure_text"] = reader_text
    app.jinja_env.globals["language_name"] = language_name
