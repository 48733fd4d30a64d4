"""Hostile uploads: files built to stall the site, to expand into hundreds of megabytes, to run
code on a committee member's computer, or to carry a virus. Each is refused with a message
the resident can act on, or reaches staff and the committee only as a cleaned PDF named
`<n>-<safe name>.pdf`."""

from __future__ import annotations

import base64
import contextlib
import io
import os
import shutil
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest
from sqlalchemy import func, select
from werkzeug.http import parse_options_header

from app.exports.builders import ExportRequest, build
from app.exports.models import PacketKind
from app.platform.extensions import db as database
from app.platform.file_names import attachment_file_name
from app.platform.storage import file_store
from app.platform.timezones import utcnow
from app.testimony.models import Attachment, ReviewStatus, Testimony
from app.testimony.pdf_check import CheckedPdf, RejectedFile, check_pdf
from app.testimony.submissions import Upload
from tests.factories import (
    form_fields,
    make_hearing,
    make_pdf,
    make_testimony,
    set_review_status,
    signed_in_client,
)
from tests.security import hostile_pdfs as hostile

MAX = {"max_bytes": 10_000_000, "max_pages": 100}

TOO_COMPLEX = "too many parts to check"
EXPANDS = "contents expand to more than 80 MB"
DAMAGED = "could not be opened; it may be damaged"
TOO_MANY_PAGES = "more than 100 pages"


def refusal(data: bytes) -> str:
    with pytest.raises(RejectedFile) as refused:
        check_pdf(data, **MAX, scan_for_malware=False)
    return str(refused.value)


# --- Files built to stall the check -----------------------------------------------------------


def test_a_pdf_with_90000_page_objects_is_refused_before_it_is_parsed():
    """The file from the report: 8.7 MB, 90,000 page objects, 6 s and 300 MB per check."""
    assert TOO_COMPLEX in refusal(hostile.pages_pdf(90_000))


def test_a_pdf_with_90000_page_objects_and_a_broken_xref_is_refused():
    """A broken cross-reference table makes a reader scan the whole file to rebuild it."""
    assert TOO_COMPLEX in refusal(hostile.pages_pdf(90_000, broken_xref=True))


def test_90000_page_objects_packed_in_an_object_stream_are_counted_and_refused():
    """Objects hidden in a compressed object stream, invisible to a search of the raw bytes."""
    data = hostile.object_stream_pdf(90_000)
    assert len(data) < 2_000_000
    assert TOO_COMPLEX in refusal(data)


def test_a_page_tree_listing_one_page_a_million_times_is_refused():
    """Few objects, but a /Kids array of a million references to the same page."""
    assert TOO_COMPLEX in refusal(hostile.wide_tree_pdf())


def test_a_page_tree_listing_one_page_200_times_is_refused_as_too_many_pages():
    """Under every size cap, but 200 pages once the tree is walked."""
    assert TOO_MANY_PAGES in refusal(hostile.wide_tree_pdf(200))


def test_a_page_tree_nested_5000_deep_is_refused():
    """Page-tree nodes nested 5,000 deep, to exhaust a recursive reader's stack."""
    assert DAMAGED in refusal(hostile.deep_tree_pdf())


def test_a_page_tree_that_contains_itself_is_refused():
    """A page-tree node listed among its own kids would make a naive walk loop forever."""
    assert DAMAGED in refusal(hostile.looped_tree_pdf())


def test_an_array_of_four_million_numbers_is_refused_before_it_is_parsed():
    """8 MB of `0 0 0 ...` costs a PDF library hundreds of megabytes to hold."""
    assert TOO_COMPLEX in refusal(hostile.big_array_pdf())


def test_90000_tiny_streams_are_refused():
    """Many tiny content streams, each an object to parse and a stream to inflate."""
    assert TOO_COMPLEX in refusal(hostile.many_streams_pdf(90_000))


