"""Notices: announcements and council decisions for every kiosk's notice board.

Clerks read them; the administrator publishes. Publishing stores the notice and queues a
``notice.published`` record for every active kiosk::

    {"id", "kind": "announcement" | "council_decision", "date": "YYYY-MM-DD", "published_at",
     "title": {"bg", "en"}, "body": {"bg", "en"}, "pdf_name"?, "pdf_b64"?, "pdf_sha256"?}

(``title``/``body`` in English fall back to the Bulgarian when none is written.)
"""

from __future__ import annotations

import base64
import hashlib
import re
import uuid

from flask import Response, redirect, render_template, request, url_for
from sqlalchemy import Connection, insert, select
from werkzeug.utils import secure_filename

from ..audit import record as audit_record
from ..db import read, utc_now, write
from ..db.schema import kiosks
from ..errors import NotFoundError
from ..workflow import queue_record
from . import bp
from .auth import actor, engine
from .i18n import flash_t
from .roles import CLERKS, access
from .tables import office_notices

KINDS = ("announcement", "council_decision")
MAX_PDF_BYTES = 5 * 1024 * 1024
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
    """Store the notice and queue it for every active kiosk; the notice id."""
    notice_id = str(uuid.uuid4())
    now = utc_now()
    targets = list(conn.execute(select(kiosks.c.id).where(kiosks.c.revoked_at.is_(None))).scalars())
    conn.execute(
        insert(office_notices).values(
            notice_id=notice_id,
            kind=notice["kind"],
            notice_date=notice["date"],
            title_bg=notice["title_bg"],
            title_en=notice["title_en"] or None,
            body_bg=notice["body_bg"],
            body_en=notice["body_en"] or None,
            pdf=pdf,
            pdf_name=pdf_name,
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


def _form() -> tuple[dict, str | None]:
    form = request.form
    notice = {
        "kind": form.get("kind", ""),
        "date": form.get("date", "").strip(),
        "title_bg": form.get("title_bg", "").strip()[:200],
        "title_en": form.get("title_en", "").strip()[:200],
        "body_bg": form.get("body_bg", "").strip(),
        "body_en": form.get("body_en", "").strip(),
    }
    if notice["kind"] not in KINDS or not DATE.match(notice["date"]):
        return notice, "notice_incomplete"
    if not notice["title_bg"] or not notice["body_bg"]:
        return notice, "notice_incomplete"
    return notice, None


def _page(notice: dict, status: int = 200):
    with read(engine()) as conn:
        published = [
            dict(row)
            for row in conn.execute(
                select(*(c for c in office_notices.c if c.name != "pdf"))
                .order_by(office_notices.c.id.desc())
                .limit(100)
            ).mappings()
        ]
    page = render_template("office/notices.html", published=published, kinds=KINDS, notice=notice)
    return page, status


@bp.get("/notices")
@access(*CLERKS)
def notices():
    from .common import today

    return _page({"date": today()})


@bp.post("/notices")
@access("admin")
def publish_notice():
    notice, problem = _form()
    upload = request.files.get("pdf")
    pdf, pdf_name = None, None
    if not problem and upload and upload.filename:
        pdf = upload.read(MAX_PDF_BYTES + 1)
        pdf_name = secure_filename(upload.filename) or "notice.pdf"
        if len(pdf) > MAX_PDF_BYTES:
            problem = "notice_pdf_too_big"
        elif not pdf.startswith(b"%PDF-"):
            problem = "notice_pdf_not_pdf"
    if problem:
        flash_t(problem, "error")
        return _page(notice, 400)
    with write(engine()) as conn:
        publish(conn, notice, pdf, pdf_name, actor())
    flash_t("done_notice", "success", title=notice["title_bg"])
    return redirect(url_for("office.notices"))


@bp.get("/notices/<notice_id>.pdf")
@access(*CLERKS)
def notice_pdf(notice_id: str):
    with read(engine()) as conn:
        row = conn.execute(
            select(office_notices.c.pdf, office_notices.c.pdf_name).where(
                office_notices.c.notice_id == notice_id
            )
        ).first()
    if row is None or row.pdf is None:
        raise NotFoundError("No such notice, or it has no PDF.")
    response = Response(bytes(row.pdf), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{row.pdf_name or "notice.pdf"}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
