"""Draw one page of a PDF as a PNG, inside a child process that limits itself first.

app/moderation/pdf_pages.py runs this file as a program (`python -I page_render.py ...`), feeds
it the cleaned PDF on standard input and reads the PNG from standard output. It imports nothing
from the app, so the child starts quickly and holds no database connection or secret. Before
PDFium sees a byte, the child caps its own CPU time and address space (resource.setrlimit): a
crafted file that loops is stopped by the kernel, one that allocates without end gets a
MemoryError or fails to allocate, and the parent's wall-clock timeout ends anything else.

PDFium, as pypdfium2 ships it, is built without V8 and XFA, so a PDF's scripts cannot run; no form
environment is set up either, and only the page's own drawing is rendered.
"""

from __future__ import annotations

import resource
import struct
import sys
import zlib

# Exit codes the parent reads (anything else, or a signal, is a crash or a limit reached).
UNREADABLE = 3
NO_SUCH_PAGE = 4
OUT_OF_MEMORY = 5
TOO_BIG = 6


class RenderError(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def limit_self(cpu_seconds: int, memory_bytes: int) -> None:
    """Cap this process: CPU seconds, address space, and no core file of resident data."""
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def scale_for(width_pt: float, height_pt: float, *, max_side: int, max_scale: float) -> float:
    """The zoom that fits the page's longer side in `max_side` pixels, never above max_scale.

    Taking the longer side whichever way round the page is turned keeps the cap true for
    rotated pages too.
    """
    if not (width_pt > 0 and height_pt > 0):
        raise RenderError(UNREADABLE)
    return min(max_scale, max_side / max(width_pt, height_pt))


def png(width: int, height: int, rows: bytes, stride: int) -> bytes:
    """An 8-bit RGB PNG of `height` rows of `width` pixels, each row `stride` bytes apart."""
    line = width * 3
    raw = b"".join(
        b"\x00" + rows[y * stride : y * stride + line] for y in range(height)
    )  # filter type 0 on every row: plain and quick; zlib does the squeezing

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def render_page(data: bytes, page_index: int, *, max_side: int, max_scale: float) -> bytes:
    """The page (counted from 0) as a PNG whose longer side is at most max_side pixels."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise RenderError(UNREADABLE) from error
    try:
        if not 0 <= page_index < len(document):
            raise RenderError(NO_SUCH_PAGE)
        try:
            page = document[page_index]
            width_pt, height_pt = page.get_size()
            scale = scale_for(width_pt, height_pt, max_side=max_side, max_scale=max_scale)
            # rev_byteorder: RGB rather than PDFium's BGR, as PNG wants it.
            bitmap = page.render(scale=scale, rev_byteorder=True, may_draw_forms=False)
        except pdfium.PdfiumError as error:
            raise RenderError(UNREADABLE) from error
        if bitmap.width > max_side + 1 or bitmap.height > max_side + 1 or bitmap.n_channels != 3:
            raise RenderError(TOO_BIG)
        return png(bitmap.width, bitmap.height, bytes(bitmap.buffer), bitmap.stride)
    finally:
        document.close()


def main(argv: list[str]) -> int:
    page_index, max_side, cpu_seconds, memory_bytes = (int(value) for value in argv[:4])
    max_scale = float(argv[4])
    limit_self(cpu_seconds, memory_bytes)
    try:
        data = sys.stdin.buffer.read()
        image = render_page(data, page_index, max_side=max_side, max_scale=max_scale)
    except RenderError as error:
        return error.code
    except MemoryError:
        return OUT_OF_MEMORY
    sys.stdout.buffer.write(image)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
