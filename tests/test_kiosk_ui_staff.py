"""Staff at the kiosk: the PIN (right, wrong, lock-out) and the staff panel's actions."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from kiosk_app import submission
from kiosk_app.store import store_for
from kiosk_app.ui.screens.staff_dialogs import DASHBOARD, HANDOVER, PAYMENT
from tests.fixtures_kiosk import VALID_FIELDS, issued_document_record
from tests.kiosk_ui_helpers import (
    STAFF_PIN,
    open_kiosk_fixture,  # noqa: F401 - the fixture
    tap,
    type_on_keyboard,
    wait_idle,
)

SERVICE = "permanent-address-certificate"


def enter_pin(qtbot, pinpad, bridge, pin):
    for digit in pin:
        tap(qtbot, pinpad.digit_buttons[digit])
    tap(qtbot, pinpad.confirm_button)
    wait_idle(qtbot, bridge)


def test_wrong_pins_count_down_and_the_fifth_locks_staff_confirmation(
    qtbot, enrolled_kiosk, open_kiosk
):
    window, bridge = open_kiosk(enrolled_kiosk)
    window.show_screen("staff_confirm")
    pinpad = window.screens["staff_confirm"].pinpad
    for left in ("още 4 опита", "още 3 опита", "още 2 опита", "още 1 опит."):
        enter_pin(qtbot, pinpad, bridge, "9999")
        assert left in pinpad.message.text()  # the counting form, and "1 опит" for one
    enter_pin(qtbot, pinpad, bridge, "9999")
    assert "спряно до" in pinpad.message.text()
    assert not pinpad.confirm_button.isEnabled()
    # The lock is in the kiosk's store: a new screen, even the right PIN, is refused.
    window.show_screen("staff_panel")
    panel = window.screens["staff_panel"]
    enter_pin(qtbot, panel.pinpad, bridge, STAFF_PIN)
    assert panel.stages.currentIndex() == 0
    assert "спряно до" in panel.pinpad.message.text()


def test_the_right_pin_opens_the_confirmation_details(qtbot, enrolled_kiosk, open_kiosk):
    window, bridge = open_kiosk(enrolled_kiosk)
    window.show_screen("staff_confirm")
    screen = window.screens["staff_confirm"]
    enter_pin(qtbot, screen.pinpad, bridge, "1111")
    enter_pin(qtbot, screen.pinpad, bridge, STAFF_PIN)
    assert screen.stages.currentIndex() == 1
    assert "Мария Петрова" in screen.staff_name.text()
    tap(qtbot, screen.continue_button)  # nothing entered: told what is missing
    assert "личната карта" in screen.problem.text()


def test_staff_panel_refuses_delivery_while_the_fee_is_due_then_delivers(
    qtbot, enrolled_kiosk, fake_central, open_kiosk
):
    reference = submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    fake_central.queue_downlink([issued_document_record(reference)])
    window, bridge = open_kiosk(enrolled_kiosk, transport=fake_central)
    window.show_screen("staff_panel")
    panel = window.screens["staff_panel"]
    enter_pin(qtbot, panel.pinpad, bridge, STAFF_PIN)
    assert panel.stages.currentIndex() == 1
    assert panel.fact_values["queue_depth"].text() == "1"

    tap(qtbot, panel.sync_button)  # the exchange runs on the worker
    wait_idle(qtbot, bridge)
    assert panel.message.text() == "Обменът завърши."
    wait_idle(qtbot, bridge)
    row = panel.ready_holder.findChild(type(panel.ready_holder), f"ready-{reference}")
    assert row is not None
    assert "дължи се (2,56 евро)" in row.findChild(QLabel).text()  # the ordinary tier's fee

    deliver = row.findChild(type(panel.sync_button), "deliver")
    tap(qtbot, deliver)
    assert panel.stages.currentIndex() == HANDOVER  # asked first: a hand-over is not undone
    tap(qtbot, panel.handover_cancel)
    assert panel.stages.currentIndex() == DASHBOARD
    assert submission.request_status(enrolled_kiosk, reference).status != "delivered"
    tap(qtbot, deliver)
    assert not panel.handover_id.isHidden()  # made without staff: the card is checked now
    tap(qtbot, panel.handover_confirm)
    assert panel.handover_problem.text().startswith("Въведете номера на проверената")
    type_on_keyboard(qtbot, panel.handover_keyboard, "645123456")
    assert panel.handover_problem.isHidden()  # the message goes once the number is typed
    tap(qtbot, panel.handover_confirm)
    wait_idle(qtbot, bridge)
    # Refused in Bulgarian only, saying what to do; nothing half in English.
    assert panel.message.text().startswith("Документът не може да се предаде: таксата")
    assert "fee" not in panel.message.text()
    assert submission.request_status(enrolled_kiosk, reference).status != "delivered"

    reprint = row.findChild(type(panel.sync_button), "reprint")
    tap(qtbot, reprint)
    wait_idle(qtbot, bridge)
    assert "отпечатан отново" in panel.message.text()

    row = panel.ready_holder.findChild(type(panel.ready_holder), f"ready-{reference}")
    tap(qtbot, row.findChild(type(panel.sync_button), "pay"))
    assert panel.stages.currentIndex() == PAYMENT
    assert "(2,56 евро)" in panel.payment_title.text()  # the amount to take
    tap(qtbot, panel.payment_confirm)  # no cash-receipt number: refused, and said so
    assert panel.stages.currentIndex() == PAYMENT
    assert "касовата бележка" in panel.payment_problem.text()
    type_on_keyboard(qtbot, panel.payment_keyboard, "4512")
    assert panel.payment_problem.isHidden()
    tap(qtbot, panel.payment_confirm)
    wait_idle(qtbot, bridge)
    row = panel.ready_holder.findChild(type(panel.ready_holder), f"ready-{reference}")
    tap(qtbot, row.findChild(type(panel.sync_button), "deliver"))
    type_on_keyboard(qtbot, panel.handover_keyboard, "645123456")
    tap(qtbot, panel.handover_confirm)
    wait_idle(qtbot, bridge)  # paid, but the villager's signed request form is not filed yet
    assert f"Подписаното искане {reference} не е заведено" in panel.message.text()
    assert submission.request_status(enrolled_kiosk, reference).status != "delivered"
    row = panel.ready_holder.findChild(type(panel.ready_holder), f"ready-{reference}")
    tap(qtbot, row.findChild(type(panel.sync_button), "form-filed"))  # one tap, signed in
    wait_idle(qtbot, bridge)
    assert "отбелязано като заведено" in panel.message.text()
    row = panel.ready_holder.findChild(type(panel.ready_holder), f"ready-{reference}")
    assert row.findChild(type(panel.sync_button), "form-filed") is None
    tap(qtbot, row.findChild(type(panel.sync_button), "deliver"))
    type_on_keyboard(qtbot, panel.handover_keyboard, "645123456")
    tap(qtbot, panel.handover_confirm)
    wait_idle(qtbot, bridge)
    assert submission.request_status(enrolled_kiosk, reference).status == "delivered"
    assert "предаден" in panel.message.text()
    with store_for(enrolled_kiosk) as store:
        [paid] = [e["body"] for e in store.events_of(reference) if e["type"] == "request.fee_paid"]
        [handed] = [
            e["body"] for e in store.events_of(reference) if e["type"] == "request.delivered"
        ]
    assert (paid["receipt_number"], paid["method"], paid["amount_cents"]) == ("4512", "cash", 256)
    assert paid["staff_id"] == panel_staff_id(enrolled_kiosk)
    assert handed["id_document_number"] == "645123456"  # the identity check, recorded


def panel_staff_id(config) -> str:
    with store_for(config) as store:
        [member] = store.get_setting("staff")
    return member["staff_id"]


def test_usb_export_shows_progress_and_the_count(qtbot, enrolled_kiosk, tmp_path, open_kiosk):
    submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    window, bridge = open_kiosk(enrolled_kiosk, usb_dir=tmp_path / "usb")
    (tmp_path / "usb").mkdir()
    window.show_screen("staff_panel")
    panel = window.screens["staff_panel"]
    enter_pin(qtbot, panel.pinpad, bridge, STAFF_PIN)
    tap(qtbot, panel.export_button)
    assert not panel.progress.isHidden()
    wait_idle(qtbot, bridge)
    assert panel.progress.value() == panel.progress.maximum()
    assert panel.message.text().startswith("Готово:")
    assert list((tmp_path / "usb").iterdir())


def test_usb_import_says_when_a_restored_central_asks_for_more(
    qtbot, enrolled_kiosk, fake_central, tmp_path, open_kiosk
):
    from sync import GENESIS
    from sync.carried import positions_file_name, seal_message

    usb = tmp_path / "usb"
    usb.mkdir()
    kiosk_id = fake_central.kiosk.party_id
    nothing = {"seq": 0, "id": GENESIS}
    answer = {
        "uplink": {"central_has": nothing},
        "downlink": {"continues_after": nothing},
        "reference_counter": 0,
        "epoch": 2,
        "numbering": "paused",
        "report_documents": True,
        "documents_lacking": ["2026-000003"],
    }
    signed = seal_message(fake_central.identity, kiosk_id, "streams.answer", answer)
    (usb / positions_file_name(fake_central.identity.party_id, kiosk_id)).write_bytes(signed)
    window, bridge = open_kiosk(enrolled_kiosk, usb_dir=usb)
    window.show_screen("staff_panel")
    panel = window.screens["staff_panel"]
    enter_pin(qtbot, panel.pinpad, bridge, STAFF_PIN)
    tap(qtbot, panel.import_button)
    wait_idle(qtbot, bridge)
    said = panel.message.text()
    assert said.startswith("Готово: 1 файл.") and "възстановена от резервно копие" in said
    assert "1 документ" in said and "следващия запис" in said
