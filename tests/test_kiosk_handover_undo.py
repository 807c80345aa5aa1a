"""Undo after "Предаден": while the request.delivered record waits in the outbox it can be taken
back (the record goes, the state comes back); once sealed for central it cannot, and the refusal
says it was reported and whom to ask. Real enrolled store, fake central transport."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kiosk_app import handover, staff_actions, submission, sync_actions
from kiosk_app.cli import cli
from kiosk_app.errors import HandoverReportedError, NotAllowedError
from kiosk_app.exchange import load_party, seal_pending
from kiosk_app.store import store_for
from tests.fixtures_kiosk import VALID_FIELDS, issued_document_record
from tests.kiosk_ui_helpers import (
    STAFF_PIN,
    open_kiosk_fixture,  # noqa: F401 - the fixture
    tap,
    wait_idle,
)
from tests.test_kiosk_ui_staff import enter_pin, panel_staff_id

SERVICE = "permanent-address-certificate"


def handed_over(config, fake_central, staff_id="staff-1") -> str:
    """A request whose document arrived, paid and filed, handed over just now."""
    reference = submission.submit_request(config, SERVICE, VALID_FIELDS)
    sync_actions.sync_now(config, transport=fake_central)
    fake_central.queue_downlink([issued_document_record(reference)])
    sync_actions.sync_now(config, transport=fake_central)
    with store_for(config) as store:
        staff = store.get_setting("staff") or []
        if not any(member["staff_id"] == staff_id for member in staff):
            store.set_setting("staff", [*staff, {"staff_id": staff_id, "name": "Донка"}])
    staff_actions.record_fee_payment(config, reference, "cash", "0001234", staff_id)
    staff_actions.record_form_filed(config, reference, staff_id)
    assert submission.request_status(config, reference).status == "printed"  # printed on arrival
    staff_actions.mark_delivered(config, reference, staff_id, id_document_number="645123456")
    return reference


def delivered_records(config, reference) -> list[dict]:
    with store_for(config) as store:
        return [e for e in store.events_of(reference) if e["type"] == "request.delivered"]


def test_a_hand_over_still_in_the_outbox_is_taken_back(enrolled_kiosk, fake_central):
    reference = handed_over(enrolled_kiosk, fake_central)
    [record] = delivered_records(enrolled_kiosk, reference)
    assert record["bundle_seq"] is None  # waiting in the outbox
    [recent] = handover.recent_handovers(enrolled_kiosk, datetime.now(UTC))
    assert (recent["reference"], recent["reported"]) == (reference, False)

    restored = handover.undo_delivery(enrolled_kiosk, reference, "staff-1")

    assert restored == {"reference": reference, "status": "printed"}  # as it was before
    assert submission.request_status(enrolled_kiosk, reference).status == "printed"
    assert delivered_records(enrolled_kiosk, reference) == []  # central will never see it
    assert handover.recent_handovers(enrolled_kiosk, datetime.now(UTC)) == []
    with pytest.raises(NotAllowedError):  # nothing left to take back
        handover.undo_delivery(enrolled_kiosk, reference, "staff-1")
    # It can be handed over again, properly this time.
    staff_actions.mark_delivered(
        enrolled_kiosk, reference, "staff-1", id_document_number="645123457"
    )
    [again] = delivered_records(enrolled_kiosk, reference)
    assert again["body"]["id_document_number"] == "645123457"


def test_a_hand_over_sealed_for_central_is_not_taken_back(enrolled_kiosk, fake_central):
    reference = handed_over(enrolled_kiosk, fake_central)
    with store_for(enrolled_kiosk) as store:
        assert store.withdraw_unsealed_event("no-such-record") is False
        seal_pending(store, load_party(enrolled_kiosk, store))
    [recent] = handover.recent_handovers(enrolled_kiosk, datetime.now(UTC))
    assert recent["reported"] is True

    with pytest.raises(HandoverReportedError) as refused:
        handover.undo_delivery(enrolled_kiosk, reference, "staff-1")

    assert "вече е изпратено в общината" in refused.value.message
    assert "общинската администрация" in refused.value.message  # whom to ask
    assert submission.request_status(enrolled_kiosk, reference).status == "delivered"
    [record] = delivered_records(enrolled_kiosk, reference)
    assert record["bundle_seq"] is not None


def test_the_command_line_takes_a_hand_over_back_and_then_refuses(enrolled_kiosk, fake_central):
    reference = handed_over(enrolled_kiosk, fake_central)
    runner = CliRunner(env={"KIOSK_HOME": str(enrolled_kiosk.home), "KIOSK_PRINTER": ""})
    undo = ["staff", "undo-deliver", reference, "--staff", "staff-1", "--json"]
    result = runner.invoke(cli, undo, prog_name="kiosk-app")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"reference": reference, "status": "printed"}
    staff_actions.mark_delivered(
        enrolled_kiosk, reference, "staff-1", id_document_number="645123456"
    )
    with store_for(enrolled_kiosk) as store:
        seal_pending(store, load_party(enrolled_kiosk, store))
    result = runner.invoke(cli, undo, prog_name="kiosk-app")
    assert result.exit_code != 0
    assert "вече е изпратено в общината" in result.output


def test_an_unknown_member_of_staff_cannot_take_a_hand_over_back(enrolled_kiosk, fake_central):
    reference = handed_over(enrolled_kiosk, fake_central)
    with pytest.raises(NotAllowedError, match="не е в списъка"):
        handover.undo_delivery(enrolled_kiosk, reference, "stranger")
    assert submission.request_status(enrolled_kiosk, reference).status == "delivered"


def test_the_staff_panel_undoes_a_hand_over_then_says_when_it_was_reported(
    qtbot, enrolled_kiosk, fake_central, open_kiosk
):
    window, bridge = open_kiosk(enrolled_kiosk, transport=fake_central)
    reference = handed_over(enrolled_kiosk, fake_central, panel_staff_id(enrolled_kiosk))
    window.show_screen("staff_panel")
    panel = window.screens["staff_panel"]
    enter_pin(qtbot, panel.pinpad, bridge, STAFF_PIN)
    wait_idle(qtbot, bridge)
    row = panel.ready_holder.findChild(QWidget, f"handed-{reference}")
    assert "94-00-1/2026" in row.findChild(QLabel).text()
    tap(qtbot, row.findChild(QPushButton, "undo-delivery"))
    wait_idle(qtbot, bridge)
    assert panel.message.text().startswith(f"Предаването на {reference} е отменено")
    assert submission.request_status(enrolled_kiosk, reference).status == "printed"
    assert panel.ready_holder.findChild(QWidget, f"ready-{reference}") is not None  # waits again

    staff_actions.mark_delivered(
        enrolled_kiosk, reference, panel_staff_id(enrolled_kiosk), "645123456"
    )
    panel.refresh()
    wait_idle(qtbot, bridge)
    row = panel.ready_holder.findChild(QWidget, f"handed-{reference}")
    undo = row.findChild(QPushButton, "undo-delivery")
    with store_for(enrolled_kiosk) as store:  # the exchange seals it before the tap lands
        seal_pending(store, load_party(enrolled_kiosk, store))
    tap(qtbot, undo)
    wait_idle(qtbot, bridge)
    wait_idle(qtbot, bridge)
    assert panel.message.text().startswith("Предаването вече е изпратено в общината")
    assert submission.request_status(enrolled_kiosk, reference).status == "delivered"
    row = panel.ready_holder.findChild(QWidget, f"handed-{reference}")
    assert "Съобщено в общината" in row.findChild(QLabel).text()
    assert row.findChild(QPushButton, "undo-delivery") is None
