"""Helpers for the kiosk screen tests: a real enrolled kiosk home behind the real worker."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kiosk_app.app import KioskApp
from kiosk_app.gui import build_window
from kiosk_app.pins import provision_staff
from kiosk_app.ui.context import UiSettings

STAFF_PIN = "1234"
FAST = UiSettings(idle_warn_s=30, idle_timeout_s=60, fields_per_page=3, done_return_s=60)


@pytest.fixture(name="open_kiosk")
def open_kiosk_fixture(qtbot):
    """``open_kiosk(config, settings=..., services=...)`` -> (window, bridge); stopped after."""
    bridges = []

    def opener(config, settings=FAST, services=None, voice=None, **service_options):
        window, bridge = _open(qtbot, config, settings, services, voice, **service_options)
        bridges.append(bridge)
        return window, bridge

    yield opener
    for bridge in bridges:
        bridge.forget_callbacks()
        bridge.shutdown()


def _open(qtbot, config, settings=FAST, services=None, voice=None, **service_options):
    provision_staff(config, [{"staff_id": "staff-7", "name": "Мария Петрова", "pin": STAFF_PIN}])
    services = services or KioskApp(config, **service_options)
    window, bridge = build_window(services, settings, voice=voice)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    return window, bridge


@pytest.fixture(name="shipped_kiosk")
def shipped_kiosk_fixture(tmp_path):
    """A kiosk enrolled with the catalogue central ships (two tiers, "for whom", heirs...)."""
    from central_api.catalogue import default_catalogue
    from central_api.municipality import load_municipality
    from kiosk_app.config import KioskConfig
    from kiosk_app.enrollment import enroll
    from tests.fixtures_central import LYASKOVETS_PROFILE
    from tests.fixtures_kiosk import FakeCentral

    config = KioskConfig(
        home=tmp_path / "kiosk", printer=None, argon2=KioskConfig.from_env().argon2
    )
    catalogue = default_catalogue(load_municipality(LYASKOVETS_PROFILE))
    enroll(config, "http://central.invalid", "token", transport=FakeCentral(catalogue=catalogue))
    return config


def tap(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_on_keyboard(qtbot, keyboard, text: str) -> None:
    """Tap each key of ``text`` on the on-screen keyboard, switching pages as a person would."""
    for character in text:
        if character.isdigit():
            mode = "digits"
        elif character.isascii() and character.isalpha():
            mode = "latin"
        elif character.isalpha():
            mode = "cyrillic"
        else:
            mode = keyboard.mode
        if keyboard.mode != mode:
            switch = {
                "digits": keyboard.digits_button if keyboard.mode != "digits" else None,
                "latin": keyboard.latin_button if keyboard.mode != "digits" else keyboard.pad_latin,
                "cyrillic": keyboard.cyrillic_button
                if keyboard.mode != "digits"
                else keyboard.pad_cyrillic,
            }[mode]
            tap(qtbot, switch)
        if character == " ":
            tap(qtbot, keyboard.space_button if mode != "digits" else keyboard.pad_space)
        else:
            tap(qtbot, keyboard.button_for(character))


def wait_idle(qtbot, bridge, timeout=10_000):
    qtbot.waitUntil(lambda: not bridge.busy, timeout=timeout)


def accept_privacy_notice(qtbot, window, bridge) -> None:
    """The notice before the first personal field: read (by the test) and "continue"."""
    assert window.current.name == "privacy"
    wait_idle(qtbot, bridge)
    privacy = window.screens["privacy"]
    assert privacy.continue_button.isEnabled(), privacy.message.text()
    tap(qtbot, privacy.continue_button)
