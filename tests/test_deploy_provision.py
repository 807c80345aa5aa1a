"""deploy/provision-kiosk.sh: valid bash, clean under shellcheck, and its dry run shows each step."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "deploy" / "provision-kiosk.sh"


def provision(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=60, cwd=ROOT
    )


def test_script_is_valid_bash():
    result = subprocess.run(["bash", "-n", str(SCRIPT)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(
    shutil.which("shellcheck") is None, reason="shellcheck missing (apt install shellcheck)"
)
def test_script_is_clean_under_shellcheck():
    result = subprocess.run(["shellcheck", str(SCRIPT)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout


def test_dry_run_shows_every_step_and_changes_nothing():
    result = provision(
        "--dry-run", "--yes",
        "--central", "https://central.lyaskovets.bg",
        "--token", "secret-invite-token",
        "--printer-uri", "usb://HP/LaserJet",
        "--ppd", "/usr/share/ppd/hp.ppd",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "+ env DEBIAN_FRONTEND=noninteractive apt-get install" in out
    assert "+ useradd --system --user-group --home-dir /var/lib/kiosk" in out
    assert "/opt/village-info-centres/venv/bin/pip install -q " + str(ROOT) in out
    assert "kiosk-app enroll --central https://central.lyaskovets.bg --token" in out
    assert "+ lpadmin -p kiosk -E -v usb://HP/LaserJet -P /usr/share/ppd/hp.ppd" in out
    assert "KIOSK_PRINTER=kiosk" in out
    assert "deploy.render systemd/kiosk-sync.service" in out
    assert "+ systemctl enable --now kiosk-sync.service kiosk-app.service" in out
    assert "nothing was changed" in out
    # The one-time token is a secret: never echoed, even in a dry run.
    assert "secret-invite-token" not in out
    # Steps in order: packages, user, software, enroll, fingerprint, printer, services.
    positions = [out.index(f"== Step {n}:") for n in range(1, 8)]
    assert positions == sorted(positions)


def test_without_a_printer_documents_go_to_the_printed_folder():
    result = provision("--dry-run", "--yes", "--central", "https://c.example", "--token", "t")
    assert result.returncode == 0, result.stderr
    assert "lpadmin" not in result.stdout
    assert "/var/lib/kiosk/printed/" in result.stdout


def test_driverless_printer_when_no_ppd_is_given():
    result = provision(
        "--dry-run",
        "--central",
        "https://c.example",
        "--token",
        "t",
        "--printer-uri",
        "ipp://p/ipp",
    )
    assert "+ lpadmin -p kiosk -E -v ipp://p/ipp -m everywhere" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--token", "t"], "--central is required"),
        (["--central", "https://c"], "--token is required"),
        (["--central", "ftp://c", "--token", "t"], "must be an http(s):// address"),
        (["--central", "https://c", "--token", "t", "--ppd", "x.ppd"], "--ppd needs --printer-uri"),
        (["--bogus"], "unknown option --bogus"),
    ],
)
def test_bad_arguments_get_one_clear_line(args, message):
    result = provision("--dry-run", *args)
    assert result.returncode != 0
    assert message in result.stderr.splitlines()[0]
