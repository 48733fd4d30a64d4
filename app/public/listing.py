"""The published testimony on a hearing's public page: each form-letter campaign once, with
how many people sent it and their names, among the letters sent on their own.

What is listed follows the page's rules: approved, not disputed (or kept despite a dispute),
and, on a hearing that lists only confirmed senders, confirmed; then the reader's filters. A
letter sent on its own stands at its (received_at, id); a campaign at (the time of its first
listed letter, the lowest id among its listed letters). Every item has its own such key, so
one keyset cursor, the key of the last item shown, pages through both without repeating or
skipping either. The campaign's letter is the text its
moderators chose (the representative) when that letter is itself listed, else its first
listed letter: a letter that is not published is never shown, nor is its sender named.

Every page costs the same number of queries whatever a campaign's size: its count is taken
in SQL and only the first names are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select, tuple_, union_all
from sqlalchemy.orm import aliased, selectinload

from app.campaigns.differences import compare
from app.campaigns.models import Campaign
from app.hearings.models import Hearing
from app.moderation.queries import active_spans_for, decode_cursor, encode_cursor
from app.moderation.redaction import public_text
from app.platform.extensions import db
from app.testimony.models import Position, ReviewStatus, Testimony, TestimonyMeasure

PAGE_SIZE = 25
NAMES_SHOWN = 20  # under a campaign's letter on the hearing page
NAMES_PAGE = 100  # on a campaign's own page

Key = tuple[datetime, int]


@dataclass(frozen=True)
class Filters:
    """The reader's choice of measure and position; None for all."""

    measure_id: int | None = None
    position: Position | None = None

    @property
    def active(self) -> bool:
        return self.measure_id is not None or self.position is not None

    def args(self) -> dict[str, str]:
        """The filters as query-string arguments, for links that keep them."""
        args = {}
        if self.measure_id is not None:
            args["measure"] = str(self.measure_id)
        if self.position is not None:
            args["position"] = self.position.value
        return args


def parse_filters(hearing: Hearing, args) -> tuple[Filters, bool]:
    """The filters the query string asks for, and whether any of it was not a choice the
    page offers (that part is left out, so the page shows more rather than nothing)."""
    measure_id, position, unknown = None, None, False
    raw_measure = args.get("measure", "")
    if raw_measure:
        ids = {str(m.id): m.id for m in hearing.measures}
        measure_id = ids.get(raw_measure)
        unknown = measure_id is None
    raw_position = args.get("position", "")
    if raw_position:
        try:
            position = Position(raw_position)
        except ValueError:
            unknown = True
    return Filters(measure_id, position), unknown


def listed(hearing: Hearing, filters: Filters = Filters()) -> list:
    """Conditions on Testimony for a letter the page lists.

    A position alone matches a letter taking it on any measure (one on several measures is
    found under each position it takes), a measure alone any letter on it, both together a
    letter taking that position on that measure, as the measure's tally counts it."""
    conditions = [
        Testimony.hearing_id == hearing.id,
        Testimony.status == ReviewStatus.APPROVED,
        # Not disputed by its address's owner, or kept by a moderator despite the dispute.
        or_(Testimony.disputed_at.is_(None), Testimony.dispute_kept_at.is_not(None)),
    ]
    if hearing.confirmed_only:
        conditions.append(Testimony.email_confirmed_at.is_not(None))
    stance = []
    if filters.measure_id is not None:
        stance.append(TestimonyMeasure.measure_id == filters.measure_id)
    if filters.position is not None:
        stance.append(TestimonyMeasure.position == filters.position)
    if stance:
        conditions.append(Testimony.stances.any(and_(*stance)))
    return conditions


@dataclass(frozen=True)
class Signer:
    """A name under a campaign's letter: what the page already shows of every sender."""

    id: int
    full_name: str
    organization: str | None
    city: str
    own_words: bool  # their letter is not word for word the campaign's
    # Their own (measure number, position) pairs, in agenda order, when they are not the ones
    # the letter shown takes: nobody is shown as taking a position they did not choose.
    stances: tuple[tuple[str, Position], ...] = ()


