"""Central's clock is the one that counts (issue 18, finding 7): a kiosk whose clock is a year
behind (libfaketime, the Debian package ``faketime``) against a real ``central-api serve``
still exchanges and runs ``check``, accepts a birth date of last month, stores and sends
the true submission time, promises the true date on the slip, and tells staff its clock is off.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from central_api.db import read
from central_api.workflow import get_request
from kiosk_app.config import KioskConfig
from kiosk_app.store import store_for
from sync.deadlines import SOFIA

ROOT = Path(__file__).resolve().parent.parent
A_YEAR_BEHIND = "-365d"

pytestmark = pytest.mark.skipif(
    shutil.which("faketime") is None, reason="needs faketime (deploy/install-system-packages.sh)"
)


def behind(home: Path, *argv: str, ok: bool = True) -> subprocess.CompletedProcess:
    """A kiosk process whose clock is a year behind (only this process: libfaketime)."""
    env = {
        **os.environ,
        "KIOSK_HOME": str(home),
        "PYTHONPATH": str(ROOT),
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",  # timeouts and backoff keep real durations
    }
    env.pop("KIOSK_PRINTER", None)
    result = subprocess.run(
        ["faketime", "-f", A_YEAR_BEHIND, sys.executable, *argv],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def kiosk_behind(home: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    return behind(home, "-m", "kiosk_app.cli", *args, ok=ok)


@pytest.mark.parametrize("central_database_url", ["sqlite"], indirect=True)
def test_a_kiosk_a_year_behind_works_by_centrals_clock(
    central, central_server, central_cli, tmp_path
):
    base_url, _ = central_server
    home = tmp_path / "kiosk"
    clock = behind(home, "-c", "import datetime; print(datetime.date.today().year)")
    assert int(clock.stdout) == dt.date.today().year - 1  # the fake clock is in force
    token = central_cli("kiosk", "invite", "dzhulyunitsa").stdout.strip().splitlines()[-1]
    kiosk_behind(home, "enroll", "--central", base_url, "--token", token)

    # The first signed call is refused as stale; the refusal carries central's signed time,
    # and the call goes again at central's time: the exchange works.
    kiosk_behind(home, "sync")
    with store_for(KioskConfig(home=home)) as store:
        offset = store.get_setting("clock")["offset_seconds"]
    assert 364 * 86400 < offset < 366 * 86400
    checked = kiosk_behind(home, "check")
    assert "Needs a person" not in checked.stdout, checked.stdout

    # A baby born last month, named by birth date: "not in the future" by central's clock.
    born = (dt.datetime.now(SOFIA).date() - dt.timedelta(days=30)).strftime("%d.%m.%Y")
    baby = ["first_name=Мария", "middle_name=Петрова", "last_name=Иванова",
            "personal_number_kind=birth_date", f"birth_date={born}", "phone=0888123456"]  # fmt: skip
    submitted = kiosk_behind(home, "submit", "permanent-address-certificate", *[
        arg for field in baby for arg in ("--field", field)
    ])  # fmt: skip
    reference = submitted.stdout.strip().splitlines()[-1]
    status = json.loads(kiosk_behind(home, "status", reference, "--json").stdout)
    assert status["submitted_at"][:10] == dt.datetime.now(dt.UTC).date().isoformat()
    kiosk_behind(home, "sync")
    with read(central.engine) as conn:
        submitted_at = get_request(conn, reference)["submitted_at"]
        due_date = get_request(conn, reference)["due_date"]
    assert submitted_at[:10] == dt.datetime.now(dt.UTC).date().isoformat()

    slip = behind(home, "-c", (
        "import json, sys; from kiosk_app.app import KioskApp; from kiosk_app.config import "
        "KioskConfig; print(json.dumps(KioskApp(KioskConfig.from_env()).print_receipt(sys.argv[1])))"
    ), reference)  # fmt: skip
    assert json.loads(slip.stdout.strip().splitlines()[-1])["expected_date"] == due_date
