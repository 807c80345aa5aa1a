"""A staff PIN pad: ten big digits, erase and confirm; the PIN shows as dots, never as digits.

Signals:

- ``submitted(str)``: the PIN typed, when "Confirm" is pressed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from . import theme
from .i18n import Translator
from .widgets import button, label

MAX_PIN_DIGITS = 12


class PinPad(QWidget):
    """See the module docstring."""

    submitted = Signal(str)

    def __init__(self, tr: Translator, parent: QWidget | None = None):
        super().__init__(parent)
        self._tr = tr
        self.prompt = label("title")
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.display = QLineEdit()
        self.display.setEchoMode(QLineEdit.EchoMode.Password)
        self.display.setReadOnly(True)
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.display.setMaxLength(MAX_PIN_DIGITS)
        self.display.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.message = label("error")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # The room for a message (two lines) is kept, and its width never widens the pad, so
        # the keys do not move when one appears.
        self.message.setFixedHeight(self.message.fontMetrics().lineSpacing() * 3)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        policy.setRetainSizeWhenHidden(True)
        self.message.setSizePolicy(policy)
        self.message.hide()
        self.digit_buttons: dict[str, object] = {}
        grid = QGridLayout()
        grid.setSpacing(10)
        for index, digit in enumerate("123456789"):
            grid.addWidget(self._digit(digit), index // 3, index % 3)
        self.erase_button = button(min_height=theme.KEY_PX)
        self.erase_button.clicked.connect(self.on_erase_clicked)
        self.confirm_button = button("primary", min_height=theme.KEY_PX)
        self.confirm_button.clicked.connect(self.on_confirm_clicked)
        grid.addWidget(self.erase_button, 3, 0)
        grid.addWidget(self._digit("0"), 3, 1)
        grid.addWidget(self.confirm_button, 3, 2)
        for column in range(3):  # three equal columns, whatever the width of "Confirm"
            grid.setColumnStretch(column, 1)
            grid.setColumnMinimumWidth(column, 150)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addStretch(1)  # the pad stays together, in the middle of the room it is given
        layout.addWidget(self.prompt)
        layout.addWidget(self.display)
        layout.addWidget(self.message)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.setMaximumWidth(620)
        tr.language_changed.connect(self.retranslate)
        self.retranslate()

    def _digit(self, digit: str):
        key = button("key", min_height=theme.KEY_PX + 6)
        key.setText(digit)
        key.clicked.connect(lambda: self.on_digit_clicked(digit))
        self.digit_buttons[digit] = key
        return key

    def enter_pin(self, pin: str) -> None:
        """Press the keys of ``pin`` and then "Confirm" (for tests and the tour)."""
        for digit in pin:
            self.digit_buttons[digit].click()
        self.confirm_button.click()

    def clear(self) -> None:
        self.display.clear()
        self.show_message(None)

    def show_message(self, text: str | None) -> None:
        self.message.setText(text or "")
        self.message.setVisible(bool(text))

    def check(self, bridge, pin: str, on_accepted, describe_error) -> None:
        """Have the worker check ``pin``: every screen shares one check and its five-wrong-PINs
        lock. ``on_accepted(staff)`` runs on success; a refusal is shown on the pad."""
        self.set_locked(True)
        self.show_message(None)

        def on_refused(error: Exception) -> None:
            self.set_locked(getattr(error, "code", "") == "pin_locked")
            self.show_message(describe_error(error))

        bridge.call(bridge.app.check_staff_pin, pin, on_done=on_accepted, on_error=on_refused)

    def set_locked(self, locked: bool) -> None:
        for key in (*self.digit_buttons.values(), self.erase_button, self.confirm_button):
            key.setEnabled(not locked)

    def on_digit_clicked(self, digit: str) -> None:
        self.display.insert(digit)

    def on_erase_clicked(self) -> None:
        self.display.backspace()

    def on_confirm_clicked(self) -> None:
        pin = self.display.text()
        self.display.clear()
        if pin:
            self.submitted.emit(pin)

    def retranslate(self, _language: str = "") -> None:
        self.prompt.setText(self._tr.t("pin.prompt"))
        self.erase_button.setText(self._tr.t("pin.erase"))
        self.confirm_button.setText(self._tr.t("pin.confirm"))