def test_a_file_of_obj_keywords_is_refused():
    """Ten megabytes of `obj` keywords, to make the survey itself slow."""
    assert TOO_COMPLEX in refusal(b"%PDF-1.7\n" + b"obj " * 2_000_000)


def cpu_of_refusal(data: bytes) -> float:
    started = time.thread_time()
    refusal(data)
    return time.thread_time() - started


def test_a_line_of_dictionary_ends_and_comments_is_surveyed_in_one_pass():
    """`>>%>>%>>%...`: each `>>` could start a comment running to the end of the line, so a
    survey trying each would take time growing with the square of the size (48 KB: 10 s)."""
    assert cpu_of_refusal(b"%PDF-1.7\n" + b">>%" * 16_000) < 0.5
    assert cpu_of_refusal(b"%PDF-1.7\n" + b">>%" * 3_000_000) < 1.5


def test_a_dictionary_of_unclosed_filter_arrays_is_surveyed_in_one_pass():
    """`/Filter[/Filter[...` without a `]`, before many streams: searching each stream's
    dictionary for its filters would scan every array to the end (50 streams: 30 s)."""
    head = b"%PDF-1.7\n1 0 obj\n<<" + b"/Filter[" * 8_192
    assert cpu_of_refusal(head + b">>stream\nendstream\n" * 50) < 0.5
    assert cpu_of_refusal(head + b">>stream\nendstream\n" * 300_000) < 1.5


def test_a_long_ascii85_stream_costs_no_more_than_the_budget():
    """Nine megabytes of ASCII85 text: decoding it in one call of Python code took 2 s."""
    text = base64.a85encode(b"\x01\x02\x03\x04" * 1_900_000) + b"~>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        hostile.stream(text, b"/Filter /ASCII85Decode"),
    ]
    started = time.thread_time()
    with contextlib.suppress(RejectedFile):
        check_pdf(hostile.write_pdf(objects), **MAX, scan_for_malware=False)
    assert time.thread_time() - started < 1.0


def test_a_flate_bomb_behind_a_comment_holding_angle_brackets_is_refused():
    """A comment holding `>` or `>>` between the dictionary and `stream` hides nothing."""
    for between in (b" %a>b\n", b" %a>>\n", b"%>\n%>>>\n"):
        data = hostile.flate_bomb_pdf(200_000_000).replace(
            b">>\nstream\n", b">>" + between + b"stream\n", 1
        )
        assert EXPANDS in refusal(data)


# --- Flate bombs ------------------------------------------------------------------------------


def test_a_200_kb_stream_that_expands_to_200_mb_is_refused():
    """The flate bomb from the report: accepted, then copied into packet.pdf and the bundle."""
    data = hostile.flate_bomb_pdf(200_000_000)
    assert len(data) < 300_000
    assert EXPANDS in refusal(data)


def test_a_flate_bomb_whose_filter_name_is_disguised_is_refused():
    """`/Fl#61teDecode` is `/FlateDecode` to a PDF reader; the check is not fooled."""
    assert EXPANDS in refusal(hostile.flate_bomb_pdf(200_000_000, hide_filter=True))


def test_a_flate_bomb_behind_a_comment_is_refused():
    """A comment between the stream's dictionary and `stream` does not hide it."""
    assert EXPANDS in refusal(hostile.flate_bomb_pdf(200_000_000, comment=True))


def test_a_flate_bomb_with_endstream_written_inside_its_data_is_refused():
    """`endstream` as the first bytes of the compressed data, and /Length held elsewhere: the
    check expands the data to its real end, as a PDF reader following /Length would."""
    assert EXPANDS in refusal(hostile.flate_bomb_pdf(200_000_000, endstream_inside=True))


def test_an_object_stream_that_expands_to_50_mb_is_refused():
    """An object stream a PDF library must expand in memory to read any object in it."""
    assert EXPANDS in refusal(hostile.object_stream_pdf(10, expanded_padding=50_000_000))


