"""The key a request presents: found in `Authorization: Bearer`, or refused with a problem
document a client can act on (401 with the Bearer challenge, 403 when the key works but not for
this), and never echoed or logged."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.api.keys import authenticated, check_early
from app.api.problems import Problem
from app.organisations import services
from app.organisations.models import ApiScope
from app.platform.audit import AuditEvent
from app.platform.timezones import utcnow
from tests.factories import make_admin, make_api_key, make_body, make_organisation

TESTIMONY = ApiScope.SUBMIT_TESTIMONY
PATH = "/api/v1/hearings/1/testimony"


def _refusal(app, body, headers: dict, scope=TESTIMONY, now=None) -> tuple[Problem, dict]:
    """What `authenticated` raises for a request with these headers, and its document."""
    with app.test_request_context(PATH, method="POST", headers=headers):
        with pytest.raises(Problem) as raised:
            authenticated(body, scope, now=now or utcnow())
        response = raised.value.response()
    assert response.mimetype == "application/problem+json"
    return raised.value, json.loads(response.get_data(as_text=True))


def _uses(db) -> int:
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "api_key.used")
    )


@pytest.fixture
def body(db):
    return make_body()


def test_a_working_key_is_found_and_its_use_recorded(app, db, body):
    issued = make_api_key(bodies=[body])
    with app.test_request_context(
        PATH, method="POST", headers={"Authorization": f"Bearer {issued.plaintext}"}
    ):
        key = authenticated(body, TESTIMONY, now=utcnow())
    assert key.id == issued.key.id
    assert _uses(db) == 1


def test_the_scheme_is_read_whatever_its_case_and_spacing(app, db, body):
    issued = make_api_key(bodies=[body])
    with app.test_request_context(
        PATH, method="POST", headers={"Authorization": f"  bearer   {issued.plaintext}  "}
    ):
        assert authenticated(body, TESTIMONY, now=utcnow()).id == issued.key.id


def test_no_key_asks_for_one(app, db, body):
    problem, document = _refusal(app, body, {})
    assert problem.status == 401
    assert problem.headers["WWW-Authenticate"] == 'Bearer realm="OpenTestimony API"'
    assert document["status"] == 401
    assert "Authorization: Bearer" in document["detail"]
    assert _uses(db) == 0


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "Token otk_x", "Bearer " + "A" * 500],
    ids=["basic", "no-token", "blank-token", "other-scheme", "huge"],
)
def test_a_header_of_another_shape_says_what_to_send(app, db, body, header):
    problem, document = _refusal(app, body, {"Authorization": header})
    assert problem.status == 401
    assert 'error="invalid_request"' in problem.headers["WWW-Authenticate"]
    assert "Authorization: Bearer <key>" in document["detail"]


def test_a_malformed_or_unknown_key_is_not_valid(app, db, body):
    issued = make_api_key(bodies=[body])
    forged = issued.plaintext[:-1] + ("A" if issued.plaintext[-1] != "A" else "B")
    for presented in ("otk_nonsense", forged):
        problem, document = _refusal(app, body, {"Authorization": f"Bearer {presented}"})
        assert problem.status == 401
        assert 'error="invalid_token"' in problem.headers["WWW-Authenticate"]
        assert document["detail"] == "This API key is not valid."
    assert _uses(db) == 0


def test_revoked_expired_and_archived_keys_are_refused_with_the_reason(app, db, body):
    now = utcnow()
    revoked = make_api_key(bodies=[body])
    services.revoke_key(make_admin(), revoked.key, now=now)
    expired = make_api_key(bodies=[body], now=now - timedelta(days=31))
    expired.key.expires_at = now - timedelta(days=1)
    organisation = make_organisation()
    archived = make_api_key(organisation, bodies=[body])
    services.archive_organisation(make_admin(), organisation, now=now)
    db.session.flush()
    reasons = {
        revoked.plaintext: "This API key has been revoked.",
        expired.plaintext: "This API key has expired.",
        archived.plaintext: "The organisation this API key belongs to is archived.",
    }
    for presented, reason in reasons.items():
        problem, document = _refusal(app, body, {"Authorization": f"Bearer {presented}"}, now=now)
        assert (problem.status, document["detail"]) == (401, reason)
        assert 'error="invalid_token"' in problem.headers["WWW-Authenticate"]
    assert _uses(db) == 0


def test_a_key_for_something_else_is_forbidden(app, db, body):
    sign_ins_only = make_api_key(bodies=[body], scopes=[ApiScope.SUBMIT_SIGN_INS])
    problem, document = _refusal(app, body, {"Authorization": f"Bearer {sign_ins_only.plaintext}"})
    assert problem.status == 403
    assert 'error="insufficient_scope"' in problem.headers["WWW-Authenticate"]
    assert "may not do this" in document["detail"]

    elsewhere = make_api_key(bodies=[make_body(name="Massachusetts General Court")])
    problem, document = _refusal(app, body, {"Authorization": f"Bearer {elsewhere.plaintext}"})
    assert problem.status == 403
    assert document["detail"] == "This API key may not submit to this body."
    assert _uses(db) == 0


def test_the_key_is_never_in_the_answer_or_the_log(app, db, body, caplog):
    caplog.set_level(logging.DEBUG)
    issued = make_api_key(bodies=[body])
    services.revoke_key(make_admin(), issued.key, now=utcnow())
    secret = issued.plaintext.split("_")[2]
    for header in (f"Bearer {issued.plaintext}", f"Basic {issued.plaintext}"):
        _problem, document = _refusal(app, body, {"Authorization": header})
        assert secret not in json.dumps(document)
    assert secret not in caplog.text


def test_the_early_check_refuses_as_authentication_does_and_writes_nothing(app, db, body):
    issued = make_api_key(bodies=[body])
    services.revoke_key(make_admin(), issued.key, now=utcnow())
    db.session.commit()
    for header in ({}, {"Authorization": f"Bearer {issued.plaintext}"}):
        with (
            app.test_request_context(PATH, method="POST", headers=header),
            pytest.raises(Problem) as raised,
        ):
            check_early(body, TESTIMONY, now=utcnow())
        assert raised.value.status == 401
    working = make_api_key(bodies=[body])
    db.session.commit()
    with app.test_request_context(
        PATH, method="POST", headers={"Authorization": f"Bearer {working.plaintext}"}
    ):
        assert check_early(body, TESTIMONY, now=utcnow()).id == working.key.id
        with pytest.raises(Problem) as raised:
            check_early(make_body(name="Elsewhere"), TESTIMONY, now=utcnow())
        assert raised.value.status == 403
    # Asked early, nothing is recorded: the use is, once the request writes.
    assert _uses(db) == 0
    db.session.expire_all()
    assert working.key.last_used_at is None
