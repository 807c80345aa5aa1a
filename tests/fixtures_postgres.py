"""Fixtures for the PostgreSQL tests: a throwaway PostgreSQL 15 cluster for the whole session.

The cluster runs as the ``postgres`` OS user (initdb refuses root) in a temporary folder,
listening on 127.0.0.1 and a free port with its socket in that folder; each test that wants a
database gets a fresh one from ``postgres_database``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60, **kwargs)


@pytest.fixture(scope="session")
def postgres_url():
    """A ``postgresql+psycopg://`` URL of a database in a throwaway cluster."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip(
            f"PostgreSQL 15 is not installed ({PG_BIN}/initdb missing; `make test` installs it)"
        )
    with throwaway_cluster() as url:
        yield url


@contextlib.contextmanager
def throwaway_cluster(max_connections: int = 100):
    """A PostgreSQL cluster in a temporary folder on loopback, removed afterwards; the URL of
    its database ``central`` (also used by bench/bench_longpoll.py)."""
    folder = Path(tempfile.mkdtemp(prefix="central-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    os.chmod(folder, 0o700)
    _as_postgres(
        [
            str(PG_BIN / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ]
    )
    port = free_port()
    log = folder / "server.log"
    _as_postgres(
        [
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "30",
            "-o",
            f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off -c max_connections={max_connections}",
            "start",
        ]
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            ready = subprocess.run(
                [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                capture_output=True,
                timeout=10,
            )
            if ready.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start: {log.read_text(errors='replace')}")
            time.sleep(0.1)
        _as_postgres(
            [
                str(PG_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "central",
            ]
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/central"
    finally:
        subprocess.run(
            ["runuser", "-u", "postgres", "--"] * (os.geteuid() == 0)
            + [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)


def _admin_url(postgres_url: str) -> str:
    base, _, _ = postgres_url.rpartition("/")
    return base.replace("postgresql+psycopg://", "postgresql://") + "/postgres"


def copy_database(template_url: str, url: str) -> None:
    """Replace the (unused) database of ``url`` by a copy of ``template_url``'s, which must have
    no open connection (CREATE DATABASE ... TEMPLATE)."""
    import psycopg

    template, name = template_url.rpartition("/")[2], url.rpartition("/")[2]
    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


@contextlib.contextmanager
def fresh_database(postgres_url: str, prefix: str = "t"):
    """A fresh, empty database in the cluster of ``postgres_url``; dropped afterwards."""
    import psycopg

    base, _, _ = postgres_url.rpartition("/")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = _admin_url(postgres_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_database(postgres_url):
    """A fresh, empty database in the session's cluster for this test."""
    with fresh_database(postgres_url) as url:
        yield url


@pytest.fixture(scope="module")
def module_postgres_database(postgres_url):
    """A fresh, empty database in the session's cluster for the whole module."""
    with fresh_database(postgres_url, prefix="m") as url:
        yield url
