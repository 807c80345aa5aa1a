"""Issued documents at the kiosk: keeping an arriving PDF (hash-checked) and printing it.

A ``document.issued`` record is stored inside the downlink transaction (the file is written and
fsynced first, so a committed row always has its file); printing happens after the commit, from
the ``documents`` rows not yet printed, so a crash between the two only delays the print.
Each print queues a ``request.printed`` event for central.

Printing goes through ``printing.print_document`` (CUPS queue ``KIOSK_PRINTER``, else a copy in
``$KIOSK_HOME/printed/``); while that package is not installed, a local copy stands in.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import shutil
from pathlib import Path

from sync import RecordRefused
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
    if request["status"] not in ("printed", "delivered", "cancelled"):
        store.update_request(reference, status="issued", question=None)
    return "applied"


def print_pdf(config: KioskConfig, pdf_path: Path, title: str) -> str:
    """Send a PDF to the kiosk's printer; returns where it went (queue name or file path)."""
    try:
        from printing import print_document
    except ImportError:
        print_document = None
    if print_document is not None:
        result = print_document(
            pdf_path, printer=config.printer, fallback_dir=config.printed_dir, title=title
        )
        return str(result)
    # Stand-in until the printing package lands: the "printer" is a folder.
    config.printed_dir.mkdir(parents=True, exist_ok=True)
    target = config.printed_dir / pdf_path.name
    counter = 1
    while target.exists():
        counter += 1
        target = config.printed_dir / f"{pdf_path.stem}-{counter}{pdf_path.suffix}"
    shutil.copyfile(pdf_path, target)
    return str(target)


def _print_errors() -> tuple[type[BaseException], ...]:
    try:
        from printing import PrintError
    except ImportError:
        return (OSError,)
    return (PrintError, OSError)


def print_stored_document(
    config: KioskConfig, store: KioskStore, document: dict, reprint: bool = False
) -> str:
    """Print one stored document and queue ``request.printed``; DocumentError if it fails."""
    path = Path(document["path"])
    if not path.is_file():
        raise DocumentError(
            f"The file of document {document['number']} is missing ({path}); ask central to "
            "resend it."
        )
    try:
        where = print_pdf(config, path, title=f"{document['reference']} {document['number']}")
    except _print_errors() as exc:
        message = getattr(exc, "message", None) or str(exc)
        store.mark_print_failed(document["number"], message)
        raise DocumentError(
            f"Document {document['number']} did not print: {message}. It is kept; "
            "check the printer and reprint from the staff panel."
        ) from exc
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
    return where


def print_pending_documents(config: KioskConfig, store: KioskStore) -> tuple[list[str], list[str]]:
    """Print every stored document not printed yet: (numbers printed, error messages)."""
    printed, errors = [], []
    for document in store.documents(unprinted=True):
        try:
            print_stored_document(config, store, document)
            printed.append(document["number"])
        except DocumentError as exc:
            errors.append(exc.message)
    return printed, errors
