"""The kiosk's application layer without Qt: KioskApp's methods are real methods, and the staff
PIN's lockout is counted in the store (a restart does not reset it) and lifts after its time."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest

from kiosk_app import app as app_module
from kiosk_app.app import KioskApp
from kiosk_app.pins import (
    MAX_PIN_FAILURES,
    PIN_LOCK_MINUTES,
    PinLockedError,
    WrongPinError,
    provision_staff,
)
from tests.fixtures_kiosk import VALID_FIELDS

SERVICE = "permanent-address-certificate"
NOON = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def test_the_application_is_a_plain_class_with_real_methods():
    assert not hasattr(KioskApp, "__getattr__")
    assert "PySide6" not in inspect.getsource(app_module)
    for name in ("submit_request", "check_staff_pin", "staff_overview", "print_receipt"):
        assert inspect.isfunction(getattr(KioskApp, name)), name


def test_a_request_made_through_the_application_is_found_again(enrolled_kiosk):
    kiosk = KioskApp(enrolled_kiosk)
    reference = kiosk.submit_request(SERVICE, VALID_FIELDS)
    assert kiosk.request_status(reference).status == "queued"
    assert [status.reference for status in kiosk.list_requests()] == [reference]
    assert kiosk.queue_state().queue_depth == 1


def test_five_wrong_pins_lock_until_the_time_is_up_even_across_a_restart(enrolled_kiosk):
    provision_staff(enrolled_kiosk, [{"staff_id": "staff-7", "name": "Мария", "pin": "482915"}])
    clock = Clock(NOON)
    kiosk = KioskApp(enrolled_kiosk, clock=clock)
    for left in range(MAX_PIN_FAILURES - 1, 0, -1):
        with pytest.raises(WrongPinError) as wrong:
            kiosk.check_staff_pin("000000")
        assert wrong.value.attempts_left == left
    with pytest.raises(PinLockedError):
        kiosk.check_staff_pin("000000")

    restarted = KioskApp(enrolled_kiosk, clock=clock)
    with pytest.raises(PinLockedError):  # even the right PIN, while locked
        restarted.check_staff_pin("482915")
    clock.now = NOON + dt.timedelta(minutes=PIN_LOCK_MINUTES, seconds=1)
    assert restarted.check_staff_pin("482915") == {"staff_id": "staff-7", "name": "Мария"}


def test_the_staff_panel_sees_the_printer_as_a_folder_without_a_cups_queue(enrolled_kiosk):
    overview = KioskApp(enrolled_kiosk).staff_overview()
    assert overview["printer"]["state"] == "folder"
    assert overview["queue"]["queue_depth"] == 0 and overview["ready"] == []
