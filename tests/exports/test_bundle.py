"""The bundle ZIP a clerk sends to the committee: what is in it, its manifest, and its names."""

from __future__ import annotations

import hashlib
import io
import json
import time
import unicodedata
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest

from app.exports.builders import ExportRequest, build
from app.exports.bundle import MANIFEST_FORMAT, attachment_entry_name
from app.exports.models import PacketKind
from app.platform.file_names import attachment_file_name, safe_file_name
from app.testimony.models import ReviewStatus, SpeakingRequest
from app.testimony.pdf_check import CheckedPdf
from app.testimony.submissions import Upload
from tests.factories import make_hearing, make_pdf, make_testimony, set_review_status

GENERATED_AT = datetime(2024, 3, 5, 14, 30, tzinfo=UTC)
TITLE = "Hearing on a ban of face surveillance"
SHEETS_AND_PRINTS = [
    "packet.pdf",
    "testimony.csv",
    "testimony.xlsx",
    "speakers.csv",
    "speakers.pdf",
]
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{kind}{n}" for kind in ("COM", "LPT") for n in range(1, 10)
}

HEBREW = "עדות ציבורית.pdf"
CHINESE = "证词 关于监控.pdf"
# Names residents gave their files, as a browser may send them. PostgreSQL refuses NUL
# characters and the column holds 255 characters, so those two only reach the database on
# SQLite; safe_file_name is tested with them directly below.
HOSTILE_NAMES = [
    "../../etc/passwd.pdf",
    "C:\\evil.pdf",
    "CON.pdf",
    "line\nbreak.pdf",
    "tab\tand\rreturn.pdf",
    "/absolute/root.pdf",
    "y" * 250 + ".pdf",
    HEBREW,
    CHINESE,
]
SQLITE_ONLY_NAMES = ["nul\x00byte.pdf", "z" * 296 + ".pdf"]


def upload(name: str, pages: int = 1) -> Upload:
    return Upload(filename=name, pdf=CheckedPdf(data=make_pdf(pages), page_count=pages))


def assert_safe_entry(name: str) -> None:
    assert name, "empty entry name"
    assert not name.startswith("/"), name
    assert not (len(name) > 1 and name[1] == ":"), name  # C:...
    assert ".." not in name, name
    assert "\\" not in name, name
    assert not any(unicodedata.category(c).startswith("C") for c in name), repr(name)
    for part in name.split("/"):
        assert part and part not in {".", ".."}, name
        assert not part.startswith("."), name
        assert part.split(".")[0].upper() not in WINDOWS_RESERVED, name


def make_bundle(hearing, workdir: Path, *, measure=None) -> Path:
    workdir.mkdir(parents=True, exist_ok=True)
    built = build(
        ExportRequest(
            kind=PacketKind.BUNDLE_ZIP,
            hearing=hearing,
            measure=measure,
            generated_at=GENERATED_AT,
            generated_by="Casey Clerk",
            workdir=workdir,
        )
    )
    assert built.path.parent == workdir
    return built.path


def manifest_of(bundle: zipfile.ZipFile) -> dict:
    return json.loads(bundle.read("manifest.json").decode("utf-8"))


@pytest.fixture
def scene(db):
    """Approved testimony with awkwardly named attachments; other statuses with attachments."""
    hearing = make_hearing(title=TITLE)
    names = list(HOSTILE_NAMES)
    if db.engine.dialect.name == "sqlite":
        names += SQLITE_ONLY_NAMES
    approved = []
    for start in range(0, len(names), 3):  # three attachments at most per testimony
        receipt = make_testimony(
            hearing,
            full_name=f"Resident {start}",
            speaking_request=SpeakingRequest.IN_PERSON if start == 0 else SpeakingRequest.NONE,
            uploads=tuple(upload(name) for name in names[start : start + 3]),
        )
        approved.append(set_review_status(receipt.testimony, ReviewStatus.APPROVED))
    hidden = {}
    for status in (ReviewStatus.PENDING, ReviewStatus.REJECTED, ReviewStatus.WITHDRAWN):
        receipt = make_testimony(
            hearing,
            full_name=f"Resident {status.value}",
            uploads=(upload(f"{status.value}-attachment.pdf"),),
        )
        hidden[status] = set_review_status(receipt.testimony, status)
    db.session.commit()
    return {"hearing": hearing, "approved": approved, "hidden": hidden, "names": names}


