"""Why the form asks for a street address, and that no choice pretends to publish it."""

from __future__ import annotations

import re

from tests.factories import form_fields, make_hearing
from tests.form_pages import field_error, form_url, receipt_fact


def test_the_form_says_why_it_asks_for_the_street_address_and_offers_no_dead_choice(client, db):
    hearing = make_hearing()
    db.session.commit()

    page = client.get(form_url(hearing)).text

    hint = re.search(r'<p class="hint" id="street_address-hint">(.*?)</p>', page, re.S)
    assert hint, "no hint under the street address"
    assert "Only staff who review testimony see it" in hint.group(1)
    assert "never published" in hint.group(1)
    assert 'aria-describedby="street_address-hint"' in page
    assert "Keep my street address out of anything published" not in page
    assert 'name="hide_street_address"' not in page


def test_the_receipt_says_the_street_address_is_never_published(client, db):
    hearing = make_hearing()
    db.session.commit()
    page = client.get(form_url(hearing)).text

    response = client.post(form_url(hearing), data=form_fields(hearing, page))

    assert response.status_code == 303
    receipt = client.get(response.headers["Location"]).text
    assert receipt_fact(receipt, "Street address") == "Kept out of anything published"


def test_the_street_address_is_still_required(client, db):
    hearing = make_hearing()
    db.session.commit()
    page = client.get(form_url(hearing)).text

    response = client.post(form_url(hearing), data=form_fields(hearing, page, street_address=""))

    assert response.status_code == 200
    assert field_error(response.text, "street_address") == "Error: Enter your street address."
