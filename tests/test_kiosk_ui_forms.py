"""The form as tried with the on-screen keyboard at 1280×800: who it is for comes first and what
does not apply is skipped, a review row edits one answer, lists page by large buttons, "Home"
asks before throwing answers away, placeholders and titles are readable."""

from __future__ import annotations

import copy

import pytest

from kiosk_app.enrollment import enroll
from kiosk_app.ui import theme
from kiosk_app.ui.context import UiSettings
from tests.fixtures_kiosk import TEST_CATALOGUE, FakeCentral, _field
from tests.kiosk_ui_helpers import (
    STAFF_PIN,
    accept_privacy_notice,
    open_kiosk_fixture,  # noqa: F401 - the fixture
    tap,
    type_on_keyboard,
    wait_idle,
)

ONE_PER_PAGE = UiSettings(idle_warn_s=30, idle_timeout_s=60, fields_per_page=1, done_return_s=60)


def _for_whom_catalogue() -> dict:
    catalogue = copy.deepcopy(TEST_CATALOGUE)
    other = {"field": "for_whom", "value": "other"}
    catalogue["services"][0]["fields"] = [
        _field("first_name"),
        _field("egn", "egn"),
        _field("phone", "phone", required=False, group="contact"),
        _field(
            "for_whom",
            "choice",
            required=False,
            group="subject",
            options=[
                {"value": "self", "label": {"bg": "За мен", "en": "For me"}},
                {"value": "other", "label": {"bg": "За друг", "en": "For another"}},
            ],
        ),
        _field("other_first_name", required=False, required_if=other, group="subject"),
        _field("other_egn", "egn", required=False, required_if=other, group="subject"),
    ]
    return catalogue


@pytest.fixture
def for_whom_kiosk(kiosk_config):
    central = FakeCentral(catalogue=_for_whom_catalogue())
    enroll(kiosk_config, "http://central.invalid", "invite-token", transport=central)
    return kiosk_config


def open_form(qtbot, window, bridge):
    tap(qtbot, window.screens["welcome"].services_tile)
    wait_idle(qtbot, bridge)
    services = window.screens["services"]
    qtbot.waitUntil(lambda: len(services._cards) >= 1)
    tap(qtbot, services._cards[0][1].choose_button)
    if window.current.name == "privacy":  # once a visit
        accept_privacy_notice(qtbot, window, bridge)
    return window.screens["form"]


def shown_fields(form) -> list[str]:
    return [editor.name for editor in form._editors]


def fill(qtbot, form, name, text):
    tap(qtbot, form.editor(name).line_edit)
    type_on_keyboard(qtbot, form.keyboard, text)


def test_who_it_is_for_comes_first_and_for_me_skips_the_other_person(
    qtbot, for_whom_kiosk, open_kiosk
):
    window, bridge = open_kiosk(for_whom_kiosk, settings=ONE_PER_PAGE)
    form = open_form(qtbot, window, bridge)
    assert shown_fields(form) == ["for_whom"]
    assert form.step.text() == "Стъпка 1 от 6"  # 4 questions asked for me, staff, review
    tap(qtbot, form.editor("for_whom").choice_buttons["self"])
    tap(qtbot, form.next_button)
    seen = []
    while window.current.name == "form":
        seen += shown_fields(form)
        fill(qtbot, form, seen[-1], {"first_name": "иван", "egn": "7523169263"}.get(seen[-1], ""))
        tap(qtbot, form.next_button)
    assert seen == ["first_name", "egn", "phone"]  # nothing about "the other person"
    assert window.current.name == "staff_confirm"


def test_for_another_person_asks_their_data_and_an_early_answer_is_not_sent(
    qtbot, for_whom_kiosk, open_kiosk
):
    window, bridge = open_kiosk(for_whom_kiosk, settings=ONE_PER_PAGE)
    form = open_form(qtbot, window, bridge)
    tap(qtbot, form.editor("for_whom").choice_buttons["other"])
    tap(qtbot, form.next_button)
    assert shown_fields(form) == ["other_first_name"]
    assert form.step.text() == "Стъпка 2 от 8"
    fill(qtbot, form, "other_first_name", "петър")
    tap(qtbot, form.previous_button)
    tap(qtbot, form.editor("for_whom").choice_buttons["self"])  # changed their mind
    tap(qtbot, form.next_button)
    assert shown_fields(form) == ["first_name"]
    from kiosk_app.ui import catalogue_view

    answers = catalogue_view.asked_answers(window.ctx.session.service, window.ctx.session.fields)
    assert "other_first_name" not in answers  # typed, then no longer asked: not sent


def _to_review(qtbot, window, bridge):
    form = open_form(qtbot, window, bridge)
    for name, text in (("first_name", "иван"), ("middle_name", "петров"), ("last_name", "иванов")):
        fill(qtbot, form, name, text)
    tap(qtbot, form.next_button)
    for name, text in (("egn", "7523169263"), ("id_document_number", "645123987")):
        fill(qtbot, form, name, text)
    fill(qtbot, form, "phone", "0888123456")
    tap(qtbot, form.next_button)
    tap(qtbot, form.next_button)
    confirm = window.screens["staff_confirm"]
    confirm.pinpad.enter_pin(STAFF_PIN)
    wait_idle(qtbot, bridge)
    type_on_keyboard(qtbot, confirm.keyboard, "645123987")
    tap(qtbot, confirm.fee_buttons["exempt"])
    tap(qtbot, confirm.continue_button)
    assert window.current.name == "review"
    return form, window.screens["review"]


