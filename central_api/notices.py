"""Notices: announcements and council decisions for every kiosk's notice board.

Published by an administrator (the web office's notices page; the council's publishing too).
Publishing stores the notice and queues a ``notice.published`` record for every active kiosk::

    {"id", "kind": "announcement" | "council_decision" | "council_agenda" |
     "council_consultation", "date": "YYYY-MM-DD", "published_at",
     "title": {"bg", "en"}, "body": {"bg", "en"}, "pdf_name"?, "pdf_b64"?, "pdf_sha256"?}

(``title``/``body`` in English fall back to the Bulgarian when none is written.) A kiosk enrolled
later is sent the most recent ones (:func:`recent_records`, :mod:`central_api.onboarding`).
"""

from __future__ import annotations

import base64
import hashlib
import re
import uuid

from sqlalchemy import Connection, insert, select

from .audit import record as audit_record
from .db import utc_now
from .db.schema import kiosks, office_notices
from .errors import InvalidInputError, NotFoundError
from .workflow import queue_record

KINDS = ("announcement", "council_decision")  # what an administrator publishes (office page)
COUNCIL_KINDS = ("council_agenda", "council_consultation")  # published by central_api.council
MAX_PDF_BYTES = 5 * 1024 * 1024
MAX_TITLE = 200
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

PROBLEMS = {
    "notice_incomplete": (
        "Изберете вид, дата (ГГГГ-ММ-ДД), заглавие и текст на български. / "
        "Choose a kind, a date (YYYY-MM-DD), a title and a text in Bulgarian."
    ),
    "notice_pdf_too_big": "PDF файлът е над 5 MB. / The PDF is over 5 MB.",
    "notice_pdf_not_pdf": "Файлът не е PDF. / The file is not a PDF.",
}


class NoticeError(InvalidInputError):
    """A notice that cannot be published as it is; ``problem`` keys the office's text for it."""

    code = "notice_refused"

    def __init__(self, problem: str):
        super().__init__(PROBLEMS[problem])
        self.problem = problem


def notice_problem(notice: dict, pdf: bytes | None = None) -> str | None:
    """The key of what is wrong with a notice to publish, or None."""
    if notice.get("kind") not in KINDS + COUNCIL_KINDS or not DATE.match(notice.get("date") or ""):
        return "notice_incomplete"
    if not notice.get("title_bg") or not notice.get("body_bg"):
        return "notice_incomplete"
    if pdf is not None:
        if len(pdf) > MAX_PDF_BYTES:
            return "notice_pdf_too_big"
        if not pdf.startswith(b"%PDF-"):
            return "notice_pdf_not_pdf"
    return None


def record_body(row) -> dict:
    """The ``notice.published`` record of a stored notice, as every kiosk receives it."""
    body = {
        "id": row["notice_id"],
        "kind": row["kind"],
        "date": row["notice_date"],
        "published_at": row["published_at"],
        "title": {"bg": row["title_bg"], "en": row["title_en"] or row["title_bg"]},
        "body": {"bg": row["body_bg"], "en": row["body_en"] or row["body_bg"]},
    }
    if row["pdf"]:
        pdf = bytes(row["pdf"])
        body.update(
            pdf_name=row["pdf_name"],
            pdf_b64=base64.b64encode(pdf).decode(),
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        )
    return body


def publish(conn: Connection, notice: dict, pdf: bytes | None, pdf_name: str | None, by: str):
    """Check and store the notice and queue it for every active kiosk; the notice id.

    ``notice``: ``kind``, ``date``, ``title_bg``, ``body_bg`` and, optionally, ``title_en``,
    ``body_en``. A :class:`NoticeError` says what to fix.
    """
    problem = notice_problem(notice, pdf)
    if problem:
        raise NoticeError(problem)
    notice_id = str(uuid.uuid4())
    now = utc_now()
    targets = list(conn.execute(select(kiosks.c.id).where(kiosks.c.revoked_at.is_(None))).scalars())
    conn.execute(
        insert(office_notices).values(
            notice_id=notice_id,
            kind=notice["kind"],
            notice_date=notice["date"],
            title_bg=notice["title_bg"],
            title_en=notice.get("title_en") or None,
            body_bg=notice["body_bg"],
            body_en=notice.get("body_en") or None,
            pdf=pdf,
            pdf_name=(pdf_name or "notice.pdf") if pdf is not None else None,
            published_at=now,
            published_by=by,
            kiosk_count=len(targets),
        )
    )
    stored = conn.execute(select(office_notices).where(office_notices.c.notice_id == notice_id))
    body = record_body(stored.mappings().one())
    for kiosk_id in targets:
        queue_record(conn, kiosk_id, "notice.published", body)
    audit_record(conn, by, "notice.published", notice_id, {"title": notice["title_bg"]})
    return notice_id


def published(conn: Connection, limit: int = 100) -> list[dict]:
    """The latest notices, newest first, without their PDFs."""
    rows = conn.execute(
        select(*(c for c in office_notices.c if c.name != "pdf"))
        .order_by(office_notices.c.id.desc())
        .limit(limit)
    ).mappings()
    return [dict(row) for row in rows]


def notice_pdf(conn: Connection, notice_id: str) -> tuple[bytes, str]:
    """A notice's PDF and its file name."""
    row = conn.execute(
        select(office_notices.c.pdf, office_notices.c.pdf_name).where(
            office_notices.c.notice_id == notice_id
        )
    ).first()
    if row is None or row.pdf is None:
        raise NotFoundError("No such notice, or it has no PDF.")
    return bytes(row.pdf), row.pdf_name or "notice.pdf"


def recent_records(conn: Connection, limit: int) -> list[dict]:
    """The ``notice.published`` bodies of the ``limit`` latest notices, oldest first."""
    recent = conn.execute(
        select(office_notices).order_by(office_notices.c.published_at.desc()).limit(limit)
    ).mappings()
    return [record_body(row) for row in reversed(list(recent))]
