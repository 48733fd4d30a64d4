"""The demo's sign-ins: counted on the held and open hearings' public pages, no receipts sent
to made-up addresses, and loading again adds none."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.demo import load_demo
from app.demo.sign_ins import SIGNERS
from app.hearings.models import Hearing
from app.platform.outbox import OutboxMessage
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
        # Counted from the rows themselves, not from the tallies the page reads.
        counted: dict = {}
        for sign_in in db.session.scalars(select(SignIn).filter_by(hearing_id=hearing.id)):
            for item in sign_in.positions:
                by_position = counted.setdefault(
                    item.measure_id, {"support": 0, "oppose": 0, "neutral": 0}
                )
                by_position[item.position.value] += 1
        page = re.sub(
            r"\s+", " ", re.sub(r"<[^>]+>", "", client.get(f"/hearings/{hearing.id}").text)
        )
        for by_position in counted.values():
            assert f"support {by_position['support']}, oppose {by_position['oppose']}" in page
    assert load_demo() == 0
    assert db.session.scalar(select(func.count(SignIn.id))) == total
