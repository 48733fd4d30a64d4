"""Organisations a resident names on their testimony: stored by the testimony services as
typed, once each, changed by amendment (names taken off kept as withdrawn), and never mixed up
with registered organisations' sign-ons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.endorsements import named
from app.endorsements.models import Endorsement, EndorsementSource
from app.endorsements.queries import endorsements_for_testimony
from app.endorsements.services import endorse
from app.platform.audit import AuditEvent
from app.platform.timezones import utcnow
from app.testimony.services import amend_testimony
from app.testimony.submissions import Amendment
from tests.endorsements.helpers import published
from tests.factories import make_hearing, make_organisation, make_testimony

NOW = utcnow()
RTL = "جمعية الحقوق الرقمية"


def _amendment(testimony, endorsed_by) -> Amendment:
    return Amendment(
        measure_id=testimony.measure_id,
        position=testimony.position,
        body=testimony.body,
        speaking_request=testimony.speaking_request,
        reason="Another group joined",
        endorsed_by=endorsed_by,
    )


def test_names_given_with_testimony_are_stored_as_typed_in_order(db):
    testimony = make_testimony(
        make_hearing(), endorsed_by=("ACLU of Massachusetts", RTL, "<b>Fight</b> & Co")
    ).testimony
    assert named.names(testimony.id) == ["ACLU of Massachusetts", RTL, "<b>Fight</b> & Co"]
    rows = db.session.scalars(select(Endorsement).order_by(Endorsement.id)).all()
    assert {row.source for row in rows} == {EndorsementSource.RESIDENT}
    assert all(row.organisation_id is None for row in rows)
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "endorsements.named")
    ).all()
    assert (event.actor, event.subject_id) == ("resident", testimony.id)


def test_no_names_writes_nothing(db):
    make_testimony(make_hearing())
    assert db.session.scalars(select(Endorsement)).all() == []


def test_a_name_given_twice_in_other_case_or_spacing_is_stored_once(db):
    named.record(published(make_hearing()).id, ["Mass  Fair", "mass fair", " "], now=NOW)
    assert len(db.session.scalars(select(Endorsement)).all()) == 1


def test_more_or_longer_names_than_the_form_allows_are_refused(db):
    testimony = make_testimony(make_hearing()).testimony
    with pytest.raises(ValueError):
        named.record(testimony.id, [f"Group {n}" for n in range(11)], now=NOW)
    with pytest.raises(ValueError):
        named.record(testimony.id, ["x" * 201], now=NOW)


def test_amending_the_names_keeps_those_taken_off_as_withdrawn(db):
    testimony = make_testimony(make_hearing(), endorsed_by=("Group A", "Group B")).testimony
    later = NOW + timedelta(minutes=5)

    assert amend_testimony(testimony, _amendment(testimony, ("Group B", "Group C")), now=later)

    assert sorted(named.names(testimony.id)) == ["Group B", "Group C"]
    taken_off = db.session.scalar(select(Endorsement).where(Endorsement.name == "Group A"))
    assert taken_off.withdrawn_at == later
    assert testimony.version == 2  # reviewed again: the names are published with it


def test_a_name_given_again_comes_back_spelled_as_now(db):
    testimony = make_testimony(make_hearing(), endorsed_by=("group a",)).testimony
    amend_testimony(testimony, _amendment(testimony, ()), now=NOW)
    assert named.names(testimony.id) == []
    amend_testimony(testimony, _amendment(testimony, ("Group A",)), now=NOW)
    assert named.names(testimony.id) == ["Group A"]
    assert len(db.session.scalars(select(Endorsement)).all()) == 1


def test_the_same_names_in_another_order_change_nothing(db):
    testimony = make_testimony(make_hearing(), endorsed_by=("Group A", "Group B")).testimony
    assert not amend_testimony(testimony, _amendment(testimony, ("Group B", "Group A")), now=NOW)
    assert testimony.version == 1


def test_an_amendment_without_the_field_leaves_the_names(db):
    testimony = make_testimony(make_hearing(), endorsed_by=("Group A",)).testimony
    amendment = _amendment(testimony, None)
    amend_testimony(testimony, Amendment(**{**amendment.__dict__, "body": "New text."}), now=NOW)
    assert named.names(testimony.id) == ["Group A"]


def test_named_and_registered_endorsements_are_listed_apart(db):
    testimony = published(make_hearing(), endorsed_by=("Digital Fourth",))
    registered = make_organisation(name="Digital Fourth")
    endorse(registered, testimony, now=NOW, actor="api_key:1")

    lines = endorsements_for_testimony([testimony.id])[testimony.id]

    # The same words, two statements: the organisation's own first, then the sender's.
    assert [(line.name, line.is_registered) for line in lines] == [
        ("Digital Fourth", True),
        ("Digital Fourth", False),
    ]
    assert lines[1].website is None and lines[1].organisation_id is None


def test_a_name_that_grows_when_case_folded_is_kept(db):
    """ "ﬃ" folds to "ffi": a 200-character name has a 600-character key."""
    testimony = make_testimony(make_hearing(), endorsed_by=("ﬃ" * 200,)).testimony
    db.session.commit()

    names = endorsements_for_testimony([testimony.id])[testimony.id]
    assert [line.name for line in names] == ["ﬃ" * 200]
