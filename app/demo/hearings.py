"""Demo data from the story the project grew from: Boston's face-surveillance ordinance (2020)
and the Massachusetts moratorium bills. Times are set relative to the moment of loading so the
demo always has one hearing open for testimony, one upcoming and one already held.
Loading twice changes nothing: every record is looked up by its natural key first.
This module holds the bodies, committees, measures and hearings; demo/testimony.py the rest.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.hearings.languages import count_languages, list_default_languages
from app.hearings.models import Body, Committee, Hearing, Measure, MeasureKind, SpeakingModes
from app.platform.extensions import db

BOSTON = ZoneInfo("America/New_York")

BAN_SUMMARY = (
    "Prohibits any City of Boston official or department from obtaining, retaining, accessing "
    "or using face surveillance technology, or information derived from it, including by "
    "asking a third party to run a search on the City's behalf. Evidence obtained in violation "
    "may not be used in any proceeding. Sponsored by Councilors Michelle Wu and Ricardo Arroyo. "
    "The ordinance does not apply to private companies or to federal agencies."
)

BRIEFCAM_SUMMARY = (
    "Calls for a hearing on the video analysis software the Boston Police Department uses, "
    "whose newer versions can analyse faces, and on whether the department has taken up that "
    "part of the upgrade. Heard with the ordinance."
)

MORATORIUM_SUMMARY = (
    "Places a moratorium on the use of face recognition and other remote biometric "
    "surveillance systems by public agencies in Massachusetts until the Legislature enacts "
    "rules for their use, with exceptions and reporting requirements defined in the bill."
)


# Who counts as a resident: Boston and its neighbourhoods, as residents write them; for the
# Commonwealth, its ZIP codes (010 to 027, and 055 for Andover's post office boxes).
BOSTON_PLACES = "\n".join(
    [
        "Boston",
        "Allston",
        "Back Bay",
        "Brighton",
        "Charlestown",
        "Dorchester",
        "East Boston",
        "Hyde Park",
        "Jamaica Plain",
        "Mattapan",
        "Roslindale",
        "Roxbury",
        "South Boston",
        "West Roxbury",
        "Beacon Hill",
        "South End",
        "North End",
        "Fenway",
        "Mission Hill",
    ]
)
MASSACHUSETTS_ZIP_PREFIXES = ", ".join([f"{prefix:03d}" for prefix in range(10, 28)] + ["055"])


def _local(day: datetime, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Boston on the given day, as an aware datetime."""
    return datetime.combine(day.astimezone(BOSTON).date(), time(hour, minute), tzinfo=BOSTON)


def _get_or_add(model, lookup: dict, **values):
    instance = db.session.scalar(select(model).filter_by(**lookup))
    if instance is not None:
        return instance, False
    instance = model(**lookup, **values)
    db.session.add(instance)
    db.session.flush()
    return instance, True


def _list_languages(body: Body) -> None:
    """The default interpreter languages, for a body that has none yet."""
    if not count_languages(body.id):
        list_default_languages(body)


