"""``central-api registers ...``: import the population and local-tax files, look a person up.

Added to the group in :mod:`central_api.cli`; thin like the others: each command calls
one function of :mod:`central_api.registers` and prints its answer.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from sync.wording import by_sex

from . import registers
from .cli_common import friendly, pass_central
from .context import Central
from .db import read, write
from .errors import InvalidInputError
from .municipality import current_municipality


@click.group("registers")
def registers_group() -> None:
    """The population (ЗГР) and local-tax (ЗМДТ) registers."""


def _import(central: Central, register: str, path: Path, dry_run: bool, as_json: bool) -> None:
    importer = registers.import_population if register == "population" else registers.import_taxes
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(
            f"Файлът не може да се прочете / cannot read {path}: {exc}"
        ) from exc
    with write(central.engine) as conn:
        report = importer(
            conn,
            data,
            registers.known_settlements(current_municipality(conn)),
            actor="cli:registers-import",
            file_name=path.name,
            dry_run=dry_run,
        )
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    verb = "would be" if dry_run else "were"
    for line in report.changes[:20] if dry_run else []:
        click.echo(line)
    click.echo(
        f"{register}: {report.rows} rows; {report.added} {verb} added, {report.updated} updated, "
        f"{report.unchanged} unchanged (sha256 {report.sha256})."
    )
    if dry_run:
        click.echo("Dry run: nothing was stored. / Пробно: нищо не е записано.")


@registers_group.group("import")
def import_group() -> None:
    """Import a register file (CSV, format in docs/registers.md)."""


@import_group.command("population")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what would change; store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@pass_central
@friendly
def import_population(central: Central, file: Path, dry_run: bool, as_json: bool) -> None:
    """Import the population register (ЗГР) from FILE.csv."""
    _import(central, "population", file, dry_run, as_json)


@import_group.command("taxes")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what would change; store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@pass_central
@friendly
def import_taxes(central: Central, file: Path, dry_run: bool, as_json: bool) -> None:
    """Import the local-tax register (ЗМДТ) from FILE.csv."""
    _import(central, "taxes", file, dry_run, as_json)


@registers_group.command("heirs")
@click.argument("identifier")
@pass_central
@friendly
def heirs(central: Central, identifier: str) -> None:
    """The legal heirs of the deceased with this ЕГН/ЛНЧ (ЗН чл. 5–10)."""
    with read(central.engine) as conn:
        person = registers.find_person(conn, identifier)
        if person is None:
            raise registers.PersonNotFoundError(
                f"{identifier} няма в регистъра / is not in the population register."
            )
        result = registers.legal_heirs(conn, person)
    died = by_sex(person.sex, "починал", "починала")
    click.echo(f"{person.full_name} ({person.identifier}), {died} на {result.death_date}:")
    for entry in result.entries:
        mark = "+" if entry.included else "-"
        click.echo(
            f"  {'  ' * entry.depth}{mark} {entry.person.full_name} ({entry.person.identifier}) "
            f"{entry.relation_bg} / {entry.relation_en}: {entry.reason_bg} "
            f"[{entry.article}] {entry.share_text}"
        )
    for bg, en in result.notes:
        click.echo(f"  ! {bg} / {en}")
