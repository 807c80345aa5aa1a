"""`kiosk-app`: the kiosk's command line. Data lives under $KIOSK_HOME (default ./var/kiosk).

Each command parses its options, makes one call into the application layer
(:mod:`kiosk_app.services`, ``submission``, ``staff_actions``, ``queue_status``, ``sync_actions``,
``notice_board``, ``handover``, or enrollment), and prints the answer; domain errors become one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from pathlib import Path

import click

from sync import SyncError
from sync.engine import LONG_POLL_SECONDS
from sync.states import FEE_METHODS
from sync.wording import counted, plural

from . import (
    handover,
    notice_board,
    queue_status,
    services,
    staff_actions,
    submission,
    sync_actions,
)
from .config import KioskConfig
from .errors import KioskError
from .speech import EspeakVoice, SpeechError, audio_output_state


def _fail_cleanly(function):
    """Turn the kiosk's and the protocol's errors into one clear line on stderr."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (KioskError, SyncError) as exc:
            raise click.ClickException(" ".join(exc.message.split())) from exc

    return wrapper


def _echo_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, sort_keys=True))


pass_config = click.make_pass_decorator(KioskConfig)
EXIT_REVOKED = 3  # `sync --daemon` ended because central revoked this kiosk


@click.group()
@click.version_option(package_name="village-info-centres")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """The village information centre's kiosk (data under $KIOSK_HOME)."""
    try:
        ctx.obj = KioskConfig.from_env()
    except ValueError as exc:  # a setting in the environment that cannot be read
        raise click.ClickException(str(exc)) from exc


@cli.command()
@click.option("--central", "central_url", required=True, help="Central's address, e.g. https://…")
@click.option("--token", required=True, help="The one-time invite token from the central office.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_config
@_fail_cleanly
def enroll(config: KioskConfig, central_url: str, token: str, as_json: bool) -> None:
    """Make this kiosk's keys, enroll with central and pin central's key."""
    from .enrollment import enroll as do_enroll

    result = do_enroll(config, central_url, token)
    if as_json:
        _echo_json(result.to_json())
        return
    click.echo(f"Enrolled as {result.kiosk_id} (village {result.village}).")
    click.echo(f"Central's fingerprint (compare with the office): {result.central_fingerprint}")
    click.echo(f"This kiosk's fingerprint: {result.kiosk_fingerprint}")
    click.echo(result.kiosk_id)


@cli.command("services")
@click.option("--json", "as_json", is_flag=True, help="Print the services as a JSON array.")
@pass_config
@_fail_cleanly
def services_command(config: KioskConfig, as_json: bool) -> None:
    """List the services of the catalogue and their fields."""
    summaries = services.service_summaries(config)
    if as_json:
        _echo_json(summaries)
        return
    for service in summaries:
        fields = ", ".join(
            field["name"] + ("*" if field["required"] else "") for field in service["fields"]
        )
        click.echo(f"{service['id']}: {fields}")


def _parse_fields(pairs: tuple[str, ...]) -> dict:
    fields = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"'{pair}' is not NAME=VALUE", param_hint="--field")
        fields[name.strip()] = value
    return fields


@cli.command()
@click.argument("service_id", metavar="SERVICE")
@click.option("--field", "field_pairs", multiple=True, metavar="NAME=VALUE", help="A field.")
@click.option("--tier", default=None, help="ordinary, fast or express.")
@click.option("--staff-id", default=None, help="Staff member who checked the identity card.")
@click.option("--id-document-number", default=None, help="Number of the identity card seen.")
@click.option(
    "--authorisation",
    default=None,
    help="For another person: the power of attorney staff checked (number, date, notary).",
)
@click.option("--fee", "fee_status", type=click.Choice(["due", "paid", "exempt"]), default="due")
@click.option("--fee-receipt", default=None, help="Cash-receipt number when the fee is paid.")
@click.option("--json", "as_json", is_flag=True, help="Print {reference, status} as JSON.")
@pass_config
@_fail_cleanly
def submit(
    config, service_id, field_pairs, tier, staff_id, id_document_number, authorisation,
    fee_status, fee_receipt, as_json,
):  # fmt: skip
    """Queue a request (works offline); prints its reference number as the last line."""
    fields = _parse_fields(field_pairs)
    staff = None
    if staff_id:
        staff = {"staff_id": staff_id, "id_document_number": id_document_number}
        if authorisation:
            staff["authorisation"] = authorisation
    fee = {"status": fee_status}
    if fee_status == "paid":
        fee["method"] = "cash"
        if fee_receipt:
            fee["receipt_number"] = fee_receipt
    reference = submission.submit_request(
        config, service_id, fields, staff=staff, fee=fee, tier=tier
    )
    if as_json:
        _echo_json({"reference": reference, "status": "queued"})
        return
    click.echo("Request queued; it goes to central at the next exchange.")
    click.echo(reference)


