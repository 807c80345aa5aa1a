"""Many kiosks waiting at once: 5,000 signed long-polls on two central instances over PostgreSQL.

Everything on loopback: a throwaway PostgreSQL 15 cluster (tests/fixtures_postgres.py), two
central instances, each a ``central-api serve`` (gunicorn, for the uploads) and a
``central-api longpoll`` (the event-loop long-poll service nginx sends the downlink to), and
:data:`KIOSKS` lightweight kiosks in this process: asyncio + aiohttp, each with its own Ed25519
key, enrolled through :func:`central_api.onboarding.enroll_kiosk` (an invite each, in batches on
the database: tests/fleet.py), each call signed as the real kiosk signs it. Half the kiosks wait
on each instance (no nginx in between: it would add two sockets per kiosk, nothing else).

- **Memory per waiting kiosk**: the two long-poll services' resident memory with every kiosk
  waiting, minus before any waited, divided by the kiosks.
- **Decision to kiosk**: :data:`DECISIONS` clerks' decisions (``decisions.ask``, a question to
  the applicant, made here as the office makes it) on requests that kiosks uploaded, one after
  another while all kiosks wait; the time from the decision's call, and from its commit, to
  the kiosk holding the bundle with it: median and p95.
- **Errors**: every answer other than 200/204, and every failed connection, in all phases.
- **Reconnect after an outage**: every kiosk hangs up; meanwhile :data:`BACKLOG` records are
  queued for each; then all reconnect at once; the time until the last has its backlog, and
  how many calls failed (a failed kiosk tries again after a second, as the sync daemon does).

Bounded: each phase has a time limit and the kiosks are a fixed number. Run: ``python -m
bench.run bench_longpoll``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import requests

from sync.engine import LONG_POLL_SECONDS

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "deploy" / "profiles" / "lyaskovets.toml"
KIOSKS = 5000
DECISIONS = 100
BACKLOG = 3  # records queued for each kiosk while it is away
WAIT = LONG_POLL_SECONDS  # seconds a long-poll is held, as the sync daemon asks (120)
LONGPOLL_THREADS = 8
PHASE_LIMIT = 180  # seconds any one phase may take
RAMP_LIMIT = 120  # seconds for every kiosk to be waiting at once
TICKS = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cpu_s(pid: int, waited_children: bool = False) -> float:
    """CPU seconds (user + system) of ``pid`` and its live children; with ``waited_children``
    also of the children it has reaped (PostgreSQL's backends come and go)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if waited_children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / TICKS + sum(_cpu_s(int(child)) for child in children)


class _Cpu:
    """CPU seconds per phase: the bench's own process (the simulated kiosks, and the clerk's
    decisions and the backlog queued in its threads), the two long-poll services, the two
    gunicorns and PostgreSQL; and the load average, sampled."""

    def __init__(self, instances, postmaster: int):
        self.groups = {
            "kiosks_and_bench": lambda: time.process_time(),
            "longpoll_services": lambda: sum(_cpu_s(i.longpoll_pid) for i in instances),
            "gunicorn": lambda: sum(_cpu_s(i.processes[0].pid) for i in instances),
            "postgresql": lambda: _cpu_s(postmaster, waited_children=True),
        }
        self.phases: dict[str, dict] = {}
        self.loads: list[float] = []
        self._mark = self._now()

    def _now(self) -> dict:
        return {"wall": time.monotonic(), **{k: f() for k, f in self.groups.items()}}

    def phase(self, name: str) -> None:
        """Close the phase that ran since the last call, as ``name``."""
        now = self._now()
        self.phases[name] = {k: round(now[k] - self._mark[k], 1) for k in now}
        self._mark = now

    async def sample_load(self) -> None:
        while True:
            self.loads.append(os.getloadavg()[0])
            await asyncio.sleep(5)


def _postmaster_pid(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        data = conn.execute(text("SHOW data_directory")).scalar()
    engine.dispose()
    return int((Path(data) / "postmaster.pid").read_text().split()[0])


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class _Instance:
    """One central instance: gunicorn (serve) and the long-poll service, on one home."""

    def __init__(self, env: dict):
        self.env = env
        self.serve_port, self.longpoll_port = _free_port(), _free_port()
        self.url = f"http://127.0.0.1:{self.serve_port}"
        self.longpoll_url = f"http://127.0.0.1:{self.longpoll_port}"
        cli = [sys.executable, "-m", "central_api.cli"]
        serve = [*cli, "serve", "--port", str(self.serve_port), "--workers", "1"]
        longpoll = [*cli, "longpoll", "--port", str(self.longpoll_port)]
        self.processes = [
            subprocess.Popen(
                argv + (["--threads", str(LONGPOLL_THREADS)] if "longpoll" in argv else []),
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            for argv in (serve, longpoll)
        ]

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 300  # a loaded machine starts gunicorn slowly
        for url in (self.url, self.longpoll_url):
            while True:
                try:
                    if requests.get(f"{url}/healthz", timeout=5).ok:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} did not start")
                time.sleep(0.2)

    @property
    def longpoll_pid(self) -> int:
        return self.processes[1].pid

    def waiting(self) -> int:
        return requests.get(f"{self.longpoll_url}/healthz", timeout=10).json()["waiting"]

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


class _Fleet:
    """The simulated kiosks: each loops on its long-poll, noting when each bundle arrived."""

    def __init__(self, kiosks, instances):
        self.kiosks = kiosks
        self.base = {k.party_id: instances[i % 2].longpoll_url for i, k in enumerate(kiosks)}
        self.after = {k.party_id: 0 for k in kiosks}
        self.arrivals: dict[str, list[float]] = {k.party_id: [] for k in kiosks}
        self.errors: list[str] = []
        self.tasks: list[asyncio.Task] = []

    async def _loop(self, session, kiosk) -> None:
        from tests.fleet import long_poll

        while True:
            try:
                status, body = await long_poll(
                    session, self.base[kiosk.party_id], kiosk, self.after[kiosk.party_id], WAIT
                )
            except (aiohttp.ClientError, TimeoutError) as exc:
                self.errors.append(f"{kiosk.party_id}: {type(exc).__name__}")
                await asyncio.sleep(1)
                continue
            if status == 200 and body:
                self.after[kiosk.party_id] += 1  # downlink seqs are consecutive
                self.arrivals[kiosk.party_id].append(time.monotonic())
            elif status != 204:
                self.errors.append(f"{kiosk.party_id}: HTTP {status}")
                await asyncio.sleep(1)

    def start(self, session) -> None:
        self.tasks = [asyncio.create_task(self._loop(session, k)) for k in self.kiosks]

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks = []


async def _until(predicate, limit: float, what: str) -> float:
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > limit:
            raise RuntimeError(f"timed out: {what}")
        await asyncio.sleep(0.2)
    return time.monotonic() - started


def _upload_requests(central, kiosks, instance) -> list[tuple[str, str]]:
    """One request from each of ``kiosks``, uploaded in a signed bundle: (kiosk id, reference)."""
    from bench.bench_central import VILLAGES, _Kiosk

    uploaded = []
    with requests.Session() as session:
        for kiosk in kiosks:
            village, _, number = kiosk.party_id.rpartition("-")
            stream = _Kiosk(kiosk, central.identity.public, village, int(number))
            stream.send(session, instance.url, stream.seal(1))
            uploaded.append((kiosk.party_id, f"{VILLAGES[village]}{number}-00000"))
    return uploaded


async def _measure(central, fleet_ids, instances, cpu: _Cpu) -> dict:
    from central_api import decisions
    from central_api.db import write
    from central_api.workflow import queue_record

    kiosks, sample = fleet_ids
    fleet = _Fleet(kiosks, instances)
    loop = asyncio.get_running_loop()
    rss_before = sum(_rss_kib(i.longpoll_pid) for i in instances)
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    timeout = aiohttp.ClientTimeout(total=WAIT + 90, sock_connect=60)

    async def waiting() -> int:
        counts = [await loop.run_in_executor(None, i.waiting) for i in instances]
        return sum(counts)

    sampler = asyncio.create_task(cpu.sample_load())
    cpu.phase("start")
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        fleet.start(session)
        # Ramp: until every kiosk waits at once, or RAMP_LIMIT; the peak is what is reported.
        started = time.monotonic()
        peak, peak_at, rss_peak = 0, 0.0, rss_before
        while time.monotonic() - started < RAMP_LIMIT and peak < KIOSKS:
            now_waiting = await waiting()
            if now_waiting > peak:
                peak, peak_at = now_waiting, time.monotonic() - started
                rss_peak = sum(_rss_kib(i.longpoll_pid) for i in instances)
            await asyncio.sleep(0.5)

        cpu.phase("ramp")
        from_call, from_commit, missed = [], [], 0
        decisions_started = time.monotonic()
        for kiosk_id, reference in sample:
            if time.monotonic() - decisions_started > PHASE_LIMIT:
                break
            arrived = len(fleet.arrivals[kiosk_id])
            called = time.monotonic()
            await loop.run_in_executor(
                None, decisions.ask, central.engine, reference, "Кой е поискал документа?", "clerk"
            )
            committed = time.monotonic()
            try:
                await _until(
                    lambda k=kiosk_id, n=arrived: len(fleet.arrivals[k]) > n, 30, "a decision"
                )
            except RuntimeError:
                missed += 1
                continue
            at = fleet.arrivals[kiosk_id][arrived]
            from_call.append(at - called)
            from_commit.append(at - committed)
            await asyncio.sleep(0.2)
        steady_errors = len(fleet.errors)
        waiting_during_decisions = await waiting()
        cpu.phase("decisions")

        # The outage: every kiosk hangs up; a backlog is queued for each meanwhile.
        await fleet.stop()
        await _until(lambda: not any(i.waiting() for i in instances), 120, "hang-ups seen")
        received = {k: len(v) for k, v in fleet.arrivals.items()}

        def queue_backlog():
            ids = [k.party_id for k in kiosks]
            for start in range(0, len(ids), 500):
                with write(central.engine) as conn:
                    for kiosk_id in ids[start : start + 500]:
                        for _ in range(BACKLOG):
                            queue_record(conn, kiosk_id, "settings.updated", {"retention_days": 20})

        await loop.run_in_executor(None, queue_backlog)
        cpu.phase("outage_and_backlog_queued")
        errors_before = len(fleet.errors)
        reconnect_at = time.monotonic()
        fleet.start(session)
        with contextlib.suppress(RuntimeError):  # reported below: how many, and when
            await _until(
                lambda: all(len(fleet.arrivals[k]) > received[k] for k in received),
                PHASE_LIMIT,
                "every backlog served",
            )
        served = [fleet.arrivals[k][received[k]] - reconnect_at
                  for k in received if len(fleet.arrivals[k]) > received[k]]  # fmt: skip
        reconnect_errors = len(fleet.errors) - errors_before
        cpu.phase("reconnect")
        await fleet.stop()
    sampler.cancel()
    return {
        "longpoll_kiosks": KIOSKS,
        "longpoll_peak_waiting_at_once": peak,
        "longpoll_peak_reached_after_s": round(peak_at, 1),
        "longpoll_waiting_during_decisions": waiting_during_decisions,
        "longpoll_memory_per_waiting_kiosk_kib": round((rss_peak - rss_before) / max(peak, 1), 1),
        "longpoll_services_rss_mib": round(rss_peak / 1024, 1),
        "longpoll_decisions": len(from_call),
        "longpoll_decisions_missed_30s": missed,
        "longpoll_decision_to_kiosk_median_s": round(statistics.median(from_call), 3),
        "longpoll_decision_to_kiosk_p95_s": round(statistics.quantiles(from_call, n=20)[-1], 3),
        "longpoll_commit_to_kiosk_median_s": round(statistics.median(from_commit), 3),
        "longpoll_commit_to_kiosk_p95_s": round(statistics.quantiles(from_commit, n=20)[-1], 3),
        "longpoll_errors_while_waiting": steady_errors,
        "longpoll_reconnect_served": len(served),
        "longpoll_reconnect_served_within_60s": sum(t <= 60 for t in served),
        "longpoll_reconnect_all_served_s": round(max(served), 1) if served else None,
        "longpoll_reconnect_median_s": round(statistics.median(served), 1) if served else None,
        "longpoll_reconnect_errors": reconnect_errors,
        "longpoll_error_samples": fleet.errors[:5],
        "longpoll_load_average": [round(x, 2) for x in os.getloadavg()],
        "longpoll_load_average_during_run": {
            "min": round(min(cpu.loads), 1),
            "mean": round(statistics.mean(cpu.loads), 1),
            "max": round(max(cpu.loads), 1),
        },
        "longpoll_cpu_seconds_by_phase": cpu.phases,
    }


def run() -> dict:
    from central_api import users
    from central_api.config import load_config
    from central_api.context import Central
    from central_api.db import write
    from tests.fixtures_postgres import throwaway_cluster
    from tests.fleet import enroll_fleet

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = 2 * KIOSKS + 1000  # this process's sockets, and each service's half of them
    if hard < needed:
        raise RuntimeError(f"ulimit -n is {hard}: {needed} open files are needed")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, needed), hard))  # children inherit
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    bench_started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="bench-longpoll-") as tmp,
        throwaway_cluster(200) as url,
    ):
        home = Path(tmp) / "central"
        central = Central.from_config(
            load_config(environ={}, CENTRAL_HOME=str(home), DATABASE_URL=url)
        )
        central.initialise(PROFILE)
        with write(central.engine) as conn:
            users.add_user(conn, "clerk", "clerk", "correct horse battery")
        started = time.monotonic()
        kiosks = enroll_fleet(central.engine, KIOSKS)
        enrolled_in = time.monotonic() - started
        env = {**os.environ, "CENTRAL_HOME": str(home), "DATABASE_URL": url,
               "CENTRAL_KIOSK_RATE_LIMIT": "0", "PYTHONPATH": str(ROOT)}  # fmt: skip
        instances = [_Instance(env), _Instance(env)]
        try:
            for instance in instances:
                instance.wait_ready()
            step = KIOSKS // DECISIONS  # every step-th kiosk, on both instances alike
            chosen = [kiosks[j * step + j % 2] for j in range(DECISIONS)]
            sample = _upload_requests(central, chosen, instances[0])
            cpu = _Cpu(instances, _postmaster_pid(url))
            figures = asyncio.run(_measure(central, (kiosks, sample), instances, cpu))
        finally:
            for instance in instances:
                instance.stop()
            central.dispose()
    figures["longpoll_enrolled_in_s"] = round(enrolled_in, 1)
    figures["longpoll_load_average_at_start"] = load_at_start
    figures["longpoll_bench_took_s"] = round(time.monotonic() - bench_started, 1)
    for name, value in figures.items():
        print(f"   {name}: {value}")
    return figures
