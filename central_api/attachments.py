"""Documents made in the municipality's other systems (catalogue ``issuance: attached``).

The clerk uploads the PDF (plot sketch from the cadastre, valuation from the tax software) on the
request's page; :func:`attach_document` checks and keeps it, and approving the request
(:func:`central_api.decisions.approve`) numbers, stamps and signs the latest one uploaded.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, Engine, insert, select

from .audit import record as audit_record
from .db import utc_now, write
from .db.schema import attachments
from .errors import ConflictError, InvalidInputError
from .records import find_service
from .workflow import get_request

OPEN_STATES = ("received", "in_review", "needs_info")


def attach_document(
    engine: Engine, reference: str, file_name: str, pdf: bytes, user_name: str
) -> dict:
    """Keep the uploaded PDF for the request; its row (without the bytes)."""
    from .documents import DocumentError, check_attachment

    try:
        pages = check_attachment(pdf)
    except DocumentError as exc:
        raise InvalidInputError(exc.message) from exc
    with write(engine) as conn:
        request = get_request(conn, reference, for_update=True)
        service = find_service(conn, request["service"]) or {}
        if service.get("issuance") != "attached":
            raise ConflictError(
                f"{reference} is a request for {request['service']}, whose document central "
                "makes itself; there is nothing to upload."
            )
        if request["status"] not in OPEN_STATES:
            raise ConflictError(
                f"{reference} is {request['status']}; a document can be attached only before "
                "the request is decided."
            )
        row = {
            "reference": reference,
            "file_name": (file_name or "document.pdf")[:200],
            "pdf": pdf,
            "sha256": hashlib.sha256(pdf).hexdigest(),
            "uploaded_by": user_name,
            "uploaded_at": utc_now(),
        }
        conn.execute(insert(attachments).values(**row))
        audit_record(
            conn,
            f"clerk:{user_name}",
            "document.attached",
            reference,
            {"sha256": row["sha256"], "file_name": row["file_name"], "pages": pages},
        )
    return {key: value for key, value in row.items() if key != "pdf"} | {"pages": pages}


def latest_attachment(conn: Connection, reference: str) -> dict | None:
    row = (
        conn.execute(
            select(attachments)
            .where(attachments.c.reference == reference)
            .order_by(attachments.c.id.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def attachment_list(conn: Connection, reference: str) -> list[dict]:
    return [
        dict(row)
        for row in conn.execute(
            select(
                attachments.c.file_name,
                attachments.c.sha256,
                attachments.c.uploaded_by,
                attachments.c.uploaded_at,
            )
            .where(attachments.c.reference == reference)
            .order_by(attachments.c.id)
        ).mappings()
    ]
