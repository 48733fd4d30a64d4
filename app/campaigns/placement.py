"""Put testimony into campaigns soon after it arrives, and again when it is amended.

A submission's or amendment's own transaction only records its wording digest (the exact-copy
fingerprint) and a "campaigns.place" job (app/platform/jobs.py); the comparison with earlier
testimony follows once the resident has their answer (`run_job`, a few testimonies per
transaction), so a surge of submissions is not slowed by it. Placement costs a few indexed
lookups: an exact copy is found by its wording digest, a near copy through the anchor
shingles it shares with earlier testimony; the closest candidate that is `alike` (and whose
campaign's representative is alike too) brings the newcomer into its campaign; failing that,
a newcomer stitched from the candidates' phrases (a spun bot letter,
app/campaigns/stitching.py) joins theirs and brings along those still alone, and failing
that, one whose words the latest members of a campaign of the candidates hold in their places
joins it. In a surge, word-for-word copies of a letter already in a campaign are placed a batch
at a time. Regrouping the hearing (`flask regroup-campaigns`, app/campaigns/regrouping.py)
also learns each campaign's template, and reunites what arrived in pieces.
These functions flush and never commit.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

import numpy as np
from sqlalchemy import (
    BigInteger,
    Integer,
    and_,
    column,
    delete,
    func,
    insert,
    select,
    update,
    values,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from app.campaigns import endings, grouping, stitching
from app.campaigns.models import Campaign, WordingAnchor
from app.platform import audit
from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.testimony import wording
from app.testimony.models import Testimony
from app.testimony.services import PLACEMENT_JOB

ANCHOR_COUNT = 12
CANDIDATES = 20  # nearest earlier texts compared with a newcomer
# A spun newcomer may be held by the latest members of the campaigns of its nearest texts:
CAMPAIGNS_ASKED = 2  # this many, the most common first ...
MEMBERS_ASKED = 40  # ... and this many members of each
WRITE_BATCH = 1000
# The first key of PostgreSQL's advisory lock that placements on one hearing take in turn.
PLACEMENT_LOCK = 7_0001
JOB = PLACEMENT_JOB
# Anchors are written through the table, not the mapped class: an ORM insert or delete is
# rebuilt on every call, several times the cost of the statement itself.
ANCHORS = WordingAnchor.__table__
# Testimony placed per transaction: on SQLite a transaction holds the one write lock, and
# submissions wait for it, so the lock is let go between a few placements; on PostgreSQL
# larger batches let more word-for-word copies be placed together.
PLACEMENTS_PER_TRANSACTION = {"sqlite": 4}
PLACEMENTS_PER_TRANSACTION_ELSEWHERE = 20

log = logging.getLogger("opentestimony.campaigns")


def placements_per_transaction() -> int:
    """The "campaigns.place" job's batch: how many placements share one transaction."""
    dialect = db.engine.dialect.name
    return PLACEMENTS_PER_TRANSACTION.get(dialect, PLACEMENTS_PER_TRANSACTION_ELSEWHERE)


def run_job(payloads: list[dict]) -> None:
    """The "campaigns.place" job: place these testimonies. Flushes; the job runner commits
    the placements together with the end of their jobs, so each is done exactly once."""
    place_batch([payload["testimony_id"] for payload in payloads])


def place_batch(testimony_ids: list[int]) -> int:
    """Place these testimonies (submitted or amended) in their campaigns, word-for-word copies
    of a letter already in a campaign together; return how many were found (a testimony since
    deleted is skipped). Flushes, never commits."""
    if not testimony_ids:
        return 0
    batch = db.session.scalars(
        select(Testimony).where(Testimony.id.in_(testimony_ids)).order_by(Testimony.id)
    ).all()
    if batch:
        _take_turn({testimony.hearing_id for testimony in batch})
        _place_together(_join_copies_together(batch))
    return len(batch)


def _place_together(batch: list[Testimony]) -> None:
    """`place` for a batch, in id order, with what need not be one by one done once: every
    wording digest and anchor of the batch written in a statement or two, and one savepoint
    for all. Each testimony then looks for its closest copy as `place` would, seeing the
    anchors of the batch's earlier testimonies and not those of its later ones, as if they
    had been placed one at a time. On a conflict (a campaign ended at this moment) the batch
    is placed one by one instead, each in a savepoint of its own."""
    if not batch:
        return
    try:
        with db.session.begin_nested():
            wordings = _record_wordings(batch)
            nearest = _nearest_of_batch(batch, wordings)
            for index, testimony in enumerate(batch):  # in id order (place_batch)
                if testimony.kept_apart:
                    continue
                later = {other.id for other in batch[index + 1 :]}
                placed, rows = wordings[testimony.id]
                _find_campaign(testimony, placed, rows, nearest.get(testimony.id, []), later)
    except IntegrityError:
        log.warning("campaign placement of %s testimonies taken one by one", len(batch))
        db.session.expire_all()
        for testimony in batch:
            place_safely(testimony)


