"""Large-text mode: one touch in the header makes every text half as large again (EN 301 549
5.1.4); the window redraws with :func:`kiosk_app.ui.theme.style_sheet` at
``theme.LARGE_TEXT_SCALE``. Kept for the visit, like speech; the idle wipe resets it.

Signals of :class:`TextSize`:

- ``changed(bool)``: large text was turned on (True) or off.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class TextSize(QObject):
    """See the module docstring."""

    changed = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._large = False

    @property
    def large(self) -> bool:
        return self._large

    def set_large(self, large: bool) -> None:
        if large != self._large:
            self._large = large
            self.changed.emit(large)

    def reset(self) -> None:
        self.set_large(False)