def test_the_bundle_holds_the_prints_sheets_and_approved_attachments(db, scene, tmp_path):
    path = make_bundle(scene["hearing"], tmp_path / "work")
    with zipfile.ZipFile(path) as bundle:
        assert bundle.testzip() is None
        names = bundle.namelist()
        assert len(names) == len(set(names))
        assert names[: len(SHEETS_AND_PRINTS)] == SHEETS_AND_PRINTS
        assert names[-1] == "manifest.json"
        assert bundle.read("packet.pdf").startswith(b"%PDF-")
        assert bundle.read("speakers.pdf").startswith(b"%PDF-")
        zipfile.ZipFile(io.BytesIO(bundle.read("testimony.xlsx"))).testzip()
        csv_text = bundle.read("testimony.csv").decode("utf-8-sig")
        # The spreadsheets list every testimony; the packet and attachments only approved ones.
        for testimony in scene["approved"] + list(scene["hidden"].values()):
            assert testimony.tracking_number in csv_text

        attachments = [name for name in names if name.startswith("attachments/")]
        expected = []
        for testimony in scene["approved"]:
            for index, attachment in enumerate(testimony.attachments, start=1):
                entry = f"attachments/{testimony.tracking_number}/"
                entry += attachment_file_name(index, attachment.original_name)
                assert entry.endswith(".pdf")
                expected.append(entry)
                # The resident's pages, in the cleaned copy (see tests/security).
                with pikepdf.open(io.BytesIO(bundle.read(entry))) as pdf:
                    assert len(pdf.pages) == attachment.page_count
        assert sorted(attachments) == sorted(expected)
        assert len(attachments) == len(scene["names"])
        for testimony in scene["hidden"].values():
            assert not any(testimony.tracking_number in name for name in names)
        assert not any(name.endswith("-attachment.pdf") for name in names)


def test_the_manifest_lists_every_other_entry_with_its_size_and_checksum(db, scene, tmp_path):
    path = make_bundle(scene["hearing"], tmp_path / "work")
    with zipfile.ZipFile(path) as bundle:
        manifest = manifest_of(bundle)
        listed = manifest["files"]
        assert [item["path"] for item in listed] == [
            name for name in bundle.namelist() if name != "manifest.json"
        ]
        for item in listed:
            data = bundle.read(item["path"])
            assert item["bytes"] == len(data), item["path"]
            assert item["sha256"] == hashlib.sha256(data).hexdigest(), item["path"]
            assert item["description"]
    assert manifest["format"] == MANIFEST_FORMAT
    assert manifest["hearing"] == TITLE
    assert manifest["committee"] == scene["hearing"].committee.name
    assert manifest["body"] == scene["hearing"].body.name
    assert manifest["measure"] is None
    assert manifest["generated_at"] == GENERATED_AT.isoformat()
    assert manifest["generated_by"] == "Casey Clerk"
    assert manifest["approved_testimony"] == len(scene["approved"])
    assert manifest["speakers"] == 1
    assert len(manifest["content_fingerprint"]) == 64


