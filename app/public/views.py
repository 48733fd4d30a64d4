"""Public pages: the list of hearings and one hearing."""

from flask import Blueprint, render_template, request

from app.hearings import queries
from app.hearings.models import Hearing
from app.moderation import queries as moderation_queries
from app.moderation.redaction import public_text
from app.platform.extensions import db
from app.platform.timezones import utcnow

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
    published = moderation_queries.published_page(hearing, request.args.get("after"))
    spans = moderation_queries.active_spans_for(published.rows)
    return render_template(
        "hearings/show.html",
        hearing=hearing,
        now=utcnow(),
        published=published,
        public_texts={t.id: public_text(t.body, spans[t.id]) for t in published.rows},
        position_counts=moderation_queries.approved_position_counts(hearing),
        not_published=moderation_queries.not_published_counts(hearing),
    )
