"""What the API answers a refused key with: a status and a stable code for each refusal."""

from __future__ import annotations

from app.organisations import errors
from app.organisations.models import ApiScope


def _refusals():
    return [
        errors.UnknownKey(),
        errors.KeyRevoked(),
        errors.KeyExpired(),
        errors.OrganisationArchived(),
        errors.ScopeMissing(ApiScope.SUBMIT_SIGN_INS),
        errors.BodyNotAllowed(),
    ]


def test_each_refusal_has_its_own_code_and_sentence(app):
    with app.test_request_context():
        refusals = _refusals()
        assert len({error.code for error in refusals}) == len(refusals)
        assert len({str(error) for error in refusals}) == len(refusals)
        assert all(isinstance(error, errors.KeyRefused) for error in refusals)


def test_a_key_that_cannot_be_used_is_401_and_one_not_allowed_here_is_403(app):
    with app.test_request_context():
        statuses = {type(error).__name__: error.status for error in _refusals()}
    assert statuses == {
        "UnknownKey": 401,
        "KeyRevoked": 401,
        "KeyExpired": 401,
        "OrganisationArchived": 401,
        "ScopeMissing": 403,
        "BodyNotAllowed": 403,
    }


def test_a_missing_scope_is_named(app):
    with app.test_request_context():
        assert "submit_sign_ins" in str(errors.ScopeMissing(ApiScope.SUBMIT_SIGN_INS))
