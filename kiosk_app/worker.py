"""The bridge between the kiosk's screens and its application layer.

The screens (``kiosk_app.ui``) never touch the store, the network or the printer: they ask a
:class:`ServiceBridge` to run one call of the application layer (``kiosk_app.services``) and get
the answer back through signals. The call runs on a :class:`ServiceWorker` living in its own
``QThread``, so a slow exchange with central, a USB export or a stuck printer never freezes the
touchscreen.

Signals of :class:`ServiceBridge` (GUI thread):

- ``busy_changed(bool)``: at least one call is running / none is.
- ``call_finished(int)``: the call with this id has ended (after its callback ran).

A call is ``bridge.call("request_status", reference, on_done=..., on_error=..., on_progress=...)``.
``on_done(result)`` gets the return value, ``on_error(exc)`` the exception (the screen turns it
into a message in the villager's language), ``on_progress(done, total)`` is fed when the
application function accepts a ``progress`` callback (exports and imports).
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from sync.deadlines import chosen_tier, service_due_date

from . import services as services_module
from .bulletins import NOTICES_SETTING, STAFF_SETTING
from .errors import KioskError

log = logging.getLogger(__name__)

#: Placed in a call's keyword arguments, replaced on the worker by a progress callback.
PROGRESS = object()


class ServiceWorker(QObject):
    """Runs application-layer calls on the worker thread; one at a time, in order.

    Signals:
        succeeded(int, object): call id and its result.
        failed(int, object): call id and the exception it raised.
        progressed(int, int, int): call id, units done, units in total.
    """

    succeeded = Signal(int, object)
    failed = Signal(int, object)
    progressed = Signal(int, int, int)

    def __init__(self, services: Any):
        super().__init__()
        self._services = services

    @Slot(int, str, object, object)
    def on_call_requested(self, call_id: int, name: str, args: tuple, kwargs: dict) -> None:
        kwargs = dict(kwargs)
        for key, value in kwargs.items():
            if value is PROGRESS:
                kwargs[key] = lambda done, total, _id=call_id: self.progressed.emit(
                    _id, int(done), int(total)
                )
        try:
            function = getattr(self._services, name)
            result = function(*args, **kwargs)
        except Exception as exc:  # every failure goes back to the screen that asked
            log.info("kiosk call %s failed: %s", name, exc, exc_info=True)
            self.failed.emit(call_id, exc)
        else:
            self.succeeded.emit(call_id, result)


@dataclass
class _Pending:
    name: str
    on_done: Callable[[Any], None] | None
    on_error: Callable[[Exception], None] | None
    on_progress: Callable[[int, int], None] | None


class ServiceBridge(QObject):
    """The GUI thread's handle on the worker. See the module docstring for its signals."""

    busy_changed = Signal(bool)
    call_finished = Signal(int)
    _call_requested = Signal(int, str, object, object)

    def __init__(self, services: Any, parent: QObject | None = None):
        super().__init__(parent)
        self.services = services
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._thread = QThread()
        self._thread.setObjectName("kiosk-worker")
        self._worker = ServiceWorker(services)
        self._worker.moveToThread(self._thread)
        self._call_requested.connect(self._worker.on_call_requested)
        self._worker.succeeded.connect(self.on_succeeded)
        self._worker.failed.connect(self.on_failed)
        self._worker.progressed.connect(self.on_progressed)
        self._thread.start()

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def call(
        self,
        name: str,
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        **kwargs: Any,
    ) -> int:
        """Queue ``services.<name>(*args, **kwargs)`` on the worker; return the call's id."""
        call_id = next(self._ids)
        if on_progress is not None:
            kwargs["progress"] = PROGRESS
        was_busy = self.busy
        self._pending[call_id] = _Pending(name, on_done, on_error, on_progress)
        if not was_busy:
            self.busy_changed.emit(True)
        self._call_requested.emit(call_id, name, args, kwargs)
        return call_id

    @Slot(int, object)
    def on_succeeded(self, call_id: int, result: Any) -> None:
        pending = self._finish(call_id)
        if pending and pending.on_done:
            pending.on_done(result)
        self._announce_end(call_id)

    @Slot(int, object)
    def on_failed(self, call_id: int, error: Exception) -> None:
        pending = self._finish(call_id)
        if pending and pending.on_error:
            pending.on_error(error)
        elif pending:
            log.warning("kiosk call %s failed unhandled: %s", pending.name, error)
        self._announce_end(call_id)

    @Slot(int, int, int)
    def on_progressed(self, call_id: int, done: int, total: int) -> None:
        pending = self._pending.get(call_id)
        if pending and pending.on_progress:
            pending.on_progress(done, total)

    def forget_callbacks(self) -> None:
        """Drop the callbacks of running calls (the session they belonged to was wiped)."""
        for pending in self._pending.values():
            pending.on_done = pending.on_error = pending.on_progress = None

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Stop the worker thread after the running call ends."""
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait(timeout_ms)

    def _finish(self, call_id: int) -> _Pending | None:
        return self._pending.pop(call_id, None)

    def _announce_end(self, call_id: int) -> None:
        if not self._pending:
            self.busy_changed.emit(False)
        self.call_finished.emit(call_id)


# ------------------------------------------------------------------------------------------
# What the screens may call: the application layer bound to one configuration, plus the few
# compositions only the touchscreen needs. Runs on the worker thread, never on the GUI's.


class WrongPinError(KioskError):
    code = "wrong_pin"

    def __init__(self, message: str, attempts_left: int):
        super().__init__(message)
        self.attempts_left = attempts_left


class PinLockedError(KioskError):
    code = "pin_locked"

    def __init__(self, message: str, locked_until: str):
        super().__init__(message)
        self.locked_until = locked_until


MAX_PIN_FAILURES = 5
PIN_LOCK_MINUTES = 15
PIN_LOCK_SETTING = "staff_pin_lock"  # {"failures": n, "locked_until": iso | None}


def hash_pin(pin: str) -> str:
    """An argon2 hash of a staff PIN: what the kiosk keeps, never the PIN itself."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash(pin)


