"""deploy/postgres/setup.sql: a role that owns one database is all central needs."""

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from deploy.procs import command_for

ROOT = Path(__file__).resolve().parent.parent
SETUP_SQL = ROOT / "deploy" / "postgres" / "setup.sql"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        shutil.which("psql") is None, reason="psql missing (apt install postgresql)"
    ),
]


def psql(postgres_url: str, *args: str, database: str = "postgres") -> subprocess.CompletedProcess:
    server = urlsplit(postgres_url)
    return subprocess.run(
        ["psql", "-X", "-h", server.hostname, "-p", str(server.port), "-U", "postgres",
         "-d", database, "-v", "ON_ERROR_STOP=1", *args],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.fixture
def central_role(postgres_url):
    name = f"central_{uuid.uuid4().hex[:8]}"
    yield name
    psql(postgres_url, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(postgres_url, "-c", f'DROP ROLE IF EXISTS "{name}"')


def test_setup_sql_makes_a_role_central_can_initialise_with(postgres_url, central_role, tmp_path):
    made = psql(
        postgres_url,
        "-v", f"role={central_role}", "-v", f"database={central_role}",
        "-v", "password=s3cret-парола", "-f", str(SETUP_SQL),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr

    attributes = psql(
        postgres_url, "-At", "-c",
        f"select rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname = '{central_role}'",
    )  # fmt: skip
    assert attributes.stdout.strip() == "f|f|f"

    server = urlsplit(postgres_url)
    url = (
        f"postgresql+psycopg://{central_role}:s3cret@{server.hostname}:{server.port}/{central_role}"
    )
    env = {**os.environ, "CENTRAL_HOME": str(tmp_path / "central"), "DATABASE_URL": url}
    for args in (
        ["init", "--municipality", str(ROOT / "deploy/profiles/lyaskovets.toml")],
        ["kiosk", "invite", "dragizhevo"],
        ["kiosk", "list", "--json"],
    ):
        result = subprocess.run(
            [*command_for("central-api"), *args],
            env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
        )  # fmt: skip
        assert result.returncode == 0, f"{args}: {result.stderr}"
    assert json.loads(result.stdout) == []

    owners = psql(
        postgres_url, "-At", "-c",
        "select distinct tableowner from pg_tables where schemaname = 'public'",
        database=central_role,
    )  # fmt: skip
    assert owners.stdout.split() == [central_role]


def test_setup_sql_refuses_to_run_without_a_password(postgres_url, central_role):
    result = psql(postgres_url, "-v", f"role={central_role}", "-f", str(SETUP_SQL))
    assert result.returncode != 0
    assert "pass a password" in result.stderr
