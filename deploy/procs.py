"""Small process helpers shared by the demo and the deployment tests.

Finding the project's console scripts, free loopback ports, bounded waits for a server, and
stopping a process (and whatever it started) without leaving anything behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
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
