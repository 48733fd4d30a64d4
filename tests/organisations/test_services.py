"""Registering, changing and archiving organisations; issuing and revoking their keys: each
audited, each refusal specific and changing nothing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import StaffUser
from app.organisations import services
from app.organisations.errors import (
    InvalidContactEmail,
    InvalidKeyDetails,
    InvalidWebsite,
    KeyAlreadyIssued,
    KeyAlreadyRevoked,
    MissingName,
    NameTaken,
    NotWhileArchived,
)
from app.organisations.models import ApiKey, ApiScope, KeyStatus, Organisation
from app.organisations.services import OrganisationDetails
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from tests.factories import make_admin, make_api_key, make_body, make_organisation, run_threads

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
TIMEOUT = 10
DETAILS = OrganisationDetails(
    name="Digital Fourth", contact_email="Info@Digital4th.example", website="https://d4.example"
)


def _events(action: str) -> list[AuditEvent]:
    return list(
        _db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def _count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


# Organisations.


def test_registering_an_organisation_records_who_and_when(db):
    admin = make_admin()
    organisation = services.register_organisation(admin, DETAILS, now=NOW)
    assert organisation.name == "Digital Fourth"
    assert organisation.contact_email == "info@digital4th.example"  # normalised
    assert organisation.website == "https://d4.example"
    assert (organisation.created_at, organisation.created_by_id) == (NOW, admin.id)
    [event] = _events("organisation.registered")
    assert (event.actor, event.subject_id) == (admin.audit_name, organisation.id)


@pytest.mark.parametrize("name", ["digital fourth", "DIGITAL FOURTH", "  Digital   Fourth "])
def test_names_are_unique_whatever_the_case_and_spacing(db, name):
    admin = make_admin()
    services.register_organisation(admin, DETAILS, now=NOW)
    with pytest.raises(NameTaken):
        services.register_organisation(
            admin, OrganisationDetails(name=name, contact_email="x@example.org"), now=NOW
        )
    assert _count(Organisation) == 1


@pytest.mark.parametrize(
    ("details", "error"),
    [
        (OrganisationDetails("Name", "not an address"), InvalidContactEmail),
        (OrganisationDetails("Name", "a@example.org", "javascript:alert(1)"), InvalidWebsite),
        (OrganisationDetails("Name", "a@example.org", "ftp://example.org"), InvalidWebsite),
        (OrganisationDetails("Name", "a@example.org", "https://"), InvalidWebsite),
        (OrganisationDetails("   ", "a@example.org"), MissingName),
    ],
)
def test_bad_details_are_refused(db, details, error):
    with pytest.raises(error):
        services.register_organisation(make_admin(), details, now=NOW)
    assert _count(Organisation) == 0


def test_updating_records_which_fields_changed_but_not_their_values(db):
    admin = make_admin()
    organisation = make_organisation(name="Old Name")
    services.update_organisation(
        admin,
        organisation,
        OrganisationDetails("New Name", "new@example.org", None),
        now=NOW,
    )
    assert (organisation.name, organisation.website) == ("New Name", None)
    [event] = _events("organisation.updated")
    assert event.data == {"changed": ["contact_email", "name", "website"]}
    # Saved unchanged: nothing recorded.
    services.update_organisation(
        admin, organisation, OrganisationDetails("New Name", "new@example.org"), now=NOW
    )
    assert len(_events("organisation.updated")) == 1


def test_renaming_onto_another_organisations_name_is_refused(db):
    make_organisation(name="First")
    second = make_organisation(name="Second")
    with pytest.raises(NameTaken):
        services.update_organisation(
            make_admin(), second, OrganisationDetails("FIRST", "x@example.org"), now=NOW
        )


def test_archiving_revokes_every_working_key_and_refuses_changes(db):
    admin = make_admin()
    organisation = make_organisation()
    working = make_api_key(organisation, now=NOW).key
    earlier = make_api_key(organisation, now=NOW).key
    services.revoke_key(admin, earlier, now=NOW)
    assert services.archive_organisation(admin, organisation, now=NOW + timedelta(hours=1)) == 1
    _db.session.expire_all()
    assert organisation.is_archived
    assert working.revoked_at == NOW + timedelta(hours=1)
    assert working.revoked_by_id == admin.id
    assert earlier.revoked_at == NOW  # its own revocation stands
    revoked = _events("api_key.revoked")
    assert [(e.subject_id, e.data["reason"]) for e in revoked] == [
        (earlier.id, "revoked"),
        (working.id, "organisation_archived"),
    ]
    assert _events("organisation.archived")[0].data == {"keys_revoked": 1}
    with pytest.raises(NotWhileArchived):
        services.archive_organisation(admin, organisation, now=NOW)
    with pytest.raises(NotWhileArchived):
        services.update_organisation(admin, organisation, DETAILS, now=NOW)
    with pytest.raises(NotWhileArchived):
        make_api_key(organisation, now=NOW)


# Keys.


def test_issuing_a_key_stores_its_hash_and_returns_the_key_once(db):
    admin = make_admin()
    body = make_body()
    issued = services.issue_key(
        admin,
        make_organisation(),
        label="Campaign site",
        scopes=[ApiScope.SUBMIT_TESTIMONY],
        bodies=[body],
        expires_at=NOW + timedelta(days=90),
        now=NOW,
    )
    key = issued.key
    assert issued.plaintext.startswith(f"otk_{key.prefix}_")
    assert key.key_hash != issued.plaintext and issued.plaintext not in key.key_hash
    assert key.scopes == {ApiScope.SUBMIT_TESTIMONY}
    assert [b.id for b in key.bodies] == [body.id]
    assert key.items_per_hour == 5000  # the configured default
    assert key.status(NOW) is KeyStatus.ACTIVE
    assert key.last_used_at is None
    [event] = _events("api_key.issued")
    assert event.actor == admin.audit_name
    assert event.data["prefix"] == key.prefix
    assert event.data["scopes"] == ["submit_testimony"]
    assert issued.plaintext not in str(event.data)


def test_the_default_limit_comes_from_configuration(db, config):
    config["API_KEY_ITEMS_PER_HOUR"] = 250
    assert make_api_key(now=NOW).key.items_per_hour == 250
    assert make_api_key(now=NOW, items_per_hour=10).key.items_per_hour == 10


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"scopes": ()}, "Choose at least one thing"),
        ({"label": "  "}, "Enter a label"),
        ({"expires_at": NOW}, "in the future"),
        ({"expires_at": NOW + timedelta(days=365, seconds=1)}, "at most a year"),
        ({"items_per_hour": 0}, "between 1 and"),
        ({"items_per_hour": 100_001}, "between 1 and"),
    ],
)
def test_a_key_asked_for_wrongly_is_refused_with_the_reason(db, changes, message):
    with pytest.raises(InvalidKeyDetails, match=message):
        make_api_key(now=NOW, **changes)
    assert _count(ApiKey) == 0


def test_a_key_without_bodies_is_refused(db):
    organisation = make_organisation()
    with pytest.raises(InvalidKeyDetails, match="at least one body"):
        services.issue_key(
            make_admin(),
            organisation,
            label="x",
            scopes=[ApiScope.SUBMIT_TESTIMONY],
            bodies=[],
            expires_at=NOW + timedelta(days=1),
            now=NOW,
        )


def test_a_year_is_the_longest_a_key_may_live(db):
    key = make_api_key(now=NOW, expires_at=NOW + timedelta(days=365)).key
    assert key.expires_at == NOW + timedelta(days=365)


def test_the_same_form_sent_twice_issues_one_key(db):
    organisation = make_organisation()
    first = make_api_key(organisation, now=NOW, form_key="f" * 32)
    with pytest.raises(KeyAlreadyIssued) as refused:
        make_api_key(organisation, now=NOW, form_key="f" * 32)
    assert refused.value.key.id == first.key.id
    assert first.key.prefix in str(refused.value)
    assert _count(ApiKey) == 1
    assert len(_events("api_key.issued")) == 1


def test_revoking_records_who_and_refuses_a_second_time(db):
    admin = make_admin()
    key = make_api_key(now=NOW).key
    services.revoke_key(admin, key, now=NOW + timedelta(days=1))
    assert (key.revoked_at, key.revoked_by_id) == (NOW + timedelta(days=1), admin.id)
    assert key.status(NOW + timedelta(days=1)) is KeyStatus.REVOKED
    with pytest.raises(KeyAlreadyRevoked):
        services.revoke_key(make_admin(), key, now=NOW + timedelta(days=2))
    _db.session.expire_all()
    assert key.revoked_by_id == admin.id
    assert len(_events("api_key.revoked")) == 1


def test_a_key_expires_at_its_time(db):
    key = make_api_key(now=NOW, expires_at=NOW + timedelta(days=30)).key
    assert key.status(NOW + timedelta(days=30, seconds=-1)) is KeyStatus.ACTIVE
    assert key.status(NOW + timedelta(days=30)) is KeyStatus.EXPIRED


# At the same moment.


def _in_thread(app, work, start: threading.Barrier):
    """Run `work` in a fresh application context (its own session), as soon as the other
    thread is ready too: its result or its error."""
    start.wait()
    with app.app_context():
        try:
            result = work()
        except (KeyAlreadyRevoked, KeyAlreadyIssued) as error:
            _db.session.rollback()
            return error
        _db.session.commit()
        return result


def test_two_admins_revoking_at_once_one_revokes_and_the_other_is_told(app, db):
    key_id = make_api_key(now=NOW).key.id
    admins = [make_admin().id, make_admin().id]
    db.session.commit()
    start = threading.Barrier(2, timeout=TIMEOUT)

    def revoke(admin_id):
        def work():
            key = _db.session.get(ApiKey, key_id)
            admin = _db.session.get(StaffUser, admin_id)
            services.revoke_key(admin, key, now=NOW)
            return admin_id

        return lambda: _in_thread(app, work, start)

    results = run_threads(*(revoke(a) for a in admins), join_seconds=TIMEOUT * 2)
    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 1
    assert sum(isinstance(r, KeyAlreadyRevoked) for r in results) == 1
    db.session.expire_all()
    assert db.session.get(ApiKey, key_id).revoked_by_id == winners[0]
    assert len(_events("api_key.revoked")) == 1


def test_the_same_issuing_form_sent_twice_at_once_issues_one_key(app, db):
    organisation_id, body_id = make_organisation().id, make_body().id
    admin_id = make_admin().id
    db.session.commit()
    start = threading.Barrier(2, timeout=TIMEOUT)

    def issue():
        def work():
            from app.hearings.models import Body

            organisation = _db.session.get(Organisation, organisation_id)
            body = _db.session.get(Body, body_id)
            admin = _db.session.get(StaffUser, admin_id)
            return services.issue_key(
                admin,
                organisation,
                label="Twice",
                scopes=[ApiScope.SUBMIT_TESTIMONY],
                bodies=[body],
                expires_at=NOW + timedelta(days=90),
                form_key="same-form-key-0123456789",
                now=NOW,
            ).key.id

        return lambda: _in_thread(app, work, start)

    results = run_threads(issue(), issue(), join_seconds=TIMEOUT * 2)
    issued = [r for r in results if isinstance(r, int)]
    assert len(issued) == 1
    refused = [r for r in results if isinstance(r, KeyAlreadyIssued)]
    assert [r.key_id for r in refused] == issued
    assert _count(ApiKey) == 1


def test_a_name_that_grows_when_case_folded_is_registered(db):
    """ "ß" folds to "ss": a 200-character name has a 400-character key."""
    from app.organisations.models import Organisation

    organisation = make_organisation(name="ß" * 200)
    db.session.commit()

    assert len(db.session.get(Organisation, organisation.id).name_key) == 400