def test_a_flate_bomb_sent_through_the_form_is_refused_and_nothing_is_kept(client, db):
    """A resident's form with a flate bomb attached comes back with the reason; nothing is
    stored."""
    hearing = make_hearing()
    db.session.commit()
    response = submit(client, hearing, hostile.flate_bomb_pdf(), "bomb.pdf")
    assert response.status_code == 200
    assert "bomb.pdf: The PDF&#39;s contents expand to more than 80 MB" in response.text
    assert db.session.scalar(select(func.count(Testimony.id))) == 0
    assert db.session.scalar(select(func.count(Attachment.id))) == 0


def test_the_90000_page_file_sent_through_the_form_is_refused_with_a_message(client, db):
    """The report's 8.7 MB file, through the form: refused with advice, nothing kept."""
    hearing = make_hearing()
    db.session.commit()
    response = submit(client, hearing, hostile.pages_pdf(90_000), "pages.pdf")
    assert response.status_code == 200
    assert "pages.pdf: The PDF is built from too many parts to check" in response.text
    assert db.session.scalar(select(func.count(Testimony.id))) == 0


# --- Active content ---------------------------------------------------------------------------


def test_scripts_launch_actions_embedded_files_and_xfa_are_removed_at_upload(client, db):
    """A PDF that runs JavaScript on opening, launches cmd.exe from a link, embeds app.py and
    an XFA form is stored only as its cleaned copy, with its page."""
    original = hostile.active_content_pdf()
    assert {"/JS", "/Launch", "/EmbeddedFiles", "/XFA", "/OpenAction"} <= hostile.active_content_in(
        original
    )
    hearing = make_hearing()
    db.session.commit()
    response = submit(client, hearing, original, "statement.pdf")
    assert response.status_code == 303
    [attachment] = db.session.scalars(select(Attachment)).all()
    stored = file_store().get(attachment.sha256)
    assert hostile.active_content_in(stored) == set()
    assert b"os.system" not in stored and b"cmd.exe" not in stored
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert len(pdf.pages) == 1
        assert b"Statement" in pdf.pages[0].Contents.read_bytes()


def stored_before_the_fix(hearing, files: list[tuple[str, bytes]]):
    """Testimony whose attachments were stored as sent, as they were before uploads were
    cleaned (the form can no longer store such files)."""
    uploads = tuple(
        Upload(filename=name, pdf=CheckedPdf(data=data, page_count=1)) for name, data in files
    )
    testimony = make_testimony(hearing, uploads=uploads).testimony
    set_review_status(testimony, ReviewStatus.APPROVED)
    database.session.commit()
    return testimony


def bundle_of(hearing, workdir):
    workdir.mkdir(parents=True, exist_ok=True)
    built = build(
        ExportRequest(
            kind=PacketKind.BUNDLE_ZIP,
            hearing=hearing,
            measure=None,
            generated_at=utcnow(),
            generated_by="Casey Clerk",
            workdir=workdir,
        )
    )
    return zipfile.ZipFile(built.path)


def test_the_bundle_holds_cleaned_attachments_named_n_safe_name_pdf(db, tmp_path):
    """Files stored as sent, with scripts and embedded files and named `app.py` and `passwd`,
    reach the committee's bundle only cleaned, as `1-app_py.pdf` and `2-passwd.pdf`."""
    hearing = make_hearing()
    active = hostile.active_content_pdf()
    testimony = stored_before_the_fix(hearing, [("app.py", active), ("passwd", active)])

    with bundle_of(hearing, tmp_path / "work") as bundle:
        entries = sorted(n for n in bundle.namelist() if n.startswith("attachments/"))
        folder = f"attachments/{testimony.tracking_number}/"
        assert entries == [folder + "1-app_py.pdf", folder + "2-passwd.pdf"]
        for entry in entries:
            data = bundle.read(entry)
            assert hostile.active_content_in(data) == set()
            assert b"os.system" not in data
        packet = bundle.read("packet.pdf")
    assert hostile.active_content_in(packet) == set()


