"""Position sign-ins in real Chromium, with the receipt going to a real SMTP server: a resident
records positions on two measures from the hearing's page, meets the error summary first, then
changes and withdraws from the receipt; a Spanish reader does the same in Spanish; a moderator
rejects one from the sign-in tab and the public count follows."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import Role
from app.hearings.models import Hearing
from app.platform.extensions import db
from app.signins.models import SignIn, SignInStatus
from app.testimony.models import Position
from tests.browser.conftest import commit, sign_in
from tests.browser.test_hearing_day import Mailbox, body_of
from tests.factories import make_hearing, make_sign_in, make_staff_user

TRACKING = re.compile(r"OS-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}")


@pytest.fixture
def bills(db):
    """An open hearing on companion bills (a House and a Senate number for the same text)."""
    hearing = make_hearing(title="Hearing on a moratorium on face recognition", measures=2)
    hearing.measures[0].number, hearing.measures[1].number = "H.1538", "S.1385"
    ids = (hearing.id, hearing.measures[0].label, hearing.measures[1].label)
    commit()
    return ids


def stored() -> list[tuple[str, SignInStatus, list[tuple[str, Position]]]]:
    rows = [
        (s.full_name, s.status, [(p.measure.number, p.position) for p in s.in_agenda_order()])
        for s in db.session.scalars(select(SignIn).order_by(SignIn.id))
    ]
    db.session.rollback()  # release SQLite's lock before the browser goes on
    return rows


def test_a_resident_signs_in_on_both_bills_then_changes_and_withdraws(page, bills, smtp):
    smtp.start()
    mail = Mailbox(smtp)
    hearing_id, house, senate = bills
    page.goto(f"/hearings/{hearing_id}")
    page.get_by_role("link", name="Record your position without testimony").click()
    page.wait_for_url(f"**/hearings/{hearing_id}/positions/new")

    # Sent empty: the error summary takes the focus and names each problem.
    page.get_by_role("button", name="Record my position").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Choose support, oppose or neutral on at least one measure.")
    expect(summary).to_contain_text("Enter your full name.")
    assert stored() == []

    page.get_by_role("group", name=house).get_by_role("radio", name="Support").check()
    page.get_by_role("group", name=senate).get_by_role("radio", name="Oppose").check()
    page.get_by_label("Full name", exact=True).fill("Nour El-Amin نور الأمين")
    page.get_by_label("E-mail address", exact=True).fill("nour@example.org")
    page.get_by_label("City or town", exact=True).fill("Cambridge")
    page.get_by_label("ZIP code", exact=True).fill("02139")
    page.get_by_label("I understand that my name").check()
    since = mail.mark()
    page.get_by_role("button", name="Record my position").click()
    page.wait_for_url("**/positions/*")

    number = page.get_by_test_id("tracking-number").inner_text()
    assert TRACKING.fullmatch(number)
    expect(page.locator("main")).to_contain_text("Recorded and counted")
    [receipt] = mail.wait(since, 1)
    assert receipt["To"] == "nour@example.org" and number in receipt["Subject"]
    text = body_of(receipt)
    assert "H.1538: Support" in text and "S.1385: Oppose" in text
    assert stored() == [
        (
            "Nour El-Amin نور الأمين",
            SignInStatus.PUBLISHED,
            [("H.1538", Position.SUPPORT), ("S.1385", Position.OPPOSE)],
        )
    ]
    receipt_url = page.url

    page.get_by_role("link", name="Change positions").click()
    page.get_by_role("group", name=house).get_by_role("radio", name="No position").check()
    page.get_by_role("group", name=senate).get_by_role("radio", name="Neutral").check()
    page.get_by_role("button", name="Save positions").click()
    page.wait_for_url(receipt_url)
    expect(page.locator(".flash-list[role=status]")).to_contain_text("Your positions were changed.")
    assert stored()[0][2] == [("S.1385", Position.NEUTRAL)]

    page.get_by_role("link", name="Withdraw sign-in").click()
    page.get_by_role("button", name="Withdraw my sign-in").click()
    page.wait_for_url(receipt_url)
    expect(page.locator("h1")).to_have_text("Sign-in withdrawn")
    assert stored()[0][1] is SignInStatus.WITHDRAWN


def test_a_spanish_reader_signs_in_in_spanish(browser, live_server, bills, smtp):
    smtp.start()
    mail = Mailbox(smtp)
    hearing_id, house, _senate = bills
    context = browser.new_context(base_url=live_server, locale="es-ES")
    page = context.new_page()
    page.goto(f"/hearings/{hearing_id}/positions/new")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("group", name=house).get_by_role("radio", name="A favor").check()
    page.get_by_label("Nombre completo", exact=True).fill("Rosa Delgado")
    page.get_by_label("Correo electrónico", exact=True).fill("rosa@example.org")
    page.get_by_label("Ciudad o pueblo", exact=True).fill("Chelsea")
    page.get_by_label("Código postal (ZIP)", exact=True).fill("02150")
    page.locator("#public_record_acknowledged").check()
    since = mail.mark()
    page.locator("form.sign-in-form button[type=submit]").last.click()
    page.wait_for_url("**/positions/*")
    expect(page.locator("h1")).to_have_text("Posición registrada")
    [receipt] = mail.wait(since, 1)
    assert "Posición registrada" in receipt["Subject"]
    assert "H.1538: A favor" in body_of(receipt)
    context.close()


def test_a_moderator_rejects_a_sign_in_and_the_public_count_follows(page, bills):
    hearing_id, _house, _senate = bills
    hearing_row = db.session.get(Hearing, hearing_id)
    first = hearing_row.measures[0].id
    for n, name in enumerate(("Ana Reyes", "Spam Bot", "Li Wei")):
        make_sign_in(
            hearing_row,
            full_name=name,
            email=f"s{n}@example.org",
            positions=((first, Position.SUPPORT),),
        )
    moderator = make_staff_user(Role.MODERATOR)
    email = moderator.email
    commit()
    page.goto(f"/hearings/{hearing_id}")
    expect(page.locator("main")).to_contain_text("support 3, oppose 0, neutral 0")

    sign_in(page, email)
    page.goto(f"/moderation/hearings/{hearing_id}/sign-ins")
    row = page.get_by_role("row").filter(has_text="Spam Bot")
    row.get_by_role("checkbox").check()
    page.get_by_label("Decision").select_option("rejected")
    page.get_by_label("Reason (when rejecting)").select_option("spam")
    page.get_by_role("button", name="Apply the decision").click()
    expect(page.locator(".flash-list[role=status]")).to_contain_text("1 sign-in changed.")
    expect(page.get_by_role("row").filter(has_text="Spam Bot")).to_contain_text("Rejected")

    page.goto(f"/hearings/{hearing_id}")
    expect(page.locator("main")).to_contain_text("support 2, oppose 0, neutral 0")
