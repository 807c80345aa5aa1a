"""Drawing an official document with reportlab: header, number, text, official, QR, footer.

The font (DejaVu Sans, from Debian's ``fonts-dejavu-core``) is registered once per process; it
covers Cyrillic and the typographic marks („“ № —), and reportlab embeds a subset with a
ToUnicode map, so ``pdftotext`` gives the Bulgarian text back exactly.
"""

from __future__ import annotations

import io
import re
import threading
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

from sync.municipality import Municipality

from .errors import DocumentError
from .texts import CertificateText, format_date

FONT_FOLDER = "/usr/share/fonts/truetype/dejavu"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
WATERMARK = ("ПРОЕКТ — НЕВАЛИДЕН", "DRAFT — NOT VALID")
QR_SIZE = 36 * mm

_DARK_RUN = re.compile(b"\x01+")  # in a row of the QR matrix, one byte per module

_font_lock = threading.Lock()
_fonts_registered = False


def register_fonts() -> None:
    """Register DejaVu Sans with reportlab, once per process (loading the TTF is the slow part)."""
    global _fonts_registered
    if _fonts_registered:
        return
    with _font_lock:
        if _fonts_registered:
            return
        try:
            pdfmetrics.registerFont(TTFont(FONT, f"{FONT_FOLDER}/DejaVuSans.ttf"))
            pdfmetrics.registerFont(TTFont(FONT_BOLD, f"{FONT_FOLDER}/DejaVuSans-Bold.ttf"))
        except Exception as exc:  # reportlab raises TTFError or OSError
            raise DocumentError(
                f"The font for official documents is missing ({exc}). "
                "Install the Debian package fonts-dejavu-core."
            ) from exc
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)
        _fonts_registered = True


_BODY = ParagraphStyle(
    "body", fontName=FONT, fontSize=11, leading=15, alignment=TA_JUSTIFY, firstLineIndent=10 * mm
)
_LISTING = ParagraphStyle("listing", fontName=FONT, fontSize=10.5, leading=14, leftIndent=10 * mm)


def render_pdf(
    *,
    number: str,
    issued_on,
    request: dict,
    text: CertificateText,
    official: str,
    official_title: str,
    statement: str | None,
    official_order: str = "",
    draft: bool,
    municipality: Municipality,
    keywords: str = "",
    verification_code: str = "",
) -> bytes:
    """One A4 page as PDF bytes. ``statement`` becomes the QR code; ``None`` for drafts. The
    header, the signature line and the verification address come from ``municipality``; the
    address carries ``verification_code``, without which a public look-up shows no details."""
    register_fonts()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    title = f"{text.title} {text.subtitle} — Изх. № {number}"
    page.setTitle(("ПРОЕКТ — " if draft else "") + title)
    page.setAuthor(municipality.official_name.bg)
    page.setSubject(text.subtitle)
    page.setCreator("village-info-centres central_api.documents")
    if keywords:
        page.setKeywords(keywords)
    width, height = A4
    left, right = 22 * mm, width - 22 * mm
    village = municipality.settlement_name(request.get("village"))

    _draw_header(page, left, right, height, municipality, village)
    y = height - 58 * mm
    page.setFont(FONT, 10.5)
    page.drawString(left, y, f"Изх. № {number}")
    page.drawRightString(right, y, f"Дата: {format_date(issued_on)}")
    if request.get("reference"):
        y -= 5 * mm
        page.setFont(FONT, 9)
        page.drawString(left, y, f"По заявление {request['reference']}")

    y -= 16 * mm
    page.setFont(FONT_BOLD, 16)
    page.drawCentredString(width / 2, y, text.title)
    y -= 7 * mm
    page.setFont(FONT, 12)
    page.drawCentredString(width / 2, y, text.subtitle)
    y -= 12 * mm

    body_width = right - left
    for paragraph_text in text.paragraphs:
        y = _draw_paragraph(page, paragraph_text, _BODY, left, y, body_width) - 3 * mm
    for index, line in enumerate(text.listing, start=1):
        y = _draw_paragraph(page, f"{index}. {line}", _LISTING, left, y, body_width) - 1.5 * mm
    if text.listing:
        y -= 3 * mm
    for paragraph_text in text.closing:
        y = _draw_paragraph(page, paragraph_text, _BODY, left, y, body_width) - 3 * mm

    y = min(y - 14 * mm, 95 * mm)
    page.setFont(FONT, 11)
    page.drawString(left, y, official)
    page.setFont(FONT, 9.5)
    page.drawString(left, y - 5 * mm, official_title)
    if official_order:
        y -= 4.5 * mm
        page.setFont(FONT, 8.5)
        page.drawString(left, y - 5 * mm, f"Упълномощен(а) със {official_order}")
    page.setFont(FONT, 8.5)
    page.setFillColor(colors.grey)
    page.drawString(
        left,
        y - 11 * mm,
        "(без подпис — проект)"
        if draft
        else f"Подписано с електронен подпис на {municipality.official_name.bg}",
    )
    page.setFillColor(colors.black)

    qr_x, qr_y = right - QR_SIZE, 24 * mm
    _draw_handover(page, left, qr_x - 6 * mm, min(y - 20 * mm, 56 * mm))
    if statement:
        draw_qr(page, statement, qr_x, qr_y, QR_SIZE)
    else:
        page.setStrokeColor(colors.grey)
        page.setDash(3, 2)
        page.rect(qr_x, qr_y, QR_SIZE, QR_SIZE)
        page.setDash()
        page.setFont(FONT, 8)
        page.drawCentredString(qr_x + QR_SIZE / 2, qr_y + QR_SIZE / 2, "няма QR код")

    page.setStrokeColor(colors.black)
    page.setLineWidth(0.4)
    page.line(left, 18 * mm, right, 18 * mm)
    page.setFont(FONT, 8.5)
    for line_y, line in zip(
        (13 * mm, 9 * mm), _verification_lines(municipality, number, verification_code), strict=True
    ):
        page.drawString(left, line_y, line)
    if draft:
        _draw_watermark(page, width, height)
        # The same words level at the top: the diagonal ones come out of text extraction in
        # fragments, these in one piece (and a reader cannot miss them).
        page.setFillColor(colors.HexColor("#c62828"))
        page.setFont(FONT_BOLD, 10)
        page.drawCentredString(width / 2, height - 10 * mm, " / ".join(WATERMARK))
    page.showPage()
    page.save()
    return buffer.getvalue()


