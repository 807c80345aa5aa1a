"""The ``central-api`` command line: thin commands, each calling one library function.

Errors a person can act on (``CentralError``, ``sync.SyncError``, a database that cannot be
reached) print one line on stderr and exit with status 1 (:func:`central_api.cli_common.friendly`).
The group and the request/kiosk/bundle commands are here; audit, keys, documents and verify in
:mod:`central_api.cli_more`, the staff lists in :mod:`central_api.cli_staff`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sync.carried import MESSAGE_SUFFIX
from sync.states import FEE_METHODS
from sync.stick import bundle_file_name, receipt_file_name, write_atomically
from sync.wording import counted

from . import (
    attachments,
    bundles,
    carried,
    cli_more,
    cli_officials,
    cli_profile,
    cli_quarantine,
    cli_registers,
    cli_restore,
    cli_retention,
    cli_staff,
    decisions,
    kiosks,
    review,
    users,
    waiting_room,
    workflow,
)
from .cli_common import check_ready_to_serve, emit, friendly, pass_central
from .config import load_config
from .context import Central
from .council import cli as council_cli
from .db import read, write
from .errors import InvalidInputError
from .municipality import current_municipality


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", envvar="CENTRAL_HOME", default=None, help="Data folder ($CENTRAL_HOME).")
@click.pass_context
def cli(ctx: click.Context, home: str | None) -> None:
    """The central office of the village information centres."""
    overrides = {"CENTRAL_HOME": home} if home else {}
    try:
        config = load_config(**overrides)
    except ValueError as exc:  # a setting in the environment that cannot be read
        raise click.ClickException(str(exc)) from exc
    ctx.obj = Central.from_config(config)
    ctx.call_on_close(ctx.obj.dispose)


@cli.command()
@click.option(
    "--municipality",
    "municipality_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The municipality profile to install (needed the first time; "
    "an example is in deploy/profiles/).",
)
@pass_central
@friendly
def init(central: Central, municipality_file: Path | None) -> None:
    """Create the data folder and keys, install the municipality profile, and upgrade the
    database to the newest schema."""
    result = central.initialise(municipality_file)
    click.echo(f"Central home: {result['home']}")
    click.echo(f"Municipality: {result['municipality']} (version {result['municipality_version']})")
    click.echo(f"Database schema: {result['schema_before'] or 'new'} -> {result['schema']}")
    click.echo(f"Central bundle key fingerprint: {result['fingerprint']}")
    if result["document_key"]:
        click.echo(f"Document-signing certificate: {result['document_key']}")
    if result["numbering_epoch_started"]:
        click.echo(
            f"Restored from a backup: numbering epoch {result['numbering_epoch_started']} "
            "started. No outgoing number is given until every kiosk has reported what it holds "
            "(`central-api restore status`)."
        )
    _say_released(result["released"]["applied"])


def _say_released(applied: list[str]) -> None:
    if applied:
        click.echo(
            f"Applied {counted(len(applied), 'record', 'en')} from quarantine that this "
            "software now understands "
            "(`central-api quarantine list --all`)."
        )


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="Worker processes.")
@click.option("--threads", default=4, show_default=True, type=int, help="Threads per worker.")
@pass_central
@friendly
def serve(central: Central, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the kiosk API (and the office) with gunicorn until stopped.

    The downlink long-poll is answered here too, each waiting kiosk holding one of the threads
    (tests, the demo, a handful of kiosks); in production nginx sends it to `central-api
    longpoll` instead, where waiting costs no thread (docs/operations.md)."""
    from .serve import run

    check_ready_to_serve(central)
    central.start_epoch_after_restore()  # a restore without `init` still pauses numbering
    central.publish_municipality()  # an edited municipality.toml reaches the kiosks
    _say_released(waiting_room.release_waiting(central.engine).applied)  # after an upgrade
    central.dispose()  # no connections cross the fork into the workers
    run(central.config, host, port, workers, threads)


