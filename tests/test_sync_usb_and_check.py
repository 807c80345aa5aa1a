"""USB carriage against a real central, and the divergence check (`kiosk-app check`)."""

from __future__ import annotations

import random
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from central_api import bundles
from kiosk_app import municipality as kiosk_municipality
from kiosk_app import queue_status, submission, sync_actions
from kiosk_app.cli import cli as kiosk_cli
from kiosk_app.store import enrollment_of, store_for
from sync.stick import bundle_file_name, receipt_file_name, write_atomically
from sync.transport import HttpTransport
from tests.sync_harness import CentralProcess, Kiosk, check_kiosk, converge

FAST_DISK = Path("/dev/shm") if Path("/dev/shm").is_dir() else None


@pytest.fixture(scope="module")
def central():
    with tempfile.TemporaryDirectory(prefix="usb-check-", dir=FAST_DISK) as folder:
        process = CentralProcess(Path(folder) / "central")
        process.start()
        try:
            yield process
        finally:
            process.stop()


@pytest.fixture
def kiosk(central, tmp_path):
    return Kiosk(tmp_path / "kiosk", central, "dobri-dyal", central.url)


def central_imports(central: CentralProcess, folder: Path, out: Path) -> None:
    """What `central-api bundle import` does with each file on the stick."""
    identity = central.central.identity
    for path in sorted(folder.glob("*.vcb")):
        received = bundles.receive(central.engine, identity, path.read_bytes())
        opened = received.bundle
        name = receipt_file_name(opened.sender.party_id, "central", opened.seq)
        write_atomically(out / name, received.receipt)


def central_exports(central: CentralProcess, kiosk_id: str, out: Path) -> None:
    exported = bundles.export_downlink(central.engine, central.central.identity, kiosk_id)
    for item in exported["bundles"]:
        write_atomically(out / bundle_file_name("central", kiosk_id, item["seq"]), item["data"])
    for item in exported["receipts"]:
        write_atomically(out / receipt_file_name(kiosk_id, "central", item["seq"]), item["receipt"])


def test_a_usb_round_trip_twice_over_delivers_everything_exactly_once(central, kiosk, tmp_path):
    rng = random.Random(5)
    references = [kiosk.submit(rng) for _ in range(7)]
    stick = tmp_path / "stick"
    with store_for(kiosk.config) as store:
        from kiosk_app.exchange import load_party, seal_pending

        seal_pending(store, load_party(kiosk.config, store), max_records=3)
    seen = []
    written = sync_actions.export_bundles(
        kiosk.config, stick / "up", progress=lambda *a: seen.append(a)
    )
    assert [path.suffix for path in written] == [".vcb"] * 3 + [".vcm"]  # and its positions
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    for _ in range(2):  # a second import of the same stick is harmless
        central_imports(central, stick / "up", stick / "down")
    assert sorted(r["reference"] for r in central.requests_of(kiosk.kiosk_id)) == references

    for reference in references[:3]:
        central.decide(reference, random.Random(1))
    central_exports(central, kiosk.kiosk_id, stick / "down")
    for _ in range(2):
        report = sync_actions.import_bundles(kiosk.config, stick / "down")
    assert report.bundles_replayed >= 1 and report.receipts_already_held == 3
    assert queue_status.queue_state(kiosk.config).queue_depth > 0  # the printed events
    converge(kiosk, central.url)
    assert check_kiosk(kiosk, central) == []


def test_the_cli_shows_a_progress_bar_while_exporting(central, kiosk, tmp_path):
    kiosk.submit(random.Random(2))
    runner = CliRunner(env={"KIOSK_HOME": str(kiosk.home)})
    result = runner.invoke(kiosk_cli, ["bundle", "export", "--out", str(tmp_path / "stick")])
    assert result.exit_code == 0, result.output
    assert "Writing 1/2" in result.stderr and "Writing 2/2" in result.stderr  # and positions
    assert [line[-4:] for line in result.stdout.split()] == [".vcb", ".vcm"]


def http_to(central: CentralProcess, kiosk) -> HttpTransport:
    """The kiosk's HTTP transport to central (signing as the kiosk): the digest goes to POST
    /kiosks/<id>/digest."""
    return kiosk.http(central.url, timeout=30)


def backup(central: CentralProcess, target: Path) -> None:
    source = sqlite3.connect(central.home / "central.db")
    copy = sqlite3.connect(target)
    with copy:
        source.backup(copy)
    source.close()
    copy.close()


def restore(central: CentralProcess, copy: Path) -> None:
    central.stop()
    for suffix in ("", "-wal", "-shm"):
        (central.home / f"central.db{suffix}").unlink(missing_ok=True)
    shutil.copyfile(copy, central.home / "central.db")
    central.start()


