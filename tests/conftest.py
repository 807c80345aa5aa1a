"""Shared pytest set-up. Each area keeps its fixtures in its own module, listed here."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# argon2 at its cheapest in the tests and every process they start (central and kiosk read these):
# the production cost, 0.15 s of CPU a hash, was a third of the office tests' time.
os.environ.setdefault("CENTRAL_ARGON2", "CHEAPEST")
os.environ.setdefault("KIOSK_ARGON2", "CHEAPEST")

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
