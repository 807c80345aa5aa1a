"""More ``central-api`` commands: the long-poll service, audit, keys, documents and offline
verification.

Added to the group in :mod:`central_api.cli`; the same rules: thin, one-line errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from sync.wording import counted

from . import decisions
from .cli_common import check_ready_to_serve, friendly, pass_central
from .context import Central
from .db import read
from .errors import CentralError, InvalidInputError


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8100, show_default=True, type=int)
@click.option(
    "--threads", default=8, show_default=True, type=int, help="Threads for database work."
)
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes on the port, each its own event loop (about one per core).",
)
@pass_central
@friendly
def longpoll(central: Central, host: str, port: int, threads: int, processes: int) -> None:
    """Serve the kiosks' downlink long-poll on an event loop until stopped: a waiting kiosk
    holds a connection, not a thread (nginx routes /api/v1/kiosks/<id>/downlink here)."""
    from .longpoll_service import run

    check_ready_to_serve(central)
    central.dispose()  # the service opens its own connections in its event loop's threads
    run(central, host, port, threads, processes)


@click.group()
def audit() -> None:
    """The hash-chained audit log."""


@audit.command("verify")
@pass_central
@friendly
def audit_verify(central: Central) -> None:
    """Check the whole chain; name the first broken entry."""
    from .audit import verify_chain

    with read(central.engine) as conn:
        result = verify_chain(conn)
    if not result.ok:
        raise CentralError(
            f"The audit log is broken at entry {result.first_broken_id}: {result.reason}"
        )
    click.echo(f"Audit log intact: {counted(result.checked, 'entry', 'en')}.")


@click.group()
def keys() -> None:
    """The central office's keys."""


@keys.command("show")
@click.option("--pem", is_flag=True, help="Print the document-signing certificate (PEM).")
@pass_central
@friendly
def keys_show(central: Central, pem: bool) -> None:
    """Show the key fingerprints (or publish the signing certificate with --pem)."""
    signer = central.document_signer
    if pem:
        click.echo(central.document_certificate_pem().decode().rstrip())
        return
    click.echo(f"Bundle key (party central): {central.identity.public.display_fingerprint}")
    if signer is not None:  # on a token, `keys show --pem` reads the certificate from it
        click.echo(f"Document-signing certificate: {signer.fingerprint()}")


@keys.command("rotate")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_central
@friendly
def keys_rotate(central: Central, yes: bool) -> None:
    """Give central a new bundle-signing key, announced to every kiosk under the old one.

    Kiosks follow at their next exchange without re-enrollment. Restart every `serve` process
    afterwards: they keep the key they loaded.
    """
    from .key_rotation import rotate_signing_key

    if not yes:
        click.confirm("Rotate central's bundle-signing key now?", abort=True)
    result = rotate_signing_key(central)
    click.echo(f"Old key: {result['previous']} (kept in {result['retired_keys']})")
    announced = counted(len(result["announced_to"]), "kiosk", "en")
    click.echo(f"Announced to {announced}; restart `central-api serve`.")
    click.echo(f"New key: {result['fingerprint']}")
    for kiosk in result["not_served"]:
        click.echo(
            f"NOT announced to {kiosk['kiosk_id']}: {kiosk['reason']}. It will not trust the new "
            "key: revoke it (`central-api kiosk revoke`) and enroll it again.",
            err=True,
        )
    if result["not_served"]:
        raise CentralError(
            f"{counted(len(result['not_served']), 'kiosk', 'en')} could not be told of the new key."
        )


@click.group()
def documents() -> None:
    """Issued documents."""


@documents.command("revoke")
@click.argument("number")
@click.option("--reason", required=True, help="Why it was issued in error.")
@click.option("--as", "user_name", required=True, help="The clerk revoking it.")
@pass_central
@friendly
def documents_revoke(central: Central, number: str, reason: str, user_name: str) -> None:
    """Revoke an issued document and tell the kiosk that holds it; /verify then says revoked."""
    decisions.revoke_document(central.engine, number, reason, user_name)
    click.echo(f"Изх. № {number} is revoked; the kiosk is told at its next exchange.")


@click.command()
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--qr", "qr_text", default=None, help="A scanned QR text instead of a PDF.")
@click.option(
    "--certificate",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The published certificate (PEM); default: this office's.",
)
@click.option(
    "--tsa-roots",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The time-stamping authority's root certificate(s) (PEM), for time-stamped PDFs.",
)
@pass_central
@friendly
def verify(
    central: Central, file: Path | None, qr_text: str | None, certificate, tsa_roots
) -> None:
    """Check a document's PDF signature and QR statement, or a scanned QR text, offline."""
    from .documents import DocumentError, verify_pdf, verify_statement

    if bool(file) == bool(qr_text):
        raise InvalidInputError("Give either a PDF file or --qr TEXT.")
    if certificate is not None:
        certificate_pem = certificate.read_bytes()
    else:
        certificate_pem = central.document_certificate_pem()
    try:
        if file is not None:
            roots = tsa_roots.read_bytes() if tsa_roots else None
            result = verify_pdf(file.read_bytes(), certificate_pem, roots)
            claims = {k: v for k, v in vars(result).items() if k != "statement"}
        else:
            claims = dict(verify_statement(qr_text, certificate_pem))
    except DocumentError as exc:
        raise CentralError(str(exc)) from exc
    click.echo(json.dumps({"valid": True, **claims}, ensure_ascii=False, indent=2, default=str))
