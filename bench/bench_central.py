"""Central ingest: requests/s arriving in bundles of 1,000 versus one HTTP POST per request.

Both halves run in the same run, against the same real `central-api serve` (gunicorn, SQLite in
WAL mode, one worker process per core plus one, as deploy/gunicorn.conf.py starts) on loopback,
with the same kind of records: every request different, with valid answers that central checks
field by field. The baseline is the OpenRosa/ODK way: each request travels alone in its own HTTP
POST (here a one-record bundle, so it is signed, encrypted, acknowledged and applied exactly like
the bundled ones; only the batching differs).

Each half is measured twice: the five village kiosks sending at once (the headline figure: what
central takes in), and one kiosk alone (one stream, one request at a time). Bundles are sealed
before the clock starts: sealing is the kiosks' work, on their own machines (bench_protocol
measures it); the clock covers the HTTP round trip, central's work and reading the signed receipt.
"""

from __future__ import annotations

import datetime
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from stdnum.bg import egn as stdnum_egn

import sync
from sync.request_auth import KioskRequestAuth

BIN = Path(sys.executable).parent
PROFILE = Path(__file__).resolve().parent.parent / "deploy" / "profiles" / "lyaskovets.toml"
PER_BUNDLE = 1000
BUNDLES_EACH = 6  # per kiosk when the five send at once: 30,000 requests a round
BUNDLES_ALONE = 8
BASELINE_EACH = 30  # one-request POSTs per kiosk when the five send at once
BASELINE_ALONE = 100
ROUNDS = 3
THREADS = "4"
WORKERS = 2 * (os.cpu_count() or 1) + 1  # as deploy/gunicorn.conf.py
VILLAGES = {  # central_api.kiosks.VILLAGES: the reference prefix of each village
    "dzhulyunitsa": "DZH",
    "dobri-dyal": "DOB",
    "kozarevets": "KOZ",
    "dragizhevo": "DRA",
    "merdanya": "MER",
}


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
        "personal_number_kind": "egn",
        "personal_number": _egn(n),
        "phone": f"+35988{n % 10_000_000:07d}",
    }


def _record(village: str, prefix: str, n: int) -> dict:
    return {
        "id": sync.new_record_id(),  # as the kiosk makes them
        "type": "request.submitted",
        "at": "2026-11-25T09:00:00Z",
        "body": {
            "reference": f"{prefix}-{n:05d}",
            "service": "permanent-address-certificate",
            "village": village,
            "tier": "ordinary",
            "submitted_at": "2026-11-25T09:00:00Z",
            "fields": _fields(n),
            "fee": {"status": "due"},
        },
    }


