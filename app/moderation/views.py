"""Staff home, the per-hearing moderation queue, and the review page of one testimony."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.accounts.access import role_required
from app.accounts.forms import EmptyForm
from app.accounts.models import Role
from app.campaigns import queries as campaign_queries
from app.hearings.models import Hearing
from app.moderation import dashboard as dashboard_figures
from app.moderation import pdf_pages, queries, services
from app.moderation.excerpt import excerpt
from app.moderation.forms import (
    AUTOMATED_ONLY,
    FILTER_KEYS,
    MAX_MATCHING,
    BulkDecisionForm,
    DecisionForm,
    NoteForm,
    QueueFilterForm,
    RedactForm,
    amended_note,
    described_filters,
    encode_ids,
    encode_versions,
)
from app.moderation.models import ModeratorNote, Redaction, ReviewDecision
from app.moderation.person_names import NameContext, context_of
from app.moderation.pii import not_yet_redacted
from app.moderation.redaction import segments
from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.platform.transaction import attempt
from app.signins import queries as sign_in_queries
from app.signins import tallies as sign_in_tallies
from app.signins.models import SignInStatus
from app.testimony import identity, write_guard
from app.testimony.attachment_pages import UnusableAttachment, clean_download
from app.testimony.models import Attachment, ReviewStatus, Testimony

bp = Blueprint("moderation", __name__, url_prefix="/staff")

# Downloads are never rendered in our origin: no scripts, no plugins, no same-origin access.
ATTACHMENT_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@bp.route("/")
@role_required(Role.MODERATOR)
def index():
    """Every hearing with how much of its testimony awaits review."""
    hearings = db.session.scalars(select(Hearing).order_by(Hearing.starts_at.desc())).all()
    counts = queries.status_counts_by_hearing([h.id for h in hearings])
    return render_template("moderation/index.html", hearings=hearings, counts=counts, now=utcnow())


def _filter_form(hearing: Hearing, source: MultiDict) -> QueueFilterForm:
    return QueueFilterForm(formdata=source if source else None, hearing=hearing)


@bp.route("/hearings/<int:hearing_id>/queue")
@role_required(Role.MODERATOR)
def queue(hearing_id: int):
    """The hearing's testimony, filtered and sorted, a page at a time, with the first lines of
    each and the form that decides many at once above them."""
    hearing = db.get_or_404(Hearing, hearing_id)
    filter_form = _filter_form(hearing, request.args)
    chosen = filter_form.to_filter()
    page = queries.queue_page(hearing, chosen, request.args.get("after"))
    matching_count = _count_matching_up_to(hearing, chosen, QUEUE_COUNT_LIMIT + 1)
    tabs = _tabs(hearing, filter_form, chosen, matching_count)
    repeats = identity.repeat_counts(hearing.id, page.rows)
    campaign_sizes = campaign_queries.sizes(
        sorted({t.campaign_id for t in page.rows if t.campaign_id is not None})
    )
    return render_template(
        "moderation/queue.html",
        campaign_sizes=campaign_sizes,
        hearing=hearing,
        filter_form=filter_form,
        page=page,
        excerpts={t.id: excerpt(t.body) for t in page.rows},
        matching_count=matching_count,
        count_limit=QUEUE_COUNT_LIMIT,
        tabs=tabs,
        repeats=repeats,
        disposable={t.id: identity.is_disposable(t.email) for t in page.rows},
        counts=queries.status_counts(hearing),
        bulk_form=BulkDecisionForm(
            seen=encode_versions({t.id: t.version for t in page.rows}), formdata=None
        ),
        query_args={k: v for k, v in request.args.items() if k in FILTER_KEYS},  # links
    )


# The queue page counts what matches this far and says "more than" past it: counting stops
# early, so a page costs about the same in a hearing of a million (the confirmation of
# "everything matching" counts exactly, up to MAX_MATCHING).
QUEUE_COUNT_LIMIT = 5_000


@dataclass(frozen=True)
class QueueTabs:
    """The queue's two tabs with the filters kept: "To review" (possibly automated letters
    left out, or shown too when asked) and "Possibly automated" (only those)."""

    on_automated: bool  # the tab shown is "Possibly automated"
    automated_shown_too: bool  # the main tab shows them too, as the filter asked
    main_count: int  # each counted up to QUEUE_COUNT_LIMIT + 1, as the page's own count
    automated_count: int
    main_args: dict[str, str]
    automated_args: dict[str, str]
    hidden_args: dict[str, str]  # the main tab, leaving them out
    also_args: dict[str, str]  # the main tab, showing them too


def _tabs(hearing: Hearing, form: QueueFilterForm, chosen, matching_count: int) -> QueueTabs:
    """Both tabs' counts under the other filters: the shown one is the page's own count, the
    other one more count that stops at the same limit."""
    carried = {k: v for k, v in request.args.items() if k in FILTER_KEYS}
    links = form.tab_args(carried)
    on_automated = chosen.quarantined is True
    # On their tab, the main tab's count leaves them out; on the main tab (showing them too or
    # not), their own count.
    other = replace(chosen, quarantined=not on_automated)
    other_count = _count_matching_up_to(hearing, other, QUEUE_COUNT_LIMIT + 1)
    return QueueTabs(
        on_automated=on_automated,
        automated_shown_too=chosen.quarantined is None,
        main_count=other_count if on_automated else matching_count,
        automated_count=matching_count if on_automated else other_count,
        main_args=links["main"],
        automated_args=links["automated"],
        hidden_args=links["hidden"],
        also_args=links["also"],
    )


def _count_matching_up_to(hearing: Hearing, chosen, most: int) -> int:
    """How many testimonies match, counting no further than `most`."""
    first = queries.matching(hearing, chosen).with_only_columns(Testimony.id).limit(most)
    return db.session.scalar(select(func.count()).select_from(first.subquery())) or 0


@bp.route("/hearings/<int:hearing_id>/dashboard")
@role_required(Role.MODERATOR)
def dashboard(hearing_id: int):
    """Charts and tables of what came in, and what still awaits review before the hearing."""
    hearing = db.get_or_404(Hearing, hearing_id)
    dash = dashboard_figures.build(hearing)
    position_words = {"support": _("Support"), "oppose": _("Oppose"), "neutral": _("Neutral")}
    status_words = {
        "pending": _("Pending"),
        "flagged": _("Flagged"),
        "approved": _("Approved"),
        "rejected": _("Rejected"),
        "withdrawn": _("Withdrawn"),
    }
    return render_template(
        "moderation/dashboard.html",
        hearing=hearing,
        dash=dash,
        now=utcnow(),
        position_bars=[
            dashboard_figures.Bar(position_words[p.value], n) for p, n in dash.by_position.items()
        ],
        status_bars=[
            dashboard_figures.Bar(status_words[s.value], n) for s, n in dash.by_status.items()
        ],
        sign_in_counts=sign_in_tallies.on_record_by_measure(hearing.id),
        sign_ins_waiting=sign_in_queries.status_counts(hearing.id)[SignInStatus.PENDING],
    )


@bp.route("/hearings/<int:hearing_id>/queue/bulk", methods=["POST"])
@role_required(Role.MODERATOR)
def bulk(hearing_id: int):
    """Confirm, then apply, one decision to the ticked rows, the page's rows, or everything
    matching the filter.

    For everything matching, the confirmation page counts the rows and carries their ids; once
    confirmed, exactly those are decided, less any that no longer match (decided by someone
    else, say). Testimony that arrived or came to match after the count is left for the queue.
    """
    hearing = db.get_or_404(Hearing, hearing_id)
    form = BulkDecisionForm()
    filters = form.carried_filters(request.form)
    back = redirect(url_for("moderation.queue", hearing_id=hearing.id, **filters), code=303)
    if not form.validate_on_submit():
        for field in (form.action, form.reason, form.note):
            for message in field.errors:
                flash(message, "error")
        if form.csrf_token.errors:
            flash(_("The page expired. Nothing was changed; please try again."), "error")
        return back
    filter_form = _filter_form(hearing, filters)
    chosen = filter_form.to_filter()
    confirmed = request.form.get("confirmed") == "yes"
    no_longer_matching = 0
    if form.applies_to_filter:
        ids = queries.matching_ids(hearing, chosen)
        counted = form.counted_ids() if confirmed else None
        if counted is None:
            confirmed = False  # nothing counted (or a damaged count): count now and ask
        else:
            still = set(ids)
            ids = [i for i in counted if i in still]
            no_longer_matching = len(counted) - len(ids)
    else:
        ids = form.chosen_ids(request.form)
    if not ids and not (confirmed and no_longer_matching):
        flash(_("Tick at least one testimony, or choose everything matching the filter."), "error")
        return back
    if not confirmed:
        return _confirm_bulk(hearing, form, filter_form, filters, ids)
    with attempt() as attempted:
        outcome = services.decide_many(
            current_user,
            ids,
            form.to_decision(),
            hearing_id=hearing.id,
            now=utcnow(),
            seen_status=chosen.status,
            seen_versions=form.seen_versions(),
        )
    if attempted.error is not None:
        flash(str(attempted.error), "error")
    else:
        flash(_bulk_outcome(outcome, no_longer_matching), "success")
    return back


def _confirm_bulk(hearing, form, filter_form, filters, ids) -> str:
    """The page that states how many rows, and which filters, a bulk decision will apply to."""
    too_many = form.applies_to_filter and len(ids) > MAX_MATCHING
    if form.applies_to_filter and not too_many:
        # What the count covers is what the moderator confirms: rows amended after it are
        # skipped. (Ticked rows carry the versions their queue page showed.)
        counted = set(ids)
        form.seen.data = encode_versions(
            {i: v for i, v in queries.amended_versions(hearing.id).items() if i in counted}
        )
        form.counted.data = encode_ids(ids)
    return render_template(
        "moderation/bulk_confirm.html",
        hearing=hearing,
        form=form,
        ids=[] if form.applies_to_filter else ids,
        count=len(ids),
        too_many=too_many,
        max_matching=MAX_MATCHING,
        described=described_filters(filter_form) if form.applies_to_filter else [],
        filters=filters,
        automated=filter_form.to_filter().quarantined,
    )


def _bulk_outcome(outcome: services.BulkOutcome, no_longer_matching: int) -> str:
    message = ngettext(
        "%(num)d testimony decided.", "%(num)d testimonies decided.", outcome.decided
    )
    skipped = outcome.skipped + no_longer_matching
    if skipped:
        message += " " + ngettext(
            "%(num)d skipped: already decided or not allowed.",
            "%(num)d skipped: already decided or not allowed.",
            skipped,
        )
    if no_longer_matching:
        message += " " + ngettext(
            "%(num)d of them no longer matched the filters when you confirmed.",
            "%(num)d of them no longer matched the filters when you confirmed.",
            no_longer_matching,
        )
    return message + amended_note(outcome.amended)


def _review_context(testimony: Testimony, **forms) -> dict:
    decisions = db.session.scalars(
        select(ReviewDecision)
        .where(ReviewDecision.testimony_id == testimony.id)
        .order_by(ReviewDecision.id)
    ).all()
    notes = db.session.scalars(
        select(ModeratorNote)
        .where(ModeratorNote.testimony_id == testimony.id)
        .order_by(ModeratorNote.id)
    ).all()
    redactions = db.session.scalars(
        select(Redaction)
        .where(Redaction.testimony_id == testimony.id)
        .order_by(Redaction.start_offset, Redaction.id)
    ).all()
    spans = services.active_spans(testimony)
    # "Next pending" stays in the queue's tab of this letter: possibly automated or not.
    next_pending = queries.oldest_pending(
        testimony.hearing_id, besides=testimony.id, automated=_is_automated(testimony)
    )
    decision_form = forms.get("decision_form") or DecisionForm(
        expected_status=testimony.status.value, expected_version=str(testimony.version)
    )
    return {
        "testimony": testimony,
        "hearing": testimony.hearing,
        "decisions": decisions,
        "notes": notes,
        "redactions": redactions,
        "segments": segments(testimony.body, spans),
        "suggestions": _suggested_redactions(testimony.body, spans, context_of(testimony)),
        "current_version_redactions": [
            r for r in redactions if r.testimony_version == testimony.version
        ],
        "allowed": services.TRANSITIONS[testimony.status],
        "decision_form": decision_form,
        "note_form": forms.get("note_form") or NoteForm(),
        "redact_form": forms.get("redact_form") or RedactForm(),
        "button_form": EmptyForm(),
        "next_pending": next_pending,
        "viewers": forms.get("viewers") or _page_viewers(testimony, None, 1),
    }


# What each kind of personal data is called on the page; a kind added to app/moderation/pii.py
# without a name here is still shown, under a name made from its own.
_KIND_WORDS = {
    "ssn": _l("Social Security number"),
    "phone": _l("Phone number"),
    "email": _l("E-mail address"),
    "street_address": _l("Street address"),
    "card": _l("Payment card number"),
}


@dataclass(frozen=True)
class Suggestion:
    kind: str
    label: str
    text: str


def kind_label(kind) -> str:
    """The words for a kind of finding: its own label when it has one, ours, or its name."""
    own = getattr(kind, "label", None)
    if isinstance(own, str) and own:
        return own
    value = str(getattr(kind, "value", kind))
    known = _KIND_WORDS.get(value)
    return str(known) if known else value.replace("_", " ").capitalize()


def _suggested_redactions(
    text: str, spans: list[tuple[int, int]], context: NameContext | None = None
) -> list[Suggestion]:
    """Each piece of personal data not hidden yet, with what it looks like.

    Each is offered as a phrase for the ordinary redaction form, which hides every occurrence.
    The context (author, hearing) keeps the author and public officials out of the names.
    """
    return [
        Suggestion(str(getattr(f.kind, "value", f.kind)), kind_label(f.kind), f.text)
        for f in not_yet_redacted(text, spans, context)
    ]


@dataclass(frozen=True)
class PageViewer:
    """What the review page shows of one PDF attachment: one page, or why it cannot."""

    attachment: Attachment
    page: int
    pages: int
    failure: str = ""

    @property
    def previous(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def _page_viewers(testimony: Testimony, chosen: int | None, page: int) -> list[PageViewer]:
    """A viewer per attachment: page `page` of the chosen one, the first page of the others.

    Drawing happens here (or comes from the cache), so the page can say when it failed; the
    image's own address then finds it drawn.
    """
    viewers = []
    for item in testimony.attachments:
        number = page if item.id == chosen else 1
        try:
            drawn = pdf_pages.draw(item, number)
        except pdf_pages.NoSuchPage:
            if item.id == chosen:
                abort(404)
            drawn = pdf_pages.Drawn(failure="unreadable")
        viewers.append(PageViewer(item, number, item.page_count, drawn.reason))
    return viewers


@bp.route("/testimony/<int:testimony_id>")
@role_required(Role.MODERATOR)
def review(testimony_id: int):
    """Everything submitted, earlier versions, decisions, notes and redactions."""
    testimony = db.get_or_404(Testimony, testimony_id)
    chosen, page = _chosen_page(testimony)
    viewers = _page_viewers(testimony, chosen, page)
    return render_template("moderation/review.html", **_review_context(testimony, viewers=viewers))


def _chosen_page(testimony: Testimony) -> tuple[int | None, int]:
    """The attachment and page the viewer's links asked for; 404 for any that do not exist."""
    attachment_arg, page_arg = request.args.get("attachment"), request.args.get("page")
    if attachment_arg is None and page_arg is None:
        return None, 1
    if not _is_number(attachment_arg) or (page_arg is not None and not _is_number(page_arg)):
        abort(404)
    pages = {a.id: a.page_count for a in testimony.attachments}
    chosen, page = int(attachment_arg), int(page_arg or "1")
    if chosen not in pages or not 1 <= page <= pages[chosen]:
        abort(404)
    return chosen, page


