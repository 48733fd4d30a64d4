"""Fixtures of the export tests."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from app.exports.models import Packet


@pytest.fixture
def addenda_cleared(db):
    """Delete the test's addenda before the `db` fixture empties the tables: an addendum
    refers to its earlier packet (ON DELETE RESTRICT), and SQLite, deleting every packet in one
    statement, checks that row by row and would refuse to delete the earlier one first."""
    yield
    db.session.rollback()
    db.session.execute(
        delete(Packet)
        .where(Packet.since_packet_id.is_not(None))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