def verification_address(municipality: Municipality, number: str, code: str = "") -> str:
    """The full public address where the document is checked (the profile's public URL)."""
    address = f"{municipality.verification_base}/verify/{number}"
    return f"{address}?c={code}" if code else address


def _verification_lines(municipality: Municipality, number: str, code: str) -> tuple[str, str]:
    """The footer, in Bulgarian: how anyone holding the paper checks it."""
    if not code:  # a draft: nothing to check
        return ("Проект: документът не е издаден и не може да бъде проверен.", "")
    return (
        f"Проверка на документа: сканирайте QR кода или отворете адреса (код за проверка {code}):",
        verification_address(municipality, number, code),
    )


def _draw_handover(page, left: float, right: float, top: float) -> None:
    """The place for the handwritten signature and the stamp of the official who hands the
    printout over at the mayoralty."""
    page.setFont(FONT, 9)
    page.drawString(left, top, "Предал(а) документа на заявителя:")
    page.setDash(1, 2)
    page.setLineWidth(0.5)
    page.line(left, top - 9 * mm, left + 78 * mm, top - 9 * mm)
    page.line(left, top - 19 * mm, left + 40 * mm, top - 19 * mm)
    page.setDash()
    page.setFont(FONT, 7.5)
    page.setFillColor(colors.grey)
    page.drawString(left, top - 12 * mm, "(име, длъжност и подпис на длъжностното лице)")
    page.drawString(left, top - 22 * mm, "(дата)")
    centre_x, centre_y, radius = min(right, left + 118 * mm) - 15 * mm, top - 13 * mm, 14 * mm
    page.setDash(2, 2)
    page.circle(centre_x, centre_y, radius)
    page.setDash()
    page.setFont(FONT, 8)
    page.drawCentredString(centre_x, centre_y - 1 * mm, "М.П.")
    page.setFillColor(colors.black)


def _draw_paragraph(page, plain_text, style, x, top, width) -> float:
    paragraph = Paragraph(escape(plain_text), style)
    _, used = paragraph.wrapOn(page, width, 1000)
    paragraph.drawOn(page, x, top - used)
    return top - used


