"""The campaigns spreadsheets of the hearing's bundle: one row per campaign with its provenance
card (campaigns.csv), and its letters per hour of arrival (campaign_arrivals.csv). Both come
from one set of grouped queries for all the hearing's campaigns (app/campaigns/provenance)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from app.campaigns.models import Campaign, campaign_label
from app.campaigns.provenance import Provenance, cards_for_hearing, span_hours, summary
from app.exports.spreadsheets.rows import SheetRow
from app.hearings.models import Hearing, Measure
from app.platform.extensions import db
from app.testimony.models import Testimony

LOCAL = "%Y-%m-%d %H:%M"

# (heading, what the README says it holds).
CAMPAIGN_COLUMNS = [
    ("Campaign", "The campaign's number, e.g. C-12, as on the moderators' campaign page"),
    ("Shared text from", "Tracking number of the letter whose text stands for the campaign"),
    ("Letters", "Letters in the campaign that their senders have not withdrawn, any review"),
    ("Approved", "How many of them are approved (the packet prints those)"),
    ("Confirmed e-mail", "How many senders followed the confirmation link in their receipt"),
    ("Residents", "How many live in the body's jurisdiction, by its places and ZIP prefixes"),
    ("Towns", "How many different cities or towns the letters came from"),
    ("Most letters from", "The towns with the most letters, e.g. 'Boston: 20; Quincy: 3'"),
    ("Possibly automated", "How many were marked possibly automated when they arrived"),
    ("Throwaway e-mail", "How many were sent from a throwaway e-mail service"),
    ("First letter", "When the first arrived, in the body's local time (YYYY-MM-DD HH:MM)"),
    ("Latest letter", "When the latest arrived, in the body's local time"),
    ("Hours from first to latest", "Whole hours between the first and latest letter"),
    ("Summary", "The card in words, e.g. '24 letters, 0 confirmed their e-mail, 4 towns, …'"),
]

ARRIVAL_COLUMNS = [
    ("Campaign", "The campaign's number, e.g. C-12"),
    ("Hour starting", "The hour, in the body's local time (YYYY-MM-DD HH:MM)"),
    ("Letters", "Letters of the campaign (not withdrawn) that arrived in that hour"),
]


@dataclass(frozen=True)
class CampaignSheets:
    campaigns: list[SheetRow]
    arrivals: list[SheetRow]


def campaign_sheets(hearing: Hearing, measure: Measure | None = None) -> CampaignSheets:
    """Both sheets, largest campaign first; hours without letters are left out of the second.
    A measure's bundle counts the letters that address that measure."""
    cards = cards_for_hearing(hearing, measure)
    order = sorted(cards, key=lambda campaign_id: (-cards[campaign_id].letters, campaign_id))
    shared = dict(
        db.session.execute(
            select(Campaign.id, Testimony.tracking_number)
            .join(Testimony, Testimony.id == Campaign.representative_id)
            .where(Campaign.id.in_(order))
        ).all()
    )
    return CampaignSheets(
        [_campaign_row(campaign_id, cards[campaign_id], shared) for campaign_id in order],
        [row for campaign_id in order for row in _arrival_rows(campaign_id, cards[campaign_id])],
    )


def _campaign_row(campaign_id: int, card: Provenance, shared: dict[int, str]) -> SheetRow:
    return SheetRow(
        (
            campaign_label(campaign_id),
            shared.get(campaign_id, ""),
            str(card.letters),
            str(card.approved),
            str(card.confirmed),
            str(card.residents),
            str(card.towns),
            "; ".join(f"{town.name}: {town.letters}" for town in card.top_towns),
            str(card.automated),
            str(card.throwaway),
            card.first.strftime(LOCAL) if card.first else "",
            card.last.strftime(LOCAL) if card.last else "",
            str(span_hours(card)),
            summary(card),
        )
    )


def _arrival_rows(campaign_id: int, card: Provenance) -> Iterator[SheetRow]:
    hours: dict = {}
    for moment, count in card.arrivals:
        start = moment.replace(minute=0, second=0, microsecond=0)
        hours[start] = hours.get(start, 0) + count
    label = campaign_label(campaign_id)
    for start in sorted(hours):
        yield SheetRow((label, start.strftime(LOCAL), str(hours[start])))
