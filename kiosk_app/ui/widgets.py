"""Building blocks shared by the screens: labels by role, touch buttons, the header bar, and the
:class:`Screen` base class every screen derives from.

Signals of :class:`Screen`:

- ``navigate_requested(str)``: the name of the screen to show next.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from . import theme
from .context import KioskContext


def label(role: str = "", *, wrap: bool = True, selectable: bool = False) -> QLabel:
    widget = QLabel()
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if selectable:
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def button(
    role: str = "", *, checkable: bool = False, min_height: int = theme.TOUCH_PX
) -> QPushButton:
    widget = QPushButton()
    if role:
        widget.setProperty("role", role)
    widget.setCheckable(checkable)
    widget.setMinimumHeight(min_height)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return widget


def card() -> QFrame:
    frame = QFrame()
    frame.setProperty("role", "card")
    return frame


def restyle(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property (``invalid``, ``role``) changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" rather than being cut when the text is too long."""

    def __init__(self, role: str = ""):
        super().__init__()
        if role:
            self.setProperty("role", role)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._full = text
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, self.width())
        super().setText(shown)


class Header(QFrame):
    """The blue bar on top: where you are, a way home, and the language switch."""

    home_clicked = Signal()
    back_clicked = Signal()

    def __init__(self, ctx: KioskContext, *, back: bool = True, home: bool = True):
        super().__init__()
        self.setProperty("role", "header")
        self._ctx = ctx
        self.title = ElidedLabel("title")
        self.back_button = button()
        self.back_button.setVisible(back)
        self.back_button.clicked.connect(self.back_clicked)
        self.home_button = button()
        self.home_button.setVisible(home)
        self.home_button.clicked.connect(self.home_clicked)
        self.language_button = button()
        self.language_button.clicked.connect(self.on_language_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 6, 16, 6)
        layout.setSpacing(14)
        layout.addWidget(self.back_button)
        layout.addWidget(self.title, 1)
        layout.addWidget(self.language_button)
        layout.addWidget(self.home_button)
        ctx.tr.language_changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self, _language: str = "") -> None:
        tr = self._ctx.tr
        self.back_button.setText(tr.t("nav.back"))
        self.home_button.setText(tr.t("nav.home"))
        self.language_button.setText(tr.t("nav.other_language"))

    def on_language_clicked(self) -> None:
        tr = self._ctx.tr
        tr.set_language("en" if tr.language == "bg" else "bg")


class Screen(QWidget):
    """A full page of the kiosk. Subclasses fill :attr:`body` and implement the hooks."""

    navigate_requested = Signal(str)
    name = ""

    def __init__(self, ctx: KioskContext, *, back: bool = True, home: bool = True):
        super().__init__()
        self.ctx = ctx
        self.tr = ctx.tr
        self.header = Header(ctx, back=back, home=home)
        self.header.home_clicked.connect(self.on_home_clicked)
        self.header.back_clicked.connect(self.on_back_clicked)
        self.body = QWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.header)
        outer.addWidget(self.body, 1)
        ctx.tr.language_changed.connect(self.retranslate)

    back_target = "welcome"

    def on_home_clicked(self) -> None:
        self.navigate_requested.emit("welcome")

    def on_back_clicked(self) -> None:
        self.navigate_requested.emit(self.back_target)

    # -- hooks ----------------------------------------------------------------------------

    def retranslate(self, _language: str = "") -> None:
        """Set every text again in the current language."""

    def enter(self) -> None:
        """The screen is about to be shown: load what it needs from the session / worker."""

    def wipe(self) -> None:
        """Forget everything typed or shown for the previous villager."""


def clear_layout(layout) -> None:
    """Remove and delete every widget of ``layout`` (spacers and stretches too)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()