@pytest.mark.parametrize(
    ("sent", "named"),
    [
        ("شَهادة.pdf", "1-شَهادة.pdf"),
        ("עֵדוּת.PDF", "1-עֵדוּת.pdf"),
        ("invoice\u202efdp.exe", "1-invoice_fdp_exe.pdf"),
        ("👩🏽\u200d⚕️ report.pdf", "1-report.pdf"),
        ("❤️.pdf", "1-attachment.pdf"),
    ],
)
def test_right_to_left_and_emoji_file_names_keep_their_letters_and_nothing_unseen(sent, named):
    """Arabic and Hebrew names keep their letters and vowel marks; a right-to-left override
    and an emoji's modifiers and variation selector (invisible alone) do not survive."""
    assert attachment_file_name(1, sent) == named


def test_a_flate_bomb_stored_before_the_fix_stays_out_of_the_bundle(db, tmp_path):
    """A bomb accepted by the old check is not copied into the bundle."""
    hearing = make_hearing()
    testimony = stored_before_the_fix(
        hearing, [("bomb.pdf", hostile.flate_bomb_pdf()), ("fine.pdf", make_pdf(1))]
    )
    with bundle_of(hearing, tmp_path / "work") as bundle:
        entries = [n for n in bundle.namelist() if n.startswith("attachments/")]
    assert entries == [f"attachments/{testimony.tracking_number}/2-fine.pdf"]


def test_one_file_sent_with_many_testimonies_is_cleaned_once_per_bundle(db, tmp_path, monkeypatch):
    """A campaign's flyer attached by every resident is cleaned once, and listed for each."""
    from app.exports import builders

    hearing = make_hearing()
    shared = make_pdf(1)
    first = stored_before_the_fix(hearing, [("flyer.pdf", shared)])
    second = stored_before_the_fix(hearing, [("flyer.pdf", shared)])
    cleaned = []
    real = builders.write_clean_copy
    monkeypatch.setattr(
        builders, "write_clean_copy", lambda *a, **kw: cleaned.append(1) or real(*a, **kw)
    )

    with bundle_of(hearing, tmp_path / "work") as bundle:
        entries = sorted(n for n in bundle.namelist() if n.startswith("attachments/"))
    assert entries == sorted(
        f"attachments/{t.tracking_number}/1-flyer.pdf" for t in (first, second)
    )
    assert len(cleaned) == 1


def test_a_moderator_downloads_the_cleaned_file_named_n_safe_name_pdf(app, db):
    """The staff download of `app.py` (stored as sent) is the cleaned PDF, `1-app_py.pdf`."""
    hearing = make_hearing()
    testimony = stored_before_the_fix(hearing, [("app.py", hostile.active_content_pdf())])
    browser = signed_in_client(app)

    response = browser.get(f"/staff/attachments/{testimony.attachments[0].id}")

    assert response.status_code == 200
    _disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert options["filename"] == "1-app_py.pdf"
    assert hostile.active_content_in(response.data) == set()
    assert b"os.system" not in response.data


def test_a_moderator_is_told_when_a_stored_bomb_cannot_be_opened_safely(app, db):
    """Downloading a bomb stored before the fix gives a message, not 200 MB of memory."""
    hearing = make_hearing()
    testimony = stored_before_the_fix(hearing, [("bomb.pdf", hostile.flate_bomb_pdf())])
    browser = signed_in_client(app)

    response = browser.get(
        f"/staff/attachments/{testimony.attachments[0].id}", follow_redirects=True
    )
    assert response.status_code == 200
    assert "This attachment cannot be opened safely" in response.text


# --- Malware ----------------------------------------------------------------------------------


def _installed(program: str) -> bool:
    """Missing ClamAV skips these tests on a developer's machine; CI sets REQUIRE_CLAMAV=1 and
    installs it, so there a missing scanner is a failure, not a silent skip."""
    if shutil.which(program):
        return True
    if os.environ.get("REQUIRE_CLAMAV") == "1":
        pytest.fail(f"REQUIRE_CLAMAV=1 but ClamAV's {program} is not installed", pytrace=False)
    return False


