"""`python -m tests.chaos N [--first-seed S] [--kiosks K] [--kills M]` (`make chaos N=...`).

Runs N seeded fault trials (tests/sync_harness.run_trial: a real central, kiosks exchanging
through a faulty proxy, crashes mid-exchange, clerks deciding meanwhile), then M trials that
kill -9 a real `kiosk-app sync --daemon` process at random moments, and prints the tally:
trials, cuts, duplicates, crashes, kills, requests, documents, failures. Exit status 1 if any
trial broke an invariant (each failing seed is printed, so it can be replayed).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

from bench.netproxy import Faults, NetProxy
from tests.sync_harness import (
    VILLAGES,
    CentralProcess,
    Kiosk,
    Tally,
    check_kiosk,
    converge,
    count_documents,
    run_trials_in_parallel,
)

FAST_DISK = Path("/dev/shm") if Path("/dev/shm").is_dir() else None


def kill_trial(seed: int, central: CentralProcess, root: Path, tally: Tally) -> None:
    rng = random.Random(seed)
    with NetProxy(central.port, idle_timeout=10) as proxy:
        kiosk = Kiosk(root / f"kill-{seed}", central, rng.choice(VILLAGES), proxy.url)
        proxy.set_faults(Faults(cut_probability=0.25, duplicate_probability=0.3, seed=seed))
        for _ in range(rng.randint(5, 20)):
            kiosk.submit(rng)
            tally.add(requests=1)
        for _ in range(rng.randint(1, 3)):
            daemon = kiosk.spawn_sync(
                "--daemon", "--wait", "1", "--backoff-base", "0.05", "--backoff-cap", "0.3",
                "--max-records", str(rng.randint(1, 4)),
            )  # fmt: skip
            time.sleep(rng.uniform(0.3, 2.5))
            waiting = [
                r["reference"]
                for r in central.requests_of(kiosk.kiosk_id)
                if r["status"] == "received"
            ]
            for reference in rng.sample(waiting, min(2, len(waiting))):
                central.decide(reference, rng)
            if daemon.poll() is None:
                os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait(timeout=15)
            tally.add(kills=1)
        tally.add(cuts=proxy.tally.cuts)
        tally.add(duplicates=proxy.tally.duplicates)
        proxy.set_faults(Faults())
        converge(kiosk, proxy.url)
    tally.add(trials=1)
    problems = check_kiosk(kiosk, central)
    if problems:
        tally.failures.append(f"kill seed {seed} ({kiosk.kiosk_id}): {'; '.join(problems)}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.chaos", description=__doc__)
    parser.add_argument("trials", type=int, nargs="?", default=500)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--kiosks", type=int, default=5)
    parser.add_argument("--kills", type=int, default=None, help="default: trials / 50")
    parser.add_argument("--json", action="store_true", help="print the tally as JSON")
    args = parser.parse_args(argv)
    kills = args.kills if args.kills is not None else max(1, args.trials // 50)
    tally = Tally()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="chaos-", dir=FAST_DISK) as folder:
        root = Path(folder)
        central = CentralProcess(root / "central")
        central.start()
        try:
            kiosks = [
                Kiosk(root / f"kiosk-{n}", central, VILLAGES[n % len(VILLAGES)], central.url)
                for n in range(args.kiosks)
            ]
            last = args.first_seed + args.trials
            for block in range(args.first_seed, last, 50):
                run_trials_in_parallel(range(block, min(block + 50, last)), central, kiosks, tally)
                print(f"... {tally.line()}", flush=True)
            for n in range(kills):
                kill_trial(1_000_000 + args.first_seed + n, central, root, tally)
            tally.documents = count_documents(central, kiosks)
        finally:
            central.stop()
    seconds = time.monotonic() - started
    if args.json:
        print(json.dumps({**tally.to_json(), "seconds": round(seconds, 1)}, ensure_ascii=False))
    else:
        print(f"{tally.line()} seconds={seconds:.0f}")
        for failure in tally.failures:
            print("FAILED", failure)
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