def provision_staff(config, staff: list[dict]) -> None:
    """Keep the staff list (``staff_id``, ``name``, ``pin`` or ``pin_hash``) with hashed PINs."""
    records = [
        {
            "staff_id": person["staff_id"],
            "name": person["name"],
            "pin_hash": person.get("pin_hash") or hash_pin(person["pin"]),
        }
        for person in staff
    ]
    with services_module.store_for(config) as store:
        store.set_setting(STAFF_SETTING, records)


class KioskAppServices:
    """``kiosk_app.services`` bound to ``config`` for the worker, with what the screens add."""

    def __init__(self, config, usb_dir: Path | None = None, clock=None, transport=None):
        self.config = config
        self.usb_dir = Path(usb_dir) if usb_dir else Path("/media/usb")
        self.transport = transport  # None: HTTP to the central address learnt at enrollment
        self._api = services_module.KioskServices(config)
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def __getattr__(self, name: str):
        return getattr(self._api, name)

    # -- staff ----------------------------------------------------------------------------

    def check_staff_pin(self, pin: str) -> dict:
        """The member of staff whose PIN this is; five wrong PINs in a row lock for a while."""
        shared = getattr(services_module, "check_staff_pin", None)
        if shared is not None:
            return shared(self.config, pin)
        from argon2 import PasswordHasher
        from argon2.exceptions import Argon2Error

        hasher = PasswordHasher()
        now = self._clock()
        with services_module.store_for(self.config) as store:
            lock = store.get_setting(PIN_LOCK_SETTING) or {"failures": 0, "locked_until": None}
            until = lock.get("locked_until")
            if until and dt.datetime.fromisoformat(until) > now:
                raise PinLockedError(f"Staff confirmation is locked until {until}.", until)
            for person in store.get_setting(STAFF_SETTING) or []:
                try:
                    hasher.verify(person["pin_hash"], pin)
                except Argon2Error:
                    continue
                store.set_setting(PIN_LOCK_SETTING, {"failures": 0, "locked_until": None})
                return {"staff_id": person["staff_id"], "name": person["name"]}
            failures = int(lock.get("failures") or 0) + 1
            if failures >= MAX_PIN_FAILURES:
                until = (now + dt.timedelta(minutes=PIN_LOCK_MINUTES)).isoformat()
                store.set_setting(PIN_LOCK_SETTING, {"failures": 0, "locked_until": until})
                raise PinLockedError(f"Too many wrong PINs: locked until {until}.", until)
            store.set_setting(PIN_LOCK_SETTING, {"failures": failures, "locked_until": None})
        left = MAX_PIN_FAILURES - failures
        raise WrongPinError(f"Wrong PIN; {left} attempts left.", left)

    def staff_overview(self) -> dict:
        from printing import printer_status

        printer = printer_status(self.config.printer)
        state = printer.state
        if not self.config.printer:
            state = "folder"
        elif state in ("idle", "processing") and printer.ready:
            state = "ready" if state == "idle" else "printing"
        elif state not in ("ready", "printing"):
            state = "offline" if state in ("not-found", "unavailable") else "error"
        return {
            "queue": self._api.queue_state().to_json(),
            "ready": [document.to_json() for document in self._api.ready_documents()],
            "printer": {"state": state, "message": printer.message},
        }

    def sync_now(self):
        return self._api.sync_now(transport=self.transport, report_health=True)

    def export_to_usb(self, progress=None) -> dict:
        written = self._api.export_bundles(self.usb_dir, progress=progress)
        return {"count": len(written)}

    def import_from_usb(self, progress=None) -> dict:
        report = self._api.import_bundles(self.usb_dir, progress=progress)
        return {"count": getattr(report, "files", 0)}

    # -- villagers ------------------------------------------------------------------------

    def list_notices(self) -> list[dict]:
        shared = getattr(services_module, "list_notices", None)
        if shared is not None:
            return shared(self.config)
        with services_module.store_for(self.config) as store:
            return list(store.get_setting(NOTICES_SETTING) or [])

    def print_receipt(self, reference: str, service_id: str | None = None, tier: str | None = None):
        """Print the villager's slip (reference, service, expected date, QR of the reference)."""
        from printing.receipts import Receipt, render_receipt

        from .documents import print_pdf

        status = self._api.request_status(reference)
        service = self._api.get_service(service_id or status.service)
        now = self._clock()
        # The same rule as central's due date (sync.deadlines), in Sofia time.
        expected = service_due_date(service, chosen_tier(service, tier), now)
        info = self._api.kiosk_info()
        receipt = Receipt(
            reference=status.reference,
            service=service["name"]["bg"],
            service_en=service["name"]["en"],
            village=info.village,
            issued_at=now,
            expected_date=expected,
            collect=(service.get("collect") or {}).get("bg"),
            collect_en=(service.get("collect") or {}).get("en"),
        )
        self.config.spool_dir.mkdir(parents=True, exist_ok=True)
        path = render_receipt(receipt, self.config.spool_dir / f"receipt-{status.reference}.pdf")
        result = print_pdf(self.config, path, f"Receipt {status.reference}")
        return {
            "expected_date": expected.isoformat() if expected else None,
            "status": getattr(result, "status", "printed"),
        }
