"""File names handed to staff and committees: only a name on every system, whatever the
resident called the file. (Names inside a bundle are tested in tests/exports/test_bundle.py.)"""

from __future__ import annotations

import pytest

from app.platform.file_names import attachment_file_name, safe_file_name


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("statement.pdf", "1-statement.pdf"),
        ("Statement.PDF", "1-Statement.pdf"),
        # Not a PDF in name: the file is always the cleaned PDF, so the name says so.
        ("app.py", "1-app_py.pdf"),
        ("passwd", "1-passwd.pdf"),
        ("../../etc/passwd", "1-passwd.pdf"),
        ("C:\\Users\\ana\\carta.pdf", "1-carta.pdf"),
        ("report.final.v2.pdf", "1-report_final_v2.pdf"),
        ("", "1-attachment.pdf"),
        ("....pdf", "1-attachment.pdf"),
    ],
)
def test_an_attachment_is_named_by_its_place_and_a_clean_name(original, expected):
    assert attachment_file_name(1, original) == expected


def test_the_place_in_the_testimony_comes_first():
    assert attachment_file_name(3, "map.pdf") == "3-map.pdf"


def test_a_very_long_name_is_shortened_keeping_the_extension():
    name = attachment_file_name(12, "a" * 300 + ".pdf")
    assert name.startswith("12-aaaa") and name.endswith(".pdf")
    assert len(name) <= len("12-") + 80


@pytest.mark.parametrize("device", ["CON", "nul", "COM1", "LPT9"])
def test_names_windows_reserves_for_devices_are_not_used_as_they_are(device):
    assert safe_file_name(f"{device}.pdf") == f"_{device}.pdf"
    assert attachment_file_name(1, f"{device}.pdf") == f"1-_{device}.pdf"


def test_letters_of_every_script_are_kept():
    assert attachment_file_name(1, "Déclaration d'été.pdf") == "1-Déclaration d_été.pdf"
    assert attachment_file_name(2, "شهادة.pdf") == "2-شهادة.pdf"
