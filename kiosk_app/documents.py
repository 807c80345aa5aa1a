"""Issued documents at the kiosk: keeping an arriving PDF (hash-checked) and printing it.

A ``document.issued`` record is stored inside the downlink transaction (the file is written and
fsynced first, so a committed row always has its file); printing happens after the commit, from
the ``documents`` rows not yet printed, so a crash between the two only delays the print.
Each print queues a ``request.printed`` event for central.

Print exactly once: each attempt is recorded before it is sent (``print_state`` "sending" and
a token: the CUPS job's title, or the file printer's file name), CUPS's job id the moment CUPS
gives it; a crash between printing and recording is found at the next run, which looks the job
up (by id, else by title) or finds the file, and records it instead of printing again.

Printing goes through the ``printing`` package: ``print_document`` to the CUPS queue
``KIOSK_PRINTER`` (spooling in ``$KIOSK_HOME/spool/`` when CUPS is away), or, without a printer,
``print_to_folder`` into ``$KIOSK_HOME/printed/``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import printing
from sync import RecordRefused
from sync.states import CLOSED, PAST_ISSUED
from sync.stick import write_atomically

from .config import KioskConfig
from .errors import DocumentError, writing
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
    with writing(f"document {number}"):  # a full disk: the whole bundle waits (rolled back)
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
    config: KioskConfig,
    pdf_path: Path,
    title: str,
    reprint: bool = False,
    metadata=None,
    name: str | None = None,
    on_sent=None,
):
    """Hand a PDF to the kiosk's printer: the CUPS queue ``config.printer``, or, without one,
    a copy in ``$KIOSK_HOME/printed/`` (under ``name`` when given: written once, see
    :func:`printing.print_to_folder`). ``on_sent(job)`` hears CUPS's job id at once. Returns a
    :class:`PrintResult`; raises the printing package's ``PrintError`` (or OSError) when the
    file cannot be handed over at all."""
    if config.printer:
        outcome = printing.print_document(
            pdf_path,
            printer=config.printer,
            spool_dir=config.spool_dir,
            title=title,
            reprint=reprint,
            metadata=metadata or {},
            on_sent=on_sent,
        )
        return PrintResult(outcome.status, str(outcome.path), outcome.message.get("en", ""))
    return PrintResult(
        "printed", str(printing.print_to_folder(pdf_path, config.printed_dir, name=name))
    )


def _message_of(exc: printing.PrintError | OSError) -> str:
    if isinstance(exc, printing.PrintError):
        return exc.message["en"]
    return str(exc)


def _print_token(config: KioskConfig, document: dict) -> str:
    """The identity of one print attempt, a file name recorded before it is sent: for the file
    printer the copy's name (the first print has the document's own name, the n-th reprint
    ``-reprint-n``); for CUPS a name unique to the attempt, under which the file is handed to
    CUPS (CUPS shows it as the job's ``document-name-supplied``)."""
    stem = Path(document_file_name(document["reference"], document["number"])).stem
    if not config.printer:
        count = int(document.get("print_count") or 0)
        return f"{stem}.pdf" if count == 0 else f"{stem}-reprint-{count}.pdf"
    return f"{stem}-{uuid.uuid4().hex[:12]}.pdf"


@contextlib.contextmanager
def _under_its_name(config: KioskConfig, path: Path, token: str):
    """The document as ``spool/sending/<token>`` (a hard link: no copy) while CUPS takes it."""
    if not config.printer:
        yield path
        return
    folder = config.spool_dir / "sending"
    folder.mkdir(parents=True, exist_ok=True)
    linked = folder / token
    linked.unlink(missing_ok=True)
    os.link(path, linked)
    try:
        yield linked
    finally:
        linked.unlink(missing_ok=True)


def _earlier_attempt(config: KioskConfig, document: dict) -> PrintResult | None:
    """What became of an attempt recorded as sent (``sending``/``pending``) but never recorded
    as finished: a crash came between. None when it never reached the printer (send it)."""
    token = document.get("print_token")
    if document.get("print_state") not in ("sending", "pending") or not token:
        return None
    if not config.printer:
        target = config.printed_dir / token
        return PrintResult("printed", str(target)) if target.is_file() else None
    try:
        job = printing.look_up_job(
            config.printer, job_id=document.get("print_job_id"), document_name=token
        )
    except printing.PrintError as exc:
        return PrintResult("pending", token, f"CUPS cannot be asked now: {_message_of(exc)}")
    if job is None:
        if document.get("print_job_id") is None:
            return None  # CUPS never took it: it was not printed
        return PrintResult(
            "unknown",
            token,
            f"CUPS no longer knows job {document['print_job_id']}: look whether it came out of "
            "the printer, and reprint from the staff panel if it did not.",
        )
    state = job.state_name
    if state == "completed":
        return PrintResult("printed", token)
    if state == "aborted":
        return None  # CUPS gave up on it: nothing came out, send it again
    if state == "canceled":
        return PrintResult("failed", token, f"CUPS job {job.job_id} was cancelled.")
    return PrintResult("pending", token, f"CUPS job {job.job_id} is {state}.")


def print_stored_document(
    config: KioskConfig, store: KioskStore, document: dict, reprint: bool = False
) -> PrintResult:
    """Print one stored document exactly once; queue ``request.printed`` once it is on paper.

    The attempt is recorded (``sending``, with its token) before the file goes to the printer,
    and CUPS's job id as soon as it is known; an attempt a crash interrupted is looked up (by
    its job id, or by its title when the id was never recorded; the file printer's file by its
    name) and recorded, never sent a second time. Raises :class:`DocumentError` when the file
    is missing or the printer refused it; a ``pending`` or ``spooled`` result is kept as the
    document's print state.
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
    number = document["number"]
    reprint = reprint or int(current.get("print_count") or 0) > 0
    result = _earlier_attempt(config, dict(current))
    if result is None:
        token = _print_token(config, current)
        store.begin_print(number, token)
        metadata = {"reference": document["reference"], "number": number}
        title = f"{document['reference']} {number}"
        try:
            with _under_its_name(config, path, token) as sent:
                result = print_pdf(
                    config, sent, title=title, reprint=reprint, metadata=metadata, name=token,
                    on_sent=lambda job: store.record_print_job(number, job.job_id),
                )  # fmt: skip
        except (printing.PrintError, OSError) as exc:
            store.mark_print_state(number, "failed", _message_of(exc))
            raise DocumentError(
                f"Document {number} did not print: {_message_of(exc)} It is kept; "
                "check the printer and reprint from the staff panel."
            ) from exc
    if result.state != "printed":
        store.mark_print_state(number, result.state, result.message)
        if result.state in ("failed", "unknown"):
            raise DocumentError(
                f"Document {number} did not print: {result.message} It is kept; "
                "check the printer and reprint from the staff panel."
            )
        return result
    with store.transaction():
        store.mark_printed(number)
        store.add_event(
            "request.printed",
            {
                "reference": document["reference"],
                "document_number": number,
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
