"""A whole hearing day in real Chromium, with the e-mail going to a real SMTP server (aiosmtpd).

Twelve residents sign up to speak through the testimony form (three remotely, two needing a
Spanish interpreter, one reading the form in Spanish). The clerk brings the run sheet up to
date, proposes an order (alternating sides, the Spanish speakers together), moves a speaker up
by keyboard, drags another to the top, and publishes: ten speakers are told their place and
window, two that they are on the waitlist. One cancels from their receipt and the first on the
waitlist is given the place and told. The clerk makes the morning's packet; then one more
testimony is approved, a speaker amends theirs and gives up speaking, and the last on the
waitlist withdraws: the addendum lists exactly those three. The console then runs the hearing
by keyboard alone, with a no-show and a walk-in, while the public "now speaking" page follows
within two seconds; the speaker list (CSV and PDF) records what happened.

A second test has two staff screens press "Call next" at the same moment: the queue moves by
one and the screen that lost says the list changed on another screen.
"""

from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import Role, StaffUser
from app.moderation.services import Decision, decide
from app.platform import jobs
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.speaking.models import Speaker, SpeakerStatus
from app.testimony.models import Position, ReviewStatus, SpeakingRequest, Testimony
from app.testimony.services import amend_testimony, withdraw_testimony
from app.testimony.submissions import Amendment
from tests.browser.conftest import commit, sign_in
from tests.browser.test_keyboard import FOCUSED
from tests.exports.packet.test_pdf import needs_pdftotext, pdftotext
from tests.factories import listed_language, make_hearing, make_staff_user, make_testimony
from tests.speaking.helpers import propose, sign_up

pytestmark = pytest.mark.usefixtures("fast_hashing")

TITLE = "Hearing on library opening hours"
JOIN_LINK = "https://meet.example.org/j/council-libraries"
PIN = "4417"
TRACKING = re.compile(r"OT-[0-9A-Z]{4}-[0-9A-Z]{4}")
# How soon a change made on the console must show on the public display.
FOLLOW_MS = 2_000
NOW_SPEAKING = "[data-slot=now] [data-field=name]"
ADDENDUM_SECTIONS = (
    "New testimony",
    "Amended",
    "Withdrawn",
    "Now disputed",
    "No longer in the packet",
)


@dataclass(frozen=True)
class Resident:
    name: str
    measure: int  # 0 or 1: the measure's place on the agenda
    position: Position
    remote: bool = False
    spanish_interpreter: bool = False
    reads_spanish: bool = False  # switches the form to Spanish before filling it in

    @property
    def email(self) -> str:
        return f"{self.name.split()[0].lower()}@example.org"

    @property
    def text(self) -> str:
        # Each in their own words: identical texts would be grouped as a campaign.
        return f"{self.name} asks the committee to keep the branch open on Sundays."


SUPPORT, OPPOSE, NEUTRAL = Position.SUPPORT, Position.OPPOSE, Position.NEUTRAL
# In the order they sign up. With ten places, Kofi and Lena are waitlisted.
RESIDENTS = (
    Resident("Ana Reyes", 0, SUPPORT),
    Resident("Bo Chen", 0, OPPOSE, remote=True),
    Resident("Carmen Ruiz", 0, SUPPORT, spanish_interpreter=True, reads_spanish=True),
    Resident("Dev Patel", 0, NEUTRAL),
    Resident("Ella Brooks", 1, SUPPORT, remote=True),
    Resident("Femi Adeyemi", 0, OPPOSE),
    Resident("Gloria Santos", 1, OPPOSE, spanish_interpreter=True),
    Resident("Hank Moore", 1, SUPPORT),
    Resident("Iris Novak", 1, NEUTRAL, remote=True),
    Resident("Jae Kim", 0, SUPPORT),
    Resident("Kofi Mensah", 1, OPPOSE),
    Resident("Lena Fischer", 0, NEUTRAL),
)
BY_NAME = {r.name: r for r in RESIDENTS}
EMAILS = {r.email for r in RESIDENTS}
WALK_IN = "Walt Walker"


@dataclass(frozen=True)
class Day:
    """Plain values only: the test holds no transaction while the browser works (on SQLite an
    open one would hold the lock the server needs; see tests/browser/scene.py)."""

    hearing: int
    measures: tuple[int, int]
    spanish: int  # the body's Spanish interpreter language
    clerk: str
    moderator_id: int
    written: int  # a written testimony, approved only after the morning's packet


