"""Public pages: the list of hearings and one hearing."""

from flask import Blueprint, render_template

from app.extensions import db
from app.hearings import queries
from app.hearings.models import Hearing
from app.timezones import utcnow

bp = Blueprint("hearings", __name__)


@bp.route("/")
def index():
    """List hearings open for testimony, upcoming ones and recently closed ones."""
    now = utcnow()
    return render_template(
        "hearings/index.html",
        now=now,
        open_hearings=queries.open_hearings(now),
        upcoming=queries.upcoming_hearings(now),
        past=queries.recent_past_hearings(now),
    )


@bp.route("/hearings/<int:hearing_id>")
def show(hearing_id: int):
    """Show a hearing, its measures and how to take part."""
    hearing = db.get_or_404(Hearing, hearing_id)
    return render_template("hearings/show.html", hearing=hearing, now=utcnow())
