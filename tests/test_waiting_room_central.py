"""Central's quarantine is a waiting room too (issue 18, finding 3): a record an older central
did not know waits, and the upgraded ``central-api serve`` applies it at start-up; a person sees
the quarantine on the command line and retries a record once its reason is fixed. Real
processes: the older central is tests/old_central.py (today's software whose registry forgets
``request.printed``), then the current ``central-api serve``, and a real ``kiosk-app``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from central_api import waiting_room
from central_api.db import read
from central_api.workflow import get_request
from tests.fixtures_central import ROOT, free_port, run_server, stop_server, wait_healthy
from tests.test_kiosk_cli_real_central import FIELDS, kiosk_app


def older_central_serve(env: dict, port: int, log) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.old_central", "request.printed", "--", "serve",
             "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


@pytest.mark.parametrize("central_database_url", ["sqlite"], indirect=True)
def test_a_record_an_older_central_kept_aside_applies_when_the_upgraded_central_starts(
    central, central_env, central_cli, central_clerk, tmp_path
):
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = tmp_path / "central.log"
    older = older_central_serve(central_env, port, log)
    try:
        wait_healthy(base_url, older, log)
        home = tmp_path / "kiosk"
        token = central_cli("kiosk", "invite", "dzhulyunitsa").stdout.strip().splitlines()[-1]
        kiosk_app(home, "enroll", "--central", base_url, "--token", token)
        submitted = kiosk_app(home, "submit", "permanent-address-certificate", *[
            arg for field in FIELDS for arg in ("--field", field)
        ])  # fmt: skip
        reference = submitted.stdout.strip().splitlines()[-1]
        kiosk_app(home, "sync")
        central_cli("requests", "approve", reference, "--as", central_clerk)
        kiosk_app(home, "sync")  # printed at the kiosk; the older central keeps request.printed
    finally:
        stop_server(older)
    kept = json.loads(central_cli("quarantine", "list", "--json").stdout)
    assert [(row["type"], row["waiting"]) for row in kept] == [("request.printed", True)]
    listed = central_cli("quarantine", "list").stdout
    assert "request.printed" in listed and "waits for an update" in listed
    (request,) = json.loads(central_cli("requests", "list", "--json").stdout)
    assert request["status"] == "issued"

    upgraded = run_server(central_env, port, log)  # today's software, same database
    try:
        wait_healthy(base_url, upgraded, log)
    finally:
        stop_server(upgraded)
    assert json.loads(central_cli("quarantine", "list", "--json").stdout) == []
    (released,) = json.loads(central_cli("quarantine", "list", "--all", "--json").stdout)
    assert released["outcome"] == "applied" and released["released_at"]
    (request,) = json.loads(central_cli("requests", "list", "--json").stdout)
    assert request["status"] == "printed"


def test_a_person_retries_a_refused_record_once_its_cause_is_gone(
    central, central_cli, sim_kiosk, central_client
):
    reference = sim_kiosk.next_reference()
    paid = sim_kiosk.record(
        "request.fee_paid",
        {"reference": reference, "method": "cash", "receipt_number": "0001234",
         "staff_id": "dzhulyunitsa-1", "at": "2026-11-25T09:20:00Z"},
    )  # fmt: skip
    answer = central_client.post("/api/v1/bundles", data=sim_kiosk.bundle([paid]))
    assert answer.status_code == 200
    (row,) = json.loads(central_cli("quarantine", "list", "--json").stdout)
    assert row["waiting"] is False and reference in row["reason"]

    again = central_cli("quarantine", "retry", str(row["id"]), ok=False)
    assert again.exit_code == 1 and "Refused again" in again.stdout
    missing = central_cli("quarantine", "retry", "999", ok=False)
    assert missing.exit_code != 0 and "No quarantined record 999" in missing.stderr

    # The request itself arrives (after a restore, say): the retry now applies the payment.
    submitted = sim_kiosk.submitted(reference=reference)
    assert (
        central_client.post("/api/v1/bundles", data=sim_kiosk.bundle([submitted])).status_code
        == 200
    )
    applied = json.loads(central_cli("quarantine", "retry", str(row["id"]), "--json").stdout)
    assert applied["applied"] == [paid["id"]]
    with read(central.engine) as conn:
        assert waiting_room.list_quarantine(conn) == []
    with read(central.engine) as conn:
        assert get_request(conn, reference)["fee_status"] == "paid"
    already = central_cli("quarantine", "retry", str(row["id"]), ok=False)
    assert "already applied" in already.stderr


def test_the_office_shows_the_quarantine_with_reasons_and_retries_a_record(
    central, office_client, sim_kiosk, central_client
):
    reference = sim_kiosk.next_reference()
    paid = sim_kiosk.record(
        "request.fee_paid",
        {"reference": reference, "method": "cash", "receipt_number": "0001234",
         "staff_id": "dzhulyunitsa-1", "at": "2026-11-25T09:20:00Z"},
    )  # fmt: skip
    central_client.post("/api/v1/bundles", data=sim_kiosk.bundle([paid]))
    assert office_client("clerk").get("/office/quarantine").status_code == 403
    admin = office_client("admin")
    page = admin.get("/office/quarantine").get_data(as_text=True)
    assert "Карантина" in page and "request.fee_paid" in page and reference in page
    with read(central.engine) as conn:
        (row,) = waiting_room.list_quarantine(conn)

    refused = admin.post(f"/office/quarantine/{row['id']}/retry", follow_redirects=True)
    assert "Записът отново е отказан" in refused.get_data(as_text=True)
    submitted = sim_kiosk.submitted(reference=reference)
    central_client.post("/api/v1/bundles", data=sim_kiosk.bundle([submitted]))
    applied = admin.post(f"/office/quarantine/{row['id']}/retry", follow_redirects=True)
    text = applied.get_data(as_text=True)
    assert f"Записът {paid['id']} е приложен" in text and "Няма отказани записи" in text
    shown = admin.get("/office/quarantine?all=1").get_data(as_text=True)
    assert "Приложен" in shown and paid["id"] in shown
