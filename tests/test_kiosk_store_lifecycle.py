"""The store over a kiosk's life: schema upgrades and the purge of personal data."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk_app import staff_actions, submission, sync_actions
from kiosk_app.exchange import purge_expired
from kiosk_app.store import migrations, open_store, store_for
from tests.fixtures_kiosk import VALID_FIELDS, issued_document_record


def test_an_old_database_is_upgraded_by_the_missing_migrations_only(tmp_path):
    from sqlite_utils import Database

    path = tmp_path / "kiosk.db"
    old = Database(str(path))
    migrations.apply(old, stop_before="0002_document_print_state")
    old["settings"].insert({"key": "kept", "value": '"yes"'})
    old.close()
    with open_store(path) as store:
        assert store.applied_migrations() == [
            "0001_initial",
            "0002_document_print_state",
            "0003_document_revocation",
            "0004_quarantine_waiting",
            "0005_print_attempt",
            "0006_catalogue_guides",
            "0007_request_check_code",
        ]
        assert "print_state" in store.db["documents"].columns_dict
        assert store.get_setting("kept") == "yes"


def test_personal_data_of_a_delivered_request_is_purged_after_retention(
    enrolled_kiosk, fake_central
):
    reference = submission.submit_request(
        enrolled_kiosk, "permanent-address-certificate", VALID_FIELDS
    )
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    fake_central.queue_downlink([issued_document_record(reference)])
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    with store_for(enrolled_kiosk) as store:  # central's staff list (staff.updated)
        store.set_setting(
            "staff", [{"staff_id": "staff-1", "name": "Донка", "pin_hash": "$argon2"}]
        )
    staff_actions.record_fee_payment(enrolled_kiosk, reference, "cash", "0001234", "staff-1")
    staff_actions.record_form_filed(enrolled_kiosk, reference, "staff-1")
    staff_actions.mark_delivered(
        enrolled_kiosk, reference, staff_id="staff-1", id_document_number="645123456"
    )
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)

    with store_for(enrolled_kiosk) as store:
        assert purge_expired(store) == []  # not yet: delivered just now
        assert purge_expired(store, now=datetime.now(UTC) + timedelta(days=31)) == [reference]
        request = store.request(reference)
        assert request["fields"] is None and request["status"] == "delivered"
        submitted = [e for e in store.events_of(reference) if e["type"] == "request.submitted"]
        assert submitted[0]["body"]["fields"] == {}
        assert "7523169263" not in Path(store.path).read_bytes().decode("latin-1")
        assert not any(Path(d["path"]).exists() for d in store.documents(reference))
    assert submission.request_status(enrolled_kiosk, reference).status == "delivered"


def test_handing_over_is_refused_while_the_fee_is_due(enrolled_kiosk, fake_central):
    import pytest

    from kiosk_app.errors import NotAllowedError

    reference = submission.submit_request(
        enrolled_kiosk, "permanent-address-certificate", VALID_FIELDS
    )
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    fake_central.queue_downlink([issued_document_record(reference)])
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    with pytest.raises(NotAllowedError, match="fee"):
        staff_actions.mark_delivered(enrolled_kiosk, reference, staff_id="staff-1")
