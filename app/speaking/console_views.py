"""The speaker console: the clerk runs the hearing's public speaking from it on the day.

Every button is a form that carries the run sheet version its page showed: when another
screen changed the list in between, the service refuses (StaleSheet) and nothing changes, so
two consoles pressing "Call next" at once move the queue by one. Other consoles follow by
polling floor.json (static/js/floor.js) and reload when its version moves.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import role_required
from app.accounts.models import Role
from app.hearings.languages import body_languages
from app.hearings.models import Hearing
from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.platform.transaction import attempt
from app.speaking import floor as floor_services
from app.speaking import screens
from app.speaking.console_forms import ConsoleActionForm, WalkInForm
from app.speaking.models import RunSheet, Speaker, SpeakerStatus
from app.speaking.services import speakers

bp = Blueprint("speaking_console", __name__, url_prefix="/staff/hearings/<int:hearing_id>")

# The kiosk link just made, kept in the clerk's own session until the console shows it once.
KIOSK_LINK = "_kiosk_link"


def _locale() -> str:
    return str(get_locale() or "en")


def _back(hearing: Hearing, anchor: str = "call-next"):
    """Back to the console. The anchor names the control to carry on from: a browser puts
    focus on the element an address's fragment names, so a keyboard user (script or not)
    continues where they were rather than at the top of the page."""
    return redirect(
        url_for("speaking_console.console", hearing_id=hearing.id, _anchor=anchor), code=303
    )


def _walk_in_form(hearing: Hearing) -> WalkInForm:
    form = WalkInForm()
    form.setup(hearing, body_languages(hearing.committee.body_id), _locale())
    return form


def _refused(form: ConsoleActionForm) -> None:
    if form.errors.get("version"):
        flash(str(form.errors["version"][0]), "error")
    else:
        flash(_("That request was not understood. Nothing was changed."), "error")


def _page(hearing: Hearing, form: WalkInForm, status: int = 200):
    sheet = db.session.get(RunSheet, hearing.id)
    everyone = speakers(hearing)
    locale = _locale()
    board = floor_services.floor(hearing, sheet, everyone, locale)
    now = utcnow()
    version = screens.floor_version(sheet)
    form.version.data = str(version)
    link = session.get(KIOSK_LINK)
    kiosk_link = None
    if link and link.get("hearing") == hearing.id:
        session.pop(KIOSK_LINK)  # shown once
        kiosk_link = link.get("url") if sheet is not None and sheet.kiosk_token_hash else None
    done = [s for s in everyone if s.status in (SpeakerStatus.SPOKE, SpeakerStatus.NO_SHOW)]
    return (
        render_template(
            "speaking/console.html",
            hearing=hearing,
            sheet=sheet,
            version=version,
            etag=screens.floor_etag(hearing, sheet, locale),
            time_is_up_at=screens.time_is_up_at(board),
            board=board,
            payload=screens.floor_payload(hearing, board, now=now),
            current=next((s for s in everyone if s.status is SpeakerStatus.SPEAKING), None),
            waiting=[s for s in everyone if s.status is SpeakerStatus.WAITING],
            waitlist=[s for s in everyone if s.status is SpeakerStatus.WAITLISTED],
            done=sorted(done, key=lambda s: s.place or 0, reverse=True),
            measures={m.id: m.number for m in hearing.measures},
            form=form,
            kiosk_open=bool(sheet is not None and sheet.kiosk_token_hash),
            kiosk_link=kiosk_link,
            locale=locale,
            now=now,
        ),
        status,
    )


@bp.route("/console")
@role_required(Role.CLERK)
def console(hearing_id: int):
    """Who is speaking, the timer, who is next, the waiting list, walk-ins and the kiosk."""
    hearing = db.get_or_404(Hearing, hearing_id)
    return _page(hearing, _walk_in_form(hearing))


@bp.route("/floor.json")
@role_required(Role.CLERK)
def floor_json(hearing_id: int):
    """The floor for other staff screens, with the waiting list; 304 while it is unchanged."""
    hearing = db.get_or_404(Hearing, hearing_id)
    sheet = db.session.get(RunSheet, hearing.id)
    locale = _locale()
    etag = screens.floor_etag(hearing, sheet, locale)
    if request.if_none_match.contains_weak(etag):
        response = current_app.response_class(status=304)
    else:
        everyone = speakers(hearing)
        board = floor_services.floor(hearing, sheet, everyone, locale)
        data = screens.floor_payload(hearing, board, now=utcnow())
        data["waiting_list"] = [
            {"id": s.id, "name": s.full_name, "place": s.place}
            for s in everyone
            if s.status is SpeakerStatus.WAITING
        ]
        data["kiosk_open"] = bool(sheet is not None and sheet.kiosk_token_hash)
        response = current_app.json.response(data)
    response.set_etag(etag, weak=True)
    return response


@bp.route("/console/<any(call_next, finish):action>", methods=["POST"])
@role_required(Role.CLERK)
def floor_action(hearing_id: int, action: str):
    """Call the next speaker (the one speaking has spoken), or finish the one speaking."""
    hearing = db.get_or_404(Hearing, hearing_id)
    form = ConsoleActionForm()
    if not form.validate_on_submit():
        _refused(form)
        return _back(hearing)
    called = None
    with attempt() as outcome:
        if action == "call_next":
            called = floor_services.call_next(
                current_user, hearing, seen_version=form.seen_version, now=utcnow()
            )
        else:
            floor_services.finish_current(
                current_user, hearing, seen_version=form.seen_version, now=utcnow()
            )
    if outcome.error is not None:
        flash(str(outcome.error), "error")
    elif action == "finish":
        flash(_("The speaker has spoken. Nobody has been called yet."), "success")
    elif called is not None:
        flash(_("Now speaking: %(name)s.", name=called.full_name), "success")
    else:
        flash(_("Nobody is waiting to speak."), "success")
    return _back(hearing)


SPEAKER_ACTIONS = {
    "no_show": floor_services.mark_no_show,
    "skip": floor_services.skip_to_later,
}


@bp.route("/console/speakers/<int:speaker_id>/<any(no_show, skip):action>", methods=["POST"])
@role_required(Role.CLERK)
def speaker_action(hearing_id: int, speaker_id: int, action: str):
    """Mark a called or waiting speaker as not here, or move them to the end of the list."""
    hearing = db.get_or_404(Hearing, hearing_id)
    form = ConsoleActionForm()
    if not form.validate_on_submit():
        _refused(form)
        return _back(hearing)
    before = _waiting_ids(hearing)
    with attempt() as outcome:
        SPEAKER_ACTIONS[action](
            current_user, hearing, speaker_id, seen_version=form.seen_version, now=utcnow()
        )
    if outcome.error is not None:
        flash(str(outcome.error), "error")
        return _back(hearing)
    speaker = db.session.get(Speaker, speaker_id)
    if action == "no_show":
        flash(_("%(name)s is marked as a no-show.", name=speaker.full_name), "success")
    else:
        flash(_("%(name)s moves to the end of the list.", name=speaker.full_name), "success")
    return _back(hearing, _row_after(before, _waiting_ids(hearing), speaker_id, action))


def _waiting_ids(hearing: Hearing) -> list[int]:
    return [s.id for s in speakers(hearing) if s.status is SpeakerStatus.WAITING]


def _row_after(before: list[int], after: list[int], speaker_id: int, action: str) -> str:
    """The same button on the row that took the acted-on row's place, so a clerk going down
    the list goes on from there; "Call next" when the list is empty or the speaker had been
    called."""
    if speaker_id not in before or not after:
        return "call-next"
    index = min(before.index(speaker_id), len(after) - 1)
    return f"{action.replace('_', '-')}-{after[index]}"


@bp.route("/console/walk-in", methods=["POST"])
@role_required(Role.CLERK)
def walk_in(hearing_id: int):
    """Add someone who signed up at the door to the end of the list (or the waitlist).

    The version the page showed is not checked: adding to the end is right whatever moved
    meanwhile, and what staff typed must not be lost to a change on another screen."""
    hearing = db.get_or_404(Hearing, hearing_id)
    form = _walk_in_form(hearing)
    if form.validate_on_submit():
        with attempt() as outcome:
            speaker = floor_services.add_walk_in(
                current_user, hearing, form.to_walk_in(language=None), now=utcnow()
            )
        if outcome.error is None:
            if speaker.status is SpeakerStatus.WAITLISTED:
                flash(
                    _(
                        "The list is full: %(name)s is on the waitlist.",
                        name=speaker.full_name,
                    ),
                    "success",
                )
            else:
                flash(
                    _("%(name)s is number %(place)d on the list.", **_named(speaker)),
                    "success",
                )
            return _back(hearing, "full_name")
        form.measure_id.errors.append(str(outcome.error))
    return _page(hearing, form, 422)


def _named(speaker: Speaker) -> dict:
    return {"name": speaker.full_name, "place": speaker.place or 0}


@bp.route("/console/kiosk/<any(open, close):action>", methods=["POST"])
@role_required(Role.CLERK)
def kiosk(hearing_id: int, action: str):
    """Open the kiosk for walk-ins with a new link (shown once), or close it."""
    hearing = db.get_or_404(Hearing, hearing_id)
    form = ConsoleActionForm()
    if not form.validate_on_submit():
        _refused(form)
        return _back(hearing, "kiosk-open")
    token = None
    with attempt() as outcome:
        if action == "close":
            floor_services.close_kiosk(current_user, hearing, now=utcnow())
        else:
            token = floor_services.open_kiosk(current_user, hearing, now=utcnow())
    if outcome.error is not None:
        flash(str(outcome.error), "error")
        return _back(hearing, "kiosk-open")
    if token is None:
        flash(_("The kiosk is closed: its link no longer works."), "success")
        return _back(hearing, "kiosk-open")
    base = current_app.config["BASE_URL"].rstrip("/")
    # Kept in the clerk's session, never in an address or a log, until the console shows it.
    session[KIOSK_LINK] = {
        "hearing": hearing.id,
        "url": base + url_for("speaking_display.kiosk", token=token),
    }
    flash(_("The kiosk is open."), "success")
    return _back(hearing, "kiosk-url")