def _nearest_of_batch(
    batch: list[Testimony], wordings: dict[int, tuple[stitching.Placed, list[dict]]]
) -> dict[int, list[int]]:
    """For each testimony of the batch, the testimonies sharing the most anchors with it, best
    first, in one query: enough of them (CANDIDATES, plus one for each other member of the
    batch) that once the batch's later members are set aside the CANDIDATES nearest remain,
    as `_near_copy` would have asked for them one by one."""
    wanted = [
        (testimony.id, testimony.hearing_id, row["anchor"])
        for testimony in batch
        if not testimony.kept_apart
        for row in wordings[testimony.id][1]
    ]
    if not wanted:
        return {}
    anchors = values(
        column("newcomer", Integer),
        column("hearing_id", Integer),
        column("anchor", BigInteger),
        name="wanted",
    ).data(wanted)
    # A CTE, not a subquery: SQLite cannot name a VALUES list's columns in FROM.
    anchors = anchors.cte("wanted")
    shared = func.count().label("shared")
    pairs = (
        select(anchors.c.newcomer, ANCHORS.c.testimony_id, shared)
        .join(
            ANCHORS,
            and_(
                ANCHORS.c.anchor == anchors.c.anchor, ANCHORS.c.hearing_id == anchors.c.hearing_id
            ),
        )
        .where(ANCHORS.c.testimony_id != anchors.c.newcomer)
        .group_by(anchors.c.newcomer, ANCHORS.c.testimony_id)
        .subquery()
    )
    rank = func.row_number().over(
        partition_by=pairs.c.newcomer, order_by=(pairs.c.shared.desc(), pairs.c.testimony_id)
    )
    ranked = select(pairs.c.newcomer, pairs.c.testimony_id, rank.label("rank")).subquery()
    nearest: dict[int, list[int]] = {}
    for newcomer, testimony_id in db.session.execute(
        select(ranked.c.newcomer, ranked.c.testimony_id)
        .where(ranked.c.rank <= CANDIDATES + len(batch))
        .order_by(ranked.c.newcomer, ranked.c.rank)
    ):
        nearest.setdefault(newcomer, []).append(testimony_id)
    return nearest


def _record_wordings(
    batch: list[Testimony],
) -> dict[int, tuple[stitching.Placed, list[dict]]]:
    """Each testimony's wording digest (written where its text changed) and anchors (all the
    batch's replaced in two statements); its shingles (with their places) and anchor rows, by
    id."""
    wordings = {}
    for testimony in batch:
        tokens = wording.words(testimony.body)
        key = wording.exact_key(tokens)
        if key != testimony.wording_key:
            _set_columns(testimony, wording_key=key)
        placed = _remember_wording(key, tokens)
        rows = anchor_rows(testimony.id, testimony.hearing_id, placed.hashes)
        wordings[testimony.id] = (placed, rows)
    ids = list(wordings)
    db.session.execute(delete(ANCHORS).where(ANCHORS.c.testimony_id.in_(ids)))
    rows = [row for _hashes, anchors in wordings.values() for row in anchors]
    if rows:
        db.session.execute(insert(ANCHORS), rows)
    return wordings


