"""Shared pytest set-up. Each area keeps its fixtures in its own module, listed here."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = [
    "tests.fixtures_central",
    "tests.fixtures_postgres",
    "tests.fixtures_kiosk",
    "tests.fixtures_cups",
    "tests.fixtures_browser",
    "tests.fixtures_council",
    "tests.fixtures_signing",
    "tests.fixtures_registers",
    "tests.fixtures_module_central",
]
