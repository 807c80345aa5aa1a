"""Issue 18, findings 1 and 2, with the real processes: central restored from a backup gives no
number twice, every paper still verifies, and the streams heal without a person.

The restored central a real ``central-api serve`` on loopback (on SQLite, and on PostgreSQL with
pg_dump/pg_restore), the real ``python -m deploy.backup restore``, the real ``central-api init``
and the real ``kiosk-app sync`` and ``recover`` commands at the kiosk: back up, issue and print
two documents, lose central, restore, reconcile from the kiosk, issue again.

What only prepares the loss goes through the same code in this process: central's app serving
the kiosks before it (over loopback HTTP, from a thread: CentralProcess.serving_in_process), the
nightly backup while it serves (deploy.backup's create_backup), the kiosk's exchanges that print
the two papers before it (the kiosk's own sync code), and the operator's ``central-api restore
forgo`` (the command, through click in process).
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import requests as http
from sqlalchemy import func, select

from central_api import decisions, restore
from central_api.config import sqlite_url
from central_api.db import read
from central_api.db.schema import inbound_bundles, quarantined_records
from deploy.backup import Database, create_backup
from kiosk_app.store import store_for
from tests.fixtures_central import CentralCli
from tests.sync_harness import BIN, CLERK, ROOT, CentralProcess, Kiosk, converge

FAST_DISK = Path("/dev/shm") if Path("/dev/shm").is_dir() else None


def run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result


def kiosk_sync(kiosk: Kiosk) -> dict:
    """The kiosk's own sync command, until an exchange moves nothing (bounded)."""
    result = run([str(BIN / "kiosk-app"), "sync", "--until-idle", "--json"], kiosk.env())
    return json.loads(result.stdout)


def verify(central: CentralProcess, number: str, code: str | None = None) -> dict:
    """/verify/<number>, with the verification code printed on the paper."""
    answer = http.get(
        f"{central.url}/verify/{number}", params={"c": code} if code else None, timeout=10
    )
    return {"http": answer.status_code, **(answer.json() if answer.ok else {})}


def code_on(path: Path, central: CentralProcess) -> str:
    """The verification code the paper carries (in its signed QR statement)."""
    from central_api.documents import verify_pdf, verify_statement

    certificate = central.central.document_certificate_pem()
    return verify_statement(verify_pdf(path.read_bytes(), certificate).statement, certificate)[
        "code"
    ]


def papers(kiosk: Kiosk) -> dict[str, Path]:
    """What the villagers hold: every document the kiosk printed, number -> its PDF."""
    return {row["number"]: Path(row["path"]) for row in kiosk.documents() if row["printed_at"]}


def verified(central: CentralProcess, number: str, pdf: Path) -> tuple[str, str]:
    """(status, whether /verify's SHA-256 is the paper's) for a paper, with its code."""
    answer = verify(central, number, code_on(pdf, central))
    return answer.get("status"), answer.get("sha256") == hashlib.sha256(
        pdf.read_bytes()
    ).hexdigest()


def empty_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    admin = base.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def requests_by_status(central: CentralProcess, kiosk: Kiosk) -> dict[str, str]:
    return {row["reference"]: row["status"] for row in central.requests_of(kiosk.kiosk_id)}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def site(request):
    """Central on SQLite in its home, or on a fresh PostgreSQL database (the session's cluster);
    not serving yet."""
    url = request.getfixturevalue("postgres_database") if request.param == "postgresql" else None
    with tempfile.TemporaryDirectory(prefix="restore-", dir=FAST_DISK) as folder:
        root = Path(folder)
        central = CentralProcess(root / "central", database_url=url)
        try:
            yield root, central
        finally:
            central.stop()


