"""Clerks' decisions on requests: review, approve (which issues the document), reject, ask.

Approving runs in one transaction: the request moves in_review → approved, takes the next
outgoing number of the year in the numbering epoch (a counter row updated in place, so numbers are
gap-free: a failed issue rolls the number back with everything else; after a restore, no number
until the kiosks have reported, central_api.restore), the signed PDF is rendered and stored, the
request becomes issued, and ``request.status_changed`` + ``document.issued`` are queued for the
kiosk. Of two clerks approving at once, the second finds the version changed and gets a conflict.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select, update

from sync import canonical_json

from . import restore
from .attachments import latest_attachment
from .audit import record as audit_record
from .certificate_facts import refusal_facts
from .db import read, utc_now, write
from .db.schema import documents, requests
from .errors import (
    ApprovalBlockedError,
    DocumentIssueError,
    InvalidInputError,
    NotFoundError,
    SigningTokenError,
)
from .municipality import current_municipality
from .officials import signing_official
from .records import find_service
from .review import ensure_approvable, review_request
from .users import get_user
from .workflow import get_request, queue_record, set_fee, transition


def _clerk(conn: Connection, user_name: str) -> dict:
    user = get_user(conn, user_name)
    if user["role"] not in ("clerk", "admin"):
        raise InvalidInputError(f"{user_name} is an {user['role']}: only clerks decide requests.")
    return user


def start_review(engine: Engine, reference: str, user_name: str) -> dict:
    with write(engine) as conn:
        _clerk(conn, user_name)
        request = get_request(conn, reference, for_update=True)
        return transition(conn, request, "in_review", user_name, "clerk")


def _reviewing(conn: Connection, reference: str, user_name: str, expected_version=None) -> dict:
    """The request, moved into review first if it was only received."""
    request = get_request(conn, reference, for_update=True)
    if expected_version is not None and request["version"] != expected_version:
        from .errors import ConcurrentChangeError

        raise ConcurrentChangeError(
            f"Request {reference} was changed by someone else meanwhile; reload and decide again."
        )
    if request["status"] == "received":
        request = transition(conn, request, "in_review", user_name, "clerk", notify=False)
    return request


def reject(
    engine: Engine,
    reference: str,
    reason: str,
    user_name: str,
    expected_version=None,
    *,
    signer=None,
    legal_basis: str | None = None,
):
    """Refuse the request with a written decision (АПК чл. 21, 59): a document of its own,
    numbered and signed like a certificate, naming the legal basis, the reasons and how to
    appeal; it travels to the kiosk, which prints it. The request and the refusal document."""
    if not reason or not reason.strip():
        raise InvalidInputError("A rejection needs a reason the villager can read.")
    reason = " ".join(reason.split())
    with write(engine) as conn:
        _clerk(conn, user_name)
        request = _reviewing(conn, reference, user_name, expected_version)
        # A refusal is an act of an authorised official, signed like a certificate.
        official = signing_official(conn, user_name, request["service"])
        service = find_service(conn, request["service"]) or {"id": request["service"]}
        found = review_request(conn, request)
        request = transition(conn, request, "rejected", user_name, "clerk", reason=reason)
        now = datetime.now(UTC)
        seq, number = next_outgoing_number(conn, now.year)
        issued = _render_refusal(
            request, service, found, number, now, official, signer, reason, legal_basis,
            current_municipality(conn),
        )  # fmt: skip
        document = _store_document(conn, request, number, now, seq, issued, user_name, "refusal")
        audit_record(conn, f"clerk:{user_name}", "request.rejected", reference, {"reason": reason})
        return request, document


def _render_refusal(
    request, service, found, number, now, official, signer, reason, legal_basis, municipality
):
    from .documents import DocumentError, SigningDeviceError, default_legal_basis, issue_pdf

    data = {"reference": request["reference"], "village": request["village"]}
    facts = refusal_facts(
        request,
        service,
        found.applicant,
        json.loads(request["fields"] or "{}"),
        reasons=reason,
        legal_basis=(legal_basis or "").strip() or default_legal_basis(str(service["id"])),
        official=official["names"],
        official_title=official["title"],
        municipality=municipality,
    )
    try:
        return issue_pdf(
            signer,
            number=number,
            issued_on=now.date(),
            service=service,
            request=data,
            facts=facts,
            official=official["names"],
            official_title=official["title"],
            municipality=municipality,
            official_order=official["order"],
        )
    except SigningDeviceError as exc:
        raise SigningTokenError(exc.message, exc.code, exc.http_status) from exc
    except DocumentError as exc:
        raise DocumentIssueError(f"{request['reference']}: {exc.message}", code=exc.code) from exc


def ask(engine: Engine, reference: str, question: str, user_name: str, expected_version=None):
    """needs_info: the clerk's question travels to the kiosk; the answer comes back as a record."""
    if not question or not question.strip():
        raise InvalidInputError("Write the question the villager should answer.")
    with write(engine) as conn:
        _clerk(conn, user_name)
        request = _reviewing(conn, reference, user_name, expected_version)
        return transition(
            conn,
            request,
            "needs_info",
            user_name,
            "clerk",
            reason=question.strip(),
            question=question.strip(),
        )


