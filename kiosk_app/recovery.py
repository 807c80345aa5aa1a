"""`kiosk-app recover`: rebuild a lost, damaged or outdated kiosk.db from central's copy.

The kiosk's keys live apart from its store (``$KIOSK_HOME/keys``), and so does what it pinned
at enrollment (``keys/central.json``: central's address and key) and the journal of every
reference it gave out (``references.log``). With those, central's copy is enough:

1. ``GET /api/v1/kiosks/<id>/recovery`` (signed with the kiosk's key) says where the kiosk's
   streams stand at central (the last uplink bundle, with central's signed receipt for it, which
   is checked here), the highest reference number central holds from it, and its requests;
2. the old file is kept aside (``kiosk.db.broken-<time>``), never deleted, and a new store is
   made: the enrollment, the requests as central holds them (without the applicant's fields:
   central has them), the outbound stream continuing after central's last bundle, and the
   reference counter above both central's highest number and the journal's;
3. central's downlink is fetched again from its first bundle (central keeps them) and applied
   with the normal protocol, so documents, revocations, notices, staff lists and key rotations
   come back in order; documents central already knows printed are recorded as printed, so
   nothing is printed twice;
4. references the journal (or the old file, as far as it can be read) holds and central does
   not are the requests that never reached central: they are reported as lost, by number.

After a restore of central, central's downlink has a gap: the bundles sealed between its backup
and its restore are gone (a stand-in without bytes keeps their place, central_api.streams).
Recovery applies what central still holds, continues after each stand-in, and then asks for
what central knows of the lost bundles' content — the documents it rebuilt from the kiosks'
signed copies — by the divergence check's repair (``POST .../digest``), which queues them
again; the requests' states come from central's answer, as always. What the lost bundles
carried beyond that (a notice, a staff list sent between the backup and the restore) central
forgot too: the report names the lost bundles, the documents sent again, and any document
central holds that still did not arrive.

Recovery never reuses a reference or a bundle number, and changes nothing at central.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sync import (
    Identity,
    Keyring,
    LedgerEntry,
    PublicIdentity,
    canonical_json,
    check_receipt_for,
    open_receipt,
)
from sync.states import PAST_ISSUED
from sync.transport import HttpTransport
from sync.wording import counted, plural

from . import municipality as municipality_profile
from .catalogue import check_catalogue
from .config import KioskConfig
from .divergence import build_digest
from .errors import KioskError
from .exchange import ExchangeReport, fetch_downlink, load_party
from .pinned import load_pinned, save_pinned
from .store import KioskStore, store_for, utc_now
from .store.references import ReferenceJournal
from .store.streams import OUTBOUND_FLOOR

RECOVERED = "recovered"  # setting: when and from what the store was rebuilt


@dataclass
class RecoveryReport:
    kiosk_id: str
    requests: int = 0
    documents: int = 0
    reference_counter: int = 0
    uplink_seq: int = 0
    downlink_bundles: int = 0
    lost_unsent: list[str] = field(default_factory=list)
    # Numbers taken by a submit that never finished (no slip was printed for them): gaps.
    never_submitted: list[str] = field(default_factory=list)
    to_print: list[str] = field(default_factory=list)
    kept_aside: str | None = None
    # After a restore of central: central's bundles it no longer holds, the documents it sent
    # again from what it knows, and those it holds that still did not arrive (by number).
    downlink_lost: list[int] = field(default_factory=list)
    documents_sent_again: list[str] = field(default_factory=list)
    documents_missing: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        lines = [
            f"Базата данни е възстановена от централата: {counted(self.requests, 'request')}, "
            f"{counted(self.documents, 'document')}. / The store was rebuilt from central's copy: "
            f"{counted(self.requests, 'request', 'en')}, "
            f"{counted(self.documents, 'document', 'en')}, "
            f"{counted(self.downlink_bundles, 'bundle', 'en')} from central applied again.",
            f"Next reference number: {self.reference_counter + 1}; next bundle to central: "
            f"{self.uplink_seq + 1} (after what central holds).",
        ]
        if self.lost_unsent:
            lines.append(
                f"{counted(len(self.lost_unsent), 'request')} не стигнаха до централата и са "
                f"загубени / {counted(len(self.lost_unsent), 'request', 'en')} never reached "
                "central and are lost: "
                f"{', '.join(self.lost_unsent)}. Ask those villagers to apply again (their "
                "numbers are not given to anyone else)."
            )
        else:
            lines.append("No unsent request was lost. / Няма загубени неизпратени заявки.")
        if self.never_submitted:
            lines.append(
                f"Номера {', '.join(self.never_submitted)} са взети от подаване, прекъснато "
                "преди края: за тях не е отпечатана разписка и никой не ги чака. / Numbers "
                f"{', '.join(self.never_submitted)} were taken by a submit cut off before it "
                "finished: no slip was printed for them, nobody waits for them."
            )
        if self.to_print:
            lines.append(
                f"{plural(len(self.to_print), 'Document', 'Documents')} "
                f"{', '.join(self.to_print)} never reported printed: they print at the next "
                "exchange."
            )
        if self.downlink_lost:
            lines.append(
                f"Central lost {counted(len(self.downlink_lost), 'bundle', 'en')} to this kiosk "
                f"in its restore ({', '.join(map(str, self.downlink_lost))}): "
                f"{counted(len(self.documents_sent_again), 'document', 'en')} central rebuilt, "
                "sent again"
                + (
                    f" ({', '.join(self.documents_sent_again)})"
                    if self.documents_sent_again
                    else ""
                )
                + "; the requests' states are central's. Anything else those bundles carried "
                "central forgot too (a notice or staff list sent then: publish it again)."
            )
        if self.documents_missing:
            lines.append(
                f"{counted(len(self.documents_missing), 'document')} не пристигнаха / "
                f"{counted(len(self.documents_missing), 'document', 'en')} central holds did not "
                "arrive: "
                f"{', '.join(self.documents_missing)}. Run `kiosk-app check` later; if they are "
                "still missing, call support."
            )
        if self.kept_aside:
            lines.append(f"The old file is kept as {self.kept_aside} (for support).")
        return lines

    def to_json(self) -> dict:
        return {**asdict(self), "summary": self.summary()}


def _read_old_store(path: Path) -> dict:
    """What can still be read from the old file, read-only: its enrollment, its reference
    counter and the references of its requests central never acknowledged. {} if nothing."""
    if not path.is_file():
        return {}
    found: dict = {}
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return {}
    try:
        for key in ("enrollment", "reference_counter"):
            try:
                row = conn.execute("select value from settings where key = ?", [key]).fetchone()
            except sqlite3.Error:
                row = None
            if row:
                found[key] = json.loads(row[0])
        try:
            found["unsent"] = [
                row[0]
                for row in conn.execute(
                    "select reference from events where direction = 'up' and type = "
                    "'request.submitted' and delivered_at is null"
                )
            ]
        except sqlite3.Error:
            found["unsent"] = []
    finally:
        conn.close()
    return found


def _keep_aside(path: Path) -> str | None:
    if not path.exists():
        return None
    stamp = utc_now()[:19].replace(":", "").replace("-", "")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            part.rename(Path(f"{target}{suffix}"))
    return str(target)


def _trusted_central(pinned: dict, answer: dict, fingerprint: str | None) -> Keyring:
    """Central's keys this kiosk trusts: the ones it pinned, and the answer's key when it is one
    of them or its fingerprint is the one the operator gave (compared with the office)."""
    keys = [PublicIdentity.from_json(pinned["central"])] if pinned.get("central") else []
    keys += [PublicIdentity.from_json(k) for k in pinned.get("central_previous") or []]
    offered = PublicIdentity.from_json(answer["central"])
    known = {key.fingerprint for key in keys}
    if offered.fingerprint not in known:
        if fingerprint is None or fingerprint.strip() != offered.display_fingerprint:
            raise KioskError(
                "Central's key is not the one this kiosk pinned: compare central's fingerprint "
                "with the office (`central-api keys show`) and pass it with --fingerprint. "
                f"Central now shows {offered.display_fingerprint}."
            )
        keys.append(offered)
    keyring = Keyring()
    for key in keys:
        keyring.add(key)
    return keyring


def _check_uplink_position(answer: dict, keyring: Keyring, kiosk_id: str, central: str) -> int:
    uplink = answer["uplink"]
    seq = int(uplink["central_has"]["seq"])
    if seq == 0:
        return 0
    receipt = open_receipt(base64.b64decode(uplink["receipt"]), keyring)
    check_receipt_for(receipt, uplink["central_has"]["id"], kiosk_id, central)
    if receipt.seq != seq:
        raise KioskError(f"Central's receipt names bundle {receipt.seq}, not {seq}: call support.")
    return seq


def recover(
    config: KioskConfig,
    transport=None,
    central_url: str | None = None,
    fingerprint: str | None = None,
) -> RecoveryReport:
    """Rebuild kiosk.db from central's copy (stop the kiosk's services first); the report."""
    identity = Identity.load(config.keys_dir)
    old = _read_old_store(config.db_path)
    pinned = dict(old.get("enrollment") or load_pinned(config) or {})
    url = central_url or pinned.get("central_url")
    if not url:
        raise KioskError(
            "This kiosk's central address is lost with its store: give it with --central URL "
            "(and central's fingerprint with --fingerprint, from `central-api keys show`)."
        )
    if transport is None:
        # Central's key, when it is still known, lets the call follow central's clock
        # (sync.clock): a recovery works whatever the kiosk's clock says.
        pinned_central = (
            PublicIdentity.from_json(pinned["central"]) if pinned.get("central") else None
        )
        transport = HttpTransport(
            url, config.http_timeout, identity=identity, central=pinned_central
        )
    answer = transport.fetch_recovery(identity.party_id)
    keyring = _trusted_central(pinned, answer, fingerprint)
    central = PublicIdentity.from_json(answer["central"])
    uplink_seq = _check_uplink_position(answer, keyring, identity.party_id, central.party_id)
    kiosk_no = int(pinned.get("kiosk_no") or identity.party_id.rsplit("-", 1)[1])
    village = pinned.get("village") or identity.party_id.rsplit("-", 1)[0]
    # The downlink is applied again from its first bundle: trust starts where enrollment did.
    first_key = pinned.get("central") or answer["central"]

    journal = ReferenceJournal.beside(str(config.db_path))
    at_central = {row["reference"] for row in answer["requests"]}
    unsent = set(old.get("unsent") or [])
    # A number never kept had no slip: its submit did not finish (unless the old store has it).
    never_kept = journal.never_kept()
    cut_off = {ref for n, ref in journal.entries() if n in never_kept and ref} - unsent
    given = {reference for _, reference in journal.entries()} - cut_off | unsent
    counter = max(
        int(answer.get("reference_counter") or 0),
        journal.highest(),
        int(old.get("reference_counter") or 0),
    )
    report = RecoveryReport(
        kiosk_id=identity.party_id,
        requests=len(answer["requests"]),
        reference_counter=counter,
        uplink_seq=uplink_seq,
        lost_unsent=sorted(reference for reference in given - at_central if reference),
        never_submitted=sorted(cut_off - at_central),
    )

    report.kept_aside = _keep_aside(config.db_path)
    config.ensure_home()
    with store_for(config, create=True) as store:
        with store.transaction():
            store.set_setting(
                "enrollment",
                {
                    "kiosk_id": identity.party_id,
                    "kiosk_no": kiosk_no,
                    "village": village,
                    "central_url": url.rstrip("/"),
                    "central": first_key,
                    "central_fingerprint": PublicIdentity.from_json(first_key).display_fingerprint,
                    "central_previous": pinned.get("central_previous") or [],
                    "enrolled_at": pinned.get("enrolled_at") or utc_now(),
                },
            )
            for key, value in (answer.get("settings") or {}).items():
                store.set_setting(f"central.{key}", value)
            store.set_setting("reference_counter", counter)
            if uplink_seq:
                store.set_setting(
                    OUTBOUND_FLOOR,
                    {"seq": uplink_seq, "bundle_id": answer["uplink"]["central_has"]["id"]},
                )
            for row in answer["requests"]:
                store.add_request(
                    row["reference"], row["service"], None, fee=row["fee"], at=row["submitted_at"]
                )
                store.update_request(row["reference"], status="received")
        _apply_downlink_again(config, store, transport, report, answer["downlink"])
        _ask_for_what_central_knows(config, store, transport, answer, report)
        _settle(store, answer, report)
        save_pinned(config, store.get_setting("enrollment"))
    return report


def _apply_downlink_again(
    config, store: KioskStore, transport, report: RecoveryReport, downlink: dict
) -> None:
    """Central's downlink from its first bundle; past a stand-in (a bundle central lost in a
    restore, whose place the kiosk's old position took) it continues after it: the bundles
    after it chain to the stand-in's id."""
    report.downlink_lost = sorted(set(report.downlink_lost) | set(downlink.get("lost") or []))
    stand_ins = sorted(downlink.get("stand_ins") or [], key=lambda position: position["seq"])
    exchange = ExchangeReport()
    for _ in range(1000):  # bounded: each round applies up to 1000 bundles
        before = exchange.downlink_bundles
        party = load_party(config, store)
        fetch_downlink(config, store, party, transport, exchange)
        if exchange.downlink_bundles != before:
            continue
        applied = store.last_applied(party.central.party_id)[0]
        after = [position for position in stand_ins if position["seq"] > applied]
        if not after:
            break
        with store.transaction():  # no bytes, no receipt to send: central holds its stand-in
            store.store(party.central.party_id, LedgerEntry(after[0]["seq"], after[0]["id"], b""))
            store.mark_receipt_sent(party.central.party_id, after[0]["seq"])
    report.downlink_bundles += exchange.downlink_bundles