def test_no_entry_name_can_escape_the_folder_it_is_unpacked_into(db, scene, tmp_path):
    path = make_bundle(scene["hearing"], tmp_path / "work")
    with zipfile.ZipFile(path) as bundle:
        names = bundle.namelist()
        for name in names:
            assert_safe_entry(name)
        for info in bundle.infolist():
            assert info.date_time == GENERATED_AT.timetuple()[:6]
        # Unpacking really stays inside the target folder.
        target = tmp_path / "unpacked"
        bundle.extractall(target)
    for file in target.rglob("*"):
        assert file.resolve().is_relative_to(target.resolve())
    joined = "\n".join(names)
    assert "passwd.pdf" in joined
    assert "evil.pdf" in joined
    assert "_CON.pdf" in joined
    # Letters of other scripts survive, so the clerk can still tell the files apart.
    assert attachment_file_name(1, HEBREW).removeprefix("1-") in joined and "עדות" in joined
    assert attachment_file_name(1, CHINESE).removeprefix("1-") in joined and "证词" in joined


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\win.ini.pdf", "win_ini.pdf"),
        ("C:\\evil.pdf", "evil.pdf"),
        ("/absolute/root.pdf", "root.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("con.PDF", "_con.PDF"),
        ("Con .pdf", "_Con.pdf"),
        ("COM1.txt.pdf", "COM1_txt.pdf"),  # one dot only, so no longer a device name
        ("LPT\u00b9.pdf", "_LPT1.pdf"),  # superscript one, which Windows also reserves
        ("aux", "_aux"),
        ("nul\x00byte.pdf", "nul_byte.pdf"),
        ("line\nbreak.pdf", "line_break.pdf"),
        ("\u202efdp.exe", "fdp.exe"),  # right-to-left override
        (".hidden.pdf", "hidden.pdf"),
        ("..", "attachment"),
        ("", "attachment"),
        (".pdf", "attachment.pdf"),
        ("évaluation.pdf", "évaluation.pdf"),
        (HEBREW, HEBREW),
        (CHINESE, CHINESE),
        ("مرحبا بالعالم.pdf", "مرحبا بالعالم.pdf"),
    ],
)
def test_safe_file_name_keeps_only_a_name(original, expected):
    assert safe_file_name(original) == expected
    assert_safe_entry(safe_file_name(original))


@pytest.mark.parametrize("length", [81, 255, 300, 5000])
def test_safe_file_name_shortens_long_names_and_keeps_the_extension(length):
    name = safe_file_name("x" * (length - 4) + ".pdf")
    assert len(name) == 80
    assert name.endswith(".pdf")
    assert set(name[:-4]) == {"x"}
    assert len(safe_file_name("x" * length, limit=40)) <= 40


def test_attachment_entry_names_stay_in_the_testimonys_folder():
    for original in [*HOSTILE_NAMES, *SQLITE_ONLY_NAMES, "..", "", "\x00"]:
        entry = attachment_entry_name("OT-ABC123", 2, original)
        assert entry.startswith("attachments/OT-ABC123/2-"), entry
        assert entry.count("/") == 2, entry
        assert_safe_entry(entry)
    assert attachment_entry_name("../..", 1, "x.pdf") == "attachments/attachment/1-x.pdf"


@pytest.mark.parametrize(
    "original",
    [
        # 75 characters, then ".Rev 2": the 76-character cut falls just after the dot.
        ("Comments of the Fenway Residents Association on face surveillance " * 2)[:75]
        + ".Rev 2.pdf",
        "minutes..final.pdf",
    ],
)
def test_safe_file_name_never_makes_a_double_dot(original):
    assert ".." not in safe_file_name(original)


@pytest.mark.parametrize(
    "original",
    ["नमस्ते दुनिया.pdf", "שָׁלוֹם.pdf", "مَرْحَبًا.pdf", "বাংলা সাক্ষ্য.pdf", "தமிழ்.pdf"],
)
def test_safe_file_name_keeps_letters_with_combining_marks(original):
    assert safe_file_name(original) == unicodedata.normalize("NFKC", original)