def cancel(engine: Engine, reference: str, reason: str, user_name: str) -> dict:
    with write(engine) as conn:
        _clerk(conn, user_name)
        request = get_request(conn, reference, for_update=True)
        return transition(conn, request, "cancelled", user_name, "clerk", reason=reason)


def record_fee(
    engine: Engine,
    reference: str,
    status: str,
    method=None,
    receipt_number=None,
    user_name: str = "system",
) -> dict:
    with write(engine) as conn:
        request = get_request(conn, reference, for_update=True)
        request = set_fee(conn, request, status, method, receipt_number, user_name)
        if request["kiosk_id"]:
            queue_record(
                conn,
                request["kiosk_id"],
                "request.fee_changed",
                {
                    "reference": reference,
                    "fee": {
                        "status": request["fee_status"],
                        "method": request["fee_method"],
                        "receipt_number": request["fee_receipt_number"],
                        "amount_cents": request["fee_amount_cents"],
                    },
                    "by": user_name,
                    "at": utc_now(),
                },
            )
        return request


def next_outgoing_number(conn: Connection, year: int) -> tuple[int, str]:
    """Take the next outgoing number of ``year`` in the numbering epoch in force (refused while
    central reconciles after a restore: :mod:`central_api.restore`); (seq, number)."""
    _, seq, number = restore.next_number(conn, year)
    return seq, number


def approve(
    engine: Engine,
    reference: str,
    user_name: str,
    expected_version=None,
    signer=None,
    confirmed_heirs: str | None = None,
):
    """Approve the request and issue its document; the request and the document issued.

    How depends on the service's ``issuance`` (docs/catalogue.md): ``generated`` and
    ``attached`` issue a signed, numbered PDF that travels to the kiosk (the request becomes
    issued); ``in_person`` and ``filed`` (a declaration) issue nothing here: the request stays approved, the kiosk is told,
    and the villager collects the document where the catalogue's ``collect`` says (the document
    is then ``None``).

    The approving user must be an official authorised for the request's service
    (:func:`central_api.officials.signing_official`); the document prints their names, title and
    authorising order. ``signer`` is an open document signer (``Central.open_signer``).

    A generated certificate is approved only when the review of the register
    (:func:`central_api.review.review_request`) finds nothing against it; a certificate of heirs
    also needs ``confirmed_heirs``, the fingerprint of the heirs the clerk saw
    (:func:`central_api.review.heirs_digest`).
    """
    with write(engine) as conn:
        return _approve(conn, reference, user_name, expected_version, signer, confirmed_heirs)


def approve_batch(
    engine: Engine,
    references: list[str],
    user_name: str,
    signer,
    confirmed_heirs: dict[str, str | None] | None = None,
) -> list[dict]:
    """Approve several requests under one open signer (one PIN), all or none: the documents
    are issued in one transaction, so a refusal or a failed signature on any of them leaves
    every one as it was (no number taken, nothing queued for a kiosk). Per request, in order:
    ``{"reference", "number"}`` (``number`` is ``None`` for an in-person service).
    ``confirmed_heirs``: per reference, the heirs the clerk confirmed (:func:`approve`)."""
    if not references:
        raise InvalidInputError("Изберете поне едно заявление. Select at least one request.")
    if len(set(references)) != len(references):
        raise InvalidInputError("Едно заявление е избрано два пъти. A request was selected twice.")
    issued = []
    with write(engine) as conn:
        for reference in references:
            confirmed = (confirmed_heirs or {}).get(reference)
            _, document = _approve(conn, reference, user_name, None, signer, confirmed)
            issued.append({"reference": reference, "number": (document or {}).get("number")})
    return issued