@pytest.fixture
def day(db, smtp) -> Day:
    smtp.start()
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk")
    moderator = make_staff_user(Role.MODERATOR, name="Morgan Moderator")
    hearing = make_hearing(
        title=TITLE,
        measures=2,
        max_speakers=10,
        speaker_minutes=3,
        remote_url=JOIN_LINK,
        remote_pin=PIN,
    )
    first, second = hearing.measures
    first.number, first.title = "Docket #0101", "Order for Sunday hours at every branch"
    second.number, second.title = "Docket #0102", "Order for a library budget hearing"
    spanish = listed_language(hearing.committee.body, "es")
    assert spanish is not None, "a new body lists the default interpreter languages"
    written = make_testimony(
        hearing,
        full_name="Rita Written",
        email="rita@example.org",
        measure_id=second.id,
        body="Rita Written supports a budget hearing every spring.",
    ).testimony
    values = Day(
        hearing=hearing.id,
        measures=(first.id, second.id),
        spanish=spanish.id,
        clerk=clerk.email,
        moderator_id=moderator.id,
        written=written.id,
    )
    commit()
    return values


# -- helpers ------------------------------------------------------------------------------------


def flash(page):
    return page.locator(".flash-list[role=status]")


def settled(read):
    """Read from the database in the test, then end the transaction at once."""
    try:
        return read()
    finally:
        _db.session.rollback()


def statuses(hearing_id: int) -> dict[str, SpeakerStatus]:
    _db.session.expire_all()
    rows = settled(
        lambda: _db.session.execute(
            select(Speaker.full_name, Speaker.status).where(Speaker.hearing_id == hearing_id)
        ).all()
    )
    return dict(rows)


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def sweep() -> None:
    """Run the jobs still queued, as production's job thread does every few seconds.

    The suite runs a request's jobs when its response is closed (JOBS_RUNNER=after-response),
    but Werkzeug's development server skips closing the response when the browser resets the
    connection just after a POST (it then reads the rest of the socket and gets ECONNRESET), so
    that request's jobs (its e-mail, its campaign placement) stay queued. A job is claimed by
    one runner only, so nothing is done twice."""
    jobs.run(current_app._get_current_object())


class Mailbox:
    """What reached the SMTP server, waited for: mail goes out once each response is closed."""

    def __init__(self, smtp) -> None:
        self.smtp = smtp

    def mark(self) -> int:
        return len(self.smtp.handler.envelopes)

    def wait(self, since: int, count: int, wanted=lambda m: True, timeout: float = 15) -> list:
        deadline = time.monotonic() + timeout
        swept_at = time.monotonic()
        while True:
            found = [m for m in self.smtp.handler.messages[since:] if wanted(m)]
            if len(found) >= count or time.monotonic() > deadline:
                assert len(found) == count, (
                    f"expected {count} messages, got {len(found)}: "
                    f"{[(m['To'], m['Subject']) for m in found]}"
                )
                return found
            if time.monotonic() - swept_at > 1:
                sweep()
                swept_at = time.monotonic()
            time.sleep(0.05)

    def by_recipient(self, messages) -> dict[str, object]:
        mapped = {m["To"]: m for m in messages}
        assert len(mapped) == len(messages), "one message per speaker"
        return mapped


def in_language(language: str, message: str, **values) -> str:
    """An interface string as the app words it in `language` (whether or not it is translated
    yet): what a resident's e-mail says, whatever the catalogue holds."""
    with force_locale(language):
        return _(message, **values)


# Which way the Tab key goes from what has focus to the element with this id.
DIRECTION = """(id) => {
  const target = document.getElementById(id);
  const active = document.activeElement;
  if (!target) return "missing";
  if (active === target) return "here";
  if (!active || active === document.body) return "forward";
  return active.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING
    ? "forward" : "back";
}"""


def key_to(page, element_id: str, *, limit: int = 250) -> None:
    """Move focus to the element with the Tab key (backwards with Shift when it is above),
    and check a keyboard user can see where focus is."""
    where = page.evaluate(DIRECTION, element_id)
    assert where != "missing", f"#{element_id} is not on the page"
    if where != "here":
        key = "Tab" if where == "forward" else "Shift+Tab"
        for _press in range(limit):
            page.keyboard.press(key)
            if page.evaluate("() => document.activeElement.id") == element_id:
                break
        else:
            raise AssertionError(f"#{element_id} never reached with {key}")
    focused = page.evaluate(FOCUSED)
    assert focused["ring"] and focused["onScreen"], f"focus is not visible on {focused}"


