""" "Говори ми": with speech on the kiosk reads each screen, field, problem and answer; a button
says its name at the first touch and acts at the second; large text; both reset when idle.

Real widgets offscreen on a real enrolled store, the real speech thread, a recording voice."""

from __future__ import annotations

from types import SimpleNamespace

from kiosk_app import services, submission
from kiosk_app.speech import RecordingVoice, speakable
from kiosk_app.ui.context import UiSettings
from tests.fixtures_kiosk import VALID_FIELDS
from tests.kiosk_ui_helpers import (
    STAFF_PIN,
    open_kiosk_fixture,  # noqa: F401 - the fixture
    tap,
    wait_idle,
)

SERVICE = "permanent-address-certificate"


def heard(qtbot, window) -> list[str]:
    """What the voice was given so far (as shown), once the speech thread has caught up."""
    qtbot.wait(30)  # the narrator gathers one turn of the event loop into one utterance
    assert window.ctx.narrator.speaker.wait(5)
    voice = window.ctx.narrator.speaker.voice
    said = [utterance.text for utterance in voice.said]
    voice.said.clear()
    return said


def speaking_kiosk(qtbot, open_kiosk, config, **options):
    voice = RecordingVoice()
    window, bridge = open_kiosk(config, voice=voice, **options)
    tap(qtbot, window.screens["welcome"].header.speak_button)
    return window, bridge, voice


def test_speech_is_off_until_asked_and_then_reads_the_welcome_screen(
    qtbot, enrolled_kiosk, open_kiosk
):
    voice = RecordingVoice()
    window, _bridge = open_kiosk(enrolled_kiosk, voice=voice)
    welcome = window.screens["welcome"]
    tap(qtbot, welcome.services_tile)
    assert window.current.name == "services"  # speech off: one touch acts, nothing is said
    assert heard(qtbot, window) == []
    window.show_screen("welcome")

    tap(qtbot, welcome.header.speak_button)
    (said,) = heard(qtbot, window)
    assert said.startswith("Ще Ви чета екрана.")
    assert "Добре дошли! Докоснете това, което искате да направите." in said
    assert "Можете да докоснете: Български, избрано, English, Заявка за документ" in said
    assert welcome.header.speak_button.isChecked()
    assert not welcome.header.speech_bar.isHidden()  # repeat, stop, slower, louder
    # Every screen's header shows it on, for the rest of the visit.
    assert window.screens["status"].header.speak_button.isChecked()


def test_a_button_says_its_name_at_the_first_touch_and_acts_at_the_second(
    qtbot, enrolled_kiosk, open_kiosk
):
    window, bridge, _voice = speaking_kiosk(qtbot, open_kiosk, enrolled_kiosk)
    heard(qtbot, window)
    welcome = window.screens["welcome"]
    tap(qtbot, welcome.status_tile)
    assert window.current.name == "welcome"
    assert heard(qtbot, window) == ["Докъде е моята заявка?"]
    tap(qtbot, welcome.notices_tile)  # another button: heard, and that one is armed now
    assert heard(qtbot, window) == ["Обяви и решения"]
    tap(qtbot, welcome.services_tile)
    tap(qtbot, welcome.services_tile)
    wait_idle(qtbot, bridge)
    assert window.current.name == "services"
    (said,) = heard(qtbot, window)
    assert "Изберете услуга" in said  # the new screen is read as it opens


def test_the_form_reads_each_field_what_is_typed_and_the_problem(qtbot, enrolled_kiosk, open_kiosk):
    window, bridge, _voice = speaking_kiosk(qtbot, open_kiosk, enrolled_kiosk)
    window.ctx.session.service = window.ctx.app.get_service("permanent-address-certificate")
    window.ctx.session.privacy_told = True
    window.show_screen("form")
    form = window.screens["form"]
    (said,) = heard(qtbot, window)
    first = form.editor("first_name")
    assert first.title.text() in said and "празно" in said  # label and empty value
    assert form.step.text() in said

    key = form.keyboard.button_for("М")
    tap(qtbot, key)
    assert heard(qtbot, window) == ["М"] and first.value() == ""
    tap(qtbot, key)
    assert heard(qtbot, window) == ["Написано: М"] and first.value() == "М"

    tap(qtbot, form.next_button)
    tap(qtbot, form.next_button)  # the other names are missing: their problems are read
    (said,) = heard(qtbot, window)
    assert form.editor("middle_name").problem.text() in said
    assert window.current.name == "form"