def _draw_header(page, left, right, height, municipality: Municipality, village) -> None:
    top = height - 18 * mm
    if municipality.coat_of_arms_media_type == "image/png":
        draw_coat_of_arms(page, municipality.coat_of_arms_data, left, top - 24 * mm, 20 * mm)
    else:
        draw_emblem(page, left, top - 24 * mm, 20 * mm)
    centre = (left + 24 * mm + right) / 2
    page.setFont(FONT_BOLD, 15)
    page.drawCentredString(centre, top - 7 * mm, municipality.official_name.bg.upper())
    page.setFont(FONT, 10.5)
    page.drawCentredString(centre, top - 13 * mm, municipality.province_bg)
    if village:
        page.drawCentredString(centre, top - 19 * mm, f"Кметство {village}")
    page.setLineWidth(1.2)
    page.line(left, top - 28 * mm, right, top - 28 * mm)
    page.setLineWidth(0.4)
    page.line(left, top - 29.2 * mm, right, top - 29.2 * mm)


def draw_coat_of_arms(page, png: bytes, x, y, size) -> None:
    """The profile's coat of arms (a PNG), fitted into a ``size`` square."""
    page.drawImage(
        ImageReader(io.BytesIO(png)), x, y, size, size, preserveAspectRatio=True, mask="auto"
    )


def draw_emblem(page, x, y, size) -> None:
    """A simple drawn shield: green and gold, a vine leaf and grapes — drawn when the profile's
    coat of arms is an SVG, which reportlab cannot place (give a PNG to see it on documents)."""
    page.saveState()
    shield = page.beginPath()
    w, h = size * 0.8, size
    x0 = x + (size - w) / 2
    shield.moveTo(x0, y + h)
    shield.lineTo(x0 + w, y + h)
    shield.lineTo(x0 + w, y + h * 0.45)
    shield.curveTo(x0 + w, y + h * 0.15, x0 + w * 0.6, y + h * 0.05, x0 + w / 2, y)
    shield.curveTo(x0 + w * 0.4, y + h * 0.05, x0, y + h * 0.15, x0, y + h * 0.45)
    shield.close()
    page.setFillColor(colors.HexColor("#1f6b3a"))
    page.setStrokeColor(colors.HexColor("#c9a227"))
    page.setLineWidth(1.5)
    page.drawPath(shield, fill=1, stroke=1)
    page.setFillColor(colors.HexColor("#c9a227"))
    cx, cy, r = x0 + w / 2, y + h * 0.45, size * 0.055
    for row, count in enumerate((3, 2, 1)):
        for column in range(count):
            gx = cx + (column - (count - 1) / 2) * r * 2.1
            page.circle(gx, cy - row * r * 1.9, r, stroke=0, fill=1)
    page.setStrokeColor(colors.HexColor("#c9a227"))
    page.setLineWidth(1)
    page.line(cx, cy + r, cx, y + h * 0.85)
    page.line(cx, y + h * 0.78, cx + w * 0.22, y + h * 0.88)
    page.restoreState()


def draw_qr(page, statement: str, x, y, size) -> None:
    """The QR code as vector squares (crisp when printed, no image library needed).

    Drawn in module units, one ``re`` per run of dark modules, written as a single literal: the
    same picture through reportlab's per-rectangle API cost ~15 ms of number formatting.
    """
    # Error level M, never a micro code: the statement is what the QR carries, read by any phone.
    matrix = [bytes(row) for row in segno.make(statement, error="m", micro=False).matrix]
    quiet = 4
    modules = len(matrix) + 2 * quiet
    operators = []
    for row_index, row in enumerate(matrix):
        bottom = modules - quiet - row_index - 1
        operators.extend(
            f"{run.start() + quiet} {bottom} {run.end() - run.start()} 1 re"
            for run in _DARK_RUN.finditer(row)
        )
    page.saveState()
    page.setFillColor(colors.white)
    page.rect(x, y, size, size, stroke=0, fill=1)
    page.translate(x, y)
    page.scale(size / modules, size / modules)
    page.setFillColor(colors.black)
    page.addLiteral("\n".join(operators) + "\nf")
    page.restoreState()


def _draw_watermark(page, width, height) -> None:
    page.saveState()
    page.setFillColor(colors.HexColor("#c62828"))
    page.setFillAlpha(0.22)
    page.translate(width / 2, height / 2)
    page.rotate(52)
    page.setFont(FONT_BOLD, 46)
    page.drawCentredString(0, 14 * mm, WATERMARK[0])
    page.setFont(FONT_BOLD, 38)
    page.drawCentredString(0, -14 * mm, WATERMARK[1])
    page.restoreState()
