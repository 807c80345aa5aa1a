"""Issue 18: a kiosk that only ever syncs by USB stick heals after central is restored, with no
network and no person deciding anything: its stick carries its signed stream positions and the
documents central asks back, central's import answers them, and the next round carries what
central lost. Real processes from the restore on: `python -m deploy.backup restore`, `central-api
init` and `central-api bundle import` for every message the stick carries. What only prepares the
loss runs in this process through the same code: central's app serving the kiosk's enrollment
from a thread (werkzeug, on loopback), the stick's messages through the same `central-api bundle
import` (click's runner) and the nightly backup through deploy.backup's create_backup."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from central_api import bundles, decisions, restore
from central_api.config import sqlite_url
from central_api.errors import CentralError
from deploy.backup import Database, create_backup
from kiosk_app import sync_actions
from kiosk_app.store import store_for
from sync import SyncError
from sync.carried import MESSAGE_SUFFIX
from sync.stick import bundle_file_name, receipt_file_name, write_atomically
from tests.fixtures_central import CentralCli
from tests.sync_harness import BIN, CLERK, ROOT, CentralProcess, Kiosk

FAST_DISK = Path("/dev/shm") if Path("/dev/shm").is_dir() else None


def run(command: list, env: dict, ok: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(part) for part in command], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=180,
    )  # fmt: skip
    assert not ok or result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result


class Stick:
    """One trip of the stick: the kiosk exports, the office imports every file and exports the
    kiosk's downlink, the kiosk imports what came back. The signed messages go through
    `central-api bundle import` (a real process once ``real_office`` is set; before, the same
    command in this process); bundles and receipts through the same library calls the command
    makes, to keep the test cheap (tests/test_sync_usb_and_check.py covers those files' way
    through the commands)."""

    def __init__(self, root: Path, kiosk: Kiosk, central: CentralProcess):
        self.root, self.kiosk, self.central, self.trips = root, kiosk, central, 0
        self.real_office = False

    def bundle_import(self, path: Path, down: Path) -> str:
        """What `central-api bundle import PATH --receipt-out DOWN` printed."""
        args = ["bundle", "import", str(path), "--receipt-out", str(down)]
        if self.real_office:
            return run([BIN / "central-api", *args], self.central.env()).stdout.strip()
        office = CentralCli({"CENTRAL_HOME": str(self.central.home), "DATABASE_URL": None})
        return office(*args).stdout.strip()

    def trip(self) -> tuple[dict, list[str]]:
        """(the kiosk's import report, what central said of each file it was given)."""
        self.trips += 1
        up, down = self.root / f"trip{self.trips}" / "up", self.root / f"trip{self.trips}" / "down"
        identity = self.central.central.identity
        sync_actions.export_bundles(self.kiosk.config, up)
        said = []
        # In the order of the shell's `for f in /media/usb/*` (docs/operations.md): the documents
        # given back, the bundles and receipts, the positions last.
        for path in sorted(up.iterdir()):
            if path.suffix == MESSAGE_SUFFIX:
                said.append(f"{path.name}: {self.bundle_import(path, down)}")
                continue
            try:
                if path.suffix == ".vcr":  # the kiosk's receipts for central's bundles
                    bundles.acknowledge(self.central.engine, identity, path.read_bytes())
                    said.append(f"{path.name}: acknowledged")
                    continue
                received = bundles.receive(self.central.engine, identity, path.read_bytes())
            except (SyncError, CentralError) as exc:  # what the command prints, then goes on
                said.append(f"{path.name}: {exc.message}")
                continue
            name = receipt_file_name(self.kiosk.kiosk_id, "central", received.bundle.seq)
            write_atomically(down / name, received.receipt)
            said.append(f"{path.name}: taken")
        exported = bundles.export_downlink(self.central.engine, identity, self.kiosk.kiosk_id)
        for item in exported["bundles"]:
            name = bundle_file_name("central", self.kiosk.kiosk_id, item["seq"])
            write_atomically(down / name, item["data"])
        return sync_actions.import_bundles(self.kiosk.config, down).to_json(), said


@pytest.fixture
def office():
    with tempfile.TemporaryDirectory(prefix="restore-usb-", dir=FAST_DISK) as folder:
        root = Path(folder)
        central = CentralProcess(root / "central")
        with central.serving_in_process():  # only for the enrollment
            kiosk = Kiosk(root / "merdanya", central, "merdanya", central.url)
        # from here on only the stick travels
        yield root, central, kiosk


def test_a_kiosk_on_a_usb_stick_only_heals_after_central_is_restored(office):
    root, central, kiosk = office
    stick = Stick(root / "stick", kiosk, central)
    env = {**central.env(), "PYTHONPATH": str(ROOT)}
    rng = random.Random(18)
    first, second = kiosk.submit(rng), kiosk.submit(rng)
    stick.trip()
    archive = create_backup(
        central.home, Database.from_url(sqlite_url(central.home)), root / "backups"
    )

    # After the backup: a document issued and printed at the kiosk, the printing reported.
    _, issued = decisions.approve(
        central.engine, first, CLERK, signer=central.central.document_signer
    )
    third = kiosk.submit(rng)
    report, _ = stick.trip()
    assert report["printed"] == [issued["number"]]
    stick.trip()  # request.printed goes to central
    assert {row["reference"] for row in central.requests_of(kiosk.kiosk_id)} == {
        first,
        second,
        third,
    }

    # Central is lost and restored from the backup.
    central.central.dispose()
    shutil.rmtree(central.home)
    run([sys.executable, "-m", "deploy.backup", "restore", archive], env)
    assert "numbering epoch 2 started" in run([BIN / "central-api", "init"], env).stdout
    assert {row["reference"] for row in central.requests_of(kiosk.kiosk_id)} == {first, second}
    stick.real_office = True  # what the test proves: the office's commands, real processes

    # First trip: central hears where the kiosk's streams stand and answers on the stick.
    report, said = stick.trip()
    assert report["resent"], said  # the bundles central lost are reopened...
    assert report["documents_asked"] == [issued["number"]], said  # ...and the paper asked back
    assert report["stream_conflict"] is None
    assert restore.status(central.engine)["numbering"] == "paused"

    # Second trip: they travel; central takes the paper by its own signature, the requests
    # come back, and numbering resumes (this was the only kiosk).
    report, said = stick.trip()
    assert any("restored" in line for line in said), said
    statuses = {row["reference"]: row["status"] for row in central.requests_of(kiosk.kiosk_id)}
    assert statuses == {first: "printed", second: "received", third: "received"}, said
    assert restore.status(central.engine)["numbering"] == "open", said

    # The downlink continues after the kiosk's last applied bundle: the next decision arrives.
    _, next_document = decisions.approve(
        central.engine, second, CLERK, signer=central.central.document_signer
    )
    assert next_document["number"].split("-")[1] == "2"  # the new epoch's number
    report, said = stick.trip()
    assert report["printed"] == [next_document["number"]], said
    with store_for(kiosk.config) as store:
        assert [row for row in store.quarantined() if row["direction"] == "down"] == []
    stick.trip()
    assert (
        central.requests_of(kiosk.kiosk_id)
        and {row["reference"]: row["status"] for row in central.requests_of(kiosk.kiosk_id)}[second]
        == "printed"
    )
