"""Moderators see which organisation sent a testimony or sign-in through the API, with its
reference, and where the receipt went when the resident gave no e-mail address; residents an
organisation sent without an address are not taken for one sender."""

from __future__ import annotations

import re

from app.accounts.models import Role
from tests.factories import (
    make_hearing,
    make_organisation,
    make_sign_in,
    make_staff_user,
    make_testimony,
    signed_in_client,
)


def _cell_of(page: str, tracking_number: str) -> str:
    """The table cell holding a tracking number, with its badges."""
    match = re.search(rf"{tracking_number}</a>(.*?)</td>", page, re.S)
    assert match, tracking_number
    return match.group(1)


def test_the_queue_and_review_page_name_the_organisation(app, db):
    hearing = make_hearing()
    organisation = make_organisation(name="Neighbours United")
    sent = make_testimony(
        hearing,
        organisation_id=organisation.id,
        external_reference="crm-4471",
        email="",
        full_name="Ana Souza",
    ).testimony
    also = make_testimony(hearing, organisation_id=organisation.id, email="", full_name="Bo Li")
    own = make_testimony(hearing, full_name="Carla Diaz").testimony
    db.session.commit()
    browser = signed_in_client(app, make_staff_user(Role.MODERATOR))

    queue = browser.get(f"/staff/hearings/{hearing.id}/queue").text
    assert "Sent by Neighbours United" in _cell_of(queue, sent.tracking_number)
    assert "Sent by" not in _cell_of(queue, own.tracking_number)
    # Two residents without an address are not one sender.
    for number in (sent.tracking_number, also.testimony.tracking_number):
        assert "Several from this sender" not in _cell_of(queue, number)

    review = browser.get(f"/staff/testimony/{sent.id}").text
    assert "None given: receipts go to Neighbours United" in review
    assert "<dt>Sent by</dt><dd><bdi>Neighbours United</bdi>, through the API" in review
    assert "its reference: crm-4471" in review
    plain = browser.get(f"/staff/testimony/{own.id}").text
    assert "<dt>Sent by</dt>" not in plain and "denise@example.org" in plain


def test_the_sign_in_tab_names_the_organisation(app, db):
    hearing = make_hearing()
    organisation = make_organisation(name="Neighbours United")
    make_sign_in(hearing, organisation_id=organisation.id, email="", full_name="Ana Souza")
    make_sign_in(hearing, organisation_id=organisation.id, email="", full_name="Bo Li")
    db.session.commit()
    browser = signed_in_client(app, make_staff_user(Role.MODERATOR))
    page = browser.get(f"/moderation/hearings/{hearing.id}/sign-ins").text
    assert page.count("Sent by Neighbours United") == 2
    assert "Several from this sender" not in page
