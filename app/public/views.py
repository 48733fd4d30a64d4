"""Public pages: the list of hearings and one hearing, and their calendars and feeds."""

import hashlib
import re

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _

from app.endorsements.queries import endorsements_for_campaigns, endorsements_for_testimony
from app.hearings import actions, measure_texts, queries
from app.hearings.models import Body, Committee, Hearing
from app.moderation import queries as moderation_queries
from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.public import feeds, listing
from app.signins import tallies as sign_in_tallies

bp = Blueprint("hearings", __name__)


@bp.route("/")
def index():
    """List hearings open for testimony, upcoming ones and recently closed ones."""
    now = utcnow()
    listed = {
        "open_hearings": queries.open_hearings(now),
        "upcoming": queries.upcoming_hearings(now),
        "past": queries.recent_past_hearings(now),
    }
    listed_measures = [m for hearings in listed.values() for h in hearings for m in h.measures]
    measure_texts.load_translations(listed_measures)
    measure_ids = {m.id for m in listed_measures}
    return render_template(
        "hearings/index.html",
        now=now,
        latest_actions=actions.latest_actions(measure_ids),
        bodies=queries.bodies_with_committees(),
        **listed,
    )


@bp.route("/hearings/<int:hearing_id>")
def show(hearing_id: int):
    """Show a hearing, its measures and how to take part, and its published testimony (a
    campaign's letter once, with who sent it), filtered by measure and position."""
    hearing = db.get_or_404(Hearing, hearing_id)
    measure_texts.load_translations(hearing.measures)
    filters, unknown_filter = listing.parse_filters(hearing, request.args)
    published = listing.hearing_page(hearing, filters, request.args.get("after"))
    letters = published.letters
    return render_template(
        "hearings/show.html",
        hearing=hearing,
        now=utcnow(),
        published=published,
        filters=filters,
        unknown_filter=unknown_filter,
        endorsements=endorsements_for_testimony(t.id for t in letters),
        campaign_endorsements=endorsements_for_campaigns(
            t.campaign_id for t in letters if t.campaign_id is not None
        ),
        position_counts=moderation_queries.approved_position_counts(hearing),
        measure_counts=moderation_queries.approved_counts_by_measure(hearing),
        not_published=moderation_queries.not_published_counts(hearing),
        latest_actions=actions.latest_actions({m.id for m in hearing.measures}),
        sign_in_counts=sign_in_tallies.on_record_by_measure(hearing.id),
    )


@bp.route("/hearings/<int:hearing_id>/campaigns/<int:campaign_id>")
def campaign(hearing_id: int, campaign_id: int):
    """A campaign's published letter and everyone who sent it, a page of names at a time."""
    hearing = db.get_or_404(Hearing, hearing_id)
    filters, _unknown = listing.parse_filters(hearing, request.args)
    after = request.args.get("after", "")
    # ASCII digits only: "²" is a digit to str.isdigit but not to int().
    after_id = int(after) if re.fullmatch("[0-9]{1,10}", after) else None
    after_id = after_id if after_id and after_id < 2**31 else None
    page = listing.campaign_page(hearing, campaign_id, filters, after_id)
    if page is None:
        abort(404)
    return render_template(
        "hearings/campaign.html",
        hearing=hearing,
        page=page,
        filters=filters,
        endorsements=endorsements_for_testimony(s.id for s in page.signers),
        campaign_endorsements=endorsements_for_campaigns([campaign_id]),
    )


# Calendars and feeds. Language-neutral ids and links; the words follow the reader's language,
# so caches keep one copy per language.

CALENDAR_TYPE = "text/calendar; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
FEED_MAX_AGE = 300


def _site() -> feeds.Site:
    return feeds.Site(current_app.config["BASE_URL"])


def _feed_response(data: bytes, mimetype: str, hearings, *, filename: str | None = None):
    response = Response(data, content_type=mimetype)
    response.set_etag(hashlib.sha256(data).hexdigest())
    changed = feeds.last_changed(hearings)
    if changed is not None:
        response.last_modified = changed
    response.cache_control.public = True
    response.cache_control.max_age = FEED_MAX_AGE
    response.vary.update(("Accept-Language", "Cookie"))
    if filename is not None:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response.make_conditional(request)


def _calendar(hearings, name: str, *, filename: str | None = None):
    data = feeds.calendar(hearings, name=name, site=_site())
    return _feed_response(data, CALENDAR_TYPE, hearings, filename=filename)


@bp.route("/hearings/<int:hearing_id>/calendar.ics")
def hearing_calendar(hearing_id: int):
    """One hearing as an iCalendar file, to add to a calendar."""
    hearing = db.get_or_404(Hearing, hearing_id)
    return _calendar([hearing], hearing.title, filename=f"hearing-{hearing.id}.ics")


@bp.route("/bodies/<int:body_id>/calendar.ics")
def body_calendar(body_id: int):
    """A body's recent and coming hearings, to subscribe to in a calendar program."""
    body = db.get_or_404(Body, body_id)
    hearings = queries.calendar_hearings(utcnow(), body_id=body.id)
    return _calendar(hearings, body.name)


@bp.route("/committees/<int:committee_id>/calendar.ics")
def committee_calendar(committee_id: int):
    """A committee's recent and coming hearings, to subscribe to in a calendar program."""
    committee = db.get_or_404(Committee, committee_id)
    hearings = queries.calendar_hearings(utcnow(), committee_id=committee.id)
    return _calendar(hearings, f"{committee.name}, {committee.body.name}")


@bp.route("/hearings.atom")
def atom():
    """New hearings of every body, newest first."""
    hearings = queries.newest_hearings()
    site = _site()
    data = feeds.atom(
        hearings,
        title=_("New hearings"),
        feed_url=site.url(url_for("hearings.atom")),
        page_url=site.url(url_for("hearings.index")),
        site=site,
    )
    return _feed_response(data, ATOM_TYPE, hearings)


@bp.route("/bodies/<int:body_id>/hearings.atom")
def body_atom(body_id: int):
    """New hearings of one body, newest first."""
    body = db.get_or_404(Body, body_id)
    hearings = queries.newest_hearings(body_id=body.id)
    site = _site()
    data = feeds.atom(
        hearings,
        title=_("New hearings: %(body)s", body=body.name),
        feed_url=site.url(url_for("hearings.body_atom", body_id=body.id)),
        page_url=site.url(url_for("hearings.index")),
        site=site,
    )
    return _feed_response(data, ATOM_TYPE, hearings)
