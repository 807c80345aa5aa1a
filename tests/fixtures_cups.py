"""Fixtures for the cups tests: a real, private cupsd with a cups-pdf virtual printer.

Each test session starts its own cupsd (``setsid /usr/sbin/cupsd -f -c ... -s ...``) with its
configuration, spool and logs in a fresh folder and listening only on a Unix socket there. So
the machine's own cupsd is never touched or restarted, two sessions (pytest-xdist workers,
several engineers on one machine) do not collide, and a test may restart "its" cupsd freely.

cups-pdf reads ``/etc/cups/cups-pdf-<instance>.conf`` for a queue whose device URI is
``cups-pdf:/<instance>``: the fixture writes one such file with ``Out`` set to the session's
output folder, instead of editing the shared ``/etc/cups/cups-pdf.conf``, and removes it after.

Code under test reaches the private server through ``CupsBackend(server=cups_server.server)``,
and subprocesses through ``env=cups_server.env()`` (libcups honours ``CUPS_SERVER``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CUPSD = "/usr/sbin/cupsd"
CUPS_PDF_BACKEND = "/usr/lib/cups/backend/cups-pdf"
CUPS_PDF_PPD = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"
CUPS_PDF_CONFIG_DIR = Path("/etc/cups")
READY_TIMEOUT = 10.0
STOP_TIMEOUT = 15.0


def _missing_requirements() -> str | None:
    for path in (CUPSD, CUPS_PDF_BACKEND, CUPS_PDF_PPD):
        if not os.path.exists(path):
            return f"{path} is missing: `make test` installs cups and printer-driver-cups-pdf"
    for tool in ("lpadmin", "lpstat", "cupsenable", "cupsdisable"):
        if shutil.which(tool) is None:
            return f"{tool} is missing: `make test` installs cups-client"
    if os.geteuid() != 0:
        return "a private cupsd and the cups-pdf backend need root (CI and `make test` run as root)"
    try:
        import cups  # noqa: F401
    except ImportError:
        return "pycups is not installed in this environment"
    return None


@dataclass
class CupsServer:
    """A private cupsd with one cups-pdf queue. ``queue`` is the printer name to use."""

    root: Path
    queue: str
    instance: str
    pid: int | None = None
    starts: int = 0
    _process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def server(self) -> str:
        """The socket to hand to ``CupsBackend(server=...)`` or ``CUPS_SERVER``."""
        return str(self.root / "cups.sock")

    @property
    def output_dir(self) -> Path:
        return self.root / "out"

    @property
    def cups_pdf_config(self) -> Path:
        return CUPS_PDF_CONFIG_DIR / f"cups-pdf-{self.instance}.conf"

    def env(self) -> dict[str, str]:
        return {**os.environ, "CUPS_SERVER": self.server}

    def backend(self):
        from printing.cups_backend import CupsBackend

        return CupsBackend(server=self.server)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            list(args), env=self.env(), capture_output=True, text=True, check=check, timeout=30
        )

    # -- life cycle -------------------------------------------------------------------------
    def write_config(self) -> None:
        for sub in ("etc", "spool/tmp", "cache", "state", "log", "out"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        system_conf = Path("/etc/cups/cupsd.conf").read_text(encoding="utf-8").splitlines()
        dropped = ("Listen", "Port", "IdleExitTimeout", "Browsing", "BrowseLocalProtocols")
        kept = [line for line in system_conf if not line.strip().startswith(dropped)]
        (self.root / "etc/cupsd.conf").write_text(
            "\n".join([f"Listen {self.server}", "Browsing No", "LogLevel info", *kept]) + "\n",
            encoding="utf-8",
        )
        (self.root / "etc/cups-files.conf").write_text(
            "\n".join(
                [
                    "SystemGroup root lpadmin",
                    f"ServerRoot {self.root}/etc",
                    f"RequestRoot {self.root}/spool",
                    f"CacheDir {self.root}/cache",
                    f"StateDir {self.root}/state",
                    f"TempDir {self.root}/spool/tmp",
                    f"AccessLog {self.root}/log/access_log",
                    f"ErrorLog {self.root}/log/error_log",
                    f"PageLog {self.root}/log/page_log",
                ]
            )
            + "\n",
            encoding="utf-8",
        )
        self.cups_pdf_config.write_text(
            f"Out {self.output_dir}\nAnonDirName {self.output_dir}\nLog {self.root}/log\n",
            encoding="utf-8",
        )

    def is_running(self) -> bool:
        result = self.run("lpstat", "-r", check=False)
        return "is running" in result.stdout and "not running" not in result.stdout

    def start(self) -> None:
        with open(self.root / "log/cupsd.out", "ab") as log:
            process = subprocess.Popen(
                [
                    "setsid",
                    CUPSD,
                    "-f",
                    "-c",
                    str(self.root / "etc/cupsd.conf"),
                    "-s",
                    str(self.root / "etc/cups-files.conf"),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.pid = process.pid
        self._process = process
        self.starts += 1
        deadline = time.monotonic() + READY_TIMEOUT
        for _ in range(int(READY_TIMEOUT / 0.05) + 1):
            if process.poll() is not None:
                raise RuntimeError(f"cupsd exited with {process.returncode}: {self.logs()}")
            if self.is_running():
                return
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"cupsd not ready after {READY_TIMEOUT} s: {self.logs()}")

    def stop(self) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)
        self.pid = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def logs(self) -> str:
        parts = []
        for name in ("cupsd.out", "error_log"):
            path = self.root / "log" / name
            if path.exists():
                parts.append(path.read_text(encoding="utf-8", errors="replace")[-4000:])
        return "\n".join(parts)

    # -- queue ------------------------------------------------------------------------------
    def add_queue(self) -> None:
        self.run(
            "lpadmin",
            "-p",
            self.queue,
            "-E",
            "-v",
            f"cups-pdf:/{self.instance}",
            "-P",
            CUPS_PDF_PPD,
        )

    def enable(self) -> None:
        self.run("cupsenable", self.queue)
        self.run("cupsaccept", self.queue)

    def disable(self, reason: str = "test") -> None:
        self.run("cupsdisable", "-r", reason, self.queue)

    def cancel_all(self) -> None:
        self.run("cancel", "-a", self.queue, check=False)

    def output_for(self, job_id: int) -> Path | None:
        """The PDF cups-pdf wrote for ``job_id`` (its name ends in ``-job_<id>.pdf``)."""
        found = sorted(self.output_dir.glob(f"*-job_{job_id}.pdf"))
        return found[0] if found else None

    def wait_for_output(self, job_id: int, timeout: float = 15.0) -> Path:
        """cups-pdf may finish writing just after CUPS marks the job completed."""
        deadline = time.monotonic() + timeout
        for _ in range(int(timeout / 0.05) + 1):
            path = self.output_for(job_id)
            if path is not None and path.stat().st_size > 0:
                return path
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        raise AssertionError(f"no cups-pdf output for job {job_id} in {self.output_dir}")


@pytest.fixture(scope="session")
def cups_server():
    """A private cupsd with a cups-pdf queue, for the whole session; stopped and removed after."""
    reason = _missing_requirements()
    if reason:
        pytest.skip(reason)
    suffix = uuid.uuid4().hex[:8]
    # Not pytest's tmp_path: that is 0700, and CUPS filters run as user lp need to reach the spool.
    root = Path(tempfile.mkdtemp(prefix=f"kioskcups-{suffix}-", dir="/tmp"))
    root.chmod(0o755)
    server = CupsServer(root=root, queue=f"kiosk-test-{suffix}", instance=f"kiosktest{suffix}")
    try:
        server.write_config()
        server.start()
        server.add_queue()
        yield server
    finally:
        server.stop()
        server.cups_pdf_config.unlink(missing_ok=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def cups_printer(cups_server):
    """The session's server with its queue enabled and empty before and after the test."""
    if not cups_server.is_running():
        cups_server.start()
    cups_server.enable()
    yield cups_server
    if not cups_server.is_running():
        cups_server.start()
    cups_server.cancel_all()
    cups_server.enable()
