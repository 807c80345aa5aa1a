"""`make demo HEADLESS=1`: the whole network comes up, one request goes from a simulated kiosk
through a clerk's approval to a printed document, and Ctrl-C/SIGTERM stops it all cleanly."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from central_api.catalogue import default_catalogue
from central_api.municipality import load_municipality
from deploy.procs import command_for, descendants, free_port, is_alive, stop_process, wait_until
from tests.fixtures_central import LYASKOVETS_PROFILE

ROOT = Path(__file__).resolve().parent.parent
VILLAGES = {"dzhulyunitsa", "dobri-dyal", "kozarevets", "dragizhevo", "merdanya"}


class RunningDemo:
    def __init__(self, process: subprocess.Popen, var: Path, output: Path):
        self.process, self.var, self.output = process, var, output

    def central(self, *args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "CENTRAL_HOME": str(self.var / "central")}
        env.pop("DATABASE_URL", None)
        return subprocess.run(
            [*command_for("central-api"), *args],
            env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
        )  # fmt: skip

    def central_json(self, *args: str):
        result = self.central(*args)
        return json.loads(result.stdout) if result.returncode == 0 else None

    def alive(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(
                f"the demo exited with {self.process.returncode}:\n{self.output.read_text()}"
            )
        return True


def start_demo(var: Path, output: Path, port: int) -> RunningDemo:
    # Each kiosk's `kiosk-app sync --daemon` long-polls for the interval, so a villager's request
    # goes up within 3 s (a document comes down at once); villagers come about every 3 s.
    with output.open("w") as stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "deploy.demo", "--headless", "--var-dir", str(var),
             "--port", str(port), "--interval", "3"],
            cwd=ROOT, stdout=stream, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    return RunningDemo(process, var, output)


@pytest.fixture
def demo(tmp_path):
    running = start_demo(tmp_path / "demo", tmp_path / "demo.out", free_port())
    try:
        yield running
    finally:
        if running.process.poll() is None:
            stop_process(running.process, timeout=30)


def stop_cleanly(demo: RunningDemo) -> None:
    """SIGTERM: everything stops, exit code 0, no process left behind."""
    children = descendants(demo.process.pid)
    assert children, "the demo should be running central and kiosks as child processes"
    demo.process.send_signal(signal.SIGTERM)
    assert demo.process.wait(timeout=90) == 0, demo.output.read_text()
    deadline = time.monotonic() + 10
    while any(is_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in children if is_alive(pid)] == []
    assert "Stopped." in demo.output.read_text()


def sign_in_as_printed_clerk(banner: str) -> None:
    """The web office's address and the clerk's password in the terminal let one sign in."""
    office = re.search(r"Web office:\s+(http://127\.0\.0\.1:\d+/office/)", banner)
    password = re.search(r"Sign in as:\s+clerk / (\S+)", banner)
    assert office and password, banner
    with requests.Session() as browser:
        form = browser.get(office.group(1) + "sign-in", timeout=30)
        assert form.status_code == 200
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        answer = browser.post(
            office.group(1) + "sign-in",
            data={
                "csrf_token": csrf.group(1) if csrf else "",
                "name": "clerk",
                "password": password.group(1),
            },
            timeout=30,
        )
        assert answer.status_code == 200, answer.text[:500]
        assert "/sign-in" not in answer.url, "the printed password did not sign the clerk in"


GENERATED = {
    service["id"]
    for service in default_catalogue(load_municipality(LYASKOVETS_PROFILE))["services"]
    if service["issuance"] == "generated"
}


@pytest.mark.timeout(600)
def test_demo_runs_a_request_from_kiosk_to_printed_document_and_stops_cleanly(demo):
    # The banner comes once the kiosks are enrolled and the demo council is loaded and published.
    wait_until(
        lambda: demo.alive() and "Press Ctrl-C to stop." in demo.output.read_text(),
        timeout=300,
        interval=0.5,
        what="the banner",
    )
    # Five kiosks, one per village, enrolled with central.
    kiosks = demo.central_json("kiosk", "list", "--json")
    assert {kiosk["village"] for kiosk in kiosks} == VILLAGES and len(kiosks) == 5
    sign_in_as_printed_clerk(demo.output.read_text())
    # The demo council: 17 councillors (Lyaskovets' size, чл. 19 ЗМСМА) and a held session.
    council = re.search(r"Council:\s+(http://127\.0\.0\.1:\d+/)council/", demo.output.read_text())
    assert council, demo.output.read_text()
    people = requests.get(f"{council.group(1)}oparl/v1/body/council/people", timeout=30).json()
    assert people["pagination"]["totalElements"] == 17

    # A simulated kiosk (not the one with the window) has sent a request.
    def a_received_request():
        demo.alive()
        requests = demo.central_json("requests", "list", "--status", "received", "--json") or []
        # One whose document central writes and the kiosk prints (an in-person service's is
        # collected at the office; an attached one waits for the clerk's upload).
        simulated = [
            r for r in requests if r["village"] != "dzhulyunitsa" and r["service"] in GENERATED
        ]
        return simulated[0] if simulated else None

    request = wait_until(a_received_request, timeout=180, interval=2, what="a received request")
    reference, village = request["reference"], request["village"]

    # The demo's villagers are people of the demo register, so the review lets it through; for
    # heirs the clerk confirms the tree the register gives (`registers heirs`).
    confirm = ["--confirm-heirs"] if request["service"] == "heirs-certificate" else []
    approved = demo.central("requests", "approve", reference, "--as", "clerk", *confirm)
    assert approved.returncode == 0, approved.stderr

    # The kiosk's next sync brings the document, which it prints into printed/ (no printer set).
    printed_folder = demo.var / "kiosks" / village / "printed"

    def printed_document():
        demo.alive()
        return [path for path in printed_folder.glob("*.pdf") if reference in path.name]

    (pdf,) = wait_until(printed_document, timeout=180, interval=1, what=f"{reference} printed")
    assert pdf.read_bytes().startswith(b"%PDF-")

    stop_cleanly(demo)

    # Running it again reuses var/demo: same kiosks, same passwords, nothing enrolled twice.
    again = start_demo(
        demo.var,
        demo.var.parent / "again.out",
        json.loads((demo.var / "demo.json").read_text())["port"],
    )
    try:

        def banner_shown():
            again.alive()
            return "Press Ctrl-C to stop." in again.output.read_text()

        wait_until(banner_shown, timeout=120, interval=0.5, what="the demo to start again")
        text = again.output.read_text()
        assert "Reusing the demo data" in text
        assert "enrolled" not in text and "created" not in text
        assert len(again.central_json("kiosk", "list", "--json")) == 5
        stop_cleanly(again)
    finally:
        if again.process.poll() is None:
            stop_process(again.process, timeout=30)


def test_demo_refuses_a_port_in_use(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "deploy.demo", "--headless", "--var-dir", str(tmp_path / "d"),
             "--port", str(port)],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
