"""Notices when nobody has touched the kiosk for a while.

After ``warn_s`` without a touch the window shows a countdown; after ``timeout_s`` it wipes the
session and goes back to the welcome screen, so one villager's data never stays on screen for the
next. Any touch, click or key restarts the count.

Signals of :class:`IdleWatcher`:

- ``warning(int)``: seconds left before the wipe (emitted at ``warn_s`` and then every second).
- ``timed_out()``: ``timeout_s`` passed without a touch.
- ``resumed()``: a touch came after a warning.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

ACTIVITY_EVENTS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.KeyPress,
}


class IdleWatcher(QObject):
    """See the module docstring. Install with ``app.installEventFilter(watcher)``."""

    warning = Signal(int)
    timed_out = Signal()
    resumed = Signal()

    def __init__(self, warn_s: float, timeout_s: float, parent: QObject | None = None):
        super().__init__(parent)
        if not 0 < warn_s < timeout_s:
            raise ValueError("the warning must come before the time-out, and after zero")
        self.warn_s = warn_s
        self.timeout_s = timeout_s
        self._warned = False
        self._last_touch = time.monotonic()
        self._warn_timer = QTimer(self, singleShot=True, timeout=self.on_warn_due)
        self._timeout_timer = QTimer(self, singleShot=True, timeout=self.on_timeout_due)
        self._tick_timer = QTimer(self, interval=1000, timeout=self.on_tick)

    @property
    def warned(self) -> bool:
        return self._warned

    def start(self) -> None:
        self.touch()

    def stop(self) -> None:
        for timer in (self._warn_timer, self._timeout_timer, self._tick_timer):
            timer.stop()

    def touch(self) -> None:
        """Someone is here: restart both clocks (and end a warning)."""
        self._last_touch = time.monotonic()
        self._warn_timer.start(int(self.warn_s * 1000))
        self._timeout_timer.start(int(self.timeout_s * 1000))
        self._tick_timer.stop()
        if self._warned:
            self._warned = False
            self.resumed.emit()

    def seconds_left(self) -> int:
        return max(0, math.ceil(self.timeout_s - (time.monotonic() - self._last_touch)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in ACTIVITY_EVENTS:
            self.touch()
        return False

    def on_warn_due(self) -> None:
        self._warned = True
        self._tick_timer.start()
        self.warning.emit(self.seconds_left())

    def on_tick(self) -> None:
        if self._warned:
            self.warning.emit(self.seconds_left())

    def on_timeout_due(self) -> None:
        self._tick_timer.stop()
        self._warned = False
        self.timed_out.emit()
        self.touch_quietly()

    def touch_quietly(self) -> None:
        """Restart the clocks without announcing a resume (after a wipe)."""
        self._warned = False
        self.touch()
