"""A REAL ``central-api serve`` process: the kiosk's path over HTTP and over files.

One central serves the module (per database: ``module_central_server``); each test enrolls
kiosks of its own and looks only at their requests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import requests

from sync import open_receipt
from sync.request_auth import KioskRequestAuth
from sync.stick import bundle_file_name, write_atomically
from sync.transport import HttpTransport
from tests.fixtures_central import ROOT, SimKiosk, run_concurrently


def cli(env: dict, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "central_api.cli", *args],
        env={"PATH": "/usr/bin:/bin", **env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
    )


def invite(env: dict, village: str = "dzhulyunitsa") -> str:
    result = cli(env, "kiosk", "invite", village)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_invite_enroll_upload_approve_download_over_http(module_central_server):
    base_url, env = module_central_server.url, module_central_server.env
    transport = HttpTransport(base_url, timeout=30)
    kiosk = SimKiosk()
    kiosk.enrolled(transport.enroll(invite(env), kiosk.identity.public.to_json()))
    transport = HttpTransport(base_url, timeout=30, identity=kiosk.identity)  # signs from now on
    assert kiosk.kiosk_id == f"dzhulyunitsa-{kiosk.kiosk_no}"

    record = kiosk.submitted()
    data = kiosk.bundle([record])
    receipt = open_receipt(transport.upload_bundle(data), kiosk.keyring())
    assert receipt.record_results == [{"id": record["id"], "status": "applied"}]
    assert transport.upload_bundle(data) == receipt.raw  # a retry is a replay

    reference = record["body"]["reference"]
    approved = cli(env, "requests", "approve", reference, "--as", module_central_server.clerk)
    assert approved.returncode == 0, approved.stderr

    downlink = transport.fetch_downlink(kiosk.kiosk_id, 0)
    opened = kiosk.open(downlink)
    assert [r["type"] for r in opened.records] == ["request.status_changed", "document.issued"]
    transport.send_receipt(kiosk.receipt_for(downlink))
    assert transport.fetch_downlink(kiosk.kiosk_id, opened.seq) is None

    central_cli = module_central_server.cli()  # the same commands, in this process
    fleet = json.loads(central_cli("kiosk", "list", "--json").stdout)
    assert next(row for row in fleet if row["id"] == kiosk.kiosk_id)["last_contact"]
    listed = json.loads(central_cli("requests", "list", "--json").stdout)
    assert next(row for row in listed if row["reference"] == reference)["status"] == "issued"


def test_sequence_conflict_over_http_is_a_409_json_error(module_central_server):
    from sync import GENESIS, seal_bundle

    base_url = module_central_server.url
    kiosk = SimKiosk()
    token = module_central_server.invite("dzhulyunitsa")
    kiosk.enrolled(HttpTransport(base_url).enroll(token, kiosk.identity.public.to_json()))
    first = kiosk.bundle([kiosk.submitted()])
    signed = KioskRequestAuth(kiosk.identity)
    requests.post(
        f"{base_url}/api/v1/bundles", data=first, timeout=30, auth=signed
    ).raise_for_status()
    other = seal_bundle(kiosk.identity, kiosk.central, 1, GENESIS, [kiosk.submitted()])
    answer = requests.post(f"{base_url}/api/v1/bundles", data=other, timeout=30, auth=signed)
    assert answer.status_code == 409
    assert answer.json() == {
        "error": {
            "code": "sequence_conflict",
            "status": 409,
            "message": answer.json()["error"]["message"],
        }
    }


def test_concurrent_uploads_from_many_kiosks_lose_nothing(module_central_server):
    base_url = module_central_server.url
    kiosks = []
    for village in ("dzhulyunitsa", "kozarevets", "merdanya"):
        kiosk = SimKiosk()
        token = module_central_server.invite(village)
        kiosk.enrolled(HttpTransport(base_url).enroll(token, kiosk.identity.public.to_json()))
        kiosks.append(kiosk)

    def send(kiosk):
        transport = HttpTransport(base_url, identity=kiosk.identity)
        for _ in range(5):
            data = kiosk.bundle([kiosk.submitted() for _ in range(10)])
            for _attempt in range(2):  # each bundle twice: the second is a replay
                transport.upload_bundle(data)

    assert run_concurrently(send, kiosks, timeout=120) == []
    listed = json.loads(module_central_server.cli()("requests", "list", "--json").stdout)
    theirs = [row for row in listed if row["kiosk_id"] in {kiosk.kiosk_id for kiosk in kiosks}]
    assert len(theirs) == 150 and len({r["reference"] for r in theirs}) == 150


def test_the_same_path_with_files(module_central_server, tmp_path):
    env = module_central_server.env
    stick = tmp_path / "stick"
    kiosk = SimKiosk()
    kiosk.enrolled(
        HttpTransport(module_central_server.url).enroll(
            module_central_server.invite("dzhulyunitsa"), kiosk.identity.public.to_json()
        )
    )
    # From here on no network: bundles and receipts travel on the stick.
    record = kiosk.submitted()
    path = stick / bundle_file_name(kiosk.kiosk_id, "central", 1)
    write_atomically(path, kiosk.bundle([record]))
    imported = cli(env, "bundle", "import", str(path))
    assert imported.returncode == 0, imported.stderr
    receipt_path = imported.stdout.strip().splitlines()[-1]
    assert receipt_path.endswith(f"{kiosk.kiosk_id}-to-central-000001.vcr")
    receipt = open_receipt(Path(receipt_path).read_bytes(), kiosk.keyring())
    assert receipt.record_results[0]["status"] == "applied"

    reference = record["body"]["reference"]
    central_cli = module_central_server.cli()  # in process: the decision is not the point here
    central_cli("requests", "approve", reference, "--as", module_central_server.clerk)
    out = tmp_path / "to-kiosk"
    exported = cli(env, "bundle", "export", "--kiosk", kiosk.kiosk_id, "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        f"central-to-{kiosk.kiosk_id}-000001.vcb",
        f"{kiosk.kiosk_id}-to-central-000001.vcr",
    ]
    downlink = (out / names[0]).read_bytes()
    assert [r["type"] for r in kiosk.open(downlink).records][-1] == "document.issued"
    ack = out / f"central-to-{kiosk.kiosk_id}-000001.vcr"
    write_atomically(ack, kiosk.receipt_for(downlink))
    acknowledged = cli(env, "bundle", "import", str(ack))
    assert acknowledged.returncode == 0 and "acknowledged" in acknowledged.stdout
    again = cli(env, "bundle", "export", "--kiosk", kiosk.kiosk_id, "--out", str(tmp_path / "next"))
    assert ".vcb" not in again.stdout

    damaged = stick / "damaged.vcb"
    damaged.write_bytes(path.read_bytes()[:-10])
    refused = cli(env, "bundle", "import", str(damaged))
    assert refused.returncode == 1 and len(refused.stderr.strip().splitlines()) == 1
