"""Export history of a hearing, making an export, and downloading one."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.accounts.access import role_required
from app.accounts.forms import EmptyForm
from app.accounts.models import Role
from app.exports import jobs, services
from app.exports.forms import BackgroundExportForm
from app.exports.models import ExportStatus, Packet, PacketKind
from app.exports.packet.data import awaiting_review
from app.hearings.models import Hearing
from app.hearings.services import slugify
from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.platform.transaction import attempt

bp = Blueprint("exports", __name__, url_prefix="/staff")


@bp.route("/hearings/<int:hearing_id>/exports")
@role_required(Role.CLERK)
def history(hearing_id: int):
    """Every export of this hearing, newest first, with buttons to make new ones."""
    hearing = db.get_or_404(Hearing, hearing_id)
    packets = db.session.scalars(
        select(Packet).where(Packet.hearing_id == hearing.id).order_by(Packet.id.desc())
    ).all()
    bases, unrecorded = services.recorded_packets(hearing)
    return render_template(
        "exports/history.html",
        hearing=hearing,
        packets=packets,
        addendum_bases=bases,
        unrecorded_packets=unrecorded,
        kinds=list(PacketKind),
        button_form=EmptyForm(),
        background_form=BackgroundExportForm(hearing),
        awaiting_review=awaiting_review(hearing),
        now=utcnow(),
    )


# How often the page of an export being made reloads itself (no JavaScript needed).
REFRESH_SECONDS = 3


@bp.route("/exports/<int:packet_id>")
@role_required(Role.CLERK)
def show(packet_id: int):
    """One export: its progress while it is made, then its download.

    Reached with ?download=1 right after the clerk asked for it: the page reloads itself until
    the file is ready, then starts the download (and links to it, for browsers that do not
    follow a refresh)."""
    packet = db.get_or_404(Packet, packet_id)
    now = utcnow()
    return render_template(
        "exports/show.html",
        packet=packet,
        hearing=packet.hearing,
        working=packet.is_working(now),
        interrupted=packet.is_interrupted(now),
        start_download=request.args.get("download") == "1",
        refresh_seconds=REFRESH_SECONDS,
        now=now,
    )


@bp.route("/hearings/<int:hearing_id>/exports/background", methods=["POST"])
@role_required(Role.CLERK)
def create_background(hearing_id: int):
    """Queue a packet, its addendum, a speaker list PDF, bundle or sign-in spreadsheet; it is
    made outside this request."""
    hearing = db.get_or_404(Hearing, hearing_id)
    form = BackgroundExportForm(hearing)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("exports.history", hearing_id=hearing.id), code=303)
    with attempt() as outcome:
        packet = services.request_export(
            current_user,
            hearing,
            PacketKind(form.kind.data),
            measure=form.chosen_measure(),
            since_id=form.since_id(),
            now=utcnow(),
        )
    if outcome.error is not None:
        flash(str(outcome.error), "error")
        return redirect(url_for("exports.history", hearing_id=hearing.id), code=303)
    # Committed here, not when the view returns: the export's job is handed over at once, and
    # a queue that cannot take it is told to the clerk on this response. Its id is read before:
    # read after, it would open a transaction (on SQLite, the write lock) the job then waits on.
    packet_id = packet.id
    db.session.commit()
    try:
        jobs.start(packet_id)
    except jobs.QueueUnavailable:
        flash(
            _("The export queue could not be reached; please try again in a few minutes."), "error"
        )
        return redirect(url_for("exports.history", hearing_id=hearing.id), code=303)
    flash(
        _(
            "The export has started. This page shows its progress and starts the download when "
            "it is ready; you can also leave it and find the export in the history."
        ),
        "success",
    )
    return redirect(url_for("exports.show", packet_id=packet_id, download=1), code=303)


@bp.route("/exports/<int:packet_id>/progress")
@role_required(Role.CLERK)
def progress(packet_id: int):
    """How far a background export has got, for the history page to show without reloading."""
    packet = db.get_or_404(Packet, packet_id)
    now = utcnow()
    status = "interrupted" if packet.is_interrupted(now) else packet.status.value
    return jsonify(
        status=status,
        done=packet.progress_done,
        total=packet.progress_total,
        working=packet.is_working(now),
    )


@bp.route(
    "/hearings/<int:hearing_id>/exports/<any(testimony_csv, testimony_xlsx, speakers_csv):kind>",
    methods=["POST"],
)
@role_required(Role.CLERK)
def create(hearing_id: int, kind: str):
    hearing = db.get_or_404(Hearing, hearing_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("exports.history", hearing_id=hearing.id), code=303)
    packet = services.export_testimony(current_user, hearing, PacketKind(kind), now=utcnow())
    flash(
        ngettext("Export ready: %(num)d row.", "Export ready: %(num)d rows.", packet.item_count),
        "success",
    )
    return redirect(url_for("exports.show", packet_id=packet.id, download=1), code=303)


@bp.route("/exports/<int:packet_id>/download")
@role_required(Role.CLERK)
def download(packet_id: int):
    """The export as it was made; its name says which hearing and when."""
    packet = db.get_or_404(Packet, packet_id)
    if packet.status is not ExportStatus.READY:
        abort(404)
    try:
        path = services.packet_path(packet)
    except OSError:
        abort(404)
    hearing = db.session.get(Hearing, packet.hearing_id)
    stamp = packet.created_at.strftime("%Y%m%d-%H%M%S")
    slug = slugify(hearing.title)[:60]
    what = packet.kind.value.rsplit("_", 1)[0]
    if packet.measure is not None:
        what = f"{slugify(packet.measure.number)[:30]}-{what}"
    name = f"{slug}-{what}-{stamp}.{packet.kind.extension}"
    response = send_file(
        path,
        mimetype=packet.kind.media_type,
        as_attachment=True,
        download_name=name,
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
