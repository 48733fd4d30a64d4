"""Following a hearing in real Chromium, by keyboard: the form on the hearing page, the
confirmation button, the manage page, and the form's error summary."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from app.following import links
from app.following.models import Follower, Frequency
from tests.browser.conftest import commit
from tests.factories import make_hearing

TITLE = "Hearing on library opening hours"


def _path(url: str) -> str:
    return url.removeprefix("https://testimony.example.org").removeprefix("http://127.0.0.1:5000")


def test_a_resident_follows_a_measure_and_confirms(page, db):
    hearing = make_hearing(title=TITLE)
    hearing_id, number = hearing.id, hearing.measures[0].number
    commit()

    page.goto(f"/hearings/{hearing_id}")
    box = page.locator("section.follow-box")
    box.get_by_role("radio", name=f"The measure {number}", exact=False).check()
    box.get_by_label("E-mail address").fill("lena@example.org")
    box.get_by_role("radio", name="At most once a day, in a digest").check()
    box.get_by_label("E-mail address").press("Enter")
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    follower = db.session.scalars(select(Follower)).one()
    confirm = _path(links.confirm_url(follower.follows[0], "all"))
    manage = _path(links.follower_url(follower, links.MANAGE))
    assert follower.frequency is Frequency.DAILY and follower.confirmed_at is None
    db.session.rollback()  # release SQLite's lock before the browser goes on

    page.goto(confirm)
    page.get_by_role("button", name="Yes, send me e-mail").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("you are now following")

    page.goto(manage)
    expect(page.get_by_role("listitem")).to_contain_text(number)
    page.get_by_role("button", name=f"Stop following the measure {number}", exact=False).click()
    expect(page.get_by_role("status")).to_contain_text("You no longer follow that.")
    db.session.expire_all()
    assert db.session.scalars(select(Follower)).one().follows == []
    db.session.rollback()


def test_the_follow_form_shows_its_errors(page, db):
    hearing = make_hearing(title=TITLE)
    hearing_id = hearing.id
    commit()
    page.goto(f"/hearings/{hearing_id}/follow")
    page.get_by_label("E-mail address").fill("not an address")
    page.get_by_role("button", name="Follow").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Enter an e-mail address like")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("E-mail address")).to_be_focused()
