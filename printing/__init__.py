"""Printing at the kiosk: issued PDFs and receipts through CUPS, followed until completed.

The public API is what ``__all__`` lists: printing, the spool, the printer's state and the errors;
see docs/printing.md. The PDF renderers load reportlab, so they are imported from their own
modules where a PDF is made (``printing.receipts``, ``printing.sheets``,
``printing.request_form``), not by every ``import printing``. This package imports neither app
(``central_api``, ``kiosk_app``) nor Flask, and reads no environment variables: the kiosk's
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
from printing.spool import flush_spool, print_document, print_to_folder, spooled_documents
from printing.status import PrinterStatus, printer_status

__all__ = [
    "CupsUnavailableError",
    "DocumentError",
    "JobFailedError",
    "JobRefusedError",
    "PrintError",
    "PrintOutcome",
    "PrintQueue",
    "PrinterNotFoundError",
    "PrinterStatus",
    "flush_spool",
    "look_up_job",
    "print_document",
    "print_to_folder",
    "printer_status",
    "spooled_documents",
]
