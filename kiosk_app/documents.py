"""Issued documents at the kiosk: keeping an arriving PDF (hash-checked) and printing it.

A ``document.issued`` record is stored inside the downlink transaction (the file is written and
fsynced first, so a committed row always has its file); printing happens after the commit, from
the ``documents`` rows not yet printed, so a crash between the two only delays the print.
Each print queues a ``request.printed`` event for central.

Printing goes through the ``printing`` package: ``print_document`` to the CUPS queue
``KIOSK_PRINTER`` (spooling in ``$KIOSK_HOME/spool/`` when CUPS is away), or, without a printer,
``print_to_folder`` into ``$KIOSK_HOME/printed/``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import printing
from sync import RecordRefused
from sync.states import CLOSED, PAST_ISSUED
from sync.transport import write_atomically

from .config import KioskConfig
from .errors import DocumentError
from .store import KioskStore, utc_now

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def document_file_name(reference: str, number: str) -> str:
    return f"{_UNSAFE.sub('_', reference)}_{_UNSAFE.sub('_', number)}.pdf"


def store_issued_document(config: KioskConfig, store: KioskStore, body: dict) -> str:
    """Keep the PDF of a ``document.issued`` body; ``"applied"`` or ``"duplicate"``.

    Raises :class:`sync.RecordRefused` (the record is quarantined) when the body is incomplete
    or the PDF's SHA-256 does not match the one central signed.
    """
    try:
        reference, number, expected = body["reference"], str(body["number"]), body["sha256"]
        pdf = base64.b64decode(body["pdf_b64"], validate=True)
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise RecordRefused(f"document.issued is incomplete or garbled ({exc})") from exc
    actual = hashlib.sha256(pdf).hexdigest()
    if actual != str(expected).lower():
        raise RecordRefused(
            f"the PDF of document {number} does not match its SHA-256 (got {actual[:12]}…, "
            f"expected {str(expected)[:12]}…); central must resend it"
        )
    if store.request(reference) is None:
        raise RecordRefused(f"document {number} names request {reference}, unknown here")
    if store.document(number) is not None:
        return "duplicate"
    path = config.documents_dir / document_file_name(reference, number)
    write_atomically(path, pdf)
    store.add_document(number, reference, actual, path, issued_at=body.get("issued_at"))
    request = store.request(reference)
    # A closed request (a refused one among them: its document is the written refusal) keeps
    # its state.
    if request["status"] not in PAST_ISSUED | CLOSED:
        store.update_request(reference, status="issued", question=None)
    revocation = store.revocation_of(number)
    if revocation is not None:  # revoked before it got here (a resent copy, a late bundle)
        store.mark_revoked(
            number, str(revocation.get("at") or utc_now()), str(revocation.get("reason") or "")
        )
    return "applied"


@dataclass(frozen=True)
class PrintResult:
    """``state``: printed | pending (in CUPS, not finished) | spooled (kept to print later) |
    failed. Only ``printed`` is reported to central as ``request.printed``."""

    state: str
    where: str
    message: str = ""

    @property
    def status(self) -> str:  # the printing package's name for the same thing
        return self.state


def print_pdf(
    config: KioskConfig, pdf_path: Path, title: str, reprint: bool = False, metadata=None
):
    """Hand a PDF to the kiosk's printer: the CUPS queue ``config.printer``, or, without one,
    a copy in ``$KIOSK_HOME/printed/``. Returns a :class:`PrintResult`; raises the printing
    package's ``PrintError`` (or OSError) when the file cannot be handed over at all."""
    if config.printer:
        outcome = printing.print_document(
            pdf_path,
            printer=config.printer,
            spool_dir=config.spool_dir,
            title=title,
            reprint=reprint,
            metadata=metadata or {},
        )
        return PrintResult(outcome.status, str(outcome.path), outcome.message.get("en", ""))
    return PrintResult("printed", str(printing.print_to_folder(pdf_path, config.printed_dir)))


def _message_of(exc: printing.PrintError | OSError) -> str:
    if isinstance(exc, printing.PrintError):
        return exc.message["en"]
    return str(exc)


def print_stored_document(
    config: KioskConfig, store: KioskStore, document: dict, reprint: bool = False
) -> PrintResult:
    """Print one stored document; queue ``request.printed`` once it is on paper.

    Raises :class:`DocumentError` when the file is missing or the printer refused it; a
    ``pending`` or ``spooled`` result is kept as the document's print state (the printing
    package finishes it) and is not retried here, so nothing prints twice.
    """
    current = store.document(document["number"]) or document
    if current.get("revoked_at"):
        raise DocumentError(
            f"Document {document['number']} was revoked by the office: it is not printed. The "
            "office issues a new one if the request still stands."
        )
    path = Path(document["path"])
    if not path.is_file():
        raise DocumentError(
            f"The file of document {document['number']} is missing ({path}); ask central to "
            "resend it."
        )
    metadata = {"reference": document["reference"], "number": document["number"]}
    title = f"{document['reference']} {document['number']}"
    try:
        result = print_pdf(config, path, title=title, reprint=reprint, metadata=metadata)
    except (printing.PrintError, OSError) as exc:
        store.mark_print_state(document["number"], "failed", _message_of(exc))
        raise DocumentError(
            f"Document {document['number']} did not print: {_message_of(exc)} It is kept; "
            "check the printer and reprint from the staff panel."
        ) from exc
    if result.state != "printed":
        store.mark_print_state(document["number"], result.state, result.message)
        if result.state == "failed":
            raise DocumentError(
                f"Document {document['number']} did not print: {result.message} It is kept; "
                "check the printer and reprint from the staff panel."
            )
        return result
    with store.transaction():
        store.mark_printed(document["number"])
        store.add_event(
            "request.printed",
            {
                "reference": document["reference"],
                "document_number": document["number"],
                "reprint": reprint,
                "at": utc_now(),
            },
            reference=document["reference"],
        )
        request = store.request(document["reference"])
        if request and request["status"] == "issued":
            store.update_request(document["reference"], status="printed")
    return result


def print_pending_documents(config: KioskConfig, store: KioskStore) -> tuple[list[str], list[str]]:
    """Print every stored document not printed yet: (numbers printed, error messages)."""
    printed, errors = [], []
    for document in store.documents(to_print=True):
        try:
            print_stored_document(config, store, document)
            printed.append(document["number"])
        except DocumentError as exc:
            errors.append(exc.message)
    return printed, errors
