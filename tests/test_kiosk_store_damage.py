"""A damaged kiosk.db, through the real `kiosk-app` command line: a truncated file is called
damaged (not "check free disk space"), a flipped byte in an index is found and mended by
`check --store`, and a deleted kiosk.db is an error that names the recovery, never a new empty
store (issue 18, finding 4)."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk_app import services, submission
from kiosk_app.enrollment import enroll
from kiosk_app.errors import NotEnrolledError, StoreMissingError
from kiosk_app.store import store_for
from kiosk_app.store.soundness import check_store
from tests.fixtures_kiosk import VALID_FIELDS

ROOT = Path(__file__).resolve().parent.parent


def kiosk_app(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KIOSK_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("KIOSK_PRINTER", None)
    return subprocess.run(
        [sys.executable, "-m", "kiosk_app.cli", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def kiosk_with_requests(enrolled_kiosk):
    references = [
        submission.submit_request(enrolled_kiosk, "permanent-address-certificate", VALID_FIELDS)
        for _ in range(40)
    ]
    with store_for(enrolled_kiosk) as store:  # everything into the main file, WAL emptied
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return enrolled_kiosk, references


def flip_index_byte(database: Path, reference: str) -> None:
    """Change one byte of ``reference``'s key in the requests' primary-key index."""
    conn = sqlite3.connect(database)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    roots = [
        row[0]
        for row in conn.execute(
            "select rootpage from sqlite_master where type = 'index' and tbl_name = 'requests'"
        )
    ]
    conn.close()
    data = bytearray(database.read_bytes())
    for root in roots:
        start = (root - 1) * page_size
        at = data.find(reference.encode(), start, start + page_size)
        if at >= 0:
            data[at + len(reference) - 1] ^= 0x01  # "…-00017" becomes "…-00016"
            database.write_bytes(bytes(data))
            return
    raise AssertionError(f"{reference} is not in an index page of requests")


def test_a_flipped_index_byte_is_found_and_mended_by_check_store(kiosk_with_requests):
    config, references = kiosk_with_requests
    lost = references[16]
    flip_index_byte(config.db_path, lost)
    hidden = kiosk_app(config.home, "status", lost, "--json")
    assert hidden.returncode != 0 and "No request" in hidden.stderr  # the finding

    checked = kiosk_app(config.home, "check", "--store", "--json")
    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout)
    assert report["state"] == "repaired" and report["remaining"] == []
    assert any("index" in problem for problem in report["problems"])

    found = kiosk_app(config.home, "status", lost, "--json")
    assert found.returncode == 0 and json.loads(found.stdout)["reference"] == lost
    again = kiosk_app(config.home, "check", "--store")
    assert again.returncode == 0 and "sound" in again.stdout


def test_a_truncated_store_is_called_damaged_and_names_the_recovery(kiosk_with_requests):
    config, references = kiosk_with_requests
    size = config.db_path.stat().st_size
    with open(config.db_path, "r+b") as handle:
        handle.truncate(size // 2)

    status = kiosk_app(config.home, "status", references[0])
    assert status.returncode != 0
    assert "damaged" in status.stderr and "kiosk-app recover" in status.stderr
    assert "free disk space" not in status.stderr and "nothing already" not in status.stderr

    checked = kiosk_app(config.home, "check", "--store")
    assert checked.returncode == 1
    assert "kiosk-app recover" in checked.stdout and "damaged" in checked.stdout


def test_a_deleted_store_is_an_error_never_a_new_empty_one(kiosk_with_requests):
    config, references = kiosk_with_requests
    config.db_path.unlink()
    for args in (("status",), ("submit", "permanent-address-certificate"), ("sync",)):
        result = kiosk_app(config.home, *args)
        assert result.returncode != 0
        assert "missing" in result.stderr and "kiosk-app recover" in result.stderr
    assert not config.db_path.exists()  # nothing made in its place


def test_a_kiosk_that_never_enrolled_is_told_to_enroll(kiosk_config):
    assert services.is_enrolled(kiosk_config) is False
    with pytest.raises(NotEnrolledError):
        submission.list_requests(kiosk_config)
    assert not kiosk_config.db_path.exists()


def test_an_enrolled_kiosk_without_its_store_is_not_called_unenrolled(kiosk_config, fake_central):
    enroll(kiosk_config, "http://central.invalid", "invite", transport=fake_central)
    kiosk_config.db_path.unlink()
    with pytest.raises(StoreMissingError, match="kiosk-app recover"):
        services.is_enrolled(kiosk_config)


def test_check_store_without_repair_changes_nothing(kiosk_with_requests):
    config, references = kiosk_with_requests
    flip_index_byte(config.db_path, references[3])
    before = config.db_path.read_bytes()
    checked = check_store(config.db_path, repair=False)
    assert checked.state == "damaged" and not checked.repair_tried
    assert config.db_path.read_bytes() == before
    assert check_store(config.db_path).state == "repaired"
