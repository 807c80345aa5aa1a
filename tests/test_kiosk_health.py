"""The kiosk reports its health to central for the fleet page, without repeating itself."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from central_api.db.schema import kiosks
from kiosk_app import submission, sync_actions
from kiosk_app.config import KioskConfig
from kiosk_app.enrollment import enroll
from kiosk_app.health import REPORT_EVERY, queue_health_report
from kiosk_app.speech import audio_output_state
from kiosk_app.store import store_for
from tests.fixtures_kiosk import VALID_FIELDS

FIELDS = {
    "first_name": "Иванка",
    "middle_name": "Петрова",
    "last_name": "Колева",
    "personal_number_kind": "egn",
    "personal_number": "7523169263",
    "phone": "0888123456",
}


def test_a_report_is_queued_when_something_changed_or_the_last_one_is_old(enrolled_kiosk):
    now = datetime.now(UTC)
    with store_for(enrolled_kiosk) as store:
        assert queue_health_report(enrolled_kiosk, store, now) is not None
        assert queue_health_report(enrolled_kiosk, store, now) is None  # nothing new
    submission.submit_request(enrolled_kiosk, "permanent-address-certificate", VALID_FIELDS)
    with store_for(enrolled_kiosk) as store:
        assert queue_health_report(enrolled_kiosk, store, now) is not None  # the queue grew
        later = now + REPORT_EVERY + timedelta(seconds=1)
        assert queue_health_report(enrolled_kiosk, store, later) is not None  # still alive


@pytest.mark.parametrize("central_database_url", ["sqlite"], indirect=True)
def test_central_keeps_the_last_report_of_each_kiosk(
    central, central_cli, central_server, tmp_path
):
    base_url, _ = central_server
    token = central_cli("kiosk", "invite", "kozarevets").stdout.strip().splitlines()[-1]
    config = KioskConfig(home=tmp_path / "kiosk")  # no KIOSK_PRINTER: documents go to a folder
    enroll(config, base_url, token)
    submission.submit_request(config, "permanent-address-certificate", FIELDS)
    sync_actions.sync_now(config, report_health=True)

    with central.engine.connect() as conn:
        row = conn.execute(select(kiosks.c.health, kiosks.c.software_version)).one()
    health = json.loads(row.health)
    assert health["printer_state"] == "folder"
    assert health["audio_state"] == audio_output_state()  # the fleet page warns on "no-audio"
    assert health["queue_depth"] == 1  # the request was waiting when the report was made
    assert row.software_version == health["software_version"] != ""
