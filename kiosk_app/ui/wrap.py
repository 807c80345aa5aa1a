"""A row of buttons that takes a second (third...) line when it does not fit the width.

In large text (1.5x, EN 301 549 5.1.4) a row of buttons that fits 1280 px at the normal size
can be wider than the glass: the on-screen keyboard's words (⇧ Главна, АБВ, 123, Интервал,
⌫ Изтрий, ↵ Нов ред), the staff panel's actions. :class:`WrapRow` keeps each button at least as
wide as its text and moves the ones that do not fit to the next line; every line is stretched to
the full width, in the proportions of the stretch factors given, like a ``QHBoxLayout``.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QPushButton, QWidget, QWidgetItem

from .widgets import WrapButton


class WrapRow(QLayout):
    """See the module docstring. ``add(widget, stretch)`` in reading order."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 8):
        super().__init__(parent)
        self._items: list[tuple[QWidgetItem, int]] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def add(self, widget: QWidget, stretch: int = 1) -> None:
        self.addChildWidget(widget)
        self._items.append((QWidgetItem(widget), max(stretch, 1)))
        self.invalidate()

    # -- QLayout --------------------------------------------------------------------------

    def addItem(self, item) -> None:  # noqa: N802 - Qt's name
        self._items.append((item, 1))

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):  # noqa: N802 - Qt's name
        return self._items[index][0] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):  # noqa: N802 - Qt's name
        return self._items.pop(index)[0] if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt's name
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        shown = self._shown()
        width = sum(self._width(item) for item, _ in shown) + self.spacing() * max(
            len(shown) - 1, 0
        )
        return QSize(width, self._line_height(shown))

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt's name
        shown = self._shown()
        width = max((self._least(item) for item, _ in shown), default=0)
        laid_out = self.geometry().width()
        height = self.heightForWidth(laid_out) if laid_out > 0 else self._line_height(shown)
        return QSize(width, height)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt's name
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    # -- internals ------------------------------------------------------------------------

    def _shown(self) -> list[tuple[QWidgetItem, int]]:
        return [(item, stretch) for item, stretch in self._items if not item.isEmpty()]

    @staticmethod
    def _width(item) -> int:
        """As wide as the text needs: the widest of the size hint and the minimum."""
        widget = item.widget()
        width = max(item.sizeHint().width(), item.minimumSize().width())
        if isinstance(widget, QPushButton):
            metrics = widget.fontMetrics()
            text = max(
                (metrics.horizontalAdvance(line) for line in widget.text().split("\n")), default=0
            )
            width = max(width, text + 24)  # the style's padding and border around the text
        return width

    @classmethod
    def _least(cls, item) -> int:
        """The narrowest the item can be: a button whose words wrap, its longest word."""
        if isinstance(item.widget(), WrapButton):
            return item.minimumSize().width()
        return cls._width(item)

    @staticmethod
    def _line_height(items) -> int:
        return max((item.sizeHint().height() for item, _ in items), default=0)

    def _lines(self, width: int) -> list[list[tuple[QWidgetItem, int]]]:
        lines: list[list[tuple[QWidgetItem, int]]] = []
        used = 0
        for entry in self._shown():
            needed = min(self._width(entry[0]), width)
            if lines and used + self.spacing() + needed <= width:
                lines[-1].append(entry)
                used += self.spacing() + needed
            else:
                lines.append([entry])
                used = needed
        return lines

    def _arrange(self, rect: QRect, *, place: bool) -> int:
        spacing = self.spacing()
        y = rect.y()
        lines = self._lines(rect.width())
        for number, line in enumerate(lines):
            height = self._line_height(line)
            needs = [min(self._width(item), rect.width()) for item, _ in line]
            spare = max(rect.width() - sum(needs) - spacing * (len(line) - 1), 0)
            total_stretch = sum(stretch for _, stretch in line)
            x = rect.x()
            for index, ((item, stretch), need) in enumerate(zip(line, needs, strict=True)):
                width = need + spare * stretch // total_stretch
                if index == len(line) - 1:
                    width = rect.x() + rect.width() - x  # the last one takes the rounding
                if place:
                    item.setGeometry(QRect(QPoint(x, y), QSize(width, height)))
                x += width + spacing
            y += height + (spacing if number < len(lines) - 1 else 0)
        return y - rect.y()
