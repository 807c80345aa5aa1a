"""The protocol of a session, and each adopted decision, as PDFs signed like the certificates.

The protocol (чл. 28 ЗМСМА) lists the attendance, every agenda item with who proposed it, the
committees' opinions, the legal basis, the kind of vote and the majority it needed, the tally
and the result, and — for a named vote — every councillor's vote; for a secret vote who took
part. Each adopted item is a numbered decision (``Решение № 12/2026``) with its own PDF. Both
are signed with the municipality's document key through :func:`central_api.documents.sign_pdf`
(PAdES), the one signing function the certificates use.
"""

from __future__ import annotations

import hashlib
import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import Connection, update

from ..documents import DocumentError, register_fonts, sign_pdf
from ..documents.render import FONT
from . import votelog
from .errors import CouncilSigningError, VoteRefusedError
from .record import decision_label, item_votes
from .sessions import (
    conflicted_members,
    item,
    items,
    members_in_office,
    present_members,
    session,
    session_by_number,
)
from .state import CHOICE_TEXT, KIND_TEXT, RULE_TEXT
from .tables import council_sessions

_TITLE = ParagraphStyle("title", fontName=FONT, fontSize=15, leading=20, alignment=1)
_HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=11.5, leading=15, spaceBefore=8)
_BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5)
_SMALL = ParagraphStyle("small", fontName=FONT, fontSize=9, leading=12)


def _p(text: str, style=_BODY) -> Paragraph:
    # Titles and headings in bold through the registered family (DejaVu Sans and its Bold).
    bold = style in (_TITLE, _HEADING)
    return Paragraph(f"<b>{escape(text)}</b>" if bold else escape(text), style)


def _render(story: list, title: str) -> bytes:
    register_fonts()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Общински съвет",
    )
    document.build(story)
    return out.getvalue()


def _vote_lines(conn: Connection, row: dict) -> list:
    rule_bg = RULE_TEXT[row["rule"]][0]
    kind_bg = KIND_TEXT[row["kind"]][0]
    flow = [_p(f"Гласуване: {kind_bg}; необходимо мнозинство: {rule_bg} ({row['legal_basis']}).")]
    if row["vote_status"] != "closed":
        flow.append(_p("По точката не е гласувано."))
        return flow
    verdict = "ПРИЕТО" if row["passed"] else "НЕ Е ПРИЕТО"
    flow.append(
        _p(
            f"Присъствали: {row['present']}; „за“: {row['for_votes']}, „против“: "
            f"{row['against']}, „въздържал се“: {row['abstained']}; "
            f"с конфликт на интереси: {row['conflicted']}. Резултат: {verdict}."
        )
    )
    if row["decision_number"]:
        flow.append(_p(f"Решение № {decision_label(row)}."))
    votes = item_votes(conn, row["id"])
    if row["kind"] == "named":
        table = [["Съветник", "Група", "Глас"]] + [
            [v["name"], v["group"], CHOICE_TEXT[v["choice"]].split(" / ")[0]] for v in votes
        ]
        flow.append(_table(table))
    elif row["kind"] == "secret":
        took_part = [v["name"] for v in votes if v["choice"] == "secret"]
        flow.append(
            _p(f"Тайно гласуване; участвали ({len(took_part)}): {', '.join(took_part)}.", _SMALL)
        )
    return flow