def _join_copies_together(batch: list[Testimony]) -> list[Testimony]:
    """The common case in a surge, for the whole batch at once: word-for-word copies of a
    letter that is already in a campaign join that campaign (the one of its earliest copy in a
    campaign, as `place` would choose), in a few statements instead of a dozen per copy.
    Returns the rest, which `place` takes one by one; on a conflict (the campaign ended at
    this moment) the whole batch goes that way. Each testimony's stored wording digest is that
    of its text (set on submission, and by `place` on amendment), so copies are found by it."""
    fresh = [t for t in batch if t.campaign_id is None and not t.kept_apart and t.wording_key]
    joined = _campaigns_of_copies(fresh) if fresh else {}
    if not joined:
        return batch
    copies = [testimony for testimony in fresh if testimony.id in joined]
    try:
        with db.session.begin_nested():
            ids = [testimony.id for testimony in copies]
            db.session.execute(delete(ANCHORS).where(ANCHORS.c.testimony_id.in_(ids)))
            rows = []
            for testimony in copies:
                placed = _WORDINGS.get(testimony.wording_key)  # seen lately: no cutting up
                if placed is None:
                    placed = _remember_wording(testimony.wording_key, wording.words(testimony.body))
                rows += anchor_rows(testimony.id, testimony.hearing_id, placed.hashes)
            if rows:
                db.session.execute(insert(ANCHORS), rows)
            by_campaign: dict[int, list[int]] = {}
            for testimony_id, campaign_id in joined.items():
                by_campaign.setdefault(campaign_id, []).append(testimony_id)
            for campaign_id, members in by_campaign.items():
                db.session.execute(
                    update(Testimony)
                    .where(Testimony.id.in_(members), Testimony.campaign_id.is_(None))
                    .values(campaign_id=campaign_id)
                    .execution_options(synchronize_session=False)
                )
            for testimony in copies:
                set_committed_value(testimony, "campaign_id", joined[testimony.id])
            # One look at the representative per wording that joined a campaign.
            firsts: dict[tuple[int, str], Testimony] = {}
            for testimony in sorted(copies, key=lambda t: t.id):
                firsts.setdefault((joined[testimony.id], testimony.wording_key), testimony)
            for testimony in firsts.values():
                _keep_representative_current(testimony)
    except IntegrityError:
        log.warning("campaign placement of %s copies taken one by one", len(copies))
        for testimony in copies:
            set_committed_value(testimony, "campaign_id", None)
        return batch
    return [testimony for testimony in batch if testimony.id not in joined]


def _campaigns_of_copies(fresh: list[Testimony]) -> dict[int, int]:
    """For each testimony (by id), the campaign of the earliest earlier copy of its wording
    that is in one; testimonies whose wording has no campaign yet are left out."""
    keys = {(testimony.hearing_id, testimony.wording_key) for testimony in fresh}
    own = [testimony.id for testimony in fresh]
    first = func.min(Testimony.id).label("first")
    earliest = (
        select(Testimony.hearing_id, Testimony.wording_key, first)
        .where(
            Testimony.hearing_id.in_({hearing_id for hearing_id, _key in keys}),
            Testimony.wording_key.in_({key for _hearing_id, key in keys}),
            Testimony.campaign_id.is_not(None),
            Testimony.kept_apart.is_(False),
            Testimony.id.not_in(own),
        )
        .group_by(Testimony.hearing_id, Testimony.wording_key)
        .subquery()
    )
    rows = db.session.execute(
        select(earliest.c.hearing_id, earliest.c.wording_key, Testimony.campaign_id).join(
            Testimony, Testimony.id == earliest.c.first
        )
    ).all()
    campaign_of = {(row.hearing_id, row.wording_key): row.campaign_id for row in rows}
    return {
        testimony.id: campaign_of[(testimony.hearing_id, testimony.wording_key)]
        for testimony in fresh
        if (testimony.hearing_id, testimony.wording_key) in campaign_of
    }


