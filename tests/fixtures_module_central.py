"""One REAL central for a whole test module, each test with a kiosk of its own.

Initialising a central and starting ``central-api serve`` (two gunicorn workers) costs seconds
of CPU; a module whose tests need *a* running central, not an empty one, shares
``module_central_server`` (one per database, SQLite and PostgreSQL) and gives each test its own
kiosk, references and files, so that no test depends on what another left behind. A test that
restores, kills or needs a fresh database keeps ``central_server`` (tests/fixtures_central.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fixtures_central import (
    LYASKOVETS_PROFILE,
    OFFICIAL_ARGS,
    CentralCli,
    free_port,
    run_server,
    start_from_migrated,
    stop_server,
    wait_healthy,
)
from tests.fixtures_registers import Villagers, import_register

CLERK = "maria"


@dataclass
class ServedCentral:
    """The module's central: serving at ``url``, its register holding the tests' villagers, and
    ``clerk`` a clerk who signs every service."""

    url: str
    central: object  # central_api.context.Central, the in-process handle on the same database
    env: dict
    villagers: Villagers
    clerk: str = CLERK

    @property
    def home(self) -> Path:
        return self.central.home

    def cli(self) -> CentralCli:
        return CentralCli(self.env)

    def invite(self, village: str) -> str:
        """An enrollment token for ``village`` (the domain call behind ``kiosk invite``)."""
        from central_api import kiosks
        from central_api.db import write

        with write(self.central.engine) as conn:
            return kiosks.create_invite(conn, village)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def module_database_url(request):
    """None for SQLite in the module central's home, or a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("module_postgres_database")


@pytest.fixture(scope="module")
def module_central_server(module_database_url, tmp_path_factory, migrated_databases):
    """A REAL ``central-api serve`` on a free loopback port for the whole module."""
    from central_api.config import load_config
    from central_api.context import Central

    root = tmp_path_factory.mktemp("module-central")
    overrides = {"CENTRAL_HOME": str(root / "central")}
    if module_database_url:
        overrides["DATABASE_URL"] = module_database_url
    config = load_config(environ={}, **overrides)
    start_from_migrated(config, migrated_databases)
    central = Central.from_config(config)
    central.initialise(LYASKOVETS_PROFILE)
    villagers = import_register(central.engine)
    env = {"CENTRAL_HOME": config["CENTRAL_HOME"], "DATABASE_URL": config["DATABASE_URL"]}
    cli = CentralCli(env)
    cli("user", "add", CLERK, "--role", "clerk", "--password-stdin", input="s3cret-pass\n")
    cli(*OFFICIAL_ARGS, "--user", CLERK)
    port = free_port()
    log = root / f"central-serve-{port}.log"
    process = run_server(env, port, log)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base_url, process, log)
        yield ServedCentral(base_url, central, env, villagers)
    finally:
        stop_server(process)
        central.dispose()
