"""Central ingest: requests/s arriving in bundles of 1,000 versus one HTTP POST per request.

Both halves run in the same run, against the same real `central-api serve` (gunicorn, SQLite in
WAL mode) on loopback, with the same kind of records. The baseline is the OpenRosa/ODK way: each
request travels alone in its own HTTP POST (here a one-record bundle, so it is signed, encrypted,
acknowledged and applied exactly like the bundled ones; only the batching differs).
"""

from __future__ import annotations

import datetime
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
from stdnum.bg import egn as stdnum_egn

import sync

BIN = Path(sys.executable).parent
BUNDLES = 5
PER_BUNDLE = 1000
BASELINE_REQUESTS = 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


FIRST_NAMES = ["Иванка", "Петър", "Мария", "Георги", "Стоянка", "Димитър", "Радка", "Христо"]
MIDDLE_NAMES = ["Петрова", "Иванов", "Георгиева", "Стоянов", "Николаева", "Василев"]
LAST_NAMES = ["Колева", "Петров", "Иванова", "Стоянов", "Димитрова", "Христов", "Николова"]


def _egn(n: int) -> str:
    """A valid ЕГН for someone born between 1930 and 1999, different for every ``n``."""
    born = datetime.date(1930, 1, 1) + datetime.timedelta(days=(n * 37) % 25_000)
    digits = f"{born:%y%m%d}{n % 1000:03d}"
    return digits + stdnum_egn.calc_check_digit(digits)


def _fields(n: int) -> dict:
    """A villager's answers: every request different, as a real backlog is."""
    return {
        "first_name": FIRST_NAMES[n % len(FIRST_NAMES)],
        "middle_name": MIDDLE_NAMES[(n // 8) % len(MIDDLE_NAMES)],
        "last_name": LAST_NAMES[n % len(LAST_NAMES)],
        "egn": _egn(n),
        "id_document_number": f"{645000000 + n:09d}",
        "phone": f"+35988{n % 10_000_000:07d}",
    }


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
            "fields": _fields(n),
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


class _Kiosk:
    """One enrolled kiosk's uplink stream: bundles are sealed before the clock starts, because
    sealing is the kiosk's work, done on its own machine (bench_protocol measures it)."""

    def __init__(self, identity, central, kiosk_no):
        self.identity, self.central, self.prefix = identity, central, f"DZH{kiosk_no}"
        self.seq, self.prev, self.counter = 0, sync.GENESIS, 0
        self.keyring = sync.Keyring()
        self.keyring.add(central)

    def seal(self, size: int) -> bytes:
        records = [_record(self.prefix, self.counter + i) for i in range(size)]
        self.counter += size
        self.seq += 1
        data = sync.seal_bundle(self.identity, self.central, self.seq, self.prev, records)
        self.prev = sync.bundle_id(data)
        return data

    def send(self, session, url, data) -> None:
        answer = session.post(
            f"{url}/api/v1/bundles",
            data=data,
            timeout=120,
            headers={"Content-Type": "application/octet-stream"},
        )
        answer.raise_for_status()
        receipt = sync.open_receipt(answer.content, self.keyring)
        statuses = {result["status"] for result in receipt.record_results}
        if statuses != {"applied"}:
            raise RuntimeError(f"records not applied: {receipt.record_results[:3]}")


def _rate(kiosk: _Kiosk, url: str, bundles: list[bytes], requests_sent: int) -> float:
    session = requests.Session()
    start = time.perf_counter()
    for data in bundles:
        kiosk.send(session, url, data)
    return requests_sent / (time.perf_counter() - start)


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-central-") as tmp:
        central_process = _Central(Path(tmp) / "central")
        try:
            kiosk = _Kiosk(*central_process.enroll())
            url = central_process.url
            kiosk.send(requests.Session(), url, kiosk.seal(PER_BUNDLE))  # warm the server up
            bundled = [kiosk.seal(PER_BUNDLE) for _ in range(BUNDLES)]
            one_by_one = [kiosk.seal(1) for _ in range(BASELINE_REQUESTS)]
            bundled_rate = _rate(kiosk, url, bundled, BUNDLES * PER_BUNDLE)
            baseline_rate = _rate(kiosk, url, one_by_one, BASELINE_REQUESTS)
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