needs_clamscan = pytest.mark.skipif(
    not _installed("clamscan"), reason="ClamAV's clamscan is not installed"
)


@pytest.fixture
def clamscan(config, tmp_path):
    """The real clamscan, with a signature database of our own that knows the EICAR test
    string (no signatures are downloaded)."""
    database = tmp_path / "opentestimony-test.ndb"
    database.write_text(f"OpenTestimony.Test.EICAR:0:*:{hostile.EICAR.hex()}\n")
    config["CLAMSCAN"] = "clamscan"
    config["CLAMAV_DATABASE"] = str(database)
    return database


def eicar_pdf() -> bytes:
    return hostile.write_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            hostile.stream(hostile.EICAR),
        ]
    )


@needs_clamscan
def test_a_pdf_carrying_the_eicar_test_virus_is_refused(client, db, clamscan):
    """ClamAV finds the EICAR string in the upload: refused with a clear message, nothing
    kept."""
    hearing = make_hearing()
    db.session.commit()
    response = submit(client, hearing, eicar_pdf(), "eicar.pdf")
    assert response.status_code == 200
    assert "eicar.pdf: Our virus scanner found malware in this file" in response.text
    assert db.session.scalar(select(func.count(Testimony.id))) == 0


@needs_clamscan
def test_a_clean_pdf_passes_the_virus_scan(client, db, clamscan):
    """With ClamAV configured an ordinary PDF is accepted as before."""
    hearing = make_hearing()
    db.session.commit()
    response = submit(client, hearing, make_pdf(2), "statement.pdf")
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(Attachment.id))) == 1
    assert client.get("/healthz").get_json()["checks"]["malware_scan"] == {
        "ok": True,
        "detail": "clamscan",
    }