def _approve(
    conn: Connection,
    reference: str,
    user_name: str,
    expected_version,
    signer,
    confirmed_heirs: str | None = None,
):
    """One approval inside the caller's transaction: the counter, the document and the
    downlink record are written together, or (on any error) not at all."""
    _clerk(conn, user_name)
    request = _reviewing(conn, reference, user_name, expected_version)
    official = signing_official(conn, user_name, request["service"])
    service = find_service(conn, request["service"]) or {"id": request["service"]}
    if service.get("issuance") in ("in_person", "filed"):
        # Nothing is issued here: the document is collected in person, or the declaration is
        # filed with the office that registers it (catalogue ``collect``).
        request = transition(conn, request, "approved", user_name, "clerk")
        audit_record(
            conn,
            f"clerk:{user_name}",
            "request.approved",
            reference,
            {service["issuance"]: True},
        )
        return request, None
    attachment = None
    if service.get("issuance") == "attached":
        attachment = latest_attachment(conn, reference)
        if attachment is None:
            raise ApprovalBlockedError(
                f"{reference}: upload the PDF made in the municipality's other system first; "
                "central signs and numbers it when you approve.",
                [
                    {
                        "code": "attachment_missing",
                        "message": {
                            "bg": "Качете PDF документа, изготвен в другата система на общината.",
                            "en": "Upload the PDF made in the municipality's other system.",
                        },
                    }
                ],
            )
    facts = None
    if attachment is None:
        # The certificate states what the register holds now; a block stops it here, for the
        # web office and the command line alike.
        found = review_request(conn, request)
        ensure_approvable(found, reference, confirmed_heirs)
        facts = found.facts
    request = transition(conn, request, "approved", user_name, "clerk", notify=False)
    now = datetime.now(UTC)
    seq, number = next_outgoing_number(conn, now.year)
    municipality = current_municipality(conn)
    issued = _render(
        request, service, number, now, official, signer, facts, municipality, attachment
    )
    request = transition(conn, request, "issued", user_name, "clerk", document_number=number)
    document = _store_document(conn, request, number, now, seq, issued, user_name)
    return request, document


def _store_document(conn, request, number, now, seq, issued, user_name, kind="certificate") -> dict:
    """Keep an issued PDF with its content, queue it for the request's kiosk, and audit it."""
    reference = request["reference"]
    pdf = issued.pdf
    sha = hashlib.sha256(pdf).hexdigest()
    issued_at = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    conn.execute(
        insert(documents).values(
            number=number,
            year=now.year,
            epoch=restore.parse_number(number)[1],
            seq=seq,
            reference=reference,
            pdf=pdf,
            sha256=sha,
            statement=issued.statement,
            issued_at=issued_at,
            issued_by=user_name,
            kind=kind,
            content=canonical_json(issued.content).decode() if issued.content else None,
            verification_code=issued.verification_code or None,
        )
    )
    if request["kiosk_id"]:
        queue_record(
            conn,
            request["kiosk_id"],
            "document.issued",
            {
                "reference": reference,
                "number": number,
                "issued_at": issued_at,
                "sha256": sha,
                "pdf_b64": base64.b64encode(pdf).decode(),
            },
            subject=number,
        )
    audit_record(
        conn,
        f"clerk:{user_name}",
        "document.issued",
        number,
        {"reference": reference, "sha256": sha, "kind": kind},
    )
    return {"number": number, "sha256": sha, "issued_at": issued_at, "kind": kind}