def press_enter_on(page, element_id: str) -> None:
    """Tab to a button and press Enter; wait for the page it leads to."""
    key_to(page, element_id)
    with page.expect_navigation():
        page.keyboard.press("Enter")


# -- 1. residents sign up ---------------------------------------------------------------------


def sign_up_through_the_form(browser, live_server, day: Day, resident: Resident) -> str:
    """One resident fills in the real form in a browser of their own; their receipt's path."""
    context = browser.new_context(base_url=live_server, locale="en-US")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(f"/hearings/{day.hearing}/testimony/new")
        if resident.reads_spanish:
            page.locator("#switch-language button[value=es]").click()
            expect(page.locator("html")).to_have_attribute("lang", "es")
        # By id: the labels are in whichever language the resident reads.
        page.locator("#full_name").fill(resident.name)
        page.locator("#email").fill(resident.email)
        page.locator("#street_address").fill("41 Dudley Street")
        page.locator("#city").fill("Roxbury")
        page.locator("#zip_code").fill("02119")
        # The hearing has two measures: one group of choices per measure, the other left
        # at "not addressing".
        measure = day.measures[resident.measure]
        page.check(f"input[name=measures-{measure}][value={resident.position.value}]")
        page.locator("#body").fill(resident.text)
        how = SpeakingRequest.REMOTE if resident.remote else SpeakingRequest.IN_PERSON
        page.check(f"input[name=speaking_request][value={how.value}]")
        if resident.spanish_interpreter:
            interpreter = page.locator("#interpreter_language")
            if resident.reads_spanish:
                interpreter.select_option(label="Español")
            else:
                interpreter.select_option(label="Spanish")
            assert interpreter.input_value() == str(day.spanish)
        page.locator("#public_record_acknowledged").check()
        # The last button of the form (the language buttons have a name; the first, hidden
        # one is for the Enter key).
        page.locator("form.testimony-form button.button:not([name])").click()
        page.wait_for_url("**/receipts/**")
        expect(page.get_by_test_id("tracking-number")).to_have_text(TRACKING)
        if not resident.reads_spanish:
            said = "Yes, remotely" if resident.remote else "Yes, in person"
            answer = page.locator("dt", has_text="Speaking at the hearing").locator("+ dd")
            expect(answer).to_have_text(said)
        return page.url.removeprefix(live_server)
    finally:
        context.close()


# -- 2. the run sheet -------------------------------------------------------------------------


def waiting_order(page) -> list[str]:
    return page.locator("#waiting-rows tr[data-speaker] td:nth-child(2) strong").all_inner_texts()


def waitlist(page) -> list[str]:
    return [text.split(" · ")[0] for text in page.locator("ol.waitlist li").all_inner_texts()]


def row(page, name: str):
    return page.locator("#waiting-rows tr[data-speaker]").filter(has_text=name)


def adjacent(order: list[str], one: str, other: str) -> bool:
    return abs(order.index(one) - order.index(other)) == 1


def drag(page, source, target) -> None:
    """Drag a row with the mouse onto the upper half of another, and wait for the order the
    page posts when the drag ends. (Locator.drag_to scrolls after pressing the button, and
    Chromium then starts the drag from whatever row is under the pointer.)"""
    page.set_viewport_size({"width": 1280, "height": 1600})
    target.scroll_into_view_if_needed()
    source.scroll_into_view_if_needed()
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + 20, start["y"] + start["height"] / 2)
    with page.expect_navigation():
        page.mouse.down()
        page.mouse.move(end["x"] + 20, end["y"] + 3, steps=12)
        page.mouse.up()