def _table(rows: list[list[str]]) -> Table:
    cells = [[_p(cell, _SMALL) for cell in row] for row in rows]
    table = Table(cells, colWidths=[70 * mm, 55 * mm, 40 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, "#888888"),
                ("BACKGROUND", (0, 0), (-1, 0), "#e8e8e8"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def protocol_pdf(conn: Connection, session_id: int) -> bytes:
    """The unsigned protocol of a closed session."""
    meeting = session(conn, session_id)
    if meeting["status"] != "closed":
        raise VoteRefusedError(
            "Протокол се изготвя след закриване на заседанието. / "
            "The protocol is made after the session is closed."
        )
    register_fonts()  # before the first Paragraph: it looks the font family up at once
    members = members_in_office(conn, session_id)
    present = present_members(conn, session_id)
    story = [
        _p(f"ПРОТОКОЛ № {meeting['number']}", _TITLE),
        _p("от заседание на Общинския съвет", _TITLE),
        Spacer(1, 4 * mm),
        _p(f"Дата и час: {meeting['starts_at'].replace('T', ' ')}. Място: {meeting['place']}."),
        _p(
            f"Присъстваха {len(present)} от {len(members)} общински съветници; "
            f"кворумът е {len(members) // 2 + 1} (чл. 27, ал. 2 ЗМСМА)."
        ),
        _p("ПРИСЪСТВИЕ", _HEADING),
        _p("Присъстваха: " + ", ".join(m["name"] for m in members if m["id"] in present) + "."),
        _p(
            "Отсъстваха: "
            + (", ".join(m["name"] for m in members if m["id"] not in present) or "няма")
            + "."
        ),
        _p("ДНЕВЕН РЕД И РЕШЕНИЯ", _HEADING),
    ]
    names = {m["id"]: m["name"] for m in members}
    for row in items(conn, session_id):
        story.append(_p(f"Точка {row['position']}. {row['title']}", _HEADING))
        story.append(_p(f"Вносител: {row['proposer']}."))
        for opinion in row["committee_opinions"]:
            story.append(_p(f"Становище на {opinion['committee']}: {opinion['opinion']}."))
        conflicted = sorted(names.get(m, str(m)) for m in conflicted_members(conn, row["id"]))
        if conflicted:
            story.append(
                _p(f"Заявили конфликт на интереси (не гласуват): {', '.join(conflicted)}.")
            )
        story.extend(_vote_lines(conn, row))
    story += [
        Spacer(1, 8 * mm),
        _p("Протоколът е подписан с електронния подпис на общината.", _SMALL),
    ]
    return _render(story, f"Протокол № {meeting['number']}")


def sign_protocol(conn: Connection, session_id: int, signer, actor: str) -> dict:
    """Make the protocol, sign it, keep it with the session; its number and SHA-256."""
    pdf = _signed(signer, protocol_pdf(conn, session_id))
    digest = hashlib.sha256(pdf).hexdigest()
    conn.execute(
        update(council_sessions)
        .where(council_sessions.c.id == session_id)
        .values(protocol_pdf=pdf, protocol_sha256=digest)
    )
    votelog.append(conn, actor, "protocol.signed", f"session:{session_id}", {"sha256": digest})
    return {"session": session_id, "sha256": digest, "pdf": pdf}


def sign_protocol_of(conn: Connection, session_number: int, signer, actor: str) -> dict:
    """:func:`sign_protocol` for the session with this number (as the secretary knows it)."""
    return sign_protocol(conn, session_by_number(conn, session_number)["id"], signer, actor)


def decision_pdf(conn: Connection, item_id: int, signer) -> bytes:
    """An adopted decision as its own signed, numbered document."""
    row = item(conn, item_id)
    if not row["decision_number"]:
        raise VoteRefusedError(
            "Точката не е приета и няма номер на решение. / "
            "The item was not adopted and has no decision number."
        )
    meeting = session(conn, row["session_id"])
    register_fonts()
    story = [
        _p(f"РЕШЕНИЕ № {decision_label(row)}", _TITLE),
        _p(
            f"на Общинския съвет, прието на заседание № {meeting['number']} "
            f"от {meeting['starts_at'][:10]} (протокол № {meeting['number']})",
            _BODY,
        ),
        Spacer(1, 5 * mm),
        _p(f"Относно: {row['title']}", _HEADING),
        _p(f"На основание {row['legal_basis']} Общинският съвет реши:"),
        Spacer(1, 2 * mm),
    ]
    story += [_p(line) for line in row["draft_decision"].splitlines() if line.strip()]
    story += [Spacer(1, 5 * mm)]
    story += _vote_lines(conn, row)
    return _signed(signer, _render(story, f"Решение № {decision_label(row)}"))


def _signed(signer, pdf: bytes) -> bytes:
    """``pdf`` signed by ``signer`` — the certificates' signer (``Central.open_signer``: the key
    file, or the token opened with the secretary's PIN), time-stamped the same way."""
    try:
        return sign_pdf(signer, pdf, location="Общински съвет")
    except DocumentError as exc:
        raise CouncilSigningError(exc.message, exc.code) from exc
