"""Decisions pushed to kiosks in seconds: the long-poll on the downlink (issue 7).

``GET /api/v1/kiosks/<id>/downlink?after=N&wait=S``: when there is nothing for the kiosk, the
request is held until a record is queued for it or ``S`` seconds pass (at most
:data:`MAX_WAIT_SECONDS`), then answered exactly as without ``wait`` (200 with a bundle, or 204).

Two servers answer it the same way. In production nginx sends it to the event-loop service
(:mod:`central_api.longpoll_service`, ``central-api longpoll``): a waiting kiosk holds a
connection there, not a thread, and is woken by the database (PostgreSQL LISTEN/NOTIFY, SQLite's
change counter: :mod:`central_api.downlink_wakeup`). ``central-api serve`` alone (tests, the
demo, a handful of kiosks) answers it on its WSGI threads with :func:`wait_for_downlink`: one
indexed read (:func:`has_downlink`) every :data:`POLL_SECONDS` per waiting kiosk, each holding
one thread, so ``serve --threads`` must exceed the kiosks online there.
"""

from __future__ import annotations

import time

from sqlalchemy import Connection, Engine, exists, or_, select

from sync import Identity
from sync.bundle import MAX_SEQ
from sync.engine import LONG_POLL_SECONDS

from . import bundles
from .db import read
from .db.schema import outbound_bundles, outbound_records
from .errors import InvalidInputError

MAX_WAIT_SECONDS = LONG_POLL_SECONDS
POLL_SECONDS = 0.15


def has_downlink(engine: Engine, kiosk_id: str, after: int) -> bool:
    """Is there a bundle after ``after``, or a record still to seal, for this kiosk?"""
    with read(engine) as conn:
        return has_downlink_in(conn, kiosk_id, after)


def has_downlink_in(conn: Connection, kiosk_id: str, after: int) -> bool:
    """One indexed look: a bundle after ``after``, or a record not yet sealed in one."""
    bundle = exists().where(outbound_bundles.c.kiosk_id == kiosk_id, outbound_bundles.c.seq > after)
    record = exists().where(
        outbound_records.c.kiosk_id == kiosk_id, outbound_records.c.bundle_seq.is_(None)
    )
    return bool(conn.execute(select(or_(bundle, record))).scalar())


def wait_for_downlink(
    engine: Engine,
    identity: Identity,
    kiosk_id: str,
    after: int,
    wait: float,
    poll: float = POLL_SECONDS,
) -> bytes | None:
    """:func:`central_api.bundles.next_downlink`, held up to ``wait`` seconds while empty."""
    deadline = time.monotonic() + max(0.0, min(float(wait), MAX_WAIT_SECONDS))
    data = bundles.next_downlink(engine, identity, kiosk_id, after)
    while data is None and time.monotonic() < deadline:
        time.sleep(min(poll, max(0.0, deadline - time.monotonic())))
        if has_downlink(engine, kiosk_id, after):
            data = bundles.next_downlink(engine, identity, kiosk_id, after)
    return data


def parse_after(raw: str | None) -> int:
    """The ``after`` argument: the last downlink seq the kiosk holds."""
    try:
        after = int(raw if raw is not None else "0")
    except ValueError as exc:
        raise InvalidInputError("'after' must be a whole number (the last seq you hold).") from exc
    if not 0 <= after <= MAX_SEQ:
        raise InvalidInputError(f"'after' must be between 0 and {MAX_SEQ} (the last seq you hold).")
    return after


def parse_wait(raw: str | None) -> float:
    if raw in (None, ""):
        return 0.0
    try:
        wait = float(raw)
    except ValueError as exc:
        raise InvalidInputError("'wait' must be a number of seconds.") from exc
    if wait < 0 or wait != wait:
        raise InvalidInputError("'wait' cannot be negative.")
    return min(wait, MAX_WAIT_SECONDS)
