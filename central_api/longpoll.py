"""Decisions pushed to kiosks in seconds: the long-poll on the downlink (issue 7).

``GET /api/v1/kiosks/<id>/downlink?after=N&wait=S``: when there is nothing for the kiosk, the
request is held until a record is queued for it or ``S`` seconds pass (at most
:data:`MAX_WAIT_SECONDS`), then answered exactly as without ``wait`` (200 with a bundle, or 204).

Why a short database poll inside the server, and not PostgreSQL LISTEN/NOTIFY: central runs on
SQLite as well as on PostgreSQL, and several ``serve`` processes share one database; the
database is the only thing they share, so "has something been queued for this kiosk?" is asked
of it. The question is one indexed read (:func:`has_downlink`) every :data:`POLL_SECONDS`,
made by the server on loopback to its database, never by the kiosk over the village line; a
clerk's commit is seen within one poll interval by whichever process holds the kiosk's request.
Cost: one cheap read per waiting kiosk per 150 ms (five kiosks: ~33 reads a second). Each waiting
kiosk holds one server thread, so ``serve --threads`` must exceed the number of kiosks online.
With many more kiosks, LISTEN/NOTIFY on PostgreSQL would replace the poll behind the same
function.
"""

from __future__ import annotations

import time

from sqlalchemy import Engine, exists, select

from sync import Identity

from . import bundles
from .db import read
from .db.schema import outbound_bundles, outbound_records
from .errors import InvalidInputError

MAX_WAIT_SECONDS = 30.0
POLL_SECONDS = 0.15


def has_downlink(engine: Engine, kiosk_id: str, after: int) -> bool:
    """Is there a bundle after ``after``, or a record still to seal, for this kiosk?"""
    with read(engine) as conn:
        bundle = conn.execute(
            select(
                exists().where(
                    outbound_bundles.c.kiosk_id == kiosk_id, outbound_bundles.c.seq > after
                )
            )
        ).scalar()
        if bundle:
            return True
        return bool(
            conn.execute(
                select(
                    exists().where(
                        outbound_records.c.kiosk_id == kiosk_id,
                        outbound_records.c.bundle_seq.is_(None),
                    )
                )
            ).scalar()
        )


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
