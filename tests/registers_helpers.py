"""A population register in a temporary SQLite file, filled through the real import."""

from __future__ import annotations

import tempfile
from pathlib import Path

from central_api import registers
from central_api.db import make_engine, read, write
from central_api.db.schema import metadata
from central_api.registers.writers import PopulationWriter
from tests.fixtures_central import LYASKOVETS


class Register:
    """``with Register(writer) as conn`` imports the writer's people and reads the register."""

    def __init__(self, writer: PopulationWriter):
        self.writer = writer
        self._folder = tempfile.TemporaryDirectory(prefix="register-")
        self.engine = make_engine(f"sqlite:///{Path(self._folder.name) / 'register.db'}")
        metadata.create_all(self.engine)
        with write(self.engine) as conn:
            registers.import_population(
                conn, writer.csv(), registers.known_settlements(LYASKOVETS), actor="test"
            )

    def __enter__(self):
        self._read = read(self.engine)
        return self._read.__enter__()

    def __exit__(self, *exc):
        self._read.__exit__(*exc)
        self.engine.dispose()
        self._folder.cleanup()
