"""A plain A4 sheet of headed paragraphs (the kiosk's printed privacy notice).

No layout of its own beyond a title and ``(heading, text)`` sections, wrapped to the page and
continued on a new page when full; DejaVu like the receipts, so Cyrillic prints as it reads.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from printing.receipts import FONT, FONT_BOLD, _register_fonts

__all__ = ["render_text_sheet"]

MARGIN = 22 * mm
BODY = 11
TITLE = 16


def render_text_sheet(title: str, sections: list[tuple[str, str]], path: Path) -> Path:
    """Write ``title`` and each ``(heading, text)`` to the A4 PDF ``path``; return it."""
    _register_fonts()
    path = Path(path)
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle(title)
    width = A4[0] - 2 * MARGIN
    y = A4[1] - MARGIN

    def line(text: str, font: str, size: float) -> None:
        nonlocal y
        for part in simpleSplit(text, font, size, width) or [""]:
            if y < MARGIN + size:
                pdf.showPage()
                y = A4[1] - MARGIN
            pdf.setFont(font, size)
            pdf.drawString(MARGIN, y - size, part)
            y -= size * 1.35

    line(title, FONT_BOLD, TITLE)
    y -= BODY
    for heading, text in sections:
        line(heading, FONT_BOLD, BODY)
        line(text, FONT, BODY)
        y -= BODY * 0.6
    pdf.showPage()
    pdf.save()
    return path
