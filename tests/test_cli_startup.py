"""The command lines start without the libraries only some of their commands need.

Tests and operators start ``central-api`` many times; loading pyHanko, aiohttp, reportlab,
psycopg and Flask for ``central-api staff list`` cost about a second each time. The commands that need them
import them where they are used; this keeps it so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Signing and PDFs (pyHanko, aiohttp through its time-stamp client, reportlab), the driver only
# the PostgreSQL long-poll listener uses, and the web framework only `serve` needs.
HEAVY = ("pyhanko", "aiohttp", "reportlab", "psycopg", "flask")


def loaded_by(module: str) -> list[str]:
    """The HEAVY libraries a fresh interpreter has loaded after importing ``module``."""
    script = (
        f"import json, sys, {module}; "
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_central_api_command_line_loads_no_signing_pdf_or_web_library():
    assert loaded_by("central_api.cli") == []
