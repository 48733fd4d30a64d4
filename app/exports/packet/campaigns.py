"""Campaigns in the packet: each printed once, with its text, its count and its signatories,
and every member's own added sentences in full.

A member with attachments is printed on its own (its files follow it), as is a campaign with
only one approved member in a measure's section; everything else approved in a campaign is
collapsed into one CampaignEntry placed where its first member would have been.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from app.campaigns.differences import compare, sentence_spans
from app.campaigns.models import campaign_label
from app.campaigns.provenance import Member, Provenance, card_from_members
from app.testimony.wording import words


@dataclass(frozen=True)
class CampaignItem:
    """A campaign's approved members in one measure, in packet order."""

    campaign_id: int
    member_ids: tuple[int, ...]


@dataclass(frozen=True)
class Signatory:
    tracking_number: str
    name: str
    city: str
    organization: str
    position: str
    received: str
    speaking: str
    resident: bool
    asked_to_speak: bool
    personal_text: str  # sentences this member added to the campaign's text
    reworded_text: str  # the letter's sentences as this member changed them
    left_out: int  # sentences of the letter this member did not send
    # The other measures this letter addresses, (number, position), as on PacketEntry.
    also: tuple[tuple[str, str], ...] = ()
    # Organisations signed on to this letter, and those its sender named, as on PacketEntry.
    signed_on_by: tuple[str, ...] = ()
    named_endorsers: tuple[str, ...] = ()
    # Confirmed e-mail, marked possibly automated, throwaway address: as on PacketEntry.
    marks: tuple[str, ...] = ()
    received_offset: int = 0  # minutes from UTC of `received`, as on PacketEntry


@dataclass(frozen=True)
class CampaignEntry:
    label: str
    measure_number: str
    representative: str  # tracking number of the member whose text is printed
    text: str
    signatories: tuple[Signatory, ...]
    attachments: tuple = ()  # members with files are printed on their own
    # Registered organisations signed on to the campaign's letter (app/endorsements).
    signed_on_by: tuple[str, ...] = ()


def gather_campaigns(rows) -> list[int | CampaignItem]:
    """Approved rows (id, measure_id, campaign_id, has_files) in packet order, as packet items:
    a testimony id, or a campaign's members in one measure at its first member's place."""
    members: dict[tuple[int, int], list[int]] = {}
    for row in rows:
        if row.campaign_id is not None and not row.has_files:
            members.setdefault((row.measure_id, row.campaign_id), []).append(row.id)
    items: list[int | CampaignItem] = []
    for row in rows:
        key = (row.measure_id, row.campaign_id)
        group = members.get(key) if not row.has_files else None
        if not group or len(group) < 2:
            items.append(row.id)
        elif group[0] == row.id:
            items.append(CampaignItem(row.campaign_id, tuple(group)))
    return items


def item_ids(items: Iterable[int | CampaignItem]) -> list[int]:
    ids: list[int] = []
    for item in items:
        ids.extend(item.member_ids if isinstance(item, CampaignItem) else (item,))
    return ids


def campaign_entry(item: CampaignItem, members: list, texts: dict[int, str]) -> CampaignEntry:
    """`members` are the PacketEntry records of the item's members still approved, in order;
    `texts` their wording digests.

    The text printed once is the letter as most members sent it: the most common exact wording
    when two or more sent it word for word; otherwise the member whose sentences the others
    share most, without the sentences only that member wrote (those are listed as its own).
    """
    ids = [i for i in item.member_ids if i in texts]
    wording_counts = Counter(texts[i] for i in ids)
    common, copies = wording_counts.most_common(1)[0]
    if copies >= 2:
        base = members[next(n for n, i in enumerate(ids) if texts[i] == common)]
        shared_text, base_own = base.text, ""
    else:
        base, shared_text, base_own = _consensus(members)
    signatories = []
    for entry in members:
        if entry is base:
            own, reworded, left_out = base_own, "", 0
        else:
            comparison = compare(entry.text, shared_text)
            own, reworded = comparison.added_text, comparison.reworded_text
            left_out = comparison.left_out
        signatories.append(
            Signatory(
                tracking_number=entry.tracking_number,
                name=entry.name,
                city=entry.city,
                organization=entry.organization,
                position=entry.position,
                received=entry.received,
                speaking=entry.speaking,
                resident=entry.resident,
                asked_to_speak=entry.asked_to_speak,
                personal_text=own,
                reworded_text=reworded,
                left_out=left_out,
                also=entry.also,
                signed_on_by=entry.signed_on_by,
                named_endorsers=entry.named_endorsers,
                marks=entry.marks,
                received_offset=entry.received_offset,
            )
        )
    return CampaignEntry(
        label=campaign_label(item.campaign_id),
        measure_number=base.measure_number,
        representative=base.tracking_number,
        text=shared_text,
        signatories=tuple(signatories),
    )


def _consensus(members: list) -> tuple:
    """(member, its text less the sentences no other member has, those sentences)."""
    spans = [sentence_spans(m.text) for m in members]
    keyed = [
        [" ".join(words(m.text[start:end])) for start, end in found]
        for m, found in zip(members, spans, strict=True)
    ]
    used = Counter(key for keys in keyed for key in set(keys))
    best = max(
        range(len(members)),
        key=lambda n: (sum(1 if used[k] > 1 else -1 for k in keyed[n]), -n),
    )
    text = members[best].text
    own = [span for span, key in zip(spans[best], keyed[best], strict=True) if used[key] <= 1]
    if len(own) == len(spans[best]):
        return members[best], text, ""
    # Cut the member's own sentences out by position, never by searching for their words.
    kept, start = [], 0
    for left, right in own:
        kept.append(text[start:left])
        start = right
    kept.append(text[start:])
    shared = "\n".join(" ".join(line.split()) for line in "".join(kept).splitlines())
    return members[best], shared.strip(), " ".join(text[a:b] for a, b in own)


RECEIVED_FORMAT = "%Y-%m-%d %H:%M"  # how PacketEntry.received is written, in local time


def packet_card(entry: CampaignEntry) -> Provenance:
    """The provenance card of the letters this entry prints (its signatories: approved, in
    this measure), so the card and the page beside it always agree. Residents are counted as
    the cover counts them; arrival times are the printed local times, with their offsets so
    that hours are counted as they passed across a change of the clocks."""
    return card_from_members(
        Member(
            city=person.city,
            resident=person.resident,
            received=datetime.strptime(person.received, RECEIVED_FORMAT).replace(
                tzinfo=timezone(timedelta(minutes=person.received_offset))
            ),
            confirmed="confirmed" in person.marks,
            automated="automated" in person.marks,
            throwaway="throwaway" in person.marks,
        )
        for person in entry.signatories
    )
