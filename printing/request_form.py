"""The villager's written request, printed at the kiosk when it is made, for them to sign.

A request for an administrative act is a written act of the applicant (АПК чл. 29): the form
names the authority it is addressed to, carries the request's reference as its incoming number
(``Вх. №``), states the service asked for and the applicant's own answers, and leaves room for
the applicant's signature and for the member of staff who files it. What goes on it is given
by the caller (:class:`RequestForm`, built by the kiosk from the request and the catalogue);
this module only lays it out on one or more A4 pages. Bulgarian only: it is an official form.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from printing.errors import DocumentError
from printing.receipts import FONT, FONT_BOLD, _register_fonts

__all__ = ["RequestForm", "render_request_form"]


@dataclass(frozen=True)
class RequestForm:
    reference: str  # the incoming number
    submitted_at: datetime
    municipality: str  # "Община …", from the profile
    addressee: str  # "КМЕТА НА КМЕТСТВО …\nОБЩИНА …" (the issuing authority)
    title: str  # "ИСКАНЕ"
    subject: str  # "за издаване на удостоверение за постоянен адрес"
    legal_basis: str  # what the request is made under (the service's law, АПК чл. 29)
    # (label, value) of the applicant's answers, in the catalogue's order
    answers: list[tuple[str, str]] = field(default_factory=list)
    tier: str = ""  # "Обикновена услуга, срок 3 работни дни"
    fee: str = ""  # "2,56 евро"
    kiosk: str = ""  # which information centre took it


def _style(name: str, size: float, *, bold: bool = False, **extra) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=FONT_BOLD if bold else FONT, fontSize=size, leading=size * 1.35, **extra
    )


def _text(value: str) -> str:
    from xml.sax.saxutils import escape

    return escape(value).replace("\n", "<br/>")


def render_request_form(form: RequestForm, output_path: os.PathLike | str) -> Path:
    """Write the form as a PDF at ``output_path``; the path."""
    _register_fonts()
    body, small = _style("body", 11), _style("small", 8.5)
    story = [
        Paragraph(
            _text(f"ДО\n{form.addressee}"),
            _style("to", 11, bold=True, leftIndent=95 * mm),
        ),
        Spacer(1, 6 * mm),
        Paragraph(
            _text(
                f"Вх. № {form.reference} / {form.submitted_at:%d.%m.%Y} г., {form.submitted_at:%H:%M} ч."
            ),
            _style("number", 10.5),
        ),
        Spacer(1, 8 * mm),
        Paragraph(_text(form.title), _style("title", 17, bold=True, alignment=TA_CENTER)),
        Paragraph(_text(form.subject), _style("subject", 12, alignment=TA_CENTER)),
        Paragraph(_text(f"({form.legal_basis})"), _style("basis", 9, alignment=TA_CENTER)),
        Spacer(1, 7 * mm),
        Paragraph("Моля да ми бъде издаден посоченият документ. Моите данни:", body),
        Spacer(1, 3 * mm),
    ]
    rows = [
        [Paragraph(_text(label), small), Paragraph(_text(value), body)]
        for label, value in form.answers
    ]
    if form.tier:
        rows.append([Paragraph("Вид на услугата", small), Paragraph(_text(form.tier), body)])
    if form.fee:
        rows.append([Paragraph("Такса", small), Paragraph(_text(form.fee), body)])
    if rows:
        table = Table(rows, colWidths=[55 * mm, 105 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, "#999999"),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        story.append(table)
    story += [
        Spacer(1, 7 * mm),
        Paragraph(
            "Декларирам, че данните в искането са верни.",
            body,
        ),
        Spacer(1, 14 * mm),
        Table(
            [
                [
                    Paragraph(f"Дата: {form.submitted_at:%d.%m.%Y} г.", body),
                    Paragraph("Подпис на заявителя: ...............................", body),
                ]
            ],
            colWidths=[60 * mm, 100 * mm],
        ),
        Spacer(1, 12 * mm),
        Paragraph(
            "Приел(а) и завел(а) искането (име и подпис на служителя): "
            "...............................................",
            small,
        ),
        Spacer(1, 2 * mm),
        Paragraph(_text(f"Подадено в {form.kiosk}" if form.kiosk else ""), small),
    ]
    path = Path(output_path)
    try:
        SimpleDocTemplate(
            str(path),
            pagesize=A4,
            leftMargin=25 * mm,
            rightMargin=25 * mm,
            topMargin=20 * mm,
            bottomMargin=20 * mm,
            title=f"{form.title} {form.subject} — Вх. № {form.reference}",
            author=form.municipality,
        ).build(story)
    except OSError as exc:
        raise DocumentError(path, f"could not write the request form: {exc}") from exc
    return path