def _is_number(value: str | None) -> bool:
    return bool(value) and value.isascii() and value.isdigit() and len(value) < 10


@bp.route("/testimony/<int:testimony_id>/decide", methods=["POST"])
@role_required(Role.MODERATOR)
def decide(testimony_id: int):
    testimony = db.get_or_404(Testimony, testimony_id)
    form = DecisionForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            services.decide(
                current_user,
                testimony,
                form.to_decision(),
                expected=ReviewStatus(form.expected_status.data),
                expected_version=form.seen_version(),
                now=utcnow(),
            )
        if outcome.error is not None:
            # The page shows the testimony as it is now (attempt() read it again).
            form.form_errors.append(str(outcome.error))
            form.expected_status.data = testimony.status.value
            form.expected_version.data = str(testimony.version)
        else:
            flash(_("Decision saved."), "success")
            return redirect(_after_decision(testimony), code=303)
    return render_template(
        "moderation/review.html", **_review_context(testimony, decision_form=form)
    ), 409 if form.form_errors else 200


def _is_automated(testimony: Testimony) -> bool:
    return testimony.quarantine_reason is not None


def _after_decision(testimony: Testimony) -> str:
    if request.form.get("then") == "next":
        automated = _is_automated(testimony)
        next_id = queries.oldest_pending(testimony.hearing_id, automated=automated)
        if next_id:
            return url_for("moderation.review", testimony_id=next_id)
        # That tab has nothing pending left: back to it, where the other tab's count shows.
        tab = {"automated": AUTOMATED_ONLY} if automated else {}
        return url_for("moderation.queue", hearing_id=testimony.hearing_id, **tab)
    return url_for("moderation.review", testimony_id=testimony.id)


