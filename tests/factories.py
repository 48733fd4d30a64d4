"""Plain functions that build domain objects for tests; each flushes and returns the object."""

from __future__ import annotations

import csv
import html as html_lib
import io
import itertools
import re
import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient
from pypdf import PdfWriter
from sqlalchemy import func, select

from app.campaigns import placement
from app.hearings.languages import list_default_languages
from app.hearings.models import (
    Body,
    Committee,
    Hearing,
    InterpreterLanguage,
    Measure,
    MeasureKind,
)
from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.testimony import services
from app.testimony.models import Position, SpeakingRequest
from app.testimony.pdf_check import CheckedPdf
from app.testimony.submissions import Submission, Upload

# The Redis databases tests may empty (the `redis_db` and `redis_counters` fixtures).
REDIS_TEST_URL = "redis://127.0.0.1:6379/15"
REDIS_COUNTERS_URL = "redis://127.0.0.1:6379/14"


def make_body(*, languages: bool = True, **overrides) -> Body:
    """A body with the default list of interpreter languages, as every new body has
    (`languages=False`: an empty list)."""
    values = {
        "slug": f"body-{secrets.token_hex(4)}",
        "name": "Boston City Council",
        "jurisdiction": "City of Boston",
        "timezone": "America/New_York",
    }
    body = Body(**(values | overrides))
    db.session.add(body)
    db.session.flush()
    if languages:
        list_default_languages(body)
    return body


def make_interpreter_language(
    body: Body, code: str = "tlh", english: str = "Klingon", spanish: str = "Klingon", **overrides
) -> InterpreterLanguage:
    """One more language at the end of the body's list."""
    last = db.session.scalar(
        select(func.max(InterpreterLanguage.position)).filter_by(body_id=body.id)
    )
    values = {
        "body_id": body.id,
        "code": code,
        "names": {"en": english, "es": spanish},
        "position": 0 if last is None else last + 1,
    }
    language = InterpreterLanguage(**(values | overrides))
    db.session.add(language)
    db.session.flush()
    return language


def listed_language(body: Body, code: str) -> InterpreterLanguage:
    """The body's listed language with this code (from the default list: es, fr, ht, ...)."""
    return db.session.scalar(select(InterpreterLanguage).filter_by(body_id=body.id, code=code))


def make_committee(body: Body | None = None, **overrides) -> Committee:
    values = {
        "body": body or make_body(),
        "slug": f"committee-{secrets.token_hex(4)}",
        "name": "Committee on Government Operations",
    }
    committee = Committee(**(values | overrides))
    db.session.add(committee)
    db.session.flush()
    return committee


_MEASURE_NUMBERS = itertools.count(1000)


def make_measure(committee: Committee | None = None, **overrides) -> Measure:
    values = {
        "committee": committee or make_committee(),
        "kind": MeasureKind.ORDINANCE,
        # Unique within the run: random numbers met each other in a committee with many.
        "number": f"Docket #{next(_MEASURE_NUMBERS):04d}",
        "title": "Ordinance banning face surveillance in Boston",
        "summary": "Prohibits city use of face surveillance.",
        "official_url": "https://www.boston.gov/departments/city-council",
        "session": "2020",
    }
    measure = Measure(**(values | overrides))
    db.session.add(measure)
    db.session.flush()
    return measure


def make_hearing(*, measures: int = 1, now=None, **overrides) -> Hearing:
    """An open hearing by default: window opened a day ago, closes in a week."""
    now = now or utcnow()
    committee = overrides.pop("committee", None) or make_committee()
    values = {
        "committee": committee,
        "title": "Hearing on a ban of face surveillance",
        "description": "Public hearing.",
        "starts_at": now + timedelta(days=7),
        "location": "Iannella Chamber, Boston City Hall",
        "remote_url": "https://example.org/watch",
        "testimony_opens_at": now - timedelta(days=1),
        "testimony_closes_at": now + timedelta(days=7),
        "speaker_signup_closes_at": now + timedelta(days=6),
    }
    values |= overrides
    if "speaker_signup_closes_at" not in overrides:
        # Sign-up never closes after the hearing starts (a check on the table).
        values["speaker_signup_closes_at"] = min(
            values["speaker_signup_closes_at"], values["starts_at"]
        )
    if "measures" not in overrides:
        values["measures"] = [make_measure(committee) for _ in range(measures)]
    hearing = Hearing(**values)
    db.session.add(hearing)
    db.session.flush()
    return hearing


