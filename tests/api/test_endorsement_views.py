"""Registered organisations sign on to published testimony and campaigns' letters through the
API with a key that may endorse, and withdraw; every refusal is a problem document."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.campaigns.models import Campaign
from app.endorsements.models import Endorsement
from app.endorsements.queries import endorsements_for_campaigns, endorsements_for_testimony
from app.organisations.models import ApiScope
from app.organisations.services import revoke_key
from app.platform.audit import AuditEvent
from app.platform.timezones import utcnow
from app.testimony.models import ReviewStatus
from tests.endorsements.helpers import campaign_letters, published
from tests.factories import (
    make_admin,
    make_api_key,
    make_hearing,
    make_organisation,
    make_testimony,
    set_review_status,
)

PROBLEM = "application/problem+json"


def _rows(db) -> int:
    return db.session.scalar(select(func.count(Endorsement.id)))


def _auth(issued) -> dict:
    return {"Authorization": f"Bearer {issued.plaintext}"}


@pytest.fixture
def world(db):
    """A published testimony, a registered organisation and its key for the hearing's body."""
    hearing = make_hearing()
    testimony = published(hearing)
    organisation = make_organisation(name="Digital Fourth")
    issued = make_api_key(organisation, bodies=[hearing.body], scopes=(ApiScope.ENDORSE,))
    db.session.commit()
    return {"hearing": hearing, "testimony": testimony, "key": issued, "org": organisation}


def _path(kind: str, target_id: int) -> str:
    return f"/api/v1/{kind}/{target_id}/endorsements"


def test_signing_on_twice_is_one_sign_on(client, db, world):
    path = _path("testimony", world["testimony"].id)

    first = client.post(path, headers=_auth(world["key"]))
    again = client.post(path, headers=_auth(world["key"]))

    assert first.status_code == 201, first.text
    assert again.status_code == 200
    document = first.get_json()
    assert document["testimony_id"] == world["testimony"].id
    assert document["campaign_id"] is None
    assert document["organisation"] == "Digital Fourth"
    assert document["endorsed_at"].endswith("Z")  # UTC, as every time the API gives
    assert again.get_json() == document
    assert first.headers["Cache-Control"] == "no-store"
    assert _rows(db) == 1
    [line] = endorsements_for_testimony([world["testimony"].id])[world["testimony"].id]
    assert line.organisation_id == world["org"].id
    made = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "endorsement.made"))
    assert [event.actor for event in made] == [world["key"].key.audit_name]


def test_withdrawing_answers_no_content_each_time(client, db, world):
    path = _path("testimony", world["testimony"].id)
    client.post(path, headers=_auth(world["key"]))

    assert client.delete(path, headers=_auth(world["key"])).status_code == 204
    assert client.delete(path, headers=_auth(world["key"])).status_code == 204
    db.session.expire_all()
    assert endorsements_for_testimony([world["testimony"].id])[world["testimony"].id] == []
    assert _rows(db) == 1  # kept, withdrawn


def test_without_a_key_nothing_is_said_about_the_target(client, db, world):
    for target_id in (world["testimony"].id, 999_999):
        answer = client.post(_path("testimony", target_id))
        assert answer.status_code == 401
        assert answer.mimetype == PROBLEM
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert _rows(db) == 0


def test_an_unknown_or_revoked_key_is_refused(client, db, world):
    path = _path("testimony", world["testimony"].id)
    made_up = client.post(path, headers={"Authorization": "Bearer otk_abcdefgh_" + "x" * 43})
    assert made_up.status_code == 401 and made_up.mimetype == PROBLEM
    revoke_key(make_admin(), world["key"].key, now=utcnow())
    db.session.commit()
    revoked = client.post(path, headers=_auth(world["key"]))
    assert revoked.status_code == 401
    assert revoked.get_json()["detail"] == "This API key has been revoked."
    assert _rows(db) == 0


def test_a_key_that_may_only_submit_may_not_endorse(client, db, world):
    submitter = make_api_key(
        world["org"], bodies=[world["hearing"].body], scopes=(ApiScope.SUBMIT_TESTIMONY,)
    )
    db.session.commit()
    answer = client.post(_path("testimony", world["testimony"].id), headers=_auth(submitter))
    assert answer.status_code == 403
    assert answer.mimetype == PROBLEM
    assert "endorse" in answer.get_json()["detail"]
    assert _rows(db) == 0


