"""A villager's whole visit, by taps on the screen and the on-screen keyboard, on a real store."""

from __future__ import annotations

import re

from kiosk_app import submission
from kiosk_app.store import store_for
from tests.kiosk_ui_helpers import (
    STAFF_PIN,
    accept_privacy_notice,
    open_kiosk_fixture,  # noqa: F401 - the fixture
    tap,
    type_on_keyboard,
    wait_idle,
)


def choose_first_service(qtbot, window, bridge):
    tap(qtbot, window.screens["welcome"].services_tile)
    wait_idle(qtbot, bridge)
    screen = window.screens["services"]
    qtbot.waitUntil(lambda: len(screen._cards) == 1)
    _service, card = screen._cards[0]
    tap(qtbot, card.choose_button)
    accept_privacy_notice(qtbot, window, bridge)
    assert window.current.name == "form"
    return window.screens["form"]


def type_into(qtbot, form, name, text):
    editor = form.editor(name)
    tap(qtbot, editor.line_edit)
    type_on_keyboard(qtbot, form.keyboard, text)
    return editor


def test_villager_submits_a_request_by_taps_and_gets_a_reference(qtbot, enrolled_kiosk, open_kiosk):
    window, bridge = open_kiosk(enrolled_kiosk)
    form = choose_first_service(qtbot, window, bridge)

    assert type_into(qtbot, form, "first_name", "иван").value() == "Иван"  # a capital by itself
    type_into(qtbot, form, "middle_name", "петров")
    type_into(qtbot, form, "last_name", "иванов")
    assert form.step.text() == "Стъпка 1 от 5"
    tap(qtbot, form.next_button)
    type_into(qtbot, form, "egn", "7523169263")
    type_into(qtbot, form, "id_document_number", "645123987")
    type_into(qtbot, form, "phone", "0888123456")
    tap(qtbot, form.next_button)
    tap(qtbot, form.next_button)  # e-mail is optional
    assert window.current.name == "staff_confirm"

    confirm = window.screens["staff_confirm"]
    for digit in STAFF_PIN:
        tap(qtbot, confirm.pinpad.digit_buttons[digit])
    tap(qtbot, confirm.pinpad.confirm_button)
    wait_idle(qtbot, bridge)
    assert confirm.stages.currentIndex() == 1
    type_on_keyboard(qtbot, confirm.keyboard, "645123987")
    tap(qtbot, confirm.fee_buttons["paid"])
    type_on_keyboard(qtbot, confirm.keyboard, "77")
    tap(qtbot, confirm.continue_button)
    assert window.current.name == "review"

    review = window.screens["review"]
    with qtbot.wait_signal(window.screen_changed, timeout=10_000) as shown:
        tap(qtbot, review.submit_button)
    assert shown.args == ["done"]
    wait_idle(qtbot, bridge)
    reference = window.screens["done"].reference.text()
    assert re.fullmatch(r"DZH1-\d{5}", reference)
    assert window.ctx.session.printed is True
    assert list((enrolled_kiosk.printed_dir).glob("receipt-*.pdf"))

    # It is in the kiosk's database, exactly as typed, with the staff's confirmation.
    stored = submission.list_requests(enrolled_kiosk)
    assert [status.reference for status in stored] == [reference]
    with store_for(enrolled_kiosk) as store:
        row = store.request(reference)
    assert row["fields"]["first_name"] == "Иван"
    assert row["fields"]["last_name"] == "Иванов"
    assert row["staff"] == {"staff_id": "staff-7", "id_document_number": "645123987"}
    assert row["fee"] == {
        "status": "paid",
        "method": "cash",
        "receipt_number": "77",
        "amount_cents": 256,
    }

    with qtbot.wait_signal(window.session_wiped):
        tap(qtbot, window.screens["done"].finish_button)
    assert window.current.name == "welcome"
    assert window.ctx.session.is_empty


def test_a_wrong_egn_is_explained_and_the_message_goes_once_fixed(
    qtbot, enrolled_kiosk, open_kiosk
):
    window, bridge = open_kiosk(enrolled_kiosk)
    form = choose_first_service(qtbot, window, bridge)
    tap(qtbot, form.next_button)  # nothing typed yet
    assert form.current_page_problems() == ["first_name", "middle_name", "last_name"]
    assert "Собствено" in form.editor("first_name").problem.text() or form.editor(
        "first_name"
    ).problem.text().startswith("Попълнете")
    for name, text in (("first_name", "иван"), ("middle_name", "петров"), ("last_name", "иванов")):
        type_into(qtbot, form, name, text)
    assert form.current_page_problems() == []  # each message went as the answer came
    tap(qtbot, form.next_button)

    egn = type_into(qtbot, form, "egn", "7523169264")
    tap(qtbot, form.next_button)
    assert egn.has_problem
    assert "цифра" in egn.problem.text()  # says which digit to check
    tap(qtbot, form.keyboard.backspace_button)
    type_on_keyboard(qtbot, form.keyboard, "3")
    assert not egn.has_problem

    window.ctx.tr.set_language("en")
    type_into(qtbot, form, "phone", "12")
    tap(qtbot, form.next_button)
    assert "phone number" in form.editor("phone").problem.text()


def test_every_screen_follows_the_language_switch(qtbot, enrolled_kiosk, open_kiosk):
    window, _bridge = open_kiosk(enrolled_kiosk)
    welcome = window.screens["welcome"]
    assert welcome.services_tile.text() == "Заявка за документ"
    tap(qtbot, welcome.english_button)
    assert welcome.services_tile.text() == "Request a document"
    assert window.screens["status"].look_button.text() == "Check"
    assert window.screens["form"].keyboard.space_button.text() == "Space"