@cli.command("sync")
@click.option("--json", "as_json", is_flag=True, help="Print the exchange's report as JSON.")
@click.option("--daemon", is_flag=True, help="Keep exchanging until stopped (SIGTERM).")
@click.option(
    "--wait",
    default=LONG_POLL_SECONDS,
    show_default=True,
    type=float,
    help="Long-poll seconds while idle.",
)
@click.option("--backoff-base", default=1.0, show_default=True, type=float, help="Seconds.")
@click.option(
    "--backoff-cap", default=300.0, show_default=True, type=float, help="Longest pause, seconds."
)
@click.option(
    "--max-records", default=500, show_default=True, type=click.IntRange(1, 10_000),
    help="Records per bundle.",
)  # fmt: skip
@click.option("--max-seconds", default=None, type=float, help="Stop the loop after this long.")
@click.option("--until-idle", is_flag=True, help="Stop the loop once nothing more moves.")
@pass_config
@_fail_cleanly
def sync_command(
    config: KioskConfig, as_json: bool, daemon: bool, wait: float, backoff_base: float,
    backoff_cap: float, max_records: int, max_seconds: float | None, until_idle: bool,
) -> None:  # fmt: skip
    """One full exchange with central: upload, receipts, downlink, printing.

    With --daemon: exchange again and again (long-polling central while idle, backing off with
    jitter while it cannot be reached) until SIGTERM, --max-seconds or --until-idle.
    """
    if daemon or until_idle or max_seconds is not None:
        _run_daemon(
            config, as_json, wait, backoff_base, backoff_cap, max_records, max_seconds, until_idle
        )
        return
    with _progress("Sending bundles") as progress:
        report = sync_actions.sync_now(
            config,
            report_health=True,
            max_records=max_records,
            progress=lambda stage, done, total: progress(done, total),
        )
    if as_json:
        _echo_json(report.to_json())
        return
    click.echo(
        f"Sent {counted(len(report.uploaded), 'bundle', 'en')} "
        f"({counted(report.delivered_events, 'event', 'en')} delivered); "
        f"received {counted(report.downlink_bundles, 'bundle', 'en')} "
        f"({counted(report.applied, 'record', 'en')} applied, {report.quarantined} quarantined); "
        f"printed {counted(len(report.printed), 'document', 'en')}."
    )
    for error in report.print_errors:
        click.echo(f"Printing problem: {error}", err=True)
    if report.resent:
        lost = plural(len(report.resent), "bundle", "bundles")
        click.echo(f"Central had lost {lost} {report.resent} (a restore): sent again.")
    if report.given_back:
        lost = plural(len(report.given_back), "document", "documents")
        click.echo(f"Central had lost {lost} {report.given_back}: given back.")
    if report.stream_conflict:
        click.echo(f"Needs a person: {report.stream_conflict}.", err=True)
    _warn_about_quarantine(config)


