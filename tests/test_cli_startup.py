"""The command lines start without the libraries only some of their commands need.

Tests and operators start ``central-api`` and ``kiosk-app`` many times; loading pyHanko, aiohttp, reportlab,
psycopg and Flask for ``central-api staff list`` cost about a second each time. The commands that need them
import them where they are used; this keeps it so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kiosk_app.config import KioskConfig
from kiosk_app.enrollment import enroll
from tests.fixtures_kiosk import VALID_FIELDS, FakeCentral

ROOT = Path(__file__).resolve().parent.parent
# Signing and PDFs (pyHanko, aiohttp through its time-stamp client, reportlab), the driver only
# the PostgreSQL long-poll listener uses, the web framework only `serve` needs, and the HTTP
# client only the kiosk's side of sync uses.
HEAVY = ("pyhanko", "aiohttp", "reportlab", "psycopg", "flask", "requests")


def run_python(script: str, **env: str) -> str:
    """What a fresh interpreter running ``script`` prints."""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        timeout=60,
        check=True,
    )
    return result.stdout


def loaded_by(module: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """The ``heavy`` libraries a fresh interpreter has loaded after importing ``module``."""
    script = (
        f"import json, sys, {module}; "
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(heavy)!r})))"
    )
    return json.loads(run_python(script))


def test_central_api_command_line_loads_no_signing_pdf_or_web_library():
    assert loaded_by("central_api.cli") == []


# The kiosk's command line: PDFs (reportlab, with segno for the receipt's QR code and Pillow
# under both), signatures (pyHanko) and Qt are for the screen and the printed slips; the
# commands an operator or a test runs (`services`, `submit`, `status`, `staff`, `sync`) do
# without them. The HTTP client (requests) is for the commands that talk to central.
KIOSK_HEAVY = ("reportlab", "segno", "PIL", "pyhanko", "PySide6")
HTTP = ("requests",)


def test_printing_loads_no_pdf_library_until_a_pdf_is_made():
    assert loaded_by("printing", KIOSK_HEAVY) == []
    assert loaded_by("printing.receipts", KIOSK_HEAVY) == ["PIL", "reportlab", "segno"]


def test_kiosk_command_line_loads_no_pdf_signing_qt_or_http_library():
    assert loaded_by("kiosk_app.cli", KIOSK_HEAVY + HTTP) == []


def test_the_kiosk_commands_load_only_what_they_use(tmp_path):
    home = tmp_path / "kiosk"
    # Nothing listens on the discard port: `sync` finds central unreachable and says so.
    enroll(KioskConfig(home=home), "http://127.0.0.1:9", "invite", transport=FakeCentral())
    fields = [arg for name, value in VALID_FIELDS.items() for arg in ("--field", f"{name}={value}")]
    offline = [
        ["services", "--json"],
        ["submit", "permanent-address-certificate", *fields, "--json"],
        ["status", "--json"],
        ["staff", "form-filed", "KIOSK-NONE", "--staff", "nobody"],
        ["check", "--store", "--json"],
    ]
    script = (
        "import json, sys\n"
        "from click.testing import CliRunner\n"
        "from kiosk_app.cli import cli\n"
        "def loaded(names):\n"
        "    return sorted({m.split('.')[0] for m in sys.modules} & set(names))\n"
        f"ran = [CliRunner().invoke(cli, args) for args in {offline!r}]\n"
        f"after_offline = loaded({KIOSK_HEAVY + HTTP!r})\n"
        "ran.append(CliRunner().invoke(cli, ['sync', '--json']))\n"
        f"after_sync = loaded({KIOSK_HEAVY + HTTP!r})\n"
        "print(json.dumps([[r.exit_code, r.output] for r in ran] + [after_offline, after_sync]))"
    )
    *ran, after_offline, after_sync = json.loads(run_python(script, KIOSK_HOME=str(home)))
    # Each command ran to its end (0), or to what it must refuse (1): an unknown reference, and
    # central out of reach.
    assert [code for code, _ in ran] == [0, 0, 0, 1, 0, 1], ran
    assert "KIOSK-NONE" in ran[3][1] and "cannot be reached" in ran[5][1]
    assert after_offline == []
    assert after_sync == ["requests"]