def prepare_and_publish(page, day: Day, mail: Mailbox) -> dict[str, int]:
    """The clerk's morning at the run sheet; the speakers' ids by name."""
    page.goto(f"/staff/hearings/{day.hearing}/run-sheet")
    expect(page.locator(".notice[role=status]")).to_contain_text(
        "12 sign-ups or withdrawals are not on the list yet."
    )
    page.get_by_role("button", name="Bring the list up to date").click()
    expect(flash(page)).to_contain_text("The list is up to date.")

    page.get_by_role(
        "radio", name="Alternate support, oppose and neutral, measure by measure"
    ).check()
    page.get_by_label("Group speakers who need the same interpreter").check()
    page.get_by_role("button", name="Propose the order").click()
    expect(flash(page)).to_contain_text("The speakers are in the proposed order.")
    # Measure by measure in agenda order, support, oppose and neutral in turn; Gloria, who
    # needs a Spanish interpreter too, is brought up beside Carmen.
    assert waiting_order(page) == [
        "Ana Reyes",
        "Bo Chen",
        "Dev Patel",
        "Carmen Ruiz",
        "Gloria Santos",
        "Femi Adeyemi",
        "Jae Kim",
        "Ella Brooks",
        "Iris Novak",
        "Hank Moore",
    ]
    assert waitlist(page) == ["Kofi Mensah", "Lena Fischer"]
    assert adjacent(waiting_order(page), "Carmen Ruiz", "Gloria Santos")
    for name in ("Carmen Ruiz", "Gloria Santos"):
        expect(row(page, name)).to_contain_text("Interpreter: Spanish")
    for name in ("Bo Chen", "Ella Brooks", "Iris Novak"):
        expect(row(page, name)).to_contain_text("Remote")
    ids = {name: int(row(page, name).get_attribute("data-speaker")) for name in waiting_order(page)}

    # Hank up one place, by keyboard: focus his Up button and press Enter.
    row(page, "Hank Moore").get_by_role("button", name=re.compile(r"^Up\b")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert waiting_order(page)[-2:] == ["Hank Moore", "Iris Novak"]

    # Jae, who must leave early, dragged to the top.
    drag(page, row(page, "Jae Kim"), page.locator("#waiting-rows tr[data-speaker]").first)
    expect(flash(page)).to_contain_text("The new order is saved.")
    page.reload()
    order = [
        "Jae Kim",
        "Ana Reyes",
        "Bo Chen",
        "Dev Patel",
        "Carmen Ruiz",
        "Gloria Santos",
        "Femi Adeyemi",
        "Ella Brooks",
        "Hank Moore",
        "Iris Novak",
    ]
    assert waiting_order(page) == order
    assert adjacent(order, "Carmen Ruiz", "Gloria Santos")
    stored = settled(
        lambda: _db.session.execute(
            select(Speaker.full_name, Speaker.place).where(
                Speaker.hearing_id == day.hearing, Speaker.status == SpeakerStatus.WAITING
            )
        ).all()
    )
    assert sorted(stored, key=lambda r: r.place) == [(n, p) for p, n in enumerate(order, 1)]

    since = mail.mark()
    page.get_by_role("button", name="Publish and e-mail the speakers").click()
    expect(flash(page)).to_contain_text("12 speakers are being told their place by e-mail.")
    notices = mail.by_recipient(mail.wait(since, 12, lambda m: "/speaking/" in body_of(m)))
    check_notices(notices, order)
    return ids


def check_notices(notices: dict, order: list[str]) -> None:
    """Ten places with a window, two waitlisted; how to join; each in the resident's language."""
    assert set(notices) == {r.email for r in RESIDENTS}
    for resident in RESIDENTS:
        language = "es" if resident.reads_spanish else "en"
        text = body_of(notices[resident.email])
        assert TITLE in notices[resident.email]["Subject"]
        if resident.name in order:
            place = order.index(resident.name) + 1
            said = in_language(language, "Your place in the speaking order:")
            assert f"{said} {place}\n" in text, (resident.name, text)
            window = in_language(
                language,
                "Estimated time: between %(start)s and %(end)s",
                start="XSTARTX",
                end="XENDX",
            )
            pattern = re.escape(window).replace("XSTARTX", ".+").replace("XENDX", ".+")
            assert re.search(pattern, text), (resident.name, text)
        else:
            number = ["Kofi Mensah", "Lena Fischer"].index(resident.name) + 1
            assert (
                in_language(
                    language,
                    "The speaking places are taken, so you are number %(number)d on the waitlist. "
                    "If a place opens, we will e-mail you.",
                    number=number,
                )
                in text
            ), (resident.name, text)
        placed_remotely = resident.remote and resident.name in order
        assert (f"{in_language(language, 'Join link:')} {JOIN_LINK}" in text) is placed_remotely
        assert (f"{in_language(language, 'PIN:')} {PIN}" in text) is placed_remotely
    # Carmen read the form in Spanish: her notice is written in Spanish.
    carmen = body_of(notices[BY_NAME["Carmen Ruiz"].email])
    assert carmen.startswith(in_language("es", "The speaking order for the hearing is published."))
    assert "Audiencia:" in carmen and "Hearing:" not in carmen
    assert "Hearing:" in body_of(notices[BY_NAME["Ana Reyes"].email])


# -- 3. a speaker cancels from their receipt ----------------------------------------------------


def cancel_from_the_receipt(browser, live_server, receipt: str) -> None:
    context = browser.new_context(base_url=live_server, locale="en-US")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(receipt)
        place = page.locator("section.speaking-place")
        expect(place).to_contain_text("Place in the speaking order")
        place.get_by_role("link", name="Cancel my place").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your place to speak?")
        page.get_by_role("button", name="Yes, cancel my place").click()
        page.wait_for_url(f"**{receipt}")
        expect(flash(page)).to_contain_text("Your place is cancelled.")
        expect(place).to_contain_text("You gave up your place to speak.")
    finally:
        context.close()


# -- 4. the morning's packet and its addendum ---------------------------------------------------


def make_export(page, day: Day, button: str, ready: str) -> tuple[str, bytes]:
    """On the exports page, make an export and download it once it is ready."""
    page.goto(f"/staff/hearings/{day.hearing}/exports")
    page.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(r"/staff/exports/\d+"))
    status = page.locator("main [role=status]:not(.flash-list)")
    expect(status).to_contain_text(ready, timeout=30_000)
    with page.expect_download() as info:
        status.get_by_role("link", name=re.compile("^Download")).click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def approve_everything(day: Day) -> dict[str, str]:
    """Moderators approved every sign-up's testimony before the morning (set-up, through the
    service); their tracking numbers by name."""
    moderator = _db.session.get(StaffUser, day.moderator_id)
    testimonies = _db.session.scalars(
        select(Testimony).where(Testimony.hearing_id == day.hearing, Testimony.id != day.written)
    ).all()
    for testimony in testimonies:
        decide(
            moderator,
            testimony,
            Decision(ReviewStatus.APPROVED),
            expected=ReviewStatus.PENDING,
            now=utcnow(),
        )
    numbers = {t.full_name: t.tracking_number for t in testimonies}
    commit()
    return numbers


