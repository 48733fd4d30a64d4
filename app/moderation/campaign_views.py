"""Moderators' campaign pages: the hearing's campaigns by size, and one campaign with its
representative text, each member's differences, and the decide / split / merge actions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import role_required
from app.accounts.forms import EmptyForm
from app.accounts.models import Role
from app.campaigns import provenance, queries
from app.campaigns.arrival_chart import bin_arrivals, lay_out
from app.campaigns.differences import compare
from app.campaigns.models import Campaign
from app.hearings.models import Hearing
from app.moderation import campaign_services as services
from app.moderation import queries as moderation_queries
from app.moderation.campaign_forms import CampaignDecisionForm, MergeForm
from app.moderation.forms import amended_note, encode_versions
from app.platform.extensions import db
from app.platform.timezones import utcnow, zone_name
from app.platform.transaction import attempt
from app.testimony import identity
from app.testimony.models import Testimony

bp = Blueprint("campaigns", __name__, url_prefix="/staff")


def _number(raw: str | None) -> int | None:
    if raw and raw.isascii() and raw.isdigit() and len(raw) < 11 and int(raw) < 2**31:
        return int(raw)
    return None


@bp.route("/hearings/<int:hearing_id>/campaigns")
@role_required(Role.MODERATOR)
def index(hearing_id: int):
    hearing = db.get_or_404(Hearing, hearing_id)
    page = max(1, min(_number(request.args.get("page")) or 1, 10_000))
    lines, more = queries.campaign_lines(hearing, page)
    campaigns, grouped = queries.campaign_count(hearing)
    return render_template(
        "campaigns/index.html",
        hearing=hearing,
        lines=lines,
        page=page,
        more=more,
        campaign_total=campaigns,
        grouped=grouped,
    )


def _merge_form(campaign: Campaign, formdata=None) -> MergeForm:
    form = MergeForm(formdata=formdata)
    form.into.choices = [("", _("Choose a campaign"))] + [
        (
            str(other.id),
            ngettext(
                "%(label)s (%(num)d letter)", "%(label)s (%(num)d letters)", size, label=other.label
            ),
        )
        for other, size in queries.merge_targets(campaign)
    ]
    return form


def _page(campaign: Campaign, decision_form=None, merge_form=None, status: int = 200):
    representative = (
        db.session.get(Testimony, campaign.representative_id)
        if campaign.representative_id
        else None
    )
    members, next_after = queries.members_page(campaign, _number(request.args.get("after")))
    base = representative.body if representative else ""
    form = decision_form or CampaignDecisionForm()
    if not form.upto.data:
        newest = queries.newest_member(campaign)
        form.upto.data = str(newest or "")
        # The members amended so far, at their versions: one amended after this page is not
        # decided with the campaign, as its new text has not been seen.
        form.seen.data = encode_versions(
            moderation_queries.amended_versions(
                campaign.hearing_id,
                Testimony.campaign_id == campaign.id,
                Testimony.id <= (newest or 0),
            )
        )
    repeats = identity.repeat_counts(campaign.hearing_id, members)
    hearing = db.session.get(Hearing, campaign.hearing_id)
    card = provenance.campaign_card(campaign.id, hearing)
    arrivals = bin_arrivals(card.arrivals)
    return render_template(
        "campaigns/show.html",
        campaign=campaign,
        hearing=hearing,
        card=card,
        provenance_summary=provenance.summary(card),
        arrivals=arrivals,
        chart=lay_out(arrivals),
        jurisdiction=hearing.body.jurisdiction,
        zone_id=hearing.timezone,
        zone=zone_name(utcnow(), hearing.timezone, str(get_locale() or "en")),
        representative=representative,
        size=queries.sizes([campaign.id]).get(campaign.id, 0),
        members=[(m, compare(m.body, base)) for m in members],
        next_after=next_after,
        decision_form=form,
        confidence={m.id: identity.confidence(m, repeats[m.id]) for m in members},
        merge_form=merge_form or _merge_form(campaign),
        button_form=EmptyForm(),
    ), status


@bp.route("/campaigns/<int:campaign_id>")
@role_required(Role.MODERATOR)
def show(campaign_id: int):
    return _page(db.get_or_404(Campaign, campaign_id))


@bp.route("/campaigns/<int:campaign_id>/decide", methods=["POST"])
@role_required(Role.MODERATOR)
def decide(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = CampaignDecisionForm()
    if not form.validate_on_submit():
        return _page(campaign, decision_form=form, status=400)
    with attempt() as attempted:
        outcome = services.decide_campaign(
            current_user,
            campaign,
            form.to_decision(),
            seen_status=form.seen_status(),
            now=utcnow(),
            upto=form.seen_upto(),
            seen_versions=form.seen_versions(),
        )
    if attempted.error is not None:
        form.form_errors.append(str(attempted.error))
        return _page(db.get_or_404(Campaign, campaign_id), decision_form=form, status=409)
    message = ngettext(
        "%(num)d testimony decided.", "%(num)d testimonies decided.", outcome.decided
    )
    if outcome.skipped:
        message += " " + ngettext(
            "%(num)d skipped: already decided or not allowed.",
            "%(num)d skipped: already decided or not allowed.",
            outcome.skipped,
        )
    flash(message + amended_note(outcome.amended), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign.id), code=303)


@bp.route("/campaigns/<int:campaign_id>/members/<int:testimony_id>/split", methods=["POST"])
@role_required(Role.MODERATOR)
def split(campaign_id: int, testimony_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    testimony = db.get_or_404(Testimony, testimony_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        flash(_("The page expired. Nothing was changed; please try again."), "error")
        return redirect(url_for("campaigns.show", campaign_id=campaign.id), code=303)
    hearing_id = campaign.hearing_id
    with attempt() as outcome:
        dissolved = services.split_member(current_user, campaign, testimony, now=utcnow())
    if outcome.error is not None:
        flash(str(outcome.error), "error")
        return redirect(url_for("campaigns.show", campaign_id=campaign_id), code=303)
    flash(
        _(
            "%(number)s was taken out of the campaign and will not be grouped again.",
            number=testimony.tracking_number,
        ),
        "success",
    )
    if dissolved:
        flash(_("The campaign had one letter left, so it was dissolved."), "success")
        return redirect(url_for("campaigns.index", hearing_id=hearing_id), code=303)
    return redirect(url_for("campaigns.show", campaign_id=campaign_id), code=303)


@bp.route("/campaigns/<int:campaign_id>/merge", methods=["POST"])
@role_required(Role.MODERATOR)
def merge(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = _merge_form(campaign, request.form)
    if not form.validate_on_submit():
        return _page(campaign, merge_form=form, status=400)
    target = form.target_id()
    into = db.session.get(Campaign, target) if target is not None else None
    with attempt() as outcome:
        if into is None:
            raise services.CannotMerge()
        moved = services.merge(current_user, campaign, into, now=utcnow())
    if outcome.error is not None:
        form.into.errors = [str(outcome.error)]
        return _page(db.get_or_404(Campaign, campaign_id), merge_form=form, status=409)
    flash(
        ngettext(
            "%(num)d letter moved into campaign %(label)s.",
            "%(num)d letters moved into campaign %(label)s.",
            moved,
            label=into.label,
        ),
        "success",
    )
    return redirect(url_for("campaigns.show", campaign_id=into.id), code=303)


@bp.route("/testimony/<int:testimony_id>/campaign/put-back", methods=["POST"])
@role_required(Role.MODERATOR)
def put_back(testimony_id: int):
    """Undo "take out of the campaign" from the testimony's review page."""
    testimony = db.get_or_404(Testimony, testimony_id)
    if not EmptyForm().validate_on_submit():
        flash(_("The page expired. Nothing was changed; please try again."), "error")
        return redirect(url_for("moderation.review", testimony_id=testimony.id), code=303)
    joined = services.put_back(current_user, testimony, now=utcnow())
    if joined:
        flash(_("It is back in campaign C-%(id)s.", id=joined), "success")
    else:
        flash(_("Grouping may place it again; no campaign matches it now."), "success")
    return redirect(url_for("moderation.review", testimony_id=testimony.id), code=303)
