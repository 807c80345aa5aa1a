"""The printer's state as staff see it on their panel and central sees it on the fleet page.

CUPS reports ``printer-state`` (idle, processing, stopped) and ``printer-state-reasons``
(keywords such as ``media-empty-error``, ``toner-low-warning``). :func:`printer_status` turns them
into a :class:`PrinterStatus` whose ``message`` is ``{"bg": ..., "en": ...}``; reasons with
no translation are shown as CUPS names them. ``state`` is one of ``idle``, ``processing``,
``stopped``, ``not-configured``, ``not-found``, ``unavailable`` (CUPS unreachable).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from printing.cups_backend import CupsBackend
from printing.errors import CupsUnavailableError, PrinterNotFoundError

__all__ = ["PrinterStatus", "printer_status", "REASON_MESSAGES", "describe_reason"]

# What to tell staff for each reason CUPS may report (suffixes -error/-warning/-report removed).
REASON_MESSAGES: dict[str, tuple[str, str]] = {
    "media-empty": ("Няма хартия: заредете хартия.", "Out of paper: load paper."),
    "media-needed": ("Принтерът иска хартия: заредете хартия.", "Paper needed: load paper."),
    "media-jam": (
        "Заседнала хартия: отворете капака и я извадете внимателно.",
        "Paper jam: open the cover and remove the paper carefully.",
    ),
    "media-low": ("Хартията е на привършване.", "Paper is running low."),
    "input-tray-missing": ("Липсва тава за хартия: поставете я.", "Paper tray missing: insert it."),
    "door-open": ("Капакът на принтера е отворен: затворете го.", "Printer door open: close it."),
    "cover-open": ("Капакът на принтера е отворен: затворете го.", "Printer cover open: close it."),
    "toner-low": ("Тонерът свършва: поръчайте нов.", "Toner low: order a new cartridge."),
    "toner-empty": ("Тонерът свърши: сменете касетата.", "Toner empty: replace the cartridge."),
    "marker-supply-low": ("Мастилото/тонерът свършва.", "Ink/toner running low."),
    "marker-supply-empty": (
        "Мастилото/тонерът свърши: сменете касетата.",
        "Ink/toner empty: replace the cartridge.",
    ),
    "offline": (
        "Принтерът е изключен или не е свързан: включете го и проверете кабела.",
        "Printer offline: switch it on and check the cable.",
    ),
    "offline-report": (
        "Принтерът е изключен или не е свързан: включете го и проверете кабела.",
        "Printer offline: switch it on and check the cable.",
    ),
    "connecting-to-device": ("Свързване с принтера…", "Connecting to the printer…"),
    "paused": (
        "Опашката за печат е спряна: пуснете я от панела на персонала.",
        "The print queue is paused: resume it from the staff panel.",
    ),
    "shutdown": ("Принтерът се изключва.", "The printer is shutting down."),
    "timed-out": ("Принтерът не отговаря.", "The printer does not answer."),
    "other": ("Принтерът съобщава за проблем.", "The printer reports a problem."),
}

_STATE_MESSAGES = {
    "idle": ("Принтерът е готов.", "The printer is ready."),
    "processing": ("Принтерът печата.", "The printer is printing."),
    "stopped": ("Принтерът е спрян.", "The printer is stopped."),
    "not-configured": (
        "Няма настроен принтер: документите се запазват за по-късен печат.",
        "No printer configured: documents are kept to print later.",
    ),
}


def _base_reason(reason: str) -> str:
    for suffix in ("-error", "-warning", "-report"):
        if reason.endswith(suffix) and reason != "offline-report":
            return reason[: -len(suffix)]
    return reason


def describe_reason(reason: str) -> dict[str, str]:
    """``{"bg", "en"}`` for one ``printer-state-reasons`` keyword."""
    base = _base_reason(reason)
    bg, en = REASON_MESSAGES.get(base, (base, base))
    return {"bg": bg, "en": en}


@dataclass(frozen=True)
class PrinterStatus:
    printer: str | None
    state: str
    reasons: tuple[str, ...] = ()
    message: dict[str, str] | None = None
    accepting: bool = False

    @property
    def ready(self) -> bool:
        return (
            self.state in ("idle", "processing")
            and self.accepting
            and not any(r.endswith("-error") for r in self.reasons)
        )

    def as_health(self) -> str:
        """A compact string for ``kiosk.health.printer_state``: ``idle`` or ``stopped:paused``."""
        return ":".join([self.state, *self.reasons]) if self.reasons else self.state


def printer_status(printer: str | None, *, backend: Any = None) -> PrinterStatus:
    """The state of ``printer`` now; never raises for CUPS being down or the queue missing."""
    if not printer:
        bg, en = _STATE_MESSAGES["not-configured"]
        return PrinterStatus(None, "not-configured", (), {"bg": bg, "en": en})
    backend = backend if backend is not None else CupsBackend()
    try:
        info = backend.printer_info(printer)
    except PrinterNotFoundError as exc:
        return PrinterStatus(printer, "not-found", (), dict(exc.message))
    except CupsUnavailableError as exc:
        return PrinterStatus(printer, "unavailable", (), dict(exc.message))
    bg, en = _STATE_MESSAGES.get(info.state_name, (info.state_name, info.state_name))
    parts_bg, parts_en = [bg], [en]
    for reason in info.reasons:
        described = describe_reason(reason)
        if described["en"] not in parts_en:
            parts_bg.append(described["bg"])
            parts_en.append(described["en"])
    if not info.accepting:
        parts_bg.append("Опашката не приема задания.")
        parts_en.append("The queue does not accept jobs.")
    if info.message:
        parts_en.append(f"({info.message})")
        parts_bg.append(f"({info.message})")
    return PrinterStatus(
        printer=printer,
        state=info.state_name,
        reasons=info.reasons,
        message={"bg": " ".join(parts_bg), "en": " ".join(parts_en)},
        accepting=info.accepting,
    )
