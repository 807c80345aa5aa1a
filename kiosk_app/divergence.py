"""`kiosk-app check`: compare what this kiosk and central hold, and repair the difference.

The kiosk signs a digest of its side (every bundle it sealed: seq, id, delivered or not; every
bundle of central's it applied; every document's number and SHA-256) and posts it to
``POST /api/v1/kiosks/<id>/digest`` (central_api.divergence). Central answers what differs and
repairs its side (documents the kiosk lacks are queued again). The kiosk then repairs its own:

- receipts central holds for bundles the kiosk still thinks undelivered are verified and taken;
- bundles the kiosk holds as delivered but central lacks (central was restored from a backup)
  are reopened and sent again, byte for byte;
- one normal exchange carries all that and brings the re-queued documents down.

Nothing is ever deleted: a bundle that conflicts (same number, other contents) is reported for
a person to look at, never overwritten. No full resync: only the difference moves.
"""

from __future__ import annotations

import base64

from sync import SyncError, canonical_json
from sync.wording import counted, plural

from .clock import central_utc_now
from .config import KioskConfig
from .exchange import accept_receipt, central_transport, exchange_with, load_party
from .store import KioskStore, store_for, utc_now


def build_digest(store: KioskStore, kiosk_id: str, central: str) -> dict:
    return {
        "kiosk_id": kiosk_id,
        "at": utc_now()[:19] + "Z",
        "outbound": store.outbound_digest(),
        "inbound": store.inbound_digest(central),
        "documents": store.document_digest(),
    }


def check_with_central(config: KioskConfig, transport=None, repair: bool = True) -> dict:
    """Run the check; the comparison, what was repaired, and human summary lines."""
    with store_for(config) as store:
        party = load_party(config, store)
        if transport is None:
            transport = central_transport(config, store, party)
        digest = build_digest(store, party.kiosk_id, party.central.party_id)
        # Central's nonce, not the kiosk's clock, makes the digest fresh: `check` runs
        # whatever the clock says (asking for it also measures the clock's offset).
        digest["challenge"] = transport.challenge(party.kiosk_id)
        digest["at"] = central_utc_now(store)[:19] + "Z"
        signed = {
            "digest": digest,
            "signature": base64.b64encode(party.identity.sign(canonical_json(digest))).decode(),
        }
        answer = transport.post_digest(party.kiosk_id, signed, repair)
        repaired = {"receipts_taken": 0, "reopened": [], "exchange": None}
        if repair:
            for item in answer["uplink"]["receipts"]:
                if accept_receipt(store, party, base64.b64decode(item["receipt"]), item["seq"]):
                    repaired["receipts_taken"] += 1
            for seq in answer["uplink"]["central_lacks"]:
                bundle = store.outbound_bundle(seq)
                if bundle is not None and bundle.delivered_at is not None:
                    store.reopen_bundle(seq)
                    repaired["reopened"].append(seq)
            try:
                repaired["exchange"] = exchange_with(config, store, transport).to_json()
            except SyncError as exc:
                repaired["exchange_error"] = exc.message
        answer["repaired"] = repaired
        answer["summary"] = _summary(answer, repair)
        return answer


def _summary(answer: dict, repair: bool) -> list[str]:
    uplink, downlink, docs = answer["uplink"], answer["downlink"], answer["documents"]
    lines = []
    clean = not (
        uplink["central_lacks"]
        or uplink["conflicts"]
        or uplink["receipts"]
        or downlink["conflicts"]
        or downlink["unknown_to_central"]
        or docs["kiosk_lacks"]
        or docs["hash_mismatch"]
    )
    if clean:
        lines.append("Kiosk and central hold the same: nothing to repair.")
    if uplink["central_lacks"]:
        verb = "sent again" if repair else "to send again"
        lacks = plural(len(uplink["central_lacks"]), "bundle", "bundles")
        lines.append(f"Central lacks {lacks} {uplink['central_lacks']}: {verb}.")
    if uplink["receipts"]:
        lines.append(f"Took {counted(len(uplink['receipts']), 'receipt', 'en')} that central held.")
    if docs["requeued"]:
        lines.append(
            f"{plural(len(docs['requeued']), 'Document', 'Documents')} {docs['requeued']} "
            "missing here: sent again by central."
        )
    if docs["in_flight"]:
        lines.append(
            f"{plural(len(docs['in_flight']), 'Document', 'Documents')} {docs['in_flight']} "
            "already on the way."
        )
    problems = (
        (uplink["conflicts"], "bundle number(s) {} differ between kiosk and central"),
        (downlink["conflicts"], "central's bundle(s) {} differ from the ones applied here"),
        (downlink["unknown_to_central"], "central no longer knows its bundle(s) {}"),
        (docs["hash_mismatch"], "document(s) {} differ from central's copy"),
    )
    for items, text in problems:
        if items:
            lines.append(
                "Needs a person: " + text.format(items) + ". Nothing was changed; call support."
            )
    if answer.get("repaired", {}).get("exchange_error"):
        lines.append("The repair exchange failed: " + answer["repaired"]["exchange_error"])
    return lines
