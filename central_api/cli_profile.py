"""``central-api municipality check`` and ``central-api catalogue publish``: the municipality
profile (:mod:`central_api.municipality`) and the service catalogue (:mod:`central_api.catalogues`)
for an administrator at a terminal."""

from __future__ import annotations

import json
from pathlib import Path

import click

from . import catalogues, municipality
from .cli_common import friendly, pass_central
from .context import Central
from .db import write


@click.group("municipality")
def municipality_group() -> None:
    """The municipality profile (municipality.toml in the home)."""


@municipality_group.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--json", "as_json", is_flag=True, help="The checked profile as JSON.")
@pass_central
@friendly
def municipality_check(central: Central, file: Path | None, as_json: bool) -> None:
    """Check a municipality profile (default: the one in central's home)."""
    checked = municipality.load_municipality(file or municipality.profile_path(central.home))
    if as_json:
        summary = checked.to_json()
        summary.pop("coat_of_arms_data")
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    click.echo(f"{checked.official_name.bg} / {checked.official_name.en}: the profile is usable.")
    for settlement in checked.settlements:
        click.echo(
            f"  {settlement.code:<16} {settlement.abbreviation:<5} {settlement.type:<12} "
            f"{settlement.label_bg}"
        )


@click.group("catalogue")
def catalogue_group() -> None:
    """The service catalogue the kiosks offer."""


@catalogue_group.command("publish")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "user_name", default="admin", show_default=True, help="Who publishes it.")
@pass_central
@friendly
def catalogue_publish(central: Central, file: Path, user_name: str) -> None:
    """Check FILE (JSON, docs/catalogue.md) and publish it as the next version; the kiosks
    receive it at their next exchange."""
    with write(central.engine) as conn:
        version = catalogues.publish_from_file(conn, file.read_bytes(), user_name)
    click.echo(
        f"Catalogue version {version} published; the kiosks receive it at their next exchange."
    )
