"""The kiosk's printer in the staff panel's words (ready, printing, folder, offline, error).

No Qt: the panel asks through :class:`kiosk_app.app.KioskApp`. The fleet page's words for the
same printer are in :mod:`kiosk_app.health`.
"""

from __future__ import annotations

from printing import printer_status


def panel_state(config) -> dict:
    """``{"state", "message": {"bg", "en"}}`` of ``config.printer`` now (never raises)."""
    printer = printer_status(config.printer)
    state = printer.state
    if not config.printer:
        state = "folder"  # no CUPS queue: documents go to $KIOSK_HOME/printed/
    elif state in ("idle", "processing") and printer.ready:
        state = "ready" if state == "idle" else "printing"
    elif state not in ("ready", "printing"):
        state = "offline" if state in ("not-found", "unavailable") else "error"
    return {"state": state, "message": printer.message}
