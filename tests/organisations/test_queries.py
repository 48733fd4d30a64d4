"""What the admin pages list: each organisation once, working ones first, with its keys
counted (working ones apart); an organisation's keys newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.organisations import queries, services
from tests.factories import make_admin, make_api_key, make_organisation

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def test_organisations_are_listed_with_working_and_all_keys_counted(db):
    admin = make_admin()
    busy = make_organisation(name="busy Group")
    make_api_key(busy, now=NOW)
    make_api_key(busy, now=NOW - timedelta(days=60), expires_at=NOW - timedelta(days=1))
    services.revoke_key(admin, make_api_key(busy, now=NOW).key, now=NOW)
    archived = make_organisation(name="Archived Alliance")
    make_api_key(archived, now=NOW)
    services.archive_organisation(admin, archived, now=NOW)
    make_organisation(name="Another Coalition")
    rows = queries.organisations(NOW)
    assert [(r.organisation.name, r.active_keys, r.all_keys) for r in rows] == [
        ("Another Coalition", 0, 0),
        ("busy Group", 1, 3),
        ("Archived Alliance", 0, 1),
    ]


def test_an_organisations_keys_come_newest_first(db):
    organisation = make_organisation()
    first = make_api_key(organisation, now=NOW).key
    second = make_api_key(organisation, now=NOW).key
    make_api_key(now=NOW)  # another organisation's
    assert [key.id for key in queries.keys_of(organisation)] == [second.id, first.id]