def test_a_key_for_another_body_is_refused(client, db, world):
    elsewhere = make_api_key(world["org"], scopes=(ApiScope.ENDORSE,))  # a new body
    db.session.commit()
    answer = client.post(_path("testimony", world["testimony"].id), headers=_auth(elsewhere))
    assert answer.status_code == 403
    assert _rows(db) == 0


@pytest.mark.parametrize("status", [ReviewStatus.PENDING, ReviewStatus.REJECTED])
def test_unpublished_testimony_is_not_found(client, db, world, status):
    hidden = make_testimony(world["hearing"]).testimony
    set_review_status(hidden, status)
    db.session.commit()
    answer = client.post(_path("testimony", hidden.id), headers=_auth(world["key"]))
    assert answer.status_code == 404
    assert answer.mimetype == PROBLEM
    assert answer.get_json()["detail"] == "There is no published testimony with this id."
    assert (
        client.delete(_path("testimony", hidden.id), headers=_auth(world["key"])).status_code == 404
    )
    assert _rows(db) == 0


def test_ids_that_cannot_exist_are_not_found(client, db, world):
    for target_id in (2**31, 10**12):
        for method in (client.post, client.delete):
            answer = method(_path("testimony", target_id), headers=_auth(world["key"]))
            assert answer.status_code == 404
            assert answer.mimetype == PROBLEM


def test_a_sign_on_is_withdrawn_after_the_resident_withdrew_the_letter(client, db, world):
    path = _path("testimony", world["testimony"].id)
    client.post(path, headers=_auth(world["key"]))
    set_review_status(world["testimony"], ReviewStatus.WITHDRAWN)
    db.session.commit()
    assert client.post(path, headers=_auth(world["key"])).status_code == 404
    assert client.delete(path, headers=_auth(world["key"])).status_code == 204


def test_an_organisation_signs_on_to_a_campaign_letter(client, db, world):
    letters = campaign_letters(world["hearing"], approved=1, pending=2)
    campaign_id = letters[0].campaign_id
    db.session.commit()

    answer = client.post(_path("campaigns", campaign_id), headers=_auth(world["key"]))

    assert answer.status_code == 201, answer.text
    assert answer.get_json()["campaign_id"] == campaign_id
    assert [line.name for line in endorsements_for_campaigns([campaign_id])[campaign_id]] == [
        "Digital Fourth"
    ]
    assert (
        client.delete(_path("campaigns", campaign_id), headers=_auth(world["key"])).status_code
        == 204
    )


def test_a_campaign_with_no_published_letter_is_not_found(client, db, world):
    letters = campaign_letters(
        make_hearing(committee=world["hearing"].committee), approved=0, pending=2
    )
    db.session.commit()
    assert db.session.get(Campaign, letters[0].campaign_id) is not None
    answer = client.post(_path("campaigns", letters[0].campaign_id), headers=_auth(world["key"]))
    assert answer.status_code == 404
    assert (
        answer.get_json()["detail"] == "There is no campaign with published letters with this id."
    )


def test_the_endpoints_are_in_the_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for kind, parameter in (("testimony", "testimony_id"), ("campaigns", "campaign_id")):
        operations = paths[f"/api/v1/{kind}/{{{parameter}}}/endorsements"]
        assert set(operations) == {"post", "delete"}
        assert operations["post"]["tags"] == ["endorsements"]
        assert operations["post"]["operationId"].startswith("endorse_")
        assert {"200", "201", "401", "403", "404"} <= set(operations["post"]["responses"])
        assert PROBLEM in operations["post"]["responses"]["404"]["content"]
        assert "204" in operations["delete"]["responses"]


def test_a_browser_page_cannot_post_with_a_session_instead_of_a_key(client, db, world):
    answer = client.post(
        _path("testimony", world["testimony"].id), headers={"Origin": "https://elsewhere.example"}
    )
    assert answer.status_code == 401
    assert "Access-Control-Allow-Origin" not in answer.headers
