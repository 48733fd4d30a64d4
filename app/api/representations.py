"""The API's JSON: plain dictionaries built from the rows the queries load, never more than the
public pages show (no e-mail, street address, ZIP code, review notes or staff names)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import current_app, url_for

from app.hearings.actions import CommitteeAction
from app.hearings.models import Body, Committee, Hearing, Measure
from app.signins.models import SignIn
from app.testimony.models import Testimony


def when(moment: datetime | None) -> str | None:
    """A time as RFC 3339 in UTC, the form every API time takes."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def link(endpoint: str, **values) -> str:
    """An absolute address on the site's own base address (never the request's Host header,
    which a client chooses and a shared cache would keep)."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def body(item: Body) -> dict:
    return {
        "id": item.id,
        "slug": item.slug,
        "name": item.name,
        "jurisdiction": item.jurisdiction,
        "timezone": item.timezone,
        "committees": [committee_ref(c) for c in sorted(item.committees, key=lambda c: c.id)],
        "url": link("api.get_body", body_id=item.id),
    }


def committee_ref(item: Committee) -> dict:
    return {"id": item.id, "name": item.name}


def committee(item: Committee) -> dict:
    return {
        "id": item.id,
        "slug": item.slug,
        "name": item.name,
        "body_id": item.body_id,
        "body_name": item.body.name,
        "url": link("api.get_committee", committee_id=item.id),
    }


def measure_ref(item: Measure) -> dict:
    return {"id": item.id, "kind": item.kind.value, "number": item.number, "title": item.title}


def measure(item: Measure, latest: CommitteeAction | None, translations: dict) -> dict:
    return measure_ref(item) | {
        "summary": item.summary,
        "official_url": item.official_url,
        "session": item.session,
        "committee_id": item.committee_id,
        "translations": translations,
        "latest_action": action(latest) if latest else None,
        "url": link("api.get_measure", measure_id=item.id),
    }


def action(item: CommitteeAction) -> dict:
    return {
        "id": item.id,
        "measure_id": item.measure_id,
        "hearing_id": item.hearing_id,
        "kind": item.kind.value,
        "label": item.label,
        "taken_on": day(item.taken_on),
        "note": item.note,
        "recorded_at": when(item.recorded_at),
        "corrected_at": when(item.corrected_at),
    }


def hearing(item: Hearing, now: datetime) -> dict:
    return {
        "id": item.id,
        "title": item.title,
        "description": item.description,
        "status": item.status(now).value,
        "body_id": item.committee.body_id,
        "committee_id": item.committee_id,
        "committee_name": item.committee.name,
        "starts_at": when(item.starts_at),
        "timezone": item.timezone,
        "location": item.location,
        "remote_url": item.remote_url,
        "testimony_opens_at": when(item.testimony_opens_at),
        "testimony_closes_at": when(item.testimony_closes_at),
        "cancelled_at": when(item.cancelled_at),
        "measures": [measure_ref(m) for m in item.measures],
        "speaking": {
            "signup_closes_at": when(item.speaker_signup_deadline),
            "minutes_per_speaker": item.speaker_minutes,
            "max_speakers": item.max_speakers,
            "modes": item.speaking_modes.value,
            "officials_first": item.officials_first,
        },
        "updated_at": when(item.updated_at),
        "page_url": link("hearings.show", hearing_id=item.id),
        "url": link("api.get_hearing", hearing_id=item.id),
    }


def endorsements(lines) -> list[dict]:
    """Who endorses a testimony or a campaign's letter: registered organisations first."""
    return [
        {
            "name": line.name,
            "registered": line.is_registered,
            "organisation_id": line.organisation_id,
            "website": line.website,
            "endorsed_at": when(line.endorsed_at),
        }
        for line in lines
    ]


def sent_by(item) -> dict | None:
    if item.organisation_id is None:
        return None
    return {"organisation_id": item.organisation_id, "name": item.organisation.name}


def _sender(item: Testimony | SignIn, stances) -> dict:
    """What testimony and sign-ins both show of who sent them and where they stand: never an
    e-mail, street address or ZIP code."""
    return {
        "id": item.id,
        "tracking_number": item.tracking_number,
        "hearing_id": item.hearing_id,
        "received_at": when(item.received_at),
        "full_name": item.full_name,
        "organization": item.organization,
        "city": item.city,
        "positions": [{"measure_id": s.measure_id, "position": s.position.value} for s in stances],
        "sent_by": sent_by(item),
    }


def testimony(item: Testimony, text: str, endorsed_by: list) -> dict:
    """One published testimony, its text with the moderators' redactions applied."""
    return _sender(item, item.stances) | {
        "speaks_for_organization": item.speaks_for_organization,
        "text": text,
        "version": item.version,
        "campaign_id": item.campaign_id,
        "endorsements": endorsements(endorsed_by),
    }


def sign_in(item: SignIn) -> dict:
    return _sender(item, sorted(item.positions, key=lambda p: p.measure_id))


def page(items: list[dict], next_cursor: str | None, endpoint: str, **values) -> dict:
    """A page of a list, and where the next one is."""
    following = link(endpoint, cursor=next_cursor, **values) if next_cursor else None
    return {"items": items, "next_cursor": next_cursor, "next": following}


def translations(item: Measure) -> dict:
    return {t.language: {"title": t.title, "summary": t.summary} for t in item.translations}


def floor(board, sheet) -> dict:
    """The published run sheet's public part: who speaks now and who is next (names,
    organisation, measure and position; never contact details, city or interpreter)."""
    published = sheet is not None and sheet.published_at is not None

    def speaker(s) -> dict:
        return {
            "name": s.name,
            "organization": s.organization,
            "measure": s.measure,
            "position": s.position,
            "mode": s.mode,
        }

    return {
        "published": published,
        "now_speaking": speaker(board.now_speaking) if published and board.now_speaking else None,
        "up_next": [speaker(s) for s in board.up_next] if published else [],
        "spoke": board.spoke if published else 0,
        "waiting": board.waiting if published else 0,
    }


def _tally(counts: dict) -> dict:
    return {p: int(counts.get(p, 0)) for p in ("support", "oppose", "neutral")}


def tallies(item: Hearing, testimony_counts: dict, sign_in_counts: dict) -> list[dict]:
    """Each measure's published testimony and sign-ins on record, by position."""
    return [
        {
            "measure_id": m.id,
            "testimony": _tally({str(k): v for k, v in testimony_counts.get(m.id, {}).items()}),
            "sign_ins": _tally(sign_in_counts.get(m.id, {})),
        }
        for m in item.measures
    ]


def campaign(row, chosen, letters: dict, texts: dict, endorsed: dict, signed_on: dict) -> dict:
    """A campaign with its published letters' count, and its representative letter (the one
    moderators chose, when it is published; otherwise the first published)."""
    shown = row.first_id
    if chosen is not None and chosen.representative_id in letters:
        shown = chosen.representative_id
    return {
        "id": row.campaign_id,
        "hearing_id": letters[shown].hearing_id,
        "size": row.size,
        "first_received_at": when(row.first_at),
        "last_received_at": when(row.last_at),
        "representative": testimony(letters[shown], texts[shown], endorsed.get(shown, [])),
        "endorsements": endorsements(signed_on.get(row.campaign_id, [])),
    }
