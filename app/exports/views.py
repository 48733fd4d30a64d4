"""Export history of a hearing, making an export, and downloading one."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.access import role_required
from app.accounts.forms import EmptyForm
from app.accounts.models import Role
from app.exports import services
from app.exports.models import Packet, PacketKind
from app.extensions import db
from app.hearings.models import Hearing
from app.hearings.services import slugify
from app.timezones import utcnow

bp = Blueprint("exports", __name__, url_prefix="/staff")


@bp.route("/hearings/<int:hearing_id>/exports")
@role_required(Role.CLERK)
def history(hearing_id: int):
    """Every export of this hearing, newest first, with buttons to make new ones."""
    hearing = db.get_or_404(Hearing, hearing_id)
    packets = db.session.scalars(
        select(Packet).where(Packet.hearing_id == hearing.id).order_by(Packet.id.desc())
    ).all()
    return render_template(
        "exports/history.html",
        hearing=hearing,
        packets=packets,
        kinds=list(PacketKind),
        button_form=EmptyForm(),
    )


@bp.route(
    "/hearings/<int:hearing_id>/exports/<any(testimony_csv, testimony_xlsx, speakers_csv):kind>",
    methods=["POST"],
)
@role_required(Role.CLERK)
def create(hearing_id: int, kind: str):
    hearing = db.get_or_404(Hearing, hearing_id)
    if EmptyForm().validate_on_submit():
        packet = services.export_testimony(current_user, hearing, PacketKind(kind), now=utcnow())
        db.session.commit()
        flash(_("Export ready: %(count)d rows.", count=packet.item_count), "success")
    return redirect(url_for("exports.history", hearing_id=hearing.id), code=303)


@bp.route("/exports/<int:packet_id>/download")
@role_required(Role.CLERK)
def download(packet_id: int):
    """The export as it was made; its name says which hearing and when."""
    packet = db.get_or_404(Packet, packet_id)
    try:
        data = services.packet_file(packet)
    except OSError:
        abort(404)
    hearing = db.session.get(Hearing, packet.hearing_id)
    stamp = packet.created_at.strftime("%Y%m%d-%H%M%S")
    slug = slugify(hearing.title)[:60]
    what = packet.kind.value.rsplit("_", 1)[0]
    name = f"{slug}-{what}-{stamp}.{packet.kind.extension}"
    response = Response(data, mimetype=packet.kind.media_type)
    response.headers.set("Content-Disposition", "attachment", filename=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
