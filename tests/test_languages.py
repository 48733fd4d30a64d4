"""The interface in the resident's language: chosen by the browser until they pick one."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext, refresh

from app.platform.timezones import local_time
from tests.factories import csrf_token_from, form_fields, make_hearing

CATALOGUE = Path(__file__).resolve().parent.parent / "app/translations/es/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def spanish(app, text: str) -> str:
    with app.test_request_context(), force_locale("es"):
        return gettext(text)


def test_the_spanish_catalogue_translates_every_string_and_keeps_every_placeholder():
    with CATALOGUE.open("rb") as source:
        catalogue = read_po(source)
    missing, broken = [], []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            missing.append(ids[0])
            continue
        for original, translated in zip(ids, strings, strict=False):
            if sorted(PLACEHOLDER.findall(original)) != sorted(PLACEHOLDER.findall(translated)):
                broken.append(original)
    assert missing == [], f"untranslated: {missing[:5]}"
    assert broken == [], f"placeholders differ: {broken[:5]}"


def test_the_spanish_catalogue_holds_every_string_the_interface_uses():
    """Extracted afresh from the code and templates, as `make messages` does: a string added to
    a page without `make translations-update` would otherwise show in English to everyone."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    root = CATALOGUE.parents[4]
    with (root / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = DEFAULT_KEYWORDS | {"_l": None, "lazy_gettext": None}
    used = {
        message if isinstance(message, str) else message[0]
        for *_, message, _comments, _context in extract_from_dir(
            str(root), method_map, options_map, keywords=keywords
        )
    }
    with CATALOGUE.open("rb") as source:
        catalogue = read_po(source)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    assert sorted(used - translated) == []


def test_the_browser_language_is_used_until_the_resident_picks_one(app, client, db):
    skip = spanish(app, "Skip to main content")
    assert skip != "Skip to main content"
    page = client.get("/", headers={"Accept-Language": "es-US,es;q=0.9,en;q=0.5"})
    assert '<html lang="es">' in page.text
    assert skip in page.text
    english = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in english.text and "Skip to main content" in english.text
    # A language nobody translated falls back to English.
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "de"}).text


def test_picking_a_language_keeps_the_place_and_overrides_the_browser(app, client, db):
    hearing = make_hearing()
    db.session.commit()
    path = f"/hearings/{hearing.id}"
    page = client.get(path, headers={"Accept-Language": "en"})
    assert 'lang="es"' in page.text  # the switcher names Spanish in Spanish
    response = client.post(
        "/language",
        data={"csrf_token": csrf_token_from(page.text), "lang": "es", "next": path},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == path
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=es") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    again = client.get(path, headers={"Accept-Language": "en"})
    assert '<html lang="es">' in again.text


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x", ""]
)
def test_the_language_switch_only_goes_back_to_this_site(app, client, db, target):
    page = client.get("/")
    response = client.post(
        "/language",
        data={"csrf_token": csrf_token_from(page.text), "lang": "es", "next": target},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_an_unknown_language_or_a_missing_token_changes_nothing(app, client, db):
    page = client.get("/")
    response = client.post(
        "/language", data={"csrf_token": csrf_token_from(page.text), "lang": "xx", "next": "/"}
    )
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]
    assert client.post("/language", data={"lang": "es", "next": "/"}).status_code == 400


def test_dates_are_written_for_the_language(app):
    moment = datetime(2026, 12, 8, 19, 0, tzinfo=UTC)
    with app.test_request_context(), force_locale("es"):
        assert "diciembre" in local_time(moment, "America/New_York")
    with app.test_request_context(), force_locale("en"):
        assert "December" in local_time(moment, "America/New_York")


def test_a_spanish_speaking_resident_gets_the_form_errors_and_receipt_in_spanish(app, db):
    from sqlalchemy import select

    from app.platform.outbox import OutboxMessage

    hearing = make_hearing()
    db.session.commit()
    client = app.test_client()
    headers = {"Accept-Language": "es"}
    url = f"/hearings/{hearing.id}/testimony/new"
    page = client.get(url, headers=headers)
    fields = form_fields(hearing, page.text)
    empty = dict(fields, full_name="")
    refused = client.post(url, data=empty, headers=headers)
    assert refused.status_code in (200, 400, 422)
    assert spanish(app, "There is a problem") in refused.text
    sent = client.post(url, data=form_fields(hearing, page.text), headers=headers)
    assert sent.status_code == 303
    [mail] = db.session.scalars(select(OutboxMessage)).all()
    assert spanish(app, "Hearing:") in mail.body_text


def test_switching_language_on_the_form_keeps_what_was_typed_and_stores_nothing(app, db):
    from sqlalchemy import func, select

    from app.testimony.models import Testimony

    hearing = make_hearing()
    db.session.commit()
    client = app.test_client()
    url = f"/hearings/{hearing.id}/testimony/new"
    page = client.get(url, headers={"Accept-Language": "en"})
    assert 'href="#switch-language"' in page.text  # the header points to the in-form switch
    typed = "Mi vecindario no quiere cámaras que reconocen caras. Gracias."
    fields = form_fields(hearing, page.text, body=typed) | {"switch_language": "es"}
    switched = client.post(url, data=fields, headers={"Accept-Language": "en"})
    assert switched.status_code == 200
    assert '<html lang="es">' in switched.text
    assert typed in switched.text
    assert spanish(app, "There is a problem") not in switched.text  # nothing was checked
    assert "lang=es" in switched.headers.get("Set-Cookie", "")
    assert db.session.scalar(select(func.count(Testimony.id))) == 0


def test_a_spanish_speaking_clerks_packet_prints_its_fixed_text_in_spanish(app, db):
    from app.accounts.models import Role
    from app.exports import jobs, services
    from app.exports.models import ExportStatus, PacketKind
    from app.testimony.models import ReviewStatus
    from tests.exports.packet.test_pdf import page_texts
    from tests.factories import make_staff_user, make_testimony, set_review_status

    hearing = make_hearing()
    typed = "I support the ban on face surveillance."
    set_review_status(make_testimony(hearing, body=typed).testimony, ReviewStatus.APPROVED)
    clerk = make_staff_user(Role.CLERK)
    db.session.commit()
    with app.test_request_context(headers={"Accept-Language": "es"}):
        refresh()  # the test's shared app context remembers the language chosen before
        packet = services.request_export(
            clerk, hearing, PacketKind.PACKET_PDF, now=hearing.testimony_opens_at
        )
    db.session.commit()
    assert packet.lang == "es"
    jobs.run(packet.id)  # as a worker would, outside the clerk's request
    db.session.refresh(packet)
    assert packet.status is ExportStatus.READY
    printed = " ".join(page_texts(services.packet_path(packet).read_bytes()))
    contents = spanish(app, "Contents")
    assert contents != "Contents" and contents in printed
    assert typed in printed  # testimony is printed as written, in its own language
