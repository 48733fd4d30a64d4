"""What the public sees on the day: who is speaking and who is next (on a phone, or full
screen on the room's projector), and the kiosk where walk-ins sign up on a tablet at the door.

The pages follow the console by polling, not by server-sent events. The app is served by
gunicorn's gthread workers (gunicorn.conf.py: a few threads per process, one process per
core): an event stream is a request that never ends, so each viewer of the display (phones
in the room, the projector, staff screens) would hold one of those few threads for the whole
hearing, and a room of thirty viewers would leave nothing for residents submitting testimony.
A poll is a short request: once a second each screen asks for the floor with the entity tag
it has; while nothing has changed the answer is an empty 304 after one primary-key read, and
a change reaches every screen within the second. Without JavaScript, reloading the page shows
the floor as it is.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.hearings.languages import body_languages
from app.hearings.models import Hearing
from app.platform.extensions import csrf, db, limiter
from app.platform.timezones import utcnow
from app.platform.transaction import attempt
from app.speaking import screens
from app.speaking.console_forms import KioskForm
from app.speaking.floor import add_walk_in, floor, sheet_for_kiosk
from app.speaking.models import RunSheet, Speaker, SpeakerStatus
from app.speaking.services import speakers

bp = Blueprint("speaking_display", __name__)

# Sign-ups on one kiosk from one network address: a queue at the door signs up at a person's
# pace, a script much faster. app.config["KIOSK_LIMIT"], when set, takes its place.
KIOSK_LIMIT = "10 per minute; 200 per hour"
# The speaker a kiosk just signed up, kept in the tablet's session for the thank-you screen.
KIOSK_SPEAKER = "_kiosk_speaker"
KIOSK_ENDPOINTS = {"speaking_display.kiosk", "speaking_display.kiosk_done"}


def _locale() -> str:
    return str(get_locale() or "en")


@bp.after_request
def _cache_rules(response):
    if request.endpoint in KIOSK_ENDPOINTS:
        # Someone's name and place: never kept by the tablet's browser or a shared cache.
        response.headers["Cache-Control"] = "no-store"
    elif response.headers.get("Cache-Control") is None:
        # The floor moves: always ask again (with the entity tag) before showing it.
        response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/hearings/<int:hearing_id>/now-speaking")
def now_speaking(hearing_id: int):
    """Now speaking and up next, with the timer; `?view=projector` fills the room's screen."""
    hearing = db.get_or_404(Hearing, hearing_id)
    sheet = db.session.get(RunSheet, hearing.id)
    locale = _locale()
    board = floor(hearing, sheet, speakers(hearing), locale, public=True)
    now = utcnow()
    return render_template(
        "speaking/display.html",
        hearing=hearing,
        board=board,
        payload=screens.floor_payload(hearing, board, now=now),
        etag=screens.floor_etag(hearing, sheet, locale),
        time_is_up_at=screens.time_is_up_at(board),
        projector=request.args.get("view") == "projector",
        now=now,
    )


@bp.route("/hearings/<int:hearing_id>/now-speaking.json")
def now_speaking_json(hearing_id: int):
    """The floor as JSON for the display's script; 304 while it is unchanged."""
    hearing = db.get_or_404(Hearing, hearing_id)
    sheet = db.session.get(RunSheet, hearing.id)
    locale = _locale()
    etag = screens.floor_etag(hearing, sheet, locale)
    if request.if_none_match.contains_weak(etag):
        response = current_app.response_class(status=304)
    else:
        board = floor(hearing, sheet, speakers(hearing), locale, public=True)
        response = current_app.json.response(screens.floor_payload(hearing, board, now=utcnow()))
    response.set_etag(etag, weak=True)
    return response


# A kiosk link stops working this long after the hearing's start, even if nobody closed it.
KIOSK_OPEN_FOR = timedelta(hours=12)


def _open_kiosk(token: str) -> RunSheet | None:
    sheet = sheet_for_kiosk(token)
    if sheet is None or sheet.hearing.cancelled_at is not None:
        return None
    if utcnow() > sheet.hearing.starts_at + KIOSK_OPEN_FOR:
        return None
    return sheet


def _closed():
    return render_template("speaking/kiosk_closed.html"), 404


def _kiosk_limit() -> str:
    return current_app.config.get("KIOSK_LIMIT", KIOSK_LIMIT)


@bp.route("/kiosk/<token>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired one keeps what was typed
@limiter.limit(_kiosk_limit, methods=["POST"])
def kiosk(token: str):
    """A walk-in signs up to speak on the tablet at the door."""
    sheet = _open_kiosk(token)
    if sheet is None:
        return _closed()
    hearing = sheet.hearing
    locale = _locale()
    form = KioskForm()
    form.setup_kiosk(hearing, body_languages(hearing.committee.body_id), locale)
    status = 200
    if form.validate_on_submit():
        with attempt() as outcome:
            speaker = add_walk_in(None, hearing, form.to_walk_in(language=locale), now=utcnow())
        if outcome.error is None:
            # Who signed up travels in the tablet's session, never in the address.
            session[KIOSK_SPEAKER] = speaker.id
            return redirect(url_for("speaking_display.kiosk_done", token=token), code=303)
        form.measure_id.errors.append(str(outcome.error))
    if request.method == "POST":
        status = 422
        if form.csrf_token.errors:
            # A tablet left on the form for hours: keep what was typed, ask to press again.
            form.form_errors.append(
                _("The page had expired. Check the details and press the button again.")
            )
    return render_template("speaking/kiosk.html", hearing=hearing, form=form), status


@bp.route("/kiosk/<token>/done")
def kiosk_done(token: str):
    """Thank the walk-in and give their place in line; shown once, then the form is empty
    again for the next person."""
    sheet = _open_kiosk(token)
    if sheet is None:
        return _closed()
    speaker_id = session.pop(KIOSK_SPEAKER, None)
    speaker = db.session.get(Speaker, speaker_id) if isinstance(speaker_id, int) else None
    if speaker is None or speaker.hearing_id != sheet.hearing_id:
        return redirect(url_for("speaking_display.kiosk", token=token), code=303)
    everyone = speakers(sheet.hearing)
    waiting = [s.id for s in everyone if s.status is SpeakerStatus.WAITING]
    waitlist = [s.id for s in everyone if s.status is SpeakerStatus.WAITLISTED]
    return render_template(
        "speaking/kiosk_done.html",
        hearing=sheet.hearing,
        speaker=speaker,
        token=token,
        in_line=waiting.index(speaker.id) + 1 if speaker.id in waiting else None,
        on_waitlist=waitlist.index(speaker.id) + 1 if speaker.id in waitlist else None,
    )