def test_a_restored_central_gives_no_number_twice_and_the_streams_heal_by_themselves(site):
    root, central = site
    env = {**central.env(), "PYTHONPATH": str(ROOT)}
    # Before the loss, what the kiosk and the backup meet is central's app served from a thread
    # of this process (the set-up); the central restored below is a real `central-api serve`.
    with central.serving_in_process():
        kiosk = Kiosk(root / "merdanya", central, "merdanya", central.url)
        # A second kiosk, enrolled and then lost for good (stolen): nobody will hear from it again.
        Kiosk(root / "kozarevets", central, "kozarevets", central.url)
        rng = random.Random(18)
        first, second, third = (kiosk.submit(rng) for _ in range(3))
        converge(kiosk, central.url)

        # The nightly backup, while central runs.
        database = central.database_url or sqlite_url(central.home)
        archive = create_backup(central.home, Database.from_url(database), root / "backups")

        # After it: two documents issued and printed at the kiosk, their printing reported.
        for reference in (first, second):
            decisions.approve(
                central.engine, reference, CLERK, signer=central.central.document_signer
            )
        converge(kiosk, central.url)
        held = papers(kiosk)
        assert len(held) == 2
        assert all(
            verified(central, number, pdf) == ("valid", True) for number, pdf in held.items()
        )
        assert requests_by_status(central, kiosk)[first] == "printed"

    # Central is lost and restored from the backup, as docs/operations.md says.
    central.stop()
    shutil.rmtree(central.home)
    if central.database_url:  # the database server lost its data too: an empty database
        empty_database(central.database_url)
    run([sys.executable, "-m", "deploy.backup", "restore", str(archive)], env)
    initialised = run([str(BIN / "central-api"), "init"], env)
    assert "numbering epoch 2 started" in initialised.stdout
    central.start()

    # Central knows it may have forgotten documents: it gives no number until reconciled.
    assert all(verify(central, number)["http"] == 404 for number in held)
    with pytest.raises(restore.NumberingPausedError, match="merdanya-1"):
        decisions.approve(central.engine, third, CLERK, signer=central.central.document_signer)
    assert restore.status(central.engine)["numbering"] == "paused"

    # The kiosk's ordinary sync heals everything: no person at the kiosk.
    report = kiosk_sync(kiosk)
    assert report["failures"] == 0, report["last_error"]
    assert sorted(report["given_back"]) == sorted(held)
    assert report["resent"], "the uplink bundles central lost went again"
    for number, pdf in held.items():
        assert verified(central, number, pdf) == ("valid", True), number
    statuses = requests_by_status(central, kiosk)
    assert statuses[first] == statuses[second] == "printed"  # not "received" any more

    # Still paused: the lost kiosk never reported. The operator forgoes it (a person decides
    # that one, with a reason for the audit log), and numbering resumes in the new epoch.
    assert restore.status(central.engine)["numbering"] == "paused"
    operator = CentralCli({"CENTRAL_HOME": str(central.home), "DATABASE_URL": central.database_url})
    operator("restore", "forgo", "kozarevets-1", "--reason", "stolen")
    assert restore.status(central.engine)["numbering"] == "open"

    _, document = decisions.approve(
        central.engine, third, CLERK, signer=central.central.document_signer
    )
    assert document["number"].split("-")[1] == "2"  # the epoch inside the number
    assert document["number"] not in held
    report = kiosk_sync(kiosk)  # the downlink continues after the kiosk's last applied bundle
    assert report["failures"] == 0 and report["downlink_bundles"] >= 1, report["last_error"]

    now_held = papers(kiosk)
    assert set(now_held) == {*held, document["number"]}  # three papers, three numbers
    for number, pdf in now_held.items():
        assert verified(central, number, pdf) == ("valid", True), number
    assert requests_by_status(central, kiosk)[third] == "printed"

    with store_for(kiosk.config) as store:
        refused = [row for row in store.quarantined() if row["direction"] == "down"]
        assert store.undelivered_bundles() == []
        sealed = store.last_outbound()[0]
    assert refused == []  # no sequence_conflict, no chain_broken
    with read(central.engine) as conn:
        assert (
            conn.execute(
                select(func.count()).where(quarantined_records.c.sender == kiosk.kiosk_id)
            ).scalar()
            == 0
        )
        received = conn.execute(
            select(func.max(inbound_bundles.c.seq)).where(
                inbound_bundles.c.sender == kiosk.kiosk_id
            )
        ).scalar()
    assert received == sealed  # every uplink bundle at central again

    # Later the kiosk's store is lost. `kiosk-app recover` rebuilds it from central's copy:
    # central's downlink has a gap where the bundles it forgot were (a stand-in holds their
    # place); recovery continues past it and gets again what central knows of them, the papers
    # it took back, and prints nothing twice.
    printed_before = sorted(kiosk.printed_files())
    (kiosk.home / "kiosk.db").unlink()
    recovered = json.loads(run([str(BIN / "kiosk-app"), "recover", "--json"], kiosk.env()).stdout)
    assert recovered["downlink_lost"], recovered["summary"]
    assert sorted(recovered["documents_sent_again"]) == sorted(held), recovered["summary"]
    assert recovered["documents_missing"] == [] and recovered["to_print"] == []
    assert any("lost" in line and "sent again" in line for line in recovered["summary"])
    assert set(papers(kiosk)) == set(now_held)
    report = kiosk_sync(kiosk)
    assert report["failures"] == 0, report["last_error"]
    assert sorted(kiosk.printed_files()) == printed_before  # nothing printed a second time
