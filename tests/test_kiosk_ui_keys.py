"""Typing at the kiosk: the number pad for numbers, capitals only where they belong, an Enter
key for lists of several lines, the alphabetical АБВ layout, and screens that do not jump or
clip when a message appears."""

from __future__ import annotations

from PySide6.QtCore import QPoint

from kiosk_app.ui.fields import FieldEditor
from kiosk_app.ui.i18n import Translator
from kiosk_app.ui.keyboard import OnScreenKeyboard
from kiosk_app.ui.theme import LARGE_TEXT_SCALE, style_sheet
from tests.fixtures_kiosk import _field
from tests.kiosk_ui_helpers import (
    STAFF_PIN,
    open_kiosk_fixture,  # noqa: F401 - the fixture
    tap,
    type_on_keyboard,
    wait_idle,
)


def editor_and_keyboard(qtbot, field):
    tr = Translator()
    editor = FieldEditor(field, tr)
    keyboard = OnScreenKeyboard(tr)
    qtbot.addWidget(editor)
    qtbot.addWidget(keyboard)
    keyboard.set_target(editor.line_edit, auto_capitals=editor.wants_capitals)
    keyboard.set_mode(editor.keyboard_mode)
    return editor, keyboard


def test_an_identity_card_number_opens_the_number_pad(qtbot):
    editor, keyboard = editor_and_keyboard(qtbot, _field("id_document_number"))
    assert keyboard.mode == "digits"
    type_on_keyboard(qtbot, keyboard, "645123987")
    assert editor.value() == "645123987"


def test_an_address_gets_no_automatic_capitals_and_a_name_does(qtbot):
    address, keyboard = editor_and_keyboard(qtbot, _field("correspondence_address", "textarea"))
    type_on_keyboard(qtbot, keyboard, "с. джулюница, ул. васил левски 5")
    assert address.value() == "с. джулюница, ул. васил левски 5"  # not "С. Джулюница, Ул."
    name, keyboard = editor_and_keyboard(qtbot, _field("last_name"))
    type_on_keyboard(qtbot, keyboard, "иванова-петрова")
    assert name.value() == "Иванова-Петрова"


def test_a_list_of_several_lines_has_an_enter_key(qtbot):
    heirs, keyboard = editor_and_keyboard(qtbot, _field("co_owners", "textarea"))
    assert keyboard.enter_button.isVisibleTo(keyboard)
    type_on_keyboard(qtbot, keyboard, "мария иванова")
    tap(qtbot, keyboard.enter_button)
    type_on_keyboard(qtbot, keyboard, "петър иванов")
    assert heirs.value() == "Мария иванова\nПетър иванов"  # a capital at each line
    _line, one_line_keyboard = editor_and_keyboard(qtbot, _field("first_name"))
    assert not one_line_keyboard.enter_button.isVisibleTo(one_line_keyboard)


def test_the_alphabetical_layout_types_bulgarian_in_alphabet_order(qtbot):
    editor, keyboard = editor_and_keyboard(qtbot, _field("first_name"))
    tap(qtbot, keyboard.alphabet_button)
    assert keyboard.mode == "alphabet"
    assert keyboard.alphabet_button.text() == "АБВ"
    for letter in "ИВАН":
        tap(qtbot, keyboard.button_for(letter, "alphabet"))
    assert editor.value() == "Иван"


def test_the_pin_pad_keeps_its_keys_in_place_when_a_message_appears(
    qtbot, enrolled_kiosk, open_kiosk
):
    window, bridge = open_kiosk(enrolled_kiosk)
    window.resize(1280, 800)
    window.show_screen("staff_confirm")
    screen = window.screens["staff_confirm"]
    qtbot.wait(50)
    key = screen.pinpad.digit_buttons["1"]
    before = key.mapTo(window, key.rect().topLeft())
    screen.pinpad.enter_pin("9999")
    wait_idle(qtbot, bridge)
    assert not screen.pinpad.message.isHidden()
    qtbot.wait(50)
    assert key.mapTo(window, key.rect().topLeft()) == before
    # The "no staff here" button is as wide as the page and each of its lines fits in it.
    skip = screen.skip_button
    metrics = skip.fontMetrics()
    assert skip.x() >= 0 and skip.x() + skip.width() <= screen.width()
    assert all(metrics.horizontalAdvance(line) < skip.width() for line in skip.text().split("\n"))


def test_a_fixed_answer_clears_the_staff_confirmations_message(qtbot, enrolled_kiosk, open_kiosk):
    window, bridge = open_kiosk(enrolled_kiosk)
    window.show_screen("staff_confirm")
    screen = window.screens["staff_confirm"]
    screen.pinpad.enter_pin(STAFF_PIN)
    wait_idle(qtbot, bridge)
    tap(qtbot, screen.continue_button)
    assert "личната карта" in screen.problem.text()
    type_on_keyboard(qtbot, screen.keyboard, "645123987")
    assert "личната карта" not in screen.problem.text()  # no longer true, no longer shown


def test_in_large_text_the_keyboards_words_take_a_second_line_and_none_is_cut(qtbot):
    """⇧ Главна, АБВ, ABC, 123, Интервал, ⌫ Изтрий and ↵ Нов ред are wider than 1280 px at
    1.5x: they go on two lines, each key at least as wide as its word."""
    editor, keyboard = editor_and_keyboard(qtbot, _field("co_owners", "textarea"))
    keyboard.setStyleSheet(style_sheet(LARGE_TEXT_SCALE))
    keyboard.resize(1232, 600)
    keyboard.show()
    qtbot.waitExposed(keyboard)
    words = [keyboard.shift_button, keyboard.alphabet_button, keyboard.latin_button]
    words += [keyboard.digits_button, keyboard.space_button, keyboard.backspace_button]
    words.append(keyboard.enter_button)
    assert all(key.isVisible() for key in words)
    for key in words:
        left = key.mapTo(keyboard, QPoint(0, 0)).x()
        assert left >= 0 and left + key.width() <= keyboard.width(), key.text()
        assert key.fontMetrics().horizontalAdvance(key.text()) <= key.width(), key.text()
    assert len({key.y() for key in words}) == 2  # two lines of words
    keyboard.setStyleSheet(style_sheet())
    qtbot.wait(10)
    assert len({key.y() for key in words}) == 1  # at the normal size they fit one line


def test_a_long_answer_wraps_inside_its_button_and_the_row_stays_on_the_glass(qtbot):
    long_answer = "Нямам ЕГН или ЛНЧ под ръка — ще посоча имена и дата на раждане"
    field = _field("identified_by", "choice")
    field["options"] = [
        {"value": "egn", "label": {"bg": "ЕГН", "en": "ЕГН"}},
        {"value": "none", "label": {"bg": long_answer, "en": long_answer}},
    ]
    editor = FieldEditor(field, Translator())
    qtbot.addWidget(editor)
    editor.setStyleSheet(style_sheet(LARGE_TEXT_SCALE))
    editor.resize(900, 500)
    editor.show()
    qtbot.waitExposed(editor)
    qtbot.wait(20)
    choice = editor.choice_buttons["none"]
    assert choice.words() == long_answer
    lines = choice.text().split("\n")
    assert len(lines) >= 2 and " ".join(lines) == long_answer
    assert choice.mapTo(editor, QPoint(0, 0)).x() + choice.width() <= editor.width()
    metrics = choice.fontMetrics()
    assert max(metrics.horizontalAdvance(line) for line in lines) <= choice.width()
    assert metrics.height() * len(lines) <= choice.height()
