"""Receipts rendered at the kiosk: the villager's proof that a request was taken.

A receipt shows the municipality and the village (their names from the municipality profile
the kiosk holds), the reference (large), a QR code of the reference, the service, the expected
date and the date and time, Bulgarian first and English second. Two layouts,
chosen per printer in the kiosk's configuration: ``"a4"`` for office printers and
``"thermal80"`` for 80 mm receipt printers (page 80 mm wide, as tall as the content).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from printing.errors import DocumentError

__all__ = ["LAYOUTS", "Receipt", "receipt_facts", "receipt_media", "render_receipt"]

LAYOUTS = ("a4", "thermal80")
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"


@functools.cache
def _register_fonts() -> None:
    """Register DejaVu once per process: loading the TTF is most of a receipt's cost."""
    for name in (FONT, FONT_BOLD):
        path = FONT_DIR / f"{name}.ttf"
        try:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        except Exception as exc:  # reportlab raises TTFError or OSError for a missing font
            raise DocumentError(path, "font missing: install fonts-dejavu-core") from exc


@dataclass(frozen=True)
class Receipt:
    reference: str
    service: str
    village: str
    issued_at: datetime
    expected_date: date | None = None
    service_en: str | None = None
    village_en: str | None = None
    # For a document printed on an official form and collected in person (catalogue
    # ``issuance: in_person``): where and when, Bulgarian and English. None: it is printed here.
    collect: str | None = None
    collect_en: str | None = None
    municipality: str = ""  # "Община ..." (the profile's official name)
    municipality_en: str = ""
    # Six digits asked with the reference at a status look-up (kiosk_app.lookup).
    check_code: str = ""
    fee: str = ""  # "2,56 евро", as the kiosk writes it; "" when unknown
    fee_en: str = ""
    phone: str = ""  # the mayoralty's, from the municipality profile


@dataclass(frozen=True)
class _Style:
    page_width: float
    margin: float
    body: float
    small: float
    reference: float
    qr_size: float
    fixed_height: float | None  # None: the page is as tall as its content


_STYLES = {
    "a4": _Style(A4[0], 25 * mm, 12, 9, 34, 55 * mm, A4[1]),
    "thermal80": _Style(80 * mm, 4 * mm, 9, 7, 22, 36 * mm, None),
}


def _date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def _titled(name: str, centre: str) -> str:
    return f"{name} — {centre}" if name else centre[:1].upper() + centre[1:]


def receipt_facts(receipt: Receipt, language: str = "bg") -> dict[str, str]:
    """What the slip states, by name, as it is printed, in one language (``"bg"`` or ``"en"``;
    English falls back to Bulgarian where the profile has no English): ``municipality``,
    ``village``, ``reference``, ``check_code``, ``service``, ``fee``, ``expected_date``,
    ``issued_at``, ``collect``, ``phone``; a fact the slip does not print is left out. The slip
    is drawn from these, and the kiosk shows and reads them aloud (EN 301 549 5.1.3.16)."""

    def pick(bg: str | None, en: str | None) -> str:
        return (en if language == "en" and en else bg) or ""

    code = receipt.check_code
    facts = {
        "municipality": pick(receipt.municipality, receipt.municipality_en),
        "village": pick(receipt.village, receipt.village_en),
        "reference": receipt.reference,
        "check_code": f"{code[:3]} {code[3:]}" if code else "",
        "service": pick(receipt.service, receipt.service_en),
        "fee": pick(receipt.fee, receipt.fee_en),
        "expected_date": _date(receipt.expected_date) if receipt.expected_date else "",
        "issued_at": receipt.issued_at.strftime("%d.%m.%Y %H:%M"),
        "collect": pick(receipt.collect, receipt.collect_en),
        "phone": receipt.phone,
    }
    return {name: value for name, value in facts.items() if value}


