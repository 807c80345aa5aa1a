"""One editor per catalogue field type, each a big label, a help line, the input, and a place
for the problem message that says how to fix the answer.

Signals of :class:`FieldEditor`:

- ``edited(str)``: the field's name, after each change of its answer.
- ``focused(str)``: the field's name, when the villager touches its text box.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFocusEvent, QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from .i18n import Translator
from .widgets import button, label, restyle
from .wrap import WrapRow

DIGIT_TYPES = {"egn", "lnch", "personal_number", "date", "phone", "integer"}
CHOICE_TYPES = {"choice", "boolean"}
NUMBER_KINDS = ("egn", "lnch")  # a personal number's kinds (sync.answers); others are not numbers


def keyboard_mode(field: dict) -> str:
    """The keys a field opens with: the number pad for numbers (an identity card's or an act's
    number too), Latin for e-mail, the Bulgarian letters otherwise."""
    field_type = field.get("type", "text")
    if field_type in DIGIT_TYPES or field["name"].endswith("_number"):
        return "digits"
    if field_type == "email":
        return "latin"
    return "cyrillic"


def capitals(field: dict) -> bool | str:
    """Automatic capitals as the keyboard takes them: at every word of a name ("Иван Петров"),
    at each sentence and line of free text, and none in an address ("с. Горно, ул. ...")
    or a number."""
    name, field_type = field["name"], field.get("type", "text")
    if "address" in name or field_type not in ("text", "textarea"):
        return False
    if name.endswith("_name") or name.endswith("_names") or name == "names":
        return True
    return "sentence" if field_type == "textarea" else False


class TouchLineEdit(QLineEdit):
    """A text box that says when it is touched, so the on-screen keyboard types into it."""

    touched = Signal()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusInEvent(event)
        self.touched.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        super().mousePressEvent(event)
        self.touched.emit()


class TouchTextArea(QPlainTextEdit):
    """A text box of several lines that the on-screen keyboard types into like a line edit.

    It offers the part of ``QLineEdit``'s interface the keyboard uses (``insert``,
    ``backspace``, ``text``, ``cursorPosition``, ``textEdited``); ``textChanged`` fires after
    every change, however it was made.
    """

    touched = Signal()
    textEdited = Signal(str)  # noqa: N815 - the name the keyboard emits, as on QLineEdit

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTabChangesFocus(True)

    def text(self) -> str:
        return self.toPlainText()

    def cursorPosition(self) -> int:  # noqa: N802 - QLineEdit's name
        return self.textCursor().position()

    def insert(self, text: str) -> None:
        self.insertPlainText(text)
        self.ensureCursorVisible()

    def setText(self, text: str) -> None:  # noqa: N802 - QLineEdit's name
        self.setPlainText(text)

    def backspace(self) -> None:
        cursor = self.textCursor()
        cursor.deletePreviousChar()
        self.setTextCursor(cursor)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusInEvent(event)
        self.touched.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        super().mousePressEvent(event)
        self.touched.emit()


class FieldEditor(QWidget):
    """See the module docstring."""

    edited = Signal(str)
    focused = Signal(str)

    def __init__(
        self,
        field: dict,
        tr: Translator,
        value: str = "",
        *,
        compact: bool = False,
        kind: FieldEditor | None = None,
    ):
        """``compact``: the label and help beside the answer, not above it (short answers that
        share a small screen's page). ``kind``: the editor of this personal number's
        ``<name>_kind`` choice, whose ЕГН / ЛНЧ buttons stand beside the box and whose other
        option ("no number to hand") under it; the kind's own label is then not shown."""
        super().__init__()
        self.field = field
        self.name = field["name"]
        self.setObjectName(f"field-{self.name}")
        self._tr = tr
        self.title = label()
        self.help = label("subtle")
        self.problem = label("error")
        self.problem.hide()
        self.line_edit: TouchLineEdit | TouchTextArea | None = None
        self.choice_buttons: dict[str, object] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0 if compact else 4, 0, 0 if compact else 4)
        outer.setSpacing(2 if compact else 4)
        self.compact = compact
        self._help_shown = not compact
        if compact:
            beside = QHBoxLayout()
            beside.setSpacing(16)
            beside.addWidget(self.title, 1)
            layout = QVBoxLayout()
            beside.addLayout(layout, 2)
            outer.addLayout(beside)
        else:
            outer.addWidget(self.title)
            layout = outer
        outer.addWidget(self.help)
        if field.get("type") in CHOICE_TYPES:
            self._group = QButtonGroup(self)
            self._group.setExclusive(True)
            # A long answer ("Нямам ЕГН или ЛНЧ под ръка — ...") wraps inside its button, and
            # the buttons that do not fit go on the next line.
            row = WrapRow(spacing=8)
            for option_value in self._option_values():
                choice = button("choice", checkable=True, wrap=True)
                self._group.addButton(choice)
                choice.clicked.connect(lambda: self.edited.emit(self.name))
                self.choice_buttons[option_value] = choice
                row.add(choice)
            layout.addLayout(row)
        elif field.get("type") == "textarea":
            # Several lines ("one heir per line"): the keyboard shows an Enter key for it.
            self.line_edit = TouchTextArea()
            self.line_edit.setProperty("lines", True)  # the keyboard's Enter key
            self.line_edit.setObjectName(f"input-{self.name}")
            self.line_edit.setMinimumHeight(120)
            self.line_edit.setMaximumHeight(200)
            self.line_edit.textEdited.connect(lambda _text: self.edited.emit(self.name))
            self.line_edit.touched.connect(lambda: self.focused.emit(self.name))
            layout.addWidget(self.line_edit)
        else:
            self.line_edit = TouchLineEdit()
            self.line_edit.setObjectName(f"input-{self.name}")
            if field.get("max_length"):
                self.line_edit.setMaxLength(int(field["max_length"]))
            self.line_edit.textEdited.connect(lambda _text: self.edited.emit(self.name))
            self.line_edit.touched.connect(lambda: self.focused.emit(self.name))
            if kind is None:
                layout.addWidget(self.line_edit)
            else:
                self._beside_kind(layout, kind)
        if compact:
            outer.addWidget(self.problem)
        else:
            layout.addWidget(self.problem)
        self.set_value(value)
        self.retranslate()

    def _beside_kind(self, layout: QVBoxLayout, kind: FieldEditor) -> None:
        """[ЕГН] [ЛНЧ] [the box] on one line, the kind's other options under it."""
        kind.hide()
        row = QHBoxLayout()
        row.setSpacing(8)
        others = WrapRow(spacing=8)
        for option_value, choice in kind.choice_buttons.items():
            if option_value in NUMBER_KINDS:
                row.addWidget(choice)
            else:
                others.add(choice)
        row.addWidget(self.line_edit, 1)
        layout.addLayout(row)
        layout.addLayout(others)
        self.kind_problem = kind.problem
        layout.addWidget(kind.problem)

    @property
    def keyboard_mode(self) -> str:
        return keyboard_mode(self.field)

    @property
    def wants_capitals(self) -> bool | str:
        return capitals(self.field)

    def value(self) -> str:
        if self.line_edit is not None:
            return self.line_edit.text()
        for option_value, choice in self.choice_buttons.items():
            if choice.isChecked():
                return option_value
        return ""

    def set_value(self, value: str) -> None:
        if self.line_edit is not None:
            self.line_edit.setText(value or "")
            return
        for option_value, choice in self.choice_buttons.items():
            choice.setChecked(option_value == value)

    def show_help(self, shown: bool) -> None:
        """A compact editor shows its help only while it is the one being answered."""
        self._help_shown = shown or not self.compact
        self.help.setVisible(self._help_shown and bool(self.help.text()))

    def show_problem(self, message: str | None) -> None:
        self.problem.setText(message or "")
        self.problem.setVisible(bool(message))
        if self.line_edit is not None:
            self.line_edit.setProperty("invalid", bool(message))
            restyle(self.line_edit)

    @property
    def has_problem(self) -> bool:
        return not self.problem.isHidden()

    def retranslate(self) -> None:
        tr = self._tr
        title = tr.pick(self.field.get("label"))
        if not self.field.get("required"):
            title = tr.t("form.optional_label", label=title)
        self.title.setText(title)
        help_text = tr.pick(self.field.get("help"))
        self.help.setText(help_text)
        self.help.setVisible(self._help_shown and bool(help_text))
        labels = self._option_labels()
        for option_value, choice in self.choice_buttons.items():
            choice.setText(labels.get(option_value, option_value))

    def _option_values(self) -> list[str]:
        if self.field.get("type") == "boolean":
            return ["true", "false"]
        return [option["value"] for option in self.field.get("options") or []]

    def _option_labels(self) -> dict[str, str]:
        if self.field.get("type") == "boolean":
            return {"true": self._tr.t("common.yes"), "false": self._tr.t("common.no")}
        return {
            option["value"]: self._tr.pick(option.get("label"))
            for option in self.field.get("options") or []
        }
