"""Whom a hearing's news reaches when an organisation sent testimony without residents'
addresses: the organisation, once, in place of each of them."""

from __future__ import annotations

from app.testimony.queries import count_residents, resident_addresses
from tests.factories import make_hearing, make_organisation, make_testimony


def test_the_organisation_is_told_in_place_of_residents_without_an_address(db):
    hearing = make_hearing()
    organisation = make_organisation(contact_email="Intake@NU.example")
    make_testimony(hearing, email="ana@example.org")
    for name in ("Bo Li", "Cy Diaz"):
        make_testimony(hearing, email="", full_name=name, organisation_id=organisation.id)
    # With an address of their own, a resident an organisation sent is told there.
    make_testimony(hearing, email="dee@example.org", organisation_id=organisation.id)
    removed = make_testimony(hearing, email="", organisation_id=organisation.id).testimony
    removed.email_key = f"removed:{removed.id}"  # as retention leaves it: nobody to tell
    db.session.flush()
    addresses = [(email, key) for email, key, _language in resident_addresses(hearing.id)]
    assert addresses == [
        ("ana@example.org", "ana@example.org"),
        ("Intake@NU.example", "intake@nu.example"),
        ("Intake@NU.example", "intake@nu.example"),
        ("dee@example.org", "dee@example.org"),
    ]
    assert count_residents(hearing.id) == 3