def change_after_the_packet(day: Day) -> dict[str, str]:
    """After the packet: Rita's written testimony is approved; Hank amends his and gives up
    speaking (approved again); Lena, last on the waitlist, withdraws hers. Their tracking
    numbers by what happened."""
    now = utcnow()
    moderator = _db.session.get(StaffUser, day.moderator_id)
    by_name = {
        t.full_name: t
        for t in _db.session.scalars(select(Testimony).where(Testimony.hearing_id == day.hearing))
    }
    rita, hank, lena = by_name["Rita Written"], by_name["Hank Moore"], by_name["Lena Fischer"]
    approved = Decision(ReviewStatus.APPROVED)
    decide(moderator, rita, approved, expected=ReviewStatus.PENDING, now=now)
    amend_testimony(
        hank,
        Amendment(
            measure_id=hank.measure_id,
            position=hank.position,
            body="Hank Moore cannot come after all; he asks for a budget hearing in writing.",
            speaking_request=SpeakingRequest.NONE,
            reason="I have to work that day.",
        ),
        now=now,
    )
    decide(moderator, hank, approved, expected=ReviewStatus.PENDING, now=now)
    withdraw_testimony(lena, now=now)
    changed = {
        "new": rita.tracking_number,
        "amended": hank.tracking_number,
        "withdrawn": lena.tracking_number,
    }
    commit()
    return changed


def addendum_sections(data: bytes) -> dict[str, str]:
    """The text under each section heading of the addendum, after its cover."""
    pages = pdftotext(data).split("\f")
    lines = [line.strip() for line in "\n".join(pages[1:]).splitlines()]
    starts = []
    at = 0
    for heading in ADDENDUM_SECTIONS:
        at = lines.index(heading, at)
        starts.append(at)
    ends = [*starts[1:], len(lines)]
    return {
        heading: "\n".join(lines[start + 1 : end])
        for heading, start, end in zip(ADDENDUM_SECTIONS, starts, ends, strict=True)
    }


