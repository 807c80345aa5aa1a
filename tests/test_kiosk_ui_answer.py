"""The clerk's question on the status screen, answered with a member of staff."""

from __future__ import annotations

import pytest

from kiosk_app import submission, sync_actions
from kiosk_app.store import store_for
from kiosk_app.ui.context import UiSettings
from tests.fixtures_kiosk import VALID_FIELDS
from tests.kiosk_ui_helpers import (
    STAFF_PIN,
    open_kiosk_fixture,  # noqa: F401 - the fixture
    tap,
    type_on_keyboard,
    wait_idle,
)

SERVICE = "permanent-address-certificate"
QUESTION = "На кой етаж е жилището?"
LOOKUP, PIN, ANSWER, SENT = range(4)


@pytest.fixture(name="asked")
def asked_fixture(enrolled_kiosk, fake_central):
    """A request sent to central, whose clerk asked a question (status needs_info)."""
    reference = submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    fake_central.queue_downlink(
        [
            {
                "type": "request.status_changed",
                "body": {"reference": reference, "status": "needs_info", "question": QUESTION},
            }
        ]
    )
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert submission.request_status(enrolled_kiosk, reference).status == "needs_info"
    return reference


def look_up(qtbot, window, bridge, reference):
    tap(qtbot, window.screens["welcome"].status_tile)
    wait_idle(qtbot, bridge)
    status = window.screens["status"]
    status.reference.clear()
    type_on_keyboard(qtbot, status.keyboard, reference.lower())
    tap(qtbot, status.code)
    type_on_keyboard(
        qtbot, status.keyboard, submission.check_code(window.ctx.app.config, reference)
    )
    tap(qtbot, status.look_button)
    wait_idle(qtbot, bridge)
    return status


def enter_pin(qtbot, pinpad, bridge, pin):
    for digit in pin:
        tap(qtbot, pinpad.digit_buttons[digit])
    tap(qtbot, pinpad.confirm_button)
    wait_idle(qtbot, bridge)


def answered_events(config, reference):
    with store_for(config) as store:
        return [
            event
            for event in store.events_of(reference)
            if event["type"] == "request.info_answered"
        ]


def test_the_question_is_answered_with_staff_and_queued(qtbot, enrolled_kiosk, asked, open_kiosk):
    window, bridge = open_kiosk(enrolled_kiosk)
    status = look_up(qtbot, window, bridge, asked)
    assert QUESTION in status.question.text()
    assert status.answer_button.isVisible()
    assert status.answer_button.text() == "Отговорете със служител"

    tap(qtbot, status.answer_button)
    assert status.stages.currentIndex() == PIN
    enter_pin(qtbot, status.pinpad, bridge, STAFF_PIN)
    assert status.stages.currentIndex() == ANSWER
    assert "Мария Петрова" in status.answer_staff.text()
    assert QUESTION in status.answer_question.text()

    # Sentences start with a capital by themselves; a comma is on the Cyrillic page.
    type_on_keyboard(qtbot, status.answer_keyboard, "на втория етаж, ап. 5")
    assert status.answer.text() == "На втория етаж, ап. 5"
    assert status.answer_count.text() == "21 от 1000 знака"
    tap(qtbot, status.send_button)
    wait_idle(qtbot, bridge)

    assert status.stages.currentIndex() == SENT
    assert status.sent_title.text() == "✔ Отговорът е изпратен към общината"
    assert status.sent_state.text() == f"{asked}: разглежда се"
    assert submission.request_status(enrolled_kiosk, asked).status == "in_review"
    events = answered_events(enrolled_kiosk, asked)
    assert [event["body"]["answer"] for event in events] == ["На втория етаж, ап. 5"]
    assert events[0]["body"]["staff_id"] == "staff-7"  # who helped travels to central
    assert status.answer.text() == ""  # nothing typed stays behind the confirmation

    tap(qtbot, status.finish_button)
    assert window.current.name == "welcome"
    assert status.stages.currentIndex() == LOOKUP and status.reference.text() == ""


def test_a_wrong_pin_does_not_open_the_answer(qtbot, enrolled_kiosk, asked, open_kiosk):
    window, bridge = open_kiosk(enrolled_kiosk)
    status = look_up(qtbot, window, bridge, asked)
    tap(qtbot, status.answer_button)
    enter_pin(qtbot, status.pinpad, bridge, "9999")
    assert status.stages.currentIndex() == PIN
    assert "още 4 опита" in status.pinpad.message.text()
    assert not status.answer.isVisible()
    # The same lock-out as the staff confirmation: its count goes on from here.
    window.show_screen("staff_confirm")
    confirm = window.screens["staff_confirm"]
    enter_pin(qtbot, confirm.pinpad, bridge, "9999")
    assert "още 3 опита" in confirm.pinpad.message.text()
    assert answered_events(enrolled_kiosk, asked) == []


def test_an_empty_answer_is_explained_and_nothing_is_sent(qtbot, enrolled_kiosk, asked, open_kiosk):
    window, bridge = open_kiosk(enrolled_kiosk)
    tap(qtbot, window.screens["welcome"].english_button)
    status = look_up(qtbot, window, bridge, asked)
    tap(qtbot, status.answer_button)
    enter_pin(qtbot, status.pinpad, bridge, STAFF_PIN)
    type_on_keyboard(qtbot, status.answer_keyboard, "  ")
    tap(qtbot, status.send_button)
    wait_idle(qtbot, bridge)
    assert status.stages.currentIndex() == ANSWER
    assert status.answer_problem.text() == (
        "The answer is empty. Type it with the keyboard, then press “Send”."
    )
    assert status.answer.property("invalid") is True
    # Too long is explained with how much to cut.
    status.answer.setPlainText("д" * 1003)
    tap(qtbot, status.send_button)
    assert "Shorten it by 3" in status.answer_problem.text()
    assert answered_events(enrolled_kiosk, asked) == []
    assert submission.request_status(enrolled_kiosk, asked).status == "needs_info"
    # Once there is an answer, the message goes.
    status.answer.clear()
    type_on_keyboard(qtbot, status.answer_keyboard, "да")
    assert status.answer_problem.isHidden()


def test_the_answer_is_wiped_with_the_session(qtbot, enrolled_kiosk, asked, open_kiosk):
    quick = UiSettings(idle_warn_s=0.5, idle_timeout_s=1.0)
    window, bridge = open_kiosk(enrolled_kiosk, settings=quick)
    status = look_up(qtbot, window, bridge, asked)
    tap(qtbot, status.answer_button)
    enter_pin(qtbot, status.pinpad, bridge, STAFF_PIN)
    type_on_keyboard(qtbot, status.answer_keyboard, "втори")
    window.start_idle_watch(qtbot_app())
    with qtbot.wait_signal(window.session_wiped, timeout=4000):
        pass
    window.idle.stop()
    assert window.current.name == "welcome"
    assert status.answer.text() == "" and status.answer_staff.text() == ""
    assert status.stages.currentIndex() == LOOKUP
    assert status.reference.text() == "" and status.result.isHidden()
    # Coming back, the next villager starts from the lookup; the PIN is asked again.
    window.show_screen("status")
    wait_idle(qtbot, bridge)
    assert status.stages.currentIndex() == LOOKUP
    assert status.reference.text() == "DZH1-"  # a fresh start: only the kiosk's prefix
    assert answered_events(enrolled_kiosk, asked) == []


def qtbot_app():
    from PySide6.QtWidgets import QApplication

    return QApplication.instance()
