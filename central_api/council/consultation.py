"""Public consultation on draft regulations (чл. 26 ЗНА: 30 days): villagers' comments.

A draft under consultation reaches every kiosk; a villager may leave a comment there (their
name is optional), which travels to central as a ``council.comment`` record and is listed with
the draft for the council's secretary and the public.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from ..db import utc_now
from .errors import CouncilInputError, VoteRefusedError
from .publishing import draft_of_notice
from .sessions import item
from .tables import council_comments

MAX_COMMENT = 4000
MAX_NAME = 200


def add_comment(
    conn: Connection,
    *,
    record_id: str,
    item_id: int,
    text: str,
    author_name: str | None,
    kiosk_id: str,
    village: str,
    written_at: str,
) -> bool:
    """Keep a villager's comment on a draft; False if this record was kept before."""
    if conn.execute(
        select(council_comments.c.id).where(council_comments.c.record_id == record_id)
    ).first():
        return False
    draft = item(conn, item_id)
    if not draft["consultation_until"]:
        raise CouncilInputError(
            "Проектът не е на обществена консултация. / The draft is not under consultation."
        )
    if written_at[:10] > draft["consultation_until"]:
        raise VoteRefusedError(
            f"Консултацията приключи на {draft['consultation_until']}. / "
            f"The consultation ended on {draft['consultation_until']}."
        )
    text = (text or "").strip()
    if not text or len(text) > MAX_COMMENT:
        raise CouncilInputError(
            "Коментарът е празен или по-дълъг от 4000 знака. / "
            "The comment is empty or longer than 4,000 characters."
        )
    conn.execute(
        insert(council_comments).values(
            record_id=record_id,
            item_id=item_id,
            text=text,
            author_name=((author_name or "").strip()[:MAX_NAME]) or None,
            kiosk_id=kiosk_id,
            village=village,
            written_at=written_at,
            received_at=utc_now(),
        )
    )
    return True


def comments(conn: Connection, item_id: int) -> list[dict]:
    query = (
        select(council_comments)
        .where(council_comments.c.item_id == item_id)
        .order_by(council_comments.c.written_at)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def comment_from_kiosk(conn: Connection, kiosk: dict, record: dict, body: dict) -> None:
    """A ``council.comment`` record: the villager's comment on the draft its notice carries."""
    item_id = draft_of_notice(conn, str(body["notice_id"]))
    if item_id is None:
        raise CouncilInputError(
            f"Notice {body['notice_id']!r} is no draft under consultation: the comment is kept "
            "in quarantine for the council's secretary."
        )
    add_comment(
        conn,
        record_id=record["id"],
        item_id=item_id,
        text=body["text"],
        author_name=body.get("name"),
        kiosk_id=kiosk["id"],
        village=kiosk["village"],
        written_at=body["at"],
    )