def test_check_finds_nothing_to_repair_when_both_sides_agree(central, kiosk):
    kiosk.submit(random.Random(3))
    converge(kiosk, central.url)
    result = sync_actions.check_divergence(kiosk.config, transport=http_to(central, kiosk))
    assert result["summary"] == ["Kiosk and central hold the same: nothing to repair."]


def test_check_resends_what_central_lost_in_a_restore_without_a_full_resync(
    central, kiosk, tmp_path
):
    rng = random.Random(4)
    first = kiosk.submit(rng)
    converge(kiosk, central.url)
    backup(central, tmp_path / "backup.db")
    later = [kiosk.submit(rng) for _ in range(3)]
    converge(kiosk, central.url)
    restore(central, tmp_path / "backup.db")  # central forgets the later bundles
    assert [r["reference"] for r in central.requests_of(kiosk.kiosk_id)] == [first]

    result = sync_actions.check_divergence(kiosk.config, transport=http_to(central, kiosk))
    assert result["uplink"]["central_lacks"] == [2]
    assert result["repaired"]["reopened"] == [2]
    assert sorted(r["reference"] for r in central.requests_of(kiosk.kiosk_id)) == sorted(
        [first, *later]
    )
    assert check_kiosk(kiosk, central) == []


def test_check_brings_back_a_document_the_kiosk_lost_and_never_destroys_anything(central, kiosk):
    from central_api import decisions

    reference = kiosk.submit(random.Random(6))
    converge(kiosk, central.url)
    decisions.approve(central.engine, reference, "clerk", signer=central.central.document_signer)
    converge(kiosk, central.url)
    [document] = kiosk.documents()
    with store_for(kiosk.config) as store:  # the kiosk loses the row (old backup)
        store.db.execute("delete from documents where number = ?", [document["number"]])
        store.db.conn.commit()
    before = queue_status.queue_state(kiosk.config)
    result = sync_actions.check_divergence(kiosk.config, transport=http_to(central, kiosk))
    assert result["documents"]["requeued"] == [document["number"]]
    assert [row["number"] for row in kiosk.documents()] == [document["number"]]
    assert queue_status.queue_state(kiosk.config).queue_depth <= before.queue_depth + 1
    again = sync_actions.check_divergence(kiosk.config, transport=http_to(central, kiosk))
    assert again["documents"]["kiosk_lacks"] == [] and again["documents"]["requeued"] == []


def test_a_revoked_kiosk_stops_sending_and_keeps_its_data_for_export(central, kiosk, tmp_path):
    from central_api import kiosks
    from central_api.db import write
    from kiosk_app.exchange import KioskRevokedError
    from sync.errors import RemoteRejectedError

    reference = kiosk.submit(random.Random(8))
    with write(central.engine) as conn:
        kiosks.revoke(conn, kiosk.kiosk_id, "stolen")
    with pytest.raises(RemoteRejectedError):
        sync_actions.sync_now(kiosk.config, transport=kiosk.http(central.url))
    state = queue_status.queue_state(kiosk.config)
    assert state.revoked and "revoked" in state.revoked["message"]
    with pytest.raises(KioskRevokedError, match="export"):
        sync_actions.sync_now(kiosk.config, transport=kiosk.http(central.url))
    assert submission.request_status(kiosk.config, reference).status == "queued"
    exported = sync_actions.export_bundles(kiosk.config, tmp_path / "stick")
    assert [p.suffix for p in exported] == [".vcb", ".vcm"]


def test_central_quarantines_a_bad_record_and_the_kiosk_shows_it_while_the_rest_flows(
    central, kiosk
):
    with store_for(kiosk.config) as store, store.transaction():
        held = kiosk_municipality.required(store)
        bad = submission.reference_prefix(enrollment_of(store), held) + "-99999"
        store.add_event(
            "request.submitted",
            {"reference": bad, "service": "no-such-service", "fields": {}},
            reference=bad,
        )
    good = kiosk.submit(random.Random(9))
    sync_actions.sync_now(kiosk.config, transport=kiosk.http(central.url))
    assert [r["reference"] for r in central.requests_of(kiosk.kiosk_id)] == [good]
    [row] = queue_status.quarantined(kiosk.config)
    assert row["direction"] == "up" and "no-such-service" in row["reason"]
    state = queue_status.queue_state(kiosk.config)
    assert (state.queue_depth, state.quarantined) == (0, 1)


def test_the_command_line_runs_the_loop_until_idle_lists_quarantine_and_checks(central, kiosk):
    import json

    kiosk.submit(random.Random(10))
    runner = CliRunner(env={"KIOSK_HOME": str(kiosk.home)})
    result = runner.invoke(kiosk_cli, ["sync", "--until-idle", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["stopped_because"] == "idle" and report["delivered_events"] == 1
    assert "Sync loop started" in result.stderr
    result = runner.invoke(kiosk_cli, ["quarantine"])
    assert result.exit_code == 0 and "Nothing was refused." in result.stdout
    result = runner.invoke(kiosk_cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "nothing to repair" in result.stdout
