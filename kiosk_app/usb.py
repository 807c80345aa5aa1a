"""Carrying bundles on a USB stick: the same bytes as over HTTP, as files.

Export writes every undelivered kiosk -> central bundle (``<kiosk>-to-central-<seq>.vcb``) and
every receipt for central's bundles that central has not acknowledged yet
(``central-to-<kiosk>-<seq>.vcr``). Import takes central's bundles (``.vcb``) and central's
receipts for the kiosk's bundles (``.vcr``), a file or a whole folder, in sequence order.
Importing the same file twice is harmless: a bundle is a replay, a receipt is already held.
Nothing is marked delivered on export: only a receipt that verifies does that.

The streams heal on a stick as over the network (kiosk_app.positions), one round later: every
export also writes the kiosk's signed stream positions (``<kiosk>-to-central-positions.vcm``,
sync.carried) with the documents it holds, and the documents central's last answer said it
lacks; central's import answers with ``central-to-<kiosk>-positions.vcm``, which the kiosk's
import takes: the bundles a restored central lost are reopened and go on the next export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sync import SyncError
from sync.carried import (
    MESSAGE_SUFFIX,
    held_document_file_name,
    open_message,
    positions_file_name,
    seal_message,
)
from sync.stick import (
    BUNDLE_SUFFIX,
    RECEIPT_SUFFIX,
    bundle_file_name,
    receipt_file_name,
    sort_key,
    write_atomically,
)

from .config import KioskConfig
from .errors import KioskError
from .exchange import (
    ExchangeReport,
    accept_receipt,
    apply_inbound,
    load_party,
    print_pending,
    seal_pending,
)
from .positions import carried_positions, documents_to_give_back, take_carried_answer
from .store import store_for

Progress = Callable[[int, int], None] | None


@dataclass
class ImportReport:
    files: int = 0
    bundles_applied: int = 0
    bundles_replayed: int = 0
    receipts_accepted: int = 0
    receipts_already_held: int = 0
    delivered_events: int = 0
    applied: int = 0
    quarantined: int = 0
    printed: list[str] = field(default_factory=list)
    print_errors: list[str] = field(default_factory=list)
    # From central's answer to the stream positions (a restored central): the bundles reopened
    # to go on the next export, and the documents it asked back; a conflict for a person.
    resent: list[int] = field(default_factory=list)
    documents_asked: list[str] = field(default_factory=list)
    stream_conflict: str | None = None

    def to_json(self) -> dict:
        return asdict(self)


def export_bundles(config: KioskConfig, out_dir: Path, progress: Progress = None) -> list[Path]:
    """Seal what is pending and write the outbox and unsent receipts to ``out_dir``."""
    written = []
    with store_for(config) as store:
        party = load_party(config, store)
        seal_pending(store, party)
        central = party.central.party_id
        files = [
            (out_dir / bundle_file_name(party.kiosk_id, central, bundle.seq), bundle.data)
            for bundle in store.undelivered_bundles()
        ] + [
            (out_dir / receipt_file_name(central, party.kiosk_id, entry.seq), entry.receipt)
            for entry in store.unsent_receipts(central)
        ]
        files += [
            (
                out_dir / held_document_file_name(party.kiosk_id, central, held["number"]),
                seal_message(party.identity, central, "document.held", held),
            )
            for held in documents_to_give_back(store, party.kiosk_id)
        ]
        # Last on the stick, and imported last: central answers it after taking the rest.
        files.append(
            (
                out_dir / positions_file_name(party.kiosk_id, central),
                seal_message(
                    party.identity, central, "streams.positions", carried_positions(store, central)
                ),
            )
        )
        for done, (path, data) in enumerate(files, start=1):
            try:
                if not (path.is_file() and path.read_bytes() == data):
                    write_atomically(path, data)
            except OSError as exc:
                raise KioskError(
                    f"Could not write {path.name} to {out_dir} ({exc.strerror or exc}): check "
                    "that the USB stick is inserted, writable and not full."
                ) from exc
            written.append(path)
            if progress:
                progress(done, len(files))
    return written


def files_to_import(path: Path, kiosk_id: str, central: str = "central") -> list[Path]:
    """A named file as it is; in a folder, central's bundles for this kiosk and central's
    receipts for this kiosk's bundles (the kiosk's own exports on the same stick are skipped)."""
    if path.is_dir():
        wanted = (
            (f"{central}-to-{kiosk_id}-", BUNDLE_SUFFIX),
            (f"{kiosk_id}-to-{central}-", RECEIPT_SUFFIX),
            (positions_file_name(central, kiosk_id), MESSAGE_SUFFIX),
        )
        found = [
            child
            for child in path.iterdir()
            if child.is_file()
            and any(
                child.name.startswith(prefix) and child.suffix == suffix
                for prefix, suffix in wanted
            )
        ]
        # Central's answer last: it may be signed by a key a bundle on the stick announces.
        return sorted(found, key=lambda child: (child.suffix == MESSAGE_SUFFIX, sort_key(child)))
    if not path.is_file():
        raise KioskError(f"There is no file {path}: check the USB stick and the name.")
    return [path]


def import_path(config: KioskConfig, path: Path, progress: Progress = None) -> ImportReport:
    """Import one .vcb/.vcr file, or every one in a folder, oldest sequence first."""
    report = ImportReport()
    exchange = ExchangeReport()
    with store_for(config) as store:
        party = load_party(config, store)
        files = files_to_import(path, party.kiosk_id, party.central.party_id)
        for done, file in enumerate(files, start=1):
            try:
                data = file.read_bytes()
            except OSError as exc:
                raise KioskError(f"Could not read {file} ({exc.strerror or exc}).") from exc
            try:
                if file.suffix == MESSAGE_SUFFIX:
                    _take_answer(store, load_party(config, store), data, report)
                elif file.suffix == RECEIPT_SUFFIX:
                    before = store.outbound_bundle_delivered_count()
                    delivered = accept_receipt(store, party, data)
                    if store.outbound_bundle_delivered_count() > before:
                        report.receipts_accepted += 1
                        report.delivered_events += delivered
                    else:
                        report.receipts_already_held += 1
                else:
                    received = apply_inbound(config, store, party, data, exchange)
                    if received.replayed:
                        report.bundles_replayed += 1
                    else:
                        report.bundles_applied += 1
            except SyncError as exc:
                exc.message = f"{file.name}: {exc.message}"
                raise
            report.files += 1
            if progress:
                progress(done, len(files))
        report.applied, report.quarantined = exchange.applied, exchange.quarantined
        report.printed, report.print_errors = print_pending(config, store)
    return report


def _take_answer(store, party, data: bytes, report: ImportReport) -> None:
    """Central's signed answer to the positions an earlier export carried."""
    carried = open_message(data, party.receipt_keyring or party.keyring, party.kiosk_id)
    if carried.name != "streams.answer" or carried.signer.party_id != party.central.party_id:
        raise KioskError("This file is not central's answer to this kiosk's stream positions.")
    done = take_carried_answer(store, carried.at, carried.message)
    if done is not None:
        report.resent, report.stream_conflict = done["resent"], done["conflict"]
        report.documents_asked = list(carried.message.get("documents_lacking") or [])
