"""``central-api council ...``: thin commands over the council's domain functions."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import cli, friendly, pass_central
from ..context import Central
from ..db import read, write
from . import protocol, votelog
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


@council.command("protocol")
@click.argument("session_number", type=int)
@click.option("--out", type=click.Path(dir_okay=False), help="Also write the signed PDF here.")
@pass_central
@friendly
def council_protocol(central: Central, session_number: int, out: str | None) -> None:
    """Make and sign the protocol of a closed session (by its number)."""
    with write(central.engine) as conn:
        result = protocol.sign_protocol_of(
            conn, session_number, central.document_signer, "council_secretary:cli"
        )
    if out:
        Path(out).write_bytes(result.pop("pdf"))
    click.echo(f"Protocol of session {session_number} signed: sha256 {result['sha256']}")
