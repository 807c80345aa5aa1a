"""Central ingest: requests/s arriving in bundles of 1,000 versus one HTTP POST per request.

Both halves run in the same run, against the same real `central-api serve` (gunicorn, SQLite in
WAL mode) on loopback, with the same kind of records. The baseline is the OpenRosa/ODK way: each
request travels alone in its own HTTP POST (here a one-record bundle, so it is signed, encrypted,
acknowledged and applied exactly like the bundled ones; only the batching differs).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

import sync

BIN = Path(sys.executable).parent
BUNDLES = 5
PER_BUNDLE = 1000
BASELINE_REQUESTS = 300
FIELDS = {
    "first_name": "Иванка",
    "middle_name": "Петрова",
    "last_name": "Колева",
    "egn": "7523169263",
    "id_document_number": "645123456",
    "phone": "+359888123456",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _record(prefix: str, n: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "type": "request.submitted",
        "at": "2026-11-25T09:00:00Z",
        "body": {
            "reference": f"{prefix}-{n:05d}",
            "service": "permanent-address-certificate",
            "village": "dzhulyunitsa",
            "tier": "ordinary",
            "submitted_at": "2026-11-25T09:00:00Z",
            "fields": FIELDS,
            "fee": {"status": "due"},
        },
    }


class _Central:
    def __init__(self, home: Path):
        self.env = dict(os.environ, CENTRAL_HOME=str(home))
        self.env.pop("DATABASE_URL", None)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        subprocess.run([BIN / "central-api", "init"], env=self.env, check=True, capture_output=True)
        self.process = subprocess.Popen(
            [BIN / "central-api", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).ok:
                    return
            except requests.RequestException:  # not listening yet, or still starting
                time.sleep(0.1)
        raise RuntimeError("central did not start")

    def enroll(self) -> tuple[sync.Identity, sync.PublicIdentity, int]:
        token = (
            subprocess.run(
                [BIN / "central-api", "kiosk", "invite", "dzhulyunitsa"],
                env=self.env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        kiosk = sync.Identity.generate("unenrolled")
        answer = requests.post(
            f"{self.url}/api/v1/enroll",
            json={"token": token, "identity": kiosk.public.to_json()},
            timeout=30,
        ).json()
        kiosk = sync.Identity(answer["kiosk_id"], kiosk.signing, kiosk.encryption)
        return kiosk, sync.PublicIdentity.from_json(answer["central"]), answer["kiosk_no"]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def _send(session, url, kiosk, central, seq, prev, records) -> str:
    data = sync.seal_bundle(kiosk, central, seq, prev, records)
    answer = session.post(
        f"{url}/api/v1/bundles",
        data=data,
        timeout=120,
        headers={"Content-Type": "application/octet-stream"},
    )
    answer.raise_for_status()
    keyring = sync.Keyring()
    keyring.add(central)
    receipt = sync.open_receipt(answer.content, keyring)
    statuses = {result["status"] for result in receipt.record_results}
    if statuses != {"applied"}:
        raise RuntimeError(f"records not applied: {receipt.record_results[:3]}")
    return sync.bundle_id(data)


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-central-") as tmp:
        central_process = _Central(Path(tmp) / "central")
        try:
            kiosk, central, kiosk_no = central_process.enroll()
            prefix = f"DZH{kiosk_no}"
            session = requests.Session()
            seq, prev, counter = 0, sync.GENESIS, 0

            start = time.perf_counter()
            for _ in range(BUNDLES):
                records = [_record(prefix, counter + i) for i in range(PER_BUNDLE)]
                counter += PER_BUNDLE
                seq += 1
                prev = _send(session, central_process.url, kiosk, central, seq, prev, records)
            bundled_rate = BUNDLES * PER_BUNDLE / (time.perf_counter() - start)

            start = time.perf_counter()
            for _ in range(BASELINE_REQUESTS):
                seq += 1
                prev = _send(
                    session,
                    central_process.url,
                    kiosk,
                    central,
                    seq,
                    prev,
                    [_record(prefix, counter)],
                )
                counter += 1
            baseline_rate = BASELINE_REQUESTS / (time.perf_counter() - start)
        finally:
            central_process.stop()
    ratio = bundled_rate / baseline_rate
    print(f"ingest, bundles of {PER_BUNDLE}: {bundled_rate:>9,.0f} requests/s (SQLite, over HTTP)")
    print(f"ingest, one POST per request: {baseline_rate:>9,.0f} requests/s (baseline)")
    print(f"ratio bundled / per-request:  {ratio:>9.1f}x")
    return {
        "central_ingest_bundled_requests_per_s": round(bundled_rate, 1),
        "central_ingest_per_request_requests_per_s": round(baseline_rate, 1),
        "central_ingest_ratio": round(ratio, 2),
    }


if __name__ == "__main__":
    run()
