"""``central-api quarantine``: the records central refused and keeps aside
(:mod:`central_api.waiting_room`), the same as the office's quarantine page."""

from __future__ import annotations

import click

from . import waiting_room
from .cli_common import emit, friendly, pass_central
from .context import Central
from .db import read


@click.group("quarantine")
def quarantine_group() -> None:
    """Records from kiosks that central refused: why, and retry them."""


def _line(row: dict) -> str:
    state = (
        "waits for an update"
        if row["waiting"]
        else (f"{row['outcome']} {row['released_at']}" if row["released_at"] else "refused")
    )
    return (
        f"{row['id']:>5}  {row['at']}  {row['sender']}  {row['type']}  {state}\n"
        f"       {row['reason']}"
    )


@quarantine_group.command("list")
@click.option("--all", "include_released", is_flag=True, help="Also records applied later.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array.")
@pass_central
@friendly
def quarantine_list(central: Central, include_released: bool, as_json: bool) -> None:
    """The quarantined records, oldest first, with the reason each was refused."""
    with read(central.engine) as conn:
        rows = waiting_room.list_quarantine(conn, include_released)
    emit(rows, as_json, [_line(row) for row in rows] or ["Nothing is quarantined."])


@quarantine_group.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--as", "user_name", default="admin", show_default=True, help="Who retries.")
@click.option("--json", "as_json", is_flag=True, help="The outcome as JSON.")
@pass_central
@friendly
def quarantine_retry(central: Central, ids: tuple[int, ...], user_name: str, as_json: bool):
    """Apply the quarantined records IDS again (numbers from `quarantine list`), once what was
    wrong is fixed; each is applied or stays with its new reason."""
    retried = waiting_room.retry(central.engine, list(ids), actor=user_name)
    lines = [f"Applied: {record_id}" for record_id in retried.applied]
    lines += [f"Refused again ({r['id']}): {r['reason']}" for r in retried.refused]
    lines += [f"Still waits for an update: {record_id}" for record_id in retried.still_waiting]
    emit(retried.to_json(), as_json, lines)
    if retried.refused or retried.still_waiting:
        raise SystemExit(1)