def _take_turn(hearing_ids: set[int]) -> None:
    """On PostgreSQL, placements on one hearing take turns between processes (a lock held to
    the end of the transaction): two placing copies of the same letter at once would lock
    the same campaign's rows in opposite orders and deadlock. SQLite has one writer anyway."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for hearing_id in sorted(hearing_ids):
        db.session.execute(select(func.pg_advisory_xact_lock(PLACEMENT_LOCK, hearing_id)))


def place_safely(testimony: Testimony) -> None:
    """Grouping must never cost a resident their testimony: if the campaign it would join
    ends at this moment (a merge, a regroup), it stays ungrouped and is found next regroup."""
    try:
        with db.session.begin_nested():
            place(testimony)
    except IntegrityError:
        log.warning("campaign placement skipped for testimony %s", testimony.id)


def anchor_rows(testimony_id: int, hearing_id: int, hashes: np.ndarray) -> list[dict]:
    """The wording_anchors rows through which later near copies find this text."""
    if len(hashes) < wording.MIN_SHINGLES:
        return []
    chosen = wording.anchors(hashes, ANCHOR_COUNT).view(np.int64).tolist()  # signed for SQL
    return [{"testimony_id": testimony_id, "hearing_id": hearing_id, "anchor": a} for a in chosen]


def place(testimony: Testimony) -> None:
    """Record the testimony's wording and put it in the campaign of its closest copy, if any.

    Called on submission and on amendment (an amended text may no longer match its campaign).
    """
    if testimony.id is None:
        db.session.flush()  # the testimony needs its id
    placed, rows = _record_wordings([testimony])[testimony.id]
    if not testimony.kept_apart:
        _find_campaign(testimony, placed, rows)


def _find_campaign(
    testimony: Testimony,
    placed: stitching.Placed,
    rows: list[dict],
    nearest: list[int] | None = None,
    not_yet: set[int] = frozenset(),
) -> None:
    """Put the testimony (its anchors written) in the campaign of its closest copy, leaving the
    one it was in if that is no longer it. `nearest`: its near-copy candidates, best first, if
    its batch found them; `not_yet`: the batch's testimonies still to be placed, not counted
    among them yet."""
    previous = testimony.campaign_id
    if previous is not None:
        _set_columns(testimony, campaign_id=None)
    stitched: list[int] = []
    match = _exact_copy(testimony)
    if match is None:
        match, stitched = _near_copy(testimony, placed, rows, nearest, not_yet)
    if match is not None and not _join(testimony, match):
        _keep_representative_current(testimony)
    if stitched and testimony.campaign_id is not None:
        _bring_in(stitched, testimony.campaign_id)
    if previous is not None and previous != testimony.campaign_id:
        # Placement runs as a job after the resident's answer: the system acts, not a person.
        dissolve_if_alone(previous, actor=audit.SYSTEM, now=utcnow())


def _exact_copy(testimony: Testimony) -> int | None:
    return db.session.scalar(
        select(Testimony.id)
        .where(
            Testimony.hearing_id == testimony.hearing_id,
            Testimony.wording_key == testimony.wording_key,
            Testimony.id != testimony.id,
            Testimony.kept_apart.is_(False),
        )
        .order_by(Testimony.campaign_id.is_(None), Testimony.id)
        .limit(1)
    )


def _near_copy(
    testimony: Testimony,
    placed: stitching.Placed,
    rows: list[dict],
    nearest: list[int] | None = None,
    not_yet: set[int] = frozenset(),
) -> tuple[int | None, list[int]]:
    """The closest earlier testimony that is `alike`, among the CANDIDATES sharing the most
    anchors with it (`nearest`: those already found for its batch, best first). Failing that,
    if the newcomer is stitched from the candidates' phrases (a spun bot letter, see
    app/campaigns/stitching.py), one of them in the campaign most of those it is stitched
    with are in, and the ones among them in no campaign yet, to be brought in with it."""
    if not rows:
        return None, []
    if nearest is None:
        shared = func.count().label("shared")
        nearest = db.session.scalars(
            select(WordingAnchor.testimony_id)
            .where(
                WordingAnchor.hearing_id == testimony.hearing_id,
                WordingAnchor.anchor.in_([row["anchor"] for row in rows]),
                WordingAnchor.testimony_id != testimony.id,
            )
            .group_by(WordingAnchor.testimony_id)
            .order_by(shared.desc(), WordingAnchor.testimony_id)
            .limit(CANDIDATES)
        ).all()
    candidates = [other for other in nearest if other not in not_yet][:CANDIDATES]
    if not candidates:
        return None, []
    keys = db.session.execute(
        select(Testimony.id, Testimony.wording_key, Testimony.campaign_id).where(
            Testimony.id.in_(candidates),
            Testimony.kept_apart.is_(False),
        )
    ).all()
    wordings = _wordings_of({row.id: row.wording_key for row in keys})
    campaign_of = {row.id: row.campaign_id for row in keys}
    alike = sorted(
        (
            (-wording.similarity(placed.hashes, other.hashes), testimony_id)
            for testimony_id, other in wordings.items()
            if wording.alike(placed.hashes, other.hashes)
        ),
    )
    if alike:
        # A copy of a letter is alike several of its campaign's members, or its representative;
        # letters each quoting two of the same talking points are alike pairwise only, and
        # would chain into one campaign of letters that share nothing.
        members = Counter(campaign_of[testimony_id] for _score, testimony_id in alike)
        first_of = _representatives(
            {c for c, count in members.items() if count < 2}, besides=testimony.id
        )
        for _score, testimony_id in alike:
            campaign_id = campaign_of[testimony_id]
            if campaign_id is None or members[campaign_id] >= 2:
                return testimony_id, []
            first = first_of.get(campaign_id)
            if first is not None and wording.alike(placed.hashes, first.hashes):
                return testimony_id, []
    match, joining = stitching.choose(placed, wordings, campaign_of)
    if match is None:
        match = _stitched_from_campaign(testimony, placed, Counter(campaign_of.values()))
    return match, joining


def _representatives(campaign_ids: set[int | None], *, besides: int) -> dict[int, stitching.Placed]:
    """The wording of each of these campaigns' representative, by campaign, where it is still
    one of its members and not the testimony being placed (an amended representative is
    placed again, and is no measure of itself): a campaign without one has none here."""
    campaign_ids.discard(None)
    if not campaign_ids:
        return {}
    rows = db.session.execute(
        select(Campaign.id, Testimony.id, Testimony.wording_key)
        .join(Testimony, Testimony.id == Campaign.representative_id)
        .where(
            Campaign.id.in_(campaign_ids),
            Testimony.campaign_id == Campaign.id,
            Testimony.kept_apart.is_(False),
            Testimony.id != besides,
        )
    ).all()
    wordings = _wordings_of({testimony_id: key for _c, testimony_id, key in rows})
    return {campaign_id: wordings[testimony_id] for campaign_id, testimony_id, _k in rows}


def _stitched_from_campaign(
    testimony: Testimony, placed: stitching.Placed, campaigns: Counter
) -> int | None:
    """A member of the campaign whose latest members hold at least half of the newcomer's
    words in their places (`stitching.words_covered`), if one does, as a campaign's template
    draws a text in when the hearing is regrouped (app/campaigns/grouping.py): of a heavily
    spun campaign, the twenty texts nearest a newcomer may hold too few of its phrases, and
    the campaign's own copies hold them (the same few alternatives for each phrase, in the
    same places), also when the sender added a paragraph of their own. Only campaigns of at
    least MERGE_FROM members, of the nearest texts, the most common first, are asked."""
    campaigns.pop(None, None)
    if len(placed.hashes) < stitching.MIN_SHINGLES:
        return None  # a line of the campaign is a quote, not a copy
    order = None
    for campaign_id, _count in campaigns.most_common(CAMPAIGNS_ASKED):
        rows = db.session.execute(
            select(Testimony.id, Testimony.wording_key)
            .where(Testimony.campaign_id == campaign_id, Testimony.kept_apart.is_(False))
            .order_by(Testimony.id.desc())
            .limit(MEMBERS_ASKED)
        ).all()
        if len(rows) < grouping.MERGE_FROM:
            continue  # too few copies yet to hold a spun letter's phrases
        members = list(_wordings_of({row.id: row.wording_key for row in rows}).values())
        if order is None:
            order = stitching.order(wording.words(testimony.body), placed)
        if stitching.words_covered(placed, order, members) >= grouping.FITS_TEMPLATE:
            return rows[0].id
    return None


def _wordings_of(keys: dict[int, str | None]) -> dict[int, stitching.Placed]:
    """The shingles (with their places) of these testimonies, by id, given their wording keys:
    only texts not seen lately are read and cut up (copies share a wording key)."""
    wordings = {testimony_id: _WORDINGS.get(key) for testimony_id, key in keys.items()}
    unknown = [testimony_id for testimony_id, known in wordings.items() if known is None]
    if unknown:
        for row in db.session.execute(
            select(Testimony.id, Testimony.body).where(Testimony.id.in_(unknown))
        ):
            tokens = wording.words(row.body)
            wordings[row.id] = _remember_wording(wording.exact_key(tokens), tokens)
    return wordings


def _bring_in(testimony_ids: list[int], campaign_id: int) -> None:
    """Earlier testimony left alone on arrival that a newcomer shows to be copies of its
    campaign's template joins it too, unless placed meanwhile or taken out by a moderator."""
    db.session.execute(
        update(Testimony)
        .where(
            Testimony.id.in_(testimony_ids),
            Testimony.campaign_id.is_(None),
            Testimony.kept_apart.is_(False),
        )
        .values(campaign_id=campaign_id)
        .execution_options(synchronize_session="fetch")
    )


