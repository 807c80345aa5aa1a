"""The bridge between the kiosk's screens and its application layer.

The screens (``kiosk_app.ui``) never touch the store, the network or the printer: they ask a
:class:`ServiceBridge` to run one method of the application layer (:class:`kiosk_app.app.KioskApp`,
``bridge.app``) and get the answer back through signals. The call runs on a :class:`ServiceWorker` living in its own
``QThread``, so a slow exchange with central, a USB export or a stuck printer never freezes the
touchscreen.

Signals of :class:`ServiceBridge` (GUI thread):

- ``busy_changed(bool)``: at least one call is running / none is.
- ``call_finished(int)``: the call with this id has ended (after its callback ran).

A call names the method itself, not a string:
``bridge.call(bridge.app.request_status, reference, on_done=..., on_error=..., on_progress=...)``.
``on_done(result)`` gets the return value, ``on_error(exc)`` the exception (the screen turns it
into a message in the villager's language), ``on_progress(done, total)`` is fed when the
method accepts a ``progress`` callback (exports and imports).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from .app import KioskApp

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

    @Slot(int, object, object, object)
    def on_call_requested(self, call_id: int, method: Callable, args: tuple, kwargs: dict) -> None:
        kwargs = dict(kwargs)
        for key, value in kwargs.items():
            if value is PROGRESS:
                kwargs[key] = lambda done, total, _id=call_id: self.progressed.emit(
                    _id, int(done), int(total)
                )
        try:
            result = method(*args, **kwargs)
        except Exception as exc:  # every failure goes back to the screen that asked
            log.info("kiosk call %s failed: %s", method.__name__, exc, exc_info=True)
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
    _call_requested = Signal(int, object, object, object)

    def __init__(self, app: KioskApp, parent: QObject | None = None):
        super().__init__(parent)
        self.app = app
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._thread = QThread()
        self._thread.setObjectName("kiosk-worker")
        self._worker = ServiceWorker()
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
        method: Callable,
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        **kwargs: Any,
    ) -> int:
        """Queue ``method(*args, **kwargs)`` (a method of ``self.app``) on the worker; return the
        call's id."""
        call_id = next(self._ids)
        if on_progress is not None:
            kwargs["progress"] = PROGRESS
        was_busy = self.busy
        self._pending[call_id] = _Pending(method.__name__, on_done, on_error, on_progress)
        if not was_busy:
            self.busy_changed.emit(True)
        self._call_requested.emit(call_id, method, args, kwargs)
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
