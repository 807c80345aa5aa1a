"""A notice's attached PDF, page by page as pixels, for the kiosk's own viewer.

PySide6-Essentials has no QtPdf, so PDFium (pypdfium2) renders each page into an RGB bitmap that
the screen turns into a ``QImage``. No Qt here: :class:`kiosk_app.app.KioskApp` calls
:func:`render_notice_page` on the worker thread (PDFium is only ever used from that one thread).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from .errors import DocumentError

# Wide enough for a zoomed A4 page on a 1920 px screen, small enough to stay cheap (~25 MB).
MAX_WIDTH_PX = 4000


@dataclass(frozen=True)
class RenderedPage:
    """One page as RGB pixels (``stride`` bytes a row), counted from 1 of ``pages``."""

    page: int
    pages: int
    width: int
    height: int
    stride: int
    pixels: bytes


def notice_pdf_path(notices: list[dict], notice_id: str) -> Path:
    """The attached PDF of the notice ``notice_id`` on the kiosk's notice board."""
    notice = next((n for n in notices if n.get("id") == notice_id), None)
    if notice is None or not notice.get("pdf"):
        raise DocumentError(f"The notice {notice_id!r} has no attached PDF at this kiosk.")
    return Path(notice["pdf"])


def render_page(path: Path, page: int, width_px: int) -> RenderedPage:
    """Page ``page`` (from 1; past the end: the last) of the PDF at ``path``, ``width_px`` wide."""
    width_px = max(100, min(int(width_px), MAX_WIDTH_PX))
    try:
        document = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as exc:
        raise DocumentError(f"The notice's PDF {path.name} cannot be opened: {exc}") from exc
    try:
        pages = len(document)
        if pages == 0:
            raise DocumentError(f"The notice's PDF {path.name} has no pages.")
        page = min(max(int(page), 1), pages)
        pdf_page = document[page - 1]
        try:
            bitmap = pdf_page.render(scale=width_px / pdf_page.get_width(), rev_byteorder=True)
            rendered = RenderedPage(
                page=page,
                pages=pages,
                width=bitmap.width,
                height=bitmap.height,
                stride=bitmap.stride,
                pixels=bytes(bitmap.buffer),
            )
        except pdfium.PdfiumError as exc:
            raise DocumentError(f"Page {page} of {path.name} cannot be drawn: {exc}") from exc
        finally:
            pdf_page.close()
    finally:
        document.close()
    return rendered