@bp.route("/testimony/<int:testimony_id>/notes", methods=["POST"])
@role_required(Role.MODERATOR)
def add_note(testimony_id: int):
    testimony = db.get_or_404(Testimony, testimony_id)
    form = NoteForm()
    if form.validate_on_submit():
        services.add_note(current_user, testimony, form.body.data, now=utcnow())
        flash(_("Note added."), "success")
        return redirect(url_for("moderation.review", testimony_id=testimony.id), code=303)
    return render_template("moderation/review.html", **_review_context(testimony, note_form=form))


@bp.route("/testimony/<int:testimony_id>/dispute/keep", methods=["POST"])
@role_required(Role.MODERATOR)
def keep_disputed(testimony_id: int):
    """The sender's address disputed it, but the moderator finds it genuine: packets may have it."""
    testimony = db.get_or_404(Testimony, testimony_id)
    if EmptyForm().validate_on_submit() and identity.keep_disputed(
        current_user, testimony, now=utcnow()
    ):
        flash(
            _("Kept: this testimony can be published and printed despite the dispute."), "success"
        )
    return redirect(url_for("moderation.review", testimony_id=testimony.id), code=303)


@bp.route("/testimony/<int:testimony_id>/redactions", methods=["POST"])
@role_required(Role.MODERATOR)
def redact(testimony_id: int):
    testimony = db.get_or_404(Testimony, testimony_id)
    form = RedactForm()
    if request.form.get("then") == "edit" and form.validate_on_submit():
        # "Edit first" on a suggestion: the phrase goes into the redaction box, nothing is
        # hidden yet (a POST, so the resident's data never travels in an address).
        page = render_template(
            "moderation/review.html", **_review_context(testimony, redact_form=form)
        )
        return page
    if form.validate_on_submit():
        with attempt() as outcome:
            created = services.redact_phrase(
                current_user,
                testimony,
                form.phrase.data,
                now=utcnow(),
                seen_version=write_guard.parse_version(form.seen_version.data),
            )
        if isinstance(outcome.error, services.DecidedMeanwhile):
            form.phrase.errors.append(str(outcome.error))
            # The page now shows the new text, which is what another try would redact.
            page = render_template(
                "moderation/review.html", **_review_context(testimony, redact_form=form)
            )
            return page, 409
        if outcome.error is not None:
            form.phrase.errors.append(str(outcome.error))
        else:
            flash(
                ngettext("%(num)d passage hidden.", "%(num)d passages hidden.", len(created)),
                "success",
            )
            return redirect(url_for("moderation.review", testimony_id=testimony.id), code=303)
    return render_template("moderation/review.html", **_review_context(testimony, redact_form=form))


