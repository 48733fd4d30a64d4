"""What the screens that follow the floor are sent: the public display, the projector and the
staff consoles read one payload, and know it changed by its entity tag."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from app.hearings.models import Hearing
from app.speaking.floor import Floor
from app.speaking.models import RunSheet, SpeakerMode
from app.testimony.models import Position

POSITION_LABELS = {
    Position.SUPPORT.value: _l("Support"),
    Position.OPPOSE.value: _l("Oppose"),
    Position.NEUTRAL.value: _l("Neutral"),
}
MODE_LABELS = {
    SpeakerMode.IN_PERSON.value: _l("In person"),
    SpeakerMode.REMOTE.value: _l("Remotely"),
}


def floor_version(sheet: RunSheet | None) -> int:
    """The version a console's buttons carry: a hearing without a run sheet yet gets one at
    version 1 on the first change (app/speaking/services.py run_sheet)."""
    return sheet.version if sheet is not None else 1


def floor_etag(hearing: Hearing, sheet: RunSheet | None, locale: str) -> str:
    """Changes whenever what the payload says changes: the run sheet's version goes up with
    every change to the floor; the hearing's minutes and cancellation are not on the sheet;
    the language names the labels. Weak, because the payload also carries the server's clock."""
    version = sheet.version if sheet is not None else 0
    cancelled = "c" if hearing.cancelled_at is not None else "o"
    return f"{version}-{hearing.speaker_minutes}-{cancelled}-{locale}"


def time_is_up_at(board: Floor) -> datetime | None:
    """When the speaker on the floor reaches their limit (what a page without script shows)."""
    if board.started_at is None:
        return None
    return board.started_at + timedelta(seconds=board.seconds_allowed)


def _millis(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


def _labelled(speaker: dict | None) -> dict | None:
    if speaker is None:
        return None
    return speaker | {
        "position_label": str(POSITION_LABELS.get(speaker["position"], speaker["position"])),
        "mode_label": str(MODE_LABELS.get(speaker["mode"], speaker["mode"])),
    }


def floor_payload(hearing: Hearing, board: Floor, *, now: datetime) -> dict:
    """The floor as every screen gets it: names, organisation, measure and position of who
    speaks and who is next, in the reader's language; never contact details or city.

    Times are also given in milliseconds since the epoch, and the server's clock with them, so
    a screen counts down by the server's clock rather than its own."""
    data = board.as_json()
    data["now_speaking"] = _labelled(data["now_speaking"])
    data["up_next"] = [_labelled(s) for s in data["up_next"]]
    data["started_ms"] = _millis(board.started_at)
    data["now_ms"] = _millis(now)
    data["cancelled"] = hearing.cancelled_at is not None
    return data
