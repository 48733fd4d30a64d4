"""An admin issues a key that may endorse (and nothing else) through the key-issuing form; the
organisation's page says what it may do."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.organisations.models import ApiKey, ApiScope
from tests.factories import csrf_token_from, log_in, make_admin, make_body, make_organisation

pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


def test_an_admin_issues_a_key_that_may_only_endorse(client, db):
    admin, body, organisation = make_admin(), make_body(), make_organisation()
    db.session.commit()
    assert log_in(client, admin).status_code == 303
    address = f"/staff/admin/organisations/{organisation.id}/keys/new"
    page = client.get(address).text
    assert "Endorse published testimony and campaigns" in page
    form_key = re.search(r'name="form_key" type="hidden" value="([^"]+)"', page).group(1)

    answer = client.post(
        address,
        data={
            "csrf_token": csrf_token_from(page),
            "form_key": form_key,
            "label": "Sign-on bot",
            "scopes": ["endorse"],
            "bodies": [str(body.id)],
            "lifetime": "90",
            "items_per_hour": "",
        },
    )

    assert answer.status_code == 200, answer.text
    key = db.session.scalars(select(ApiKey)).one()
    assert key.scopes == frozenset({ApiScope.ENDORSE})
    listing = client.get(f"/staff/admin/organisations/{organisation.id}").text
    assert "Endorse published testimony and campaigns" in listing
