"""The real kiosk CLI against a real `central-api serve`: enroll, submit offline, sync, print."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def kiosk_app(home: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "KIOSK_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("KIOSK_PRINTER", None)
    result = subprocess.run(
        [sys.executable, "-m", "kiosk_app.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if ok and result.returncode != 0:
        raise AssertionError(f"kiosk-app {' '.join(args)} failed: {result.stderr}")
    return result


FIELDS = [
    "first_name=Иван",
    "middle_name=Петров",
    "last_name=Иванов",
    "personal_number_kind=egn",
    "personal_number=7523169263",
    "phone=0888123456",
]


@pytest.mark.parametrize("central_database_url", ["sqlite"], indirect=True)
def test_enroll_submit_offline_sync_approve_and_print(
    central_server, central_cli, central_clerk, tmp_path
):
    base_url, _ = central_server
    home = tmp_path / "kiosk"
    token = central_cli("kiosk", "invite", "dzhulyunitsa").stdout.strip().splitlines()[-1]

    enrolled = kiosk_app(home, "enroll", "--central", base_url, "--token", token, "--json")
    answer = json.loads(enrolled.stdout)
    assert answer["kiosk_id"] == "dzhulyunitsa-1"
    listed = json.loads(central_cli("kiosk", "list", "--json").stdout)
    assert listed[0]["fingerprint"] == answer["kiosk_fingerprint"]

    services = json.loads(kiosk_app(home, "services", "--json").stdout)
    assert "permanent-address-certificate" in [s["id"] for s in services]

    submitted = kiosk_app(home, "submit", "permanent-address-certificate", *[
        arg for field in FIELDS for arg in ("--field", field)
    ])  # fmt: skip
    reference = submitted.stdout.strip().splitlines()[-1]
    assert reference == "DZH1-00001"

    kiosk_app(home, "sync")
    status = json.loads(kiosk_app(home, "status", reference, "--json").stdout)
    assert status["status"] == "received"
    central_requests = json.loads(central_cli("requests", "list", "--json").stdout)
    assert [r["reference"] for r in central_requests] == [reference]

    central_cli("requests", "approve", reference, "--as", central_clerk)
    kiosk_app(home, "sync")
    status = json.loads(kiosk_app(home, "status", reference, "--json").stdout)
    assert status["status"] == "printed" and status["document_ready"]
    printed = list((home / "printed").glob("*.pdf"))
    assert len(printed) == 1 and printed[0].read_bytes().startswith(b"%PDF")


def test_sync_with_central_unreachable_fails_cleanly_and_keeps_the_request(tmp_path):
    from kiosk_app import submission
    from kiosk_app.config import KioskConfig
    from kiosk_app.enrollment import enroll
    from tests.fixtures_kiosk import VALID_FIELDS, FakeCentral

    home = tmp_path / "kiosk"
    config = KioskConfig(home=home)
    enroll(config, "http://127.0.0.1:9", "token", transport=FakeCentral())
    reference = submission.submit_request(config, "permanent-address-certificate", VALID_FIELDS)
    result = kiosk_app(home, "sync", ok=False)
    assert result.returncode != 0
    assert "cannot be reached" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    status = json.loads(kiosk_app(home, "status", reference, "--json").stdout)
    assert status["status"] == "queued"
