"""A full disk is an error, not a crash (issue 18, finding 6), on a real small disk: the kiosk's
home on a tmpfs of a few MiB, filled up to the last block. Receiving a document through the real
`kiosk-app` fails with one clear line, Bulgarian first, and leaves no half-written `.part` file;
`sync --daemon` against a real central backs off and retries, and once space is freed the
document arrives and prints.

Mounting a tmpfs needs root (CI and `make test` run as root); elsewhere these tests skip.
"""

import base64
import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from kiosk_app import submission, sync_actions
from kiosk_app.config import KioskConfig
from kiosk_app.enrollment import enroll
from kiosk_app.errors import DiskFullError
from kiosk_app.store import store_for
from tests.fixtures_central import VALID_EGN
from tests.fixtures_kiosk import VALID_FIELDS, FakeCentral

ROOT = Path(__file__).resolve().parent.parent
DISK_FULL_BG = "Дискът на киоска е пълен"
DISK_FULL_EN = "free space or call support"


@pytest.fixture
def small_disk(tmp_path):
    """A 6 MiB tmpfs at tmp_path/disk, unmounted after the test."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6M,mode=0700", "tmpfs", str(disk)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True, timeout=30)


def fill(disk: Path) -> Path:
    """Write a filler file until the disk is full, to the last byte; its path."""
    filler = disk / f"filler-{uuid.uuid4().hex[:6]}"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            for _ in range(10_000):  # bounded: 640 MiB at most, far beyond the 6 MiB disk
                try:
                    os.write(descriptor, b"\0" * size)
                except OSError:
                    break
    finally:
        os.close(descriptor)
    return filler


def free(disk: Path) -> None:
    for path in disk.glob("filler-*"):
        path.unlink()


def kiosk_app(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KIOSK_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("KIOSK_PRINTER", None)
    return subprocess.run(
        [sys.executable, "-m", "kiosk_app.cli", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def big_document(reference: str, number: str = "2026-000007") -> dict:
    pdf = b"%PDF-1.4\n%" + os.urandom(400_000) + b"\n%%EOF\n"
    return {
        "type": "document.issued",
        "body": {
            "reference": reference,
            "number": number,
            "issued_at": "2026-11-25T10:00:00Z",
            "sha256": hashlib.sha256(pdf).hexdigest(),
            "pdf_b64": base64.b64encode(pdf).decode(),
        },
    }


def part_files(home: Path) -> list[Path]:
    return [path for path in home.rglob("*") if ".part" in path.name]


def test_receiving_a_document_on_a_full_disk_fails_cleanly_and_works_once_space_is_freed(
    small_disk, tmp_path
):
    central = FakeCentral()
    config = KioskConfig(home=small_disk / "kiosk")
    enroll(config, "http://central.invalid", "invite", transport=central)
    reference = submission.submit_request(config, "permanent-address-certificate", VALID_FIELDS)
    sync_actions.sync_now(config, transport=central)
    stick = tmp_path / "stick"
    stick.mkdir()
    bundle = stick / "central-to-dzhulyunitsa-1-000001.vcb"
    bundle.write_bytes(central.queue_downlink([big_document(reference)]))

    fill(small_disk)
    failed = kiosk_app(config.home, "bundle", "import", str(bundle))
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr and "Errno" not in failed.stderr
    assert DISK_FULL_BG in failed.stderr and DISK_FULL_EN in failed.stderr
    assert failed.stderr.index(DISK_FULL_BG) < failed.stderr.index(DISK_FULL_EN)
    assert part_files(config.home) == []

    free(small_disk)
    assert submission.request_status(config, reference).status == "received"  # nothing half
    imported = kiosk_app(config.home, "bundle", "import", str(bundle))
    assert imported.returncode == 0, imported.stderr
    assert submission.request_status(config, reference).status == "printed"
    assert part_files(config.home) == []


def test_a_store_write_on_a_full_disk_is_a_disk_full_error(small_disk):
    central = FakeCentral()
    config = KioskConfig(home=small_disk / "kiosk")
    enroll(config, "http://central.invalid", "invite", transport=central)
    fill(small_disk)
    with pytest.raises(DiskFullError, match=DISK_FULL_BG):
        for _ in range(200):  # bounded: some pages may still fit in the file's last block
            submission.submit_request(config, "permanent-address-certificate", VALID_FIELDS)
    free(small_disk)
    with store_for(config) as store:  # the store is sound after the refusals
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("central_database_url", ["sqlite"], indirect=True)
def test_sync_daemon_backs_off_on_a_full_disk_and_carries_on_once_space_is_freed(
    small_disk, central_server, central_cli, central_clerk, tmp_path
):
    base_url, _ = central_server
    home = small_disk / "kiosk"
    token = central_cli("kiosk", "invite", "dzhulyunitsa").stdout.strip().splitlines()[-1]
    assert kiosk_app(home, "enroll", "--central", base_url, "--token", token).returncode == 0
    # central's own catalogue: the applicant identified by the ЕГН the register holds
    answers = {"personal_number_kind": "egn", "personal_number": VALID_EGN}
    fields = [arg for pair in answers.items() for arg in ("--field", "=".join(pair))]
    submitted = kiosk_app(home, "submit", "permanent-address-certificate", *fields)
    assert submitted.returncode == 0, submitted.stderr
    reference = submitted.stdout.strip().splitlines()[-1]
    assert kiosk_app(home, "sync").returncode == 0
    central_cli("requests", "approve", reference, "--as", central_clerk)

    fill(small_disk)
    log = tmp_path / "daemon.log"
    env = {**os.environ, "KIOSK_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("KIOSK_PRINTER", None)
    with open(log, "w") as output:
        daemon = subprocess.Popen(
            [sys.executable, "-m", "kiosk_app.cli", "sync", "--daemon", "--wait", "1",
             "--backoff-base", "0.2", "--backoff-cap", "1", "--max-seconds", "90"],
            env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        for _ in range(300):  # bounded: at most ~30 s for two failed exchanges
            if log.read_text().count("Exchange failed") >= 2 or daemon.poll() is not None:
                break
            time.sleep(0.1)
        text = log.read_text()
        assert daemon.poll() is None, text  # alive, backing off
        assert text.count("Exchange failed") >= 2 and DISK_FULL_BG in text, text
        assert "Traceback" not in text
        assert part_files(home) == []

        free(small_disk)
        status = ""
        for _ in range(300):  # bounded: at most ~30 s more
            status = submission.request_status(KioskConfig(home=home), reference).status
            if status == "printed":
                break
            time.sleep(0.1)
        assert status == "printed", log.read_text()
    finally:
        if daemon.poll() is None:
            os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait(timeout=30)
    assert daemon.returncode == 0, log.read_text()
    assert len(list((home / "printed").glob("*.pdf"))) == 1
