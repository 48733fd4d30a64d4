"""Hearings as calendars (iCalendar, RFC 5545) and as a feed of new hearings (Atom, RFC 4287).

Pure functions from hearings to bytes. Both formats are written by libraries that escape what
they are given (icalendar; xml.etree), never by string templates: titles and places are typed by
clerks and may hold commas, semicolons, line breaks, markup or any script.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Calendar, Event

from app.hearings.models import Hearing
from app.platform.timezones import local_time

PRODID = "-//OpenTestimony//Hearings//EN"
# Hearings have a start but no set end: calendars show them this long.
HEARING_LENGTH = timedelta(hours=2)
ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 cannot hold at all (clerks' forms refuse them; this is a second guard).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Site:
    """Where the application is published (BASE_URL): the links and ids of every item."""

    base_url: str

    @property
    def root(self) -> str:
        return self.base_url.rstrip("/")

    @property
    def host(self) -> str:
        return urlsplit(self.root).hostname or "localhost"

    def url(self, path: str) -> str:
        return self.root + path

    def hearing_url(self, hearing: Hearing) -> str:
        return self.url(f"/hearings/{hearing.id}")


def hearing_uid(hearing: Hearing, site: Site) -> str:
    """The event's UID: the same in every feed and every download, for the hearing's life."""
    return f"hearing-{hearing.id}@{site.host}"


def last_changed(hearings: Sequence[Hearing]) -> datetime | None:
    """When the newest change to any of these hearings was made."""
    return max((hearing.updated_at for hearing in hearings), default=None)


# iCalendar


def calendar(hearings: Sequence[Hearing], *, name: str, site: Site) -> bytes:
    """A calendar of the hearings (METHOD:PUBLISH), each with its time zone described."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for hearing in hearings:
        cal.add_component(hearing_event(hearing, site))
    if hearings:
        # Only the zone's rules for the years the hearings fall in, not since 1970.
        starts = [hearing.starts_at for hearing in hearings]
        cal.add_missing_timezones(
            first_date=(min(starts) - timedelta(days=366)).date(),
            last_date=(max(starts) + timedelta(days=366)).date(),
        )
    return cal.to_ical()


def hearing_event(hearing: Hearing, site: Site) -> Event:
    zone = ZoneInfo(hearing.timezone)
    start = hearing.starts_at.astimezone(zone)
    event = Event()
    event.add("uid", hearing_uid(hearing, site))
    # The time the event last changed: the calendar's content, and so its ETag, stays the
    # same until something changes.
    event.add("dtstamp", hearing.updated_at.astimezone(UTC))
    event.add("created", hearing.created_at.astimezone(UTC))
    event.add("last-modified", hearing.updated_at.astimezone(UTC))
    event.add("sequence", hearing.calendar_sequence)
    event.add("dtstart", start)
    event.add("dtend", (hearing.starts_at + HEARING_LENGTH).astimezone(zone))
    event.add("summary", hearing.title)
    if hearing.location:
        event.add("location", hearing.location)
    event.add("description", _description(hearing, site))
    event.add("url", site.hearing_url(hearing))
    event.add("status", "CANCELLED" if hearing.cancelled_at is not None else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _description(hearing: Hearing, site: Site) -> str:
    zone = hearing.timezone
    lines = [f"{hearing.committee.name}, {hearing.committee.body.name}"]
    if hearing.cancelled_at is not None:
        lines.append(_("This hearing has been cancelled."))
    lines.append("")
    for measure in hearing.measures:
        lines.append(f"{measure.number}: {measure.title}")
    lines.append("")
    lines.append(
        _(
            "Written testimony accepted from %(opens)s until %(closes)s.",
            opens=local_time(hearing.testimony_opens_at, zone),
            closes=local_time(hearing.testimony_closes_at, zone),
        )
    )
    if hearing.remote_url:
        lines.append(_("Watch or join remotely: %(url)s", url=hearing.remote_url))
    lines.append(_("Details and testimony: %(url)s", url=site.hearing_url(hearing)))
    return "\n".join(lines)


# Atom


def atom(
    hearings: Sequence[Hearing], *, title: str, feed_url: str, page_url: str, site: Site
) -> bytes:
    """An Atom feed of the hearings, newest first, each linking to its page and calendar."""
    feed = ElementTree.Element(_tag("feed"))
    _text(feed, "id", feed_url)
    _text(feed, "title", title)
    updated = last_changed(hearings) or datetime(2000, 1, 1, tzinfo=UTC)
    _text(feed, "updated", _rfc3339(updated))
    _link(feed, feed_url, rel="self", type="application/atom+xml")
    _link(feed, page_url, rel="alternate", type="text/html")
    author = ElementTree.SubElement(feed, _tag("author"))
    _text(author, "name", "OpenTestimony")
    _text(author, "uri", site.url("/"))
    _text(feed, "generator", "OpenTestimony")
    for hearing in hearings:
        feed.append(_entry(hearing, site))
    # Atom as the default namespace, so elements are written <feed>, not <ns0:feed>.
    # (tostring's default_namespace refuses the plain attribute names Atom uses.)
    ElementTree.register_namespace("", ATOM)
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)


def _entry(hearing: Hearing, site: Site) -> ElementTree.Element:
    entry = ElementTree.Element(_tag("entry"))
    # A tag URI (RFC 4151): stable whatever the hearing's title or address becomes.
    _text(entry, "id", f"tag:{site.host},{hearing.created_at:%Y-%m-%d}:hearing-{hearing.id}")
    _text(entry, "title", hearing.title)
    _text(entry, "published", _rfc3339(hearing.created_at))
    _text(entry, "updated", _rfc3339(hearing.updated_at))
    _link(entry, site.hearing_url(hearing), rel="alternate", type="text/html")
    _link(
        entry,
        site.url(f"/hearings/{hearing.id}/calendar.ics"),
        rel="related",
        type="text/calendar",
    )
    category = ElementTree.SubElement(entry, _tag("category"))
    category.set("term", _clean(hearing.committee.name))
    summary = [
        f"{hearing.committee.name}, {hearing.committee.body.name}",
        local_time(hearing.starts_at, hearing.timezone),
    ]
    if hearing.cancelled_at is not None:
        summary.append(_("This hearing has been cancelled."))
    if hearing.location:
        summary.append(hearing.location)
    summary.extend(f"{measure.number}: {measure.title}" for measure in hearing.measures)
    _text(entry, "summary", "\n".join(summary)).set("type", "text")
    return entry


def _tag(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def _clean(value: str) -> str:
    return _NOT_XML.sub("", value)


def _text(parent: ElementTree.Element, name: str, value: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, _tag(name))
    element.text = _clean(value)
    return element


def _link(parent: ElementTree.Element, href: str, **attributes: str) -> None:
    link = ElementTree.SubElement(parent, _tag("link"))
    link.set("href", _clean(href))
    for name, value in attributes.items():
        link.set(name, value)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
