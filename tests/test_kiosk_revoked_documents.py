"""A document central revoked is never printed at the kiosk, whichever arrives first, and the
staff panel lists it as revoked; the kiosk's home and database are private to its user."""

from __future__ import annotations

import stat

from kiosk_app import staff_actions, submission, sync_actions
from kiosk_app.store import store_for
from tests.fixtures_kiosk import VALID_FIELDS, issued_document_record
from tests.kiosk_ui_helpers import (
    STAFF_PIN,
    open_kiosk_fixture,  # noqa: F401 - the fixture
    tap,
    wait_idle,
)

NUMBER = "94-00-1/2026"


def revocation(reference: str, number: str = NUMBER) -> dict:
    return {
        "type": "document.revoked",
        "body": {
            "reference": reference,
            "number": number,
            "reason": "грешен адрес",
            "by": "maria",
            "at": "2026-11-25T11:00:00Z",
        },
    }


def printed_files(config) -> list:
    return sorted(config.printed_dir.glob("*.pdf")) if config.printed_dir.exists() else []


def submitted(config, central) -> str:
    reference = submission.submit_request(config, "permanent-address-certificate", VALID_FIELDS)
    sync_actions.sync_now(config, transport=central)
    return reference


def test_a_document_that_failed_to_print_and_was_then_revoked_is_not_printed_next_sync(
    enrolled_kiosk, fake_central
):
    reference = submitted(enrolled_kiosk, fake_central)
    fake_central.queue_downlink([issued_document_record(reference)])
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    printed_before = printed_files(enrolled_kiosk)
    with store_for(enrolled_kiosk) as store:  # the printer was off: it failed
        store.db.execute(
            "update documents set printed_at = null, print_count = 0, print_state = 'failed' "
            "where number = ?",
            [NUMBER],
        )
    fake_central.queue_downlink([revocation(reference)])
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert printed_files(enrolled_kiosk) == printed_before  # nothing more went to the printer
    with store_for(enrolled_kiosk) as store:
        document = store.document(NUMBER)
        assert document["revoked_at"] == "2026-11-25T11:00:00Z" and document["print_count"] == 0
        assert store.documents(to_print=True) == []


def test_a_revocation_that_arrives_before_its_document_still_stops_the_print(
    enrolled_kiosk, fake_central
):
    reference = submitted(enrolled_kiosk, fake_central)
    fake_central.queue_downlink([revocation(reference), issued_document_record(reference)])
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert printed_files(enrolled_kiosk) == []
    ready = staff_actions.ready_documents(enrolled_kiosk)
    assert [(d.number, d.revoked_at, d.print_count) for d in ready] == [
        (NUMBER, "2026-11-25T11:00:00Z", 0)
    ]


def test_the_staff_panel_says_the_document_was_revoked(
    qtbot, enrolled_kiosk, fake_central, open_kiosk
):
    from PySide6.QtWidgets import QLabel, QPushButton

    reference = submitted(enrolled_kiosk, fake_central)
    fake_central.queue_downlink([issued_document_record(reference), revocation(reference)])
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    window, bridge = open_kiosk(enrolled_kiosk, transport=fake_central)
    window.show_screen("staff_panel")
    panel = window.screens["staff_panel"]
    for digit in STAFF_PIN:
        tap(qtbot, panel.pinpad.digit_buttons[digit])
    tap(qtbot, panel.pinpad.confirm_button)
    wait_idle(qtbot, bridge)
    wait_idle(qtbot, bridge)
    row = panel.ready_holder.findChild(type(panel.ready_holder), f"revoked-{reference}")
    assert row is not None
    texts = " ".join(label.text() for label in row.findChildren(QLabel))
    assert "ОТМЕНЕН" in texts and NUMBER in texts
    assert not row.findChildren(QPushButton)  # nothing to reprint or hand over


def test_the_kiosk_home_and_database_are_private(enrolled_kiosk):
    home, database = enrolled_kiosk.home, enrolled_kiosk.db_path
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(enrolled_kiosk.keys_dir.stat().st_mode) == 0o700
    for key in enrolled_kiosk.keys_dir.iterdir():
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, key