@cli.group()
def user() -> None:
    """Office users."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(users.ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@pass_central
@friendly
def user_add(central: Central, name: str, role: str, password_stdin: bool) -> None:
    """Add an office user."""
    if not password_stdin:
        raise InvalidInputError("Give the password on standard input with --password-stdin.")
    password = sys.stdin.readline().rstrip("\r\n")
    with write(central.engine) as conn:
        users.add_user(conn, name, role, password)
    click.echo(f"User {name} added as {role}.")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="A JSON array.")
@pass_central
@friendly
def user_list(central: Central, as_json: bool) -> None:
    """Office users, disabled ones marked."""
    with read(central.engine) as conn:
        found = users.list_users(conn)
    emit(
        found,
        as_json,
        (
            f"{u['name']:<20} {u['role']:<8} {'DISABLED' if u['disabled'] else 'active'}"
            for u in found
        ),
    )


@user.command("disable")
@click.argument("name")
@pass_central
@friendly
def user_disable(central: Central, name: str) -> None:
    """Disable an office user: they cannot sign in, and their sessions end now."""
    with write(central.engine) as conn:
        result = users.set_disabled(conn, name, True)
    ended = counted(result["sessions_ended"], "session", "en")
    click.echo(f"User {result['name']} disabled; {ended} ended.")


@user.command("enable")
@click.argument("name")
@pass_central
@friendly
def user_enable(central: Central, name: str) -> None:
    """Let a disabled office user sign in again."""
    with write(central.engine) as conn:
        result = users.set_disabled(conn, name, False)
    click.echo(f"User {result['name']} enabled.")


@user.command("password")
@click.argument("name")
@pass_central
@friendly
def user_password(central: Central, name: str) -> None:
    """Set a user's new password, read from standard input (one line); their sessions end."""
    password = sys.stdin.readline().rstrip("\r\n")
    with write(central.engine) as conn:
        result = users.set_password(conn, name, password)
    click.echo(f"Password of {result['name']} changed; their sessions ended.")


@cli.group()
def kiosk() -> None:
    """Kiosks: invites, the fleet, revocation."""


@kiosk.command("invite")
@click.argument("village")
@click.option("--days", default=7, show_default=True, type=int, help="Days the token is valid.")
@pass_central
@friendly
def kiosk_invite(central: Central, village: str, days: int) -> None:
    """Make a one-time enrollment token for VILLAGE (printed as the last line).

    VILLAGE is the code of a settlement in municipality.toml (`central-api municipality check`
    lists them).
    """
    with write(central.engine) as conn:
        token = kiosks.create_invite(conn, village, days)
        name = current_municipality(conn).settlement_name(village)
    click.echo(f"Invite for {name} ({village}), valid {counted(days, 'day', 'en')}:")
    click.echo(f"Central fingerprint: {central.identity.public.display_fingerprint}")
    click.echo(token)


@kiosk.command("list")
@click.option("--json", "as_json", is_flag=True, help="A JSON array.")
@pass_central
@friendly
def kiosk_list(central: Central, as_json: bool) -> None:
    """The enrolled kiosks with their key fingerprints."""
    with read(central.engine) as conn:
        fleet = kiosks.list_kiosks(conn)
    emit(
        fleet,
        as_json,
        (
            f"{k['id']:<16} {k['fingerprint']}  {'REVOKED' if k['revoked'] else 'active'}"
            f"  last contact {k['last_contact'] or '-'}"
            for k in fleet
        ),
    )


@kiosk.command("revoke")
@click.argument("kiosk_id")
@click.option("--reason", default="", help="Why (kept in the audit log).")
@pass_central
@friendly
def kiosk_revoke(central: Central, kiosk_id: str, reason: str) -> None:
    """Revoke a kiosk's key: its bundles are refused from now on."""
    with write(central.engine) as conn:
        described = kiosks.revoke(conn, kiosk_id, reason)
    click.echo(f"Kiosk {kiosk_id} ({described['fingerprint']}) is revoked.")


@cli.group("requests")
def requests_group() -> None:
    """Villagers' requests."""


