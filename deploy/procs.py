"""Process helpers shared by the demo and the deployment tests.

Finding the project's console scripts, a registry of child processes (``Processes``), free
loopback ports, bounded waits for a server, and stopping a process (and whatever it started)
without leaving anything behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT_MODULES = {"central-api": "central_api.cli", "kiosk-app": "kiosk_app.cli"}


def command_for(script: str) -> list[str]:
    """The argv prefix that runs a console script of this project from the current venv.

    The script next to the running interpreter when the package is installed (``pip install -e``);
    otherwise the same entry point through the interpreter, so a checkout works before install.
    """
    installed = Path(sys.executable).parent / script
    if installed.exists():
        return [str(installed)]
    module = SCRIPT_MODULES[script]
    return [sys.executable, "-c", f"import sys; from {module} import main; sys.exit(main())"]


class ProcessesClosedError(RuntimeError):
    """A supervisor that is shutting down was asked to start another process."""


@dataclass
class Processes:
    """Every child process of a supervisor (the demo), so that shutdown can reach each one."""

    running: set[subprocess.Popen] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False
    command_timeout: float = 120.0

    def start(self, argv: list[str], **kwargs) -> subprocess.Popen:
        with self.lock:
            if self.closed:
                raise ProcessesClosedError("stopping: no new process starts")
            # A session of its own: Ctrl-C in the terminal reaches only the supervisor, which
            # then stops each child in order instead of all of them dying at once.
            process = subprocess.Popen(argv, start_new_session=True, **kwargs)
            self.running.add(process)
            return process

    def run(self, argv: list[str], env: dict, input_text: str | None = None):
        """Run a short command to the end; returns CompletedProcess (stdout, stderr as text)."""
        process = self.start(
            argv,
            env=env,
            stdin=subprocess.PIPE if input_text is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            stdout, stderr = process.communicate(input_text, timeout=self.command_timeout)
        except subprocess.TimeoutExpired:
            stop_process(process, timeout=5)
            stdout, stderr = process.communicate()
        finally:
            with self.lock:
                self.running.discard(process)
        return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)

    def forget(self, process: subprocess.Popen) -> None:
        with self.lock:
            self.running.discard(process)

    def stop_all(self, timeout: float = 10.0, keep: tuple = ()) -> None:
        """Stop every child but those in ``keep``; no new child starts after this."""
        with self.lock:
            self.closed = True
            remaining = [process for process in self.running if process not in keep]
        for process in remaining:
            stop_process(process, timeout=timeout)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on the port (connections in TIME_WAIT do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def wait_until(
    condition: Callable[[], object], timeout: float, interval: float = 0.2, what: str = "condition"
):
    """Poll ``condition`` until it returns something truthy; bounded in time. Returns that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def http_ok(url: str, timeout: float = 2.0, context=None) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=context) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_for_http(
    url: str, timeout: float = 60.0, process: subprocess.Popen | None = None, context=None
) -> None:
    """Wait until ``url`` answers 200; fail at once if ``process`` (the server) has exited."""

    def ready():
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"the server exited with code {process.returncode} before {url} answered"
            )
        return http_ok(url, context=context)

    wait_until(ready, timeout, interval=0.25, what=url)


def stop_process(process: subprocess.Popen, timeout: float = 15.0) -> int:
    """SIGTERM the process's group (it was started with ``start_new_session=True``), then SIGKILL."""
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait(5)
    else:
        # The leader is gone; make sure nothing it started lingers in its group.
        _signal_group(process, signal.SIGKILL)
    return process.returncode


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signum)


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (read from /proc; zombies excluded)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        state = _stat(int(entry.name))
        if state is not None and state[0] != "Z":
            children.setdefault(state[1], []).append(int(entry.name))
    found: set[int] = set()
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def is_alive(pid: int) -> bool:
    state = _stat(pid)
    return state is not None and state[0] != "Z"


def _stat(pid: int) -> tuple[str, int] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: split after the last ")".
    fields = raw[raw.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])
