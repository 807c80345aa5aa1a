"""Central's side of signed kiosk calls (:mod:`sync.request_auth`): who is calling, checked before
any work.

:func:`authenticate` parses the ``Authorization`` header, refuses a stale time before touching
the database, takes the kiosk's pinned Ed25519 key (read once per process and kept: a kiosk's
key never changes after enrollment, and the kiosk's row is read again below anyway), verifies
the signature over method, path, query and body hash, and only then, in ONE writing
transaction, spends the nonce and reads the kiosk's row: a row in ``request_nonces`` whose
primary key ``(kiosk_id, nonce)`` makes a second use fail in the database, on every server
process at once. Nonces older than the freshness window are swept (a stale time is refused
anyway). A revoked kiosk that signs correctly is told so (403 ``kiosk_revoked``), so that it
stops. :func:`authenticate_then` also runs the caller's own work in that same transaction
(the long-poll: the kiosk's contact noted and one look for its news), so a call costs one
transaction, not three.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from sync.errors import ReplayedRequestError, UnauthenticatedRequestError
from sync.request_auth import MAX_SKEW_SECONDS, parse_authorization, verify_request

from .db import read, utc_now, write
from .db.schema import kiosks, request_nonces
from .errors import KioskRevokedError

SWEEP_EVERY_SECONDS = 60
MAX_KEPT_KEYS = 100_000  # far above any fleet; past it the kept keys are forgotten and re-read
_last_sweep = 0.0
_keys: weakref.WeakKeyDictionary[Engine, dict[str, bytes]] = weakref.WeakKeyDictionary()
_keys_lock = threading.Lock()


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
    kiosk, _ = authenticate_then(engine, header, method, target, read_body, None, now=now)
    return kiosk


def authenticate_then(
    engine: Engine,
    header: str | None,
    method: str,
    target: str,
    read_body: Callable[[], bytes],
    then: Callable[[Connection, dict], Any] | None,
    *,
    touch: bool = False,
    now: float | None = None,
) -> tuple[dict, Any]:
    """:func:`authenticate`, and ``then(conn, kiosk)`` in the transaction that spends the nonce
    (its result is returned beside the kiosk's row); ``touch`` notes the kiosk's contact there
    too. Nothing is written before the signature is verified."""
    moment = time.time() if now is None else now
    signed = parse_authorization(header)
    if abs(moment - signed.timestamp) > MAX_SKEW_SECONDS:
        verify_request(signed, b"", method, target, b"", now=moment)  # raises StaleRequestError
    key, kept = _signing_key(engine, signed.kiosk_id)
    body = read_body()
    try:
        verify_request(signed, key, method, target, body, now=moment)
    except UnauthenticatedRequestError:
        if not kept:
            raise
        _forget(engine, signed.kiosk_id)  # the kept key may be older than the row (a restore)
        key, _ = _signing_key(engine, signed.kiosk_id)
        verify_request(signed, key, method, target, body, now=moment)
    with write(engine) as conn:
        _spend_nonce(conn, signed.kiosk_id, signed.nonce, int(moment))
        if touch:
            query = (
                update(kiosks)
                .where(kiosks.c.id == signed.kiosk_id)
                .values(last_contact=utc_now())
                .returning(*kiosks.c)
            )
        else:
            query = select(kiosks).where(kiosks.c.id == signed.kiosk_id)
        row = conn.execute(query).mappings().first()
        if row is None or bytes(row["signing_key"]) != key:  # gone since its key was kept
            _forget(engine, signed.kiosk_id)
            raise UnauthenticatedRequestError(
                f"The call's signature is not {signed.kiosk_id}'s: nothing was done."
            )
        if row["revoked_at"]:
            raise KioskRevokedError(
                f"Kiosk {signed.kiosk_id} was revoked: it may not exchange any more."
            )
        kiosk = dict(row)
        result = then(conn, kiosk) if then is not None else None
    return kiosk, result


def _signing_key(engine: Engine, kiosk_id: str) -> tuple[bytes, bool]:
    """The kiosk's pinned Ed25519 key, read once per process and engine; and whether it was
    the kept one."""
    with _keys_lock:
        kept = _keys.setdefault(engine, {})
        key = kept.get(kiosk_id)
    if key is not None:
        return key, True
    with read(engine) as conn:
        found = conn.execute(select(kiosks.c.signing_key).where(kiosks.c.id == kiosk_id)).first()
    if found is None:
        raise UnauthenticatedRequestError(
            f"No kiosk {kiosk_id!r} is enrolled here: enroll it with an invite first."
        )
    key = bytes(found.signing_key)
    with _keys_lock:
        if len(kept) >= MAX_KEPT_KEYS:
            kept.clear()
        kept[kiosk_id] = key
    return key, False


def _forget(engine: Engine, kiosk_id: str) -> None:
    with _keys_lock:
        _keys.get(engine, {}).pop(kiosk_id, None)


def _spend_nonce(conn: Connection, kiosk_id: str, nonce: str, now: int) -> None:
    global _last_sweep
    if now - _last_sweep > SWEEP_EVERY_SECONDS:
        _last_sweep = now
        cutoff = now - 2 * MAX_SKEW_SECONDS
        conn.execute(delete(request_nonces).where(request_nonces.c.seen_at < cutoff))
    try:
        conn.execute(insert(request_nonces).values(kiosk_id=kiosk_id, nonce=nonce, seen_at=now))
    except IntegrityError as exc:  # the transaction is rolled back: the call did nothing
        raise ReplayedRequestError(
            "This signed call was already made once (its nonce is spent): a replay is refused, "
            "nothing was done."
        ) from exc
