"""What the sync fault tests, `python -m tests.chaos` and the sync benchmark share.

- :class:`CentralProcess`: a REAL ``central-api serve`` subprocess on loopback with its own home
  (SQLite), plus an in-process handle on the same database for what a clerk does (invites,
  decisions) and for reading the truth back (requests, documents).
- :class:`Kiosk`: a kiosk home enrolled with that central, driven in-process through
  ``kiosk_app.submission`` / ``kiosk_app.sync_actions`` (the same code the daemon runs), or as a ``kiosk-app`` subprocess.
- :func:`run_trial`: one seeded fault trial (submit, decide, exchange through a faulty
  :class:`bench.netproxy.NetProxy`, crash in the middle, converge) and :func:`check_kiosk`, the
  invariants: every request at central exactly once, every document at its kiosk exactly once.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests as http
from sqlalchemy import func, select

from bench.netproxy import Faults, NetProxy
from sync.errors import SyncError
from sync.transport import HttpTransport

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVICE = "permanent-address-certificate"
VILLAGES = ("dzhulyunitsa", "dobri-dyal", "kozarevets", "dragizhevo", "merdanya")
FIRST_NAMES = ("Иван", "Мария", "Георги", "Елена", "Петър", "Йорданка", "Стефан", "Росица")
LAST_NAMES = ("Петров", "Иванова", "Димитров", "Колева", "Стоянов", "Николова", "Христов")
VALID_EGNS = ("7523169263", "0550290476")
CLERK = "clerk"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def villager_fields(rng: random.Random) -> dict:
    return {
        "first_name": rng.choice(FIRST_NAMES),
        "middle_name": rng.choice(FIRST_NAMES) + "ов",
        "last_name": rng.choice(LAST_NAMES),
        "personal_number_kind": "egn",
        "personal_number": rng.choice(VALID_EGNS),
        "phone": f"088{rng.randrange(10**7):07d}",
    }


class CentralProcess:
    """A real central server (``python -m central_api.cli serve``) and its database."""

    def __init__(
        self,
        root: Path,
        workers: int = 2,
        threads: int = 8,
        code_root: Path = ROOT,
        initialise: bool = True,
        database_url: str | None = None,
    ):
        from central_api.config import load_config
        from central_api.context import Central

        self.root = root
        self.home = root / "central"
        self.workers, self.threads = workers, threads
        self.code_root = code_root  # where the server's code is read from
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = root / "central.log"
        self.process: subprocess.Popen | None = None
        self.database_url = database_url  # None: SQLite in the home
        database = {"DATABASE_URL": database_url} if database_url else {}
        self.central = Central.from_config(
            load_config(environ={}, CENTRAL_HOME=str(self.home), **database)
        )
        if not initialise:  # a second server on a home another one initialised
            return
        self.central.initialise(ROOT / "deploy/profiles/lyaskovets.toml")
        from central_api import officials, users
        from central_api.db import write
        from tests.fixtures_registers import import_register

        with write(self.central.engine) as conn:
            users.add_user(conn, CLERK, "clerk", "correct horse battery")
            officials.add_official(
                conn,
                user_name=CLERK,
                names="Мария Георгиева Петрова",
                title="Кмет на Община Лясковец",
                order=None,
                services="all",
                by="admin:test",
            )
        import_register(self.central.engine)  # the villagers of VALID_EGNS live there

    @property
    def engine(self):
        return self.central.engine

    def env(self) -> dict:
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        env.update(
            CENTRAL_HOME=str(self.home),
            CENTRAL_KIOSK_RATE_LIMIT="0",
            PYTHONPATH=str(self.code_root),
        )
        return env

    def start(self, timeout: float = 60) -> None:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "central_api.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(self.workers),
                    "--threads",
                    str(self.threads),
                ],  # fmt: skip
                env=self.env(),
                cwd=self.code_root,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("central exited: " + self.log.read_text(errors="replace"))
            try:
                if http.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except http.RequestException:
                pass
            time.sleep(0.1)
        raise AssertionError("central did not become healthy")

    @contextlib.contextmanager
    def serving_in_process(self):
        """Central's app over HTTP at ``url``, from a thread of this process (werkzeug) instead
        of a ``central-api serve``: for a test's set-up, where the server is not the point."""
        from werkzeug.serving import make_server

        from central_api import create_app
        from central_api.config import sqlite_url

        database = self.database_url or sqlite_url(self.home)
        app = create_app({"CENTRAL_HOME": str(self.home), "DATABASE_URL": database})
        server = make_server("127.0.0.1", self.port, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
            app.extensions["central"].dispose()

    def kill(self) -> None:
        """kill -9 the whole server (master and workers), as a power cut would."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # Quick shutdown (gunicorn's SIGQUIT); a worker still holding the long-poll of a
            # kiosk that is gone would keep it up to 10 s more, so the test kills it after 2 s
            # (everything committed is on disk either way).
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None
        self.central.dispose()

    # -- what clerks do, and the truth -----------------------------------------------------

    def invite(self, village: str) -> str:
        from central_api import kiosks
        from central_api.db import write

        with write(self.engine) as conn:
            return kiosks.create_invite(conn, village)

    def requests_of(self, kiosk_id: str) -> list[dict]:
        from central_api.db import read
        from central_api.db.schema import requests

        with read(self.engine) as conn:
            rows = conn.execute(
                select(requests.c.reference, requests.c.status).where(
                    requests.c.kiosk_id == kiosk_id
                )
            ).all()
        return [{"reference": row.reference, "status": row.status} for row in rows]

    def documents_of(self, kiosk_id: str) -> dict[str, str]:
        from central_api.db import read
        from central_api.db.schema import documents, requests

        with read(self.engine) as conn:
            rows = conn.execute(
                select(documents.c.number, documents.c.sha256)
                .join(requests, requests.c.reference == documents.c.reference)
                .where(requests.c.kiosk_id == kiosk_id)
            ).all()
        return {row.number: row.sha256 for row in rows}

    def quarantined_from(self, kiosk_id: str) -> int:
        from central_api.db import read
        from central_api.db.schema import quarantined_records

        with read(self.engine) as conn:
            return conn.execute(
                select(func.count()).where(quarantined_records.c.sender == kiosk_id)
            ).scalar()

    def decide(self, reference: str, rng: random.Random) -> str:
        """A clerk approves (issuing the document) or rejects; the decision taken."""
        from central_api import decisions

        if rng.random() < 0.7:
            decisions.approve(self.engine, reference, CLERK, signer=self.central.document_signer)
            return "approved"
        decisions.reject(
            self.engine,
            reference,
            "Липсва документ за самоличност.",
            CLERK,
            signer=self.central.document_signer,
        )
        return "rejected"


class Kiosk:
    """A kiosk home enrolled with a central (through ``url``: the proxy or central itself)."""

    def __init__(self, home: Path, central: CentralProcess, village: str, url: str):
        from kiosk_app.config import KioskConfig
        from kiosk_app.enrollment import enroll

        self.config = KioskConfig(home=home, printer=None, http_timeout=10.0)
        token = central.invite(village)
        self.kiosk_id = enroll(self.config, url, token).kiosk_id
        self.home = home

    def http(self, url: str, timeout: float = 30) -> HttpTransport:
        """An HTTP transport to ``url`` that signs as this kiosk, as its own sync does."""
        from sync import Identity

        return HttpTransport(url, timeout=timeout, identity=Identity.load(self.config.keys_dir))

    def submit(self, rng: random.Random) -> str:
        from kiosk_app import submission

        return submission.submit_request(self.config, SERVICE, villager_fields(rng))

    def references(self) -> list[str]:
        from kiosk_app import submission

        return [row.reference for row in submission.list_requests(self.config)]

    def documents(self) -> list[dict]:
        from kiosk_app.store import store_for

        with store_for(self.config) as store:
            return store.documents()

    def printed_files(self) -> list[Path]:
        return sorted((self.home / "printed").glob("*.pdf"))

    def env(self, **extra) -> dict:
        env = dict(os.environ, KIOSK_HOME=str(self.home), PYTHONPATH=str(ROOT))
        env.pop("KIOSK_PRINTER", None)
        env.update(extra)
        return env

    def spawn_sync(self, *args: str, log: Path | None = None) -> subprocess.Popen:
        out = open(log or self.home / "sync.log", "ab")  # noqa: SIM115 - the child keeps it
        try:
            return subprocess.Popen(
                [str(BIN / "kiosk-app"), "sync", *args],
                env=self.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            out.close()


def converge(kiosk: Kiosk, url: str, rounds: int = 8) -> None:
    """Exchange over a clean line until nothing moves (bounded)."""
    from kiosk_app import sync_actions

    transport = kiosk.http(url, timeout=30)
    for _ in range(rounds):
        report = sync_actions.sync_now(kiosk.config, transport=transport)
        if not (report.uploaded or report.downlink_bundles or report.receipts_sent):
            return
    raise AssertionError(f"{kiosk.kiosk_id} did not settle in {rounds} exchanges")


def check_kiosk(kiosk: Kiosk, central: CentralProcess) -> list[str]:
    """The invariants; a list of what is wrong (empty when all holds)."""
    from kiosk_app import queue_status

    problems = []
    at_kiosk = kiosk.references()
    at_central = [row["reference"] for row in central.requests_of(kiosk.kiosk_id)]
    if sorted(at_kiosk) != sorted(at_central) or len(set(at_central)) != len(at_central):
        problems.append(f"requests differ: kiosk {sorted(at_kiosk)} central {sorted(at_central)}")
    if central.quarantined_from(kiosk.kiosk_id):
        problems.append("central quarantined records of this kiosk (a duplicate submission?)")
    issued = central.documents_of(kiosk.kiosk_id)
    held = kiosk.documents()
    held_map = {row["number"]: row["sha256"] for row in held}
    if held_map != issued or len(held) != len(held_map):
        problems.append(f"documents differ: kiosk {held_map} central {issued}")
    reprinted = [row["number"] for row in held if row["print_count"] != 1]
    if reprinted:
        problems.append(f"documents printed other than once: {reprinted}")
    if len(kiosk.printed_files()) != len(held):
        problems.append(f"{len(kiosk.printed_files())} printed files for {len(held)} documents")
    state = queue_status.queue_state(kiosk.config)
    if state.queue_depth or state.undelivered_bundles:
        problems.append(f"queue not empty: {state}")
    return problems


@dataclass
class Tally:
    trials: int = 0
    exchanges: int = 0
    failed_exchanges: int = 0
    cuts: int = 0
    duplicates: int = 0
    crashes: int = 0
    kills: int = 0
    usb_carries: int = 0
    requests: int = 0
    documents: int = 0
    failures: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: int) -> None:
        """Count (trials may run in threads, one per kiosk)."""
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def line(self) -> str:
        return (
            f"trials={self.trials} exchanges={self.exchanges} failed={self.failed_exchanges} "
            f"cuts={self.cuts} duplicates={self.duplicates} crashes={self.crashes} "
            f"kills={self.kills} usb={self.usb_carries} requests={self.requests} "
            f"documents={self.documents} "
            f"failures={len(self.failures)}"
        )

    def to_json(self) -> dict:
        fields = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        return {**fields, "failures": list(self.failures)}


class SimulatedCrash(BaseException):
    """The kiosk process dies here (a BaseException: nothing on the way may catch it)."""


class CrashingTransport:
    """The transport, with a crash after the ``crash_after``-th call has reached central
    (the answer is lost with the process): the in-process stand-in for kill -9."""

    def __init__(self, transport, crash_after: int | None):
        self.transport = transport
        self.crash_after = crash_after
        self.calls = 0

    def _call(self, name, *args, **kwargs):
        result = getattr(self.transport, name)(*args, **kwargs)
        self.calls += 1
        if self.crash_after is not None and self.calls >= self.crash_after:
            raise SimulatedCrash()
        return result

    def upload_bundle(self, data):
        return self._call("upload_bundle", data)

    def fetch_downlink(self, kiosk_id, after, wait=0):
        return self._call("fetch_downlink", kiosk_id, after, wait)

    def send_receipt(self, data):
        return self._call("send_receipt", data)

    def post_streams(self, kiosk_id, positions):
        return self._call("post_streams", kiosk_id, positions)

    def post_held_document(self, kiosk_id, held):
        return self._call("post_held_document", kiosk_id, held)


def run_trial(seed: int, central: CentralProcess, kiosks: list[Kiosk], tally: Tally) -> list[str]:
    """One seeded trial on one of ``kiosks``; the invariant violations (empty: passed).

    Trials on different kiosks may run at the same time (threads); one kiosk, one trial."""
    from kiosk_app import sync_actions

    rng = random.Random(seed)
    kiosk = kiosks[rng.randrange(len(kiosks))]
    # Decide some of what central received earlier from this kiosk.
    received = [
        r["reference"] for r in central.requests_of(kiosk.kiosk_id) if r["status"] == "received"
    ]
    for reference in rng.sample(received, min(len(received), rng.randint(0, 2))):
        central.decide(reference, rng)
    for _ in range(rng.randint(1, 3)):
        kiosk.submit(rng)
        tally.add(requests=1)
    faults = Faults(
        cut_probability=rng.choice((0.2, 0.4, 0.7)),
        max_cut_offset=rng.choice((200, 2_000, 20_000)),
        duplicate_probability=rng.choice((0.0, 0.3, 0.6)),
        seed=seed,
    )
    with NetProxy(central.port, faults=faults, idle_timeout=10) as proxy:
        for _ in range(rng.randint(1, 4)):
            crash_after = rng.randint(1, 6) if rng.random() < 0.3 else None
            transport = CrashingTransport(kiosk.http(proxy.url, timeout=10), crash_after)
            tally.add(exchanges=1)
            wait = rng.choice((0, 0, 0.3))  # now and then the downlink long-polls
            try:
                sync_actions.sync_now(
                    kiosk.config, transport=transport, max_records=rng.randint(1, 3), wait=wait
                )
            except SyncError:
                tally.add(failed_exchanges=1)
            except SimulatedCrash:
                tally.add(crashes=1)
        tally.add(cuts=proxy.tally.cuts)
        tally.add(duplicates=proxy.tally.duplicates)
    if rng.random() < 0.15:
        carry_by_usb(kiosk, central, rng, tally)
    converge(kiosk, central.url)
    tally.add(trials=1)
    problems = check_kiosk(kiosk, central)
    if problems:
        tally.failures.append(f"seed {seed} ({kiosk.kiosk_id}): {'; '.join(problems)}")
    return problems


def carry_by_usb(kiosk: Kiosk, central: CentralProcess, rng: random.Random, tally: Tally):
    """A staff member carries the stick to the office and back, each file imported 1–2 times
    on both sides (the same bytes as over HTTP)."""
    import tempfile

    from central_api import bundles
    from kiosk_app import sync_actions
    from sync.stick import bundle_file_name, receipt_file_name, write_atomically

    identity = central.central.identity
    with tempfile.TemporaryDirectory(dir=kiosk.home) as folder:
        stick = Path(folder)
        sync_actions.export_bundles(kiosk.config, stick / "up")
        for path in sorted((stick / "up").glob("*.vcb")):
            for _ in range(rng.randint(1, 2)):
                received = bundles.receive(central.engine, identity, path.read_bytes())
            name = receipt_file_name(kiosk.kiosk_id, "central", received.bundle.seq)
            write_atomically(stick / "down" / name, received.receipt)
        exported = bundles.export_downlink(central.engine, identity, kiosk.kiosk_id)
        for item in exported["bundles"]:
            name = bundle_file_name("central", kiosk.kiosk_id, item["seq"])
            write_atomically(stick / "down" / name, item["data"])
        if (stick / "down").is_dir():
            for _ in range(rng.randint(1, 2)):
                sync_actions.import_bundles(kiosk.config, stick / "down")
    tally.add(usb_carries=1)


def run_trials_in_parallel(
    seeds, central: CentralProcess, kiosks: list[Kiosk], tally: Tally
) -> list[str]:
    """Run ``seeds``, seed n on kiosk n mod len(kiosks), the kiosks in parallel threads (they
    share only central, as real kiosks do); every problem, prefixed with its seed."""
    from concurrent.futures import ThreadPoolExecutor

    seeds = list(seeds)
    problems: list[str] = []

    def lane(index: int) -> None:
        for seed in seeds:
            if seed % len(kiosks) == index:
                found = run_trial(seed, central, [kiosks[index]], tally)
                problems.extend(f"seed {seed}: {problem}" for problem in found)

    with ThreadPoolExecutor(len(kiosks)) as pool:
        for future in [pool.submit(lane, index) for index in range(len(kiosks))]:
            future.result()
    return problems


def count_documents(central: CentralProcess, kiosks: list[Kiosk]) -> int:
    return sum(len(central.documents_of(kiosk.kiosk_id)) for kiosk in kiosks)


def requests_list_json(central: CentralProcess) -> list[dict]:
    """`central-api requests list --json`, the real command line."""
    result = subprocess.run(
        [str(BIN / "central-api"), "requests", "list", "--json"],
        env=central.env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)