def morning_packet_and_addendum(page, day: Day) -> None:
    sweep()  # every testimony placed in its campaign (or none) before the packet
    numbers = settled(lambda: approve_everything(day))
    name, data = make_export(page, day, "Make the hearing packet (PDF)", "Ready: 12 items.")
    assert name.endswith(".pdf") and data.startswith(b"%PDF-")
    packet_text = pdftotext(data)
    assert set(TRACKING.findall(packet_text)) == set(numbers.values())

    changed = settled(lambda: change_after_the_packet(day))
    page.goto(f"/staff/hearings/{day.hearing}/exports")
    expect(page.locator("#since option")).to_have_count(1)  # the morning's packet
    expect(page.locator("#since option")).to_contain_text("12 items")
    name, data = make_export(page, day, "Make the addendum (PDF)", "Ready: 3 items.")
    assert name.endswith(".pdf") and data.startswith(b"%PDF-")
    sections = addendum_sections(data)
    found = {heading: TRACKING.findall(text) for heading, text in sections.items()}
    assert found == {
        "New testimony": [changed["new"]],
        "Amended": [changed["amended"]],
        "Withdrawn": [changed["withdrawn"]],
        "Now disputed": [],
        "No longer in the packet": [],
    }, sections
    amended = " ".join(sections["Amended"].split())
    assert BY_NAME["Hank Moore"].text in amended, "the text as the packet printed it"
    assert "Hank Moore cannot come after all" in amended, "and as it reads now"
    assert "Rita Written supports a budget hearing every spring." in " ".join(
        sections["New testimony"].split()
    )
    for heading in ("Now disputed", "No longer in the packet"):
        assert "None" in sections[heading].splitlines(), sections[heading]


# -- 5. the hearing, run from the console by keyboard -----------------------------------------


def run_the_hearing(browser, live_server, console, day: Day, ids: dict[str, int]) -> None:
    public = browser.new_context(base_url=live_server, locale="en-US")
    public.set_default_timeout(10_000)
    try:
        display = public.new_page()
        display.goto(f"/hearings/{day.hearing}/now-speaking")
        expect(display.locator("[data-slot=now-empty]")).to_be_visible()
        console.goto(f"/staff/hearings/{day.hearing}/console")

        def follows(name: str) -> None:
            expect(display.locator(NOW_SPEAKING)).to_have_text(name, timeout=FOLLOW_MS)

        # The first speaker is called; the countdown runs on the console and the display.
        press_enter_on(console, "call-next")
        expect(console.locator(".flash")).to_have_text("Now speaking: Jae Kim.")
        follows("Jae Kim")
        expect(console.locator("[data-timer-clock]")).to_have_text(re.compile(r"^[23]:\d\d$"))
        expect(display.locator("[data-timer-clock]")).to_be_visible()

        # Ana, next in line, is not in the room.
        press_enter_on(console, f"no-show-{ids['Ana Reyes']}")
        expect(console.locator(".flash")).to_have_text("Ana Reyes is marked as a no-show.")
        expect(display.locator("[data-slot=next] .floor-name").first).to_have_text(
            "Bo Chen", timeout=FOLLOW_MS
        )

        # A walk-in at the door, typed in by the clerk: on the second measure, opposed.
        key_to(console, "full_name")
        console.keyboard.type(WALK_IN)
        key_to(console, "city")
        console.keyboard.type("Mattapan")
        key_to(console, "measure_id-0")
        console.keyboard.press("ArrowDown")
        expect(console.locator("#measure_id-1")).to_be_checked()
        key_to(console, "position-0")
        console.keyboard.press("ArrowDown")
        expect(console.locator("#position-1")).to_be_checked()
        press_enter_on(console, "walk-in-add")
        expect(console.locator(".flash")).to_have_text(f"{WALK_IN} is number 10 on the list.")
        # Bo, Carmen, Gloria, Femi, Ella, Iris, Kofi and the walk-in.
        expect(display.locator("[data-field=waiting]")).to_have_text("8", timeout=FOLLOW_MS)

        for name in (
            "Bo Chen",
            "Carmen Ruiz",
            "Gloria Santos",
            "Femi Adeyemi",
            "Ella Brooks",
            "Iris Novak",
            "Kofi Mensah",
            WALK_IN,
        ):
            press_enter_on(console, "call-next")
            expect(console.locator(".flash")).to_have_text(f"Now speaking: {name}.")
            follows(name)
            # The chair's console says who needs the interpreter; the public display, which
            # anyone can read, does not (a language can say where someone comes from).
            if name in ("Carmen Ruiz", "Gloria Santos"):
                expect(console.locator(".floor-speaker").first).to_contain_text(
                    "Interpreter: Spanish"
                )
            expect(display.locator("[data-slot=now] [data-field=interpreter]")).to_have_text("")
        # The walk-in has spoken; nobody is left.
        press_enter_on(console, "call-next")
        expect(console.locator(".flash")).to_have_text("Nobody is waiting to speak.")
        expect(display.locator("[data-slot=now-empty]")).to_be_visible(timeout=FOLLOW_MS)
        expect(display.locator("[data-field=spoke]")).to_have_text("9")
    finally:
        public.close()


