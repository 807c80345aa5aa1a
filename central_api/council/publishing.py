"""Publishing the council's work to every kiosk's "notices and decisions" board.

Through the office's notices (:func:`central_api.notices.publish`: stored, queued as
``notice.published`` for every active kiosk, and sent to a kiosk enrolled later), in large plain
text, Bulgarian first:

* ``council_agenda``: a coming session's day, place and agenda (чл. 44, ал. 1, т. 1 ЗМСМА asks
  the mayor and council to announce it ahead);
* ``council_consultation``: a draft regulation under public consultation for 30 days (чл. 26
  ЗНА), with its paper; villagers may answer with a comment at the kiosk (``council.comment``);
* ``council_decision``: each adopted decision with its vote, and its signed PDF (чл. 22 ЗМСМА:
  within seven days).

``council_publications`` remembers what went out, so publishing again sends only what is new.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, insert, select

from ..db import utc_now
from ..db.schema import office_notices
from ..notices import publish
from .errors import CouncilNotFoundError
from .record import decision_label
from .sessions import item, items, session, session_by_number
from .state import KIND_TEXT, RULE_TEXT
from .tables import council_publications


def _published(conn: Connection, session_id: int) -> set[tuple[str, int | None]]:
    query = select(council_publications.c.kind, council_publications.c.item_id).where(
        council_publications.c.session_id == session_id
    )
    return {(row.kind, row.item_id) for row in conn.execute(query)}


def _remember(conn, notice_id: str, kind: str, session_id: int, item_id: int | None) -> None:
    conn.execute(
        insert(council_publications).values(
            notice_id=notice_id,
            kind=kind,
            session_id=session_id,
            item_id=item_id,
            published_at=utc_now(),
        )
    )


def _notice(kind: str, day: str, title: tuple[str, str], body: tuple[str, str]) -> dict:
    return {
        "kind": kind,
        "date": day,
        "title_bg": title[0][:200],
        "title_en": title[1][:200],
        "body_bg": body[0],
        "body_en": body[1],
    }


def publish_session(
    conn: Connection, session_id: int, signer, by: str, today: date | None = None
) -> list[str]:
    """Publish what of this session is not yet on the kiosks; the kinds published, in order."""
    # Here, not at the top: the PDF renderer loads reportlab and pyHanko, which the kiosk records
    # and the command lines that import this module never need.
    from .protocol import decision_pdf

    today = today or date.today()
    meeting = session(conn, session_id)
    done = _published(conn, session_id)
    day = meeting["starts_at"][:10]
    sent = []
    agenda = items(conn, session_id)
    if meeting["status"] != "closed" and ("council_agenda", None) not in done:
        lines = [f"{i['position']}. {i['title']} (вносител: {i['proposer']})" for i in agenda]
        lines_en = [f"{i['position']}. {i['title']} (proposed by: {i['proposer']})" for i in agenda]
        when = meeting["starts_at"].replace("T", " в ") + " ч."
        notice = _notice(
            "council_agenda",
            day,
            (
                f"Заседание № {meeting['number']} на Общинския съвет",
                f"Council session {meeting['number']}",
            ),
            (
                f"Общинският съвет заседава на {when}, {meeting['place']}.\n\nДневен ред:\n"
                + "\n".join(lines),
                f"The municipal council meets on {meeting['starts_at'].replace('T', ' at ')}, "
                f"{meeting['place']}.\n\nAgenda:\n" + "\n".join(lines_en),
            ),
        )
        _remember(conn, publish(conn, notice, None, None, by), "council_agenda", session_id, None)
        sent.append("council_agenda")
    for row in agenda:
        open_draft = row["consultation_until"] and row["consultation_until"] >= today.isoformat()
        if open_draft and ("council_consultation", row["id"]) not in done:
            full = item(conn, row["id"])
            notice = _notice(
                "council_consultation",
                today.isoformat(),
                (
                    f"Проект за обществено обсъждане: {row['title']}",
                    f"Draft for consultation: {row['title']}",
                ),
                (
                    f"{row['draft_decision']}\n\nМожете да изпратите коментар до "
                    f"{row['consultation_until']} тук, на киоска (бутон „Коментар по проекта“), "
                    "с Вашето име или без него.",
                    f"{row['draft_decision']}\n\nYou may send a comment until "
                    f"{row['consultation_until']} here at the kiosk (the “Comment on the draft” button), "
                    "with your name or without it.",
                ),
            )
            paper = bytes(full["paper_pdf"]) if full["paper_pdf"] else None
            notice_id = publish(conn, notice, paper, full["paper_name"] if paper else None, by)
            _remember(conn, notice_id, "council_consultation", session_id, row["id"])
            sent.append("council_consultation")
        if row["decision_number"] and ("council_decision", row["id"]) not in done:
            label = decision_label(row)
            tally = (
                f"„за“ {row['for_votes']}, „против“ {row['against']}, "
                f"„въздържал се“ {row['abstained']}"
            )
            notice = _notice(
                "council_decision",
                day,
                (f"Решение № {label}: {row['title']}", f"Decision {label}: {row['title']}"),
                (
                    f"{row['draft_decision']}\n\nПрието на заседание № {meeting['number']} от "
                    f"{day} с {tally}; {KIND_TEXT[row['kind']][0]} гласуване, мнозинство "
                    f"{RULE_TEXT[row['rule']][0]} ({row['legal_basis']}).",
                    f"{row['draft_decision']}\n\nAdopted at session {meeting['number']} on {day}: "
                    f"{row['for_votes']} for, {row['against']} against, {row['abstained']} "
                    f"abstained; {KIND_TEXT[row['kind']][1]} vote, {RULE_TEXT[row['rule']][1]}.",
                ),
            )
            pdf = decision_pdf(conn, row["id"], signer)
            notice_id = publish(conn, notice, pdf, f"reshenie-{label.replace('/', '-')}.pdf", by)
            _remember(conn, notice_id, "council_decision", session_id, row["id"])
            sent.append("council_decision")
    return sent


def draft_of_notice(conn: Connection, notice_id: str) -> int | None:
    """The item a consultation notice carries, or None when the notice is no such draft."""
    return conn.execute(
        select(council_publications.c.item_id).where(
            council_publications.c.notice_id == notice_id,
            council_publications.c.kind == "council_consultation",
        )
    ).scalar()


def publish_session_of(conn: Connection, number: int, signer, by: str) -> list[str]:
    """:func:`publish_session` for the session with this number."""
    return publish_session(conn, session_by_number(conn, number)["id"], signer, by)


def published_decision_pdf(conn: Connection, item_id: int) -> bytes:
    """The signed decision as it was published to the kiosks (signed once, when published: a
    key on a token is not opened for every reader)."""
    pdf = conn.execute(
        select(office_notices.c.pdf)
        .join(council_publications, council_publications.c.notice_id == office_notices.c.notice_id)
        .where(
            council_publications.c.kind == "council_decision",
            council_publications.c.item_id == item_id,
        )
        .order_by(council_publications.c.published_at.desc())
        .limit(1)
    ).scalar()
    if pdf is None:
        raise CouncilNotFoundError(
            "Решението още не е обнародвано като подписан документ; секретарят го публикува "
            "(`central-api council publish`). / The decision has not been published as a signed "
            "document yet."
        )
    return bytes(pdf)


def decision_published(conn: Connection, item_id: int) -> bool:
    return (
        conn.execute(
            select(council_publications.c.notice_id).where(
                council_publications.c.kind == "council_decision",
                council_publications.c.item_id == item_id,
            )
        ).first()
        is not None
    )
