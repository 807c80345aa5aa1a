"""The exchange's JSON messages carried on a USB stick, signed (docs/protocol.md, "On a stick").

Over HTTP the stream positions (``streams.positions``), central's answer (``streams.answer``) and
a document given back (``document.held``) are authenticated by the signed request that carries
them (:mod:`sync.request_auth`). A stick has no request: each message is a file signed by its
sender, a frame like a receipt's::

    magic "VCMESG\\x00\\x01" | sender's fingerprint (32) | length (4) | body | Ed25519 signature

The body is canonical JSON ``{"v": 1, "type": "message", "name", "sender", "recipient", "at",
"message"}``; the message is checked against its registry entry (sync.records
``EXCHANGE_MESSAGES``) on opening, as over HTTP. ``at`` is the sender's time: a kiosk takes an
answer only when it is newer than the last it took, so an old file left on a stick changes
nothing.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass

from .bundle import SIGNATURE_SIZE, canonical_json, utc_now, verify_signed_frame
from .errors import MalformedBundleError, WrongRecipientError
from .identity import Identity, Keyring, PublicIdentity
from .records import EXCHANGE_MESSAGES, message_problem

MESSAGE_MAGIC = b"VCMESG\x00\x01"
MESSAGE_SUFFIX = ".vcm"


def positions_file_name(sender: str, recipient: str) -> str:
    """Where the sender's newest stream positions (or central's answer to them) go."""
    return f"{sender}-to-{recipient}-positions{MESSAGE_SUFFIX}"


def held_document_file_name(sender: str, recipient: str, number: str) -> str:
    """A document given back: named to sort before the sender's bundles (``-document-`` before
    ``-to-``), since central must hold the paper before the records about it apply."""
    return f"{sender}-document-{number}-to-{recipient}{MESSAGE_SUFFIX}"


@dataclass(frozen=True)
class CarriedMessage:
    signer: PublicIdentity
    name: str
    at: str
    message: dict


def seal_message(sender: Identity, recipient: str, name: str, message: dict) -> bytes:
    """Sign ``message`` (a registered exchange message ``name``) for ``recipient``."""
    problem = message_problem(name, message)
    if problem:
        raise MalformedBundleError(f"The {name} message is not what the protocol says: {problem}")
    body = canonical_json(
        {
            "v": 1,
            "type": "message",
            "name": name,
            "sender": sender.party_id,
            "recipient": recipient,
            "at": utc_now(),
            "message": message,
        }
    )
    signed = MESSAGE_MAGIC + sender.fingerprint + struct.pack(">I", len(body)) + body
    return signed + sender.sign(signed)


def open_message(data: bytes, keyring: Keyring, recipient: str) -> CarriedMessage:
    """Check a carried message's signature, form and recipient (a sync.SyncError if amiss)."""
    signer, signed = verify_signed_frame(data, MESSAGE_MAGIC, keyring, "message")
    (length,) = struct.unpack_from(">I", signed, 40)
    if 44 + length != len(signed) or len(data) != len(signed) + SIGNATURE_SIZE:
        raise MalformedBundleError("The message's length does not add up: copy the file again.")
    try:
        body = json.loads(signed[44:])
    except ValueError as exc:
        raise MalformedBundleError("The message's body is not valid JSON.") from exc
    if not isinstance(body, dict) or body.get("type") != "message":
        raise MalformedBundleError("This file is not a message of the village network.")
    if body.get("sender") != signer.party_id:
        raise MalformedBundleError("The message is not signed by the party it speaks for.")
    if body.get("recipient") != recipient:
        raise WrongRecipientError(
            f"This message is for {body.get('recipient')}, not for {recipient}: it was put on "
            "the wrong stick."
        )
    name, message = str(body.get("name")), body.get("message")
    if name not in EXCHANGE_MESSAGES:
        raise MalformedBundleError(f"This software does not know the message {name!r}.")
    problem = message_problem(name, message)
    if problem:
        raise MalformedBundleError(f"The {name} message is not what the protocol says: {problem}")
    return CarriedMessage(signer, name, str(body.get("at") or ""), message)


__all__ = [
    "MESSAGE_MAGIC",
    "MESSAGE_SUFFIX",
    "CarriedMessage",
    "held_document_file_name",
    "open_message",
    "positions_file_name",
    "seal_message",
]
