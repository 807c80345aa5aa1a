"""`central-api staff add/list/remove`: the same staff lists as the web office's staff page, and
each change goes to the village's kiosks."""

from __future__ import annotations

import json

from sqlalchemy import select

from central_api.db import read
from central_api.db.schema import office_staff, outbound_records


def staff_updates(central, kiosk_id: str) -> list[dict]:
    with read(central.engine) as conn:
        rows = conn.execute(
            select(outbound_records.c.record)
            .where(
                outbound_records.c.kiosk_id == kiosk_id,
                outbound_records.c.type == "staff.updated",
            )
            .order_by(outbound_records.c.id)
        ).scalars()
        return [json.loads(row)["body"] for row in rows]


def test_staff_added_on_the_command_line_reach_the_villages_kiosk(central, central_cli, sim_kiosk):
    added = central_cli(
        "staff", "add", "dzhulyunitsa", "Донка", "Маринова", "--pin-stdin", input="482915\n"
    )
    staff_id = added.stdout.strip().splitlines()[-1]
    assert staff_id.startswith("dzhulyunitsa-")

    listed = json.loads(central_cli("staff", "list", "--json").stdout)
    assert [(m["staff_id"], m["village"], m["name"]) for m in listed] == [
        (staff_id, "dzhulyunitsa", "Донка Маринова")
    ]
    assert "pin_hash" not in listed[0] and "482915" not in json.dumps(listed)
    with read(central.engine) as conn:
        stored = conn.execute(select(office_staff.c.pin_hash)).scalar_one()
    assert stored.startswith("$argon2") and "482915" not in stored

    (update,) = staff_updates(central, sim_kiosk.kiosk_id)
    assert [s["name"] for s in update["staff"]] == ["Донка Маринова"]
    assert update["staff"][0]["pin_hash"] == stored

    central_cli("staff", "remove", staff_id)
    assert json.loads(central_cli("staff", "list", "--json").stdout) == []
    assert staff_updates(central, sim_kiosk.kiosk_id)[-1]["staff"] == []


def test_the_list_can_be_read_for_one_village(central_cli):
    central_cli("staff", "add", "merdanya", "Пенка Колева", "--pin-stdin", input="739164\n")
    central_cli("staff", "add", "kozarevets", "Иван Иванов", "--pin-stdin", input="482915\n")
    lines = central_cli("staff", "list", "--village", "merdanya").stdout.splitlines()
    assert len(lines) == 1 and "Пенка Колева" in lines[0]
    unknown = central_cli("staff", "list", "--village", "atlantis", ok=False)
    assert unknown.exit_code == 1 and "atlantis" in unknown.stderr


def test_a_weak_or_missing_pin_is_refused_with_what_to_fix(central_cli):
    simple = central_cli(
        "staff", "add", "merdanya", "Пенка", "--pin-stdin", input="111222\n", ok=False
    )
    assert simple.exit_code == 1 and "too easy" in simple.stderr and "твърде лесен" in simple.stderr
    short = central_cli("staff", "add", "merdanya", "Пенка", "--pin-stdin", input="12\n", ok=False)
    assert "6 to 12 digits" in short.stderr
    no_stdin = central_cli("staff", "add", "merdanya", "Пенка", ok=False)
    assert "--pin-stdin" in no_stdin.stderr
    nowhere = central_cli(
        "staff", "add", "atlantis", "Пенка", "--pin-stdin", input="739164\n", ok=False
    )
    assert nowhere.exit_code == 1 and "village" in nowhere.stderr
    assert central_cli("staff", "list", "--json").stdout.strip() == "[]"


def test_removing_someone_unknown_says_so(central_cli):
    missing = central_cli("staff", "remove", "merdanya-000000", ok=False)
    assert missing.exit_code == 1 and "merdanya-000000" in missing.stderr
