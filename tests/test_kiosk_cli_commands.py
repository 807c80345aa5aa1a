"""The `kiosk-app` commands in-process: help, JSON output, one-line errors."""

import json
from pathlib import Path

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
    ["staff"],
    ["staff", "fee"],
    ["staff", "form-filed"],
    ["staff", "deliver"],
    ["staff", "undo-deliver"],
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
    egn = next(field for field in service["fields"] if field["name"] == "egn")
    assert (egn["type"], egn["required"], egn["required_if"], egn["options"]) == (
        "egn", True, None, None,
    )  # fmt: skip
    assert [tier["id"] for tier in service["tiers"]] == ["ordinary"]


# What a script would type for each kind of field, knowing only `services --json`.
SAMPLE = {
    "text": "Иван",
    "textarea": "ул. Витоша 1",
    "egn": "7523169263",
    "personal_number": "7523169263",
    "lnch": "1000000009",
    "date": "2020-01-15",
    "phone": "0888123456",
    "email": "ivan@example.bg",
    "boolean": "true",
    "integer": "2",
}


def _fill(service: dict, choose: dict) -> dict:
    """A form filled from the JSON alone: every field required now gets a value of its type."""
    answers = dict(choose)
    for field in service["fields"]:
        condition = field["required_if"]
        needed = field["required"] or (
            condition is not None and answers.get(condition["field"]) == condition["value"]
        )
        if not needed or field["name"] in answers:
            continue
        if field["options"]:
            answers[field["name"]] = field["options"][0]["value"]
        else:
            answers[field["name"]] = SAMPLE[field["type"]]
    return answers


def test_a_script_fills_a_form_from_services_json_alone(run_kiosk, enrolled_kiosk):
    from kiosk_app.store import store_for

    catalogue = json.loads(
        (Path(__file__).parents[1] / "central_api/catalogue/services.json").read_text("utf-8")
    )
    with store_for(enrolled_kiosk) as store:
        store.set_catalogue(catalogue)
    described = json.loads(run_kiosk("services", "--json").stdout)
    service = next(s for s in described if s["id"] == "permanent-address-certificate")
    for_whom = next(f for f in service["fields"] if f["name"] == "for_whom")
    assert [o["value"] for o in for_whom["options"]] == ["self", "other"]
    dependent = [f["name"] for f in service["fields"] if f["required_if"]]
    assert dependent and all(
        f["required_if"]["field"] in ("for_whom", "personal_number_kind")
        for f in service["fields"]
        if f["required_if"]
    )
    answers = _fill(service, {"for_whom": "other", "personal_number_kind": "birth_date"})
    assert set(dependent) <= set(answers)
    args = [arg for name, value in answers.items() for arg in ("--field", f"{name}={value}")]
    result = run_kiosk("submit", service["id"], *args, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "queued"


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