@pytest.fixture
def clamd(config, tmp_path):
    """A real clamd on a socket of its own, with the same EICAR-only signature database."""
    import socket
    import subprocess
    import tempfile
    import time

    folder = Path(tempfile.mkdtemp(prefix="clamd-", dir="/tmp"))  # socket paths are short
    (folder / "db").mkdir()
    (folder / "db" / "opentestimony-test.ndb").write_text(
        f"OpenTestimony.Test.EICAR:0:*:{hostile.EICAR.hex()}\n"
    )
    sock = folder / "clamd.sock"
    (folder / "clamd.conf").write_text(
        f"LocalSocket {sock}\nDatabaseDirectory {folder / 'db'}\nForeground yes\n"
        f"LogFile {folder / 'clamd.log'}\nTemporaryDirectory {folder}\n"
    )
    daemon = subprocess.Popen(  # noqa: S603 - the installed clamd, no shell
        [shutil.which("clamd"), "-c", str(folder / "clamd.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):  # it loads its signatures first
            if sock.exists():
                with socket.socket(socket.AF_UNIX) as probe:
                    if probe.connect_ex(str(sock)) == 0:
                        break
            time.sleep(0.1)
        else:
            pytest.fail("clamd did not start")
        config["CLAMD_SOCKET"] = str(sock)
        config["CLAMSCAN"] = ""
        yield sock
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(not _installed("clamd"), reason="ClamAV's clamd is not installed")
def test_clamd_finds_the_eicar_test_virus_and_passes_a_clean_pdf(client, db, clamd):
    """The same through a clamd daemon's socket (the production set-up): EICAR refused, an
    ordinary PDF accepted, /healthz sees clamd answer."""
    hearing = make_hearing()
    db.session.commit()
    refused = submit(client, hearing, eicar_pdf(), "eicar.pdf")
    assert refused.status_code == 200
    assert "eicar.pdf: Our virus scanner found malware in this file" in refused.text
    accepted = submit(client, hearing, make_pdf(1), "statement.pdf")
    assert accepted.status_code == 303
    assert client.get("/healthz").get_json()["checks"]["malware_scan"] == {
        "ok": True,
        "detail": "clamd",
    }


def test_an_upload_is_refused_when_the_configured_scanner_cannot_be_run(client, db, config):
    """Scanning is promised but clamscan is missing: the file is refused (never accepted
    unscanned), the resident is told to retry, and /healthz warns."""
    config["CLAMSCAN"] = "/nonexistent/clamscan"
    hearing = make_hearing()
    db.session.commit()
    response = submit(client, hearing, make_pdf(1), "statement.pdf")
    assert response.status_code == 200
    assert "could not be checked for viruses just now" in response.text
    assert db.session.scalar(select(func.count(Testimony.id))) == 0
    health = client.get("/healthz")
    assert health.status_code == 200
    assert "clamscan is not installed" in health.get_json()["checks"]["malware_scan"]["warning"]


def test_healthz_warns_when_uploads_are_not_scanned(client, db, config):
    """Without ClamAV configured, uploads are accepted unscanned and /healthz says so."""
    config["CLAMD_SOCKET"] = ""
    config["CLAMSCAN"] = ""
    health = client.get("/healthz")
    assert health.status_code == 200
    scan = health.get_json()["checks"]["malware_scan"]
    assert scan["ok"] is True
    assert "not scanned for malware" in scan["warning"]


def test_a_server_started_without_malware_scanning_says_so_in_its_log(app, db, config, caplog):
    """Each gunicorn worker logs at start that uploads will not be scanned."""
    import logging

    from app.health import report_at_start

    config["CLAMD_SOCKET"] = ""
    config["CLAMSCAN"] = ""
    with caplog.at_level(logging.WARNING, logger="opentestimony"):
        report_at_start(app)
    assert any(
        "Health check malware_scan: uploads are not scanned for malware" in r.getMessage()
        for r in caplog.records
    )


def submit(client, hearing, data: bytes, name: str):
    url = f"/hearings/{hearing.id}/testimony/new"
    fields = form_fields(hearing, client.get(url).text)
    fields["attachments"] = [(io.BytesIO(data), name, "application/pdf")]
    return client.post(url, data=fields, content_type="multipart/form-data")


# --- Ordinary files survive cleaning ----------------------------------------------------------


def ordinary_pdf() -> bytes:
    """What a resident's own PDF often holds: an outline, a link, a filled-in form, an image."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.bookmarkPage("start")
    page.addOutlineEntry("Start", "start")
    page.drawString(72, 720, "Testimony against face surveillance")
    page.linkURL("https://example.org", (72, 700, 300, 715))
    page.acroForm.textfield(name="name", value="Denise Okafor", x=72, y=600, width=200, height=20)
    page.drawImage(ImageReader(Image.new("RGB", (80, 60), (200, 30, 30))), 72, 200, 200, 150)
    page.showPage()
    page.drawString(72, 720, "Second page")
    page.showPage()
    page.save()
    return buffer.getvalue()


def test_an_ordinary_pdf_keeps_its_pages_text_image_and_filled_in_values():
    """Cleaning removes what acts, not what a reader sees: the text, the image and what the
    form field shows stay on the page."""
    from pypdf import PdfReader

    checked = check_pdf(ordinary_pdf(), **MAX, scan_for_malware=False)

    assert checked.page_count == 2
    reader = PdfReader(io.BytesIO(checked.data))
    first = reader.pages[0].extract_text()
    assert "Testimony against face surveillance" in first
    assert "Denise Okafor" in first  # the field's value, now part of the page
    assert "Second page" in reader.pages[1].extract_text()
    assert len(reader.pages[0].images) == 1
    assert hostile.active_content_in(checked.data) == set()
    with pikepdf.open(io.BytesIO(checked.data)) as pdf:
        assert "/AcroForm" not in pdf.Root and "/Outlines" not in pdf.Root
        assert "/Annots" not in pdf.pages[0].obj
