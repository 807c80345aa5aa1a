"""Signed receipts: the only proof that a bundle was delivered (docs/protocol.md, "Receipts")."""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass

from .bundle import RECEIPT_MAGIC, SIGNATURE_SIZE, canonical_json, utc_now, verify_signed_frame
from .errors import MalformedBundleError, NotAReceiptError, ReceiptError, SyncError
from .identity import Identity, Keyring, PublicIdentity


@dataclass(frozen=True)
class Receipt:
    signer: PublicIdentity
    body: dict
    raw: bytes

    @property
    def bundle_id(self) -> str:
        return self.body["bundle"]

    @property
    def seq(self) -> int:
        return self.body["seq"]

    @property
    def record_results(self) -> list[dict]:
        return self.body["records"]


def make_receipt(
    receiver: Identity, bundle_id: str, sender: str, seq: int, record_results: list[dict]
) -> bytes:
    """Sign a receipt for bundle ``bundle_id`` (``seq`` of the sender → receiver stream)."""
    body = canonical_json(
        {
            "v": 1,
            "type": "receipt",
            "bundle": bundle_id,
            "sender": sender,
            "recipient": receiver.party_id,
            "seq": seq,
            "received": utc_now(),
            "records": record_results,
        }
    )
    signed = RECEIPT_MAGIC + receiver.fingerprint + struct.pack(">I", len(body)) + body
    return signed + receiver.sign(signed)


def open_receipt(data: bytes, keyring: Keyring) -> Receipt:
    """Check a receipt's signature and form; any other answer (a captive portal's page, a 200
    with HTML) is a NotAReceiptError."""
    if not data.startswith(RECEIPT_MAGIC[:6]):
        raise NotAReceiptError(
            "The answer is not a receipt of the village network (a captive portal or a proxy "
            "may have answered instead of central). Nothing is marked as delivered; try again."
        )
    try:
        signer, signed = verify_signed_frame(data, RECEIPT_MAGIC, keyring, "receipt")
    except SyncError as exc:
        raise ReceiptError(f"The receipt cannot be trusted: {exc.message}") from exc
    (length,) = struct.unpack_from(">I", signed, 40)
    if 44 + length != len(signed) or len(data) != len(signed) + SIGNATURE_SIZE:
        raise ReceiptError("The receipt's length does not add up.")
    try:
        body = json.loads(signed[44:])
    except ValueError as exc:
        raise MalformedBundleError("The receipt body is not valid JSON.") from exc
    if (
        not isinstance(body, dict)
        or body.get("type") != "receipt"
        or body.get("recipient") != signer.party_id
    ):
        raise ReceiptError("The receipt is not signed by the party it speaks for.")
    return Receipt(signer, body, bytes(data))


def check_receipt_for(
    receipt: Receipt, bundle_id: str, sender_party: str, recipient_party: str
) -> None:
    """Raise unless ``receipt`` acknowledges exactly the bundle we sent to ``recipient_party``."""
    if receipt.signer.party_id != recipient_party:
        raise ReceiptError(
            f"The receipt is signed by {receipt.signer.party_id}, not by {recipient_party}."
        )
    if receipt.bundle_id != bundle_id or receipt.body.get("sender") != sender_party:
        raise ReceiptError(
            "The receipt acknowledges another bundle than the one sent; nothing is marked "
            "as delivered."
        )