@dataclass
class Group:
    """A campaign as the page shows it: its letter once, and who sent it."""

    campaign_id: int
    size: int  # listed members
    letter: Testimony
    own_words: int = 0  # listed members whose letter differs from the one shown
    signers: list[Signer] = field(default_factory=list)


@dataclass
class Item:
    key: Key
    testimony: Testimony | None = None  # a letter on its own
    group: Group | None = None  # or a campaign's, sent by several


@dataclass
class Listing:
    items: list[Item]
    next_cursor: str | None
    texts: dict[int, str]  # public (redacted) text of each letter shown, by testimony id

    @property
    def letters(self) -> list[Testimony]:
        return [i.testimony or i.group.letter for i in self.items]


_LOADED = (
    selectinload(Testimony.measure),
    selectinload(Testimony.stances).selectinload(TestimonyMeasure.measure),
    selectinload(Testimony.organisation),
)


def _campaign_leads(conditions: list, after: Key | None, limit: int, campaign_id=None):
    """Campaigns with listed letters in the order of their first listed letter, after `after`:
    campaign_id, first_at (its first listed letter's time), first_id (its first listed letter
    by id: with first_at, the campaign's place), size, representative_id, and how many listed
    letters are worded as the representative is (same) or have no wording digest yet
    (unkeyed). One pass over the hearing's campaign letters, whatever their number."""
    representative = aliased(Testimony)
    first_at = func.min(Testimony.received_at)
    first_id = func.min(Testimony.id)
    query = (
        select(
            Testimony.campaign_id,
            first_at.label("first_at"),
            first_id.label("first_id"),
            func.count().label("size"),
            func.max(Campaign.representative_id).label("representative_id"),
            func.max(representative.wording_key).label("representative_key"),
            func.sum(case((Testimony.wording_key == representative.wording_key, 1), else_=0)).label(
                "same"
            ),
            func.sum(case((Testimony.wording_key.is_(None), 1), else_=0)).label("unkeyed"),
        )
        .join(Campaign, Campaign.id == Testimony.campaign_id)
        .outerjoin(representative, representative.id == Campaign.representative_id)
        .where(*conditions)
        .group_by(Testimony.campaign_id)
    )
    if campaign_id is not None:
        query = query.where(Testimony.campaign_id == campaign_id)
    if after is not None:
        query = query.having(tuple_(first_at, first_id) > after)
    return db.session.execute(query.order_by(first_at, first_id).limit(limit)).all()


def _letters(conditions: list, leads) -> dict[int, Testimony]:
    """Each campaign's letter to show: its representative when listed, else its first listed
    letter; by campaign id."""
    if not leads:
        return {}
    wanted = {lead.first_id for lead in leads} | {
        lead.representative_id for lead in leads if lead.representative_id
    }
    found = {
        t.id: t
        for t in db.session.scalars(
            select(Testimony).where(*conditions, Testimony.id.in_(wanted)).options(*_LOADED)
        )
    }
    letters = {}
    for lead in leads:
        chosen = found.get(lead.representative_id)
        if chosen is None or chosen.campaign_id != lead.campaign_id:
            chosen = found.get(lead.first_id)
        if chosen is not None:
            letters[lead.campaign_id] = chosen
    return letters


def _count_own_words(conditions: list, pairs: list[tuple[Group, object]]) -> None:
    """Set how many listed members of each campaign sent a letter worded otherwise than the
    one shown (by wording digest; a letter without a digest yet is not counted). From the
    campaign's own counts when the letter shown is worded as its representative; otherwise
    (the representative is not published) counted in one more query."""
    apart = []
    for group, lead in pairs:
        key = group.letter.wording_key
        if key is None:
            group.own_words = 0
        elif key == lead.representative_key:
            group.own_words = lead.size - int(lead.same or 0) - int(lead.unkeyed or 0)
        else:
            apart.append(group)
    if not apart:
        return
    differs = or_(
        *(
            and_(
                Testimony.campaign_id == g.campaign_id,
                Testimony.wording_key != g.letter.wording_key,
            )
            for g in apart
        )
    )
    counts = dict(
        db.session.execute(
            select(Testimony.campaign_id, func.count())
            .where(*conditions, differs)
            .group_by(Testimony.campaign_id)
        ).all()
    )
    for group in apart:
        group.own_words = counts.get(group.campaign_id, 0)