def test_home_with_answers_typed_reads_the_question_before_anything_is_thrown_away(
    qtbot, enrolled_kiosk, open_kiosk
):
    window, _bridge, _voice = speaking_kiosk(qtbot, open_kiosk, enrolled_kiosk)
    window.ctx.session.fields["first_name"] = "Мария"
    window.show_screen("status")
    heard(qtbot, window)
    home = window.screens["status"].header.home_button
    tap(qtbot, home)
    assert heard(qtbot, window) == ["Начало"]  # named (without its pictogram), nothing done
    tap(qtbot, home)
    (said,) = heard(qtbot, window)
    assert window.leave_overlay.question.text() in said
    assert window.leave_overlay.stay_button.text() in said
    assert window.ctx.session.fields == {"first_name": "Мария"}


def test_a_status_answer_is_read_in_full_with_the_reference_as_a_person_reads_it(
    qtbot, enrolled_kiosk, open_kiosk
):
    window, _bridge, voice = speaking_kiosk(qtbot, open_kiosk, enrolled_kiosk)
    window.show_screen("status")
    heard(qtbot, window)
    status = window.screens["status"]
    status.on_status_found(
        SimpleNamespace(
            reference="DZH1-00042", status="printed", question=None, document_ready=True
        )
    )
    qtbot.wait(30)
    window.ctx.narrator.speaker.wait(5)
    (utterance,) = voice.said
    assert status.state.text() in utterance.text
    assert status.explanation.text() in utterance.text
    assert "ди зед ейч едно, тире, нула нула нула четиридесет и две" in utterance.spoken


def test_the_speech_controls_act_at_once(qtbot, enrolled_kiosk, open_kiosk):
    window, _bridge, voice = speaking_kiosk(qtbot, open_kiosk, enrolled_kiosk)
    header = window.screens["welcome"].header
    heard(qtbot, window)
    rate, volume = voice.rate, voice.volume
    tap(qtbot, header.slower_button)
    tap(qtbot, header.louder_button)
    tap(qtbot, header.repeat_button)
    said = heard(qtbot, window)
    assert voice.rate < rate and voice.volume > volume
    assert len(said) == 3 and said[0] == said[1] == said[2]  # each says the last text again
    stopped = voice.stopped
    tap(qtbot, header.stop_button)
    heard(qtbot, window)
    assert voice.stopped > stopped
    tap(qtbot, header.speak_button)
    assert not window.ctx.narrator.enabled and header.speech_bar.isHidden()


def test_the_staff_pin_is_never_spoken(qtbot, enrolled_kiosk, open_kiosk):
    window, bridge, voice = speaking_kiosk(qtbot, open_kiosk, enrolled_kiosk)
    window.show_screen("staff_panel")
    heard(qtbot, window)
    panel = window.screens["staff_panel"]
    for digit in STAFF_PIN:
        tap(qtbot, panel.pinpad.digit_buttons[digit])  # one touch each: the pad acts at once
    assert heard(qtbot, window) == []
    tap(qtbot, panel.pinpad.confirm_button)
    wait_idle(qtbot, bridge)
    assert panel.stages.currentIndex() != 0  # the PIN was typed and accepted
    assert not any(STAFF_PIN in utterance.text for utterance in voice.said)


def test_large_text_makes_every_text_half_as_large_again(qtbot, enrolled_kiosk, open_kiosk):
    window, _bridge = open_kiosk(enrolled_kiosk, voice=RecordingVoice())
    welcome = window.screens["welcome"]
    before = {w: w.font().pointSizeF() for w in (welcome.greeting, welcome.village)}
    tap(qtbot, welcome.header.large_button)
    for widget, size in before.items():
        assert widget.font().pointSizeF() >= 1.5 * size
    assert window.screens["form"].header.large_button.isChecked()
    window.wipe_session()
    for widget, size in before.items():
        assert widget.font().pointSizeF() == size


def test_the_idle_warning_leaves_at_least_20_seconds_to_answer():
    settings = UiSettings()
    assert settings.idle_timeout_s - settings.idle_warn_s >= 20  # WCAG 2.2 2.2.1