@requests_group.command("list")
@click.option("--status", type=click.Choice(workflow.STATES), default=None)
@click.option("--json", "as_json", is_flag=True, help="A JSON array.")
@pass_central
@friendly
def requests_list(central: Central, status: str | None, as_json: bool) -> None:
    """Requests, overdue first."""
    with read(central.engine) as conn:
        found = workflow.list_requests(conn, status)
    emit(
        found,
        as_json,
        (
            f"{r['reference']:<12} {r['status']:<10} {r['village']:<13} {r['service']}"
            f"  due {r['due_date'] or '-'}"
            for r in found
        ),
    )


@requests_group.command("approve")
@click.argument("references", nargs=-1, required=True)
@click.option("--as", "user_name", required=True, help="The deciding clerk (an official).")
@click.option(
    "--pin-stdin", is_flag=True, help="Read the signing token's PIN from stdin (PKCS#11)."
)
@click.option(
    "--confirm-heirs",
    is_flag=True,
    help="For certificates of heirs: you checked the heirs `registers heirs EGN` lists.",
)
@pass_central
@friendly
def requests_approve(
    central: Central, references, user_name: str, pin_stdin: bool, confirm_heirs: bool
) -> None:
    """Approve requests and issue their documents, from the register (all of them, or none;
    a block in the register stops it: then ask the villager or refuse)."""
    confirmed = {}
    if confirm_heirs:
        with read(central.engine) as conn:
            for reference in references:
                found = review.review_request(conn, workflow.get_request(conn, reference))
                confirmed[reference] = review.heirs_digest(found)
    pin = sys.stdin.readline().rstrip("\n") if pin_stdin else None
    with central.open_signer(pin) as signer:
        issued = decisions.approve_batch(
            central.engine, list(references), user_name, signer, confirmed_heirs=confirmed
        )
    for document in issued:
        if document["number"] is None:
            click.echo(
                f"{document['reference']} approved; the villager collects the document in person."
            )
        else:
            click.echo(
                f"{document['reference']} approved and issued as Изх. № {document['number']}."
            )


