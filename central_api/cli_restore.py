"""``central-api restore``: numbering after central was restored from a backup
(:mod:`central_api.restore`): which kiosks have reported what they hold, and forgoing one that
will never come back."""

from __future__ import annotations

import click

from sync.wording import counted

from . import restore
from .cli_common import emit, friendly, pass_central
from .context import Central


@click.group("restore")
def restore_group() -> None:
    """Numbering after a restore: no outgoing number until the kiosks have reported."""


def _lines(state: dict) -> list[str]:
    lines = [
        f"Numbering epoch {state['epoch']}: "
        + (
            "numbers are given."
            if state["numbering"] == "open"
            else "PAUSED — no outgoing number until every kiosk below has reported."
        )
    ]
    if state["reason"]:
        lines.append(f"Started {state['started_at']}: {state['reason']}.")
    for kiosk in state["kiosks"]:
        if kiosk["reported_at"]:
            held = counted(kiosk["documents"], "document", "en")
            done = f"reported {kiosk['reported_at']}, {held} held"
        elif kiosk["forgone_at"]:
            done = f"forgone {kiosk['forgone_at']}: {kiosk['forgone_reason']}"
        else:
            done = "waiting for its next exchange"
        lines.append(f"  {kiosk['kiosk_id']}: {done}")
        for refused in kiosk["refused"]:
            lines.append(f"    refused {refused['number']}: {refused['reason']}")
    return lines


@restore_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="The state as JSON.")
@pass_central
@friendly
def restore_status(central: Central, as_json: bool) -> None:
    """The numbering epoch, and which kiosks a restored central still waits for."""
    state = restore.status(central.engine)
    emit(state, as_json, _lines(state))


@restore_group.command("forgo")
@click.argument("kiosk_id")
@click.option("--reason", required=True, help="Why it will not report (the audit log keeps it).")
@click.option("--as", "user_name", default="admin", show_default=True, help="Who decides.")
@pass_central
@friendly
def restore_forgo(central: Central, kiosk_id: str, reason: str, user_name: str) -> None:
    """Stop waiting for KIOSK_ID (stolen, destroyed): numbers resume without its report, in a
    new epoch, so none of its papers' numbers is given again."""
    state = restore.forgo_kiosk(central.engine, kiosk_id, reason, f"admin:{user_name}")
    emit(state, False, _lines(state))
