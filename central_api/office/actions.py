"""What a clerk does to a request from its page: review, approve (and issue), reject, ask for
information, record the fee, preview the draft, open the issued PDF, revoke an issued document.

The workflow is :mod:`central_api.decisions`; these views only collect the form, pass the version
the clerk saw (so a decision made on a stale page is a conflict, not a surprise) and say what
happened. Revoking a document also tells the kiosk (``document.revoked`` in its downlink, by
:func:`central_api.decisions.revoke_document`), so the paper is not handed over there.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, current_app, g, redirect, request, url_for
from sqlalchemy import select

from .. import attachments, decisions
from ..db import read
from ..db.schema import documents
from ..errors import CentralError, NotFoundError
from ..municipality import current_municipality
from ..officials import find_official
from ..records import find_service
from ..review import ensure_approvable, heirs_digest, record_authorisation, review_request
from ..workflow import get_request
from .auth import engine
from .blueprint import bp
from .i18n import flash_t, t
from .roles import CLERKS, access
from .texts import TEXTS

# What a draft shows under the text when the clerk previewing it is not an official.
NO_OFFICIAL = {"names": "—", "title": "(не е длъжностно лице / not an official)", "order": ""}


def _central():
    return current_app.extensions["central"]


def _pin() -> str | None:
    """The signing token's PIN typed into this form: used for this request only, never kept."""
    return request.form.get("pin") or None


def _version() -> int | None:
    value = request.form.get("version", "")
    return int(value) if value.isdigit() else None


def _back(reference: str):
    return redirect(url_for("office.request_page", reference=reference))


def refusal(exc: CentralError) -> None:
    """Say why it was not done: in the reader's language where the office knows the reason,
    followed by central's own (English) explanation, which names the details."""
    key = f"refused_{exc.code}"
    if key in TEXTS:
        flash_t("action_failed", "error", message=f"{t(key)} ({exc.message})")
    else:
        flash_t("action_failed", "error", message=exc.message)


def _refused(reference: str, exc: CentralError):
    """The request's page again, with why the step was refused, under the error's status (an
    illegal step or a stale page is a 409), rather than a redirect that would hide it."""
    from .request_view import request_page

    refusal(exc)
    return request_page(reference), exc.http_status


def _decide(reference: str, done_key: str, action, **values):
    try:
        action()
    except CentralError as exc:
        return _refused(reference, exc)
    else:
        flash_t(done_key, "success", reference=reference, **values)
    return _back(reference)


@bp.post("/requests/<reference>/review")
@access(*CLERKS)
def review(reference: str):
    return _decide(
        reference,
        "done_review",
        lambda: decisions.start_review(engine(), reference, g.user["name"]),
    )


@bp.post("/requests/<reference>/approve")
@access(*CLERKS)
def approve(reference: str):
    try:
        with _central().open_signer(_pin()) as signer:
            _, issued = decisions.approve(
                engine(),
                reference,
                g.user["name"],
                expected_version=_version(),
                signer=signer,
                confirmed_heirs=request.form.get("confirmed_heirs") or None,
            )
    except CentralError as exc:
        return _refused(reference, exc)
    if issued:
        flash_t("done_approve", "success", reference=reference, number=issued["number"])
    else:
        flash_t("done_approve_in_person", "success", reference=reference)
    return _back(reference)


@bp.post("/requests/<reference>/authorise")
@access(*CLERKS)
def authorise(reference: str):
    document = request.form.get("document", "").strip()
    return _decide(
        reference,
        "done_authorise",
        lambda: record_authorisation(engine(), reference, document, g.user["name"]),
    )


@bp.post("/requests/<reference>/attach")
@access(*CLERKS)
def attach(reference: str):
    upload = request.files.get("pdf")
    if upload is None or not upload.filename:
        flash_t("attachment_required", "error")
        return _back(reference)
    name = upload.filename
    return _decide(
        reference,
        "done_attach",
        lambda: attachments.attach_document(
            engine(), reference, name, upload.read(), g.user["name"]
        ),
        file_name=name,
    )


