"""Quarantine is a waiting room, not a bin (issue 18, finding 3): an older kiosk keeps aside a
``document.revoked`` it does not know; once its software is updated the record is applied in
its order, and the revoked document is not handed over. Real ``central-api serve``, real
``kiosk-app`` processes; the older software is tests/old_kiosk.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database

from kiosk_app.store import migrations
from tests.test_kiosk_cli_real_central import FIELDS, kiosk_app

ROOT = Path(__file__).resolve().parent.parent


def older_kiosk_app(home: Path, *args: str) -> subprocess.CompletedProcess:
    """``kiosk-app ARGS`` as the software installed before ``document.revoked`` existed."""
    env = {**os.environ, "KIOSK_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("KIOSK_PRINTER", None)
    result = subprocess.run(
        [sys.executable, "-m", "tests.old_kiosk", "document.revoked", "--", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("central_database_url", ["sqlite"], indirect=True)
def test_a_revocation_an_older_kiosk_kept_aside_stops_the_handover_after_the_upgrade(
    central_server, central_cli, central_clerk, tmp_path
):
    base_url, _ = central_server
    home = tmp_path / "kiosk"
    token = central_cli("kiosk", "invite", "dzhulyunitsa").stdout.strip().splitlines()[-1]
    added = central_cli(
        "staff", "add", "dzhulyunitsa", "Донка", "Маринова", "--pin-stdin", input="482915\n"
    )
    staff_id = added.stdout.strip().splitlines()[-1]
    kiosk_app(home, "enroll", "--central", base_url, "--token", token)
    submitted = kiosk_app(home, "submit", "permanent-address-certificate", *[
        arg for field in FIELDS for arg in ("--field", field)
    ])  # fmt: skip
    reference = submitted.stdout.strip().splitlines()[-1]
    older_kiosk_app(home, "sync")
    central_cli("requests", "approve", reference, "--as", central_clerk)
    older_kiosk_app(home, "sync")  # the document arrives and is printed
    number = json.loads(kiosk_app(home, "status", reference, "--json").stdout)["document_number"]
    central_cli(
        "documents", "revoke", number, "--reason", "грешен адрес", "--as",
        central_clerk,
    )  # fmt: skip

    older_kiosk_app(home, "sync")
    kept = json.loads(older_kiosk_app(home, "quarantine", "--json").stdout)
    assert [(row["type"], row["waiting"]) for row in kept] == [("document.revoked", 1)]
    assert "unknown to this software" in kept[0]["reason"]

    # The software is updated: the first thing it does applies the record it kept aside.
    kiosk_app(home, "sync")
    assert json.loads(kiosk_app(home, "quarantine", "--json").stdout) == []
    (released,) = json.loads(kiosk_app(home, "quarantine", "--all", "--json").stdout)
    assert released["outcome"] == "applied" and released["released_at"]
    kiosk_app(home, "staff", "fee", reference, "--receipt", "0001234", "--staff", staff_id)
    refused = kiosk_app(home, "staff", "deliver", reference, "--staff", staff_id, ok=False)
    assert refused.returncode != 0 and "revoked" in refused.stderr
    status = json.loads(kiosk_app(home, "status", reference, "--json").stdout)
    assert status["status"] != "delivered"


def test_records_an_older_software_kept_aside_are_recognised_as_waiting_by_their_reason(tmp_path):
    db = Database(str(tmp_path / "old.db"))
    migrations.apply(db, stop_before="0004_quarantine_waiting")
    for record_id, reason in [
        ("r1", "record type staff.updated is unknown to this software; update it"),
        ("r2", "document.issued version 2 is newer than version 1 known to this software; "
               "update it"),
        ("r3", "request DZH1-00009 is unknown at this kiosk"),
    ]:  # fmt: skip
        db["quarantine"].insert(
            {"record_id": record_id, "direction": "down", "reason": reason, "record": "{}",
             "at": "2026-11-01T10:00:00Z", "type": "x"}
        )  # fmt: skip
    migrations.apply(db)
    waiting = {row["record_id"]: row["waiting"] for row in db["quarantine"].rows}
    assert waiting == {"r1": 1, "r2": 1, "r3": 0}


def test_records_kept_aside_apply_in_their_order_at_start_up(
    enrolled_kiosk, fake_central, monkeypatch
):
    from kiosk_app import queue_status, staff_actions, submission, sync_actions
    from sync import records
    from tests.fixtures_kiosk import VALID_FIELDS, issued_document_record

    reference = submission.submit_request(
        enrolled_kiosk, "permanent-address-certificate", VALID_FIELDS
    )
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    revoked = {
        "type": "document.revoked",
        "body": {"reference": reference, "number": "94-00-1/2026", "reason": "грешка"},
    }
    with monkeypatch.context() as older:  # the software before document.revoked existed
        older.delitem(records.RECORD_TYPES, "document.revoked")
        fake_central.queue_downlink([issued_document_record(reference), revoked])
        sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
        assert sync_actions.release_waiting(enrolled_kiosk)["still_waiting"] == 1
    assert queue_status.queue_state(enrolled_kiosk).waiting == 1
    (ready,) = staff_actions.ready_documents(enrolled_kiosk)
    assert ready.revoked_at is None  # the older software would hand it over

    released = sync_actions.release_waiting(enrolled_kiosk)  # what the app does at start-up
    assert [label.split()[0] for label in released["applied"]] == ["document.revoked"]
    (ready,) = staff_actions.ready_documents(enrolled_kiosk)
    assert ready.revoked_at is not None
    assert queue_status.queue_state(enrolled_kiosk).waiting == 0
    assert sync_actions.release_waiting(enrolled_kiosk)["applied"] == []  # once
