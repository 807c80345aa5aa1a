"""The printing errors: what went wrong at the kiosk's printer, told so staff can act on it.

Every error carries ``message``, a dict ``{"bg": ..., "en": ...}``: Bulgarian for the staff
panel, English for logs and central's fleet page. ``str(error)`` is the Bulgarian text, then the
English one. Errors from pycups (``cups.IPPError``, ``RuntimeError``) are translated where they
enter, in :mod:`printing.cups_backend`, with ``raise ... from exc`` so the cause stays visible.

    PrintError
     ├── CupsUnavailableError   the print service (cupsd) is not running or cannot be reached
     ├── PrinterNotFoundError   the configured queue does not exist in CUPS
     ├── JobRefusedError        CUPS would not accept the job (queue rejecting, bad file, rights)
     ├── JobFailedError         the job was accepted but aborted/canceled, retries used up
     └── DocumentError          the file to print is missing or unreadable, or the spool unwritable
"""

from __future__ import annotations

from sync.wording import counted

__all__ = [
    "PrintError",
    "CupsUnavailableError",
    "PrinterNotFoundError",
    "JobRefusedError",
    "JobFailedError",
    "DocumentError",
]


class PrintError(Exception):
    """Base of every printing error. ``message`` is ``{"bg": ..., "en": ...}``."""

    def __init__(self, bg: str, en: str):
        self.message = {"bg": bg, "en": en}
        super().__init__(f"{bg} — {en}")


class CupsUnavailableError(PrintError):
    """The print service cannot be reached; documents are kept in the spool meanwhile."""

    def __init__(self, detail: str = ""):
        suffix = f" ({detail})" if detail else ""
        super().__init__(
            "Услугата за печат (CUPS) не работи. Документите се пазят и ще се отпечатат, "
            "когато тя тръгне; рестартирайте киоска или се обадете на поддръжката." + suffix,
            "The print service (CUPS) is not running. Documents are kept and will print when it "
            "is back; restart the kiosk or call support." + suffix,
        )


class PrinterNotFoundError(PrintError):
    """The queue named in the kiosk's configuration does not exist."""

    def __init__(self, printer: str):
        self.printer = printer
        super().__init__(
            f"Принтерът „{printer}“ не е настроен в CUPS. Проверете дали е включен и свързан "
            "и дали името в настройките на киоска е вярно (KIOSK_PRINTER); "
            "обадете се на поддръжката.",
            f"Printer {printer!r} is not set up in CUPS. Check it is plugged in and that the "
            "name in the kiosk's settings (KIOSK_PRINTER) is right; call support.",
        )


class JobRefusedError(PrintError):
    """CUPS answered but would not take the job."""

    def __init__(self, printer: str, detail: str = ""):
        self.printer = printer
        suffix = f" ({detail})" if detail else ""
        super().__init__(
            f"Принтерът „{printer}“ отказа заданието за печат. Проверете дали приема задания "
            "(на панела на персонала) и опитайте отново." + suffix,
            f"Printer {printer!r} refused the print job. Check that it accepts jobs (staff "
            "panel) and try again." + suffix,
        )


class JobFailedError(PrintError):
    """A job ended aborted or canceled, and retrying did not help."""

    def __init__(self, printer: str, job_id: int | None, state: str, attempts: int):
        self.printer = printer
        self.job_id = job_id
        self.state = state
        self.attempts = attempts
        state_bg = {"aborted": "прекъснато", "canceled": "отменено"}.get(state, state)
        super().__init__(
            f"Печатът не успя: заданието е {state_bg} след {counted(attempts, 'attempt')}. Проверете "
            "хартията и тонера на принтера и отпечатайте документа отново.",
            f"Printing failed: the job was {state} after {counted(attempts, 'attempt', 'en')}. "
            "Check the printer's paper and toner and print the document again.",
        )


class DocumentError(PrintError):
    """The file to print cannot be read, or the spool folder cannot be written."""

    def __init__(self, path: object, detail: str = ""):
        self.path = path
        suffix = f" ({detail})" if detail else ""
        super().__init__(
            f"Файлът „{path}“ не може да се прочете или запише. Проверете свободното място "
            "на диска и се обадете на поддръжката." + suffix,
            f"File {str(path)!r} cannot be read or written. Check free disk space and call "
            "support." + suffix,
        )
