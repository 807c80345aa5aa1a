"""`kiosk-app recover` against a real `central-api serve` (issue 18, finding 4): a deleted
kiosk.db, and an older copy put back, are rebuilt from central's copy; the unsent request is
reported lost by number, no reference and no bundle number is given twice, nothing is printed
again, and the kiosk exchanges normally afterwards.

The kiosk-app processes are what the test proves: every sync, every refusal of a store that
needs recovering, and `recover` itself. Enrolling, submitting and reading a request's status go
through the kiosk's own code in this process (the services the commands call), as the clerk's
steps go through central's command line in process."""

import json
import shutil

import pytest

from kiosk_app import submission, sync_actions
from kiosk_app.config import KioskConfig
from kiosk_app.enrollment import enroll
from tests.test_kiosk_cli_real_central import FIELDS, kiosk_app

pytestmark = pytest.mark.parametrize("central_database_url", ["sqlite"], indirect=True)
SERVICE = "permanent-address-certificate"


def submit(home) -> str:
    """A villager's request at the kiosk (what `kiosk-app submit` calls); its reference."""
    fields = dict(field.split("=", 1) for field in FIELDS)
    return submission.submit_request(KioskConfig(home=home), SERVICE, fields)


def status(home, reference) -> str:
    return submission.request_status(KioskConfig(home=home), reference).status


def central_references(central_cli) -> list[str]:
    return [r["reference"] for r in json.loads(central_cli("requests", "list", "--json").stdout)]


def kiosk_with_history(central_server, central_cli, central_clerk, tmp_path):
    """Enrolled; three requests sent, the first one approved and printed (the set-up, in this
    process: enrollment and the two exchanges through the kiosk's own code)."""
    base_url, _ = central_server
    home = tmp_path / "kiosk"
    token = central_cli("kiosk", "invite", "dzhulyunitsa").stdout.strip().splitlines()[-1]
    enroll(KioskConfig(home=home), base_url, token)
    sent = [submit(home) for _ in range(3)]
    sync_actions.sync_now(KioskConfig(home=home))
    central_cli("requests", "approve", sent[0], "--as", central_clerk)
    sync_actions.sync_now(KioskConfig(home=home))
    assert status(home, sent[0]) == "printed"
    return home, sent


def test_an_older_copy_then_a_deleted_store_are_rebuilt_and_no_reference_is_reused(
    central_server, central_cli, central_clerk, tmp_path
):
    """One kiosk's life (one central, to keep it cheap): an older copy of kiosk.db is put back
    and refused until recovered; later kiosk.db is deleted with a request still unsent."""
    home, sent = kiosk_with_history(central_server, central_cli, central_clerk, tmp_path)
    shutil.copy(home / "kiosk.db", tmp_path / "old-kiosk.db")
    later = submit(home)
    sync_actions.sync_now(
        KioskConfig(home=home)
    )  # central now holds a bundle the copy does not know
    shutil.copy(tmp_path / "old-kiosk.db", home / "kiosk.db")

    every_field = [arg for field in FIELDS for arg in ("--field", field)]
    for args in (("submit", SERVICE, *every_field), ("sync",)):
        refused = kiosk_app(home, *args, ok=False)
        assert refused.returncode != 0
        assert "older copy" in refused.stderr and "kiosk-app recover" in refused.stderr

    report = json.loads(kiosk_app(home, "recover", "--json").stdout)
    assert report["lost_unsent"] == [] and report["requests"] == 4
    assert report["kept_aside"] and report["reference_counter"] == 4
    assert report["documents"] == 1 and report["to_print"] == []
    assert status(home, later) == "received"
    assert [status(home, r) for r in sent] == ["printed", "received", "received"]
    after = submit(home)
    assert after == "DZH1-00005"
    kiosk_app(home, "sync")
    assert status(home, after) == "received"
    assert central_references(central_cli).count(after) == 1
    assert len(list((home / "printed").glob("*.pdf"))) == 1  # nothing printed a second time

    unsent = submit(home)  # queued, never sent: lost with the store
    (home / "kiosk.db").unlink()
    refused = kiosk_app(home, "status", ok=False)
    assert refused.returncode != 0 and "kiosk-app recover" in refused.stderr
    report = json.loads(kiosk_app(home, "recover", "--json").stdout)
    assert report["requests"] == 5 and report["lost_unsent"] == [unsent]
    assert report["reference_counter"] == 6
    newest = submit(home)
    assert newest == "DZH1-00007"  # never DZH1-00006 again, which a villager holds on a slip
    central_cli("requests", "approve", sent[1], "--as", central_clerk)
    kiosk_app(home, "sync")
    assert status(home, newest) == "received" and newest in central_references(central_cli)
    assert status(home, sent[1]) == "printed"
    assert len(list((home / "printed").glob("*.pdf"))) == 2
