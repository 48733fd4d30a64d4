"""The exports page and the packet cover say how much testimony awaits review and is left out;
after "Make …" the clerk lands on the export's own page, which shows its progress and starts
the download when the file is ready, without JavaScript."""

from __future__ import annotations

import html
import io
import re
from datetime import timedelta

from pypdf import PdfReader

from app.accounts.models import Role
from app.exports.models import ExportStatus, PacketKind
from app.hearings import services as hearing_services
from app.hearings.models import Hearing
from app.platform.extensions import db as _db
from app.platform.timezones import local_time, utcnow
from app.testimony.models import ReviewStatus
from tests.exports import test_views_background as background
from tests.exports.test_views_background import add_packet, history_url, packets, press
from tests.factories import (
    csrf_token_from,
    make_hearing,
    make_staff_user,
    make_testimony,
    set_review_status,
    signed_in_client,
)

# The background exports' hearing: two measures, three approved testimonies, one pending.
scene = background.scene

META_REFRESH = re.compile(r'<meta http-equiv="refresh" content="([^"]*)">')


def notice(page: str) -> str:
    found = re.search(r'<p class="notice" id="awaiting-review">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)) if found else ""


def cover_text(client, packet) -> str:
    response = client.get(f"/staff/exports/{packet.id}/download")
    assert response.status_code == 200
    if packet.kind is PacketKind.BUNDLE_ZIP:
        raise AssertionError("read the packet, not the bundle")
    return " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())


def test_the_exports_page_says_how_many_await_review(app, db, scene):
    client = signed_in_client(app, scene["clerk"])
    assert notice(client.get(history_url(scene)).text).startswith(
        "1 testimony awaits review and is not in the packet"
    )
    hearing = _db.session.get(Hearing, scene["hearing_id"])
    flagged = make_testimony(hearing, full_name="Flagged One", email="f@example.org")
    set_review_status(flagged.testimony, ReviewStatus.FLAGGED)
    withdrawn = make_testimony(hearing, full_name="Gone", email="g@example.org").testimony
    withdrawn.status, withdrawn.withdrawn_at = ReviewStatus.WITHDRAWN, utcnow()
    _db.session.commit()

    page = client.get(history_url(scene)).text

    assert notice(page).startswith("2 testimonies await review and are not in the packet")
    assert f'href="/staff/hearings/{scene["hearing_id"]}/queue"' in page


def test_nothing_is_said_when_nothing_awaits_review(app, db, scene):
    hearing = make_hearing(title="All reviewed")
    receipt = make_testimony(hearing)
    set_review_status(receipt.testimony, ReviewStatus.APPROVED)
    db.session.commit()
    client = signed_in_client(app, scene["clerk"])

    page = client.get(f"/staff/hearings/{hearing.id}/exports").text

    assert "await review" not in page and "awaits review" not in page


def test_the_packet_cover_prints_the_count_and_an_early_close(app, db, scene):
    hearing = _db.session.get(Hearing, scene["hearing_id"])
    published = hearing.testimony_closes_at
    hearing_services.close_window(scene["clerk"], hearing, now=utcnow())
    _db.session.commit()
    client = signed_in_client(app, scene["clerk"])

    press(client, scene, "packet_pdf")
    [whole] = packets()
    text = cover_text(client, whole)

    assert "1 testimony awaits review and is not in this packet." in text
    closed = local_time(hearing.testimony_closes_at, hearing.timezone)
    was = local_time(published, hearing.timezone)
    expected = f"Testimony closed early on {closed}; the published deadline was {was}."
    assert " ".join(expected.split()) in text
    assert "3 approved testimonies" in text

    # A packet for the first measure, where nothing waits, says nothing about it.
    press(client, scene, "packet_pdf", measure=str(scene["first_id"]))
    first = packets()[-1]
    assert "awaits review" not in cover_text(client, first)


def test_testimony_arriving_for_review_leaves_the_fingerprint_alone(app, db, scene):
    client = signed_in_client(app, scene["clerk"])
    press(client, scene, "packet_pdf")
    make_testimony(_db.session.get(Hearing, scene["hearing_id"]), email="late@example.org")
    _db.session.commit()
    press(client, scene, "packet_pdf")

    before, after = packets()
    assert "1 testimony awaits review" in cover_text(client, before)
    assert "2 testimonies await review" in cover_text(client, after)
    assert before.content_sha256 == after.content_sha256  # the same testimony is printed


def test_make_a_csv_leads_to_its_download(app, db, scene):
    client = signed_in_client(app, scene["clerk"])
    page = client.get(history_url(scene)).text
    response = client.post(
        f"/staff/hearings/{scene['hearing_id']}/exports/testimony_csv",
        data={"csrf_token": csrf_token_from(page)},
    )
    [packet] = packets()
    assert response.status_code == 303

    landing = client.get(response.headers["Location"])

    assert landing.status_code == 200
    download_url = f"/staff/exports/{packet.id}/download"
    assert META_REFRESH.search(landing.text).group(1) == f"0; url={download_url}"
    assert f'href="{download_url}"' in landing.text  # for a browser that ignores the refresh
    assert "Export ready: 4 rows." in html.unescape(landing.text)
    download = client.get(download_url)
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    # Opened later from the history, the page offers the file without starting it again.
    later = client.get(f"/staff/exports/{packet.id}")
    assert META_REFRESH.search(later.text) is None
    assert f'href="{download_url}"' in later.text


def test_a_background_export_page_reloads_until_ready_then_starts_the_download(app, db, scene):
    client = signed_in_client(app, scene["clerk"])
    running = add_packet(scene, ExportStatus.RUNNING, age=timedelta(0))

    page = client.get(f"/staff/exports/{running}?download=1").text

    assert META_REFRESH.search(page).group(1) == "3"  # reloads itself, keeping ?download=1
    assert "Making: step 3 of 10" in page
    assert f"/staff/exports/{running}/download" not in page

    response = press(client, scene, "speakers_pdf")
    made = packets()[-1]
    assert response.headers["Location"].endswith(f"/staff/exports/{made.id}?download=1")
    landing = client.get(response.headers["Location"]).text
    download_url = f"/staff/exports/{made.id}/download"
    assert META_REFRESH.search(landing).group(1) == f"0; url={download_url}"
    assert client.get(download_url).data.startswith(b"%PDF-")


def test_a_failed_export_page_says_so_and_offers_nothing(app, db, scene):
    client = signed_in_client(app, scene["clerk"])
    failed = add_packet(scene, ExportStatus.FAILED, age=timedelta(0))

    page = client.get(f"/staff/exports/{failed}?download=1").text

    assert "Failed" in page
    assert META_REFRESH.search(page) is None
    assert f"/staff/exports/{failed}/download" not in page


def test_the_export_page_is_for_clerks_only(app, db, scene):
    packet_id = add_packet(scene, ExportStatus.RUNNING, age=timedelta(0))
    moderator = make_staff_user(Role.MODERATOR)
    db.session.commit()
    assert signed_in_client(app, moderator).get(f"/staff/exports/{packet_id}").status_code == 403
    assert app.test_client().get(f"/staff/exports/{packet_id}").status_code in (302, 303)
