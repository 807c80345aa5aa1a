"""The whole network on one machine: `make demo` (and `make demo HEADLESS=1`).

Central on SQLite with an administrator and a clerk, five enrolled kiosks (one per village), each
syncing with its own `kiosk-app sync --daemon` as a real kiosk does, four of them with simulated
villagers (requests from the catalogue every few seconds, `kiosk-app submit`), and the fifth
kiosk's touch screen in a window unless ``--headless``.

Start-up, in logged steps: central's home and users -> central serving -> the kiosks enrolled ->
the demo council loaded and published to the kiosks -> the sync loops, the villagers and the
window. All but serving and syncing are done in this process (deploy.demo_central, and the
kiosks' enrollment), through the domain functions the `central-api`/`kiosk-app` commands call.
Ctrl-C or SIGTERM stops everything in the reverse order and exits 0. Data stays under
``var/demo/`` (``--var-dir``), so running the demo again picks up where it stopped; ``--reset``
starts afresh.

    python -m deploy.demo [--headless] [--var-dir var/demo] [--port 8000] [--reset]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

from deploy.demo_central import DemoCentral, DemoError
from deploy.demo_data import VILLAGE_NAMES, RegisterPeople, fill_fields
from deploy.procs import (
    Processes,
    ProcessesClosedError,
    command_for,
    free_port,
    port_is_free,
    stop_process,
    wait_for_http,
)
from kiosk_app.config import KioskConfig
from kiosk_app.enrollment import enroll
from kiosk_app.errors import KioskError
from kiosk_app.services import service_summaries
from sync import SyncError

# The sync loop's line after an exchange that moved something: "...; printed 1."
PRINTED = re.compile(r"printed (\d+)\.")
VILLAGES = ["dzhulyunitsa", "dobri-dyal", "kozarevets", "dragizhevo", "merdanya"]
GUI_VILLAGE = "dzhulyunitsa"
# The demo is Lyaskovets: the example profile shipped with the software.
PROFILE = Path(__file__).resolve().parent / "profiles" / "lyaskovets.toml"


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


class Demo:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.var = Path(args.var_dir).resolve()
        self.central_home = self.var / "central"
        self.state_path = self.var / "demo.json"
        self.logs = self.var / "logs"
        self.stop = threading.Event()
        self.processes = Processes()
        self.central: subprocess.Popen | None = None
        self.gui: subprocess.Popen | None = None
        self.sync_loops: dict[str, subprocess.Popen] = {}  # village -> `kiosk-app sync --daemon`
        self.relays: list[threading.Thread] = []  # each sync loop's output to its log
        self.people: dict[str, RegisterPeople] = {}  # whom the simulated villagers are
        self.threads: list[threading.Thread] = []  # the simulated villagers
        self.state: dict = {}
        self.port = 0
        self.central_cmd = command_for("central-api")
        self.kiosk_cmd = command_for("kiosk-app")

    # --- environment -------------------------------------------------------------------------

    def base_env(self) -> dict:
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)  # the demo is SQLite only
        env.pop("KIOSK_PRINTER", None)  # documents land in each kiosk's printed/ folder
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def central_env(self) -> dict:
        return {**self.base_env(), "CENTRAL_HOME": str(self.central_home)}

    def kiosk_home(self, village: str) -> Path:
        return self.var / "kiosks" / village

    def kiosk_env(self, village: str) -> dict:
        return {**self.base_env(), "KIOSK_HOME": str(self.kiosk_home(village))}

    def kiosk_config(self, village: str) -> KioskConfig:
        return KioskConfig.from_env(self.kiosk_env(village))

    def kiosk_run(self, village: str, *args: str, check: bool = True):
        result = self.processes.run([*self.kiosk_cmd, *args], self.kiosk_env(village))
        if check and result.returncode != 0:
            raise DemoError(f"kiosk-app {args[0]} ({village}) failed: {_last_line(result.stderr)}")
        return result

    def save_state(self) -> None:
        self.state_path.write_text(json.dumps(self.state, indent=2, ensure_ascii=False))
        self.state_path.chmod(0o600)

    # --- start-up ----------------------------------------------------------------------------

    def prepare(self) -> None:
        if self.args.reset and self.var.exists():
            log(f"Reset: removing {self.var}")
            shutil.rmtree(self.var)
        self.var.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)
        if self.state_path.exists():
            self.state = json.loads(self.state_path.read_text())
            log(f"Reusing the demo data in {self.var} (--reset starts afresh)")
        self.port = self.choose_port()
        self.state["port"] = self.port
        self.save_state()

    def choose_port(self) -> int:
        enrolled_port = self.state.get("port") if self.state.get("kiosks") else None
        wanted = self.args.port or enrolled_port
        if enrolled_port and wanted != enrolled_port:
            raise DemoError(
                f"the kiosks in {self.var} were enrolled with central on port {enrolled_port}: "
                f"run with --port {enrolled_port}, or --reset to start afresh"
            )
        if wanted:
            if not port_is_free(wanted):
                raise DemoError(
                    f"port {wanted} on 127.0.0.1 is in use: stop what uses it, or "
                    + ("run with --reset and another --port" if enrolled_port else "pick --port")
                )
            return wanted
        return 8000 if port_is_free(8000) else free_port()

    def init_central(self, central: DemoCentral) -> None:
        log(f"Central: home {self.central_home} (SQLite)")
        central.initialise(PROFILE)
        central.add_users()
        central.add_officials()
        self.people = central.import_register(self.var / "register")

    def serve_central(self) -> None:
        log(f"Central: serving on http://127.0.0.1:{self.port}/")
        central_log = (self.logs / "central.log").open("ab")
        # Each kiosk's long-poll holds a thread of `serve` (central_api.longpoll): five kiosks
        # and the office need more than a worker's default four.
        serve = ["serve", "--host", "127.0.0.1", "--port", str(self.port), "--threads", "8"]
        self.central = self.processes.start(
            [*self.central_cmd, *serve],
            env=self.central_env(),
            stdin=subprocess.DEVNULL,
            stdout=central_log,
            stderr=subprocess.STDOUT,
        )
        central_log.close()
        try:
            wait_for_http(self.central_url + "healthz", timeout=60, process=self.central)
        except (TimeoutError, RuntimeError) as exc:
            raise DemoError(
                f"central did not start ({exc}); see {self.logs / 'central.log'}"
            ) from exc

    @property
    def central_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def enroll_kiosks(self, central: DemoCentral) -> None:
        kiosks = self.state.setdefault("kiosks", {})
        for village in VILLAGES:
            if village in kiosks:
                continue
            home = self.kiosk_home(village)
            if home.exists():  # a half-finished enrollment from an interrupted run
                shutil.rmtree(home)
            token = central.invite(village)
            # `kiosk-app enroll`'s domain function, here (HTTP to central as from the kiosk).
            with kiosk_step(f"kiosk-app enroll ({village})"):
                enrolled = enroll(self.kiosk_config(village), self.central_url.rstrip("/"), token)
            kiosk_id = enrolled.kiosk_id
            kiosks[village] = kiosk_id
            self.save_state()
            log(f"Kiosk {kiosk_id}: enrolled ({VILLAGE_NAMES[village]}), home {home}")

    def start_kiosks(self) -> None:
        show_gui = not self.args.headless
        if show_gui and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            log("No display found (DISPLAY/WAYLAND_DISPLAY unset): running without the window")
            show_gui = False
        for village in VILLAGES:
            self.start_sync_loop(village)
        for village in VILLAGES:
            if village == GUI_VILLAGE:
                continue
            thread = threading.Thread(
                target=self.play_villagers, args=(village,), name=f"kiosk-{village}", daemon=True
            )
            thread.start()
            self.threads.append(thread)
        if show_gui:
            env = self.kiosk_env(GUI_VILLAGE)
            if env.get("QT_QPA_PLATFORM") == "offscreen":
                env.pop(
                    "QT_QPA_PLATFORM"
                )  # the Makefile's default for tests; here we want a window
            gui_log = (self.logs / "kiosk-gui.log").open("ab")
            self.gui = self.processes.start(
                [*self.kiosk_cmd, "run", "--windowed"],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=gui_log,
                stderr=subprocess.STDOUT,
            )
            gui_log.close()
            log(f"Kiosk {self.state['kiosks'][GUI_VILLAGE]}: touch screen opened in a window")

    # --- the kiosks' sync loops --------------------------------------------------------------

    def sync_log(self, village: str) -> Path:
        return self.logs / f"kiosk-{village}-sync.log"

    def start_sync_loop(self, village: str) -> None:
        """Every kiosk syncs as a real one does: one `kiosk-app sync --daemon` (kiosk-sync.service)
        for the whole run. Idle, it long-polls central for ``--interval`` seconds, so a document
        approved meanwhile comes down at once and a request queued meanwhile goes up when the
        poll ends. Its lines go to logs/kiosk-<village>-sync.log (:meth:`relay_sync_loop`)."""
        process = self.processes.start(
            [*self.kiosk_cmd, "sync", "--daemon", "--wait", f"{self.args.interval:g}"],
            env=self.kiosk_env(village),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        self.sync_loops[village] = process
        relay = threading.Thread(
            target=self.relay_sync_loop, args=(village, process), name=f"sync-{village}"
        )
        relay.daemon = True
        relay.start()
        self.relays.append(relay)

    def relay_sync_loop(self, village: str, process: subprocess.Popen) -> None:
        """Copy a sync loop's lines into its log; tell the terminal what it printed and why an
        exchange failed. Runs in a thread until the loop's output ends (it stopped)."""
        kiosk_id = self.state["kiosks"][village]
        with self.sync_log(village).open("a", encoding="utf-8") as sync_log:
            for line in process.stdout:
                sync_log.write(line)
                sync_log.flush()
                printed = PRINTED.search(line)
                failed = line.startswith(("Exchange failed", "Stopped:"))
                if (printed and printed.group(1) != "0") or (failed and not self.stop.is_set()):
                    log(f"Kiosk {kiosk_id}: {line.strip()}")

    # --- the simulated villagers -------------------------------------------------------------

    def play_villagers(self, village: str) -> None:
        """Villagers come now and then and ask the kiosk for a service from its catalogue
        (`kiosk-app submit`), at most ``--max-requests``; the kiosk's sync loop takes each
        request up to central. Runs in a thread."""
        kiosk_id = self.state["kiosks"][village]
        rng = random.Random(f"{village}-{time.time_ns()}")
        services: list[dict] = []
        refused: set[str] = set()
        submitted = 0
        interval = self.args.interval
        while not self.stop.is_set() and submitted < self.args.max_requests:
            try:
                if rng.random() < 0.6:
                    if not services:  # `kiosk-app services --json`, read here
                        with kiosk_step(f"kiosk-app services ({village})"):
                            services = service_summaries(self.kiosk_config(village))
                    candidates = [s for s in services if s["id"] not in refused]
                    if not candidates:
                        log(f"Kiosk {kiosk_id}: no service left that the demo can ask for")
                        return
                    service = rng.choice(candidates)
                    if self.submit_request(village, kiosk_id, service, rng):
                        submitted += 1
                    else:
                        refused.add(service["id"])
            except (DemoError, ProcessesClosedError) as exc:
                if not self.stop.is_set():
                    log(f"Kiosk {kiosk_id}: {exc}")
            except (ValueError, KeyError) as exc:
                log(f"Kiosk {kiosk_id}: unexpected answer from kiosk-app: {exc}")
            self.stop.wait(interval * rng.uniform(0.7, 1.3))

    def submit_request(self, village: str, kiosk_id: str, service: dict, rng) -> bool:
        fields = fill_fields(service, village, rng, self.people.get(village))
        if fields is None:
            log(f"Kiosk {kiosk_id}: skipping {service['id']} (a field the demo cannot fill)")
            return False
        argv = ["submit", service["id"]]
        for name, value in fields.items():
            argv += ["--field", f"{name}={value}"]
        result = self.kiosk_run(village, *argv, check=False)
        if result.returncode != 0:
            if not self.stop.is_set():
                log(f"Kiosk {kiosk_id}: {service['id']} refused: {_last_line(result.stderr)}")
            return False
        reference = result.stdout.strip().splitlines()[-1]
        # Most forms ask only for the ЕГН, which the terminal does not show.
        who = (
            f"{fields.get('first_name', '')} {fields.get('last_name', '')}".strip() or "A villager"
        )
        log(f"Kiosk {kiosk_id}: {who} asked for {service['id']} -> {reference}")
        return True

    # --- running and stopping ----------------------------------------------------------------

    def banner(self) -> None:
        passwords = self.state["passwords"]
        lines = [
            "",
            "The village info-centre network is running.",
            f"  Web office:   {self.central_url}office/",
            f"  Sign in as:   clerk / {passwords['clerk']}    (administrator: admin / {passwords['admin']})",
            f"  Registrar:    registrar / {passwords['registrar']}  (population register, corrections)",
            f"  Council:      {self.central_url}council/  (hall screen {self.central_url}council/hall,"
            f" OParl {self.central_url}oparl/v1/system)",
            f"  Councillors:  chair, c02 … c17, secretary / {passwords['council']}",
            f"  Kiosks:       CENTRAL_HOME={self.central_home} central-api kiosk list --json",
            f"  Requests:     CENTRAL_HOME={self.central_home} central-api requests list --json",
            f"  Approve one:  CENTRAL_HOME={self.central_home} central-api requests approve REF --as clerk",
            f"  Printed PDFs: {self.var / 'kiosks'}/<village>/printed/",
            f"  Logs:         {self.logs}",
            "Press Ctrl-C to stop.",
            "",
        ]
        print("\n".join(lines), flush=True)

    def wait(self) -> int:
        gui_reported = False
        while not self.stop.wait(0.5):
            if self.central is not None and self.central.poll() is not None:
                log(
                    f"Central stopped unexpectedly (code {self.central.returncode}); see {self.logs}"
                )
                return 1
            for village, process in list(self.sync_loops.items()):
                if process.poll() is None:
                    continue
                # One kiosk offline: its villagers' requests wait in its outbox, the rest runs.
                log(
                    f"Kiosk {self.state['kiosks'][village]}: its sync loop stopped (code "
                    f"{process.returncode}); see {self.sync_log(village)}"
                )
                self.processes.forget(process)
                del self.sync_loops[village]
            if self.gui is not None and self.gui.poll() is not None and not gui_reported:
                log(f"The kiosk window closed (code {self.gui.returncode}); the rest keeps running")
                self.processes.forget(self.gui)
                gui_reported = True
        return 0

    def shutdown(self) -> None:
        log("Stopping: kiosks first, then central")
        self.stop.set()
        # A request being queued may finish (a few seconds). A sync loop stops at SIGTERM, an
        # exchange that is writing after its transaction; an upload cut off loses nothing: the
        # kiosk keeps its outbox until central's receipt arrives.
        deadline = time.monotonic() + 8
        for thread in self.threads:
            thread.join(timeout=max(0.1, deadline - time.monotonic()))
        self.processes.stop_all(timeout=5, keep=(self.central,))
        for thread in self.threads:
            thread.join(timeout=10)
        for process in (self.gui, *self.sync_loops.values()):
            if process is not None:
                stop_process(process)
        for relay in self.relays:
            relay.join(timeout=5)
        if self.central is not None:
            stop_process(self.central, timeout=20)
        self.processes.stop_all()
        log("Stopped.")

    def run(self) -> int:
        try:
            self.prepare()
            # Central's start-up steps in this process (deploy.demo_central), serving in its own.
            with DemoCentral(self.central_env(), self.state, self.save_state, log) as central:
                self.init_central(central)
                self.serve_central()
                self.enroll_kiosks(central)
                central.load_council()
                central.publish_council()
            if self.stop.is_set():
                return 0
            self.start_kiosks()
            self.banner()
            return self.wait()
        except (DemoError, ProcessesClosedError) as exc:
            if self.stop.is_set():
                return 0
            print(f"demo: {exc}", file=sys.stderr, flush=True)
            return 1
        finally:
            self.shutdown()


@contextlib.contextmanager
def kiosk_step(what: str):
    """The kiosk's refusal of one step, as the demo's error."""
    try:
        yield
    except (KioskError, SyncError) as exc:
        raise DemoError(f"{what} failed: {' '.join(exc.message.split())}") from exc


def _last_line(text: str) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.demo", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--headless", action="store_true", help="no kiosk window (no display needed)"
    )
    parser.add_argument("--var-dir", default="var/demo", help="where the demo keeps its data")
    parser.add_argument(
        "--port", type=int, default=None, help="central's port (default 8000 or a free one)"
    )
    parser.add_argument("--reset", action="store_true", help="delete the demo's data first")
    parser.add_argument(
        "--interval",
        type=float,
        default=5.0,
        help="a kiosk's long-poll while idle, and about the time between villagers, in seconds",
    )
    parser.add_argument(
        "--max-requests", type=int, default=20, help="requests per simulated kiosk per run"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    demo = Demo(parse_args(argv))

    def on_signal(signum, _frame):
        if not demo.stop.is_set():
            log(f"{signal.Signals(signum).name} received")
        demo.stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    return demo.run()


if __name__ == "__main__":
    sys.exit(main())
