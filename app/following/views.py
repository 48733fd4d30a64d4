"""Following pages: the follow and reminder forms, confirming, managing and unsubscribing.

Every private link shows a page with a button (a mail scanner that opens links changes
nothing), except the one-click unsubscribe POST of RFC 8058, which mail clients send without
a CSRF token: it is exempt and authenticated by its token alone.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address as request_address

from app.accounts.forms import EmptyForm
from app.following import links, services, throttle
from app.following.forms import FollowForm, FrequencyForm, ReminderForm
from app.following.models import Frequency, SubjectKind
from app.hearings.languages import reader_locale
from app.hearings.measure_texts import load_translations, measure_label
from app.hearings.models import Hearing, HearingStatus
from app.platform.extensions import csrf, db, limiter
from app.platform.timezones import utcnow

bp = Blueprint("following", __name__)

# Pressing the buttons behind private links, per network address: plenty for a person (and a
# mail client's one-click unsubscribe), nothing for someone guessing tokens.
LINK_LIMIT = "30 per minute"


def _hearing_subjects(hearing: Hearing) -> list[tuple[str, str]]:
    choices = [
        (f"hearing:{hearing.id}", _("This hearing: “%(title)s”", title=hearing.title)),
        *(
            (f"measure:{measure.id}", _("The measure %(label)s", label=label))
            for measure, label in _measure_labels(hearing)
        ),
        (
            f"committee:{hearing.committee_id}",
            _("Every hearing of the %(name)s", name=hearing.committee.name),
        ),
        (f"body:{hearing.body.id}", _("Every hearing of %(name)s", name=hearing.body.name)),
    ]
    return choices


def _measure_labels(hearing: Hearing) -> list[tuple[object, str]]:
    load_translations(hearing.measures)
    language = reader_locale()
    return [(measure, measure_label(measure, language)) for measure in hearing.measures]


def _limited_page(template: str, retry_after: int, **context):
    page = render_template(template, limited=retry_after, **context)
    return page, 429, {"Retry-After": str(retry_after)}


@bp.route("/hearings/<int:hearing_id>/follow", methods=["GET", "POST"])
def follow(hearing_id: int):
    """Follow the hearing, one of its measures, its committee or its body by e-mail."""
    hearing = db.get_or_404(Hearing, hearing_id)
    form = FollowForm(subjects=_hearing_subjects(hearing))
    if form.validate_on_submit():
        retry_after = throttle.count_from_address(request_address())
        if retry_after is not None:
            return _limited_page("following/follow.html", retry_after, form=form, hearing=hearing)
        kind, _sep, subject_id = form.subject.data.partition(":")
        subject = services.find_subject(kind, int(subject_id), reader_locale()) or abort(404)
        if not form.website.data and throttle.count_for_email(form.email.data):
            services.request_follow(
                form.email.data,
                subject,
                frequency=Frequency(form.frequency.data),
                language=str(get_locale() or ""),
                now=utcnow(),
            )
        return redirect(url_for("following.sent", hearing=hearing.id), code=303)
    return render_template("following/follow.html", form=form, hearing=hearing)


@bp.route("/hearings/<int:hearing_id>/remind", methods=["GET", "POST"])
def remind(hearing_id: int):
    """ "Remind me when testimony opens", for a hearing not yet taking testimony."""
    hearing = db.get_or_404(Hearing, hearing_id)
    now = utcnow()
    form = ReminderForm()
    waiting = hearing.status(now) is HearingStatus.SCHEDULED
    if waiting and form.validate_on_submit():
        retry_after = throttle.count_from_address(request_address())
        if retry_after is not None:
            return _limited_page(
                "following/remind.html", retry_after, form=form, hearing=hearing, now=now
            )
        subject = services.find_subject(SubjectKind.HEARING, hearing.id, reader_locale())
        if not form.website.data and throttle.count_for_email(form.email.data):
            services.request_follow(
                form.email.data,
                subject,
                frequency=Frequency.IMMEDIATE,
                language=str(get_locale() or ""),
                now=now,
                opening_only=True,
            )
        return redirect(url_for("following.sent", hearing=hearing.id), code=303)
    return render_template(
        "following/remind.html", form=form, hearing=hearing, now=now, waiting=waiting
    )


@bp.route("/following/check-your-email")
def sent():
    """The same words whatever the address: no one learns whether it was known."""
    hearing_id = request.args.get("hearing", type=int)
    hearing = db.session.get(Hearing, hearing_id) if hearing_id else None
    return render_template("following/sent.html", hearing=hearing)


def _not_valid():
    return render_template("following/not_valid.html"), 404


@bp.route("/following/confirm/<scope>/<token>", methods=["GET", "POST"])
@limiter.limit(LINK_LIMIT, methods=["POST"])
def confirm(scope: str, token: str):
    """The confirmation link: a page with a button; pressing it starts the notices."""
    follow = links.find_follow(scope, token)
    if follow is None:
        return _not_valid()
    form = EmptyForm()
    outcome = None
    if form.validate_on_submit():
        outcome = "done" if services.confirm_follow(follow, scope, now=utcnow()) else "already"
    subject = services.find_subject(follow.subject_kind, follow.subject_id, reader_locale())
    return render_template(
        "following/confirm.html",
        form=form,
        outcome=outcome,
        subject=subject,
        follow=follow,
        scope=scope,
        manage_url=links.follower_url(follow.follower, links.MANAGE),
    )


@bp.route("/following/manage/<token>", methods=["GET", "POST"])
@limiter.limit(LINK_LIMIT, methods=["POST"])
def manage(token: str):
    """What this address follows, how often it hears, and a button to stop each."""
    follower = links.find_follower(links.MANAGE, token)
    if follower is None:
        return _not_valid()
    form = FrequencyForm(frequency=follower.frequency.value)
    stop = EmptyForm(prefix="stop")
    now = utcnow()
    message = None
    if request.method == "POST" and "follow_id" in request.form:
        if stop.validate_on_submit():
            follow_id = request.form.get("follow_id", type=int) or 0
            if services.stop_following(follower, follow_id, now=now):
                message = "stopped"
    elif form.validate_on_submit():
        services.set_frequency(follower, Frequency(form.frequency.data), now=now)
        message = "saved"
    follows = [
        (follow, services.find_subject(follow.subject_kind, follow.subject_id, reader_locale()))
        for follow in follower.follows
        if follow.confirmed_at is not None
    ]
    return render_template(
        "following/manage.html",
        form=form,
        stop=stop,
        follower=follower,
        follows=[(follow, subject) for follow, subject in follows if subject is not None],
        message=message,
        unsubscribe_url=links.follower_url(follower, links.UNSUBSCRIBE),
    )


@bp.route("/following/unsubscribe/<token>", methods=["GET", "POST"])
@limiter.limit(LINK_LIMIT, methods=["POST"])
@csrf.exempt  # RFC 8058: the mail client's one-click POST has no token; the link is the key
def unsubscribe(token: str):
    """GET: a page with a button. POST (the button, or a mail client's one click): stop all."""
    follower = links.find_follower(links.UNSUBSCRIBE, token)
    if follower is None:
        return _not_valid()
    outcome = None
    if request.method == "POST":
        outcome = "done" if services.unsubscribe(follower, now=utcnow()) else "already"
    elif follower.unsubscribed_at is not None:
        outcome = "already"
    return render_template("following/unsubscribe.html", outcome=outcome)


@bp.route("/following/no-outcomes/<token>", methods=["GET", "POST"])
@limiter.limit(LINK_LIMIT, methods=["POST"])
@csrf.exempt  # the same one-click POST, from the List-Unsubscribe of the committee's news
def no_outcomes(token: str):
    """Stop being told what the committee did on measures this address testified on."""
    key = links.find_sender_key(token)
    if key is None:
        return _not_valid()
    outcome = None
    if request.method == "POST":
        outcome = "done" if services.opt_out_of_outcomes(key, now=utcnow()) else "already"
    elif services.has_opted_out(key):
        outcome = "already"
    return render_template("following/no_outcomes.html", outcome=outcome)


@bp.app_template_global()
def follow_form(hearing: Hearing) -> FollowForm:
    """A blank follow form for the hearing's page (which posts it to `follow`)."""
    return FollowForm(formdata=None, subjects=_hearing_subjects(hearing))
