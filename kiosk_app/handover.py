"""Taking back a hand-over marked by mistake ("Отмени предаването" on the staff panel).

"Предаден" queues a ``request.delivered`` record in the kiosk's outbox. Until the next exchange
seals it into a bundle for central, nobody but this kiosk has seen it: staff may take it back,
which removes that record and returns the request to where it was (``printed`` when one of its
documents was printed here, otherwise ``issued``). Once sealed, the record is central's (the
bundles form a signed chain that is never rewritten): the kiosk refuses, and says that the
hand-over was reported and how to have it corrected. No Qt; :class:`kiosk_app.app.KioskApp`
calls these.
"""

from __future__ import annotations

import datetime as dt
import logging

from .config import KioskConfig
from .errors import HandoverReportedError, NotAllowedError
from .pins import known_staff
from .store import KioskStore, store_for
from .submission import request_or_fail

log = logging.getLogger(__name__)

DELIVERED = "request.delivered"


def undo_delivery(config: KioskConfig, reference: str, staff_id: str) -> dict:
    """Take back the hand-over of ``reference`` while its record still waits in the outbox;
    ``{"reference", "status"}`` (the state restored). :class:`HandoverReportedError` once the
    record was sealed for central."""
    with store_for(config) as store:
        row = request_or_fail(store, reference)
        reference = row["reference"]
        if row["status"] != "delivered":
            raise NotAllowedError(
                f"{reference} не е отбелязан като предаден. / {reference} is not handed over."
            )
        known_staff(store, staff_id)
        event = _delivered_event(store, reference)
        status = _status_before_delivery(store, reference)
        with store.transaction(immediate=True):  # the exchange seals under the same lock
            if event is None or not store.withdraw_unsealed_event(event["id"]):
                raise HandoverReportedError(_reported_message(reference))
            store.update_request(reference, status=status)
    log.info("hand-over of %s taken back by %s (record %s)", reference, staff_id, event["id"])
    return {"reference": reference, "status": status}


def recent_handovers(config: KioskConfig, now: dt.datetime, hours: int = 24) -> list[dict]:
    """Hand-overs of the last ``hours`` hours, newest first: ``{"reference", "numbers", "at",
    "reported"}``, ``reported`` once the record was sealed for central (no undo then)."""
    since = now - dt.timedelta(hours=hours)
    handed = []
    with store_for(config) as store:
        for row in store.list_requests():
            if row["status"] != "delivered":
                continue
            event = _delivered_event(store, row["reference"])
            if event is None or dt.datetime.fromisoformat(event["created_at"]) < since:
                continue
            handed.append(
                {
                    "reference": row["reference"],
                    "numbers": [d["number"] for d in store.documents(row["reference"])],
                    "at": event["created_at"],
                    "reported": event.get("bundle_seq") is not None,
                }
            )
    return sorted(handed, key=lambda entry: entry["at"], reverse=True)


def _delivered_event(store: KioskStore, reference: str) -> dict | None:
    delivered = [
        event
        for event in store.events_of(reference)
        if event["type"] == DELIVERED and event["direction"] == "up"
    ]
    return delivered[-1] if delivered else None


def _status_before_delivery(store: KioskStore, reference: str) -> str:
    printed = any(document.get("printed_at") for document in store.documents(reference))
    return "printed" if printed else "issued"


def _reported_message(reference: str) -> str:
    return (
        f"Предаването на {reference} вече е изпратено в общината и не може да се отмени от "
        "киоска. Ако е станала грешка, съобщете на общинската администрация: служител там "
        "поправя преписката. / "
        f"The hand-over of {reference} was already reported to the municipality and cannot be "
        "taken back at the kiosk. If it was a mistake, tell the municipal office: a clerk "
        "there corrects the case."
    )
