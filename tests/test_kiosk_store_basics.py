"""The kiosk store: migrations, settings, the request queue as history, and crash safety."""

import json
import os
import subprocess
import sys
import threading

import pytest

from kiosk_app import queue_status, submission
from kiosk_app.app import KioskApp
from kiosk_app.errors import (
    InvalidRequestError,
    KioskError,
    NotEnrolledError,
    UnknownServiceError,
)
from kiosk_app.store import KioskStore, migrations, open_store, store_for
from sync.catalogue import tier_fee_cents
from tests.fixtures_kiosk import VALID_FIELDS


def test_migrations_are_named_and_recorded(tmp_path):
    store = open_store(tmp_path / "kiosk.db")
    assert store.applied_migrations() == [m.name for m in migrations._migrations]
    assert store.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("pragma synchronous").fetchone()[0] == 2  # FULL
    store.close()


def test_opening_twice_applies_migrations_once(tmp_path):
    open_store(tmp_path / "kiosk.db").close()
    with open_store(tmp_path / "kiosk.db") as store:
        rows = store.db.execute("select count(*) from _sqlite_migrations").fetchone()[0]
        assert rows == len(migrations._migrations)
        migrations.apply(store.db)
        assert store.db.execute("select count(*) from _sqlite_migrations").fetchone()[0] == rows


def test_settings_keep_json_values():
    store = KioskStore.open(":memory:")
    store.set_setting("enrollment", {"kiosk_id": "merdanya-2", "kiosk_no": 2})
    store.set_setting("enrollment", {"kiosk_id": "merdanya-3", "kiosk_no": 3})
    assert store.get_setting("enrollment") == {"kiosk_id": "merdanya-3", "kiosk_no": 3}
    assert store.get_setting("missing", "default") == "default"


def test_a_failed_transaction_leaves_no_request_and_no_reference_used():
    store = KioskStore.open(":memory:")
    with pytest.raises(RuntimeError), store.transaction():
        reference = store.allocate_reference("DZH1")
        store.add_request(reference, "x", {"a": 1})
        raise RuntimeError("power cut in the middle")
    assert store.list_requests() == []
    with store.transaction():
        assert store.allocate_reference("DZH1") == "DZH1-00001"


def test_submit_needs_enrollment(kiosk_config):
    with pytest.raises(NotEnrolledError, match="enroll"):
        submission.submit_request(kiosk_config, "permanent-address-certificate", VALID_FIELDS)


def test_submitted_request_is_queued_with_its_event(enrolled_kiosk):
    reference = submission.submit_request(
        enrolled_kiosk, "permanent-address-certificate", VALID_FIELDS
    )
    assert reference == "DZH1-00001"
    status = submission.request_status(enrolled_kiosk, reference)
    assert (status.status, status.uploaded, status.document_ready) == ("queued", False, False)
    assert "egn" not in json.dumps(status.to_json())
    with store_for(enrolled_kiosk) as store:
        (event,) = store.events_of(reference)
        assert event["type"] == "request.submitted"
        assert event["body"]["fields"] == {**VALID_FIELDS, "phone": "+359888123456"}
        assert event["body"]["kiosk_id"] == "dzhulyunitsa-1"
        # The fee is due, at the amount of the tier the screens showed (central's catalogue).
        tier = event["body"]["tier"]
        (service,) = [
            s for s in store.catalogue()["services"] if s["id"] == event["body"]["service"]
        ]
        assert event["body"]["fee"] == {
            "status": "due",
            "amount_cents": tier_fee_cents(service, tier),
        }
        assert event["body"]["fee"]["amount_cents"] > 0
    assert queue_status.queue_state(enrolled_kiosk).queue_depth == 1


def test_references_count_up_per_kiosk(enrolled_kiosk):
    references = [
        submission.submit_request(enrolled_kiosk, "permanent-address-certificate", VALID_FIELDS)
        for _ in range(3)
    ]
    assert references == ["DZH1-00001", "DZH1-00002", "DZH1-00003"]


def test_incomplete_request_is_refused_with_the_missing_fields(enrolled_kiosk):
    fields = {k: v for k, v in VALID_FIELDS.items() if k != "phone"}
    with pytest.raises(InvalidRequestError) as caught:
        submission.submit_request(enrolled_kiosk, "permanent-address-certificate", fields)
    assert [p.field for p in caught.value.problems] == ["phone"]
    assert submission.list_requests(enrolled_kiosk) == []


def test_unknown_service_is_refused(enrolled_kiosk):
    with pytest.raises(UnknownServiceError, match="no-such-service"):
        submission.submit_request(enrolled_kiosk, "no-such-service", {})


def test_the_application_object_calls_the_same_functions(enrolled_kiosk):
    bound = KioskApp(enrolled_kiosk)
    reference = bound.submit_request("permanent-address-certificate", VALID_FIELDS)
    assert bound.request_status(reference) == submission.request_status(enrolled_kiosk, reference)
    with pytest.raises(AttributeError):
        bound.store_for  # noqa: B018 - internals are not part of the application's methods


CRASH_AFTER_SUBMIT = """
import os, sys
from pathlib import Path
from kiosk_app import queue_status, submission
from kiosk_app.app import KioskApp
from kiosk_app.config import KioskConfig
config = KioskConfig(home=Path(sys.argv[1]))
reference = submission.submit_request(config, "permanent-address-certificate", {fields!r})
print(reference, flush=True)
os.kill(os.getpid(), 9)  # no clean shutdown, no close, no atexit
"""


def test_a_submitted_request_survives_a_crash_right_after_submit(enrolled_kiosk):
    script = CRASH_AFTER_SUBMIT.format(fields=VALID_FIELDS)
    result = subprocess.run(
        [sys.executable, "-c", script, str(enrolled_kiosk.home)],
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    assert result.returncode == -9, result.stderr
    reference = result.stdout.strip()
    assert reference == "DZH1-00001"
    assert submission.request_status(enrolled_kiosk, reference).status == "queued"
    assert queue_status.queue_state(enrolled_kiosk).queue_depth == 1


def test_a_request_submitted_while_the_sync_loop_writes_waits_and_is_queued(enrolled_kiosk):
    """The screen (or `kiosk-app submit`) and `kiosk-app sync --daemon` write the same kiosk.db.
    A submit that meets the loop's open transaction waits for it instead of failing with
    "database is locked" after its number went into the journal (which would leave the store
    "behind" its journal for good)."""
    loop = KioskStore.open(enrolled_kiosk.db_path, create=False)
    loop.db.execute("BEGIN IMMEDIATE")
    loop.db.execute("update settings set value = value where key = 'enrollment'")
    submitted = {}

    def submit():
        try:
            submitted["reference"] = submission.submit_request(
                enrolled_kiosk, "permanent-address-certificate", VALID_FIELDS
            )
        except KioskError as exc:
            submitted["error"] = exc.message

    villager = threading.Thread(target=submit)
    villager.start()
    villager.join(timeout=1.0)  # reading the catalogue, then waiting for the write lock
    loop.db.execute("COMMIT")
    loop.close()
    villager.join(timeout=30)
    assert submitted == {"reference": "DZH1-00001"}
    with store_for(enrolled_kiosk) as store:
        assert store.check_not_behind() == 1
        assert [row["reference"] for row in store.list_requests()] == ["DZH1-00001"]