# Shingles (with their places) of recently seen wordings, by wording key: in a campaign surge
# every newcomer is compared with the same few letters, so each is read and cut up once per
# process, not once per newcomer. Bounded; the key is a digest of the words, so an entry is
# never stale.
_WORDINGS: dict[str, stitching.Placed] = {}
SHINGLES_KEPT = 5_000


def _remember_wording(key: str, tokens: list[str]) -> stitching.Placed:
    placed = _WORDINGS.get(key)
    if placed is None:
        placed = stitching.placed(tokens)
        if len(_WORDINGS) >= SHINGLES_KEPT:
            _WORDINGS.clear()
        _WORDINGS[key] = placed
    return placed


def _join(testimony: Testimony, match_id: int) -> bool:
    """Put the testimony in its match's campaign; True when that campaign was made just now
    (of the two, with the match, the earlier, standing for it)."""
    created = False
    campaign_id = db.session.scalar(select(Testimony.campaign_id).where(Testimony.id == match_id))
    if campaign_id is None:
        campaign = Campaign(hearing_id=testimony.hearing_id, representative_id=match_id)
        db.session.add(campaign)
        db.session.flush()
        # Only if nobody put the match in a campaign meanwhile; otherwise join theirs.
        claimed = db.session.execute(
            update(Testimony)
            .where(Testimony.id == match_id, Testimony.campaign_id.is_(None))
            .values(campaign_id=campaign.id)
            .execution_options(synchronize_session="fetch")
        ).rowcount
        if claimed:
            campaign_id, created = campaign.id, True
        else:
            # Made a moment ago in this transaction: nobody can have signed on to it.
            db.session.delete(campaign)
            campaign_id = db.session.scalar(
                select(Testimony.campaign_id).where(Testimony.id == match_id)
            )
    _set_columns(testimony, campaign_id=campaign_id)
    return created


