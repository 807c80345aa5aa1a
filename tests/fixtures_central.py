"""Fixtures for the central tests: a home, the app, the CLI, a real server, a simulated kiosk.

Every central fixture runs against SQLite and against PostgreSQL (``central_database_url`` is
parametrized); the PostgreSQL half needs the throwaway cluster of ``tests/fixtures_postgres``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from flask.testing import EnvironBuilder, FlaskClient

from sync import Identity, PublicIdentity, open_bundle, seal_bundle
from sync.bundle import GENESIS, bundle_id
from sync.identity import Keyring
from sync.municipality import Municipality
from sync.receipt import make_receipt
from sync.request_auth import authorization_header

ROOT = Path(__file__).resolve().parent.parent
VALID_EGN = "7523169263"
PERMANENT_ADDRESS = "permanent-address-certificate"
# The example profile shipped with the software: the tests' municipality unless one says otherwise.
LYASKOVETS_PROFILE = ROOT / "deploy" / "profiles" / "lyaskovets.toml"


def _lyaskovets():
    from central_api.municipality import load_municipality

    return load_municipality(LYASKOVETS_PROFILE)


LYASKOVETS = _lyaskovets()


def run_concurrently(function, items, timeout: float) -> list[Exception]:
    """Call ``function(item)`` for every item at once, each in its own thread; the errors raised."""
    import threading

    errors: list[Exception] = []

    def run(item):
        try:
            function(item)
        except Exception as exc:  # noqa: BLE001 - returned to the test, which asserts on them
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return errors


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def central_database_url(request, tmp_path):
    """None for the SQLite default inside the home, or a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def central_home(tmp_path) -> Path:
    return tmp_path / "central"


@pytest.fixture
def central_config(central_home, central_database_url) -> dict:
    from central_api.config import load_config

    overrides = {"CENTRAL_HOME": str(central_home)}
    if central_database_url:
        overrides["DATABASE_URL"] = central_database_url
    return load_config(environ={}, **overrides)


@pytest.fixture
def central_env(central_config) -> dict:
    """The environment a central process needs for this test's home and database."""
    env = {"CENTRAL_HOME": central_config["CENTRAL_HOME"]}
    env["DATABASE_URL"] = central_config["DATABASE_URL"]
    env["CENTRAL_ARGON2"] = os.environ["CENTRAL_ARGON2"]  # the tests' cost (tests/conftest.py)
    return env


@pytest.fixture
def municipality_file() -> Path:
    """The municipality profile a test's central is initialised with (override to change)."""
    return LYASKOVETS_PROFILE


@pytest.fixture
def municipality(municipality_file):
    """The profile of the test's municipality, for names a test expects to see."""
    from central_api.municipality import load_municipality

    return load_municipality(municipality_file)


@pytest.fixture(scope="session")
def migrated_databases(tmp_path_factory):
    """Databases the migrations brought to head once per session, one per kind, made on first
    use: a test's central starts from a copy of one, since running the sixteen migrations cost
    each test 0.15 s of CPU on SQLite and 0.6 s on PostgreSQL. The command-line tests'
    `central-api init` still runs them on an empty database."""
    from central_api.db import make_engine
    from central_api.db.migrate import upgrade
    from tests.fixtures_postgres import copy_database

    made: dict[str, str] = {}

    def migrated(kind: str, postgres_url: str | None = None) -> str:
        if kind not in made:
            if kind == "sqlite":
                url = f"sqlite:///{tmp_path_factory.mktemp('migrated') / 'central.db'}"
            else:
                url = postgres_url.rpartition("/")[0] + "/migrated_template"
                copy_database(postgres_url.rpartition("/")[0] + "/template1", url)
            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()  # a PostgreSQL template must have no connection when copied
            made[kind] = url
        return made[kind]

    return migrated


def start_from_migrated(config: dict, migrated_databases) -> None:
    """Put a copy of the session's migrated database where ``config``'s central keeps its own."""
    from tests.fixtures_postgres import copy_database

    url = config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        database = Path(url.removeprefix("sqlite:///"))
        database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.copyfile(migrated_databases("sqlite").removeprefix("sqlite:///"), database)
    else:
        copy_database(migrated_databases("postgresql", url), url)


