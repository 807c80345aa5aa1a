"""Building blocks shared by the screens: labels by role, touch buttons, the header bar, and the
:class:`Screen` base class every screen derives from.

Signals of :class:`Screen`:

- ``navigate_requested(str)``: the name of the screen to show next.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
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


class WrapButton(QPushButton):
    """A button whose words take as many lines as its width needs: a long label ("Няма служител
    тук — продължете (личната карта ...)") in large text. ``text()`` is the label as shown, with
    its line breaks; ``words()`` the label as given."""

    def __init__(self, min_height: int):
        super().__init__()
        self._words = ""
        self._min_height = min_height
        # A layout may make it narrower than its unwrapped text (QPushButton's Minimum policy
        # would hold it at the full width): its words then take more lines.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, self.sizePolicy().verticalPolicy())

    def words(self) -> str:
        return self._words

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._words = text
        self._rewrap()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """As narrow as the longest word: the rest goes on the next lines."""
        metrics = self.fontMetrics()
        widest = max((metrics.horizontalAdvance(w) for w in self._words.split()), default=0)
        return QSize(widest + theme.BUTTON_PAD_PX, super().sizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._rewrap()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._rewrap()

    def _rewrap(self) -> None:
        metrics = self.fontMetrics()
        room = self.width() - theme.BUTTON_PAD_PX
        lines = []
        for paragraph in self._words.split("\n"):
            line = ""
            for word in paragraph.split():
                longer = f"{line} {word}" if line else word
                if line and metrics.horizontalAdvance(longer) > room:
                    lines.append(line)
                    line = word
                else:
                    line = longer
            lines.append(line)
        shown = "\n".join(lines)
        if shown != super().text():
            super().setText(shown)
        self.setMinimumHeight(max(self._min_height, metrics.height() * len(lines) + 20))


def button(
    role: str = "", *, checkable: bool = False, min_height: int = theme.TOUCH_PX, wrap=False
) -> QPushButton:
    widget = WrapButton(min_height) if wrap else QPushButton()
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


def card_row(frame: QFrame, large: bool) -> QBoxLayout:
    """A list card's layout: its text with the button beside it, or in large text the button
    below (beside, the button would push the card wider than the list)."""
    direction = QBoxLayout.Direction.TopToBottom if large else QBoxLayout.Direction.LeftToRight
    row = QBoxLayout(direction, frame)
    row.setContentsMargins(20, 14, 20, 14)
    return row


def restyle(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property (``invalid``, ``role``) changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def touch_scrolling(area: QAbstractScrollArea) -> None:
    """Let a finger drag ``area`` up and down (kinetic, as on a phone). Only touch: a mouse
    press still goes to the button under it."""
    area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    # On a short screen (large text, the speech controls) the list gives up height first, down
    # to one row: it scrolls, where a squeezed keyboard or button would be lost.
    area.setMinimumHeight(theme.TOUCH_PX)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.TouchGesture)


class ScrollPager(QWidget):
    """Large "▲" and "▼" buttons beside a list and where you are in it ("2 от 5"), for those
    who do not drag: each touch moves the list by one screenful."""

    def __init__(self, tr, area: QAbstractScrollArea):
        super().__init__()
        self._tr = tr
        self._bar = area.verticalScrollBar()
        self.up_button = button(min_height=theme.TOUCH_PX + 16)
        self.up_button.setObjectName("page-up")
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button = button(min_height=theme.TOUCH_PX + 16)
        self.down_button.setObjectName("page-down")
        self.down_button.clicked.connect(lambda: self._move(1))
        self.where = label("subtle", wrap=False)
        self.where.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.up_button)
        layout.addStretch(1)
        layout.addWidget(self.where)
        layout.addStretch(1)
        layout.addWidget(self.down_button)
        self._bar.rangeChanged.connect(lambda _low, _high: self.refresh())
        self._bar.valueChanged.connect(lambda _value: self.refresh())
        tr.language_changed.connect(lambda _language: self.refresh())
        area.viewport().installEventFilter(self)  # a resize changes the screenful
        self.refresh()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            # After the scroll area has handled the resize and set the bar's new page step.
            QTimer.singleShot(0, self.refresh)
        return False

    def page(self) -> tuple[int, int]:
        """(the screenful shown, how many screenfuls there are), counted from 1."""
        step = max(self._bar.pageStep(), 1)
        pages = max(1, math.ceil((self._bar.maximum() + step) / step))
        if self._bar.value() >= self._bar.maximum():
            return pages, pages
        return min(pages, self._bar.value() // step + 1), pages

    def refresh(self) -> None:
        shown, pages = self.page()
        self.up_button.setText(self._tr.t("list.up"))
        self.down_button.setText(self._tr.t("list.down"))
        self.where.setText(self._tr.t("list.where", page=shown, pages=pages))
        self.up_button.setEnabled(self._bar.value() > self._bar.minimum())
        self.down_button.setEnabled(self._bar.value() < self._bar.maximum())
        self.setVisible(pages > 1)

    def _move(self, direction: int) -> None:
        self._bar.setValue(self._bar.value() + direction * self._bar.pageStep())


# A button with this dynamic property set acts at the first touch even when the kiosk speaks
# (kiosk_app/ui/narrator.py): the speech controls, the large-text switch, "continue" when idle.
ACTS_AT_ONCE = "acts_at_once"


def control(role: str = "", *, checkable: bool = False) -> QPushButton:
    """A button of the speech and text-size controls: it acts at the first touch."""
    widget = button(role, checkable=checkable)
    widget.setProperty(ACTS_AT_ONCE, True)
    return widget


class Header(QFrame):
    """The blue bar on top: where you are, a way home, "Говори ми", large text, the language;
    with speech on, a second row: repeat, stop, slower, louder."""

    home_clicked = Signal()
    back_clicked = Signal()

    def __init__(self, ctx: KioskContext, *, back: bool = True, home: bool = True):
        super().__init__()
        self.setProperty("role", "header")
        self._ctx = ctx
        self._crowded = back or home  # in large text, the title then needs a line of its own
        # A long service name wraps onto a second line rather than being cut.
        self.title = label("header-title")
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.title.setMinimumWidth(200)
        self.back_button = button()
        self.back_button.setVisible(back)
        self.back_button.clicked.connect(self.back_clicked)
        self.home_button = button()
        self.home_button.setVisible(home)
        self.home_button.clicked.connect(self.home_clicked)
        self.language_button = button()
        self.language_button.clicked.connect(self.on_language_clicked)
        narrator, text_size = ctx.narrator, ctx.text_size
        self.speak_button = control("toggle", checkable=True)
        self.speak_button.setObjectName("speak-to-me")
        self.speak_button.clicked.connect(lambda on: narrator.set_enabled(on))
        self.large_button = control("toggle", checkable=True)
        self.large_button.setObjectName("large-text")
        self.large_button.clicked.connect(lambda on: text_size.set_large(on))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(14)
        row.addWidget(self.back_button)
        row.addWidget(self.title, 1)
        row.addWidget(self.speak_button)
        row.addWidget(self.large_button)
        row.addWidget(self.language_button)
        row.addWidget(self.home_button)

        self.speech_bar = QFrame()
        self.speech_bar.setProperty("role", "speech-bar")
        self.repeat_button = control()
        self.repeat_button.clicked.connect(narrator.repeat)
        self.stop_button = control()
        self.stop_button.clicked.connect(narrator.stop)
        self.slower_button = control()
        self.slower_button.clicked.connect(narrator.slower)
        self.louder_button = control()
        self.louder_button.clicked.connect(narrator.louder)
        bar = QHBoxLayout(self.speech_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(14)
        for control_button in (
            self.repeat_button,
            self.stop_button,
            self.slower_button,
            self.louder_button,
        ):
            bar.addWidget(control_button, 1)

        self._row = row
        self._title_row = QHBoxLayout()  # the title on a line of its own in large text
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 6, 16, 6)
        layout.setSpacing(6)
        layout.addLayout(self._title_row)
        layout.addLayout(row)
        layout.addWidget(self.speech_bar)
        narrator.enabled_changed.connect(self.on_speech_changed)
        text_size.changed.connect(self.on_text_size_changed)
        ctx.tr.language_changed.connect(self.retranslate)
        self.on_speech_changed(narrator.enabled)
        self.large_button.setChecked(text_size.large)
        self.retranslate()

    def on_speech_changed(self, enabled: bool) -> None:
        self.speak_button.setChecked(enabled)
        self.speech_bar.setVisible(enabled)

    def on_text_size_changed(self, large: bool) -> None:
        """In large text the buttons need the whole width: the title goes on a line above."""
        self.large_button.setChecked(large)
        self._row.setSpacing(8 if large else 14)
        if large and self._crowded and self._title_row.count() == 0:
            self._row.removeWidget(self.title)
            self._title_row.addWidget(self.title)
            self._row.insertStretch(1, 1)
        elif not large and self._title_row.count():
            self._title_row.removeWidget(self.title)
            self._row.takeAt(1)  # the stretch that stood in the title's place
            self._row.insertWidget(1, self.title, 1)

    def retranslate(self, _language: str = "") -> None:
        tr = self._ctx.tr
        self.back_button.setText(tr.t("nav.back"))
        self.home_button.setText(tr.t("nav.home"))
        self.language_button.setText(tr.t("nav.other_language"))
        self.speak_button.setText(tr.t("speech.toggle"))
        self.large_button.setText(tr.t("text.large"))
        self.large_button.setAccessibleName(tr.t("text.large_name"))
        self.repeat_button.setText(tr.t("speech.repeat"))
        self.stop_button.setText(tr.t("speech.stop"))
        self.slower_button.setText(tr.t("speech.slower"))
        self.louder_button.setText(tr.t("speech.louder"))

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
        # The body never gets less than the room its layout needs: when the screen is too short
        # for it (large text with the speech controls at 1280x800) it scrolls under the header
        # instead of squeezing buttons and keys on top of each other.
        self.body_scroll = QScrollArea()
        self.body_scroll.setObjectName("screen-body")
        self.body_scroll.setWidgetResizable(True)
        self.body_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body_scroll.setWidget(self.body)
        self.body.setMinimumWidth(1)  # as wide as the glass: its layout squeezes sideways
        # A touch on a key (which takes no focus) must leave the focus in the text box typed
        # into, not hand it to the nearest parent that takes focus on a click.
        self.body_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        touch_scrolling(self.body_scroll)
        self.body_scroll.setMinimumHeight(0)
        self.body_scroll.verticalScrollBar().setObjectName("screen-body-bar")  # a thin one
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.header)
        outer.addWidget(self.body_scroll, 1)
        ctx.tr.language_changed.connect(self.retranslate)

    back_target = "welcome"

    def on_home_clicked(self) -> None:
        self.navigate_requested.emit("welcome")

    def has_input(self) -> bool:
        """Whether the villager typed something here that "Home" would throw away (beyond the
        session's answers, which the window checks itself)."""
        return False

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
