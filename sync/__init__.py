"""The signed-bundle protocol shared by the kiosks and the central office (docs/protocol.md).

A plain library: it imports neither app, nor Flask, nor Qt.
"""

from .bundle import (
    GENESIS,
    MAX_BUNDLE_BYTES,
    MAX_PLAIN_BYTES,
    MAX_RECORDS,
    OpenedBundle,
    bundle_id,
    canonical_json,
    new_record_id,
    open_bundle,
    seal_bundle,
)
from .errors import *  # noqa: F403 - the whole tree is public
from .identity import Identity, Keyring, PublicIdentity, display_fingerprint, fingerprint_of
from .inbound import (
    InboundLedger,
    LedgerEntry,
    Received,
    RecordNotUnderstood,
    RecordRefused,
    receive_bundle,
    receive_opened,
)
from .receipt import Receipt, check_receipt_for, make_receipt, open_receipt

__all__ = [
    "GENESIS",
    "MAX_BUNDLE_BYTES",
    "MAX_PLAIN_BYTES",
    "MAX_RECORDS",
    "OpenedBundle",
    "bundle_id",
    "canonical_json",
    "new_record_id",
    "open_bundle",
    "seal_bundle",
    "Identity",
    "Keyring",
    "PublicIdentity",
    "display_fingerprint",
    "fingerprint_of",
    "InboundLedger",
    "LedgerEntry",
    "Received",
    "RecordNotUnderstood",
    "RecordRefused",
    "receive_bundle",
    "receive_opened",
    "Receipt",
    "check_receipt_for",
    "make_receipt",
    "open_receipt",
]
