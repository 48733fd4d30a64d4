"""Shared by the benchmarks that bulk-load testimony."""

from __future__ import annotations

from sqlalchemy import text

from app.platform.extensions import db


def count_into_tallies(hearing_id: int) -> None:
    """Bulk inserts bypass the ORM, so count them into the tallies the way the migration does."""
    db.session.execute(
        text(
            "INSERT INTO review_tallies (hearing_id, status, position, reason, count) "
            "SELECT hearing_id, status, position, COALESCE(rejection_reason, ''), COUNT(*) "
            "FROM testimonies WHERE hearing_id = :h "
            "GROUP BY hearing_id, status, position, COALESCE(rejection_reason, '')"
        ),
        {"h": hearing_id},
    )