def make_committee_action(measure: Measure | None = None, *, recorded_by=None, **overrides):
    """A committee action on `measure` (sent to study yesterday), recorded by a new clerk."""
    from app.accounts.models import Role
    from app.hearings.actions import CommitteeAction, CommitteeActionKind

    measure = measure or make_measure()
    values = {
        "measure_id": measure.id,
        "kind": CommitteeActionKind.SENT_TO_STUDY,
        "taken_on": (utcnow() - timedelta(days=1)).date(),
        "note": "",
        "recorded_by_id": (recorded_by or make_staff_user(Role.CLERK)).id,
        "recorded_at": utcnow(),
    }
    action = CommitteeAction(**(values | overrides))
    db.session.add(action)
    db.session.flush()
    return action


def make_pdf(pages: int = 1, *, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_upload(name: str = "statement.pdf", pages: int = 1) -> Upload:
    return Upload(filename=name, pdf=CheckedPdf(data=make_pdf(pages), page_count=pages))


def make_submission(hearing: Hearing, **overrides) -> Submission:
    values = {
        "submission_key": secrets.token_urlsafe(24),
        "full_name": "Denise Okafor",
        "email": "denise@example.org",
        "street_address": "12 Example Street",
        "city": "Dorchester",
        "zip_code": "02124",
        "organization": None,
        "speaks_for_organization": False,
        "measure_id": hearing.measures[0].id,
        "position": Position.SUPPORT,
        "body": "I support the ban on face surveillance.",
        "speaking_request": SpeakingRequest.NONE,
        "interpreter_language": None,
        "accessibility_need": None,
        "public_record_acknowledged": True,
        "uploads": (),
    }
    return replace(Submission(**values), **overrides) if overrides else Submission(**values)


def make_testimony(hearing: Hearing | None = None, *, now=None, **overrides):
    """Submit testimony through the service and place it in its campaign, as the app does
    right after the commit; returns the Receipt (testimony and token)."""
    hearing = hearing or make_hearing()
    receipt = services.submit_testimony(
        hearing, make_submission(hearing, **overrides), now=now or utcnow()
    )
    placement.place_batch([receipt.testimony.id])
    return receipt


# Helpers for driving the real forms through the test client.

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_KEY = re.compile(r'name="submission_key" type="hidden" value="([^"]+)"')
_OPENED = re.compile(r'name="opened" type="hidden" value="([^"]*)"')


def csrf_token_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def form_fields(hearing: Hearing, page_html: str, **overrides) -> dict:
    """A valid testimony form post for the page the client just loaded."""
    key = _KEY.search(page_html)
    opened = _OPENED.search(page_html)
    fields = {
        "csrf_token": csrf_token_from(page_html),
        "submission_key": key.group(1) if key else secrets.token_urlsafe(24),
        "opened": opened.group(1) if opened else None,
        "full_name": "Denise Okafor",
        "email": "denise@example.org",
        "street_address": "12 Example Street",
        "city": "Dorchester",
        "zip_code": "02124",
        "organization": "",
        "measure_id": str(hearing.measures[0].id),
        "position": "support",
        "body": "I support the ban on face surveillance.",
        "speaking_request": "none",
        "interpreter_language": "",
        "accessibility_need": "",
        "public_record_acknowledged": "y",
    }
    fields.update(overrides)
    return {name: value for name, value in fields.items() if value is not None}


# Staff.

STAFF_PASSWORD = "correct horse battery staple"


# Keyed by the Argon2 parameters in force: tests that switch to cheap ones must not be handed
# a hash that sign-in would then upgrade ("rehash"), whatever order the tests run in.
_hash_of_staff_password: dict[tuple[int, int, int], str] = {}


def make_staff_user(role=None, *, password: str = STAFF_PASSWORD, **overrides):
    """A staff account with a real Argon2 hash of `password` (the shared one hashed once)."""
    from app.accounts import passwords
    from app.accounts.models import Role, StaffUser

    if password != STAFF_PASSWORD:
        password_hash = passwords.hash_password(password)
    else:
        hasher = passwords._hasher
        key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
        if key not in _hash_of_staff_password:  # Argon2 is slow on purpose: once is enough
            _hash_of_staff_password[key] = passwords.hash_password(STAFF_PASSWORD)
        password_hash = _hash_of_staff_password[key]
    values = {
        "email": f"staff-{secrets.token_hex(4)}@example.gov",
        "name": "Morgan Reviewer",
        "role": role or Role.MODERATOR,
        "password_hash": password_hash,
        "active": True,
        "session_version": 1,
    }
    user = StaffUser(**(values | overrides))
    db.session.add(user)
    db.session.flush()
    return user


def log_in(client, user, password: str = STAFF_PASSWORD, *, next_page: str | None = None):
    """Sign in through the real login form; returns the POST response (303 on success)."""
    page = client.get("/staff/login")
    url = "/staff/login" + (f"?next={next_page}" if next_page else "")
    return client.post(
        url,
        data={"csrf_token": csrf_token_from(page.text), "email": user.email, "password": password},
    )


def make_admin(**overrides):
    """An active admin account (password STAFF_PASSWORD)."""
    from app.accounts.models import Role

    values = {"name": "Avery Admin"} | overrides
    return make_staff_user(Role.ADMIN, **values)


def give_totp(user) -> str:
    """Turn on a second factor for `user` directly; returns the base32 secret."""
    import pyotp

    secret = pyotp.random_base32()
    user.totp_secret = secret
    user.totp_last_step = None
    db.session.flush()
    return secret


def totp_code(secret: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` 30-second steps later)."""
    import time

    import pyotp

    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def post_form(client, page_url: str, data: dict, *, to: str | None = None, **kwargs):
    """Load `page_url` for its CSRF token, then post `data` to `to` (or the same page)."""
    page = client.get(page_url)
    return client.post(
        to or page_url, data={"csrf_token": csrf_token_from(page.text)} | data, **kwargs
    )


# Separate browsers for staff tests.


class OwnContextClient(FlaskClient):
    """A browser whose every request runs in its own application context, as in production.

    The `db` fixture keeps one application context open for the whole test and Flask reuses
    it for the plain client's requests, so they would share the test's database session (and
    its identity map), Flask-Login's cached user and Flask-WTF's CSRF token. The test's own
    transaction is committed first (on SQLite it holds the lock) and its objects reload when
    next read, so the test sees what the request did.
    """

    def open(self, *args, **kwargs):
        outer = db.session()
        outer.commit()
        try:
            with self.application.app_context():
                return super().open(*args, **kwargs)
        finally:
            outer.expire_all()


def section(page_html: str, heading_id: str) -> str:
    """The HTML of the page's <section> labelled by heading_id ('' when it is absent)."""
    start = page_html.find(f'<section aria-labelledby="{heading_id}">')
    return "" if start == -1 else page_html[start : page_html.index("</section>", start)]


def signed_in_client(app, user=None) -> OwnContextClient:
    """A new browser signed in as `user` (a new moderator by default)."""
    user = user or make_staff_user()
    client = OwnContextClient(app, app.response_class, use_cookies=True)
    response = log_in(client, user)
    assert response.status_code == 303, f"sign-in failed: {response.status_code}"
    return client


def isolate_requests(app, monkeypatch) -> None:
    """Make `app.test_client()` (and so the `client` fixture's successors) an OwnContextClient."""
    monkeypatch.setattr(app, "test_client_class", OwnContextClient)


def set_review_status(testimony, status, *, reason=None, now=None):
    """Put a testimony straight into a review status, with no decision row: a starting point."""
    from app.testimony.models import RejectionReason, ReviewStatus

    testimony.status = status
    testimony.rejection_reason = (
        (reason or RejectionReason.SPAM) if status is ReviewStatus.REJECTED else None
    )
    testimony.withdrawn_at = (now or utcnow()) if status is ReviewStatus.WITHDRAWN else None
    db.session.flush()
    return testimony


def run_threads(*targets, join_seconds: float) -> list:
    """Call each target in a thread of its own, all at once: their results in order, or the
    first error any of them raised. A thread still running after join_seconds fails the test."""
    import threading

    results: list = [None] * len(targets)
    errors: list[BaseException] = []

    def run(index, target):
        try:
            results[index] = target()
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(join_seconds)
    hung = [target for target, thread in zip(targets, threads, strict=True) if thread.is_alive()]
    assert not hung, f"still running after {join_seconds} s: {hung}"
    if errors:
        raise errors[0]
    return results


# The hearing management pages, as a clerk fills them in.


def edit_hearing_url(hearing) -> str:
    return f"/staff/manage/hearings/{hearing.id}/edit"


def hearing_url(hearing) -> str:
    return f"/staff/manage/hearings/{hearing.id}"


def local(moment: datetime, zone: str = "America/New_York") -> str:
    """What a clerk types into a datetime-local field for `moment`."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def hearing_fields(measure_ids, **overrides) -> dict:
    """A valid hearing form, open from an hour ago for a week, in New York time."""
    now = utcnow()
    fields = {
        "title": "Hearing on a ban of face surveillance",
        "description": "The committee hears residents on the ordinance.",
        "starts_at": local(now + timedelta(days=8)),
        "location": "Iannella Chamber, Boston City Hall",
        "remote_url": "https://example.org/watch",
        "testimony_opens_at": local(now - timedelta(hours=1)),
        "testimony_closes_at": local(now + timedelta(days=7)),
        "speaking_modes": "both",
        "speaker_minutes": "3",
        "max_speakers": "",
        "remote_pin": "",
        "speaker_signup_closes_at": "",
        "measures": [str(measure_id) for measure_id in measure_ids],
    }
    return fields | overrides


def text_of(response) -> str:
    """The page with entities decoded, for comparing messages such as "body's"."""
    return html_lib.unescape(response.text)


def field_value(page_html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page_html)
    assert tag, f"no input named {name}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return html_lib.unescape(value.group(1)) if value else ""


def snapshot(db) -> dict[str, list[str]]:
    """Every row of every table, to show that a refused request changed nothing."""
    db.session.expire_all()
    return {
        table.name: sorted(map(repr, db.session.execute(select(table)).all()))
        for table in db.metadata.sorted_tables
    }


def press(browser, hearing, action: str):
    """Press a button on the hearing's management page, ticking the confirmation that closing
    and cancelling ask for; returns the page it leads to."""
    page = browser.get(hearing_url(hearing))
    assert page.status_code == 200
    return post_form(
        browser,
        hearing_url(hearing),
        {"confirm": "y"},
        to=f"{hearing_url(hearing)}/{action}",
        follow_redirects=True,
    )


# Position sign-ins.


def make_sign_in_submission(hearing: Hearing, **overrides):
    from app.signins.services import SignInSubmission

    values = {
        "submission_key": secrets.token_urlsafe(24),
        "full_name": "Rosa Delgado",
        "email": "rosa@example.org",
        "city": "Jamaica Plain",
        "zip_code": "02130",
        "organization": None,
        "positions": ((hearing.measures[0].id, Position.OPPOSE),),
    }
    return SignInSubmission(**(values | overrides))


def make_sign_in(hearing: Hearing | None = None, *, now=None, **overrides):
    """Record a sign-in through the service; returns its Receipt (sign-in id and token)."""
    from app.signins.services import record_sign_in

    hearing = hearing or make_hearing()
    return record_sign_in(
        hearing, make_sign_in_submission(hearing, **overrides), now=now or utcnow()
    )


def sign_in_fields(hearing: Hearing, page_html: str, **overrides) -> dict:
    """A valid sign-in form post for the page the client just loaded: opposing the first
    measure unless `measures-<id>` fields say otherwise."""
    key = _KEY.search(page_html)
    opened = _OPENED.search(page_html)
    fields = {
        "csrf_token": csrf_token_from(page_html),
        "submission_key": key.group(1) if key else secrets.token_urlsafe(24),
        "opened": opened.group(1) if opened else None,
        "full_name": "Rosa Delgado",
        "email": "rosa@example.org",
        "city": "Jamaica Plain",
        "zip_code": "02130",
        "organization": "",
        f"measures-{hearing.measures[0].id}": "oppose",
        "public_record_acknowledged": "y",
    }
    fields.update(overrides)
    return {name: value for name, value in fields.items() if value is not None}


# Following by e-mail.


def make_follower(*subjects, email: str = "follower@example.org", now=None, **overrides):
    """A confirmed follower (immediate, English) of each subject given (a Body, Committee,
    Measure or Hearing, or a (row, "opening") pair for "remind me when testimony opens")."""
    from app.following.models import Follow, Follower, Frequency, SubjectKind

    now = now or utcnow()
    values = {
        "email": email,
        "email_key": email.lower(),
        "language": "en",
        "frequency": Frequency.IMMEDIATE,
        "link_key": secrets.token_hex(16),
        "created_at": now,
        "confirmed_at": now,
        "digest_due_at": now + timedelta(days=1),
    }
    follower = Follower(**(values | overrides))
    db.session.add(follower)
    for subject in subjects:
        row, opening_only = (subject[0], True) if isinstance(subject, tuple) else (subject, False)
        follower.follows.append(
            Follow(
                subject_kind=SubjectKind(type(row).__name__.lower()),
                subject_id=row.id,
                opening_only=opening_only,
                created_at=now,
                confirmed_at=follower.confirmed_at,
            )
        )
    db.session.flush()
    return follower


# Organisations and their API keys.


def make_organisation(*, created_by=None, **overrides):
    """A registered organisation (registered by a new admin unless `created_by` is given)."""
    from app.organisations.models import Organisation, name_key

    name = overrides.pop("name", f"Digital Rights Watch {secrets.token_hex(3)}")
    values = {
        "name": name,
        "name_key": name_key(name),
        "contact_email": "petitions@example.org",
        "website": "https://example.org",
        "created_at": utcnow(),
        "created_by_id": (created_by or make_admin()).id,
    }
    organisation = Organisation(**(values | overrides))
    db.session.add(organisation)
    db.session.flush()
    return organisation


def make_api_key(organisation=None, *, bodies=(), scopes=None, issued_by=None, now=None, **kw):
    """Issue a key through the service; returns its IssuedKey (`.key`, and `.plaintext` to
    present). By default it may submit both kinds to a new body, for 90 days."""
    from app.organisations.models import ApiScope
    from app.organisations.services import issue_key

    now = now or utcnow()
    organisation = organisation or make_organisation()
    values = {
        "label": "Campaign site",
        "scopes": scopes if scopes is not None else tuple(ApiScope),
        "bodies": tuple(bodies) or (make_body(),),
        "expires_at": now + timedelta(days=90),
        "now": now,
    }
    return issue_key(issued_by or make_admin(), organisation, **(values | kw))


# Agenda import (app/hearings/agenda_*.py).

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
AGENDA_COLUMNS = ["type", "body", "committee", "external_id"]


def make_agenda_bodies() -> dict[str, Committee]:
    """The two bodies and committees the example agendas (docs/examples/) name, without the
    demo's measures and hearings: {"council": ..., "judiciary": ...}."""
    council = make_body(slug="boston-city-council", name="Boston City Council", languages=False)
    court = make_body(
        slug="massachusetts-general-court",
        name="Massachusetts General Court",
        jurisdiction="Commonwealth of Massachusetts",
        languages=False,
    )
    return {
        "council": make_committee(
            council, slug="government-operations", name="Committee on Government Operations"
        ),
        "judiciary": make_committee(
            court, slug="joint-judiciary", name="Joint Committee on the Judiciary"
        ),
    }


def example_agenda(name: str) -> bytes:
    """The bytes of docs/examples/<name> (agenda.csv, agenda.json)."""
    return (EXAMPLES / name).read_bytes()


def agenda_measure(**overrides) -> dict[str, str]:
    """One measure row of an agenda CSV, before the Committee on Government Operations."""
    values = {
        "type": "measure",
        "body": "boston-city-council",
        "committee": "Committee on Government Operations",
        "external_id": "boston-2020-docket-0683",
        "kind": "ordinance",
        "number": "Docket #0683",
        "session": "2020",
        "title": "Ordinance banning face surveillance in Boston",
        "summary": "Prohibits city use of face surveillance.",
    }
    return values | overrides


def agenda_hearing(**overrides) -> dict[str, str]:
    """One hearing row of an agenda CSV on Docket #0683, in Boston's local time."""
    values = {
        "type": "hearing",
        "body": "boston-city-council",
        "committee": "Committee on Government Operations",
        "external_id": "boston-2030-06-09-gov-ops",
        "title": "Hearing on a ban of face surveillance in Boston",
        "starts_at": "2030-06-09T10:00",
        "testimony_opens_at": "2030-05-26T09:00",
        "testimony_closes_at": "2030-06-09T10:00",
        "measures": "boston-2020-docket-0683",
    }
    return values | overrides


def agenda_csv(*rows: dict[str, str]) -> bytes:
    """An agenda CSV (UTF-8) whose columns are every field the rows give."""
    columns = list(AGENDA_COLUMNS)
    for row in rows:
        columns += [name for name in row if name not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({name: row.get(name, "") for name in columns} for row in rows)
    return out.getvalue().encode()
