"""Idle wipe, status lookup, a GUI that keeps turning during slow work, and complete languages."""

from __future__ import annotations

import ast
import pathlib
import re
import string
import time

from PySide6.QtCore import QTimer

from kiosk_app import submission
from kiosk_app.app import KioskApp
from kiosk_app.ui.context import UiSettings
from kiosk_app.ui.i18n import TABLES
from tests.fixtures_kiosk import VALID_FIELDS
from tests.kiosk_ui_helpers import (
    open_kiosk_fixture,  # noqa: F401 - the fixture
    tap,
    type_on_keyboard,
    wait_idle,
)

UI = pathlib.Path(__file__).resolve().parent.parent / "kiosk_app" / "ui"
SERVICE = "permanent-address-certificate"


def test_idle_warns_then_wipes_the_villagers_data(qtbot, enrolled_kiosk, open_kiosk):
    # Seconds, not tenths: on a loaded machine a pause between two taps of the test itself
    # must not count as the villager walking away. Under a second between warning and wipe.
    quick = UiSettings(idle_warn_s=2.0, idle_timeout_s=2.8)
    window, bridge = open_kiosk(enrolled_kiosk, settings=quick)
    window.start_idle_watch(qtbot_app())
    tap(qtbot, window.screens["welcome"].english_button)
    tap(qtbot, window.screens["welcome"].services_tile)
    wait_idle(qtbot, bridge)
    _service, card = window.screens["services"]._cards[0]
    window.ctx.session.privacy_told = True  # told already: the countdown is what is tested
    tap(qtbot, card.choose_button)
    form = window.screens["form"]
    tap(qtbot, form.editor("first_name").line_edit)
    type_on_keyboard(qtbot, form.keyboard, "мария")
    with qtbot.wait_signal(window.idle.warning, timeout=8000):
        pass
    assert not window.overlay.isHidden()
    assert "1 second." in window.overlay.countdown.text()  # one, not "1 seconds"
    with qtbot.wait_signal(window.session_wiped, timeout=8000):
        pass
    assert window.current.name == "welcome"
    assert window.overlay.isHidden()
    assert window.ctx.session.is_empty
    assert window.ctx.tr.language == "bg"
    assert form._editors == []  # no page of the last villager is left behind
    window.idle.stop()


def test_a_touch_during_the_countdown_keeps_the_session(qtbot, enrolled_kiosk, open_kiosk):
    quick = UiSettings(idle_warn_s=0.5, idle_timeout_s=5.0)  # time enough to tap, even loaded
    window, _bridge = open_kiosk(enrolled_kiosk, settings=quick)
    window.start_idle_watch(qtbot_app())
    window.ctx.session.fields["first_name"] = "Мария"
    window.show_screen("status")
    with qtbot.wait_signal(window.idle.warning, timeout=5000):
        pass
    with qtbot.wait_signal(window.idle.resumed, timeout=3000):
        tap(qtbot, window.overlay.continue_button)
    assert window.overlay.isHidden()
    assert window.ctx.session.fields == {"first_name": "Мария"}
    window.idle.stop()


def qtbot_app():
    from PySide6.QtWidgets import QApplication

    return QApplication.instance()


def test_status_lookup_by_reference_shows_state_and_no_personal_data(
    qtbot, enrolled_kiosk, open_kiosk
):
    reference = submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    window, bridge = open_kiosk(enrolled_kiosk)
    tap(qtbot, window.screens["welcome"].status_tile)
    wait_idle(qtbot, bridge)
    status = window.screens["status"]
    assert status.reference.text() == "DZH1-"  # this kiosk's prefix, already typed
    assert status.keyboard.mode == "digits"
    type_on_keyboard(qtbot, status.keyboard, reference.removeprefix("DZH1-").lstrip("0"))
    tap(qtbot, status.code)
    type_on_keyboard(qtbot, status.keyboard, submission.check_code(enrolled_kiosk, reference))
    tap(qtbot, status.look_button)
    wait_idle(qtbot, bridge)
    shown = status.state.text() + status.explanation.text()
    assert reference in shown and "чака изпращане" in shown
    for personal in VALID_FIELDS.values():
        assert str(personal) not in shown

    status.reference.clear()
    tap(qtbot, status.reference)
    type_on_keyboard(qtbot, status.keyboard, "DZH1-99999")
    tap(qtbot, status.look_button)
    wait_idle(qtbot, bridge)
    assert status.result.isHidden()
    assert "Няма заявка с този номер" in status.problem.text()


class SlowExchange(KioskApp):
    def sync_now(self):
        time.sleep(1.0)
        return {"ok": True}


def test_the_screen_keeps_turning_while_a_slow_exchange_runs(qtbot, enrolled_kiosk, open_kiosk):
    window, bridge = open_kiosk(enrolled_kiosk, services=SlowExchange(enrolled_kiosk))
    panel = window.screens["staff_panel"]
    panel.on_pin_accepted({"staff_id": "staff-7", "name": "Мария"})
    wait_idle(qtbot, bridge)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    started = time.monotonic()
    tap(qtbot, panel.sync_button)
    assert bridge.busy
    qtbot.waitUntil(lambda: not bridge.busy, timeout=5000)
    timer.stop()
    assert time.monotonic() - started >= 1.0
    assert len(ticks) >= 25  # ~50 expected in one second; a frozen loop gives one or two
    gaps = [later - earlier for earlier, later in zip(ticks, ticks[1:], strict=False)]
    assert max(gaps) < 0.3
    assert panel.message.text() == "Обменът завърши."


def test_both_languages_have_every_key_with_the_same_placeholders():
    bg, en = TABLES["bg"], TABLES["en"]
    assert set(bg) == set(en)
    fields = string.Formatter()
    for key in bg:
        names_bg = {name for _, name, _, _ in fields.parse(bg[key]) if name}
        names_en = {name for _, name, _, _ in fields.parse(en[key]) if name}
        assert names_bg == names_en, key
        assert bg[key].strip() and en[key].strip(), key


def test_every_text_key_the_screens_use_exists():
    used = set()
    dynamic = []
    for path in UI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "t"
                and node.args
            ):
                argument = node.args[0]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    used.add(argument.value)
                elif isinstance(argument, ast.JoinedStr):
                    dynamic.append(ast.unparse(argument))
    assert used and used <= set(TABLES["bg"]), used - set(TABLES["bg"])
    # Keys built at run time (f"state.{state}") must each have a family in the table.
    for pattern in dynamic:
        prefix = re.match(r"f['\"]([a-z_.]*)", pattern).group(1)
        assert any(key.startswith(prefix) for key in TABLES["bg"]), pattern


def test_no_widget_text_is_written_in_the_code():
    # Texts reach widgets only through tr.t / tr.pick / data; a literal in setText is a leak.
    # (The tour types sample answers, as a villager would: data, not interface text.)
    for path in UI.rglob("*.py"):
        if path.name == "tour.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("setText", "setPlaceholderText", "setWindowTitle")
            ):
                for argument in node.args:
                    if isinstance(argument, ast.Constant) and argument.value:
                        assert path.name == "window.py" and argument.value == "Kiosk", (
                            f"{path.name}: {argument.value!r}"
                        )
