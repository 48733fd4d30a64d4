"""Enum columns: stored by value, and a value outside the enum is refused by Python and by the
database itself, so a typo in a script or a hand-written query cannot store a status nobody
reads."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError

from app.testimony.models import Position, Testimony
from tests.factories import make_testimony


def test_an_enum_is_stored_as_its_value(db):
    testimony = make_testimony(position=Position.OPPOSE).testimony
    db.session.commit()
    stored = db.session.execute(
        text("SELECT position FROM testimonies WHERE id = :id"), {"id": testimony.id}
    ).scalar_one()
    assert stored == "oppose"
    db.session.expire_all()
    assert db.session.get(Testimony, testimony.id).position is Position.OPPOSE


def test_a_string_outside_the_enum_is_refused_before_it_reaches_the_database(db):
    make_testimony()
    db.session.commit()
    with pytest.raises(StatementError):
        db.session.scalars(select(Testimony).where(Testimony.position == "maybe")).all()
    db.session.rollback()


def test_the_database_refuses_a_value_outside_the_enum(db):
    testimony = make_testimony().testimony
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE testimonies SET position = 'maybe' WHERE id = :id"),
            {"id": testimony.id},
        )
        db.session.flush()
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Testimony, testimony.id).position is Position.SUPPORT
