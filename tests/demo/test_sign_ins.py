"""The demo's sign-ins: counted on the held and open hearings' public pages, no receipts sent
to made-up addresses, and loading again adds none."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.demo import load_demo
from app.demo.sign_ins import SIGNERS
from app.hearings.models import Hearing
from app.platform.outbox import OutboxMessage
from app.signins import tallies
from app.signins.models import SignIn


def test_sign_ins_are_counted_on_the_public_pages(client, db):
    load_demo()
    db.session.commit()
    total = db.session.scalar(select(func.count(SignIn.id)))
    assert total == len(SIGNERS) + 14
    receipts = select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "sign_in_received")
    assert db.session.scalar(receipts) == 0
    held = db.session.scalars(
        select(Hearing).where(Hearing.id.in_(select(SignIn.hearing_id)))
    ).all()
    for hearing in held:
        counted = tallies.on_record_by_measure(hearing.id)
        page = re.sub(
            r"\s+", " ", re.sub(r"<[^>]+>", "", client.get(f"/hearings/{hearing.id}").text)
        )
        for by_position in counted.values():
            assert f"support {by_position['support']}, oppose {by_position['oppose']}" in page
    assert load_demo() == 0
    assert db.session.scalar(select(func.count(SignIn.id))) == total
