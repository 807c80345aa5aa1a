"""Central's signed time (sync.clock) and what the kiosk makes of it: only central's key and
the kiosk's own nonce make a time believed; the staff panel warns when the clock is off."""

from __future__ import annotations

import time

from kiosk_app.clock import SETTING
from kiosk_app.store import store_for
from sync import Identity
from sync.clock import Clock, central_time, time_header
from tests.kiosk_ui_helpers import (
    STAFF_PIN,
    open_kiosk_fixture,  # noqa: F401 - the fixture
    tap,
    wait_idle,
)

CENTRAL = Identity.generate("central")


def test_a_time_is_believed_only_signed_by_central_and_answering_our_nonce():
    value = time_header(CENTRAL, "nonce-of-this-call-1234", now=1_800_000_000.25)
    assert central_time(value, CENTRAL.public, "nonce-of-this-call-1234") == 1_800_000_000.25
    assert central_time(value, CENTRAL.public, "nonce-of-another-call") is None  # replayed
    impostor = time_header(Identity.generate("central"), "nonce-of-this-call-1234")
    assert central_time(impostor, CENTRAL.public, "nonce-of-this-call-1234") is None
    altered = value.replace("1800000000.250", "1700000000.250")
    assert central_time(altered, CENTRAL.public, "nonce-of-this-call-1234") is None
    assert central_time(None, CENTRAL.public, "x") is None


def test_the_offset_is_central_minus_the_middle_of_the_round_trip():
    clock = Clock()
    clock.observe(central=1000.0, sent=10.0, received=12.0)
    assert clock.offset == 989.0 and clock.round_trip == 2.0
    assert abs(clock.now() - (time.time() + 989.0)) < 1
    assert Clock.from_json(clock.to_json()).offset == 989.0


def _panel_warning(qtbot, config, open_kiosk, offset_seconds: float) -> str | None:
    with store_for(config) as store:
        store.set_setting(
            SETTING, {"offset_seconds": offset_seconds, "measured_at": time.time() + offset_seconds}
        )
    window, bridge = open_kiosk(config)
    window.show_screen("staff_panel")
    panel = window.screens["staff_panel"]
    for digit in STAFF_PIN:
        tap(qtbot, panel.pinpad.digit_buttons[digit])
    tap(qtbot, panel.pinpad.confirm_button)
    wait_idle(qtbot, bridge)
    return panel.clock_warning.text() if panel.clock_warning.isVisibleTo(panel) else None


def test_the_staff_panel_warns_when_the_clock_is_a_year_behind(qtbot, enrolled_kiosk, open_kiosk):
    warning = _panel_warning(qtbot, enrolled_kiosk, open_kiosk, 365 * 86400)
    assert warning is not None and "изостава с 365 дни" in warning


def test_the_staff_panel_says_nothing_of_a_clock_a_minute_off(qtbot, enrolled_kiosk, open_kiosk):
    assert _panel_warning(qtbot, enrolled_kiosk, open_kiosk, -60) is None
