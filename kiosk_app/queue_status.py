"""What the staff panel shows of the queue to central and of what the kiosk holds.

- ``queue_state(config) -> QueueState`` — also: records quarantined, revoked or not, the sync
  loop's state and progress, downlink refused (rollbacks, unknown keys).
- ``personal_data(config) -> dict`` — what the kiosk holds about villagers and for how long
  (the staff panel's line; kiosk_app.store.retention).
- ``quarantined(config) -> list[dict]`` — refused records and bundles, both directions, with
  the reason, newest last (the staff panel's list).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .config import KioskConfig
from .store import store_for


@dataclass(frozen=True)
class QueueState:
    queue_depth: int
    oldest_unsent_at: str | None
    undelivered_bundles: int
    last_exchange: dict | None  # {"at", "ok", "message"} of the last attempt
    quarantined: int = 0  # records (or bundles) refused by either side, see quarantined()
    refused_downlink: int = 0  # of those: what the kiosk refused from central (rollback, key)
    waiting: int = 0  # of those: records of a type this software does not know yet (update it)
    revoked: dict | None = None  # {"at", "message"} once central revoked this kiosk
    sync: dict | None = None  # the sync loop: {"state", "failures", "next_try_at", "progress"}

    def to_json(self) -> dict:
        return asdict(self)


def queue_state(config: KioskConfig) -> QueueState:
    with store_for(config) as store:
        counts = store.quarantine_counts()
        return QueueState(
            **store.queue_state(),
            last_exchange=store.get_setting("last_exchange"),
            quarantined=counts["total"],
            refused_downlink=counts["down"],
            waiting=counts["waiting"],
            revoked=store.get_setting("revoked"),
            sync=store.get_setting("sync_daemon"),
        )


def personal_data(config: KioskConfig) -> dict:
    """What the kiosk holds about villagers (the staff panel's line): requests with personal
    data (open, and ended ones waiting for the retention period), purged ones, the oldest, and
    the retention period in days (kiosk_app.store.retention)."""
    from .exchange import retention_days

    with store_for(config) as store:
        return {**store.personal_data_held(), "retention_days": retention_days(store)}


def quarantined(config: KioskConfig, include_released: bool = False) -> list[dict]:
    """Everything refused, with the reason: ``{record_id, direction, type, reason, at, waiting,
    released_at, outcome, ...}``.

    ``direction`` "up": central refused one of this kiosk's records (the receipt said why);
    "down": this kiosk refused a record or a whole bundle from central (``type`` "bundle").
    ``waiting``: a record of a type this software does not know yet, applied after an update
    (then ``released_at`` and ``outcome``; listed only with ``include_released``).
    """
    with store_for(config) as store:
        return store.quarantined(include_released=include_released)