class _Central:
    def __init__(self, home: Path):
        self.home = home
        self.env = dict(os.environ, CENTRAL_HOME=str(home))
        self.env.pop("DATABASE_URL", None)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        subprocess.run(
            [BIN / "central-api", "init", "--municipality", PROFILE],
            env=self.env,
            check=True,
            capture_output=True,
        )
        self.process = subprocess.Popen(
            [BIN / "central-api", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
            + ["--workers", str(WORKERS), "--threads", THREADS],
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

    def enroll(self, village: str) -> _Kiosk:
        token = (
            subprocess.run(
                [BIN / "central-api", "kiosk", "invite", village],
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
        central = sync.PublicIdentity.from_json(answer["central"])
        return _Kiosk(kiosk, central, village, answer["kiosk_no"])

    def requests_stored(self) -> int:
        with sqlite3.connect(self.home / "central.db") as db:
            return db.execute("SELECT count(*) FROM requests").fetchone()[0]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


class _Kiosk:
    """One enrolled kiosk's uplink stream: bundles are sealed before the clock starts, because
    sealing is the kiosk's work, done on its own machine (bench_protocol measures it)."""

    def __init__(self, identity, central, village, kiosk_no):
        self.identity, self.central, self.village = identity, central, village
        self.prefix = f"{VILLAGES[village]}{kiosk_no}"
        self.seq, self.prev, self.counter = 0, sync.GENESIS, 0
        self.keyring = sync.Keyring()
        self.keyring.add(central)
        self.sealed: dict[int, int] = {}  # requests in each list made by seal_many

    def seal(self, size: int) -> bytes:
        records = [_record(self.village, self.prefix, self.counter + i) for i in range(size)]
        self.counter += size
        self.seq += 1
        data = sync.seal_bundle(self.identity, self.central, self.seq, self.prev, records)
        self.prev = sync.bundle_id(data)
        return data

    def seal_many(self, count: int, size: int) -> list[bytes]:
        bundles = [self.seal(size) for _ in range(count)]
        self.sealed[id(bundles)] = count * size
        return bundles

    def send(self, session, url, data) -> None:
        answer = session.post(
            f"{url}/api/v1/bundles",
            data=data,
            timeout=120,
            headers={"Content-Type": "application/octet-stream"},
            auth=KioskRequestAuth(self.identity),  # every kiosk call is signed
        )
        answer.raise_for_status()
        receipt = sync.open_receipt(answer.content, self.keyring)
        statuses = {result["status"] for result in receipt.record_results}
        if statuses != {"applied"}:
            raise RuntimeError(f"records not applied: {receipt.record_results[:3]}")


def _rate(streams: list[tuple[_Kiosk, list[bytes]]], url: str) -> float:
    """Requests per second with every kiosk sending its bundles at once, each on its own
    connection, one bundle after the other (a kiosk waits for its receipt)."""
    errors: list[BaseException] = []

    def send_all(kiosk, bundles):
        try:
            session = requests.Session()  # one kept-alive connection, as sync.transport
            for data in bundles:
                kiosk.send(session, url, data)
        except BaseException as exc:  # reported below, after the other kiosks finish
            errors.append(exc)

    threads = [threading.Thread(target=send_all, args=stream) for stream in streams]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    elapsed = time.perf_counter() - start
    if errors or any(thread.is_alive() for thread in threads):
        raise RuntimeError(f"a kiosk's upload failed: {errors[:1]}")
    return sum(kiosk.sealed[id(bundles)] for kiosk, bundles in streams) / elapsed


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-central-") as tmp:
        central_process = _Central(Path(tmp) / "central")
        try:
            url = central_process.url
            kiosks = [central_process.enroll(village) for village in VILLAGES]
            for kiosk in kiosks:  # warm the workers up
                kiosk.send(requests.Session(), url, kiosk.seal_many(1, PER_BUNDLE)[0])
            figures, rounds = {}, {}
            # Rounds alternate so that each figure sees the database at every size; the
            # median round is the figure (this VM's speed wanders by ±20 % from run to run).
            for _ in range(ROUNDS):
                for name, count, size, together in (
                    ("bundled", BUNDLES_EACH, PER_BUNDLE, True),
                    ("bundled_one_kiosk", BUNDLES_ALONE, PER_BUNDLE, False),
                    ("per_request", BASELINE_EACH, 1, True),
                    ("per_request_one_kiosk", BASELINE_ALONE, 1, False),
                ):
                    senders = kiosks if together else kiosks[:1]
                    streams = [(kiosk, kiosk.seal_many(count, size)) for kiosk in senders]
                    rounds.setdefault(name, []).append(_rate(streams, url))
            figures = {name: statistics.median(rates) for name, rates in rounds.items()}
            stored = central_process.requests_stored()
        finally:
            central_process.stop()
    ratio = figures["bundled"] / figures["per_request"]
    for name, rates in rounds.items():
        print(f"   rounds of {name}: " + ", ".join(f"{rate:,.0f}" for rate in rates))
    print(
        f"ingest, five kiosks at once, bundles of {PER_BUNDLE}: {figures['bundled']:>8,.0f} requests/s"
    )
    print(
        f"ingest, five kiosks at once, one POST per request: {figures['per_request']:>8,.0f} requests/s"
    )
    print(f"ratio bundled / per-request:                       {ratio:>8.1f}x")
    print(
        f"ingest, one kiosk alone, bundles of {PER_BUNDLE}:      {figures['bundled_one_kiosk']:>8,.0f} requests/s"
    )
    print(
        f"ingest, one kiosk alone, one POST per request:      {figures['per_request_one_kiosk']:>8,.0f} requests/s"
    )
    return {
        "central_ingest_bundled_requests_per_s": round(figures["bundled"], 1),
        "central_ingest_per_request_requests_per_s": round(figures["per_request"], 1),
        "central_ingest_ratio": round(ratio, 2),
        "central_ingest_one_kiosk_bundled_requests_per_s": round(figures["bundled_one_kiosk"], 1),
        "central_ingest_one_kiosk_per_request_requests_per_s": round(
            figures["per_request_one_kiosk"], 1
        ),
        "central_ingest_kiosks": len(VILLAGES),
        "central_ingest_rounds": ROUNDS,
        "central_ingest_requests_stored_at_end": stored,
        "central_ingest_workers": WORKERS,
    }


if __name__ == "__main__":
    run()