def load_hearings(now: datetime) -> tuple[dict[str, Hearing], int]:
    """The bodies, committees, measures and three hearings; return them and how many were new."""
    created = 0

    def add(model, lookup, **values):
        nonlocal created
        instance, new = _get_or_add(model, lookup, **values)
        created += new
        return instance

    council = add(
        Body,
        {"slug": "boston-city-council"},
        name="Boston City Council",
        jurisdiction="City of Boston",
        timezone="America/New_York",
        resident_places=BOSTON_PLACES,
    )
    _list_languages(council)
    gov_ops = add(
        Committee,
        {"body_id": council.id, "slug": "government-operations"},
        name="Committee on Government Operations",
    )
    ban = add(
        Measure,
        {"committee_id": gov_ops.id, "session": "2020", "number": "Docket #0683"},
        kind=MeasureKind.ORDINANCE,
        title="Ordinance banning face surveillance in Boston",
        summary=BAN_SUMMARY,
        official_url="https://www.boston.gov/departments/city-council",
    )
    video_order = add(
        Measure,
        {"committee_id": gov_ops.id, "session": "2020", "number": "Docket #0684"},
        kind=MeasureKind.ORDER,
        title="Order for a hearing on police video analysis software",
        summary=BRIEFCAM_SUMMARY,
        official_url="https://www.boston.gov/departments/city-council",
    )
    court = add(
        Body,
        {"slug": "massachusetts-general-court"},
        name="Massachusetts General Court",
        jurisdiction="Commonwealth of Massachusetts",
        timezone="America/New_York",
        resident_zip_prefixes=MASSACHUSETTS_ZIP_PREFIXES,
    )
    _list_languages(court)
    judiciary = add(
        Committee,
        {"body_id": court.id, "slug": "joint-judiciary"},
        name="Joint Committee on the Judiciary",
    )
    bill_title = (
        "An Act establishing a moratorium on face recognition and other remote biometric "
        "surveillance systems"
    )
    bills = [
        add(
            Measure,
            {"committee_id": judiciary.id, "session": "191st General Court", "number": number},
            kind=MeasureKind.BILL,
            title=bill_title,
            summary=MORATORIUM_SUMMARY,
            official_url=f"https://malegislature.gov/Bills/191/{number.replace('.', '')}",
        )
        for number in ("H.1538", "S.1385")
    ]

    city_hall = (
        "Iannella Chamber, 5th floor, Boston City Hall, 1 City Hall Square, Boston, MA 02201"
    )
    held_start = _local(now - timedelta(days=20), 10)
    open_start = _local(now + timedelta(days=12), 14)
    upcoming_start = _local(now + timedelta(days=30), 13)
    hearings = {
        "held": add(
            Hearing,
            {
                "committee_id": gov_ops.id,
                "title": "Hearing on a ban of face surveillance in Boston",
            },
            description=(
                "Public hearing on Docket #0683. Written testimony was accepted until the "
                "hearing began."
            ),
            starts_at=held_start,
            location=city_hall,
            remote_url="https://www.boston.gov/departments/broadband-and-cable/watch-boston-city-tv",
            testimony_opens_at=held_start - timedelta(days=21),
            testimony_closes_at=held_start,
            speaker_signup_closes_at=held_start - timedelta(days=1),
            speaker_minutes=3,
            max_speakers=20,
            speaking_modes=SpeakingModes.BOTH,
            officials_first=True,
            measures=[ban, video_order],
        ),
        "open": add(
            Hearing,
            {"committee_id": gov_ops.id, "title": "Working session on the face surveillance ban"},
            description=(
                "The committee will review amendments to Docket #0683 proposed at the earlier "
                "hearing. Written testimony is accepted until the session begins; speakers "
                "must sign up by the day before."
            ),
            starts_at=open_start,
            location=city_hall,
            remote_url="https://www.boston.gov/departments/broadband-and-cable/watch-boston-city-tv",
            testimony_opens_at=now - timedelta(days=2),
            testimony_closes_at=open_start,
            speaker_signup_closes_at=_local(open_start - timedelta(days=1), 17),
            speaker_minutes=3,
            max_speakers=20,
            speaking_modes=SpeakingModes.BOTH,
            # Given to remote speakers with the link; never on the public page.
            remote_pin="845 2091",
            measures=[ban],
        ),
        "upcoming": add(
            Hearing,
            {"committee_id": judiciary.id, "title": "Hearing on a moratorium on face recognition"},
            description=(
                "The Joint Committee on the Judiciary hears testimony on House and Senate "
                "bills that would pause government use of face recognition statewide."
            ),
            starts_at=upcoming_start,
            location=(
                "Gardner Auditorium, Massachusetts State House, 24 Beacon Street, Boston, MA 02133"
            ),
            remote_url="https://malegislature.gov/Events/Hearings",
            testimony_opens_at=_local(now + timedelta(days=5), 9),
            testimony_closes_at=upcoming_start,
            speaker_signup_closes_at=_local(upcoming_start - timedelta(days=2), 17),
            speaker_minutes=3,
            max_speakers=40,
            speaking_modes=SpeakingModes.BOTH,
            officials_first=True,
            measures=bills,
        ),
    }

    return hearings, created