@pytest.fixture
def central(central_config, municipality_file, migrated_databases):
    """An initialised central (keys made, schema at head)."""
    from central_api.context import Central

    start_from_migrated(central_config, migrated_databases)
    instance = Central.from_config(central_config)
    instance.initialise(municipality_file)
    yield instance
    instance.dispose()


# The keys of every simulated kiosk enrolled so far, by kiosk id and by fingerprint (hex): the
# test client signs a kiosk API call as the kiosk it is for, as a real kiosk's transport does.
KIOSK_KEYS: dict[str, Identity] = {}


def remember_kiosk(identity: Identity) -> None:
    KIOSK_KEYS[identity.party_id] = identity
    KIOSK_KEYS[identity.fingerprint.hex()] = identity


class KioskSigningClient(FlaskClient):
    """Flask's test client that signs each /api/v1 call (sync.request_auth) with the keys of the
    kiosk it is for: the one named in the path, else the sender of the bundle or receipt in the
    body. A call for no known kiosk, or one that brings its own Authorization, goes unchanged."""

    def open(self, *args, **kwargs):
        path = args[0] if args and isinstance(args[0], str) else None
        headers = dict(kwargs.get("headers") or {})
        if path is None or not path.startswith("/api/v1/") or "Authorization" in headers:
            return super().open(*args, **kwargs)
        options = {k: v for k, v in kwargs.items() if k not in ("buffered", "follow_redirects")}
        builder = EnvironBuilder(self.application, *args, **options)
        try:
            body = builder.input_stream.getvalue() if builder.input_stream is not None else b""
            identity = _kiosk_for(builder.path, body)
            if identity is not None:
                target = builder.path + (f"?{builder.query_string}" if builder.query_string else "")
                builder.headers["Authorization"] = authorization_header(
                    identity, builder.method, target, body
                )
            return super().open(
                builder,
                buffered=kwargs.get("buffered", False),
                follow_redirects=kwargs.get("follow_redirects", False),
            )
        finally:
            builder.close()


def _kiosk_for(path: str, body: bytes) -> Identity | None:
    parts = path.split("/")
    if len(parts) > 4 and parts[3] == "kiosks":
        return KIOSK_KEYS.get(parts[4])
    if path in ("/api/v1/bundles", "/api/v1/receipts") and len(body) >= 40:
        return KIOSK_KEYS.get(body[8:40].hex())
    return None


@pytest.fixture
def central_app(central, central_config):
    from central_api import create_app

    app = create_app({**central_config, "TESTING": True})
    app.test_client_class = KioskSigningClient
    yield app
    app.extensions["central"].dispose()


@pytest.fixture
def central_client(central_app):
    return central_app.test_client()


# The approving official in tests: the mayor of the municipality, who may sign every service.
OFFICIAL_ARGS = (
    "officials",
    "add",
    "--name",
    "Мария Георгиева Петрова",
    "--title",
    "Кмет на Община Лясковец",
    "--services",
    "all",
)


class CentralCli:
    """Runs ``central-api`` commands in-process with this test's home and database."""

    def __init__(self, env: dict):
        self.env = env
        self.runner = CliRunner(env=env)

    def __call__(self, *args: str, input: str | None = None, ok: bool = True):
        from central_api.cli import cli

        result = self.runner.invoke(cli, list(args), input=input, prog_name="central-api")
        if ok and result.exit_code != 0:
            raise AssertionError(
                f"central-api {' '.join(args)} failed ({result.exit_code}):\n"
                f"{result.stdout}\n{result.stderr}\n{result.exception!r}"
            )
        return result


@pytest.fixture
def central_cli(central, central_env) -> CentralCli:
    return CentralCli(central_env)


@pytest.fixture
def central_clerk(central_cli, villagers) -> str:
    """A clerk of a central whose register holds the tests' villagers (fixtures_registers)."""
    central_cli(
        "user", "add", "maria", "--role", "clerk", "--password-stdin", input="s3cret-pass\n"
    )
    central_cli(*OFFICIAL_ARGS, "--user", "maria")
    return "maria"