def _set_columns(testimony: Testimony, **values) -> None:
    """Write these columns of one testimony with a plain UPDATE, and set them on the loaded
    object as stored: placement runs once per submission, and an ORM flush for each change
    (with the session's checks of every object it holds) cost more than the statements.
    Campaign and wording columns are no running tally's concern (app/testimony/tallies.py)."""
    db.session.execute(
        update(Testimony.__table__).where(Testimony.__table__.c.id == testimony.id).values(**values)
    )
    for name, value in values.items():
        set_committed_value(testimony, name, value)


def _copies(campaign_id: int, key: str | None) -> int:
    return db.session.scalar(
        select(func.count(Testimony.id)).where(
            Testimony.campaign_id == campaign_id, Testimony.wording_key == key
        )
    )


def _keep_representative_current(testimony: Testimony) -> None:
    """The representative is the wording most members sent word for word: a newcomer whose
    wording now has more copies takes over. Two counts on an index, not a pass over members."""
    campaign = db.session.get(Campaign, testimony.campaign_id)
    if campaign is None:
        return
    current = (
        db.session.get(Testimony, campaign.representative_id)
        if campaign.representative_id
        else None
    )
    if current is None or current.id == testimony.id or current.campaign_id != campaign.id:
        _choose_representative(campaign.id)
        return
    if current.wording_key == testimony.wording_key:
        return  # one more copy of the representative's own wording: it only gains
    copies = _copies(campaign.id, testimony.wording_key)
    # A wording sent once (a personalised copy, the usual newcomer) cannot outnumber the
    # representative's, which has at least its own copy: no need to count those.
    if copies > 1 and copies > _copies(campaign.id, current.wording_key):
        first = db.session.scalar(
            select(func.min(Testimony.id)).where(
                Testimony.campaign_id == campaign.id,
                Testimony.wording_key == testimony.wording_key,
            )
        )
        campaign.representative_id = first
        db.session.flush()


def member_count(campaign_id: int) -> int:
    return db.session.scalar(
        select(func.count(Testimony.id)).where(Testimony.campaign_id == campaign_id)
    )


def dissolve_if_alone(campaign_id: int, *, actor: str, now: datetime) -> bool:
    """A campaign of one is no campaign: its last member goes back to standing alone, and
    what organisations signed on to it follows its letter (app/campaigns/endings.py)."""
    if member_count(campaign_id) >= 2:
        _choose_representative(campaign_id)
        return False
    endings.end_dissolved(campaign_id, actor=actor, now=now)
    return True


def _choose_representative(campaign_id: int) -> None:
    """The most common wording in the campaign, its earliest copy: usually the plain letter."""
    count = func.count(Testimony.id).label("copies")
    first = func.min(Testimony.id).label("first")
    row = db.session.execute(
        select(count, first)
        .where(Testimony.campaign_id == campaign_id)
        .group_by(Testimony.wording_key)
        .order_by(count.desc(), first)
        .limit(1)
    ).first()
    db.session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id)
        .values(representative_id=row.first if row else None)
        .execution_options(synchronize_session="fetch")
    )
