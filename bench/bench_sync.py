"""Sync over a village line: a 30-day backlog in bundles vs one POST per request, and how fast a
clerk's decision reaches an online kiosk.

The line is :class:`bench.netproxy.NetProxy` on loopback: 256 kbit/s each way and 600 ms round
trip, in front of a REAL ``central-api serve`` (SQLite, on tmpfs when there is one).

- **Backlog**: 900 realistic requests (a 30-day backlog of a village hall: several services,
  tiers, staff-checked identity, paid fees) queued offline, then one ``sync``: bundles of 500
  records, each sealed, compressed, uploaded and acknowledged by a signed receipt.
- **Baseline**: the same kiosk software sending ONE request per HTTP POST (a bundle of one
  record, answered by its own receipt: the ODK Collect way, with the same signatures and
  encryption, so that only the batching differs). 900 of them would take about ten minutes on
  this line, so a sample of ``BASELINE_SAMPLE`` requests is sent and the time, bytes and round
  trips are scaled linearly to 900 (each POST is independent: the cost per request is flat).
- **Decision latency**: a kiosk runs the sync loop (long-poll, ``wait`` 20 s) over the same
  line; a clerk rejects or asks about its requests one after another (100 decisions); the time
  from the decision's call to the kiosk's store showing the new status, median and p95.

Run: ``python -m bench.run bench_sync`` (or ``make bench``). Prints figures; asserts nothing.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bench.netproxy import NetProxy
from kiosk_app import queue_status, submission, sync_actions
from kiosk_app.daemon import DaemonSettings, SyncDaemon
from kiosk_app.store import store_for
from sync import Identity
from sync.errors import CentralUnreachableError
from sync.transport import HttpTransport

BACKLOG = 900
BASELINE_SAMPLE = 30
DECISIONS = 100
RATE_BPS = 256_000
RTT = 0.6
SERVICES = (
    ("permanent-address-certificate", ("ordinary", "fast", "express")),
    ("current-address-certificate", ("ordinary",)),
    ("birth-certificate-duplicate", ("ordinary", "fast")),
    ("marriage-certificate-duplicate", ("ordinary",)),
)
FAST_DISK = Path("/dev/shm") if Path("/dev/shm").is_dir() else None


class CountingTransport(HttpTransport):
    """HttpTransport counting its HTTP requests (each one round trip on a kept-alive line)."""

    calls = 0

    def _call(self, method, path, **kwargs):
        self.calls += 1
        return super()._call(method, path, **kwargs)


def submit_backlog(kiosk, count: int, rng: random.Random) -> list[str]:
    from tests.sync_harness import villager_fields

    references = []
    for n in range(count):
        service, tiers = SERVICES[n % len(SERVICES)]
        fields = villager_fields(rng)
        if rng.random() < 0.4:
            fields["email"] = f"villager{n}@abv.bg"
        paid = rng.random() < 0.6
        fee = {"status": "paid", "method": "cash", "receipt_number": f"К-{n:05d}"} if paid else None
        staff = {"staff_id": "staff-1", "id_document_number": f"64{rng.randrange(10**7):07d}"}
        references.append(
            submission.submit_request(
                kiosk.config, service, fields, staff=staff, fee=fee, tier=rng.choice(tiers)
            )
        )
    return references


def timed_sync(kiosk, central, max_records: int) -> dict:
    with NetProxy(central.port, rate_bps=RATE_BPS, rtt=RTT, idle_timeout=120) as proxy:
        transport = CountingTransport(
            proxy.url, timeout=120, identity=Identity.load(kiosk.config.keys_dir)
        )
        started = time.perf_counter()
        retries, uploaded, delivered = 0, [], 0
        for _ in range(5):
            # A kept-alive connection that central closed while the answer was on its way
            # fails the exchange (as on a real line); the next one resumes, as the daemon would.
            try:
                report = sync_actions.sync_now(
                    kiosk.config, transport=transport, max_records=max_records
                )
            except CentralUnreachableError:
                retries += 1
                continue
            uploaded += report.uploaded
            delivered += report.delivered_events
            if not queue_status.queue_state(kiosk.config).queue_depth:
                break
        seconds = time.perf_counter() - started
        with store_for(kiosk.config) as store:
            bundles = len(store.outbound_digest())
        time.sleep(0.2)  # let the proxy count the last bytes
        return {
            "seconds": seconds,
            "bytes": proxy.tally.bytes_up + proxy.tally.bytes_down,
            "round_trips": transport.calls,
            "connections": proxy.tally.connections,
            "bundles": bundles,
            "delivered": delivered,
            "retries": retries,
        }


def decision_latency(central, kiosk, references: list[str], rng: random.Random) -> list[float]:
    from central_api import decisions

    with NetProxy(central.port, rate_bps=RATE_BPS, rtt=RTT, idle_timeout=60) as proxy:
        daemon = SyncDaemon(
            kiosk.config,
            DaemonSettings(wait=20, backoff_base=0.2, backoff_cap=2),
            transport=kiosk.http(proxy.url, timeout=30),
        )
        thread = threading.Thread(target=daemon.run, daemon=True)
        thread.start()
        time.sleep(3)  # the loop settles into its long-poll
        latencies = []
        try:
            for n, reference in enumerate(references):
                started = time.perf_counter()
                if n % 2:
                    decisions.reject(
                        central.engine,
                        reference,
                        "Липсва пълномощно.",
                        "clerk",
                        signer=central.central.document_signer,
                    )
                    wanted = "rejected"
                else:
                    decisions.ask(central.engine, reference, "Кой е поискал документа?", "clerk")
                    wanted = "needs_info"
                deadline = started + 30
                while time.perf_counter() < deadline:
                    if submission.request_status(kiosk.config, reference).status == wanted:
                        latencies.append(time.perf_counter() - started)
                        break
                    time.sleep(0.01)
                time.sleep(rng.uniform(0.0, 0.6))
        finally:
            daemon.stop()
            thread.join(30)
    return latencies


def run() -> dict:
    from tests.sync_harness import CentralProcess, Kiosk

    rng = random.Random(2026)
    with tempfile.TemporaryDirectory(prefix="bench-sync-", dir=FAST_DISK) as folder:
        root = Path(folder)
        central = CentralProcess(root / "central", threads=8)
        central.start()
        try:
            batched_kiosk = Kiosk(root / "batched", central, "dzhulyunitsa", central.url)
            submit_backlog(batched_kiosk, BACKLOG, rng)
            batched = timed_sync(batched_kiosk, central, max_records=500)

            single_kiosk = Kiosk(root / "single", central, "kozarevets", central.url)
            submit_backlog(single_kiosk, BASELINE_SAMPLE, rng)
            sample = timed_sync(single_kiosk, central, max_records=1)
            scale = BACKLOG / BASELINE_SAMPLE
            baseline = {key: sample[key] * scale for key in ("seconds", "bytes", "round_trips")}

            online_kiosk = Kiosk(root / "online", central, "merdanya", central.url)
            references = submit_backlog(online_kiosk, DECISIONS, rng)
            sync_actions.sync_now(online_kiosk.config, transport=online_kiosk.http(central.url))
            latencies = decision_latency(central, online_kiosk, references, rng)
        finally:
            central.stop()

    latencies.sort()
    p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)] if latencies else None
    figures = {
        "sync_backlog_requests": BACKLOG,
        "sync_backlog_seconds": round(batched["seconds"], 2),
        "sync_backlog_bytes_on_wire": batched["bytes"],
        "sync_backlog_round_trips": batched["round_trips"],
        "sync_backlog_bundles": batched["bundles"],
        "sync_backlog_retries": batched["retries"],
        "sync_baseline_retries_in_sample": sample["retries"],
        "sync_baseline_seconds_per_request": round(sample["seconds"] / BASELINE_SAMPLE, 3),
        "sync_baseline_seconds_900_extrapolated": round(baseline["seconds"], 1),
        "sync_baseline_bytes_900_extrapolated": int(baseline["bytes"]),
        "sync_baseline_round_trips_900_extrapolated": int(baseline["round_trips"]),
        "sync_baseline_sample": BASELINE_SAMPLE,
        "sync_speedup_vs_baseline": round(baseline["seconds"] / batched["seconds"], 1),
        "decision_to_kiosk_decisions": DECISIONS,
        "decision_to_kiosk_missed_30s": DECISIONS - len(latencies),
        "decision_to_kiosk_median_s": round(statistics.median(latencies), 3) if latencies else None,
        "decision_to_kiosk_p95_s": round(p95, 3) if p95 is not None else None,
        "decision_to_kiosk_max_s": round(latencies[-1], 3) if latencies else None,
    }
    print(
        f"   backlog of {BACKLOG} over 256 kbit/s, 600 ms RTT: {batched['seconds']:.1f} s, "
        f"{batched['bytes']:,} bytes, {batched['round_trips']} round trips, "
        f"{batched['bundles']} bundles"
    )
    print(
        f"   baseline (one POST per request; {BASELINE_SAMPLE} sent, scaled to {BACKLOG}): "
        f"{baseline['seconds']:.0f} s, {int(baseline['bytes']):,} bytes, "
        f"{int(baseline['round_trips'])} round trips"
    )
    print(f"   batched is {figures['sync_speedup_vs_baseline']}x faster than the baseline")
    print(
        f"   decision to kiosk over {len(latencies)} decisions: median "
        f"{figures['decision_to_kiosk_median_s']} s, p95 {figures['decision_to_kiosk_p95_s']} s"
    )
    return figures


if __name__ == "__main__":
    run()
