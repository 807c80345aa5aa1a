"""The kiosk's health report for the fleet page: queue, oldest unsent request, printer, audio
out (the kiosk speaks, issue 16: no sound card is reported like a printer problem), version.

A ``kiosk.health`` event is queued before an exchange when something changed since the last
report, or when the last one is older than ``REPORT_EVERY``, so a quiet kiosk does not fill its
own history with identical reports.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib import metadata

from .config import KioskConfig
from .speech import audio_output_state
from .store import KioskStore, utc_now

REPORT_EVERY = timedelta(hours=1)
LAST_REPORT_SETTING = "last_health_report"

# printing's states and reasons, in the words of the fleet page (central_api/office/fleet.py).
_REASON_WORDS = {
    "media-empty": "no-paper",
    "media-needed": "no-paper",
    "media-jam": "error",
    "door-open": "error",
    "toner-low": "low-toner",
    "marker-supply-low": "low-toner",
    "paused": "paused",
    "offline": "offline",
}
_STATE_WORDS = {
    "idle": "ready",
    "processing": "printing",
    "stopped": "stopped",
    "not-configured": "folder",
    "not-found": "not-found",
    "unavailable": "unavailable",
}


def printer_state(config: KioskConfig) -> tuple[str, str]:
    """(the fleet page's word for the printer, printing's own detail such as ``stopped:paused``)."""
    from printing import printer_status

    status = printer_status(config.printer)
    for reason in status.reasons:
        word = _REASON_WORDS.get(reason.removesuffix("-error").removesuffix("-warning"))
        if word:
            return word, status.as_health()
    return _STATE_WORDS.get(status.state, status.state), status.as_health()


def software_version() -> str:
    try:
        return metadata.version("village-info-centres")
    except metadata.PackageNotFoundError:
        return "unknown"


def health_body(config: KioskConfig, store: KioskStore) -> dict:
    # store.queue_state leaves earlier reports out, or every report would differ from the last.
    queue = store.queue_state()
    state, detail = printer_state(config)
    return {
        "queue_depth": queue["queue_depth"],
        "oldest_unsent_at": queue["oldest_unsent_at"],
        "printer_state": state,
        "printer_detail": detail,
        "audio_state": audio_output_state(),
        "software_version": software_version(),
    }


def queue_health_report(config: KioskConfig, store: KioskStore, now: datetime | None = None):
    """Queue a ``kiosk.health`` event if due; its record id, or None."""
    if store.get_setting("revoked"):
        return None  # a revoked kiosk sends nothing more
    now = now or datetime.now(UTC)
    body = health_body(config, store)
    last = store.get_setting(LAST_REPORT_SETTING) or {}
    last_at = datetime.fromisoformat(last["at"].replace("Z", "+00:00")) if last.get("at") else None
    if last.get("body") == body and last_at and now - last_at < REPORT_EVERY:
        return None
    at = utc_now()
    with store.transaction():
        record_id = store.add_event("kiosk.health", {**body, "at": at})
        store.set_setting(LAST_REPORT_SETTING, {"at": at, "body": body})
    return record_id
