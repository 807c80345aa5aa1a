"""Central's side of the demo's start-up, done in the demo's own process.

Central's home and keys, the office users and officials, the demo register, the kiosks' invites
and the demo council: the same domain functions the `central-api` commands call (`init`,
`user add`, `officials add`, `registers import-*`, `kiosk invite`, `council demo`/`publish`).
Each `central-api` start costs a second or more of CPU, and the demo would start some twenty.
Whatever is there already (users, officials, the same register, the council) is left alone, so
that a second start of the demo finds everything in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Callable
from pathlib import Path

from central_api import registers
from central_api.config import load_config
from central_api.context import Central
from central_api.council.demo import load_demo, read_data
from central_api.council.publishing import publish_session_of
from central_api.db import read, write
from central_api.errors import CentralError
from central_api.kiosks import create_invite
from central_api.municipality import current_municipality
from central_api.officials import add_official, list_officials
from central_api.registers.demo import generate_register
from central_api.users import add_user
from deploy.demo_data import (
    OFFICIALS,
    POPULATIONS_2024,
    REGISTER_SEED,
    VILLAGE_NAMES,
    RegisterPeople,
    register_people,
)

# name -> role; every clerk is an official (deploy.demo_data.OFFICIALS) and may approve
USERS = {
    "admin": "admin",
    **{official[0]: "clerk" for official in OFFICIALS},
}
COUNCIL_DATA = Path(__file__).resolve().parent / "council-demo.toml"
COUNCIL_SESSIONS = (12, 13)  # held, planned: their decisions, agenda and draft go to the kiosks


class DemoError(Exception):
    """The demo cannot start; the message says what to do."""


@contextlib.contextmanager
def step(what: str):
    """Central's refusal of one step, as the demo's error."""
    try:
        yield
    except CentralError as exc:
        raise DemoError(f"{what} failed: {exc.message}") from exc


class DemoCentral:
    """Central's home opened in this process. ``state`` is the demo's saved state (passwords,
    what was done), ``save()`` writes it, ``log(line)`` tells the terminal."""

    def __init__(self, env: dict, state: dict, save: Callable[[], None], log: Callable):
        self.central = Central.from_config(load_config(environ=env))
        self.state, self.save, self.log = state, save, log
        self.passwords: dict = state.setdefault("passwords", {})

    def close(self) -> None:
        self.central.dispose()

    def __enter__(self) -> DemoCentral:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def initialise(self, profile: Path) -> None:
        """`central-api init --municipality PROFILE`; safe to repeat."""
        with step("central-api init"):
            result = self.central.initialise(profile)
        self.log(f"Central: bundle key fingerprint: {result['fingerprint']}")

    def add_users(self) -> None:
        """The administrator and the clerks, each with a generated password, once."""
        for name, role in USERS.items():
            if name in self.passwords:
                continue
            password = f"{name}-{secrets.token_urlsafe(6)}"
            with step(f"user add {name}"), write(self.central.engine) as conn:
                add_user(conn, name, role, password)
            self.passwords[name] = password
            self.save()
            self.log(f"Central: user {name} ({role}) created")

    def add_officials(self) -> None:
        """Who signs what (deploy.demo_data.OFFICIALS), once."""
        with read(self.central.engine) as conn:
            present = {official["user_name"] for official in list_officials(conn)}
        for user, names, title, order, services in OFFICIALS:
            if user in present:
                continue
            with step(f"officials add {user}"), write(self.central.engine) as conn:
                add_official(
                    conn, user_name=user, names=names, title=title, order=order,
                    services=services, by="admin:demo",
                )  # fmt: skip
            self.log(f"Central: {names} ({title}) signs for {user}")

    def import_register(self, folder: Path) -> dict[str, RegisterPeople]:
        """Generate the demo register (same seed, same people) into ``folder``, import it and
        add the registrar; skipped when the same files were imported already. Returns whom the
        simulated villagers are, per village."""
        population, taxes = generate_register(POPULATIONS_2024, VILLAGE_NAMES, REGISTER_SEED)
        folder.mkdir(exist_ok=True)
        (folder / "population.csv").write_bytes(population)
        (folder / "taxes.csv").write_bytes(taxes)
        fingerprint = hashlib.sha256(population + taxes).hexdigest()
        if self.state.get("register") == fingerprint and "registrar" in self.passwords:
            self.log(f"Central: the demo register is imported already ({folder})")
            return register_people(self.central.engine, VILLAGE_NAMES)
        with step("registers import"), write(self.central.engine) as conn:
            settlements = registers.known_settlements(current_municipality(conn))
            for name, importer, data in (
                ("population", registers.import_population, population),
                ("taxes", registers.import_taxes, taxes),
            ):
                report = importer(conn, data, settlements, actor="demo", file_name=f"{name}.csv")
                self.log(f"Central: register {name}: {report.rows} rows, {report.added} added")
            if "registrar" not in self.passwords:
                password = f"registrar-{secrets.token_urlsafe(6)}"
                add_user(conn, "registrar", "registrar", password)
                self.passwords["registrar"] = password
        self.state["register"] = fingerprint
        self.save()
        return register_people(self.central.engine, VILLAGE_NAMES)

    def invite(self, village: str) -> str:
        """`central-api kiosk invite VILLAGE`: a one-time enrollment token."""
        with step(f"kiosk invite {village}"), write(self.central.engine) as conn:
            return create_invite(conn, village)

    def load_council(self) -> None:
        """The demo council (deploy/council-demo.toml) with a held session, once."""
        if "council" in self.passwords:
            return
        password = f"council-{secrets.token_urlsafe(6)}"
        with (
            step("council demo"),
            self.central.open_signer() as signer,
            write(self.central.engine) as conn,
        ):
            summary = load_demo(conn, read_data(COUNCIL_DATA), password, signer)
        self.passwords["council"] = password
        self.save()
        held = ", ".join(map(str, summary["held"]))
        self.log(
            f"Central: demo council loaded ({summary['councillors']} councillors, "
            f"{summary['sessions']} sessions, held: {held})"
        )

    def publish_council(self) -> None:
        """Every kiosk's notice board gets the council's decisions, agenda and draft, once."""
        if self.state.get("council_published"):
            return
        with (
            step("council publish"),
            self.central.open_signer() as signer,
            write(self.central.engine) as conn,
        ):
            for number in COUNCIL_SESSIONS:
                publish_session_of(conn, number, signer, "council_secretary:demo")
        self.state["council_published"] = True
        self.save()
        self.log("Central: council decisions, agenda and draft published to the kiosks")
