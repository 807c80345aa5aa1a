"""``central-api officials``: who signs documents, under which title, for which services.

Added to the group in :mod:`central_api.cli`; the same rules: thin, one-line errors.
"""

from __future__ import annotations

import click

from . import officials
from .cli_common import emit, friendly, pass_central
from .context import Central
from .db import read, write


@click.group("officials")
def officials_group() -> None:
    """Officials who approve and sign documents (names, title, order, services)."""


@officials_group.command("add")
@click.option(
    "--user", "user_name", required=True, help="The web-office user who is this official."
)
@click.option("--name", "names", required=True, help="Names as printed: 'Иван Петров Иванов'.")
@click.option("--title", required=True, help="Title as printed, e.g. 'Кмет на кметство <village>'.")
@click.option(
    "--order", default=None, help="The authorising order, 'number/date' (none for a mayor)."
)
@click.option("--services", required=True, help="Service ids, comma-separated, or 'all'.")
@pass_central
@friendly
def officials_add(central: Central, user_name, names, title, order, services) -> None:
    """Link a user to an official who may sign the services given."""
    with write(central.engine) as conn:
        official = officials.add_official(
            conn,
            user_name=user_name,
            names=names,
            title=title,
            order=order,
            services=services,
            by="admin:cli",
        )
    click.echo(f"{official['names']} ({official['title']}) signs for user {user_name}.")


@officials_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="A JSON array.")
@pass_central
@friendly
def officials_list(central: Central, as_json: bool) -> None:
    """Officials in office, with what they may sign."""
    with read(central.engine) as conn:
        found = officials.list_officials(conn)
    shown = [
        {
            "user": o["user_name"],
            "names": o["names"],
            "title": o["title"],
            "order": o["order"] or None,
            "services": o["services"] or officials.ALL_SERVICES,
        }
        for o in found
    ]
    emit(
        shown,
        as_json,
        (
            f"{o['user']:<12} {o['names']} — {o['title']}"
            f"{' — ' + o['order'] if o['order'] else ''}"
            f"  [{o['services'] if o['services'] == 'all' else ', '.join(o['services'])}]"
            for o in shown
        ),
    )


@officials_group.command("remove")
@click.option("--user", "user_name", required=True, help="The user whose official record ends.")
@pass_central
@friendly
def officials_remove(central: Central, user_name: str) -> None:
    """End an official's authority (the user stays, but can no longer approve)."""
    with write(central.engine) as conn:
        official = officials.remove_official(conn, user_name, "admin:cli")
    click.echo(f"{official['names']} no longer signs documents.")