def _differing_entries(first: bytes, second: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(first)) as a, zipfile.ZipFile(io.BytesIO(second)) as b:
        assert a.namelist() == b.namelist()
        return [
            name
            for name in a.namelist()
            if a.read(name) != b.read(name)
            or a.getinfo(name).date_time != b.getinfo(name).date_time
        ]


def _next_second() -> None:
    """Wait until the wall clock shows another second, so anything stamped "now" differs."""
    start = int(time.time())
    while int(time.time()) == start:
        time.sleep(0.05)


def _twice(hearing, tmp_path) -> tuple[bytes, bytes]:
    first = make_bundle(hearing, tmp_path / "first").read_bytes()
    _next_second()
    second = make_bundle(hearing, tmp_path / "second").read_bytes()
    return first, second


def test_the_same_inputs_give_the_same_prints_and_sheets(db, scene, tmp_path):
    first, second = _twice(scene["hearing"], tmp_path)
    # Everything but the Excel file (see the test below) is byte for byte the same.
    assert set(_differing_entries(first, second)) <= {"testimony.xlsx", "manifest.json"}


def test_the_same_inputs_give_a_byte_identical_bundle(db, scene, tmp_path):
    first, second = _twice(scene["hearing"], tmp_path)
    assert _differing_entries(first, second) == []
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


def test_a_measures_bundle_holds_only_that_measures_testimony(db, tmp_path):
    hearing = make_hearing(title=TITLE, measures=2)
    first, second = hearing.measures
    on_first = make_testimony(hearing, measure_id=first.id, uploads=(upload("first.pdf"),))
    on_second = make_testimony(hearing, measure_id=second.id, uploads=(upload("second.pdf"),))
    for receipt in (on_first, on_second):
        set_review_status(receipt.testimony, ReviewStatus.APPROVED)
    db.session.commit()

    path = make_bundle(hearing, tmp_path / "work", measure=second)
    with zipfile.ZipFile(path) as bundle:
        manifest = manifest_of(bundle)
        names = bundle.namelist()
        csv_text = bundle.read("testimony.csv").decode("utf-8-sig")
    assert manifest["measure"] == second.number
    assert manifest["approved_testimony"] == 1
    assert f"attachments/{on_second.testimony.tracking_number}/1-second.pdf" in names
    assert not any(on_first.testimony.tracking_number in name for name in names)
    assert on_second.testimony.tracking_number in csv_text
    assert on_first.testimony.tracking_number not in csv_text


def test_a_hearing_with_sign_ins_has_their_spreadsheet_in_the_bundle(db, tmp_path):
    from app.exports.spreadsheets.signins import SIGN_IN_COLUMNS
    from app.testimony.models import Position
    from tests.factories import make_sign_in

    hearing = make_hearing(title=TITLE, measures=2)
    first, second = hearing.measures
    make_sign_in(
        hearing,
        full_name="Rosa Delgado",
        positions=((first.id, Position.SUPPORT), (second.id, Position.OPPOSE)),
    )
    db.session.commit()
    with zipfile.ZipFile(make_bundle(hearing, tmp_path / "whole")) as bundle:
        names = bundle.namelist()
        assert names[: len(SHEETS_AND_PRINTS) + 1] == [*SHEETS_AND_PRINTS, "sign_ins.csv"]
        lines = bundle.read("sign_ins.csv").decode("utf-8-sig").splitlines()
        assert lines[0] == ",".join(heading for heading, _ in SIGN_IN_COLUMNS)
        assert len(lines) == 3  # one row per measure
        [listed] = [f for f in manifest_of(bundle)["files"] if f["path"] == "sign_ins.csv"]
        assert listed["sha256"] == hashlib.sha256(bundle.read("sign_ins.csv")).hexdigest()
    with zipfile.ZipFile(make_bundle(hearing, tmp_path / "second", measure=second)) as bundle:
        lines = bundle.read("sign_ins.csv").decode("utf-8-sig").splitlines()
        assert len(lines) == 2 and second.number in lines[1] and "oppose" in lines[1]