@bp.post("/requests/approve")
@access(*CLERKS)
def approve_selected():
    """The queue's batch: the selected requests approved under one PIN, all or none."""
    references = request.form.getlist("reference")
    if not references:
        flash_t("batch_none_selected", "error")
        return redirect(url_for("office.queue"))
    try:
        with _central().open_signer(_pin()) as signer:
            issued = decisions.approve_batch(engine(), references, g.user["name"], signer)
    except CentralError as exc:
        refusal(exc)
        return redirect(url_for("office.queue"))
    flash_t(
        "done_batch",
        "success",
        count=len(issued),
        numbers=", ".join(d["number"] or d["reference"] for d in issued),
    )
    return redirect(url_for("office.queue"))


@bp.post("/requests/<reference>/reject")
@access(*CLERKS)
def reject(reference: str):
    reason = request.form.get("reason", "").strip()
    if not reason:
        flash_t("reason_required", "error")
        return _back(reference)

    def refuse():
        with _central().open_signer(_pin()) as signer:
            decisions.reject(
                engine(),
                reference,
                reason,
                g.user["name"],
                _version(),
                signer=signer,
                legal_basis=request.form.get("legal_basis", "").strip() or None,
            )

    return _decide(reference, "done_reject", refuse)


@bp.post("/requests/<reference>/ask")
@access(*CLERKS)
def ask(reference: str):
    question = request.form.get("question", "").strip()
    if not question:
        flash_t("question_required", "error")
        return _back(reference)
    return _decide(
        reference,
        "done_ask",
        lambda: decisions.ask(engine(), reference, question, g.user["name"], _version()),
    )


@bp.post("/requests/<reference>/fee")
@access(*CLERKS)
def fee(reference: str):
    status = request.form.get("fee_status", "")
    method = request.form.get("fee_method", "").strip() or None
    receipt = request.form.get("receipt_number", "").strip() or None
    return _decide(
        reference,
        "done_fee",
        lambda: decisions.record_fee(engine(), reference, status, method, receipt, g.user["name"]),
    )


def _pdf(data: bytes, filename: str) -> Response:
    response = Response(bytes(data), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/requests/<reference>/preview.pdf")
@access(*CLERKS)
def preview(reference: str):
    """The certificate as it would be issued now, from the register, marked as a draft: no
    number, no signature, no QR. While the review blocks it there is no draft to show."""
    from ..documents import issue_pdf

    with read(engine()) as conn:
        request_row = get_request(conn, reference)
        service = find_service(conn, request_row["service"]) or {"id": request_row["service"]}
        official = find_official(conn, g.user["name"]) or NO_OFFICIAL
        municipality = current_municipality(conn)
        found = review_request(conn, request_row)
    try:
        ensure_approvable(found, reference, heirs_digest(found))
    except CentralError as exc:
        return _refused(reference, exc)
    draft = issue_pdf(
        None,
        number="ПРОЕКТ",
        issued_on=datetime.now(UTC).date(),
        service=service,
        request={"reference": reference, "village": request_row["village"]},
        facts=found.facts,
        official=official["names"],
        official_title=official["title"],
        official_order=official["order"],
        municipality=municipality,
        draft=True,
    )
    return _pdf(draft.pdf, f"draft-{reference}.pdf")


@bp.get("/documents/<number>.pdf")
@access(*CLERKS)
def document_pdf(number: str):
    with read(engine()) as conn:
        row = conn.execute(select(documents.c.pdf).where(documents.c.number == number)).first()
    if row is None:
        raise NotFoundError(f"No document Изх. № {number}.")
    return _pdf(row.pdf, f"{number}.pdf")


@bp.post("/documents/<number>/revoke")
@access(*CLERKS)
def revoke_document(number: str):
    reason = request.form.get("reason", "").strip()
    with read(engine()) as conn:
        reference = conn.execute(
            select(documents.c.reference).where(documents.c.number == number)
        ).scalar()
    if reference is None:
        raise NotFoundError(f"No document Изх. № {number}.")
    if not reason:
        flash_t("reason_required", "error")
        return _back(reference)
    return _decide(
        reference,
        "done_revoke",
        lambda: decisions.revoke_document(engine(), number, reason, g.user["name"]),
        number=number,
    )
