"""A request about another person: staff record at the kiosk the authorisation they checked, it
travels with the request, and central's review no longer blocks it as ``authorisation_missing``
(the clerk sees the line in the office review)."""

from __future__ import annotations

from kiosk_app.store import store_for
from tests.kiosk_ui_helpers import (
    STAFF_PIN,
    accept_privacy_notice,
    open_kiosk_fixture,  # noqa: F401 - the fixture
    shipped_kiosk_fixture,  # noqa: F401 - the fixture
    tap,
    type_on_keyboard,
    wait_idle,
)
from tests.test_kiosk_ui_staff import enter_pin
from tests.test_review import codes, reviewed

SERVICE = "permanent-address-certificate"


def answer_page(qtbot, form, answers):
    for editor in form._editors:
        if editor.name in answers:
            if editor.choice_buttons:
                tap(qtbot, editor.choice_buttons[answers[editor.name]])
            else:
                editor.line_edit.setText(answers[editor.name])
                form.on_field_edited(editor.name)
    tap(qtbot, form.next_button)


def test_staff_record_the_power_of_attorney_and_central_lets_the_request_go_ahead(
    qtbot, shipped_kiosk, open_kiosk, villagers, central, central_client, sim_kiosk
):
    from tests.test_central_workflow import upload

    window, bridge = open_kiosk(shipped_kiosk)
    window.show_screen("services")
    wait_idle(qtbot, bridge)
    window.ctx.session.service = next(
        s for s in window.screens["services"]._services if s["id"] == SERVICE
    )
    window.show_screen("form")
    accept_privacy_notice(qtbot, window, bridge)
    form = window.screens["form"]
    answers = {
        "for_whom": "other",
        "personal_number_kind": "egn",
        "personal_number": villagers.son,
        "other_personal_number_kind": "egn",
        "other_personal_number": villagers.widow,
    }
    for _ in range(4):  # who it is for, the applicant, the other person, the last questions
        answer_page(qtbot, form, answers)
    assert window.current.name == "staff_confirm"

    confirm = window.screens["staff_confirm"]
    enter_pin(qtbot, confirm.pinpad, bridge, STAFF_PIN)
    type_on_keyboard(qtbot, confirm.keyboard, "645123987")
    tap(qtbot, confirm.fee_buttons["exempt"])
    tap(qtbot, confirm.continue_button)
    # About another person: what lets it go ahead is asked before the review.
    assert confirm.stages.currentIndex() == 2
    assert window.current.name == "staff_confirm"
    tap(qtbot, confirm.auth_continue)
    assert "какъв документ" in confirm.auth_problem.text()
    tap(qtbot, confirm.auth_buttons["power_of_attorney"])
    tap(qtbot, confirm.auth_continue)
    assert "номера и датата" in confirm.auth_problem.text()
    type_on_keyboard(qtbot, confirm.auth_keyboard, "1234 от 01.11.2026")
    assert confirm.auth_problem.text() != ""  # still missing who certified it
    tap(qtbot, confirm.auth_by)
    keyboard = confirm.auth_keyboard
    type_on_keyboard(qtbot, keyboard, "нотариус ")
    for part in ("д", ". ", "п", "етков"):  # a capital is the shift key, then the letter
        if part in "дп":
            tap(qtbot, keyboard.shift_button)
        type_on_keyboard(qtbot, keyboard, part)
    tap(qtbot, confirm.auth_continue)
    assert window.current.name == "review"
    line = (
        "Нотариално заверено пълномощно № 1234 от 01.11.2026, издаден/заверен от нотариус Д. Петков"
    )
    review = window.screens["review"]
    shown = [row.value.text() for row in review.findChildren(type(review.rows["for_whom"]))]
    assert line in shown, shown

    with qtbot.wait_signal(window.screen_changed, timeout=10_000):
        tap(qtbot, review.submit_button)
    wait_idle(qtbot, bridge)
    reference = window.screens["done"].reference.text()
    with store_for(shipped_kiosk) as store:
        submitted = next(
            event["body"]
            for event in store.events_of(reference)
            if event["type"] == "request.submitted"
        )
    assert submitted["staff"]["authorisation"] == line

    # At central: the same answers and staff block, from a kiosk central knows.
    record = sim_kiosk.submitted(fields=submitted["fields"])
    record["body"]["staff"] = submitted["staff"]
    without = sim_kiosk.submitted(fields=submitted["fields"])
    assert upload(central_client, sim_kiosk, [record, without])[0]["status"] == "applied"
    assert codes(reviewed(central, without["body"]["reference"])) == ["authorisation_missing"]
    found = reviewed(central, record["body"]["reference"])
    assert "authorisation_missing" not in codes(found)
    assert found.authorisation["document"] == line
    assert found.authorisation["recorded_by"] == "staff:staff-7"