@bp.route("/redactions/<int:redaction_id>/remove", methods=["POST"])
@role_required(Role.MODERATOR)
def remove_redaction(redaction_id: int):
    redaction = db.get_or_404(Redaction, redaction_id)
    if EmptyForm().validate_on_submit():
        services.remove_redaction(current_user, redaction, now=utcnow())
        flash(_("Redaction removed."), "success")
    return redirect(url_for("moderation.review", testimony_id=redaction.testimony_id), code=303)


@bp.route("/attachments/<int:attachment_id>")
@role_required(Role.MODERATOR)
def attachment(attachment_id: int):
    """The cleaned file (no scripts, embedded files, forms or links), named
    `<n>-<safe name>.pdf`, always as a download, never rendered in the app's origin."""
    item = db.get_or_404(Attachment, attachment_id)
    try:
        data, original = clean_download(item)
    except FileNotFoundError:
        abort(404)
    except UnusableAttachment as error:
        flash(_("This attachment cannot be opened safely (%(why)s).", why=str(error)), "error")
        return redirect(url_for("moderation.review", testimony_id=item.testimony_id), code=303)
    response = Response(data, mimetype="application/pdf")
    # Header values must be Latin-1 (PEP 3333); a name beyond ASCII goes in filename* as
    # UTF-8 (RFC 6266), with an ASCII fallback, as Flask's send_file does.
    options = {"filename": original}
    if not original.isascii():
        fallback = unicodedata.normalize("NFKD", original).encode("ascii", "ignore").decode()
        options = {
            "filename": fallback.strip() or "attachment.pdf",
            "filename*": "UTF-8''" + quote(original, safe=""),
        }
    response.headers.set("Content-Disposition", "attachment", **options)
    for name, value in ATTACHMENT_HEADERS.items():
        response.headers[name] = value
    return response