@contextlib.contextmanager
def _progress(label: str):
    """A ``progress(done, total)`` callback drawing on stderr (stdout stays one parsable
    answer): a progress bar on a terminal, one line per step in a log or a pipe."""
    stream = sys.stderr
    if not stream.isatty():

        def line(done: int, total: int) -> None:
            click.echo(f"{label} {done}/{total}", err=True)

        yield line
        return
    with click.progressbar(length=1, label=label, file=stream) as bar:

        def draw(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        yield draw


def _warn_about_quarantine(config: KioskConfig) -> None:
    state = queue_status.queue_state(config)
    if state.quarantined:
        click.echo(
            f"{counted(state.quarantined, 'record', 'en')} refused and kept aside: "
            "see `kiosk-app quarantine`.",
            err=True,
        )


def _run_daemon(config, as_json, wait, backoff_base, backoff_cap, max_records, max_seconds,
                until_idle):  # fmt: skip
    import signal

    from .daemon import DaemonSettings, SyncDaemon

    settings = DaemonSettings(
        wait=wait,
        backoff_base=backoff_base,
        backoff_cap=max(backoff_cap, backoff_base),
        max_records=max_records,
        max_seconds=max_seconds,
        until_idle=until_idle,
    )

    def line(text: str) -> None:
        click.echo(text, err=as_json)

    daemon = SyncDaemon(config, settings, on_progress=line)
    previous = {
        sig: signal.signal(sig, daemon.on_signal) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        line(f"Sync loop started (pid {os.getpid()}).")
        report = daemon.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if as_json:
        _echo_json({**report.__dict__, "pauses": [round(p, 3) for p in report.pauses]})
    else:
        click.echo(
            f"Sync loop ended ({report.stopped_because}): "
            f"{counted(report.cycles, 'exchange', 'en')}, "
            f"{counted(report.delivered_events, 'event', 'en')} delivered, "
            f"{counted(report.applied, 'record', 'en')} applied."
        )
    if report.stopped_because == "revoked":
        # A distinct status, so that a service manager can stop restarting a revoked kiosk
        # (systemd: RestartPreventExitStatus=3).
        message = report.last_error or "Central revoked this kiosk."
        click.echo(f"Error: {' '.join(message.split())}", err=True)
        raise SystemExit(EXIT_REVOKED)


@cli.command("quarantine")
@click.option("--json", "as_json", is_flag=True, help="Print as a JSON array.")
@click.option("--all", "include_released", is_flag=True, help="Also records applied later.")
@pass_config
@_fail_cleanly
def quarantine_command(config: KioskConfig, as_json: bool, include_released: bool) -> None:
    """Records and bundles refused by central or by this kiosk, with the reason; records of a
    type this software does not know wait and are applied after an update."""
    rows = queue_status.quarantined(config, include_released=include_released)
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        where = "central refused" if row["direction"] == "up" else "this kiosk refused"
        if row["waiting"]:
            where = "waiting for a software update:"
        elif row["released_at"]:
            where = f"{row['outcome']} on {row['released_at']}:"
        click.echo(f"{row['at']}  {where} {row['type'] or 'record'} {row['record_id']}")
        click.echo(f"    {row['reason']}")
    if not rows:
        click.echo("Nothing was refused.")


@cli.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.option("--no-repair", is_flag=True, help="Only compare; change nothing.")
@click.option(
    "--store", "store_only", is_flag=True,
    help="Check kiosk.db itself (SQLite integrity check, indexes rebuilt); no network.",
)  # fmt: skip
@pass_config
@_fail_cleanly
def check_command(config: KioskConfig, as_json: bool, no_repair: bool, store_only: bool) -> None:
    """Compare what this kiosk and central hold, and repair the difference (no full resync).

    With --store: check the kiosk's database file instead; exit status 1 while it is damaged."""
    if store_only:
        checked = sync_actions.check_store(config, repair=not no_repair)
        if as_json:
            _echo_json(checked.to_json())
        else:
            for text in checked.summary():
                click.echo(text)
        if not checked.ok:
            raise SystemExit(1)
        return
    result = sync_actions.check_divergence(config, repair=not no_repair)
    if as_json:
        _echo_json(result)
        return
    for text in result["summary"]:
        click.echo(text)


@cli.command("recover")
@click.option("--central", "central_url", default=None, help="Central's address, if the store "
              "that knew it is lost and keys/central.json too.")  # fmt: skip
@click.option("--fingerprint", default=None, help="Central's fingerprint (`central-api keys "
              "show`), when its key is not the one this kiosk pinned.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_config
@_fail_cleanly
def recover_command(config: KioskConfig, central_url, fingerprint, as_json: bool) -> None:
    """Rebuild kiosk.db from central's copy (stop kiosk-sync and the app first).

    The old file is kept aside; the report tells how many unsent requests were lost."""
    report = sync_actions.recover_store(config, central_url=central_url, fingerprint=fingerprint)
    if as_json:
        _echo_json(report.to_json())
        return
    for text in report.summary():
        click.echo(text)


@cli.command()
@click.argument("reference", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_config
@_fail_cleanly
def status(config: KioskConfig, reference: str | None, as_json: bool) -> None:
    """Show one request's status, or all requests (no personal data)."""
    if reference:
        found = submission.request_status(config, reference)
        if as_json:
            _echo_json(found.to_json())
        else:
            click.echo(f"{found.reference}: {found.status}")
        return
    rows = submission.list_requests(config)
    queue = queue_status.queue_state(config)
    if as_json:
        _echo_json([row.to_json() for row in rows])
        return
    for row in rows:
        click.echo(f"{row.reference}  {row.service}  {row.status}")
    click.echo(f"Waiting for central: {counted(queue.queue_depth, 'event', 'en')}.")


@cli.command("notices")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_config
@_fail_cleanly
def notices(config: KioskConfig, as_json: bool) -> None:
    """The notice board: announcements, council agendas, drafts and decisions."""
    board = notice_board.list_notices(config)
    if as_json:
        _echo_json(board)
        return
    for notice in board:
        click.echo(f"{notice.get('id')}  {notice.get('kind')}  {notice['title']['bg']}")


@cli.command("comment")
@click.argument("notice_id")
@click.option("--text", required=True, help="The villager's comment.")
@click.option("--name", default=None, help="The villager's name (optional).")
@pass_config
@_fail_cleanly
def comment(config: KioskConfig, notice_id: str, text: str, name: str | None) -> None:
    """Leave a comment on a council draft under public consultation."""
    click.echo(notice_board.comment_on_draft(config, notice_id, text, name))


@cli.group()
def staff() -> None:
    """The mayoralty staff's actions, for an operator when the screen is broken.

    The operator is trusted by the machine's login (only the kiosk's administrators can run
    this), so no PIN is asked; the member of staff named with --staff must be on the village's
    staff list, and every other check of the screens applies (docs/kiosk.md)."""


@staff.command("fee")
@click.argument("reference")
@click.option("--method", type=click.Choice(FEE_METHODS), default="cash", show_default=True)
@click.option("--receipt", "receipt_number", required=True, help="The cash-receipt number.")
@click.option("--staff", "staff_id", required=True, help="The member of staff who took it.")
@click.option("--json", "as_json", is_flag=True, help="Print the fee as now held, as JSON.")
@pass_config
@_fail_cleanly
def staff_fee(config, reference, method, receipt_number, staff_id, as_json) -> None:
    """Record the fee paid for REFERENCE; it goes to central at the next exchange."""
    fee = staff_actions.record_fee_payment(config, reference, method, receipt_number, staff_id)
    if as_json:
        _echo_json({"reference": reference.strip().upper(), "fee": fee})
        return
    click.echo(
        f"Fee for {reference.strip().upper()} recorded as paid ({method}, № {receipt_number})."
    )


@staff.command("form-filed")
@click.argument("reference")
@click.option("--staff", "staff_id", required=True, help="The member of staff who filed it.")
@click.option("--json", "as_json", is_flag=True, help="Print {reference, staff_id, at} as JSON.")
@pass_config
@_fail_cleanly
def staff_form_filed(config, reference, staff_id, as_json) -> None:
    """The villager's signed request form of REFERENCE is filed at the mayoralty (the document
    is handed over only after this); central hears of it at the next exchange."""
    filed = staff_actions.record_form_filed(config, reference, staff_id)
    if as_json:
        _echo_json({"reference": reference.strip().upper(), **filed})
        return
    click.echo(f"Signed request form of {reference.strip().upper()} recorded as filed.")


@staff.command("deliver")
@click.argument("reference")
@click.option("--staff", "staff_id", required=True, help="The member of staff handing it over.")
@click.option(
    "--id-document",
    "id_document_number",
    help="For a request made without staff: the number of the identity card checked now.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the request's status as JSON.")
@pass_config
@_fail_cleanly
def staff_deliver(config, reference, staff_id, id_document_number, as_json) -> None:
    """Hand the document of REFERENCE over (refused while the fee is due or it was revoked)."""
    staff_actions.mark_delivered(config, reference, staff_id, id_document_number)
    found = submission.request_status(config, reference)
    if as_json:
        _echo_json(found.to_json())
        return
    click.echo(f"{found.reference}: {found.status}")


@staff.command("undo-deliver")
@click.argument("reference")
@click.option("--staff", "staff_id", required=True, help="The member of staff taking it back.")
@click.option("--json", "as_json", is_flag=True, help="Print {reference, status} as JSON.")
@pass_config
@_fail_cleanly
def staff_undo_deliver(config, reference, staff_id, as_json) -> None:
    """Take back the hand-over of REFERENCE while its record has not left for central."""
    restored = handover.undo_delivery(config, reference, staff_id)
    if as_json:
        _echo_json(restored)
        return
    click.echo(f"{restored['reference']}: {restored['status']} (hand-over taken back)")


@cli.group()
def bundle() -> None:
    """Carry bundles on a USB stick."""


@bundle.command("export")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@pass_config
@_fail_cleanly
def bundle_export(config: KioskConfig, out_dir: Path) -> None:
    """Write every unsent bundle and receipt into DIR (e.g. the USB stick)."""
    with _progress("Writing") as progress:
        written = sync_actions.export_bundles(config, out_dir, progress=progress)
    for path in written:
        click.echo(str(path))


@bundle.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the import's report as JSON.")
@pass_config
@_fail_cleanly
def bundle_import(config: KioskConfig, path: Path, as_json: bool) -> None:
    """Import central's bundle (.vcb), receipt (.vcr) or answer to the stream positions (.vcm),
    or a folder of them."""
    with _progress("Reading") as progress:
        report = sync_actions.import_bundles(config, path, progress=progress)
    if as_json:
        _echo_json(report.to_json())
        return
    click.echo(
        f"Imported {counted(report.files, 'file', 'en')}: "
        f"{counted(report.bundles_applied, 'bundle', 'en')} applied, "
        f"{report.bundles_replayed} already held, "
        f"{counted(report.receipts_accepted, 'receipt', 'en')} accepted; "
        f"printed {counted(len(report.printed), 'document', 'en')}."
    )
    if report.resent:
        lost = plural(len(report.resent), "bundle", "bundles")
        click.echo(f"Central had lost {lost} {report.resent}: they go on the next export.")
    if report.documents_asked:
        click.echo(
            f"Central asks back {counted(len(report.documents_asked), 'document', 'en')}: "
            "they go on the next export."
        )
    if report.stream_conflict:
        click.echo(f"Warning: {report.stream_conflict}.", err=True)


@cli.command("speak")
@click.argument("text")
@click.option("--lang", type=click.Choice(["bg", "en"]), default="bg", show_default=True)
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write a WAV file instead of speaking through the sound card.")  # fmt: skip
@click.option("--rate", type=click.IntRange(80, 220), default=None, help="Words per minute.")
def speak_command(text: str, lang: str, out_file: Path | None, rate: int | None) -> None:
    """Say TEXT with the kiosk's voice (espeak-ng), or render it into a WAV file (--out), to
    check the voice on a new kiosk. Prints the text as it is read aloud."""
    voice = EspeakVoice(**({"rate": rate} if rate else {}))
    try:
        if out_file is not None:
            utterance = voice.render(text, lang, out_file)
        elif audio_output_state() != "ready":
            raise SpeechError(
                "Киоскът няма звукова карта: проверете високоговорителя или запишете в файл с "
                "--out. / This kiosk has no sound card: check the speaker, or write a file with "
                "--out."
            )
        else:
            utterance = voice.say(text, lang)
    except SpeechError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(utterance.spoken)


@cli.command()
@click.option("--windowed", is_flag=True, help="A window instead of full screen (development).")
@pass_config
def run(config: KioskConfig, windowed: bool) -> None:
    """Start the touchscreen application."""
    from . import gui  # on use: Qt is slow to load, and the other commands do without it

    raise SystemExit(gui.main(config, windowed=windowed))


@cli.command("tour")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@pass_config
def tour_command(config: KioskConfig, outdir: Path) -> None:
    """Render every screen in both languages, at 1920x1080 and 1280x800, to PNGs in OUTDIR."""
    from . import gui

    written = gui.tour(config, outdir)
    click.echo(f"Wrote {len(written)} screenshots into {outdir}.")


def main() -> None:
    cli(prog_name="kiosk-app")


if __name__ == "__main__":
    main()
