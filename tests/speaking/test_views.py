"""The clerk's run sheet through the real pages: proposing, moving, dragging, details,
publishing, refusals. Who may reach these routes is covered by tests/accounts/test_access.py."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.platform.outbox import OutboxMessage
from app.speaking import services
from app.speaking.models import SpeakerStatus
from app.testimony.models import Position
from tests.factories import (
    csrf_token_from,
    make_hearing,
    make_staff_user,
    signed_in_client,
    snapshot,
    text_of,
)
from tests.speaking.helpers import names, sign_up

pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


def url(hearing, tail: str = "") -> str:
    return f"/staff/hearings/{hearing.id}/run-sheet{tail}"


@pytest.fixture
def scene(app, db):
    hearing = make_hearing(max_speakers=2)
    for minutes, name, position in (
        (30, "Ana Reyes", Position.SUPPORT),
        (20, "Bo Chen", Position.SUPPORT),
        (15, "Cy Dubois", Position.OPPOSE),
    ):
        sign_up(hearing, name, minutes_ago=minutes, position=position)
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk")
    _db.session.commit()
    return {"hearing": hearing, "client": signed_in_client(app, clerk)}


def post(client, hearing, tail: str, data: dict | None = None, *, version: int | None = None):
    page = client.get(url(hearing))
    shown = re.search(r'name="version" type="hidden" value="(\d+)"', page.text)
    fields = {"csrf_token": csrf_token_from(page.text), "version": shown.group(1)}
    if version is not None:
        fields["version"] = str(version)
    return client.post(url(hearing, tail), data=fields | (data or {}), follow_redirects=True)


def listed(hearing) -> list[tuple[str, str, int | None]]:
    _db.session.expire_all()
    return [(s.full_name, s.status.value, s.place) for s in services.speakers(hearing)]


def test_a_new_run_sheet_offers_to_take_in_the_sign_ups(scene):
    hearing, client = scene["hearing"], scene["client"]
    page = text_of(client.get(url(hearing)))
    assert "3 sign-ups or withdrawals are not on the list yet." in page
    result = text_of(post(client, hearing, "/refresh"))
    assert "The list is up to date." in result
    assert [name for name, _status, _place in listed(hearing)] == [
        "Ana Reyes",
        "Bo Chen",
        "Cy Dubois",
    ]


def test_propose_alternate_then_move_and_drag(scene):
    hearing, client = scene["hearing"], scene["client"]
    result = text_of(post(client, hearing, "/propose", {"rule": "alternate"}))
    assert "The speakers are in the proposed order." in result
    # Two places: the earliest two sign-ups; Cy waits. Alternation has one side only.
    assert listed(hearing) == [
        ("Ana Reyes", "waiting", 1),
        ("Bo Chen", "waiting", 2),
        ("Cy Dubois", "waitlisted", 3),
    ]
    ana, bo, _cy = services.speakers(hearing)
    post(client, hearing, f"/speakers/{bo.id}/up")
    assert names(services.speakers(hearing))[:2] == ["Bo Chen", "Ana Reyes"]
    post(client, hearing, "/reorder", {"order": f"{ana.id},{bo.id}"})
    assert names(services.speakers(hearing))[:2] == ["Ana Reyes", "Bo Chen"]
    page = client.get(url(hearing)).text
    assert 'id="waiting-rows"' in page and f'data-speaker="{ana.id}"' in page
    assert 'Up<span class="visually-hidden"> (<bdi>Ana Reyes</bdi>)</span>' in page


def test_a_stale_page_changes_nothing_and_says_why(scene, db):
    hearing, client = scene["hearing"], scene["client"]
    post(client, hearing, "/propose", {"rule": "first_come"})
    _ana, bo, _cy = services.speakers(hearing)
    before = snapshot(db)
    result = text_of(post(client, hearing, f"/speakers/{bo.id}/up", version=1))
    assert "The speaker list changed on another screen" in result
    assert snapshot(db) == before


@pytest.mark.parametrize("order", ["1,abc", "", "1,,2", "9" * 30_000])
def test_a_garbled_order_is_refused(scene, db, order):
    hearing, client = scene["hearing"], scene["client"]
    post(client, hearing, "/propose", {"rule": "first_come"})
    before = snapshot(db)
    result = text_of(post(client, hearing, "/reorder", {"order": order}))
    assert "Nothing was changed" in result
    assert snapshot(db) == before


def test_a_post_without_its_token_changes_nothing(scene, db):
    hearing, client = scene["hearing"], scene["client"]
    before = snapshot(db)
    response = client.post(url(hearing, "/propose"), data={"rule": "first_come", "version": "1"})
    assert response.status_code in (303, 400)
    assert snapshot(db) == before


def test_speaker_details_refuse_a_dangerous_link(scene):
    hearing, client = scene["hearing"], scene["client"]
    post(client, hearing, "/propose", {"rule": "first_come"})
    ana = services.speakers(hearing)[0]
    page_url = url(hearing, f"/speakers/{ana.id}")
    page = client.get(page_url)
    response = client.post(
        page_url,
        data={"csrf_token": csrf_token_from(page.text), "remote_link": "javascript:alert(1)"},
    )
    assert response.status_code == 200
    assert "Enter a web address starting with https://" in text_of(response)
    _db.session.expire_all()
    assert services.speakers(hearing)[0].remote_link is None
    response = client.post(
        page_url,
        data={
            "csrf_token": csrf_token_from(page.text),
            "is_official": "y",
            "remote_link": "https://example.org/panel/ana",
        },
        follow_redirects=True,
    )
    assert "Saved." in text_of(response)
    _db.session.expire_all()
    ana = services.speakers(hearing)[0]
    assert ana.is_official and ana.remote_link == "https://example.org/panel/ana"
    assert client.get(url(hearing, "/speakers/999999")).status_code == 404


def test_publishing_tells_the_speakers(scene, db):
    hearing, client = scene["hearing"], scene["client"]
    post(client, hearing, "/propose", {"rule": "first_come"})
    result = text_of(post(client, hearing, "/publish"))
    assert "The run sheet is published." in result
    assert "3 speakers are being told their place by e-mail." in result
    kinds = db.session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.kind.like("speaker%"))
    )
    assert sorted(kinds) == ["speaker_place"] * 3
    assert "1 speaker is being told" not in text_of(post(client, hearing, "/publish"))
    audited = db.session.scalar(
        select(func.count()).where(AuditEvent.action == "run_sheet.published")
    )
    assert audited == 2


def test_names_are_escaped_on_the_run_sheet(app, db):
    hearing = make_hearing()
    sign_up(hearing, "<script>alert(1)</script>", minutes_ago=5, organization="{{ 7*191 }}")
    clerk = make_staff_user(Role.CLERK)
    _db.session.commit()
    client = signed_in_client(app, clerk)
    post(client, hearing, "/propose", {"rule": "first_come"})
    page = client.get(url(hearing)).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert "1337" not in page
    assert services.speakers(hearing)[0].status is SpeakerStatus.WAITING


def test_right_to_left_names_are_isolated_on_the_run_sheet(app, db):
    hearing = make_hearing()
    sign_up(hearing, "مريم الحسن", minutes_ago=5, organization="עמותת השכונה")
    clerk = make_staff_user(Role.CLERK)
    _db.session.commit()
    client = signed_in_client(app, clerk)
    post(client, hearing, "/propose", {"rule": "first_come"})
    page = client.get(url(hearing)).text
    assert "<bdi>مريم الحسن</bdi>" in page
    assert "<bdi>עמותת השכונה</bdi>" in page
