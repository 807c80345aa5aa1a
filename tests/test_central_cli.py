"""The central-api command line: each command, its --help, and its one-line errors."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from central_api.db import read
from central_api.db.migrate import current_revision, head_revision, upgrade
from central_api.db.schema import users

COMMANDS = [
    ["init"],
    ["serve"],
    ["user", "add"],
    ["kiosk", "invite"],
    ["kiosk", "list"],
    ["kiosk", "revoke"],
    ["requests", "list"],
    ["requests", "approve"],
    ["requests", "reject"],
    ["requests", "ask"],
    ["requests", "fee"],
    ["bundle", "import"],
    ["bundle", "export"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command):
    from click.testing import CliRunner

    from central_api.cli import cli

    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.stdout


def test_init_twice_keeps_keys_and_data(central, central_cli, central_clerk):
    fingerprint = central.identity.public.display_fingerprint
    again = central_cli("init")
    assert fingerprint in again.stdout and f"{head_revision()} -> {head_revision()}" in again.stdout
    with read(central.engine) as conn:
        assert conn.execute(select(users.c.name)).scalars().all() == ["maria"]


def test_init_upgrades_an_older_schema_in_place(central_config, central_env):
    from sqlalchemy import text

    from central_api.context import Central
    from tests.fixtures_central import LYASKOVETS_PROFILE, CentralCli

    older = Central.from_config(central_config)
    older.home.mkdir(parents=True)
    upgrade(older.engine, "0001")
    with older.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (name, role, password_hash, created_at, disabled) "
                "VALUES ('old', 'clerk', 'x', '2026-01-01T00:00:00Z', false)"
            )
        )
    assert current_revision(older.engine) == "0001"
    CentralCli(central_env)("init", "--municipality", str(LYASKOVETS_PROFILE))
    assert current_revision(older.engine) == head_revision()
    with older.engine.connect() as conn:
        assert conn.execute(select(users.c.name)).scalars().all() == ["old"]
        conn.execute(text("SELECT version, data FROM catalogues"))
    older.dispose()


def test_invite_prints_the_token_last(central_cli):
    lines = central_cli("kiosk", "invite", "dobri-dyal").stdout.strip().splitlines()
    assert len(lines[-1]) >= 24 and " " not in lines[-1]


def test_kiosk_list_json_after_enrollment(central_cli, sim_kiosk):
    fleet = json.loads(central_cli("kiosk", "list", "--json").stdout)
    assert fleet[0]["id"] == sim_kiosk.kiosk_id and fleet[0]["village"] == "dzhulyunitsa"
    assert fleet[0]["fingerprint"] == sim_kiosk.identity.public.display_fingerprint
    assert fleet[0]["revoked"] is False and fleet[0]["enrolled_at"] and fleet[0]["last_contact"]
    central_cli("kiosk", "revoke", sim_kiosk.kiosk_id)
    assert json.loads(central_cli("kiosk", "list", "--json").stdout)[0]["revoked"] is True


@pytest.mark.parametrize(
    "args, message",
    [
        (["kiosk", "invite", "sofia"], "Unknown village 'sofia'"),
        (["kiosk", "revoke", "nobody-1"], "No kiosk 'nobody-1'"),
        (["requests", "approve", "DZH1-99999", "--as", "maria"], "No request 'DZH1-99999'"),
        (["requests", "reject", "DZH1-1", "--reason", "x", "--as", "nobody"], "No active user"),
        (["user", "add", "ivan", "--role", "clerk"], "--password-stdin"),
    ],
)
def test_errors_are_one_clear_line(central_cli, central_clerk, args, message):
    result = central_cli(*args, ok=False)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("Error: ")


def test_commands_before_init_say_to_run_init(tmp_path):
    from tests.fixtures_central import CentralCli

    home = tmp_path / "empty"
    cli = CentralCli({"CENTRAL_HOME": str(home), "DATABASE_URL": f"sqlite:///{home}/x.db"})
    home.mkdir()
    result = cli("kiosk", "list", ok=False)
    assert result.exit_code == 1 and "central-api init" in result.stderr
    result = cli("kiosk", "invite", "merdanya", ok=False)
    assert result.exit_code == 1 and "central-api init" in result.stderr


def test_requests_list_json(central_cli, central_client, sim_kiosk):
    record = sim_kiosk.submitted()
    central_client.post(
        "/api/v1/bundles",
        data=sim_kiosk.bundle([record]),
        headers={"Content-Type": "application/octet-stream"},
    )
    listed = json.loads(central_cli("requests", "list", "--json").stdout)
    assert listed[0]["reference"] == record["body"]["reference"]
    assert {"reference", "service", "village", "status", "due_date", "created_at"} <= set(listed[0])
    assert json.loads(central_cli("requests", "list", "--status", "issued", "--json").stdout) == []
