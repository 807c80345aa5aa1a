"""The kiosk's own on-screen keyboard: Bulgarian phonetic, Bulgarian in alphabetical order (АБВ,
for those who never learnt a typewriter's layout), Latin, and a number pad. A text box of
several lines gets an Enter key ("↵ Нов ред").

Qt's virtual keyboard has no Python module, and nobody at a village hall has a physical keyboard,
so this widget is the only way to type. Its keys never take the focus: they insert into the
``QLineEdit`` given by :meth:`OnScreenKeyboard.set_target`. Keys show capitals; what is typed is a
capital at the start of a word when the field wants it (names) and after "Shift", otherwise a
small letter.

Signals:

- ``typed(str)``: a character was inserted into the target.
- ``erased()``: the character before the cursor was removed.
- ``mode_changed(str)``: ``"cyrillic"`` (phonetic), ``"alphabet"``, ``"latin"`` or ``"digits"``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from . import theme
from .i18n import Translator
from .wrap import WrapRow

CYRILLIC_ROWS = ("ЯВЕРТЪУИОПЧ", "АСДФГХЙКЛШЩ", "ЗЬЦЖБНМЮ-.,")
ALPHABET_ROWS = ("АБВГДЕЖЗИЙК", "ЛМНОПРСТУФХ", "ЦЧШЩЪЬЮЯ-.,")
LATIN_ROWS = ("QWERTYUIOP", "ASDFGHJKL@", "ZXCVBNM-._")
DIGIT_ROWS = ("789", "456", "123", "-0.")
MODES = ("cyrillic", "alphabet", "latin", "digits")
ROWS = (CYRILLIC_ROWS, ALPHABET_ROWS, LATIN_ROWS, DIGIT_ROWS)


def _key_button(text: str) -> QPushButton:
    button = QPushButton(text)
    button.setProperty("role", "key")
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setMinimumHeight(theme.KEY_PX)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return button


class OnScreenKeyboard(QWidget):
    """See the module docstring."""

    typed = Signal(str)
    erased = Signal()
    mode_changed = Signal(str)

    def __init__(self, tr: Translator, parent: QWidget | None = None):
        super().__init__(parent)
        self._tr = tr
        self._target: QLineEdit | None = None
        self._shift = False
        self._auto_capitals = True
        self._mode = "cyrillic"
        self._buttons: dict[tuple[str, str], QPushButton] = {}
        self._pages = QStackedWidget()
        for mode, rows in zip(MODES, ROWS, strict=True):
            self._pages.addWidget(self._build_page(mode, rows))

        self.shift_button = _key_button("")
        self.shift_button.setCheckable(True)
        self.shift_button.toggled.connect(self.on_shift_toggled)
        self.cyrillic_button = _key_button("")
        self.cyrillic_button.clicked.connect(lambda: self.set_mode("cyrillic"))
        self.alphabet_button = _key_button("")
        self.alphabet_button.clicked.connect(lambda: self.set_mode("alphabet"))
        self.latin_button = _key_button("")
        self.latin_button.clicked.connect(lambda: self.set_mode("latin"))
        self.digits_button = _key_button("")
        self.digits_button.clicked.connect(lambda: self.set_mode("digits"))
        self.space_button = _key_button("")
        self.space_button.clicked.connect(lambda: self._insert(" "))
        self.backspace_button = _key_button("")
        self.backspace_button.setAutoRepeat(True)
        self.backspace_button.clicked.connect(self.on_backspace_clicked)
        self.enter_button = _key_button("")
        self.enter_button.clicked.connect(lambda: self._insert("\n"))
        self.enter_button.hide()

        self._bottom_row = (
            self.shift_button,
            self.cyrillic_button,
            self.alphabet_button,
            self.latin_button,
            self.digits_button,
            self.space_button,
            self.backspace_button,
        )
        # In large text the words do not fit one line of 1280 px: they take a second one.
        bottom = WrapRow(spacing=8)
        for button, stretch in (
            (self.shift_button, 3),
            (self.cyrillic_button, 2),
            (self.alphabet_button, 2),
            (self.latin_button, 2),
            (self.digits_button, 2),
            (self.space_button, 4),
            (self.backspace_button, 3),
            (self.enter_button, 3),
        ):
            bottom.add(button, stretch)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(self._pages)
        layout.addLayout(bottom)
        tr.language_changed.connect(self.retranslate)
        self.retranslate()
        self.set_mode("cyrillic")

    # -- public ---------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        return self._mode

    def set_target(self, target: QLineEdit | None, *, auto_capitals: bool | str = True) -> None:
        """Type into ``target`` from now on (``None``: typing does nothing).

        ``auto_capitals``: ``True`` for a capital at the start of every word (names),
        ``"sentence"`` for one at the start of every sentence (free answers), ``False`` for none.
        ``target`` may be any text box with ``QLineEdit``'s ``insert``, ``backspace``, ``text``,
        ``cursorPosition`` and ``textEdited`` (see ``fields.TouchTextArea``).
        """
        self._target = target
        self._auto_capitals = auto_capitals
        self._show_enter()

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown keyboard mode {mode!r}")
        self._pages.setCurrentIndex(MODES.index(mode))
        # The keyboard is as tall as the page shown, not as the tallest page (the number pad):
        # a stack leaves out of its size the pages whose size policy is Ignored.
        for index in range(self._pages.count()):
            shown = index == MODES.index(mode)
            policy = QSizePolicy.Policy.Preferred if shown else QSizePolicy.Policy.Ignored
            self._pages.widget(index).setSizePolicy(policy, policy)
        for button in self._bottom_row:
            button.setVisible(mode != "digits")
        # One key for the other Bulgarian layout: АБВГД on the phonetic one and back.
        self.alphabet_button.setVisible(mode == "cyrillic")
        self.cyrillic_button.setVisible(mode not in ("cyrillic", "digits"))
        for button, its_mode in (
            (self.cyrillic_button, "cyrillic"),
            (self.alphabet_button, "alphabet"),
            (self.latin_button, "latin"),
            (self.digits_button, "digits"),
        ):
            button.setEnabled(mode != its_mode)
            # The key of the layout shown does nothing: it leaves its room to the others (in
            # large text "⇧ Главна" and "⌫ Изтрий" need it).
            button.setVisible(mode != "digits" and mode != its_mode)
        if mode != self._mode:
            self._mode = mode
            self.mode_changed.emit(mode)
        self._show_enter()

    def _show_enter(self) -> None:
        # Only a form's list of several lines takes a new line ("one heir per line"); a free
        # answer is one paragraph, and its keyboard keeps the room for the other keys.
        several_lines = isinstance(self._target, QPlainTextEdit) and bool(
            self._target.property("lines")
        )
        self.enter_button.setVisible(several_lines and self._mode != "digits")

    def button_for(self, character: str, mode: str | None = None) -> QPushButton:
        """The key that types ``character`` (any case), on the given or the current page."""
        return self._buttons[(mode or self._mode, character.upper())]

    def retranslate(self, _language: str = "") -> None:
        self.shift_button.setText(self._tr.t("keyboard.shift"))
        self.cyrillic_button.setText(self._tr.t("keyboard.cyrillic"))
        self.alphabet_button.setText(self._tr.t("keyboard.alphabet"))
        self.enter_button.setText(self._tr.t("keyboard.enter"))
        self.latin_button.setText(self._tr.t("keyboard.latin"))
        self.digits_button.setText(self._tr.t("keyboard.digits"))
        self.space_button.setText(self._tr.t("keyboard.space"))
        self.backspace_button.setText(self._tr.t("keyboard.backspace"))
        self.pad_backspace.setText(self._tr.t("keyboard.backspace"))
        self.pad_cyrillic.setText(self._tr.t("keyboard.cyrillic"))
        self.pad_latin.setText(self._tr.t("keyboard.latin"))
        self.pad_space.setText(self._tr.t("keyboard.space"))

    # -- slots ----------------------------------------------------------------------------

    def on_shift_toggled(self, checked: bool) -> None:
        self._shift = checked

    def on_backspace_clicked(self) -> None:
        if self._target is None:
            return
        self._target.backspace()
        self._target.textEdited.emit(self._target.text())
        self.erased.emit()

    # -- internals ------------------------------------------------------------------------

    def _build_page(self, mode: str, rows: tuple[str, ...]) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        width = max(len(row) for row in rows)
        for row_index, row in enumerate(rows):
            # Centre shorter rows the way a real keyboard staggers them.
            offset = (width - len(row)) // 2 if mode != "digits" else 0
            for column, character in enumerate(row):
                button = _key_button(character)
                button.clicked.connect(self._typer(character))
                self._buttons[(mode, character)] = button
                grid.addWidget(button, row_index, column + offset)
        if mode == "digits":
            # A telephone-like pad with its own erase and switch keys beside it, so that the
            # pad is no taller than the letter pages with their bottom row.
            self.pad_backspace = _key_button("")
            self.pad_backspace.setAutoRepeat(True)
            self.pad_backspace.clicked.connect(self.on_backspace_clicked)
            self.pad_cyrillic = _key_button("")
            self.pad_cyrillic.clicked.connect(lambda: self.set_mode("cyrillic"))
            self.pad_latin = _key_button("")
            self.pad_latin.clicked.connect(lambda: self.set_mode("latin"))
            self.pad_space = _key_button("")
            self.pad_space.clicked.connect(lambda: self._insert(" "))
            for row, key in enumerate(
                (self.pad_backspace, self.pad_cyrillic, self.pad_latin, self.pad_space)
            ):
                grid.addWidget(key, row, 4)
            grid.setColumnStretch(3, 0)
            for column in range(3):
                grid.setColumnStretch(column, 2)
            grid.setColumnStretch(4, 3)
            page.setMaximumWidth(900)
            outer = QWidget()
            holder = QHBoxLayout(outer)
            holder.setContentsMargins(0, 0, 0, 0)
            holder.addStretch(1)
            holder.addWidget(page, 4)
            holder.addStretch(1)
            return outer
        return page

    def _typer(self, character: str):
        # A lambda without parameters: PySide 6.12 mis-counts references when it passes
        # ``checked`` into a lambda's default argument, and crashes at exit.
        return lambda: self._insert_key(character)

    def _insert_key(self, character: str) -> None:
        if character.isalpha():
            character = character.upper() if self._wants_capital() else character.lower()
        self._insert(character)

    def _wants_capital(self) -> bool:
        if self._shift:
            return True
        if not self._auto_capitals or self._target is None:
            return False
        before = self._target.text()[: self._target.cursorPosition()]
        if self._auto_capitals == "sentence":
            if before.endswith("\n"):
                return True  # each line of a list ("one heir per line") starts with a capital
            before = before.rstrip()
            return not before or before[-1] in ".?!\n"
        return not before or before[-1] in " -\n"

    def _insert(self, text: str) -> None:
        if self._target is None:
            return
        self._target.insert(text)
        # insert() does not emit textEdited; screens validate "as the villager goes" on it.
        self._target.textEdited.emit(self._target.text())
        if self._shift:
            self.shift_button.setChecked(False)
        self.typed.emit(text)
