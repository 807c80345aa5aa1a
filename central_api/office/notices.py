"""The notices page of the web office: clerks read, the administrator publishes
(:mod:`central_api.notices`)."""

from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for
from werkzeug.utils import secure_filename

from .. import notices as notice_board
from ..db import read, write
from .auth import actor, engine
from .blueprint import bp
from .common import today
from .i18n import flash_t
from .roles import CLERKS, access


def _form() -> dict:
    form = request.form
    return {
        "kind": form.get("kind", ""),
        "date": form.get("date", "").strip(),
        "title_bg": form.get("title_bg", "").strip()[: notice_board.MAX_TITLE],
        "title_en": form.get("title_en", "").strip()[: notice_board.MAX_TITLE],
        "body_bg": form.get("body_bg", "").strip(),
        "body_en": form.get("body_en", "").strip(),
    }


def _page(notice: dict, status: int = 200):
    with read(engine()) as conn:
        published = notice_board.published(conn)
    page = render_template(
        "office/notices.html", published=published, kinds=notice_board.KINDS, notice=notice
    )
    return page, status


@bp.get("/notices")
@access(*CLERKS)
def notices():
    return _page({"date": today()})


@bp.post("/notices")
@access("admin")
def publish_notice():
    notice = _form()
    upload = request.files.get("pdf")
    pdf, pdf_name = None, None
    # Checked without the upload first: an incomplete form is named before a file problem.
    problem = notice_board.notice_problem(notice)
    if notice["kind"] not in notice_board.KINDS:  # the council publishes its own kinds itself
        problem = "notice_incomplete"
    if not problem and upload and upload.filename:
        pdf = upload.read(notice_board.MAX_PDF_BYTES + 1)
        pdf_name = secure_filename(upload.filename) or "notice.pdf"
    try:
        if problem:
            raise notice_board.NoticeError(problem)
        with write(engine()) as conn:
            notice_board.publish(conn, notice, pdf, pdf_name, actor())
    except notice_board.NoticeError as exc:
        flash_t(exc.problem, "error")
        return _page(notice, 400)
    flash_t("done_notice", "success", title=notice["title_bg"])
    return redirect(url_for("office.notices"))


@bp.get("/notices/<notice_id>.pdf")
@access(*CLERKS)
def notice_pdf(notice_id: str):
    with read(engine()) as conn:
        pdf, name = notice_board.notice_pdf(conn, notice_id)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