def run_server(env: dict, port: int, log: Path, workers: int = 2) -> subprocess.Popen:
    full_env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    with open(log, "ab") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "central_api.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            env=full_env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_healthy(base_url: str, process: subprocess.Popen, log: Path, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"central-api serve exited: {log.read_text(errors='replace')}")
        try:
            if requests.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise AssertionError(f"central-api serve not healthy in {timeout}s: {log.read_text()}")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def central_server(central, central_env, tmp_path, villagers):
    """A REAL ``central-api serve`` on a free loopback port, its register holding the tests'
    villagers; yields (base_url, home)."""
    port = free_port()
    log = tmp_path / f"central-serve-{port}.log"
    process = run_server(central_env, port, log)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base_url, process, log)
        yield base_url, central.home
    finally:
        stop_server(process)


class SimKiosk:
    """A kiosk reduced to the protocol: keys, an outgoing stream, an incoming ledger."""

    def __init__(self):
        self.identity: Identity | None = Identity.generate("pending")
        self.kiosk_id = ""
        self.kiosk_no = 0
        self.village = ""
        self.central: PublicIdentity | None = None
        self.seq = 0
        self.prev = GENESIS
        self.counter = 0
        self.municipality: Municipality | None = None
        self.sent: list[bytes] = []

    def enrollment_payload(self, token: str) -> dict:
        return {"token": token, "identity": self.identity.public.to_json(), "software_version": "t"}

    def enrolled(self, answer: dict) -> None:
        self.kiosk_id = answer["kiosk_id"]
        self.kiosk_no = answer["kiosk_no"]
        self.village = answer["village"]
        self.identity = Identity(self.kiosk_id, self.identity.signing, self.identity.encryption)
        self.central = PublicIdentity.from_json(answer["central"])
        remember_kiosk(self.identity)
        self.municipality = Municipality.from_json(answer["municipality"])

    @classmethod
    def enroll(cls, client, central_cli, village: str) -> SimKiosk:
        """A SimKiosk enrolled in ``village`` through the test ``client``."""
        token = central_cli("kiosk", "invite", village).stdout.strip().splitlines()[-1]
        kiosk = cls()
        answer = client.post("/api/v1/enroll", json=kiosk.enrollment_payload(token))
        assert answer.status_code == 201, answer.get_json()
        kiosk.enrolled(answer.get_json())
        return kiosk

    def keyring(self) -> Keyring:
        ring = Keyring()
        ring.add(self.central)
        return ring

    def next_reference(self) -> str:
        abbreviation = self.municipality.settlement(self.village).abbreviation
        self.counter += 1
        return f"{abbreviation}{self.kiosk_no}-{self.counter:05d}"

    def submitted(self, reference: str | None = None, fields: dict | None = None, fee="due"):
        reference = reference or self.next_reference()
        body = {
            "reference": reference,
            "service": PERMANENT_ADDRESS,
            "catalogue_version": 1,
            "tier": "ordinary",
            "village": self.village,
            "kiosk_id": self.kiosk_id,
            "fields": fields
            or {
                "first_name": "Иван",
                "middle_name": "Петров",
                "last_name": "Димитров",
                "personal_number_kind": "egn",
                "personal_number": VALID_EGN,
                "phone": "0888123456",
            },
            "submitted_at": "2026-11-25T09:10:11Z",
            "staff": None,
            "fee": {"status": fee},
        }
        return self.record("request.submitted", body)

    def record(self, record_type: str, body: dict) -> dict:
        return {
            "id": str(uuid.uuid4()),
            "type": record_type,
            "at": "2026-11-25T09:10:11Z",
            "body": body,
        }

    def bundle(self, records: list[dict]) -> bytes:
        self.seq += 1
        data = seal_bundle(self.identity, self.central, self.seq, self.prev, records)
        self.prev = bundle_id(data)
        self.sent.append(data)
        return data

    def open(self, data: bytes):
        return open_bundle(data, self.identity, self.keyring())

    def receipt_for(self, data: bytes) -> bytes:
        opened = self.open(data)
        results = [{"id": r["id"], "status": "applied"} for r in opened.records]
        return make_receipt(self.identity, opened.bundle_id, "central", opened.seq, results)


@pytest.fixture
def sim_kiosk(central_client, central_cli, villagers):
    """A SimKiosk enrolled in Джулюница through the test client; its villagers are in the
    register."""
    return SimKiosk.enroll(central_client, central_cli, "dzhulyunitsa")
