"""Waking the kiosks that wait for their downlink when something is queued for them (issue 17).

The long-poll service (:mod:`central_api.longpoll_service`) keeps every waiting kiosk as an
:class:`asyncio.Event` in one :class:`Waiters` table per process; the database tells the
process which kiosk has news, so that a waiting kiosk costs no query and no thread:

- **PostgreSQL**: :func:`announce` (called by :func:`central_api.workflow.queue_record`, the one
  way a central → kiosk record is queued) runs ``pg_notify('central_downlink', kiosk_id)`` in the
  queuing transaction; PostgreSQL delivers it at commit, to every listener, on every host.
  Each process holds ONE listening connection (:func:`listen_postgres`) and fans the kiosk ids
  out to its waiters. After a lost connection it listens again and wakes everyone once, since a
  notification sent meanwhile is gone.
- **SQLite** (one host): the change counter is ``max(outbound_records.id)``, one read of the end
  of the primary-key b-tree; :class:`SqliteCounter` reads it every :data:`SQLITE_POLL_SECONDS`
  and, only when it moved, which kiosks the new rows are for. SQLite has one writer at a time,
  so ids grow in commit order and nothing is skipped.

A woken kiosk checks the database itself (:func:`central_api.longpoll.has_downlink`): a
notification is a hint to look, never the news itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from .db import read
from .db.schema import outbound_records

CHANNEL = "central_downlink"
SQLITE_POLL_SECONDS = 0.1
RECONNECT_SECONDS = 1.0

log = logging.getLogger(__name__)


def announce(conn: Connection, kiosk_id: str) -> None:
    """Tell every long-poll process, at commit, that ``kiosk_id`` has something queued.

    On SQLite the inserted row itself moves the counter, so there is nothing more to do."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT pg_notify(:channel, :kiosk)"), {"channel": CHANNEL, "kiosk": kiosk_id}
        )


class Waiters:
    """The kiosks waiting in this process: kiosk id -> the events of its open long-polls."""

    def __init__(self) -> None:
        self._events: dict[str, set[asyncio.Event]] = {}

    def add(self, kiosk_id: str) -> asyncio.Event:
        event = asyncio.Event()
        self._events.setdefault(kiosk_id, set()).add(event)
        return event

    def remove(self, kiosk_id: str, event: asyncio.Event) -> None:
        events = self._events.get(kiosk_id)
        if events is not None:
            events.discard(event)
            if not events:
                del self._events[kiosk_id]

    def wake(self, kiosk_id: str) -> None:
        for event in self._events.get(kiosk_id, ()):
            event.set()

    def wake_all(self) -> None:
        for events in self._events.values():
            for event in events:
                event.set()

    def __len__(self) -> int:
        return sum(len(events) for events in self._events.values())


def libpq_url(engine: Engine) -> str:
    """The engine's PostgreSQL URL as psycopg itself takes it (no SQLAlchemy driver name)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


async def listen_postgres(
    engine: Engine, waiters: Waiters, on_listening: Callable[[], None] | None = None
) -> None:
    """Fan ``central_downlink`` notifications out to ``waiters`` until cancelled."""
    # Here, not at the top: only the PostgreSQL long-poll service listens; every command that
    # queues a record imports this module.
    import psycopg

    url = libpq_url(engine)
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
                await conn.execute(f"LISTEN {CHANNEL}")
                waiters.wake_all()  # anything sent while nobody listened is looked for now
                if on_listening is not None:
                    on_listening()
                async for notification in conn.notifies():
                    waiters.wake(notification.payload)
        except psycopg.OperationalError as exc:
            log.warning("downlink notifications lost (%s); listening again", exc)
            await asyncio.sleep(RECONNECT_SECONDS)


class SqliteCounter:
    """Which kiosks got new outbound records since the last look (SQLite's change counter)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.seen = self.newest()

    def newest(self) -> int:
        with read(self.engine) as conn:
            return conn.execute(select(func.max(outbound_records.c.id))).scalar() or 0

    def changed(self) -> set[str] | None:
        """The kiosks with records newer than the last call; None when the counter went back
        (rows purged and ids reused): then every waiter must look."""
        newest = self.newest()
        if newest == self.seen:
            return set()
        if newest < self.seen:
            self.seen = newest
            return None
        with read(self.engine) as conn:
            kiosks = conn.execute(
                select(outbound_records.c.kiosk_id)
                .where(outbound_records.c.id > self.seen, outbound_records.c.id <= newest)
                .distinct()
            ).scalars()
            changed = set(kiosks)
        self.seen = newest
        return changed


async def watch_sqlite(
    engine: Engine, waiters: Waiters, run_blocking, interval: float = SQLITE_POLL_SECONDS
) -> None:
    """Read the counter every ``interval`` seconds (in ``run_blocking``, a thread) and wake
    the kiosks it names, until cancelled."""
    counter = await run_blocking(SqliteCounter, engine)
    while True:
        await asyncio.sleep(interval)
        try:
            changed = await run_blocking(counter.changed)
        except SQLAlchemyError as exc:  # busy or briefly unreadable: look again next time
            log.warning("downlink change counter unreadable (%s)", exc)
            continue
        if changed is None:
            waiters.wake_all()
        else:
            for kiosk_id in changed:
                waiters.wake(kiosk_id)