def test_a_tap_on_a_review_row_edits_that_answer_and_keeps_the_staff_confirmation(
    qtbot, enrolled_kiosk, open_kiosk
):
    window, bridge = open_kiosk(enrolled_kiosk)
    form, review = _to_review(qtbot, window, bridge)
    staff = window.ctx.session.staff
    assert staff is not None
    tap(qtbot, review.rows["phone"])
    assert window.current.name == "form"
    assert "phone" in shown_fields(form)  # the page of that one answer, not step 1
    assert form.next_button.text() == "Запази ✔"
    editor = form.editor("phone")
    editor.line_edit.clear()
    fill(qtbot, form, "phone", "0877000111")
    tap(qtbot, form.next_button)
    assert window.current.name == "review"
    assert window.ctx.session.staff is staff  # the staff's confirmation is kept
    assert review.rows["phone"].value.text() == "0877000111"
    # A change that leaves the answer wrong stays in the form and says why.
    tap(qtbot, review.rows["egn"])
    form.editor("egn").line_edit.clear()
    fill(qtbot, form, "egn", "12")
    tap(qtbot, form.next_button)
    assert window.current.name == "form"
    assert form.editor("egn").has_problem


def test_home_asks_before_throwing_typed_answers_away(qtbot, enrolled_kiosk, open_kiosk):
    window, bridge = open_kiosk(enrolled_kiosk)
    form = open_form(qtbot, window, bridge)
    tap(qtbot, form.header.home_button)
    assert window.current.name == "welcome"  # nothing typed: home at once
    form = open_form(qtbot, window, bridge)
    fill(qtbot, form, "first_name", "иван")
    tap(qtbot, form.header.home_button)
    assert window.current.name == "form"
    assert not window.leave_overlay.isHidden()
    assert window.leave_overlay.question.text() == "Да прекъснем ли заявката?"
    tap(qtbot, window.leave_overlay.stay_button)
    assert window.leave_overlay.isHidden()
    assert window.ctx.session.fields["first_name"] == "Иван"
    tap(qtbot, form.header.home_button)
    with qtbot.wait_signal(window.session_wiped):
        tap(qtbot, window.leave_overlay.leave_button)
    assert window.current.name == "welcome"
    assert window.ctx.session.is_empty


@pytest.fixture
def many_services_kiosk(kiosk_config):
    catalogue = copy.deepcopy(TEST_CATALOGUE)
    first = catalogue["services"][0]
    catalogue["services"] = [
        {**copy.deepcopy(first), "id": f"service-{number}", "register_code": str(2100 + number)}
        for number in range(14)
    ]
    central = FakeCentral(catalogue=catalogue)
    enroll(kiosk_config, "http://central.invalid", "invite-token", transport=central)
    return kiosk_config


def test_a_long_service_list_pages_by_large_buttons_and_says_where_you_are(
    qtbot, many_services_kiosk, open_kiosk
):
    window, bridge = open_kiosk(many_services_kiosk)
    window.resize(1280, 800)
    tap(qtbot, window.screens["welcome"].services_tile)
    wait_idle(qtbot, bridge)
    services = window.screens["services"]
    qtbot.waitUntil(lambda: len(services._cards) == 14)
    pager = services.pager
    qtbot.waitUntil(lambda: pager.isVisible())
    qtbot.waitUntil(lambda: pager.where.text() == f"1 от {pager.page()[1]}")
    shown, pages = pager.page()
    assert shown == 1 and pages > 1
    assert not pager.up_button.isEnabled()
    tap(qtbot, pager.down_button)
    assert pager.where.text() == f"2 от {pages}"
    assert services.scroll.verticalScrollBar().value() > 0
    assert services.scroll.verticalScrollBar().width() >= 40  # wide enough for a finger


def test_placeholders_are_dark_enough_and_long_titles_wrap(qtbot, enrolled_kiosk, open_kiosk):
    assert theme.contrast_ratio(theme.PLACEHOLDER, theme.PAPER) >= 4.5
    assert theme.contrast_ratio(theme.PRIMARY, theme.SECONDARY) >= 4.5  # the scroll bar's thumb
    window, bridge = open_kiosk(enrolled_kiosk)
    window.resize(1280, 800)
    search = window.screens["services"].search
    assert search.palette().color(search.palette().ColorRole.PlaceholderText).name() == "#555555"
    form = open_form(qtbot, window, bridge)
    title = form.header.title
    assert title.text() == "Удостоверение за постоянен адрес"  # whole, not "…"
    assert title.wordWrap()


def test_before_the_first_personal_field_the_villager_is_told_what_happens_to_the_data(
    qtbot, enrolled_kiosk, open_kiosk
):
    window, bridge = open_kiosk(enrolled_kiosk)
    tap(qtbot, window.screens["welcome"].services_tile)
    wait_idle(qtbot, bridge)
    services = window.screens["services"]
    qtbot.waitUntil(lambda: len(services._cards) >= 1)
    tap(qtbot, services._cards[0][1].choose_button)
    assert window.current.name == "privacy"  # not yet the form
    privacy = window.screens["privacy"]
    wait_idle(qtbot, bridge)
    shown = " ".join(privacy.notice_text().split())
    # The municipality's own words (its profile), each part GDPR art. 13 asks for.
    assert "Община Лясковец като администратор" in shown
    assert "30 дни" in shown and "номенклатурата на делата" in shown
    assert "Комисията за защита на личните данни" in shown
    tap(qtbot, privacy.print_button)
    wait_idle(qtbot, bridge)
    assert privacy.message.text() == "Вземете копието от принтера."
    assert list(enrolled_kiosk.printed_dir.glob("*privacy-notice-bg*"))
    tap(qtbot, privacy.continue_button)
    assert window.current.name == "form"
    tap(qtbot, window.screens["form"].previous_button)  # back to the list, another service
    tap(qtbot, services._cards[0][1].choose_button)
    assert window.current.name == "form"  # told once a visit
