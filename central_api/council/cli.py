"""``central-api council ...``: thin commands over the council's domain functions."""

from __future__ import annotations

import click

from ..cli import cli, friendly, pass_central
from ..context import Central
from ..db import read
from . import votelog
from .errors import CouncilError


@cli.group()
def council() -> None:
    """The municipal council: sessions, votes, protocols."""


@council.command("verify")
@pass_central
@friendly
def council_verify(central: Central) -> None:
    """Check the vote log's hash chain; name the first broken entry."""
    with read(central.engine) as conn:
        result = votelog.verify(conn)
    if not result.ok:
        raise CouncilError(
            f"Дневникът на гласуванията е нарушен при запис {result.first_broken_id}. / "
            f"The vote log is broken at entry {result.first_broken_id}: {result.reason}"
        )
    click.echo(f"Vote log intact: {result.checked} entries.")
