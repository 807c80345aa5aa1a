"""Personal data is kept only as long as needed (issue 16): at the kiosk, requests that ended
(delivered, rejected, cancelled) lose their personal data after the retention period and the
staff panel says what the kiosk holds; at central, `central-api purge` (a real process) applies
the municipality's records schedule and keeps the register of issued documents."""

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from central_api.db import read, write
from central_api.db.schema import documents, requests
from kiosk_app import queue_status, submission, sync_actions
from kiosk_app.exchange import purge_expired
from kiosk_app.store import store_for
from tests.fixtures_kiosk import VALID_FIELDS, issued_document_record
from tests.test_central_workflow import upload

ROOT = Path(__file__).resolve().parent.parent
SCHEDULE = ROOT / "deploy" / "profiles" / "records-schedule.toml"
SERVICE = "permanent-address-certificate"


def status_changed(reference: str, status: str) -> dict:
    return {"type": "request.status_changed", "body": {"reference": reference, "status": status}}


def test_ended_requests_lose_their_personal_data_after_retention_and_open_ones_keep_it(
    enrolled_kiosk, fake_central
):
    rejected, cancelled, waiting = (
        submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS) for _ in range(3)
    )
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    fake_central.queue_downlink(
        [
            status_changed(rejected, "rejected"),
            issued_document_record(rejected, "2026-000001"),  # the written refusal
            status_changed(cancelled, "cancelled"),
        ]
    )
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    printed = list(enrolled_kiosk.printed_dir.glob("*.pdf"))
    assert len(printed) == 1
    assert queue_status.personal_data(enrolled_kiosk)["with_personal_data"] == 3

    later = datetime.now(UTC) + timedelta(days=31)
    with store_for(enrolled_kiosk) as store:
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        copies = Path(store.path).read_bytes().count(VALID_FIELDS["egn"].encode())
        assert purge_expired(store, home=enrolled_kiosk.home) == []  # not yet: just ended
        purged = purge_expired(store, now=later, home=enrolled_kiosk.home)
        assert sorted(purged) == sorted([rejected, cancelled])
        assert store.request(waiting)["fields"]["egn"] == VALID_FIELDS["egn"]  # open: kept
        assert store.request(rejected)["fields"] is None
        left = Path(store.path).read_bytes().count(VALID_FIELDS["egn"].encode())
    assert copies >= 6 and left * 3 == copies  # only the open request's copies are left
    assert not printed[0].exists()  # the file printer's copy went with it
    held = queue_status.personal_data(enrolled_kiosk)
    assert held == {
        "with_personal_data": 1,
        "open": 1,
        "ended_waiting_purge": 0,
        "purged": 2,
        "oldest_submitted_at": held["oldest_submitted_at"],
        "retention_days": 30,
    }
    assert submission.request_status(enrolled_kiosk, rejected).status == "rejected"


def test_the_staff_panel_shows_what_the_kiosk_holds(qtbot, enrolled_kiosk):
    from kiosk_app.app import KioskApp

    submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    overview = KioskApp(enrolled_kiosk).staff_overview()
    assert overview["personal_data"]["with_personal_data"] == 1
    assert overview["personal_data"]["retention_days"] == 30


def central_api(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "central_api.cli", *args],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize("central_database_url", ["sqlite"], indirect=True)
def test_central_purges_by_the_records_schedule_and_keeps_the_register(
    central, central_env, central_client, central_cli, central_clerk, sim_kiosk
):
    old, recent = (sim_kiosk.submitted() for _ in range(2))
    upload(central_client, sim_kiosk, [old, recent])
    old_ref, recent_ref = old["body"]["reference"], recent["body"]["reference"]
    for reference in (old_ref, recent_ref):
        central_cli("requests", "reject", reference, "--reason", "Няма такъв адрес.", "--as",
                    central_clerk)  # fmt: skip
    six_years_ago = (datetime.now(UTC) - timedelta(days=6 * 365)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with write(central.engine) as conn:
        conn.execute(
            update(requests).where(requests.c.reference == old_ref).values(updated_at=six_years_ago)
        )
        register_before = conn.execute(select(func.count()).select_from(documents)).scalar()

    refused = central_api(central_env, "purge")
    assert refused.returncode == 1 and "records-schedule.toml" in refused.stderr

    shutil.copy(SCHEDULE, Path(central_env["CENTRAL_HOME"]) / "records-schedule.toml")
    dry = json.loads(central_api(central_env, "purge", "--dry-run", "--json").stdout)
    assert dry["references"] == [old_ref] and dry["dry_run"]
    done = central_api(central_env, "purge", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["references"] == [old_ref]

    with read(central.engine) as conn:
        rows = {
            row.reference: row
            for row in conn.execute(
                select(requests.c.reference, requests.c.fields, requests.c.status)
            )  # fmt: skip
        }
        register_after = conn.execute(select(func.count()).select_from(documents)).scalar()
    assert json.loads(rows[old_ref].fields) == {} and rows[old_ref].status == "rejected"
    assert json.loads(rows[recent_ref].fields) != {}  # within the schedule: kept
    assert register_after == register_before >= 2  # every refusal's document stays registered
    again = json.loads(central_api(central_env, "purge", "--json").stdout)
    assert again["references"] == []
