"""An older central software, for the upgrade tests: today's ``central-api`` whose record
registry does not know some kiosk → central types yet, as a central installed before them.

    python -m tests.old_central request.printed -- serve --host 127.0.0.1 --port 8123

runs ``central-api serve`` (any command after ``--``) with the named types taken out of
``sync.records.RECORD_TYPES`` after the handler tables were built; gunicorn's workers fork from
this process and forget them too. The product code is not touched.
"""

from __future__ import annotations

import sys

import central_api.records  # noqa: F401 - builds the handler table while the registry is whole
from central_api.cli import cli
from sync import records


def main(argv: list[str]) -> None:
    split = argv.index("--")
    forgotten, command = argv[:split], argv[split + 1 :]
    for name in forgotten:
        del records.RECORD_TYPES[name]  # KeyError: a type the registry never had
    cli(args=command, prog_name="central-api (older)")


if __name__ == "__main__":
    main(sys.argv[1:])
