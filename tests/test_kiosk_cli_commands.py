"""The `kiosk-app` commands in-process: help, JSON output, one-line errors."""

import json

import pytest
from click.testing import CliRunner

from kiosk_app.cli import cli
from tests.fixtures_kiosk import VALID_FIELDS

COMMANDS = [
    ["enroll"],
    ["services"],
    ["submit"],
    ["sync"],
    ["status"],
    ["bundle"],
    ["bundle", "export"],
    ["bundle", "import"],
    ["run"],
    ["speak"],
]


@pytest.fixture
def run_kiosk(enrolled_kiosk):
    runner = CliRunner(env={"KIOSK_HOME": str(enrolled_kiosk.home), "KIOSK_PRINTER": ""})

    def invoke(*args):
        return runner.invoke(cli, list(args), prog_name="kiosk-app")

    return invoke


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command):
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_services_json_lists_fields_with_name_type_required(run_kiosk):
    result = run_kiosk("services", "--json")
    (service,) = json.loads(result.stdout)
    assert service["id"] == "permanent-address-certificate"
    assert {"name": "egn", "type": "egn", "required": True} in service["fields"]


def test_submit_prints_the_reference_last_and_status_finds_it(run_kiosk):
    args = [arg for name, value in VALID_FIELDS.items() for arg in ("--field", f"{name}={value}")]
    result = run_kiosk("submit", "permanent-address-certificate", *args)
    assert result.exit_code == 0, result.stderr
    reference = result.stdout.strip().splitlines()[-1]
    assert reference == "DZH1-00001"
    status = json.loads(run_kiosk("status", reference, "--json").stdout)
    assert (status["reference"], status["status"]) == (reference, "queued")
    listed = json.loads(run_kiosk("status", "--json").stdout)
    assert [row["reference"] for row in listed] == [reference]


def test_an_invalid_egn_is_one_clear_line_on_stderr(run_kiosk):
    fields = {**VALID_FIELDS, "egn": "7523169264"}
    args = [arg for name, value in fields.items() for arg in ("--field", f"{name}={value}")]
    result = run_kiosk("submit", "permanent-address-certificate", *args)
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1 and "egn" in result.stderr


def test_an_unknown_reference_is_an_error(run_kiosk):
    result = run_kiosk("status", "DZH1-99999")
    assert result.exit_code != 0 and "DZH1-99999" in result.stderr


def test_a_malformed_field_is_a_usage_error(run_kiosk):
    result = run_kiosk("submit", "permanent-address-certificate", "--field", "no-equals-sign")
    assert result.exit_code == 2 and "NAME=VALUE" in result.stderr


def test_enrolling_twice_is_refused(run_kiosk):
    result = run_kiosk("enroll", "--central", "http://127.0.0.1:9", "--token", "x")
    assert result.exit_code != 0 and "already enrolled" in result.stderr


def test_importing_a_missing_file_is_refused(run_kiosk, tmp_path):
    result = run_kiosk("bundle", "import", str(tmp_path / "nothing.vcb"))
    assert result.exit_code != 0
