""" "Говори ми / Speak to me": the kiosk reads what it shows (EN 301 549 5.1.3), when asked to.

The :class:`Narrator` is the one interface the screens speak through (``ctx.narrator``). It is
off until the villager touches "Говори ми" (on the welcome screen and in every header); it stays
on for the visit and the idle wipe turns it off (:meth:`Narrator.reset`). With speech on:

- a screen is read when it opens (the window calls :meth:`screen_opened`; a screen whose
  content changes into a new page, a form's next page or a status answer, calls it itself or
  :meth:`read` for the part that changed): every visible text from top to bottom, the value of
  each text box, any problem shown, then the names of the buttons one can touch;
- a text box says its label, help, value and problem when it takes the focus; after a key of the
  on-screen keyboard the value typed so far is read;
- a problem message (a label of role ``error``) is read when it appears;
- a button says its name at the first touch and acts at the second touch of the same button
  (docs/kiosk.md says why a second touch rather than a long press). The speech controls
  themselves, the idle warning's "continue" and the staff PIN pad act at the first touch; the
  PIN pad's digits are never spoken.

Everything asked for in one turn of the event loop is said as one utterance (a screen opening
and its first text box taking the focus are one reading, not two that cut each other off). The
voice speaks on its own thread (:class:`kiosk_app.speech.Speaker`).

Signals of :class:`Narrator`:

- ``enabled_changed(bool)``: speech was turned on or off.
- ``touched()``: a touch the narrator kept from its button (a first touch): it still counts as
  the villager being there, for the idle watcher.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from ..speech import Speaker
from .fields import FieldEditor
from .i18n import Translator
from .keyboard import OnScreenKeyboard
from .pinpad import PinPad
from .widgets import ACTS_AT_ONCE

_SWALLOWED = {QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick}


def spoken_label(text: str) -> str:
    """A shown text without its pictograms (◀ ⌂ ⌫ ⇧ ↻ ■): what a voice can read."""
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in ("So", "Sm"))
    return " ".join(kept.split())


def button_name(button: QAbstractButton, tr: Translator) -> str:
    name = spoken_label(button.accessibleName() or button.text())
    if button.isCheckable() and button.isChecked():
        name = f"{name}, {tr.t('speech.chosen')}"
    return name


def _inside(widget: QWidget, kinds: tuple) -> bool:
    parent = widget
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parentWidget()
    return False


def _field_of(widget: QWidget) -> FieldEditor | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, FieldEditor):
        parent = parent.parentWidget()
    return parent


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?:…" else text + "."


def _editor_text(widget) -> str:
    return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()


def _is_secret(widget) -> bool:
    return isinstance(widget, QLineEdit) and widget.echoMode() != QLineEdit.EchoMode.Normal


def field_reading(editor_widget, tr: Translator) -> str:
    """A text box as it is heard: its label, help, the value typed (or "empty"), its problem."""
    value = _editor_text(editor_widget).strip() or tr.t("speech.empty")
    field = _field_of(editor_widget)
    if field is None:
        hint = editor_widget.placeholderText() if isinstance(editor_widget, QLineEdit) else ""
        return " ".join(_sentence(part) for part in (hint, value) if part)
    parts = [field.title.text()]
    if not field.help.isHidden():
        parts.append(field.help.text())
    parts.append(value)
    if field.has_problem:
        parts.append(field.problem.text())
    return " ".join(_sentence(part) for part in parts if part)


def reading(root: QWidget, tr: Translator) -> str:
    """Everything ``root`` shows, read top to bottom and left to right: texts, the values of text
    boxes (never a PIN), then the buttons one can touch (not the keys of a keyboard or PIN pad,
    nor the header's and the speech controls)."""
    items = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) and widget is not root:
            continue
        if isinstance(widget, QLabel):
            text = widget.text()
        elif isinstance(widget, (QLineEdit, QPlainTextEdit)) and not _is_secret(widget):
            text = _editor_text(widget).strip()
            if not text and _field_of(widget) is not None:
                text = tr.t("speech.empty")
        else:
            continue
        if text.strip():
            position = widget.mapTo(root, QPoint(0, 0))
            items.append((position.y(), position.x(), _sentence(spoken_label(text))))
    items.sort(key=lambda item: (item[0], item[1]))
    said = [text for _y, _x, text in items]
    names = []
    for button in root.findChildren(QAbstractButton):
        if not button.isVisibleTo(root) or not button.isEnabled():
            continue
        if button.property(ACTS_AT_ONCE) or _inside(button, (OnScreenKeyboard, PinPad)):
            continue
        if button.parentWidget() is not None and button.parentWidget().property("role") in (
            "header",
            "speech-bar",
        ):
            continue
        name = button_name(button, tr)
        if name and name not in names:
            names.append(name)
    if names:
        said.append(tr.t("speech.you_can_touch", names=", ".join(names)))
    return " ".join(dict.fromkeys(said))  # a text shown twice is read once


