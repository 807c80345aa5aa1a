"""The kiosk's waiting room: records kept aside because this software did not know their type.

A record of a type (or a version of it) the kiosk's software does not know is not wrong: it is
kept in the quarantine marked ``waiting`` (:class:`sync.RecordNotUnderstood`). When the software
is updated and learns the type, :func:`release` applies the waiting records in the order they
arrived, before anything else happens (at start-up and at the start of every exchange): a
``document.revoked`` that an older kiosk kept aside stops the handover the moment the new
software runs, before the staff panel lists the document.

A record that is still not understood keeps waiting; one its handler now refuses for another
reason (a request unknown here, say) stays in the quarantine with the new reason, for a person.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sync import RecordNotUnderstood, RecordRefused

from .store import KioskStore

log = logging.getLogger(__name__)

# apply(record, bundle_seq): run the record's handler and keep it as applied; raises
# RecordRefused (RecordNotUnderstood while the type is still unknown).
Apply = Callable[[dict, int | None], None]


@dataclass
class Released:
    applied: list[str] = field(default_factory=list)  # "type record-id", in order
    refused: list[str] = field(default_factory=list)
    still_waiting: int = 0

    def to_json(self) -> dict:
        return {
            "applied": self.applied,
            "refused": self.refused,
            "still_waiting": self.still_waiting,
        }


def release(store: KioskStore, apply: Apply) -> Released:
    """Apply, in arrival order, every waiting record this software now understands."""
    released = Released()
    for row in store.waiting_records():
        record = json.loads(row["record"])
        label = f"{record.get('type')} {record.get('id')}"
        with store.transaction(immediate=True):
            if store.event(str(record.get("id"))) is not None:
                store.release_quarantined(row["id"], "duplicate")
                continue
            try:
                with store.db.atomic():  # a savepoint: a refusal leaves no trace
                    apply(record, row["bundle_seq"])
            except RecordNotUnderstood:
                released.still_waiting += 1
                continue
            except RecordRefused as refusal:
                store.release_quarantined(row["id"], "refused", reason=str(refusal))
                released.refused.append(label)
                log.warning("a waiting record was refused on release: %s: %s", label, refusal)
                continue
            store.release_quarantined(row["id"], "applied")
        released.applied.append(label)
        log.info("applied a record kept aside until this software knew its type: %s", label)
    return released
