"""kill -9, for real: of the kiosk's `kiosk-app sync --daemon` process at random moments, and of
`central-api serve` right after it committed a bundle but before its answer could arrive.
SIGTERM stops the daemon cleanly. After every trial: each request at central exactly once,
each document at its kiosk exactly once."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.netproxy import Faults, NetProxy
from kiosk_app import queue_status, sync_actions
from sync.errors import SyncError
from tests.sync_harness import CentralProcess, Kiosk, check_kiosk, converge

FAST_DISK = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
DAEMON_ARGS = ("--daemon", "--wait", "1", "--backoff-base", "0.05", "--backoff-cap", "0.3")


@pytest.fixture(scope="module")
def root():
    with tempfile.TemporaryDirectory(prefix="kills-", dir=FAST_DISK) as folder:
        yield Path(folder)


@pytest.fixture(scope="module")
def central(root):
    process = CentralProcess(root / "shared")
    process.start()
    yield process
    process.stop()


def kill_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=15)


def decide_some(central: CentralProcess, kiosk: Kiosk, rng: random.Random, most: int) -> None:
    waiting = [
        r["reference"] for r in central.requests_of(kiosk.kiosk_id) if r["status"] == "received"
    ]
    for reference in rng.sample(waiting, min(most, len(waiting))):
        central.decide(reference, rng)


@pytest.mark.parametrize("seed", range(4))
def test_kill_9_of_the_sync_daemon_at_random_moments_loses_and_duplicates_nothing(
    central, root, seed
):
    rng = random.Random(seed)
    with NetProxy(central.port, idle_timeout=10) as proxy:
        kiosk = Kiosk(root / f"kiosk-kill-{seed}", central, "merdanya", proxy.url)
        proxy.set_faults(Faults(cut_probability=0.25, duplicate_probability=0.3, seed=seed))
        for _ in range(rng.randint(12, 24)):
            kiosk.submit(rng)
        kills = 0
        for _ in range(2):
            daemon = kiosk.spawn_sync(*DAEMON_ARGS, "--max-records", str(rng.randint(1, 4)))
            try:
                time.sleep(rng.uniform(0.5, 2.0))
                decide_some(central, kiosk, rng, 3)
            finally:
                kill_group(daemon)
            kills += 1
            assert daemon.returncode == -signal.SIGKILL
        proxy.set_faults(Faults())
        converge(kiosk, proxy.url)
        decide_some(central, kiosk, rng, 30)
        converge(kiosk, proxy.url)
    assert check_kiosk(kiosk, central) == []
    assert kills == 2


def test_sigterm_stops_the_daemon_cleanly_while_it_waits_for_central(central, root):
    kiosk = Kiosk(root / "kiosk-term", central, "dragizhevo", central.url)
    kiosk.submit(random.Random(1))
    daemon = kiosk.spawn_sync("--daemon", "--wait", "20")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = queue_status.queue_state(kiosk.config)
            if state.queue_depth == 0 and (state.sync or {}).get("state") == "online":
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the daemon never went online")
        time.sleep(0.5)  # now it sits in the long-poll
        started = time.monotonic()
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=10) == 0
        assert time.monotonic() - started < 5
    finally:
        kill_group(daemon)
    log = (kiosk.home / "sync.log").read_text()
    assert "Sync loop ended (stopped)" in log and "Traceback" not in log
    assert queue_status.queue_state(kiosk.config).sync["state"] == "stopped"


def _count(central: CentralProcess, table, **where) -> int:
    from central_api.db import read

    query = select(func.count()).select_from(table)
    for name, value in where.items():
        query = query.where(table.c[name] == value)
    with read(central.engine) as conn:
        return conn.execute(query).scalar()


def _exchange_in_background(kiosk: Kiosk, url: str) -> threading.Thread:
    def run():
        with contextlib.suppress(SyncError):
            sync_actions.sync_now(kiosk.config, transport=kiosk.http(url, timeout=5), max_records=1)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _kill_when(central: CentralProcess, condition, timeout: float = 30) -> bool:
    """kill -9 central the moment ``condition()`` holds (it committed); False if it never did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            central.kill()
            return True
        time.sleep(0.005)
    return False


def test_central_killed_right_after_it_committed_loses_and_duplicates_nothing(central, root):
    """The module's central is the one killed (and started again each time), with a kiosk of
    its own: every count below is of that kiosk's rows."""
    from central_api.db.schema import inbound_bundles, outbound_bundles

    kiosk = Kiosk(root / "kiosk-central-kill", central, "kozarevets", central.url)
    for seed in range(2):
        rng = random.Random(100 + seed)
        for _ in range(rng.randint(3, 6)):
            kiosk.submit(rng)
        # Up: central commits bundle n of this exchange and dies before answering.
        before = _count(central, inbound_bundles, sender=kiosk.kiosk_id)
        target = before + rng.randint(1, 3)
        thread = _exchange_in_background(kiosk, central.url)
        _kill_when(
            central,
            lambda target=target: _count(central, inbound_bundles, sender=kiosk.kiosk_id) >= target,
        )
        thread.join(30)
        central.start()
        converge(kiosk, central.url)
        # Down: central seals a bundle of decisions for the kiosk and dies.
        decide_some(central, kiosk, rng, 3)
        sealed = _count(central, outbound_bundles, kiosk_id=kiosk.kiosk_id)
        thread = _exchange_in_background(kiosk, central.url)
        _kill_when(
            central,
            lambda sealed=sealed: (
                _count(central, outbound_bundles, kiosk_id=kiosk.kiosk_id) > sealed
            ),
            timeout=5,
        )
        thread.join(30)
        central.start()
        converge(kiosk, central.url)
        assert check_kiosk(kiosk, central) == [], f"seed {100 + seed}"