class Narrator(QObject):
    """See the module docstring."""

    enabled_changed = Signal(bool)
    touched = Signal()

    def __init__(self, tr: Translator, speaker: Speaker, parent: QObject | None = None):
        super().__init__(parent)
        self.tr = tr
        self.speaker = speaker
        self._enabled = False
        self._window: QWidget | None = None
        self._armed: QAbstractButton | None = None  # heard once; the next touch acts
        self._swallow: QAbstractButton | None = None  # its first touch's release is kept back
        self._typing_before: tuple | None = None  # (text box, its text) before a key acted
        self._pending_screen: QWidget | None = None
        self._pending: list[str] = []
        self._flush_timer = QTimer(self, singleShot=True, interval=0, timeout=self._flush)

    # -- on, off, and the controls ----------------------------------------------------------

    @property
    def enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        if enabled == self._enabled:
            return
        self._enabled = enabled
        self._armed = self._swallow = None
        self._pending, self._pending_screen = [], None
        if enabled:
            self._pending.append(self.tr.t("speech.on"))
            if self._window is not None:
                self._pending_screen = self._window.current
            self._flush_timer.start()
        else:
            self.speaker.stop()
        self.enabled_changed.emit(enabled)

    def reset(self) -> None:
        """The visit is over (idle wipe, finish): silent again for the next villager."""
        self.set_enabled(False)
        self.speaker.stop()

    def repeat(self) -> None:
        self.speaker.repeat()

    def stop(self) -> None:
        self._pending, self._pending_screen = [], None
        self.speaker.stop()

    def slower(self) -> None:
        self.speaker.slower()

    def louder(self) -> None:
        self.speaker.louder()

    # -- what the screens call --------------------------------------------------------------

    def watch(self, window: QWidget) -> None:
        """Hear the touches and focus changes inside ``window`` (a :class:`KioskWindow`)."""
        self._window = window
        QApplication.instance().installEventFilter(self)
        window.destroyed.connect(self._forget_window)

    def _forget_window(self) -> None:
        self._window = None
        self._armed = self._swallow = self._typing_before = None
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def screen_opened(self, screen: QWidget) -> None:
        """``screen`` now shows a new page: read all of it."""
        self._armed = None
        if self._enabled:
            self._pending_screen = screen
            self._flush_timer.start()

    def read(self, widget: QWidget) -> None:
        """Read what ``widget`` (a part of the screen, such as a status answer) shows."""
        if self._enabled:
            self._pending.append(reading(widget, self.tr))
            self._flush_timer.start()

    def say(self, text: str) -> None:
        if self._enabled and text:
            self._pending.append(text)
            self._flush_timer.start()

    def _flush(self) -> None:
        parts = list(self._pending)
        if self._pending_screen is not None:
            # The screen's reading holds its text boxes and problems: what else was asked in
            # this turn (a text box taking the focus as the page opened) is already in it.
            screen_text = reading(self._pending_screen, self.tr)
            parts = [p for p in parts if p == self.tr.t("speech.on")] + [screen_text]
        self._pending, self._pending_screen = [], None
        kept = [p for p in parts if p and not any(p != q and p in q for q in parts)]
        text = " ".join(dict.fromkeys(kept))
        if self._enabled and text:
            self.speaker.say(text, self.tr.language)

    # -- touches and focus ------------------------------------------------------------------

    def _mine(self, widget) -> bool:
        window = self._window
        if window is None or not isinstance(widget, QWidget):
            return False
        try:
            return widget is window or window.isAncestorOf(widget)
        except RuntimeError:  # the window is gone (closed at the end of a test or a tour)
            self._forget_window()
            return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if not self._enabled or not self._mine(watched):
            return False
        kind = event.type()
        if isinstance(watched, QAbstractButton):
            if kind == QEvent.Type.MouseButtonPress:
                return self._on_press(watched)
            if kind in _SWALLOWED and watched is self._swallow:
                if kind == QEvent.Type.MouseButtonRelease:
                    self._swallow = None
                return True
            if kind == QEvent.Type.MouseButtonRelease and self._typing_before is not None:
                QTimer.singleShot(0, self._after_key)
        elif kind == QEvent.Type.FocusIn and isinstance(watched, (QLineEdit, QPlainTextEdit)):
            # The window becoming active gives the focus back: not a field the villager chose.
            if event.reason() != Qt.FocusReason.ActiveWindowFocusReason and not _is_secret(watched):
                self.say(field_reading(watched, self.tr))
        elif (
            kind == QEvent.Type.Show
            and isinstance(watched, QLabel)
            and watched.property("role") == "error"
        ):
            self.say(watched.text())
        return False

    def _on_press(self, button: QAbstractButton) -> bool:
        if not button.isEnabled():
            return False
        if button.property(ACTS_AT_ONCE) or _inside(button, PinPad):
            return False
        if button is self._armed:
            self._armed = None
            focused = QApplication.focusWidget()
            if isinstance(focused, (QLineEdit, QPlainTextEdit)) and not _is_secret(focused):
                self._typing_before = (focused, _editor_text(focused))
            return False  # the second touch acts
        self._armed = self._swallow = button
        self.touched.emit()
        self.say(button_name(button, self.tr))
        return True

    def _after_key(self) -> None:
        if self._typing_before is None:
            return
        editor, before = self._typing_before
        self._typing_before = None
        try:
            now = _editor_text(editor)
        except RuntimeError:  # the text box went with its page
            return
        if now != before:
            self.say(self.tr.t("speech.typed", value=now.strip() or self.tr.t("speech.empty")))