def _first_signers(
    hearing: Hearing, conditions: list, groups: list[Group]
) -> dict[int, list[Signer]]:
    """The first NAMES_SHOWN listed members of each campaign, by arrival: one query that
    reads only those rows, whatever the campaigns' sizes."""
    if not groups:
        return {}
    parts = [
        select(
            Testimony.id,
            Testimony.campaign_id,
            Testimony.full_name,
            Testimony.organization,
            Testimony.city,
            Testimony.wording_key,
        )
        .where(*conditions, Testimony.campaign_id == g.campaign_id)
        .order_by(Testimony.id)
        .limit(NAMES_SHOWN)
        .subquery()
        for g in groups
    ]
    query = union_all(*(select(part) for part in parts))
    keys = {g.campaign_id: g.letter.wording_key for g in groups}
    signers: dict[int, list[Signer]] = {g.campaign_id: [] for g in groups}
    rows = db.session.execute(query).all()
    letters = {g.campaign_id: g.letter for g in groups}
    other = _other_stances(hearing, letters, [(row.id, row.campaign_id) for row in rows])
    for row in rows:
        signers[row.campaign_id].append(_signer(row, keys[row.campaign_id], other.get(row.id, ())))
    for names in signers.values():
        names.sort(key=lambda s: s.id)
    return signers


def _signer(row, letter_key: str | None, stances=()) -> Signer:
    return Signer(
        id=row.id,
        full_name=row.full_name,
        organization=row.organization,
        city=row.city,
        own_words=bool(letter_key and row.wording_key and row.wording_key != letter_key),
        stances=stances,
    )


def _other_stances(hearing: Hearing, letters: dict[int, Testimony], signers) -> dict:
    """(measure number, position) pairs, in agenda order, of each signer (signer id, campaign
    id) whose stances are not those of their campaign's letter shown: one query."""
    ids = [signer_id for signer_id, _campaign_id in signers]
    if not ids:
        return {}
    taken: dict[int, set] = {signer_id: set() for signer_id in ids}
    for testimony_id, measure_id, position in db.session.execute(
        select(
            TestimonyMeasure.testimony_id, TestimonyMeasure.measure_id, TestimonyMeasure.position
        ).where(TestimonyMeasure.testimony_id.in_(ids))
    ):
        taken[testimony_id].add((measure_id, position))
    agenda = {measure.id: (index, measure.number) for index, measure in enumerate(hearing.measures)}
    found = {}
    for signer_id, campaign_id in signers:
        letter = {(s.measure_id, s.position) for s in letters[campaign_id].stances}
        if taken[signer_id] and taken[signer_id] != letter:
            ordered = sorted(
                taken[signer_id], key=lambda s: (agenda.get(s[0], (len(agenda),))[0], s[0])
            )
            found[signer_id] = tuple(
                (agenda[m][1] if m in agenda else "", position) for m, position in ordered
            )
    return found


def _texts(letters: list[Testimony]) -> dict[int, str]:
    spans = active_spans_for(letters)
    return {t.id: public_text(t.body, spans[t.id]) for t in letters}