def _ask_for_what_central_knows(
    config, store: KioskStore, transport, answer: dict, report: RecoveryReport
) -> None:
    """Documents central holds that the replayed downlink did not bring (they were in bundles
    central lost): central queues them again (the divergence check's repair), and they come."""
    lacking = sorted(set(answer.get("documents") or {}) - set(store.document_digest()))
    if not lacking:
        return
    party = load_party(config, store)
    kiosk_id, identity = party.kiosk_id, party.identity
    digest = build_digest(store, kiosk_id, party.central.party_id)
    digest["challenge"] = transport.challenge(kiosk_id)
    signed = {
        "digest": digest,
        "signature": base64.b64encode(identity.sign(canonical_json(digest))).decode(),
    }
    compared = transport.post_digest(kiosk_id, signed, True)
    report.documents_sent_again = list(compared["documents"]["requeued"])
    _apply_downlink_again(config, store, transport, report, {})
    report.documents_missing = sorted(set(lacking) - set(store.document_digest()))


def _settle(store: KioskStore, answer: dict, report: RecoveryReport) -> None:
    """Central's word on each request's state, fee and question, and on the current profile and
    catalogue; documents central knows printed are recorded as printed, not printed again."""
    with store.transaction():
        municipality = answer.get("municipality")
        held = municipality_profile.held(store)
        if municipality and (held is None or int(municipality["version"]) > held.version):
            store.set_setting(municipality_profile.SETTING, municipality)
        catalogue = answer.get("catalogue") or {}
        current = store.catalogue()
        newer = current is None or str(current["version"]) != str(catalogue.get("version"))
        if catalogue and not check_catalogue(catalogue) and newer:
            store.set_catalogue(catalogue)
        for row in answer["requests"]:
            store.update_request(
                row["reference"],
                status=row["status"],
                question=row.get("question") if row["status"] == "needs_info" else None,
                fee={key: value for key, value in row["fee"].items() if value is not None},
            )
            for document in store.documents(row["reference"]):
                if row["status"] in PAST_ISSUED:
                    store.db.execute(
                        "update documents set printed_at = coalesce(printed_at, ?), print_count "
                        "= max(print_count, 1), print_state = 'printed' where number = ?",
                        [utc_now(), document["number"]],
                    )
        store.set_setting(
            RECOVERED, {"at": utc_now(), "lost_unsent": report.lost_unsent, "from": "central"}
        )
    report.documents = len(store.documents())
    report.to_print = [document["number"] for document in store.documents(to_print=True)]
