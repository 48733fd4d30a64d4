"""Naming the audit log's actors and subjects: names and tracking numbers, never residents'
addresses, a query per kind of subject, and words for rows that are gone."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import delete, event, select

from app.accounts import services as accounts
from app.accounts.models import Role, StaffUser
from app.endorsements.models import Endorsement
from app.exports import services as exports
from app.exports.models import PacketKind
from app.following.models import Follow
from app.platform import jobs
from app.platform.audit_subjects import (
    Named,
    gone,
    name_actors,
    name_subjects,
    subject_of,
)
from app.platform.timezones import utcnow
from app.speaking import services as speaking
from app.testimony.models import SpeakingRequest, Testimony
from tests.factories import (
    make_api_key,
    make_body,
    make_committee,
    make_committee_action,
    make_follower,
    make_hearing,
    make_sign_in,
    make_staff_user,
    make_testimony,
)


@contextmanager
def counted(db):
    """Count the statements sent to the database inside the block."""
    statements = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


@pytest.fixture
def world(db):
    """One row of every kind the log names, on a hearing of a body in Chicago."""
    body = make_body(name="Chicago City Council", timezone="America/Chicago")
    hearing = make_hearing(committee=make_committee(body, name="Committee on Finance"))
    hearing.title = "Hearing on license plate readers"
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk", email="casey@example.gov")
    letter = "Please ban license plate readers in our neighbourhoods."
    first = make_testimony(
        hearing,
        body=letter,
        email="rosa.delgado@example.org",
        street_address="12 Example Street",
        endorsed_by=("Digital Fourth",),
        speaking_request=SpeakingRequest.IN_PERSON,
    ).testimony
    make_testimony(hearing, body=letter)
    speaking.refresh(clerk, hearing, now=utcnow())
    sign_in = make_sign_in(hearing, email="lan@example.org")
    packet = exports.export_testimony(clerk, hearing, PacketKind.TESTIMONY_CSV, now=utcnow())
    action = make_committee_action(hearing.measures[0], recorded_by=clerk)
    key = make_api_key(issued_by=clerk, label="Petition site").key
    follower = make_follower(hearing, email="follower@example.org")
    job = jobs.enqueue("test.nothing", {"n": 1})
    policy = accounts.set_policy(clerk.audit_name, require_totp=False, now=utcnow())
    db.session.commit()
    return {
        "staff_users": clerk.id,
        "staff_policies": policy.id,
        "testimonies": first.id,
        "sign_ins": sign_in.sign_in_id,
        "hearings": hearing.id,
        "campaigns": first.campaign_id,
        "bodies": body.id,
        "committees": hearing.committee_id,
        "measures": hearing.measures[0].id,
        "committee_actions": action.id,
        "organisations": key.organisation_id,
        "api_keys": key.id,
        "packets": packet.id,
        "speakers": speaking.speakers(hearing)[0].id,
        "endorsements": db.session.scalar(select(Endorsement.id)),
        "follows": db.session.scalar(select(Follow.id).where(Follow.follower_id == follower.id)),
        "followers": follower.id,
        "jobs": job,
    }


def test_every_kind_is_named_in_words_with_its_link_and_zone(app, db, world):
    with app.test_request_context():
        named = name_subjects(world.items())
    text = {table: named[(table, id_)].text for table, id_ in world.items()}
    testimony = db.session.get(Testimony, world["testimonies"])
    number = testimony.tracking_number
    assert text["staff_users"] == "Casey Clerk"
    assert named[("staff_users", world["staff_users"])].role == "Clerk"
    assert named[("staff_users", world["staff_users"])].email == "casey@example.gov"
    assert text["staff_policies"] == "Staff sign-in policy"
    assert text["testimonies"] == f"Testimony {number}"
    assert text["sign_ins"].startswith("Sign-in OS-")
    assert text["hearings"] == "Hearing “Hearing on license plate readers”"
    assert text["campaigns"] == (
        f"Campaign C-{world['campaigns']} on “Hearing on license plate readers”"
    )
    assert text["bodies"] == "Chicago City Council"
    assert text["committees"] == "Committee on Finance"
    assert text["measures"].startswith("Measure Docket #")
    assert text["committee_actions"].startswith("Committee action on Docket #")
    assert text["organisations"].startswith("Digital Rights Watch")
    assert text["api_keys"].startswith("API key “Petition site” of Digital Rights Watch")
    assert text["packets"] == (
        f"Export #{world['packets']} (testimony csv) of “Hearing on license plate readers”"
    )
    assert text["speakers"] == f"Speaker for {number} on “Hearing on license plate readers”"
    assert text["endorsements"] == f"Endorsement by Digital Fourth of {number}"
    assert text["follows"] == f"Follow #{world['follows']} (a hearing)"
    assert text["followers"] == f"Follower #{world['followers']}"
    assert text["jobs"] == f"Background job #{world['jobs']} (test.nothing)"

    subject = named[("testimonies", world["testimonies"])]
    assert subject.tracking_number == number
    assert (subject.endpoint, subject.link_args) == (
        "moderation.review",
        {"testimony_id": world["testimonies"]},
    )
    speaker = named[("speakers", world["speakers"])]
    assert speaker.link_args == {"hearing_id": world["hearings"], "speaker_id": world["speakers"]}
    assert speaker.tracking_number == number
    # What belongs to a body is shown in its zone; the rest in the site's.
    for table in ["testimonies", "sign_ins", "hearings", "campaigns", "bodies", "committees",
                  "measures", "committee_actions", "packets", "speakers"]:  # fmt: skip
        assert named[(table, world[table])].timezone == "America/Chicago", table
    assert named[("staff_users", world["staff_users"])].timezone is None
    # Every link leads to a real page.
    with app.test_request_context():
        from flask import url_for

        for item in named.values():
            if item.endpoint:
                url_for(item.endpoint, **item.link_args)


def test_residents_addresses_never_appear(app, db, world):
    with app.test_request_context():
        named = name_subjects(world.items())
    words = " ".join(f"{n.text} {n.email}" for n in named.values() if n.role == "")
    for secret in ["rosa.delgado@example.org", "12 Example Street", "lan@example.org",
                   "follower@example.org", "Rosa", "Denise Okafor"]:  # fmt: skip
        assert secret not in words


def test_one_query_per_kind_however_many_rows(app, db, world):
    hearing = db.session.get(Testimony, world["testimonies"]).hearing
    more = [make_testimony(hearing).testimony.id for _ in range(6)]
    hearing_id = hearing.id
    db.session.commit()
    with app.test_request_context():
        with counted(db) as few:
            name_subjects([("testimonies", world["testimonies"]), ("hearings", hearing_id)])
        refs = [("testimonies", id_) for id_ in more] + [("hearings", hearing_id)]
        with counted(db) as many:
            named = name_subjects(refs)
    assert len(few) == len(many) == 2
    assert all(named[ref].text.startswith("Testimony OT-") for ref in refs[:-1])


def test_rows_that_are_gone_still_read_as_words(app, db, world):
    ghost = make_staff_user(name="Gone Person")
    db.session.commit()
    ghost_id = ghost.id
    db.session.execute(delete(StaffUser).where(StaffUser.id == ghost_id))
    db.session.commit()
    refs = [("staff_users", ghost_id), ("testimonies", 999_999), ("campaigns", 4242),
            ("hearings", 77_777), ("outbox_messages", 3), ("no_such_table", 5)]  # fmt: skip
    with app.test_request_context():
        named = name_subjects(refs)
        actors = name_actors([f"user:{ghost_id}", "api_key:88888"])
    assert [named[ref].text for ref in refs] == [
        f"Former staff member #{ghost_id}",
        "Testimony #999999 (deleted)",
        "Campaign C-4242 (dissolved)",
        "Hearing #77777 (deleted)",
        "Outbox messages #3",
        "No such table #5",
    ]
    assert all(named[ref].endpoint is None for ref in refs)
    assert actors[f"user:{ghost_id}"].text == f"Former staff member #{ghost_id}"
    assert actors["api_key:88888"].text == "API key #88888 (deleted)"
    with app.test_request_context():
        assert gone("jobs", 3).text == "Background job #3 (finished and removed)"


def test_erased_contact_details_are_said(app, db, world):
    from app import retention

    testimony = db.session.get(Testimony, world["testimonies"])
    number = testimony.tracking_number
    body = testimony.hearing.committee.body
    body.retention_days = 1
    hearing = testimony.hearing
    hearing.starts_at = hearing.testimony_closes_at = utcnow().replace(year=2020)
    hearing.testimony_opens_at = hearing.starts_at.replace(month=1, day=1)
    hearing.speaker_signup_closes_at = None
    db.session.flush()
    retention.apply(now=utcnow())
    db.session.commit()
    with app.test_request_context():
        named = name_subjects([("testimonies", testimony.id)])
    assert named[("testimonies", testimony.id)].text == (
        f"Testimony {number} (contact details erased)"
    )
    assert named[("testimonies", testimony.id)].tracking_number == number


def test_actors_in_words(app, db, world):
    clerk = db.session.get(StaffUser, world["staff_users"])
    clerk.active = False
    db.session.commit()
    actors = [clerk.audit_name, f"api_key:{world['api_keys']}", "resident", "system",
              "anonymous", "kiosk", "user:abc", "something else"]  # fmt: skip
    with app.test_request_context():
        named = name_actors(actors)
    assert named[clerk.audit_name] == Named(
        "Casey Clerk (deactivated)",
        endpoint="staff_admin.edit_user",
        args=(("user_id", clerk.id),),
        role="Clerk",
        email="casey@example.gov",
    )
    assert named[f"api_key:{world['api_keys']}"].text.startswith("API key “Petition site”")
    assert [named[a].text for a in actors[2:]] == [
        "Resident",
        "System",
        "Not signed in",
        "Walk-in kiosk",
        "user:abc",
        "something else",
    ]


def test_events_about_no_row_are_about_the_row_their_details_name():
    assert subject_of("testimonies", 5, {"hearing_id": 2}) == ("testimonies", 5)
    assert subject_of(None, None, {"user_id": 4, "address": "x"}) == ("staff_users", 4)
    assert subject_of(None, None, {"hearing_id": 9, "decided": 3}) == ("hearings", 9)
    assert subject_of(None, None, {"campaign_id": 12}) == ("campaigns", 12)
    assert subject_of(None, None, {"user_id": None}) is None
    assert subject_of(None, None, {"user_id": True}) is None
    assert subject_of(None, None, None) is None