def hearing_page(hearing: Hearing, filters: Filters, cursor: str | None) -> Listing:
    """One page of the hearing's published letters, a campaign collapsed to one item."""
    conditions = listed(hearing, filters)
    after = decode_cursor(cursor, "received") if cursor else None
    singles = select(Testimony).where(*conditions, Testimony.campaign_id.is_(None))
    if after is not None:
        singles = singles.where(tuple_(Testimony.received_at, Testimony.id) > after)
    items = [
        Item((t.received_at, t.id), testimony=t)
        for t in db.session.scalars(
            singles.options(*_LOADED)
            .order_by(Testimony.received_at, Testimony.id)
            .limit(PAGE_SIZE + 1)
        )
    ]
    leads = _campaign_leads(conditions, after, PAGE_SIZE + 1)
    items += [Item((lead.first_at, lead.first_id)) for lead in leads]
    items.sort(key=lambda item: item.key)
    next_cursor = None
    if len(items) > PAGE_SIZE:
        items = items[:PAGE_SIZE]
        next_cursor = encode_cursor(*items[-1].key)
    on_page = {(lead.first_at, lead.first_id): lead for lead in leads}
    page_leads = [on_page[i.key] for i in items if i.testimony is None]
    letters = _letters(conditions, page_leads)
    shown = []
    groups, group_keys = [], []
    for item in items:
        if item.testimony is None:
            lead = on_page[item.key]
            letter = letters.get(lead.campaign_id)
            if letter is None:  # taken back between the two reads
                continue
            if lead.size < 2:
                item.testimony = letter  # one listed letter is shown as a letter on its own
            else:
                item.group = Group(lead.campaign_id, lead.size, letter)
                groups.append(item.group)
                group_keys.append(item.key)
        shown.append(item)
    _count_own_words(conditions, [(g, on_page[k]) for g, k in zip(groups, group_keys, strict=True)])
    signers = _first_signers(hearing, conditions, groups)
    for group in groups:
        group.signers = signers[group.campaign_id]
    listing = Listing(shown, next_cursor, {})
    listing.texts = _texts(listing.letters)
    return listing


@dataclass(frozen=True)
class OwnWords:
    """What one member's letter says that the campaign's letter does not."""

    added: str
    reworded: str
    left_out: int


@dataclass
class CampaignPage:
    group: Group
    letter_text: str
    signers: list[Signer]
    own_words: dict[int, OwnWords]  # by member id, for the members on this page
    next_after: int | None


def campaign_page(
    hearing: Hearing, campaign_id: int, filters: Filters, after: int | None
) -> CampaignPage | None:
    """A campaign's letter and a page of the people who sent it (by id, after `after`), with
    each one's own words where their letter differs; None when it has no listed letter."""
    conditions = listed(hearing, filters)
    leads = _campaign_leads(conditions, None, 1, campaign_id=campaign_id)
    letters = _letters(conditions, leads)
    if not leads or campaign_id not in letters:
        return None
    group = Group(campaign_id, leads[0].size, letters[campaign_id])
    _count_own_words(conditions, [(group, leads[0])])
    query = select(Testimony).where(*conditions, Testimony.campaign_id == campaign_id)
    if after is not None:
        query = query.where(Testimony.id > after)
    members = list(db.session.scalars(query.order_by(Testimony.id).limit(NAMES_PAGE + 1)))
    next_after = None
    if len(members) > NAMES_PAGE:
        members = members[:NAMES_PAGE]
        next_after = members[-1].id
    letter = group.letter
    texts = _texts([letter, *(m for m in members if m.id != letter.id)])
    own_words = {}
    for member in members:
        if member.id == letter.id or (
            member.wording_key is not None and member.wording_key == letter.wording_key
        ):
            continue
        # Both texts as published, redactions applied: hidden words are never compared out.
        comparison = compare(texts[member.id], texts[letter.id])
        if not comparison.is_verbatim:
            own_words[member.id] = OwnWords(
                comparison.added_text, comparison.reworded_text, comparison.left_out
            )
    other = _other_stances(hearing, {campaign_id: letter}, [(m.id, campaign_id) for m in members])
    signers = [
        Signer(
            m.id,
            m.full_name,
            m.organization,
            m.city,
            own_words=m.id in own_words,
            stances=other.get(m.id, ()),
        )
        for m in members
    ]
    return CampaignPage(group, texts[letter.id], signers, own_words, next_after)
