"""``central-api council ...``: thin commands over the council's domain functions."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sync.wording import counted

from ..cli_common import friendly, pass_central
from ..context import Central
from ..db import read, write
from . import votelog
from .errors import CouncilError


def _pin(from_stdin: bool) -> str | None:
    """The token's PIN, one line of standard input: used for this command only, never kept."""
    return sys.stdin.readline().rstrip("\r\n") if from_stdin else None


@click.group()
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
@click.option(
    "--pin-stdin",
    is_flag=True,
    help="Read the signing token's PIN from standard input (when the key is on a token).",
)
@pass_central
@friendly
def council_protocol(central: Central, session_number: int, out: str | None, pin_stdin) -> None:
    """Make and sign the protocol of a closed session (by its number), with the certificates'
    signer (on a token: its PIN from standard input)."""
    # Here, not at the top: the protocol's PDF needs reportlab and pyHanko, no other command does.
    from . import protocol

    with central.open_signer(_pin(pin_stdin)) as signer, write(central.engine) as conn:
        result = protocol.sign_protocol_of(conn, session_number, signer, "council_secretary:cli")
    if out:
        Path(out).write_bytes(result.pop("pdf"))
    click.echo(f"Protocol of session {session_number} signed: sha256 {result['sha256']}")


@council.command("demo")
@click.option(
    "--data",
    "data_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="The demo council (deploy/council-demo.toml).",
)
@click.option("--password-stdin", is_flag=True, help="Read the demo users' password from stdin.")
@click.option(
    "--pin-stdin",
    is_flag=True,
    help="Read the signing token's PIN from standard input, after the password (when the key is on a token).",
)
@pass_central
@friendly
def council_demo(central: Central, data_path: Path, password_stdin: bool, pin_stdin) -> None:
    """Load the demo council and its sessions (a past one with its votes) into this central."""
    from .demo import load_demo, read_data

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password for the demo council's users", hide_input=True)
    with central.open_signer(_pin(pin_stdin)) as signer, write(central.engine) as conn:
        summary = load_demo(conn, read_data(data_path), password, signer)
    click.echo(
        f"Demo council loaded: {summary['councillors']} councillors, "
        f"{summary['sessions']} sessions, held: {', '.join(map(str, summary['held']))}."
    )


@council.command("publish")
@click.argument("session_number", type=int)
@click.option(
    "--pin-stdin",
    is_flag=True,
    help="Read the signing token's PIN from standard input (when the key is on a token).",
)
@pass_central
@friendly
def council_publish(central: Central, session_number: int, pin_stdin: bool) -> None:
    """Send a session's agenda, drafts under consultation and adopted decisions to every kiosk
    (what was sent before is not sent again)."""
    from .publishing import publish_session_of

    with central.open_signer(_pin(pin_stdin)) as signer, write(central.engine) as conn:
        sent = publish_session_of(conn, session_number, signer, "council_secretary:cli")
    notices = counted(len(sent), "notice", "en")
    click.echo(f"Published to the kiosks: {notices} ({', '.join(sent) or 'none new'}).")


@council.command("add-councillor")
@click.argument("name")
@click.option("--group", "political_group", required=True, help="The political group.")
@click.option("--term-start", required=True, help="First day of the term, YYYY-MM-DD.")
@click.option("--term-end", required=True, help="Last day of the term, YYYY-MM-DD.")
@click.option("--user", "user_name", default=None, help="The web user (role councillor/chair).")
@pass_central
@friendly
def council_add_councillor(
    central: Central,
    name: str,
    political_group: str,
    term_start: str,
    term_end: str,
    user_name: str | None,
) -> None:
    """Add a councillor, linked to the web user who votes for them in the hall."""
    from .members import add_councillor

    with write(central.engine) as conn:
        member = add_councillor(conn, name, political_group, term_start, term_end, user_name)
    click.echo(f"Councillor {member['name']} added (number {member['id']}).")