def revoke_document(engine: Engine, number: str, reason: str, user_name: str) -> dict:
    """Mark an issued document as revoked (issued in error) and tell the kiosk that holds the
    paper (``document.revoked`` in its downlink, once), so it is not handed over there;
    verification then says it is revoked. The web office and ``central-api documents revoke``
    both call this."""
    if not reason or not reason.strip():
        raise InvalidInputError("Say why the document is revoked.")
    reason = reason.strip()
    with write(engine) as conn:
        _clerk(conn, user_name)
        document = get_document(conn, number)
        if document is None:
            raise NotFoundError(f"No document Изх. № {number}.")
        if not document["revoked_at"]:
            revoked_at = utc_now()
            conn.execute(
                update(documents)
                .where(documents.c.id == document["id"])
                .values(revoked_at=revoked_at, revoke_reason=reason)
            )
            audit_record(conn, f"clerk:{user_name}", "document.revoked", number, {"reason": reason})
            kiosk_id = get_request(conn, document["reference"])["kiosk_id"]
            if kiosk_id:
                queue_record(
                    conn,
                    kiosk_id,
                    "document.revoked",
                    {
                        "reference": document["reference"],
                        "number": number,
                        "reason": reason,
                        "by": user_name,
                        "at": revoked_at,
                    },
                    subject=number,
                )
        return get_document(conn, number)


def public_status(engine: Engine, number: str, code: str | None = None) -> dict:
    """What anyone may learn about a document number.

    Without the document's verification code (printed on it, carried by its QR statement),
    or with a wrong one: only that such a document exists and whether it is valid, and that
    the code is needed for more — guessing numbers reveals no dates, services or hashes. With
    the right code: when it was issued, for which service, the day it was revoked (never the
    clerk's reason) and its SHA-256. Never the holder, nor the statement's initials. A document
    issued before codes existed shows its details as before (its paper carries no code)."""
    from .documents import normalise_code

    with read(engine) as conn:
        document = get_document(conn, number)
        service = (
            conn.execute(
                select(requests.c.service).where(requests.c.reference == document["reference"])
            ).scalar()
            if document is not None
            else None
        )
        issuer = current_municipality(conn).official_name.to_json()
        entry = find_service(conn, service) if service else None
    if document is None:
        raise NotFoundError(f"No document Изх. № {number} was issued by the municipality.")
    revoked_on = (document["revoked_at"] or "")[:10] or None
    status = {
        "number": document["number"],
        "status": "revoked" if revoked_on else "valid",
        "issuer": issuer,
    }
    expected = document["verification_code"]
    if expected and not hmac.compare_digest(normalise_code(code), expected):
        return {**status, "code": "wrong" if code else "required"}
    return {
        **status,
        "code": "right" if expected else "none",
        "issued_on": document["issued_at"][:10],
        "service": service,
        "service_name": (entry or {}).get("name") or {"bg": service, "en": service},
        "revoked_on": revoked_on,
        "sha256": document["sha256"],
    }


def get_document(conn: Connection, number: str) -> dict | None:
    row = conn.execute(select(documents).where(documents.c.number == number)).mappings().first()
    return dict(row) if row else None


def _render(request, service, number, now, official, signer, facts, municipality, attachment=None):
    """The document issued for ``request``, signed by ``signer`` under ``official``'s names,
    title and order: the attachment numbered and signed, or the certificate stating ``facts``."""
    from .documents import DocumentError, SigningDeviceError, issue_attached_pdf, issue_pdf

    signatory = {
        "official": official["names"],
        "official_title": official["title"],
        "official_order": official["order"],
    }

    data = {"reference": request["reference"], "village": request["village"]}
    try:
        if attachment is not None:
            issued = issue_attached_pdf(
                signer,
                number=number,
                issued_on=now.date(),
                service=service,
                request=data,
                attachment=attachment["pdf"],
                **signatory,
                municipality=municipality,
            )
        else:
            issued = issue_pdf(
                signer,
                number=number,
                issued_on=now.date(),
                service=service,
                request=data,
                facts=facts,
                **signatory,
                municipality=municipality,
            )
    except SigningDeviceError as exc:
        raise SigningTokenError(exc.message, exc.code, exc.http_status) from exc
    except DocumentError as exc:
        raise DocumentIssueError(f"{request['reference']}: {exc.message}", code=exc.code) from exc
    return issued
