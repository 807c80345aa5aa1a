"""Rotating central's bundle-signing key (``central-api keys rotate``; docs/operations.md)."""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from sync import Identity, SyncError

from . import bundles, restore
from .db import write
from .db.schema import kiosks
from .errors import InvalidInputError
from .workflow import queue_record


def rotate_signing_key(central) -> dict:
    """Give central a new bundle-signing key, announced to every active kiosk under the old one.

    For each kiosk a ``key.rotated`` record is queued and everything pending is sealed at once
    with the OLD key, so the announcement reaches the kiosk in a bundle it trusts; bundles
    sealed afterwards carry the new key. The encryption key stays (bundles already sealed by
    kiosks to it still open). The old key files move to ``keys/retired-<fingerprint>/``.
    Running ``serve`` processes keep the key they loaded: restart them after rotating.
    """
    old = central.identity
    new = Identity(old.party_id, Ed25519PrivateKey.generate(), old.encryption)
    body = {
        "new": new.public.to_json(),
        "previous": old.public.display_fingerprint,
        "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    announced, not_served = [], []
    with write(central.engine) as conn:
        if restore.open_epoch(conn) is not None:
            # Sealing for every kiosk now could put a bundle under a number a kiosk already
            # holds from before the restore; the kiosks say where they stand first.
            raise InvalidInputError(
                "Central was restored and still waits for kiosks to report where they stand "
                "(`central-api restore status`): rotate the key once numbering is open again."
            )
        active = conn.execute(select(kiosks.c.id).where(kiosks.c.revoked_at.is_(None))).all()
        for row in active:
            # Each kiosk in a savepoint: one kiosk central cannot seal for (a damaged key row)
            # is reported and left as it was, and does not stop the others' announcements.
            try:
                with conn.begin_nested():
                    kiosk = bundles._lock_kiosk(conn, row.id)
                    queue_record(conn, row.id, "key.rotated", body)
                    while bundles.seal_pending(conn, old, kiosk) is not None:
                        pass
            except (SyncError, ValueError, TypeError) as exc:
                not_served.append({"kiosk_id": row.id, "reason": str(exc) or type(exc).__name__})
                continue
            announced.append(row.id)
    # Files after the commit: should saving fail, kiosks know a key central does not use yet,
    # and they still accept the old one for receipts; the other order could strand them.
    retired = central.keys_folder / f"retired-{old.fingerprint.hex()[:16]}"
    old.save(retired)
    new.save(central.keys_folder)
    central._identity = new
    return {
        "previous": old.public.display_fingerprint,
        "fingerprint": new.public.display_fingerprint,
        "announced_to": announced,
        "not_served": not_served,
        "retired_keys": str(retired),
    }
