"""`kiosk-app recover` against a real `central-api serve` (issue 18, finding 4): a deleted
kiosk.db, and an older copy put back, are rebuilt from central's copy; the unsent request is
reported lost by number, no reference and no bundle number is given twice, nothing is printed
again, and the kiosk exchanges normally afterwards."""

import json
import shutil

import pytest

from tests.test_kiosk_cli_real_central import FIELDS, kiosk_app

pytestmark = pytest.mark.parametrize("central_database_url", ["sqlite"], indirect=True)
SERVICE = "permanent-address-certificate"


def submit(home) -> str:
    fields = [arg for field in FIELDS for arg in ("--field", field)]
    return kiosk_app(home, "submit", SERVICE, *fields).stdout.strip().splitlines()[-1]


def status(home, reference) -> str:
    return json.loads(kiosk_app(home, "status", reference, "--json").stdout)["status"]


def central_references(central_cli) -> list[str]:
    return [r["reference"] for r in json.loads(central_cli("requests", "list", "--json").stdout)]


def kiosk_with_history(central_server, central_cli, central_clerk, tmp_path):
    """Enrolled; three requests sent, the first one approved and printed."""
    base_url, _ = central_server
    home = tmp_path / "kiosk"
    token = central_cli("kiosk", "invite", "dzhulyunitsa").stdout.strip().splitlines()[-1]
    kiosk_app(home, "enroll", "--central", base_url, "--token", token)
    sent = [submit(home) for _ in range(3)]
    kiosk_app(home, "sync")
    central_cli("requests", "approve", sent[0], "--as", central_clerk)
    kiosk_app(home, "sync")
    assert status(home, sent[0]) == "printed"
    return home, sent


def test_a_deleted_store_is_rebuilt_from_central_and_reuses_no_reference(
    central_server, central_cli, central_clerk, tmp_path
):
    home, sent = kiosk_with_history(central_server, central_cli, central_clerk, tmp_path)
    unsent = submit(home)  # queued, never sent: lost with the store
    (home / "kiosk.db").unlink()
    refused = kiosk_app(home, "status", ok=False)
    assert refused.returncode != 0 and "kiosk-app recover" in refused.stderr

    report = json.loads(kiosk_app(home, "recover", "--json").stdout)
    assert report["requests"] == 3 and report["documents"] == 1
    assert report["lost_unsent"] == [unsent] and report["reference_counter"] == 4
    assert report["to_print"] == []
    assert [status(home, r) for r in sent] == ["printed", "received", "received"]

    kiosk_app(home, "sync")
    assert len(list((home / "printed").glob("*.pdf"))) == 1  # nothing printed a second time
    after = submit(home)
    assert after == "DZH1-00005"  # never DZH1-00004 again, which a villager holds on a slip
    kiosk_app(home, "sync")
    assert status(home, after) == "received" and after in central_references(central_cli)
    central_cli("requests", "approve", sent[1], "--as", central_clerk)
    kiosk_app(home, "sync")
    assert status(home, sent[1]) == "printed"
    assert len(list((home / "printed").glob("*.pdf"))) == 2


def test_an_older_copy_put_back_is_detected_and_repaired_the_same_way(
    central_server, central_cli, central_clerk, tmp_path
):
    home, sent = kiosk_with_history(central_server, central_cli, central_clerk, tmp_path)
    shutil.copy(home / "kiosk.db", tmp_path / "old-kiosk.db")
    later = submit(home)
    kiosk_app(home, "sync")  # central now holds a bundle the copy does not know
    shutil.copy(tmp_path / "old-kiosk.db", home / "kiosk.db")

    every_field = [arg for field in FIELDS for arg in ("--field", field)]
    for args in (("submit", SERVICE, *every_field), ("sync",)):
        refused = kiosk_app(home, *args, ok=False)
        assert refused.returncode != 0
        assert "older copy" in refused.stderr and "kiosk-app recover" in refused.stderr

    report = json.loads(kiosk_app(home, "recover", "--json").stdout)
    assert report["lost_unsent"] == [] and report["requests"] == 4
    assert report["kept_aside"] and report["reference_counter"] == 4
    assert status(home, later) == "received"
    after = submit(home)
    assert after == "DZH1-00005"
    kiosk_app(home, "sync")
    assert status(home, after) == "received"
    assert central_references(central_cli).count(after) == 1
