"""The kiosk's sync loop: `kiosk-app sync --daemon` (a systemd service) or a thread in the app.

One cycle is one :func:`kiosk_app.exchange.exchange_with`: seal and upload what is pending (in
bundles of at most ``max_records``), post unsent receipts, then ask central for the downlink
with a long-poll of ``wait`` seconds, so that a clerk's decision arrives while the request is
open instead of at the next poll. Then the next cycle starts at once.

While central cannot be reached the loop sleeps with exponential backoff and full jitter
(:class:`sync.engine.Backoff`, capped at ``backoff_cap``). A crash or a power cut loses nothing:
every step commits to SQLite before the next one starts (a bundle is sealed and stored before it
is sent; events leave the queue only with a verified receipt; a downlink bundle applies in one
transaction), so a restarted loop resumes where the old one stopped.

``stop()`` (SIGTERM in the command line) ends the loop cleanly: a long-poll or a backoff pause
is abandoned at once, an exchange that is writing finishes its transaction first.

The loop publishes its state in the store's ``sync_daemon`` setting (``state``, ``failures``,
``next_try_at``, ``progress``) for the staff panel (:func:`kiosk_app.queue_status.queue_state`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sync import SyncError
from sync.engine import LONG_POLL_SECONDS, Backoff
from sync.wording import counted

from .config import KioskConfig
from .errors import DiskFullError, KioskError, StoreError
from .exchange import (
    MAX_RECORDS_PER_BUNDLE,
    ExchangeReport,
    KioskRevokedError,
    central_transport,
    check_not_revoked,
    check_positions,
    exchange_with,
    load_party,
)
from .health import queue_health_report
from .store import enrollment_of, store_for

log = logging.getLogger(__name__)

DEFAULT_WAIT_SECONDS = LONG_POLL_SECONDS  # as long as central holds a long-poll
IDLE_FLOOR_SECONDS = 1.0  # a central that ignores `wait` must not make the loop spin


class DaemonStopping(BaseException):
    """Raised from the stop signal into a blocking long-poll or pause (never mid-transaction).

    A BaseException so that no ``except Exception`` on the way (requests, urllib3) swallows it.
    """


@dataclass
class DaemonSettings:
    wait: float = DEFAULT_WAIT_SECONDS  # long-poll length while idle
    backoff_base: float = 1.0
    backoff_cap: float = 300.0
    max_records: int = MAX_RECORDS_PER_BUNDLE
    max_seconds: float | None = None  # stop after this long (tests, one-off catch-up runs)
    max_cycles: int | None = None
    until_idle: bool = False  # stop after the first exchange that moved nothing
    seed: int | None = None


@dataclass
class DaemonReport:
    cycles: int = 0
    failures: int = 0
    uploaded_bundles: int = 0
    delivered_events: int = 0
    downlink_bundles: int = 0
    applied: int = 0
    printed: int = 0
    stopped_because: str = ""
    last_error: str = ""
    pauses: list[float] = field(default_factory=list)
    resent: list[int] = field(default_factory=list)  # bundles a restored central lacked
    given_back: list[str] = field(default_factory=list)  # documents a restored central lacked

    def add(self, report: ExchangeReport) -> None:
        self.resent += report.resent
        self.given_back += report.given_back
        self.uploaded_bundles += len(report.uploaded)
        self.delivered_events += report.delivered_events
        self.downlink_bundles += report.downlink_bundles
        self.applied += report.applied
        self.printed += len(report.printed)


def _moved_anything(report: ExchangeReport) -> bool:
    return bool(
        report.uploaded
        or report.downlink_bundles
        or report.receipts_sent
        or report.printed
        or report.given_back
    )


class SyncDaemon:
    """The loop. ``on_progress(line)`` hears one human line per step (the CLI prints them)."""

    def __init__(
        self,
        config: KioskConfig,
        settings: DaemonSettings | None = None,
        transport=None,
        on_progress: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] | None = None,
    ):
        self.config = config
        self.settings = settings or DaemonSettings()
        self.transport = transport  # given (tests): used as it is
        self._http = None  # made here: kept between cycles, while central's key stays the same
        self._http_pinned = None
        self.on_progress = on_progress or (lambda line: None)
        self.backoff = Backoff(
            self.settings.backoff_base, self.settings.backoff_cap, seed=self.settings.seed
        )
        self._stop = threading.Event()
        self._interruptible = False
        self._sleep = sleep
        self._positions_checked = False

    # -- stopping --------------------------------------------------------------------------

    def stop(self) -> None:
        self._stop.set()

    def on_signal(self, signum, frame) -> None:
        """Signal handler (main thread): stop; break out of a long-poll or a pause at once."""
        self._stop.set()
        if self._interruptible:
            raise DaemonStopping()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # -- the loop --------------------------------------------------------------------------

    def run(self) -> DaemonReport:
        report = DaemonReport()
        started = time.monotonic()
        self._publish("starting")
        try:
            while not self._stop.is_set():
                if (
                    self.settings.max_cycles is not None
                    and report.cycles >= self.settings.max_cycles
                ):
                    report.stopped_because = "max_cycles"
                    break
                if (
                    self.settings.max_seconds is not None
                    and time.monotonic() - started >= self.settings.max_seconds
                ):
                    report.stopped_because = "max_seconds"
                    break
                report.cycles += 1
                if not self._cycle(report):
                    break
        except DaemonStopping:
            pass
        if self._stop.is_set() and not report.stopped_because:
            report.stopped_because = "stopped"
        self._publish("stopped")
        return report

    def _cycle(self, report: DaemonReport) -> bool:
        """One exchange (and a pause after a failure); False when the loop must end."""
        cycle_started = time.monotonic()
        try:
            exchange = self._exchange()
        except KioskRevokedError as exc:
            report.stopped_because = "revoked"
            report.last_error = exc.message
            self.on_progress(f"Stopped: {' '.join(exc.message.split())}")
            return False
        except (SyncError, KioskError) as exc:
            if isinstance(exc, StoreError | DiskFullError):
                log.error("the kiosk database failed: %s", exc.message)
            report.failures += 1
            report.last_error = exc.message
            revoked = self._revoked()
            if revoked:
                report.stopped_because = "revoked"
                self.on_progress("Stopped: central revoked this kiosk; its data stays here.")
                return False
            pause = self.backoff.pause()
            report.pauses.append(pause)
            self.on_progress(
                f"Exchange failed ({' '.join(exc.message.split())}); next try in {pause:.1f} s."
            )
            self._publish("backing_off", failures=self.backoff.failures, pause=pause)
            self._wait(pause)
            return True
        self.backoff.reset()
        report.add(exchange)
        moved = _moved_anything(exchange)
        if moved:
            self.on_progress(
                f"Sent {counted(len(exchange.uploaded), 'bundle', 'en')} "
                f"({counted(exchange.delivered_events, 'event', 'en')}); "
                f"received {counted(exchange.downlink_bundles, 'bundle', 'en')} "
                f"({exchange.applied} applied, {exchange.quarantined} quarantined); "
                f"printed {len(exchange.printed)}."
            )
        self._publish("online")
        if self.settings.until_idle and not moved:
            report.stopped_because = "idle"
            return False
        elapsed = time.monotonic() - cycle_started
        if not moved and elapsed < IDLE_FLOOR_SECONDS:
            self._wait(IDLE_FLOOR_SECONDS - elapsed)
        return True

    def _central_transport(self, store):
        """The HTTP transport, kept between cycles (the connection stays alive); made again
        when central rotated its key, whose signed time (sync.clock) it checks."""
        pinned = enrollment_of(store)["central_fingerprint"]
        if self._http is None or pinned != self._http_pinned:
            self._http, self._http_pinned = central_transport(self.config, store), pinned
        return self._http

    def _exchange(self) -> ExchangeReport:
        with store_for(self.config) as store:
            transport = self.transport or self._central_transport(store)
            wait = 0.0 if self.settings.until_idle else self.settings.wait
            if not self._positions_checked:  # once per start: an older kiosk.db put back?
                check_not_revoked(store)  # a revoked kiosk asks central nothing
                check_positions(store, load_party(self.config, store), transport)
                self._positions_checked = True
            if not self.settings.until_idle:
                queue_health_report(self.config, store)  # when something changed, or hourly
            return exchange_with(
                self.config,
                store,
                _Interruptible(transport, self),
                wait=wait,
                max_records=self.settings.max_records,
                progress=self._progress,
            )

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.on_progress(f"{stage}: bundle {done}/{total}")
        self._publish("syncing", progress={"stage": stage, "done": done, "total": total})

    def _wait(self, seconds: float) -> None:
        if self._sleep is not None:
            self._sleep(seconds)
            return
        self._interruptible = True
        try:
            self._stop.wait(seconds)
        finally:
            self._interruptible = False

    # -- state for the staff panel ----------------------------------------------------------

    def _revoked(self) -> bool:
        try:
            with store_for(self.config) as store:
                return bool(store.get_setting("revoked"))
        except KioskError:
            return False

    def _publish(self, state: str, failures: int = 0, pause: float = 0.0, progress=None) -> None:
        now = datetime.now(UTC)
        value = {
            "state": state,
            "pid": os.getpid(),
            "at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "failures": failures,
            "next_try_at": (now + timedelta(seconds=pause)).strftime("%Y-%m-%dT%H:%M:%SZ")
            if pause
            else None,
            "progress": progress,
        }
        try:
            with store_for(self.config) as store:
                store.set_setting("sync_daemon", value)
        except KioskError as exc:  # the state line is a courtesy; the loop goes on
            log.warning("could not publish the sync state: %s", exc.message)


class _Interruptible:
    """The transport, with the long-poll marked as a place where a stop may break in (the
    methods an exchange uses: :func:`kiosk_app.exchange.exchange_with`)."""

    def __init__(self, transport, daemon: SyncDaemon):
        self._transport = transport
        self._daemon = daemon

    def upload_bundle(self, data: bytes) -> bytes:
        return self._transport.upload_bundle(data)

    def send_receipt(self, data: bytes) -> None:
        self._transport.send_receipt(data)

    def post_streams(self, kiosk_id: str, positions: dict) -> dict:
        return self._transport.post_streams(kiosk_id, positions)

    def post_held_document(self, kiosk_id: str, held: dict) -> dict:
        return self._transport.post_held_document(kiosk_id, held)

    def fetch_downlink(self, kiosk_id: str, after: int, wait: float = 0):
        if not wait:
            return self._transport.fetch_downlink(kiosk_id, after)
        if self._daemon.stopping:
            raise DaemonStopping()
        self._daemon._publish("online")  # idle and listening: what the staff panel shows
        self._daemon._interruptible = True
        try:
            return self._transport.fetch_downlink(kiosk_id, after, wait=wait)
        finally:
            self._daemon._interruptible = False


def run_daemon(config: KioskConfig, settings: DaemonSettings | None = None, **kwargs):
    """Build and run a :class:`SyncDaemon` until it stops; its report."""
    return SyncDaemon(config, settings, **kwargs).run()
