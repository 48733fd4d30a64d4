"""When a campaign's letters arrived: counts per hour (per day past three days, per week past
three months) in the body's time zone, as a small chart drawn on the server and the table it
is drawn from. Plain data here; templates/campaigns/_arrival_chart.html draws the SVG and the
packet draws the same bars on its page, so nothing is fetched and no script runs."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from babel.dates import format_skeleton, format_time
from flask_babel import get_locale
from flask_babel import gettext as _

MAX_HOURS = 72  # hour by hour up to three days of arrivals
MAX_DAYS = 92  # then day by day up to about three months, then week by week


class Unit(enum.StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"


@dataclass(frozen=True)
class Bin:
    label: str  # when it starts, in words: "Mon, Dec 7, 2:00 PM", "Mon, Dec 7", "Week of …"
    letters: int


@dataclass(frozen=True)
class Arrivals:
    unit: Unit
    bins: tuple[Bin, ...]

    @property
    def most(self) -> int:
        return max((b.letters for b in self.bins), default=0)

    @property
    def busiest(self) -> Bin | None:
        return max(self.bins, key=lambda b: b.letters) if self.bins else None

    @property
    def heading(self) -> str:
        """The table's first column: "Hour starting", "Day" or "Week"."""
        return unit_words(self.unit)[0]

    @property
    def what(self) -> str:
        """What the chart and table count: "Letters received per hour", and so on."""
        return unit_words(self.unit)[1]


def _locale() -> str:
    return str(get_locale() or "en")


def _hour_start(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _instant(moment: datetime) -> datetime:
    """Comparable across a daylight-saving change: aware times in UTC, naive ones as they are."""
    return moment.astimezone(UTC) if moment.tzinfo else moment


def _hour_label(moment: datetime, locale: str) -> str:
    day = format_skeleton("MMMEd", moment, locale=locale)
    return f"{day}, {format_time(moment, 'short', tzinfo=moment.tzinfo, locale=locale)}"


def _day_label(day: date, locale: str) -> str:
    return format_skeleton("MMMEd", day, locale=locale)


def bin_arrivals(arrivals: Iterable[tuple[datetime, int]]) -> Arrivals:
    """Sum (local time, letters) pairs per hour from the first hour to the last, empty hours
    included; past MAX_HOURS hours per day, past MAX_DAYS days per week (Monday first)."""
    hours: dict[datetime, tuple[datetime, int]] = {}
    for moment, count in arrivals:
        start = _hour_start(moment)
        key = _instant(start)
        hours[key] = (start, hours.get(key, (start, 0))[1] + count)
    if not hours:
        return Arrivals(Unit.HOUR, ())
    locale = _locale()
    first_key, last_key = min(hours), max(hours)
    span = int((last_key - first_key).total_seconds() // 3600) + 1
    if span <= MAX_HOURS:
        first = hours[first_key][0]
        bins = []
        for step in range(span):
            key = first_key + timedelta(hours=step)
            start = hours[key][0] if key in hours else _local_hour(first, key)
            bins.append(Bin(_hour_label(start, locale), hours.get(key, (start, 0))[1]))
        return Arrivals(Unit.HOUR, tuple(bins))
    days: dict[date, int] = {}
    for start, count in hours.values():
        days[start.date()] = days.get(start.date(), 0) + count
    first_day, last_day = min(days), max(days)
    if (last_day - first_day).days < MAX_DAYS:
        return Arrivals(
            Unit.DAY,
            tuple(
                Bin(_day_label(day, locale), days.get(day, 0))
                for day in _dates(first_day, last_day, 1)
            ),
        )
    weeks: dict[date, int] = {}
    for day, count in days.items():
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + count
    return Arrivals(
        Unit.WEEK,
        tuple(
            Bin(
                _("Week of %(date)s", date=format_skeleton("yMMMd", monday, locale=locale)),
                weeks.get(monday, 0),
            )
            for monday in _dates(min(weeks), max(weeks), 7)
        ),
    )


def _local_hour(like: datetime, key: datetime) -> datetime:
    return key.astimezone(like.tzinfo) if like.tzinfo else key


def _dates(first: date, last: date, step: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(0, (last - first).days + 1, step)]


def unit_words(unit: Unit) -> tuple[str, str]:
    """(column heading, what the chart shows) for the unit."""
    return {
        Unit.HOUR: (_("Hour starting"), _("Letters received per hour")),
        Unit.DAY: (_("Day"), _("Letters received per day (more than three days of arrivals)")),
        Unit.WEEK: (
            _("Week"),
            _("Letters received per week (more than three months of arrivals)"),
        ),
    }[unit]


# The chart's drawing area, in SVG user units (the SVG scales to its box).
WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 40


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    letters: int


@dataclass(frozen=True)
class Chart:
    """The arrivals laid out for drawing: bars, the top of the scale and the first and last
    labels of the time axis."""

    width: int
    height: int
    left: int
    bottom: float  # y of the time axis
    top: int
    bars: tuple[Bar, ...]
    most: int
    first_label: str
    last_label: str


def lay_out(arrivals: Arrivals) -> Chart | None:
    if not arrivals.bins:
        return None
    most = max(arrivals.most, 1)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / len(arrivals.bins)
    gap = min(2.0, slot * 0.2)
    bars = []
    for n, item in enumerate(arrivals.bins):
        height = plot_height * item.letters / most
        if item.letters and height < 1:
            height = 1.0  # one letter among thousands is still seen
        bars.append(
            Bar(
                x=round(LEFT + n * slot + gap / 2, 2),
                y=round(TOP + plot_height - height, 2),
                width=round(max(slot - gap, 0.5), 2),
                height=round(height, 2),
                label=item.label,
                letters=item.letters,
            )
        )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        bottom=TOP + plot_height,
        top=TOP,
        bars=tuple(bars),
        most=arrivals.most,
        first_label=arrivals.bins[0].label,
        last_label=arrivals.bins[-1].label,
    )
