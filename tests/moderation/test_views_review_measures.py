"""The review page and the queue of testimony on several measures."""

from __future__ import annotations

from app.accounts.models import Role
from app.testimony.models import Position
from tests.factories import make_hearing, make_staff_user, make_testimony, signed_in_client


def test_the_review_page_and_queue_list_every_measure_with_its_position(app, db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    testimony = make_testimony(
        hearing, measures=((first.id, Position.NEUTRAL), (second.id, Position.OPPOSE))
    ).testimony
    moderator = make_staff_user(Role.MODERATOR)
    db.session.commit()
    client = signed_in_client(app, moderator)

    review = client.get(f"/staff/testimony/{testimony.id}").text
    queue = client.get(f"/staff/hearings/{hearing.id}/queue").text

    assert "Measures and positions" in review
    assert f"{first.number}: {first.title}: <strong>Neutral</strong>" in review
    assert f"{second.number}: {second.title}: <strong>Oppose</strong>" in review
    assert f"{first.number} (Neutral)<br>{second.number} (Oppose)" in queue
