"""The kiosk's time is central's: its own clock corrected by the offset measured at each
exchange from central's signed time (:mod:`sync.clock`).

What villagers see and what is checked against today uses :func:`central_now`: a request's
submission time, the slip's expected date, a birth date's "not in the future". The kiosk's
calls to central are signed with it too, so a clock a year off still exchanges and `check`
still runs. The offset is kept in the store (setting ``clock``), so it holds while the line is
down; staff are warned on the staff panel when it is more than five minutes
(:data:`WARN_SECONDS`): the kiosk's own clock needs setting (``timedatectl``), though nothing
depends on it any more.
"""

from __future__ import annotations

import datetime as dt

from sync.clock import Clock
from sync.deadlines import SOFIA

from .config import KioskConfig
from .store import KioskStore, store_for

SETTING = "clock"
WARN_SECONDS = 300
SAVE_WHEN_MOVED = 1.0  # seconds: a measurement this close to the kept one is not written
SAVE_AT_LEAST_EVERY = 600  # seconds of central's time: the kept "measured at" stays fresh


def stored_clock(store: KioskStore) -> Clock:
    return Clock.from_json(store.get_setting(SETTING))


def kiosk_clock(config: KioskConfig, store: KioskStore) -> Clock:
    """The clock a transport to central signs with; its measurements are kept in the store
    (opened briefly, only when the offset moved or the kept one grows old)."""
    kept = stored_clock(store).to_json()

    def keep(clock: Clock) -> None:
        nonlocal kept
        moved = abs(clock.offset - float(kept["offset_seconds"] or 0.0))
        age = (clock.measured_at or 0) - (kept["measured_at"] or 0)
        if kept["measured_at"] is None or moved > SAVE_WHEN_MOVED or age > SAVE_AT_LEAST_EVERY:
            kept = clock.to_json()
            with store_for(config) as own:
                own.set_setting(SETTING, kept)

    clock = stored_clock(store)
    clock.listener = keep
    return clock


def central_now(store: KioskStore) -> dt.datetime:
    """Now, by central's clock as last measured (the kiosk's own when never measured)."""
    return dt.datetime.fromtimestamp(stored_clock(store).now(), dt.UTC)


def central_utc_now(store: KioskStore) -> str:
    """:func:`central_now` as the kiosk writes times (``2026-11-25T09:10:11.000000Z``)."""
    return central_now(store).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def central_today(store: KioskStore) -> dt.date:
    """Today in Bulgaria, by central's clock: what date checks compare with."""
    return central_now(store).astimezone(SOFIA).date()


def clock_state(store: KioskStore) -> dict:
    """For the staff panel: ``{offset_seconds, measured_at, round_trip_seconds, off}``; ``off``
    when the kiosk's own clock is more than five minutes from central's."""
    state = stored_clock(store).to_json()
    state["off"] = abs(state["offset_seconds"]) > WARN_SECONDS
    if state["measured_at"] is not None:
        state["measured_at"] = dt.datetime.fromtimestamp(state["measured_at"], dt.UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
    return state
