"""``central-api staff``: the mayoralties' staff lists (:mod:`central_api.staff`), the same as
the web office's staff page, for an administrator at a terminal and for scripts."""

from __future__ import annotations

import sys

import click

from . import staff as staff_lists
from .cli_common import emit, friendly, pass_central
from .context import Central
from .db import read, write
from .errors import InvalidInputError


@click.group()
def staff() -> None:
    """Mayoralty staff who confirm identities at the kiosks."""


@staff.command("add")
@click.argument("village")
@click.argument("names", nargs=-1, required=True)
@click.option("--pin-stdin", is_flag=True, help="Read the PIN (4 to 8 digits) from stdin.")
@click.option("--as", "user_name", default="admin", show_default=True, help="Who adds them.")
@pass_central
@friendly
def staff_add(central: Central, village: str, names, pin_stdin: bool, user_name: str) -> None:
    """Add a member of staff (NAMES: the person's names) to VILLAGE; its kiosks get the list.

    Prints the new staff id as the last line.
    """
    if not pin_stdin:
        raise InvalidInputError(
            "Дайте ПИН кода на стандартния вход с --pin-stdin. / "
            "Give the PIN on standard input with --pin-stdin."
        )
    pin = sys.stdin.readline().strip()
    name = staff_lists.clean_name(" ".join(names))
    with write(central.engine) as conn:
        staff_id = staff_lists.add_staff(conn, village, name, pin, user_name)
    click.echo(f"{name} added to {village}; the village's kiosks get the new list.")
    click.echo(staff_id)


@staff.command("list")
@click.option("--village", default=None, help="Only this village.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array.")
@pass_central
@friendly
def staff_list(central: Central, village: str | None, as_json: bool) -> None:
    """The current staff of every village (no PINs, no hashes)."""
    with read(central.engine) as conn:
        by_village = staff_lists.staff_by_village(conn)
    if village is not None and village not in by_village:
        raise InvalidInputError(
            f"Unknown village {village!r}: use one of {', '.join(sorted(by_village))}."
        )
    listed = [
        staff_lists.describe(member)
        for code, members in by_village.items()
        if village in (None, code)
        for member in members
    ]
    emit(listed, as_json, (f"{m['staff_id']:<22} {m['village']:<13} {m['name']}" for m in listed))


@staff.command("remove")
@click.argument("staff_id")
@click.option("--as", "user_name", default="admin", show_default=True, help="Who removes them.")
@pass_central
@friendly
def staff_remove(central: Central, staff_id: str, user_name: str) -> None:
    """Take a member of staff off their village's list; its kiosks get the new list."""
    with write(central.engine) as conn:
        member = staff_lists.remove_staff(conn, staff_id, user_name)
    click.echo(f"{member['name']} ({staff_id}) removed from {member['village']}.")
