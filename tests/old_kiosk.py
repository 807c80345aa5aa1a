"""An older kiosk software, for the upgrade tests: today's ``kiosk-app`` whose record registry
does not know some types yet, as a kiosk installed before those types existed.

    python -m tests.old_kiosk document.revoked staff.updated -- sync

runs ``kiosk-app sync`` (any command after ``--``) with the named types taken out of
``sync.records.RECORD_TYPES`` after the handler tables were built: a record of such a type
arrives as it would at the older kiosk, unknown to its software, and is kept aside. The product
code is not touched; only this process forgets.
"""

from __future__ import annotations

import sys

import kiosk_app.exchange  # noqa: F401 - builds the handler tables while the registry is whole
from kiosk_app.cli import cli
from sync import records


def main(argv: list[str]) -> None:
    split = argv.index("--")
    forgotten, command = argv[:split], argv[split + 1 :]
    for name in forgotten:
        del records.RECORD_TYPES[name]  # KeyError: a type the registry never had
    cli(args=command, prog_name="kiosk-app (older)")


if __name__ == "__main__":
    main(sys.argv[1:])
