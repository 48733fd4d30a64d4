"""Organisations a resident names as endorsing their testimony, written for the testimony
services (which sit below this package and are handed this module by the app: see
app/endorsements/__init__.py). They are the sender's statement, kept as typed.

The names reach here already checked by the form (app/testimony/endorsers.py: at most
MAX_NAMED, each at most MAX_NAME_LENGTH characters of plain text, each once); these functions
check the limits again, so no other caller can store more.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select

from app.endorsements.models import MAX_NAME_LENGTH, MAX_NAMED, Endorsement, EndorsementSource
from app.organisations.models import name_key
from app.platform import audit
from app.platform.extensions import db
from app.testimony.models import Testimony

# What the audit rows are about: the testimony the names were given with.
TESTIMONIES = Testimony.__tablename__


def _checked(names: Sequence[str]) -> list[str]:
    """The names once each (the first spelling of each kept), refusing what the form would."""
    kept: dict[str, str] = {}
    for name in names:
        name = name.strip()
        if name and name_key(name) not in kept:
            kept[name_key(name)] = name
    if len(kept) > MAX_NAMED or any(len(name) > MAX_NAME_LENGTH for name in kept.values()):
        raise ValueError("more or longer names than the testimony form accepts")
    return list(kept.values())


def _row(testimony_id: int, name: str, now: datetime) -> dict:
    return {
        "testimony_id": testimony_id,
        "source": EndorsementSource.RESIDENT,
        "name": name,
        "name_key": name_key(name),
        "created_at": now,
    }


def record(testimony_id: int, names: Sequence[str], *, now: datetime) -> None:
    """Store the names given with a new testimony: one INSERT for all, none for none."""
    names = _checked(names)
    if not names:
        return
    db.session.execute(
        insert(Endorsement.__table__), [_row(testimony_id, name, now) for name in names]
    )
    audit.record_each(audit.RESIDENT, "endorsements.named", TESTIMONIES, [testimony_id],
                      at=now, names=names)  # fmt: skip


def names(testimony_id: int) -> list[str]:
    """The names in force on a testimony, in the order given."""
    return list(
        db.session.scalars(
            select(Endorsement.name)
            .where(
                Endorsement.testimony_id == testimony_id,
                Endorsement.source == EndorsementSource.RESIDENT,
                Endorsement.withdrawn_at.is_(None),
            )
            .order_by(Endorsement.id)
        )
    )


def differ(testimony_id: int, given: Sequence[str]) -> bool:
    """Whether an amendment's names differ from those in force (order aside)."""
    return sorted(_checked(given)) != sorted(names(testimony_id))


def replace(testimony_id: int, given: Sequence[str], *, now: datetime) -> bool:
    """The names in force from now on, as amended; False when they are the same. Names taken
    off are kept as withdrawn; a name given again is put back in force, spelled as now."""
    wanted = {name_key(name): name for name in _checked(given)}
    rows = db.session.scalars(
        select(Endorsement).where(
            Endorsement.testimony_id == testimony_id,
            Endorsement.source == EndorsementSource.RESIDENT,
        )
    ).all()
    by_key = {row.name_key: row for row in rows}
    changed = False
    for row in rows:
        if row.name_key not in wanted and row.withdrawn_at is None:
            row.withdrawn_at, changed = now, True
        elif row.name_key in wanted and (row.withdrawn_at or row.name != wanted[row.name_key]):
            row.withdrawn_at, row.name, changed = None, wanted[row.name_key], True
    added = [name for key, name in wanted.items() if key not in by_key]
    if added:
        db.session.add_all(Endorsement(**_row(testimony_id, name, now)) for name in added)
        changed = True
    if changed:
        db.session.flush()
        audit.record_each(audit.RESIDENT, "endorsements.named", TESTIMONIES, [testimony_id],
                          at=now, names=list(wanted.values()))  # fmt: skip
    return changed
