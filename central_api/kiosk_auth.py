"""Central's side of signed kiosk calls (:mod:`sync.request_auth`): who is calling, checked before
any work.

:func:`authenticate` parses the ``Authorization`` header, refuses a stale time before touching
the database, reads the kiosk's pinned Ed25519 key, verifies the signature over method, path,
query and body hash, and only then spends the nonce: a row in ``request_nonces`` whose primary
key ``(kiosk_id, nonce)`` makes a second use fail in the database, on every server process at
once. Nonces older than the freshness window are swept (a stale time is refused anyway).
A revoked kiosk that signs correctly is told so (403 ``kiosk_revoked``), so that it stops.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from sync.errors import ReplayedRequestError, UnauthenticatedRequestError
from sync.request_auth import MAX_SKEW_SECONDS, parse_authorization, verify_request

from .db import read, write
from .db.schema import kiosks, request_nonces
from .errors import KioskRevokedError

SWEEP_EVERY_SECONDS = 60
_last_sweep = 0.0


def authenticate(
    engine: Engine,
    header: str | None,
    method: str,
    target: str,
    read_body: Callable[[], bytes],
    now: float | None = None,
) -> dict:
    """The calling kiosk's row, once its signed call is verified; a 401 error otherwise.

    ``read_body`` is called only once the header is well formed, fresh and names an enrolled
    kiosk: an anonymous caller does not even get its upload read."""
    moment = time.time() if now is None else now
    signed = parse_authorization(header)
    if abs(moment - signed.timestamp) > MAX_SKEW_SECONDS:
        verify_request(signed, b"", method, target, b"", now=moment)  # raises StaleRequestError
    with read(engine) as conn:
        row = conn.execute(select(kiosks).where(kiosks.c.id == signed.kiosk_id)).mappings().first()
    if row is None:
        raise UnauthenticatedRequestError(
            f"No kiosk {signed.kiosk_id!r} is enrolled here: enroll it with an invite first."
        )
    body = read_body()
    verify_request(signed, bytes(row["signing_key"]), method, target, body, now=moment)
    if row["revoked_at"]:
        raise KioskRevokedError(
            f"Kiosk {signed.kiosk_id} was revoked: it may not exchange any more."
        )
    _spend_nonce(engine, signed.kiosk_id, signed.nonce, int(moment))
    return dict(row)


def _spend_nonce(engine: Engine, kiosk_id: str, nonce: str, now: int) -> None:
    global _last_sweep
    try:
        with write(engine) as conn:
            if now - _last_sweep > SWEEP_EVERY_SECONDS:
                _last_sweep = now
                cutoff = now - 2 * MAX_SKEW_SECONDS
                conn.execute(delete(request_nonces).where(request_nonces.c.seen_at < cutoff))
            conn.execute(insert(request_nonces).values(kiosk_id=kiosk_id, nonce=nonce, seen_at=now))
    except IntegrityError as exc:
        raise ReplayedRequestError(
            "This signed call was already made once (its nonce is spent): a replay is refused, "
            "nothing was done."
        ) from exc
