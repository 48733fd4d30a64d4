"""The child program that draws one page: the PNG it writes, the size cap, its exit codes, and
the limits it puts on itself before reading the file."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from PIL import Image

from app.moderation import page_render
from app.moderation.page_render import (
    NO_SUCH_PAGE,
    UNREADABLE,
    RenderError,
    png,
    render_page,
    scale_for,
)
from tests.moderation.drawn_pdfs import drawn_pdf

CHILD = page_render.__file__


def image_of(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()  # decodes every row: a broken PNG fails here
    return picture


def test_png_writes_an_rgb_image_any_reader_decodes():
    # Two rows of two pixels, with padding after each row as PDFium's stride has.
    rows = bytes([255, 0, 0, 0, 255, 0, 9, 9]) + bytes([0, 0, 255, 255, 255, 255, 9, 9])

    picture = image_of(png(2, 2, rows, stride=8))

    assert picture.mode == "RGB"
    assert picture.size == (2, 2)
    pixels = [picture.getpixel((x, y)) for y in range(2) for x in range(2)]
    assert pixels == [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)]


def test_a_letter_page_is_drawn_at_144_dpi_with_what_is_on_it():
    image = image_of(render_page(drawn_pdf(1), 0, max_side=1600, max_scale=2.0))

    assert image.size == (1224, 1584)
    assert image.getpixel((600, 300)) == (0, 0, 0), "the black band across the top half"
    assert image.getpixel((1200, 1500)) == (255, 255, 255)


def test_the_chosen_page_is_the_one_drawn():
    data = drawn_pdf(3)
    pages = [render_page(data, index, max_side=400, max_scale=2.0) for index in range(3)]

    assert len(set(pages)) == 3, "each page's number is drawn on it"


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((612, 792), 2.0),  # a letter page: the scale cap
        ((14_400, 14_400), 1600 / 14_400),  # the largest page PDF allows: the pixel cap
        ((200, 14_400), 1600 / 14_400),  # a long strip: its longer side decides
        ((14_400, 200), 1600 / 14_400),  # the same strip turned
    ],
)
def test_the_scale_keeps_the_longer_side_within_the_cap(size, expected):
    assert scale_for(*size, max_side=1600, max_scale=2.0) == pytest.approx(expected)


@pytest.mark.parametrize("size", [(0, 792), (612, -1), (float("nan"), 792)])
def test_a_page_without_a_real_size_is_unreadable(size):
    with pytest.raises(RenderError) as raised:
        scale_for(*size, max_side=1600, max_scale=2.0)
    assert raised.value.code == UNREADABLE


def test_a_huge_page_comes_out_no_larger_than_the_cap():
    image = image_of(
        render_page(drawn_pdf(1, size=(14_400, 14_400)), 0, max_side=800, max_scale=2.0)
    )

    assert max(image.size) <= 801


def run_child(data: bytes, page_index: int, *, cpu: int = 5, memory: int = 512 << 20):
    return subprocess.run(  # noqa: S603 - the app's own program, as pdf_pages runs it
        [sys.executable, "-I", CHILD, str(page_index), "800", str(cpu), str(memory), "2.0"],
        input=data,
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_the_child_writes_the_png_to_standard_output():
    done = run_child(drawn_pdf(2), 1)

    assert done.returncode == 0
    assert image_of(done.stdout).size == (619, 800)


@pytest.mark.parametrize(
    ("data", "page_index", "code"),
    [
        (b"%PDF-1.7\nnot really a PDF", 0, UNREADABLE),
        (b"", 0, UNREADABLE),
        (drawn_pdf(2), 2, NO_SUCH_PAGE),
        (drawn_pdf(2), -1, NO_SUCH_PAGE),
    ],
)
def test_the_child_says_why_it_drew_nothing(data, page_index, code):
    done = run_child(data, page_index)

    assert done.returncode == code
    assert done.stdout == b""


def test_the_child_limits_itself_before_it_reads_the_file():
    probe = (
        "import resource, runpy\n"
        f"runpy.run_path({CHILD!r})['limit_self'](3, {300 << 20})\n"
        "print(*(resource.getrlimit(getattr(resource, 'RLIMIT_' + name))"
        " for name in ('CPU', 'AS', 'CORE')))\n"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-I", "-c", probe], capture_output=True, text=True, check=True
    )

    assert done.stdout.strip() == f"(3, 4) ({300 << 20}, {300 << 20}) (0, 0)"
