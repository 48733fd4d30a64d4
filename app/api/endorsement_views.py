"""Registered organisations sign on to published testimony and campaigns' letters, and withdraw
their sign-on, with an API key that may endorse (`Authorization: Bearer <key>`).

Signing twice is one sign-on (201 the first time, 200 after); withdrawing answers 204 whether
or not there was one in force. A target that is not published (or not there) is 404 to every
key, except that an organisation may withdraw its own sign-on from a letter since withdrawn.
"""

from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint, Response
from flask.views import MethodView
from pydantic import BaseModel, ConfigDict, Field
from spectree import Response as Answers

from app.api import keys
from app.api.paging import MAX_ID
from app.api.problems import Problem
from app.api.representations import when
from app.api.schemas import Problem as ProblemShape
from app.api.spec import openapi
from app.campaigns.models import Campaign
from app.endorsements import services
from app.endorsements.models import Endorsement
from app.hearings.models import Hearing
from app.organisations.authentication import find_key
from app.organisations.errors import UnknownKey
from app.organisations.models import ApiKey, ApiScope
from app.platform.extensions import csrf, db
from app.platform.timezones import utcnow
from app.testimony.models import Testimony

bp = Blueprint("api_endorsements", __name__, url_prefix="/api/v1")
# Programs send these with a key, never a browser with a session: no CSRF token to ask for.
csrf.exempt(bp)


class SignOn(BaseModel):
    """A registered organisation's sign-on to a testimony or a campaign's letter."""

    model_config = ConfigDict(extra="forbid")
    testimony_id: int | None = Field(description="The testimony signed; null for a campaign.")
    campaign_id: int | None = Field(description="The campaign signed; null for a testimony.")
    organisation_id: int
    organisation: str = Field(description="The organisation's registered name.")
    endorsed_at: datetime


PROBLEMS = {f"HTTP_{code}": ProblemShape for code in (401, 403, 404, 429)}
ENDORSED = Answers(HTTP_200=SignOn, HTTP_201=SignOn, **PROBLEMS)
WITHDRAWN = Answers(HTTP_204=None, **PROBLEMS)


def _not_found(kind: str) -> Problem:
    if kind == "campaign":
        return Problem(404, "There is no campaign with published letters with this id.")
    return Problem(404, "There is no published testimony with this id.")


def _presented() -> ApiKey:
    """The key the request carries, refused (401) before anything about the target is said."""
    token = keys.presented_key()
    if token is None:
        raise Problem(
            401,
            "This needs an API key that may endorse: send it as `Authorization: Bearer <key>`.",
            headers={"WWW-Authenticate": f'Bearer realm="{keys.REALM}"'},
        )
    key = find_key(token)
    if key is None:
        raise keys.refusal(UnknownKey())
    return key


def _target(kind: str, target_id: int, key: ApiKey, *, withdrawing: bool, now: datetime):
    """The target, if this key's organisation may see it; then the key is checked for it (its
    use recorded): it must be active, may endorse, and for the body of the target's hearing."""
    model = Campaign if kind == "campaign" else Testimony
    target = db.session.get(model, target_id) if target_id <= MAX_ID else None
    visible = target is not None and (
        services.is_endorsable(target)
        or (withdrawing and services.has_signed(key.organisation, target))
    )
    if not visible:
        raise _not_found(kind)
    hearing = db.session.get(Hearing, target.hearing_id)
    keys.authenticated(hearing.body, ApiScope.ENDORSE, now=now)
    return target


def _answer(endorsement: Endorsement, status: int) -> Response:
    document = {
        "testimony_id": endorsement.testimony_id,
        "campaign_id": endorsement.campaign_id,
        "organisation_id": endorsement.organisation_id,
        "organisation": endorsement.organisation.name,
        "endorsed_at": when(endorsement.created_at),
    }
    response = Response(json.dumps(document, ensure_ascii=False), status=status,
                        mimetype="application/json")  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response


def _endorse(kind: str, target_id: int) -> Response:
    now = utcnow()
    key = _presented()
    target = _target(kind, target_id, key, withdrawing=False, now=now)
    try:
        done = services.endorse(key.organisation, target, now=now, actor=key.audit_name)
    except services.TargetNotFound:
        raise _not_found(kind) from None
    return _answer(done.endorsement, 201 if done.created else 200)


def _withdraw(kind: str, target_id: int) -> Response:
    now = utcnow()
    key = _presented()
    target = _target(kind, target_id, key, withdrawing=True, now=now)
    try:
        services.withdraw_endorsement(key.organisation, target, now=now, actor=key.audit_name)
    except services.TargetNotFound:
        raise _not_found(kind) from None
    return Response(status=204, headers={"Cache-Control": "no-store"})


# One rule per address, both methods on it: an id beyond a 32-bit column then fails the rule
# for every method alike (not found), where two rules would answer one method "not allowed".
class TestimonyEndorsements(MethodView):
    @openapi.validate(resp=ENDORSED, tags=["endorsements"], operation_id="endorse_testimony")
    def post(self, testimony_id: int):
        """Sign your organisation on to a published testimony (an API key that may endorse,
        for the hearing's body). 201 the first time; 200 with the same sign-on after."""
        return _endorse("testimony", testimony_id)

    @openapi.validate(resp=WITHDRAWN, tags=["endorsements"],
                      operation_id="withdraw_testimony_endorsement")  # fmt: skip
    def delete(self, testimony_id: int):
        """Withdraw your organisation's sign-on to a testimony; 204 whether or not it had one."""
        return _withdraw("testimony", testimony_id)


class CampaignEndorsements(MethodView):
    @openapi.validate(resp=ENDORSED, tags=["endorsements"], operation_id="endorse_campaign")
    def post(self, campaign_id: int):
        """Sign your organisation on to a campaign's letter (one with a published letter, with
        an API key that may endorse, for the hearing's body). 201 the first time; 200 after."""
        return _endorse("campaign", campaign_id)

    @openapi.validate(resp=WITHDRAWN, tags=["endorsements"],
                      operation_id="withdraw_campaign_endorsement")  # fmt: skip
    def delete(self, campaign_id: int):
        """Withdraw your organisation's sign-on to a campaign's letter; 204 whether or not it
        had one."""
        return _withdraw("campaign", campaign_id)


bp.add_url_rule(
    "/testimony/<int:testimony_id>/endorsements",
    view_func=TestimonyEndorsements.as_view("testimony"),
)
bp.add_url_rule(
    "/campaigns/<int:campaign_id>/endorsements",
    view_func=CampaignEndorsements.as_view("campaign"),
)
