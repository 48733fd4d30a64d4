"""The moderators' sign-in tab: listing, filtering, deciding many at once, keeping a dispute."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import Role
from app.platform.timezones import utcnow
from app.signins import identity, tallies
from app.signins.models import SignIn, SignInStatus
from app.testimony.models import Position
from tests.factories import csrf_token_from, log_in, make_hearing, make_sign_in, make_staff_user


def tab(hearing) -> str:
    return f"/moderation/hearings/{hearing.id}/sign-ins"


def published(hearing) -> int:
    return sum(
        n for key, n in tallies.counts([hearing.id])[hearing.id].items() if key[2] == "published"
    )


def test_lists_and_filters_sign_ins(client, db):
    moderator = make_staff_user(Role.MODERATOR)
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    make_sign_in(hearing, full_name="Amal Haddad", positions=((first.id, Position.SUPPORT),))
    make_sign_in(
        hearing,
        full_name="Bao Tran",
        email="bao@example.org",
        positions=((second.id, Position.OPPOSE),),
    )
    db.session.commit()
    log_in(client, moderator)
    page = client.get(tab(hearing)).text
    assert "Amal Haddad" in page and "Bao Tran" in page
    page = client.get(tab(hearing), query_string={"position": "oppose"}).text
    assert "Bao Tran" in page and "Amal Haddad" not in page
    page = client.get(tab(hearing), query_string={"name": "AMAL"}).text
    assert "Amal Haddad" in page and "Bao Tran" not in page
    page = client.get(tab(hearing), query_string={"measure": str(first.id), "status": "nonsense"})
    assert page.status_code == 200 and "Amal Haddad" in page.text


def test_rejecting_the_ticked_ones_changes_only_those(client, db):
    moderator = make_staff_user(Role.MODERATOR)
    hearing = make_hearing()
    ids = [make_sign_in(hearing, email=f"s{n}@example.org").sign_in_id for n in range(3)]
    db.session.commit()
    log_in(client, moderator)
    page = client.get(tab(hearing)).text
    response = client.post(
        f"{tab(hearing)}/decide",
        data={
            "csrf_token": csrf_token_from(page),
            "scope": "selected",
            "action": "rejected",
            "reason": "spam",
            "ids": [str(ids[0]), str(ids[1])],
        },
    )
    assert response.status_code == 303
    statuses = dict(db.session.execute(select(SignIn.id, SignIn.status)).all())
    assert statuses == {
        ids[0]: SignInStatus.REJECTED,
        ids[1]: SignInStatus.REJECTED,
        ids[2]: SignInStatus.PUBLISHED,
    }
    assert published(hearing) == 1


def test_a_rejection_without_a_reason_changes_nothing(client, db):
    moderator = make_staff_user(Role.MODERATOR)
    hearing = make_hearing()
    receipt = make_sign_in(hearing)
    db.session.commit()
    log_in(client, moderator)
    page = client.get(tab(hearing)).text
    response = client.post(
        f"{tab(hearing)}/decide",
        data={
            "csrf_token": csrf_token_from(page),
            "action": "rejected",
            "ids": str(receipt.sign_in_id),
        },
        follow_redirects=True,
    )
    assert "Choose why these sign-ins are rejected." in response.text
    assert db.session.get(SignIn, receipt.sign_in_id).status is SignInStatus.PUBLISHED


def test_everything_matching_is_counted_first_then_only_those_counted(client, db):
    moderator = make_staff_user(Role.MODERATOR)
    hearing = make_hearing()
    hearing.committee.body.review_sign_ins = True
    for n in range(3):
        make_sign_in(hearing, email=f"m{n}@example.org")
    db.session.commit()
    log_in(client, moderator)
    page = client.get(tab(hearing)).text
    confirm = client.post(
        f"{tab(hearing)}/decide",
        data={
            "csrf_token": csrf_token_from(page),
            "scope": "filter",
            "action": "published",
            "f_status": "pending",
        },
    )
    assert confirm.status_code == 200
    assert "Apply this decision to 3 sign-ins?" in confirm.text
    # One more arrives while the moderator reads the count: it is left alone.
    late = make_sign_in(hearing, email="late@example.org")
    db.session.commit()
    upto = confirm.text.split('name="upto" value="')[1].split('"')[0]
    response = client.post(
        f"{tab(hearing)}/decide",
        data={
            "csrf_token": csrf_token_from(confirm.text),
            "scope": "filter",
            "action": "published",
            "confirmed": "yes",
            "upto": upto,
            "f_status": "pending",
        },
    )
    assert response.status_code == 303
    assert db.session.get(SignIn, late.sign_in_id).status is SignInStatus.PENDING
    assert published(hearing) == 3


def test_a_disputed_sign_in_can_be_counted_again(client, db):
    moderator = make_staff_user(Role.MODERATOR)
    hearing = make_hearing()
    receipt = make_sign_in(hearing)
    sign_in = db.session.get(SignIn, receipt.sign_in_id)
    identity.record(sign_in, identity.DISPUTE, now=utcnow())
    db.session.commit()
    assert published(hearing) == 0
    log_in(client, moderator)
    page = client.get(tab(hearing), query_string={"disputed": "yes"}).text
    assert "Sender disputed" in page
    response = client.post(
        f"/moderation/sign-ins/{sign_in.id}/keep", data={"csrf_token": csrf_token_from(page)}
    )
    assert response.status_code == 303
    assert published(hearing) == 1


def test_throwaway_and_repeated_addresses_are_marked(client, db):
    moderator = make_staff_user(Role.MODERATOR)
    hearing = make_hearing()
    make_sign_in(hearing, full_name="Once Only", email="once@example.org")
    make_sign_in(hearing, full_name="Twice A", email="twice@example.org")
    make_sign_in(hearing, full_name="Twice B", email="TWICE@example.org")
    make_sign_in(hearing, full_name="Throwaway", email="x@mailinator.com")
    db.session.commit()
    log_in(client, moderator)
    page = client.get(tab(hearing)).text
    rows = {
        name: row
        for row in page.split("<tr>")[2:]
        for name in ("Once Only", "Twice A", "Twice B", "Throwaway")
        if name in row
    }
    assert "Several from this sender" in rows["Twice A"] and "Several" in rows["Twice B"]
    assert "Throwaway e-mail address" in rows["Throwaway"]
    assert "Several" not in rows["Once Only"] and "Throwaway" not in rows["Once Only"]


def test_hostile_filters_and_cursors_get_the_page_not_an_error(client, db):
    """A NUL byte (PostgreSQL refuses it in text) or a cursor past the id column's range, as a
    crafted link could carry them, fall back to no filter and the first page."""
    moderator = make_staff_user(Role.MODERATOR)
    hearing = make_hearing()
    make_sign_in(hearing, full_name="Amal Haddad")
    db.session.commit()
    log_in(client, moderator)
    for query in (
        {"name": "Am\x00al"},
        {"name": "\u202e\U0001f600"},
        {"after": "9" * 10},
        {"measure": "\x00", "position": "\x00", "status": "\x00"},
    ):
        response = client.get(tab(hearing), query_string=query)
        assert response.status_code == 200, query
    assert "Amal Haddad" in client.get(tab(hearing), query_string={"after": "9" * 10}).text
