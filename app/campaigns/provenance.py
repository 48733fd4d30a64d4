"""Where a campaign's letters came from, so the committee can weigh it without anyone being
turned away: how many letters, how many senders confirmed their e-mail, how many live in the
body's jurisdiction and from how many towns, how many were marked possibly automated or used a
throwaway address, and when they arrived.

Counted in SQL a few grouped queries at a time, never member by member: a campaign of 50,000
letters reads its groups (towns, e-mail domains, quarter hours of arrival), not its rows.
`cards_for_hearing` does the same for every campaign of a hearing at once (the spreadsheet).

Which letters count: every letter in the campaign that its sender has not withdrawn, whatever
its review status (the page says so, and how many are approved). The packet prints its own
card from the letters it prints (app/exports/packet/campaigns.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import ngettext
from sqlalchemy import BigInteger, case, cast, exists, func, select

from app.campaigns.arrival_chart import MAX_HOURS
from app.hearings.models import Body, Hearing, Measure, normalise_place, parse_zip_prefixes
from app.platform.extensions import db
from app.testimony.identity import is_disposable
from app.testimony.models import ReviewStatus, Testimony, TestimonyMeasure

# Arrivals are counted per quarter hour in SQL: every time zone's offset is a whole number of
# quarter hours, so each quarter lands in exactly one local hour.
QUARTER = 900
TOP_TOWNS = 5


@dataclass(frozen=True)
class Town:
    name: str  # as most of its letters spelled it
    letters: int


@dataclass
class Provenance:
    """The numbers on a campaign's card. Arrival times are local to the hearing's body: aware
    datetimes on the staff page, naive wall-clock times in the packet (which prints them)."""

    letters: int = 0
    approved: int = 0
    confirmed: int = 0
    residents: int = 0
    towns: int = 0
    top_towns: tuple[Town, ...] = ()
    automated: int = 0
    throwaway: int = 0
    first: datetime | None = None
    last: datetime | None = None
    # (local time within the hour, letters): any number of entries per hour, summed when binned.
    arrivals: list[tuple[datetime, int]] = field(default_factory=list)


class _Towns:
    """Counts letters by normalised town name, remembering the most common spelling."""

    def __init__(self) -> None:
        self.letters: Counter[str] = Counter()
        self.spellings: dict[str, Counter[str]] = defaultdict(Counter)

    def add(self, city: str, count: int) -> None:
        key = normalise_place(city or "")
        if not key:
            return  # no town given is not a town
        self.letters[key] += count
        self.spellings[key][" ".join(city.split())] += count

    def fill(self, card: Provenance) -> None:
        card.towns = len(self.letters)
        ranked = sorted(self.letters.items(), key=lambda item: (-item[1], item[0]))[:TOP_TOWNS]
        card.top_towns = tuple(
            Town(self.spellings[key].most_common(1)[0][0], count) for key, count in ranked
        )


def _quarter_hour():
    """The quarter hour of arrival as a whole number of quarters since 1970, on SQLite and
    PostgreSQL alike (received_at is stored as naive UTC)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.floor(func.extract("epoch", Testimony.received_at) / QUARTER), BigInteger)
    # Floor division: SQLAlchemy's "/" would divide as decimals, a group for every second.
    return cast(func.strftime("%s", Testimony.received_at), BigInteger) // QUARTER


def _domain():
    """What follows the first @ of the address (is_disposable takes the part after the last)."""
    if db.session.get_bind().dialect.name == "postgresql":
        position = func.strpos(Testimony.email, "@")
    else:
        position = func.instr(Testimony.email, "@")
    return func.substr(Testimony.email, position + 1)


def _counted(*conditions):
    return [Testimony.status != ReviewStatus.WITHDRAWN, *conditions]


