"""Record ids are unique and time-ordered (UUID version 7), wherever a record is made."""

import uuid

import sync


def test_record_ids_are_version_7_uuids_that_sort_in_the_order_they_were_made():
    ids = [sync.new_record_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(record_id).version == 7 for record_id in ids)
    assert sorted(ids) == ids


def test_the_kiosk_queues_its_events_with_such_ids(tmp_path):
    from kiosk_app.store import open_store

    store = open_store(tmp_path / "kiosk.db")
    health = {"queue_depth": 0, "oldest_unsent_at": None, "printer_state": "ready",
              "software_version": "0.1.0"}  # fmt: skip
    first = store.add_event("kiosk.health", {**health, "at": "2026-11-25T09:00:00Z"})
    second = store.add_event("kiosk.health", {**health, "at": "2026-11-25T09:00:01Z"})
    assert uuid.UUID(first).version == 7 and first < second


def test_central_queues_its_records_with_such_ids(central, sim_kiosk):
    from central_api.db import write
    from central_api.workflow import queue_record

    with write(central.engine) as conn:
        record_id = queue_record(
            conn, sim_kiosk.kiosk_id, "request.status_changed",
            {"reference": "DZH1-00001", "status": "in_review"},
        )  # fmt: skip
    assert uuid.UUID(record_id).version == 7
