"""Printing at the kiosk: issued PDFs and receipts through CUPS, followed until completed.

The public API is what ``__all__`` lists; see docs/printing.md. This package imports neither
app (``central_api``, ``kiosk_app``) nor Flask, and reads no environment variables: the kiosk's
configuration passes the printer name, spool folder and receipt layout in.
"""

from printing.errors import (
    CupsUnavailableError,
    DocumentError,
    JobFailedError,
    JobRefusedError,
    PrinterNotFoundError,
    PrintError,
)
from printing.jobs import PrintOutcome, PrintQueue, look_up_job
from printing.receipts import LAYOUTS, Receipt, receipt_media, render_receipt
from printing.sheets import render_text_sheet
from printing.spool import flush_spool, print_document, print_to_folder, spooled_documents
from printing.status import PrinterStatus, printer_status

__all__ = [
    "CupsUnavailableError",
    "DocumentError",
    "JobFailedError",
    "JobRefusedError",
    "LAYOUTS",
    "PrintError",
    "PrintOutcome",
    "PrintQueue",
    "PrinterNotFoundError",
    "PrinterStatus",
    "Receipt",
    "flush_spool",
    "look_up_job",
    "print_document",
    "print_to_folder",
    "printer_status",
    "receipt_media",
    "render_receipt",
    "render_text_sheet",
    "spooled_documents",
]