def _blocks(receipt: Receipt, style: _Style) -> list[tuple]:
    """The receipt top to bottom: ("text", text, font, size) | ("qr",) | ("gap", points)."""
    facts, facts_en = receipt_facts(receipt), receipt_facts(receipt, "en")
    village_en = f" / {receipt.village_en}" if receipt.village_en else ""
    service_en = receipt.service_en or ""
    blocks: list[tuple] = [
        ("text", _titled(receipt.municipality, "информационен център"), FONT_BOLD, style.body),
        ("text", _titled(receipt.municipality_en, "information centre"), FONT, style.small),
        ("text", f"{facts['village']}{village_en}", FONT, style.body),
        ("gap", style.body),
        ("text", "Разписка за подадена заявка", FONT_BOLD, style.body),
        ("text", "Receipt for a submitted request", FONT, style.small),
        ("gap", style.body * 0.5),
        ("text", "Номер на заявката / Reference", FONT, style.small),
        ("text", facts["reference"], FONT_BOLD, style.reference),
    ]
    if "check_code" in facts:
        blocks += [
            ("text", "Код за проверка / Check code", FONT, style.small),
            ("text", facts["check_code"], FONT_BOLD, style.body * 1.6),
        ]
    blocks += [
        ("gap", style.body * 0.3),
        ("qr",),
        ("gap", style.body * 0.5),
        ("text", f"Услуга: {facts['service']}", FONT, style.body),
    ]
    if service_en:
        blocks.append(("text", f"Service: {service_en}", FONT, style.small))
    if "fee" in facts:
        fee_en = f" / Fee: {receipt.fee_en}" if receipt.fee_en else ""
        blocks.append(("text", f"Такса: {facts['fee']}{fee_en}", FONT, style.body))
    blocks += [
        ("text", f"Очаквана дата / Expected: {facts.get('expected_date', '—')}", FONT, style.body),
        ("text", f"Дата и час / Date and time: {facts['issued_at']}", FONT, style.body),
    ]
    if receipt.collect:
        blocks += [
            ("gap", style.body * 0.5),
            ("text", "Документът не се печата тук. Получавате го лично:", FONT_BOLD, style.body),
            ("text", facts["collect"], FONT, style.body),
        ]
        if receipt.collect_en:
            blocks += [
                (
                    "text",
                    "The document is not printed here. Collect it in person:",
                    FONT,
                    style.small,
                ),
                ("text", facts_en["collect"], FONT, style.small),
            ]
    if receipt.phone:
        blocks.append(
            ("text", f"Телефон на кметството / Mayoralty phone: {facts['phone']}", FONT, style.body)
        )
    blocks += [
        ("gap", style.body),
        (
            "text",
            "Пазете тази разписка: с номера и кода проверявате състоянието на заявката.",
            FONT,
            style.small,
        ),
        (
            "text",
            "Keep this receipt: the reference and the code let you check the request.",
            FONT,
            style.small,
        ),
    ]
    return blocks


def _measure(blocks: list[tuple], style: _Style, width: float) -> float:
    height = 0.0
    for block in blocks:
        if block[0] == "text":
            _, text, font, size = block
            height += len(simpleSplit(text, font, size, width)) * size * 1.25
        elif block[0] == "qr":
            height += style.qr_size
        else:
            height += block[1]
    return height


def _draw_qr(pdf: canvas.Canvas, data: str, x: float, top: float, size: float) -> None:
    """Draw the QR as vector squares: sharp on any printer, no image library needed."""
    qr = segno.make(data, error="m", micro=False)
    rows = list(qr.matrix_iter(scale=1, border=2))
    module = size / len(rows)
    pdf.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(rows):
        for col_index, dark in enumerate(row):
            if dark:
                pdf.rect(
                    x + col_index * module,
                    top - (row_index + 1) * module,
                    module,
                    module,
                    stroke=0,
                    fill=1,
                )


def _page_size(receipt: Receipt, layout: str) -> tuple[float, float, list[tuple]]:
    if layout not in _STYLES:
        raise ValueError(f"unknown receipt layout {layout!r}; expected one of {LAYOUTS}")
    _register_fonts()
    style = _STYLES[layout]
    blocks = _blocks(receipt, style)
    content_height = _measure(blocks, style, style.page_width - 2 * style.margin)
    return style.page_width, style.fixed_height or content_height + 2 * style.margin, blocks


def receipt_media(receipt: Receipt, layout: str = "a4") -> str:
    """The CUPS ``media`` option for the receipt's page, so the queue does not force A4 on a roll.

    Pass it as ``print_document(..., options={"media": receipt_media(receipt, layout)})``.
    """
    width, height, _ = _page_size(receipt, layout)
    if layout == "a4":
        return "A4"
    return f"Custom.{width / mm:.1f}x{height / mm:.1f}mm"


def render_receipt(receipt: Receipt, output_path: os.PathLike | str, *, layout: str = "a4") -> Path:
    """Write the receipt PDF for ``layout`` (``"a4"`` or ``"thermal80"``); returns its path."""
    page_width, page_height, blocks = _page_size(receipt, layout)
    style = _STYLES[layout]
    width = page_width - 2 * style.margin
    output_path = Path(output_path)
    pdf = canvas.Canvas(str(output_path), pagesize=(style.page_width, page_height))
    pdf.setTitle(f"Разписка {receipt.reference}")
    pdf.setAuthor(receipt.municipality or "")
    center = style.page_width / 2
    y = page_height - style.margin
    for block in blocks:
        if block[0] == "text":
            _, text, font, size = block
            pdf.setFont(font, size)
            for line in simpleSplit(text, font, size, width):
                y -= size * 1.25
                pdf.drawCentredString(center, y + size * 0.25, line)
        elif block[0] == "qr":
            _draw_qr(pdf, receipt.reference, center - style.qr_size / 2, y, style.qr_size)
            y -= style.qr_size
        else:
            y -= block[1]
    pdf.showPage()
    try:
        pdf.save()
    except OSError as exc:
        raise DocumentError(output_path, str(exc)) from exc
    return output_path
