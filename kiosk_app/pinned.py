"""What enrollment pinned, kept beside the kiosk's keys (``keys/central.json``), apart from the
store: central's address, central's key (and the keys it rotated away from), the kiosk's number
and village. A kiosk whose kiosk.db is lost can so still reach and trust central
(:mod:`kiosk_app.recovery`). Written at enrollment and at each key rotation."""

from __future__ import annotations

import json

from sync.files import FILE_MODE
from sync.stick import write_atomically

from .config import KioskConfig
from .errors import writing

FILE_NAME = "central.json"
KEPT = ("kiosk_id", "kiosk_no", "village", "central_url", "central", "central_fingerprint")


def save_pinned(config: KioskConfig, enrollment: dict) -> None:
    keep = {key: enrollment[key] for key in KEPT if key in enrollment}
    keep["central_previous"] = list(enrollment.get("central_previous") or [])
    with writing("the pinned central key"):
        write_atomically(
            config.keys_dir / FILE_NAME, json.dumps(keep, indent=1).encode(), mode=FILE_MODE
        )


def load_pinned(config: KioskConfig) -> dict | None:
    path = config.keys_dir / FILE_NAME
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