def _fill(
    cards: dict[int, Provenance],
    conditions: list,
    body: Body,
    zone: str,
) -> None:
    """Four grouped queries for every campaign the conditions select, keyed by campaign."""
    is_resident = body.resident_matcher()
    # Without ZIP prefixes the body's rule reads the town alone: group by it, not by each ZIP.
    zip_code = Testimony.zip_code if parse_zip_prefixes(body.resident_zip_prefixes) else ""
    key = Testimony.campaign_id
    for row in db.session.execute(
        select(
            key,
            func.count(Testimony.id),
            func.count(case((Testimony.status == ReviewStatus.APPROVED, 1))),
            func.count(Testimony.email_confirmed_at),
            func.count(Testimony.quarantine_reason),
            func.min(Testimony.received_at),
            func.max(Testimony.received_at),
        )
        .where(*conditions)
        .group_by(key)
    ):
        card = cards.setdefault(row[0], Provenance())
        card.letters, card.approved, card.confirmed, card.automated = (int(v) for v in row[1:5])
        card.first, card.last = (to_zone(v, zone) for v in row[5:7])
    towns: dict[int, _Towns] = defaultdict(_Towns)
    places = [key, Testimony.city, *([zip_code] if zip_code != "" else [])]
    for campaign_id, city, *code, count in db.session.execute(
        select(*places, func.count(Testimony.id)).where(*conditions).group_by(*places)
    ):
        if campaign_id not in cards:
            continue
        towns[campaign_id].add(city, count)
        if is_resident(city, code[0] if code else ""):
            cards[campaign_id].residents += count
    for campaign_id, counted in towns.items():
        counted.fill(cards[campaign_id])
    domain = _domain()
    for campaign_id, found, count in db.session.execute(
        select(key, domain, func.count(Testimony.id)).where(*conditions).group_by(key, domain)
    ):
        if campaign_id in cards and found and is_disposable(found):
            cards[campaign_id].throwaway += count
    quarter = _quarter_hour()
    for campaign_id, number, count in db.session.execute(
        select(key, quarter, func.count(Testimony.id))
        .where(*conditions)
        .group_by(key, quarter)
        .order_by(key, quarter)
    ):
        if campaign_id in cards and number is not None:
            moment = datetime.fromtimestamp(int(number) * QUARTER, UTC)
            cards[campaign_id].arrivals.append((to_zone(moment, zone), int(count)))


def to_zone(moment: datetime | None, zone: str) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone))


def campaign_card(campaign_id: int, hearing: Hearing) -> Provenance:
    """The card of one campaign: every letter in it not withdrawn (four queries)."""
    cards: dict[int, Provenance] = {}
    _fill(
        cards,
        _counted(Testimony.campaign_id == campaign_id),
        hearing.body,
        hearing.timezone,
    )
    return cards.get(campaign_id, Provenance())


def cards_for_hearing(hearing: Hearing, measure: Measure | None = None) -> dict[int, Provenance]:
    """Every campaign's card on the hearing (or, for one measure, counting the letters that
    address it), keyed by campaign id: four queries however many campaigns."""
    conditions = _counted(Testimony.hearing_id == hearing.id, Testimony.campaign_id.is_not(None))
    if measure is not None:
        conditions.append(
            exists().where(
                TestimonyMeasure.testimony_id == Testimony.id,
                TestimonyMeasure.measure_id == measure.id,
            )
        )
    cards: dict[int, Provenance] = {}
    _fill(cards, conditions, hearing.body, hearing.timezone)
    return cards


@dataclass(frozen=True)
class Member:
    """What the packet knows of one printed letter (no e-mail address: only whether it was a
    throwaway one)."""

    city: str
    resident: bool
    received: datetime  # local wall-clock time, naive
    confirmed: bool
    automated: bool
    throwaway: bool


def card_from_members(members: Iterable[Member]) -> Provenance:
    """The card of the letters given (the packet's: exactly those it prints)."""
    card = Provenance()
    towns = _Towns()
    for member in members:
        card.letters += 1
        card.approved += 1
        card.confirmed += member.confirmed
        card.automated += member.automated
        card.throwaway += member.throwaway
        card.residents += member.resident
        towns.add(member.city, 1)
        card.arrivals.append((member.received, 1))
        card.first = member.received if card.first is None else min(card.first, member.received)
        card.last = member.received if card.last is None else max(card.last, member.received)
    towns.fill(card)
    return card


def throwaway_address(email: str) -> bool:
    return bool(email) and is_disposable(email)


def span_hours(card: Provenance) -> int:
    """Whole hours from the first letter to the last, at least one."""
    if card.first is None or card.last is None:
        return 0
    seconds = (_utc(card.last) - _utc(card.first)).total_seconds()
    return max(1, -int(-seconds // 3600))


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment


def summary(card: Provenance) -> str:
    """The card in one sentence: "24 letters, 0 confirmed their e-mail, 4 towns, all within
    25 hours"."""
    parts = [
        ngettext("%(num)d letter", "%(num)d letters", card.letters),
        ngettext(
            "%(num)d confirmed their e-mail", "%(num)d confirmed their e-mail", card.confirmed
        ),
        ngettext("%(num)d town", "%(num)d towns", card.towns),
    ]
    if card.letters > 1:
        hours = span_hours(card)
        if hours <= MAX_HOURS:
            parts.append(ngettext("all within %(num)d hour", "all within %(num)d hours", hours))
        else:
            days = -(-hours // 24)
            parts.append(ngettext("spread over %(num)d day", "spread over %(num)d days", days))
    return ", ".join(parts)
