"""``central-api purge``: the records schedule applied to central's personal data
(:mod:`central_api.retention`)."""

from __future__ import annotations

import click

from . import retention
from .cli_common import emit, friendly, pass_central
from .context import Central


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Only tell what would be cleared.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_central
@friendly
def purge(central: Central, dry_run: bool, as_json: bool) -> None:
    """Clear the personal data of requests that ended longer ago than the records schedule
    says ($CENTRAL_HOME/records-schedule.toml); the issued documents' register is kept."""
    schedule = retention.load_schedule(central.config)
    report = retention.purge(central.engine, schedule, dry_run=dry_run)
    emit(report.to_json(), as_json, report.lines())
