"""UTC storage and local display of times."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.core import get_global
from babel.dates import format_date, format_datetime, format_time, get_timezone_name
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Store naive UTC on every database; always hand back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a naive datetime; pass an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def to_local(moment: datetime, timezone_name: str) -> datetime:
    """Convert an aware datetime to the named zone."""
    return moment.astimezone(ZoneInfo(timezone_name))


# CLDR has no short Spanish names for American zones, and its long ones read like a table
# ("hora estándar oriental"); people say "hora del Este", the same all year round. Keyed by
# CLDR metazone, so every zone that keeps the same clock (America/Detroit,
# America/Indiana/Indianapolis) gets the same name. English keeps the abbreviations its readers
# use (EST, EDT).
ZONE_NAMES = {
    "America_Eastern": _l("Eastern Time"),
    "America_Central": _l("Central Time"),
    "America_Mountain": _l("Mountain Time"),
    "America_Pacific": _l("Pacific Time"),
    "Alaska": _l("Alaska Time"),
    "Hawaii": _l("Hawaii Time"),
    "Hawaii_Aleutian": _l("Hawaii-Aleutian Time"),
    "Atlantic": _l("Atlantic Time"),
    "Chamorro": _l("Chamorro Time"),
}

# English: the patterns people read on US notices. Other languages: the locale's own date,
# then hour and minute (never seconds), then the zone's everyday name.
ENGLISH_PATTERNS = {
    "full": "EEEE, MMMM d, y 'at' h:mm a zzz",
    "short": "MMM d, y, h:mm a zzz",
    "time": "h:mm a zzz",
}
DATE_WIDTHS = {"full": "full", "short": "medium"}


def local_time(moment: datetime | None, timezone_name: str, style: str = "full") -> str:
    """Format an aware UTC time in the body's zone for the reader's language.

    `style` is "full" (weekday and date), "short" (abbreviated date) or "time" (no date).
    """
    if moment is None:
        return ""
    locale = str(get_locale() or "en")
    local = to_local(moment, timezone_name)
    if locale == "en":
        return format_datetime(local, ENGLISH_PATTERNS[style], locale=locale)
    parts = [format_time(local, "short", locale=locale), zone_name(local, timezone_name, locale)]
    if style != "time":
        parts.insert(0, format_date(local, DATE_WIDTHS[style], locale=locale))
    return ", ".join(parts)


def zone_name(local: datetime, timezone_name: str, locale: str) -> str:
    """The zone's name as people of `locale` say it, the same in summer and winter."""
    metazone = get_global("meta_zones").get(timezone_name)
    if metazone in ZONE_NAMES:
        return str(ZONE_NAMES[metazone])
    return get_timezone_name(local, width="long", zone_variant="generic", locale=locale)
