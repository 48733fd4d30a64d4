"""Recovery codes called directly: their shape, what is stored, single use (also when two
sign-ins race with one code, on each database), replacement and removal."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.accounts import recovery_codes, services
from app.accounts.models import RecoveryCode, StaffUser
from app.platform.audit import AuditEvent
from app.platform.database import reading
from app.platform.extensions import db as _db
from tests.factories import give_totp, make_admin, make_staff_user, run_threads

NOW = datetime(2025, 3, 10, 15, 0, 7, tzinfo=UTC)
ADDRESS = "192.0.2.7"


def _events(action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(_db.session.scalars(query))


def _rows(user) -> list[RecoveryCode]:
    _db.session.expire_all()
    return list(_db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)))


def test_a_new_set_is_ten_distinct_readable_codes(db):
    user = make_staff_user()
    codes = recovery_codes.replace_codes(user.audit_name, user, now=NOW)
    assert len(codes) == len(set(codes)) == 10
    for code in codes:
        assert len(code) == 14 and code[4] == code[9] == "-"
        assert set(code.replace("-", "")) <= set(recovery_codes.ALPHABET)
    assert recovery_codes.remaining(user) == 10


def test_only_salted_keyed_hashes_are_stored(db):
    user = make_staff_user()
    codes = recovery_codes.replace_codes(user.audit_name, user, now=NOW)
    rows = _rows(user)
    stored = json.dumps([[r.salt, r.code_hash] for r in rows])
    for code in codes:
        assert code not in stored and code.replace("-", "") not in stored
    assert len({r.salt for r in rows}) == 10
    [event] = _events("staff.recovery_codes_generated")
    assert event.data == {"count": 10, "replaced": 0}
    assert not any(code in json.dumps(event.data) for code in codes)


@pytest.mark.parametrize(
    "typed",
    [
        lambda c: c,
        lambda c: c.upper(),
        lambda c: c.replace("-", ""),
        lambda c: c.replace("-", " "),
        lambda c: "  " + c.replace("-", " - ").upper() + " ",
        lambda c: c.replace("-", "\u2013"),
    ],
)
def test_a_code_is_accepted_whatever_its_case_spaces_and_dashes(db, typed):
    user = make_staff_user()
    code = recovery_codes.replace_codes(user.audit_name, user, now=NOW)[3]
    assert recovery_codes.use_code(user, typed(code), now=NOW, address=ADDRESS) == 9


def test_letters_that_look_like_digits_are_read_as_the_digits():
    assert recovery_codes.normalise("OIL0-abcd-efgh") == "0110abcdefgh"
    assert recovery_codes.normalise("uuuu-abcd-efgh") is None  # U is not in the alphabet
    for junk in ["", "12345678901", "1234567890123", "abcd-efgh-jk!m", "\x00" * 12]:
        assert recovery_codes.normalise(junk) is None


def test_each_code_works_once_and_is_audited(db):
    user = make_staff_user()
    codes = recovery_codes.replace_codes(user.audit_name, user, now=NOW)
    assert recovery_codes.use_code(user, codes[0], now=NOW, address=ADDRESS) == 9
    assert recovery_codes.use_code(user, codes[0], now=NOW, address=ADDRESS) is None
    assert recovery_codes.use_code(user, codes[1], now=NOW, address=ADDRESS) == 8
    assert recovery_codes.remaining(user) == 8
    events = _events("login.recovery_code_used")
    assert [e.data for e in events] == [
        {"address": ADDRESS, "remaining": 9},
        {"address": ADDRESS, "remaining": 8},
    ]
    assert all(e.actor == user.audit_name and e.subject_id == user.id for e in events)


def test_a_code_of_another_user_is_refused(db):
    owner, other = make_staff_user(), make_staff_user()
    code = recovery_codes.replace_codes(owner.audit_name, owner, now=NOW)[0]
    recovery_codes.replace_codes(other.audit_name, other, now=NOW)
    assert recovery_codes.use_code(other, code, now=NOW, address=ADDRESS) is None
    assert recovery_codes.remaining(other) == 10
    assert recovery_codes.remaining(owner) == 10


def test_a_new_set_ends_the_old_one(db):
    user = make_staff_user()
    old = recovery_codes.replace_codes(user.audit_name, user, now=NOW)
    recovery_codes.use_code(user, old[0], now=NOW, address=ADDRESS)
    new = recovery_codes.replace_codes(user.audit_name, user, now=NOW)
    assert not set(old) & set(new)
    assert recovery_codes.use_code(user, old[1], now=NOW, address=ADDRESS) is None
    assert recovery_codes.remaining(user) == 10
    assert _events("staff.recovery_codes_generated")[-1].data == {"count": 10, "replaced": 10}


def test_turning_the_second_factor_off_or_an_admin_reset_deletes_the_codes(db):
    admin = make_admin()
    user, other = make_staff_user(), make_staff_user()
    for person in (user, other):
        give_totp(person)
        recovery_codes.replace_codes(person.audit_name, person, now=NOW)
    services.disable_totp(user, now=NOW)
    assert _rows(user) == []
    services.reset_totp(admin.audit_name, other, now=NOW)
    assert _rows(other) == []
    events = _events("staff.recovery_codes_deleted")
    assert [(e.actor, e.subject_id, e.data) for e in events] == [
        (user.audit_name, user.id, {"count": 10, "reason": "second_factor_off"}),
        (admin.audit_name, other.id, {"count": 10, "reason": "second_factor_reset"}),
    ]


def test_regenerating_needs_the_password_or_a_current_code(db):
    import pyotp

    user = make_staff_user()
    secret = give_totp(user)
    first = recovery_codes.replace_codes(user.audit_name, user, now=NOW)
    for wrong in ["not my password", "000000" if pyotp.TOTP(secret).at(NOW) != "000000" else "1"]:
        with pytest.raises(services.NotConfirmed):
            services.regenerate_recovery_codes(user, wrong, now=NOW)
    assert recovery_codes.find_code(user, first[0]) is not None
    from tests.factories import STAFF_PASSWORD

    by_password = services.regenerate_recovery_codes(user, STAFF_PASSWORD, now=NOW)
    by_code = services.regenerate_recovery_codes(user, pyotp.TOTP(secret).at(NOW), now=NOW)
    assert len(by_password) == len(by_code) == 10
    # The authenticator code was used up by confirming: it cannot confirm twice.
    with pytest.raises(services.NotConfirmed):
        services.regenerate_recovery_codes(user, pyotp.TOTP(secret).at(NOW), now=NOW)
    assert recovery_codes.find_code(user, by_password[0]) is None
    assert recovery_codes.find_code(user, by_code[0]) is not None


def test_the_code_step_takes_either_kind_of_code(db):
    import pyotp

    user = make_staff_user()
    secret = give_totp(user)
    code = recovery_codes.replace_codes(user.audit_name, user, now=NOW)[0]
    by_app = services.verify_second_factor(
        user, pyotp.TOTP(secret).at(NOW), now=NOW, address=ADDRESS
    )
    assert by_app == services.SecondFactorUsed(recovery_code=False)
    by_code = services.verify_second_factor(user, code.upper(), now=NOW, address=ADDRESS)
    assert by_code == services.SecondFactorUsed(recovery_code=True, remaining=9)
    assert services.verify_second_factor(user, code, now=NOW, address=ADDRESS) is None


def _in_own_context(app, work):
    """Run `work` as another request would: its own application context and connection."""

    def run():
        with app.app_context():
            try:
                return work()
            finally:
                _db.session.remove()

    return run


def test_two_sign_ins_racing_with_one_code_let_exactly_one_in(app, db):
    """Both find the code unused, then both try to use it: on each database the conditional
    UPDATE lets one through and refuses the other, even though both read it as unused."""
    user = make_staff_user()
    give_totp(user)
    code = recovery_codes.replace_codes(user.audit_name, user, now=NOW)[5]
    user_id = user.id
    db.session.commit()  # and read nothing more here: on SQLite that would take the lock
    both_found = threading.Barrier(2, timeout=10)

    def sign_in():
        # Read as a page would (alongside SQLite's writer), then write: the claim itself
        # switches to writing, as in a request.
        with reading():
            person = _db.session.get(StaffUser, user_id)
            found = recovery_codes.find_code(person, code)
            both_found.wait()
            left = recovery_codes.claim_code(person, found, now=NOW, address=ADDRESS)
        _db.session.commit()
        return found is not None, left

    results = run_threads(
        _in_own_context(app, sign_in), _in_own_context(app, sign_in), join_seconds=20
    )
    assert [found for found, _left in results] == [True, True]
    assert sorted(results, key=lambda r: r[1] is None) == [(True, 9), (True, None)]
    db.session.expire_all()
    used = db.session.scalar(
        select(func.count(RecoveryCode.id)).where(RecoveryCode.used_at.is_not(None))
    )
    assert used == 1
    assert len(_events("login.recovery_code_used")) == 1
