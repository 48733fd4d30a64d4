"""Sessions through the real pages: a staff member's own list, signing one browser out or all
the others, and an admin ending one or all of someone's sessions."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app.accounts import staff_sessions
from app.accounts.models import Role, StaffSession
from app.platform.audit import AuditEvent
from app.platform.timezones import local_time
from tests.factories import log_in, make_admin, make_staff_user, post_form

HOME = "/staff/"
LOGIN = "/staff/login"
ACCOUNT = "/staff/account"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)

pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


def _browser(app, user, agent=FIREFOX, address="203.0.113.77"):
    client = app.test_client()
    client.environ_base.update({"HTTP_USER_AGENT": agent, "REMOTE_ADDR": address})
    assert log_in(client, user).status_code == 303
    return client


def _is_sent_to_login(response) -> bool:
    return response.status_code == 302 and urlsplit(response.location).path == LOGIN


def _rows(db, user) -> list[StaffSession]:
    db.session.expire_all()
    query = select(StaffSession).where(StaffSession.user_id == user.id).order_by(StaffSession.id)
    return list(db.session.scalars(query))


def _events(db, action):
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def test_signing_in_records_a_session_with_coarse_facts(app, db):
    user = make_staff_user()
    db.session.commit()
    laptop = _browser(app, user)
    [row] = _rows(db, user)
    assert (row.browser, row.system, row.network) == ("Firefox", "Windows", "203.0.113.0/24")
    # The cookie holds the token, the table only its hash.
    with laptop.session_transaction() as session:
        token = session[staff_sessions.SESSION_KEY]
    assert row.token_hash == staff_sessions.hash_token(token)
    page = laptop.get(ACCOUNT).text
    assert "Firefox on Windows" in page and "203.0.113.0/24" in page
    assert "203.0.113.77" not in page
    assert "(this browser)" in page


def test_a_staff_member_signs_out_another_browser_of_theirs(app, db):
    user = make_staff_user()
    db.session.commit()
    laptop = _browser(app, user)
    phone = _browser(app, user, agent=SAFARI, address="2001:db8:1:2::3")
    page = laptop.get(ACCOUNT).text
    assert "Safari on iOS" in page and "2001:db8:1::/48" in page
    phone_id = next(r.id for r in _rows(db, user) if r.browser == "Safari")
    response = post_form(laptop, ACCOUNT, {}, to=f"/staff/account/sessions/{phone_id}/end")
    assert response.status_code == 303
    assert _is_sent_to_login(phone.get(HOME))
    assert laptop.get(HOME).status_code == 200
    [event] = _events(db, "staff.session_ended")
    assert (event.actor, event.data) == (user.audit_name, {"session": phone_id})


def test_signing_out_this_session_leaves_the_others(app, db):
    user = make_staff_user()
    db.session.commit()
    laptop, phone = _browser(app, user), _browser(app, user, agent=SAFARI)
    this = next(r for r in _rows(db, user) if r.browser == "Firefox")
    page = laptop.get(ACCOUNT).text
    assert "Sign out this session" in page
    response = post_form(laptop, ACCOUNT, {}, to=f"/staff/account/sessions/{this.id}/end")
    assert _is_sent_to_login(response) or urlsplit(response.location).path == LOGIN
    assert _is_sent_to_login(laptop.get(HOME))
    assert phone.get(HOME).status_code == 200


def test_sign_out_everywhere_else(app, db):
    user = make_staff_user()
    db.session.commit()
    laptop = _browser(app, user)
    others = [_browser(app, user, agent=SAFARI) for _ in range(2)]
    response = post_form(laptop, ACCOUNT, {}, to="/staff/account/sessions/end-others")
    assert response.status_code == 303
    assert "2 other sessions signed out." in laptop.get(ACCOUNT).text
    assert all(_is_sent_to_login(other.get(HOME)) for other in others)
    assert laptop.get(HOME).status_code == 200
    assert len(_rows(db, user)) == 1
    assert _events(db, "staff.sessions_ended")[-1].data["count"] == 2


def test_nobody_ends_someone_elses_session_from_their_own_account(app, db):
    user, victim = make_staff_user(), make_staff_user()
    db.session.commit()
    mine = _browser(app, user)
    theirs = _browser(app, victim)
    [victim_row] = _rows(db, victim)
    response = post_form(mine, ACCOUNT, {}, to=f"/staff/account/sessions/{victim_row.id}/end")
    assert response.status_code == 404
    assert theirs.get(HOME).status_code == 200
    assert _events(db, "staff.session_ended") == []


def test_an_admin_lists_and_ends_a_staff_members_sessions(app, db):
    admin = make_admin()
    user = make_staff_user(Role.CLERK)
    db.session.commit()
    admin_browser = _browser(app, admin)
    laptop, phone = _browser(app, user), _browser(app, user, agent=SAFARI)
    page = admin_browser.get(f"/staff/admin/users/{user.id}").text
    assert "Firefox on Windows" in page and "Safari on iOS" in page
    assert "Sign out of every session" in page
    laptop_id = next(r.id for r in _rows(db, user) if r.browser == "Firefox")
    user_page = f"/staff/admin/users/{user.id}"
    ended = post_form(admin_browser, user_page, {}, to=f"{user_page}/sessions/{laptop_id}/end")
    assert ended.status_code == 303
    assert _is_sent_to_login(laptop.get(HOME))
    assert phone.get(HOME).status_code == 200
    [event] = _events(db, "staff.session_ended")
    assert (event.actor, event.subject_id) == (admin.audit_name, user.id)
    # An ended session is gone from the list, and ending it again is a 404.
    assert "Firefox on Windows" not in admin_browser.get(user_page).text
    again = post_form(admin_browser, user_page, {}, to=f"{user_page}/sessions/{laptop_id}/end")
    assert again.status_code == 404

    everything = post_form(admin_browser, user_page, {}, to=f"{user_page}/sessions/end")
    assert everything.status_code == 303
    assert _is_sent_to_login(phone.get(HOME))
    assert _rows(db, user) == []
    assert _events(db, "staff.sessions_ended")[-1].data == {"count": 1, "reason": "all"}
    assert admin_browser.get(HOME).status_code == 200


def test_an_admin_cannot_end_a_session_through_another_users_page(app, db):
    admin = make_admin()
    user, other = make_staff_user(), make_staff_user()
    db.session.commit()
    admin_browser = _browser(app, admin)
    theirs = _browser(app, user)
    [row] = _rows(db, user)
    page = f"/staff/admin/users/{other.id}"
    response = post_form(admin_browser, page, {}, to=f"{page}/sessions/{row.id}/end")
    assert response.status_code == 404
    assert theirs.get(HOME).status_code == 200


def test_pages_do_not_write_the_last_seen_time_on_every_request(app, db):
    user = make_staff_user()
    db.session.commit()
    laptop = _browser(app, user)
    [before] = _rows(db, user)
    for _ in range(5):
        assert laptop.get(ACCOUNT).status_code == 200
    [after] = _rows(db, user)
    assert after.last_seen_at == before.last_seen_at
    # Once the interval has passed, the next page notes it.
    after.last_seen_at -= staff_sessions.TOUCH_INTERVAL * 2
    db.session.commit()
    stale = after.last_seen_at
    assert laptop.get(ACCOUNT).status_code == 200
    [touched] = _rows(db, user)
    assert touched.last_seen_at > stale
    assert db.session.scalar(select(func.count(StaffSession.id))) == 1


def test_session_rows_never_show_the_full_user_agent_or_address(app, db):
    user = make_staff_user()
    db.session.commit()
    odd = "<script>alert(1)</script> Firefox/121.0 Windows"
    laptop = _browser(app, user, agent=odd, address="198.51.100.200")
    page = laptop.get(ACCOUNT).text
    assert "<script>alert(1)</script>" not in page
    assert "198.51.100.200" not in page
    assert re.search(r"Firefox on Windows", page)


def test_session_times_are_in_the_sites_time_zone(app, db, config):
    config["DEFAULT_TIMEZONE"] = "Asia/Tokyo"
    user = make_staff_user()
    db.session.commit()
    laptop = _browser(app, user)
    [row] = _rows(db, user)
    page = laptop.get(ACCOUNT).text
    assert local_time(row.created_at, "Asia/Tokyo", "short") in page
    assert local_time(row.created_at, "America/New_York", "short") not in page