def test_idle_warning_is_spoken_one_touch_extends_and_the_wipe_silences_the_kiosk(
    qtbot, enrolled_kiosk, open_kiosk
):
    window, _bridge, _voice = speaking_kiosk(qtbot, open_kiosk, enrolled_kiosk)
    window.start_idle_watch(qtbot_app())
    window.ctx.session.fields["first_name"] = "Мария"
    window.show_screen("status")
    heard(qtbot, window)
    window.idle.on_warn_due()  # the warning's moment (the clocks themselves: test_kiosk_ui_session)
    said = heard(qtbot, window)
    assert any(text.startswith("Още ли сте тук? Екранът ще се изчисти след") for text in said)
    with qtbot.wait_signal(window.idle.resumed, timeout=3000):
        tap(qtbot, window.overlay.continue_button)  # one touch, even with speech on
    assert window.overlay.isHidden() and window.ctx.session.fields == {"first_name": "Мария"}
    assert window.ctx.narrator.enabled
    window.idle.on_timeout_due()
    assert window.ctx.session.is_empty and window.current.name == "welcome"
    assert not window.ctx.narrator.enabled  # the next villager starts with a silent kiosk
    assert not window.screens["welcome"].header.speak_button.isChecked()
    window.idle.stop()


def test_a_villager_still_typing_is_never_wiped_mid_word(qtbot, enrolled_kiosk, open_kiosk):
    # Every touch of a key restarts the count, the first one (which only says the key's name
    # with speech on) as well as the second (which types it).
    settings = UiSettings(idle_warn_s=50.0, idle_timeout_s=60.5)
    window, _bridge, _voice = speaking_kiosk(qtbot, open_kiosk, enrolled_kiosk, settings=settings)
    window.start_idle_watch(qtbot_app())
    window.show_screen("status")
    status = window.screens["status"]
    for letter in "421":  # the look-up opens on the number pad after the kiosk's prefix
        key = status.keyboard.button_for(letter)
        for _touch in (1, 2):
            qtbot.wait(600)
            assert window.idle.seconds_left() <= 60
            tap(qtbot, key)
            assert window.idle.seconds_left() == 61
    assert status.reference.text().endswith("421")
    assert window.current.name == "status"
    window.idle.stop()


def qtbot_app():
    from PySide6.QtWidgets import QApplication

    return QApplication.instance()


def test_the_slip_is_read_aloud_with_everything_printed_on_it(qtbot, enrolled_kiosk, open_kiosk):
    """EN 301 549 5.1.3.16: the done screen says every fact of the printed slip (its own
    content model, printing.receipts.receipt_facts), the date and the municipality too."""
    reference = submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    window, bridge, _voice = speaking_kiosk(qtbot, open_kiosk, enrolled_kiosk)
    session = window.ctx.session
    session.service = services.get_service(enrolled_kiosk, SERVICE)
    session.reference = reference
    window.show_screen("done")  # prints the slip for real (into the kiosk's printed/ folder)
    wait_idle(qtbot, bridge)
    facts = window.screens["done"]._slip["bg"]
    assert {"municipality", "village", "reference", "check_code", "issued_at"} <= set(facts)
    said = " ".join(utterance for utterance in heard(qtbot, window))
    spoken = speakable(said, "bg")
    for name, value in facts.items():
        assert speakable(value, "bg") in spoken, name


def test_every_status_answer_is_read_in_full_the_clerks_question_and_the_sent_answer_too(
    qtbot, enrolled_kiosk, open_kiosk
):
    window, _bridge, _voice = speaking_kiosk(qtbot, open_kiosk, enrolled_kiosk)
    window.show_screen("status")
    heard(qtbot, window)
    status = window.screens["status"]
    question = "Кой е вторият наследник?"
    status.on_status_found(
        SimpleNamespace(
            reference="DZH1-00017", status="needs_info", question=question, document_ready=False
        )
    )
    (said,) = heard(qtbot, window)
    for shown in (status.state, status.explanation, status.question):
        assert shown.text() and shown.text() in said
    assert question in said and status.answer_button.text() in said
    status.on_answer_sent(
        SimpleNamespace(
            reference="DZH1-00017", status="in_review", question=None, document_ready=False
        )
    )
    said = " ".join(heard(qtbot, window))
    assert "Отговорът е изпратен" in said
    assert window.ctx.tr.t("state.in_review.explain") in said  # the state it is in now
