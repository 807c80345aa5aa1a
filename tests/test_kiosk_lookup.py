"""The villager's status look-up: references as people type them, and the slip's check code
without which a guessed reference shows nothing; the slip carries the code, fee and phone."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk_app import submission
from kiosk_app.app import KioskApp
from kiosk_app.errors import UnknownReferenceError
from kiosk_app.lookup import new_check_code, normalise_reference
from kiosk_app.store import store_for
from tests.fixtures_kiosk import VALID_FIELDS

SERVICE = "permanent-address-certificate"


@pytest.mark.parametrize(
    "typed",
    [
        "DZH1-00042",
        "dzh1-00042",
        "dzh100042",
        "DZH1 42",
        "DZH1-42",
        "42",
        "00042",
        "ДЗН1-00042",  # the look-alike letters on the Cyrillic keyboard
        "дж1-42",  # the letters by their sound: ДЖ is DZH
        " dzh1–42 ",  # an en dash and spaces
    ],
)
def test_a_reference_is_read_however_it_is_typed(typed):
    assert normalise_reference(typed, "DZH1") == "DZH1-00042"


@pytest.mark.parametrize("typed", ["", "DOB1-00042", "DZH2-00042", "DZH1-", "DZH1-123456", "0"])
def test_what_cannot_be_this_kiosks_reference_is_none(typed):
    assert normalise_reference(typed, "DZH1") is None


@given(st.integers(min_value=1, max_value=99_999))
def test_every_number_comes_back_as_itself(number):
    reference = f"LYA3-{number:05d}"
    assert normalise_reference(reference.lower(), "LYA3") == reference
    assert normalise_reference(str(number), "LYA3") == reference


def test_check_codes_are_six_random_digits():
    codes = {new_check_code() for _ in range(50)}
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert len(codes) > 40


def test_the_look_up_needs_the_slips_code_and_a_guess_reveals_nothing(enrolled_kiosk):
    first = submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    second = submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    code = submission.check_code(enrolled_kiosk, first)
    found = submission.look_up_request(enrolled_kiosk, first.lower().replace("-", ""), code)
    assert found.reference == first
    found = submission.look_up_request(enrolled_kiosk, first, f"{code[:3]} {code[3:]}")
    assert found.reference == first
    # The next number with the code of one's own slip: answered like an unknown reference.
    with pytest.raises(UnknownReferenceError) as wrong_code:
        submission.look_up_request(enrolled_kiosk, second, code)
    with pytest.raises(UnknownReferenceError) as unknown:
        submission.look_up_request(enrolled_kiosk, "DZH1-99999", code)
    assert str(wrong_code.value) == str(unknown.value)
    with pytest.raises(UnknownReferenceError):
        submission.look_up_request(enrolled_kiosk, first, "")


def test_a_request_made_before_codes_cannot_be_looked_up_by_the_villager(enrolled_kiosk):
    reference = submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    with store_for(enrolled_kiosk) as store:
        store.db.execute("update requests set check_code = null where reference = ?", [reference])
    with pytest.raises(UnknownReferenceError):
        submission.look_up_request(enrolled_kiosk, reference, "")
    assert submission.request_status(enrolled_kiosk, reference).reference == reference  # staff


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_slip_shows_the_village_the_code_the_fee_and_the_mayoraltys_phone(enrolled_kiosk):
    with store_for(enrolled_kiosk) as store:
        profile = store.get_setting("municipality")
        for settlement in profile["settlements"]:
            if settlement["code"] == "dzhulyunitsa":
                settlement["phone"] = "+359 619 2 22 33"
        store.set_setting("municipality", profile)
    reference = submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    KioskApp(enrolled_kiosk).print_receipt(reference)
    (slip,) = enrolled_kiosk.printed_dir.glob(f"receipt-{reference}*.pdf")
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(slip), "-"], capture_output=True, text=True, check=True, timeout=30
        ).stdout.split()
    )
    code = submission.check_code(enrolled_kiosk, reference)
    assert f"{code[:3]} {code[3:]}" in text
    assert "Джулюница" in text and "dzhulyunitsa" not in text
    assert "Такса: 2,56 евро" in text
    assert "+359 619 2 22 33" in text