# -- 6. the speaker list ----------------------------------------------------------------------


SPOKE_IN_ORDER = [
    ("Jae Kim", "spoke"),
    ("Ana Reyes", "no_show"),
    ("Bo Chen", "spoke"),
    ("Carmen Ruiz", "spoke"),
    ("Gloria Santos", "spoke"),
    ("Femi Adeyemi", "spoke"),
    ("Ella Brooks", "spoke"),
    ("Iris Novak", "spoke"),
    ("Kofi Mensah", "spoke"),
    (WALK_IN, "spoke"),
    # Nobody's place: in the order they signed up.
    ("Dev Patel", "cancelled"),
    ("Hank Moore", "cancelled"),
    ("Lena Fischer", "cancelled"),
]


def check_the_speaker_list(page, day: Day) -> None:
    name, data = make_export(page, day, "Make the speaker list (CSV)", "Ready: 13 items.")
    assert name.endswith(".csv"), name
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["Name"], r["Outcome"]) for r in rows] == SPOKE_IN_ORDER
    assert [r["Order"] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
    for r in rows:
        spoke = r["Outcome"] == "spoke"
        assert bool(re.fullmatch(r"\d+:\d\d", r["Time used"])) is spoke, r
        assert bool(r["Started at"]) is spoke, r
        assert r["Walk-in"] == ("yes" if r["Name"] == WALK_IN else ""), r
        assert (r["Tracking number"] == "") is (r["Name"] == WALK_IN), r
    by_name = {r["Name"]: r for r in rows}
    assert by_name[WALK_IN]["Position"] == "oppose"
    assert by_name[WALK_IN]["Measure"] == "Docket #0102"
    assert by_name["Bo Chen"]["Speaking"] == "remote"
    assert by_name["Carmen Ruiz"]["Interpreter"] == "Spanish"
    assert by_name["Gloria Santos"]["Interpreter"] == "Spanish"
    assert by_name["Lena Fischer"]["Status"] == "withdrawn"

    name, data = make_export(page, day, "Make the speaker list (PDF)", "Ready: 13 items.")
    assert name.endswith(".pdf") and data.startswith(b"%PDF-")
    text = " ".join(pdftotext(data).split())
    positions = [text.find(speaker) for speaker, _outcome in SPOKE_IN_ORDER]
    assert -1 not in positions, text
    assert positions == sorted(positions), "the PDF lists them in the CSV's order"


# -- the journey ------------------------------------------------------------------------------


@needs_pdftotext
def test_a_whole_hearing_day(browser, site, live_server, day, smtp):
    started = time.monotonic()
    mail = Mailbox(smtp)

    # Twelve residents sign up through the form; each gets a receipt by e-mail.
    since = mail.mark()
    receipts = {
        resident.name: sign_up_through_the_form(browser, live_server, day, resident)
        for resident in RESIDENTS
    }
    received = mail.by_recipient(
        mail.wait(since, 12, lambda m: m["To"] in EMAILS and "/receipts/" in body_of(m))
    )
    assert set(received) == {r.email for r in RESIDENTS}
    assert "Audiencia:" in body_of(received[BY_NAME["Carmen Ruiz"].email])
    languages = dict(
        settled(
            lambda: _db.session.execute(
                select(Testimony.full_name, Testimony.interpreter_language_id).where(
                    Testimony.hearing_id == day.hearing,
                    Testimony.speaking_request != SpeakingRequest.NONE,
                )
            ).all()
        )
    )
    assert {name for name, language in languages.items() if language == day.spanish} == {
        "Carmen Ruiz",
        "Gloria Santos",
    }

    # The clerk orders, adjusts and publishes the run sheet.
    clerk = site.new_page()
    sign_in(clerk, day.clerk)
    ids = prepare_and_publish(clerk, day, mail)

    # Dev cancels from his receipt; Kofi, first on the waitlist, takes the place and is told.
    since = mail.mark()
    cancel_from_the_receipt(browser, live_server, receipts["Dev Patel"])
    (moved_up,) = mail.wait(since, 1, lambda m: "/speaking/" in body_of(m))
    assert moved_up["To"] == BY_NAME["Kofi Mensah"].email
    assert "A place to speak opened for you" in moved_up["Subject"]
    assert "Your place in the speaking order: 10\n" in body_of(moved_up)
    clerk.goto(f"/staff/hearings/{day.hearing}/run-sheet")
    assert waiting_order(clerk)[-1] == "Kofi Mensah"
    assert "Dev Patel" not in waiting_order(clerk)
    assert waitlist(clerk) == ["Lena Fischer"]
    expect(clerk.locator("main")).to_contain_text("Cancelled")
    ids["Kofi Mensah"] = int(row(clerk, "Kofi Mensah").get_attribute("data-speaker"))

    # The morning's packet, then what changed since: the addendum lists exactly that.
    morning_packet_and_addendum(clerk, day)

    # Hank gave up speaking and Lena withdrew: the run sheet takes that in.
    clerk.goto(f"/staff/hearings/{day.hearing}/run-sheet")
    expect(clerk.locator(".notice[role=status]")).to_contain_text(
        "2 sign-ups or withdrawals are not on the list yet."
    )
    clerk.get_by_role("button", name="Bring the list up to date").click()
    expect(flash(clerk)).to_contain_text("The list is up to date.")
    assert "Hank Moore" not in waiting_order(clerk)
    assert waitlist(clerk) == []

    # The hearing, by keyboard, with the public display following.
    run_the_hearing(browser, live_server, clerk, day, ids)
    assert statuses(day.hearing) == {name: SpeakerStatus(o) for name, o in SPOKE_IN_ORDER}

    check_the_speaker_list(clerk, day)
    print(f"\nthe hearing day took {time.monotonic() - started:.1f} s")


# -- two staff screens at once ----------------------------------------------------------------


@pytest.fixture
def queue(db) -> dict:
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk")
    hearing = make_hearing(speaker_minutes=3)
    for minutes, name in ((30, "Ana Reyes"), (20, "Bo Chen"), (10, "Cy Dubois")):
        sign_up(hearing, name, minutes_ago=minutes)
    propose(clerk, hearing)
    values = {"hearing": hearing.id, "clerk": clerk.email}
    commit()
    return values


CLICK = "() => document.getElementById('call-next').click()"


def test_two_screens_calling_next_at_once_move_the_queue_by_one(browser, live_server, site, queue):
    console = f"/staff/hearings/{queue['hearing']}/console"
    # Two devices, each signed in (a session of its own, so each sees its own messages).
    other = browser.new_context(base_url=live_server, locale="en-US")
    other.set_default_timeout(10_000)
    try:
        screens = []
        for context in (site, other):
            screen = context.new_page()
            sign_in(screen, queue["clerk"])
            screen.goto(console)
            expect(screen.locator("#waiting .queue-row")).to_have_count(3)
            screens.append(screen)
        first, second = screens

        # Both show the same list; both press "Call next" without waiting for the other.
        with first.expect_navigation(), second.expect_navigation():
            first.evaluate(CLICK)
            second.evaluate(CLICK)

        said = sorted(screen.locator(".flash").all_inner_texts() for screen in screens)
        assert said[0] == ["Now speaking: Ana Reyes."], said
        # Whichever came second changed nothing, and says why.
        assert len(said[1]) == 1, said
        assert said[1][0].startswith("The speaker list changed on another screen"), said
        for screen in screens:
            expect(screen.locator(".console-floor .floor-name")).to_have_text("Ana Reyes")
    finally:
        other.close()
    assert statuses(queue["hearing"]) == {
        "Ana Reyes": SpeakerStatus.SPEAKING,
        "Bo Chen": SpeakerStatus.WAITING,
        "Cy Dubois": SpeakerStatus.WAITING,
    }
