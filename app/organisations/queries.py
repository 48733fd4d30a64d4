"""What the admin pages list: organisations with their key counts, and an organisation's keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import selectinload

from app.organisations.models import ApiKey, Organisation
from app.platform.extensions import db


@dataclass(frozen=True)
class OrganisationRow:
    organisation: Organisation
    active_keys: int
    all_keys: int


def organisations(now: datetime) -> list[OrganisationRow]:
    """Every organisation, working ones first, by name; with its keys counted in one query."""
    active = and_(ApiKey.revoked_at.is_(None), ApiKey.expires_at > now)
    rows = db.session.execute(
        select(
            Organisation,
            func.count(case((active, ApiKey.id))),
            func.count(ApiKey.id),
        )
        .outerjoin(ApiKey, ApiKey.organisation_id == Organisation.id)
        .group_by(Organisation.id)
        .order_by(Organisation.archived_at.is_not(None), Organisation.name_key)
    ).all()
    return [OrganisationRow(*row) for row in rows]


def keys_of(organisation: Organisation) -> list[ApiKey]:
    """The organisation's keys, newest first, with what the page shows of each."""
    return list(
        db.session.scalars(
            select(ApiKey)
            .where(ApiKey.organisation_id == organisation.id)
            .options(
                selectinload(ApiKey.scope_rows),
                selectinload(ApiKey.bodies),
                selectinload(ApiKey.created_by),
                selectinload(ApiKey.revoked_by),
            )
            .order_by(ApiKey.id.desc())
        )
    )
