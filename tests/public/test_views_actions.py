"""Committee actions on the public pages: each measure's latest action, in words, with its day
and note, on the hearing's page and on the list of hearings; removed entries never show."""

from __future__ import annotations

import re
from datetime import date, timedelta

from app.hearings.actions import CommitteeActionKind
from app.platform.timezones import utcnow
from tests.factories import make_committee_action, make_hearing, text_of


def words(response) -> str:
    """The page's text without its tags."""
    return re.sub(r"<[^>]+>", "", text_of(response))


def held_hearing(db, **overrides):
    hearing = make_hearing(now=utcnow() - timedelta(days=30), measures=2, **overrides)
    db.session.commit()
    return hearing


def test_the_hearing_page_shows_each_measures_latest_action(client, db):
    hearing = held_hearing(db)
    studied = hearing.measures[0]
    make_committee_action(studied, kind=CommitteeActionKind.HELD, taken_on=date(2026, 10, 1))
    make_committee_action(
        studied,
        kind=CommitteeActionKind.SENT_TO_STUDY,
        taken_on=date(2026, 11, 5),
        note="Accompanied a study order, H.4701 & <b>S.2707</b>.",
    )
    db.session.commit()

    response = client.get(f"/hearings/{hearing.id}")
    page = words(response)

    assert "Committee action: Sent to study, November 5, 2026." in page
    assert "Accompanied a study order, H.4701 &amp; &lt;b&gt;S.2707&lt;/b&gt;." in response.text
    assert "Held in committee" not in page
    assert page.count("Committee action:") == 1


def test_a_removed_action_is_not_shown(client, db):
    hearing = held_hearing(db)
    make_committee_action(
        hearing.measures[0],
        kind=CommitteeActionKind.REPORTED_FAVOURABLY,
        removed_at=utcnow(),
        removed_by_id=make_committee_action(hearing.measures[1]).recorded_by_id,
    )
    db.session.commit()
    page = words(client.get(f"/hearings/{hearing.id}"))
    assert "Reported favourably" not in page
    assert "Committee action: Sent to study" in page


def test_the_list_of_hearings_shows_the_latest_action_of_each_measure(client, db):
    hearing = held_hearing(db, title="Held hearing on the ban")
    make_committee_action(
        hearing.measures[0],
        kind=CommitteeActionKind.REPORTED_FAVOURABLY,
        taken_on=date(2026, 11, 5),
    )
    db.session.commit()
    past = client.get("/").text.split('id="past-heading"', 1)[1]
    assert "committee action: Reported favourably (ought to pass), November 5, 2026" in past