@requests_group.command("attach")
@click.argument("reference")
@click.argument("pdf_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "user_name", required=True, help="The clerk who uploads it.")
@pass_central
@friendly
def requests_attach(central: Central, reference: str, pdf_file: Path, user_name: str) -> None:
    """Attach the PDF made in another system (issuance: attached); approving issues it."""
    row = attachments.attach_document(
        central.engine, reference, pdf_file.name, pdf_file.read_bytes(), user_name
    )
    click.echo(f"{reference}: {row['file_name']} attached ({row['pages']} pages).")


@requests_group.command("reject")
@click.argument("reference")
@click.option("--reason", required=True, help="Why, in words the villager understands.")
@click.option(
    "--legal-basis", default=None, help="The law the refusal rests on (default: the service's)."
)
@click.option("--as", "user_name", required=True, help="The deciding clerk (an official).")
@click.option(
    "--pin-stdin", is_flag=True, help="Read the signing token's PIN from stdin (PKCS#11)."
)
@pass_central
@friendly
def requests_reject(
    central: Central,
    reference: str,
    reason: str,
    legal_basis: str | None,
    user_name: str,
    pin_stdin: bool,
) -> None:
    """Refuse a request with a written, signed decision that is printed at the kiosk."""
    pin = sys.stdin.readline().rstrip("\n") if pin_stdin else None
    with central.open_signer(pin) as signer:
        _, document = decisions.reject(
            central.engine, reference, reason, user_name, signer=signer, legal_basis=legal_basis
        )
    click.echo(f"{reference} rejected; the refusal is Изх. № {document['number']}.")


@requests_group.command("ask")
@click.argument("reference")
@click.option("--question", required=True, help="What the villager should answer.")
@click.option("--as", "user_name", required=True, help="The asking clerk.")
@pass_central
@friendly
def requests_ask(central: Central, reference: str, question: str, user_name: str) -> None:
    """Ask the villager for more information (needs_info)."""
    decisions.ask(central.engine, reference, question, user_name)
    click.echo(f"{reference} needs information; the question goes to the kiosk.")


@requests_group.command("fee")
@click.argument("reference")
@click.option("--status", type=click.Choice(workflow.FEE_STATUSES), required=True)
@click.option("--method", type=click.Choice(FEE_METHODS), default=None, help="How it was paid.")
@click.option("--receipt-number", default=None, help="The cash-receipt number.")
@click.option("--as", "user_name", default="system", help="Who records it.")
@pass_central
@friendly
def requests_fee(central: Central, reference, status, method, receipt_number, user_name) -> None:
    """Record a request's fee as due, paid or exempt."""
    decisions.record_fee(central.engine, reference, status, method, receipt_number, user_name)
    click.echo(f"Fee of {reference}: {status}.")


@cli.group()
def bundle() -> None:
    """Bundles carried as files (USB stick)."""


@bundle.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--receipt-out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the receipt or answer (default: next to the file).",
)
@pass_central
@friendly
def bundle_import(central: Central, file: Path, receipt_out: Path | None) -> None:
    """Import a kiosk's bundle (.vcb; prints the receipt file), receipt (.vcr) or message
    (.vcm: its stream positions, whose answer file goes beside the receipts, or a document
    given back)."""
    data = file.read_bytes()
    if file.suffix == MESSAGE_SUFFIX:
        roots = central.config.get("TSA_ROOTS")
        taken = carried.take_carried(
            central.engine,
            central.identity,
            data,
            central.document_certificate_pem(),
            Path(roots).read_bytes() if roots else None,
        )
        if taken.answer_file is None:
            result = taken.result
            reason = f" ({result['reason']})" if result.get("reason") else ""
            click.echo(
                f"Document {result['number']} from {taken.kiosk_id}: {result['status']}{reason}."
            )
            return
        name, signed = taken.answer_file
        target = (receipt_out or file.parent) / name
        write_atomically(target, signed)
        answer = taken.result
        click.echo(
            f"Stream positions of {taken.kiosk_id}: central holds its bundle "
            f"{answer['uplink']['central_has']['seq']}; the downlink continues after "
            f"{answer['downlink']['continues_after']['seq']}"
            + (
                f"; documents asked back: {len(answer['documents_lacking'])}"
                if answer.get("documents_lacking")
                else ""
            )
            + "."
        )
        click.echo(str(target))
        return
    if file.suffix == ".vcr":
        result = bundles.acknowledge(central.engine, central.identity, data)
        click.echo(f"Downlink bundle {result['seq']} to {result['kiosk_id']} acknowledged.")
        return
    received = bundles.receive(central.engine, central.identity, data)
    opened = received.bundle
    name = receipt_file_name(opened.sender.party_id, central.identity.party_id, opened.seq)
    target = (receipt_out or file.parent) / name
    write_atomically(target, received.receipt)
    counts = {}
    for result in received.results:
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "replay"
    click.echo(f"Bundle {opened.seq} from {opened.sender.party_id}: {summary}.")
    click.echo(str(target))


@bundle.command("export")
@click.option("--kiosk", "kiosk_id", required=True, help="The kiosk's id (<village>-<n>).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@pass_central
@friendly
def bundle_export(central: Central, kiosk_id: str, out: Path) -> None:
    """Write the kiosk's undelivered downlink bundles and recent receipts into a folder."""
    exported = bundles.export_downlink(central.engine, central.identity, kiosk_id)
    me = central.identity.party_id
    for item in exported["bundles"]:
        path = out / bundle_file_name(me, kiosk_id, item["seq"])
        write_atomically(path, item["data"])
        click.echo(str(path))
    for item in exported["receipts"]:
        path = out / receipt_file_name(kiosk_id, me, item["seq"])
        write_atomically(path, item["receipt"])
        click.echo(str(path))


for command in (
    cli_more.longpoll,
    cli_more.audit,
    cli_more.keys,
    cli_more.documents,
    cli_more.verify,
    cli_officials.officials_group,
    cli_staff.staff,
    cli_quarantine.quarantine_group,
    cli_retention.purge,
    cli_restore.restore_group,
    cli_profile.municipality_group,
    cli_profile.catalogue_group,
    cli_registers.registers_group,
    council_cli.council,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="central-api")


if __name__ == "__main__":
    main()
