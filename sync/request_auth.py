"""Signed kiosk API calls: every call a kiosk makes to central's /api/v1 carries, in one header,
who it is, when, a nonce, and an Ed25519 signature over the call itself (docs/protocol.md,
"Signed requests").

::

    Authorization: VIC-Ed25519 kiosk="gorno-primerovo-1", time="1764621000",
                   nonce="q3Jm0d2uP8wA1b9sKx4eNg", signature="<base64 of 64 bytes>"

The signature covers these lines, joined by ``\\n`` (UTF-8), nothing else::

    VIC-REQUEST-1
    <kiosk id>
    <time: Unix seconds, decimal>
    <nonce>
    <METHOD>
    <path?query exactly as sent>
    <SHA-256 of the body, hex; of the empty string when there is none>

Central (:func:`verify_request`) refuses, with 401 and before any work: a missing or malformed
header, an unknown kiosk, a bad signature, a time more than :data:`MAX_SKEW_SECONDS` from its own
clock, and a nonce it has seen from this kiosk within that window (it keeps them that long).
Both sides use this module; the kiosk's side is :class:`KioskRequestAuth`, a ``requests`` auth
that signs each prepared request, so what is signed is exactly what goes on the wire.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from dataclasses import dataclass

import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .clock import Clock
from .errors import StaleRequestError, UnauthenticatedRequestError
from .identity import Identity

SCHEME = "VIC-Ed25519"
CONTEXT = "VIC-REQUEST-1"
MAX_SKEW_SECONDS = 300
NONCE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KIOSK_ID_PATTERN = re.compile(r"^[a-z0-9-]{1,64}$")
_PARAMETER = re.compile(r'(\w+)="([^"]*)"')

__all__ = [
    "MAX_SKEW_SECONDS",
    "SCHEME",
    "KioskRequestAuth",
    "SignedRequest",
    "authorization_header",
    "parse_authorization",
    "signed_message",
    "verify_request",
]


@dataclass(frozen=True)
class SignedRequest:
    """What an ``Authorization`` header claims; nothing is believed until verified."""

    kiosk_id: str
    timestamp: int
    nonce: str
    signature: bytes


def signed_message(
    kiosk_id: str, timestamp: int, nonce: str, method: str, target: str, body: bytes
) -> bytes:
    """The bytes a request's signature covers (see the module docstring)."""
    lines = [
        CONTEXT,
        kiosk_id,
        str(int(timestamp)),
        nonce,
        method.upper(),
        target,
        hashlib.sha256(body or b"").hexdigest(),
    ]
    return "\n".join(lines).encode("utf-8")


def authorization_header(
    identity: Identity,
    method: str,
    target: str,
    body: bytes | None,
    *,
    now: float | None = None,
    nonce: str | None = None,
) -> str:
    """The ``Authorization`` value for one call by the kiosk whose keys are ``identity``."""
    timestamp = int(time.time() if now is None else now)
    nonce = nonce or secrets.token_urlsafe(16)
    message = signed_message(identity.party_id, timestamp, nonce, method, target, body or b"")
    signature = base64.b64encode(identity.sign(message)).decode("ascii")
    return (
        f'{SCHEME} kiosk="{identity.party_id}", time="{timestamp}", nonce="{nonce}", '
        f'signature="{signature}"'
    )


def parse_authorization(header: str | None) -> SignedRequest:
    """The claims of an ``Authorization`` header, or :class:`UnauthenticatedRequestError`."""
    if not header or not header.startswith(SCHEME + " ") or len(header) > 512:
        raise UnauthenticatedRequestError(
            "This call is not signed by a kiosk (no VIC-Ed25519 Authorization header): kiosk "
            "calls must be signed with the kiosk's key (docs/protocol.md, 'Signed requests')."
        )
    fields = dict(_PARAMETER.findall(header[len(SCHEME) :]))
    try:
        kiosk_id, timestamp, nonce = fields["kiosk"], int(fields["time"]), fields["nonce"]
        signature = base64.b64decode(fields["signature"], validate=True)
    except (KeyError, ValueError) as exc:
        raise UnauthenticatedRequestError(
            "The call's Authorization header is incomplete or garbled: it needs kiosk, time, "
            "nonce and signature."
        ) from exc
    if (
        not KIOSK_ID_PATTERN.match(kiosk_id)
        or not NONCE_PATTERN.match(nonce)
        or len(signature) != 64
    ):
        raise UnauthenticatedRequestError("The call's Authorization header is malformed.")
    return SignedRequest(kiosk_id, timestamp, nonce, signature)


def verify_request(
    signed: SignedRequest,
    signing_key: bytes,
    method: str,
    target: str,
    body: bytes,
    *,
    now: float | None = None,
) -> None:
    """Check freshness and the signature against the kiosk's raw Ed25519 key; raise if not.

    The nonce's uniqueness is the caller's to check (it needs storage shared by every server).
    """
    moment = time.time() if now is None else now
    if abs(moment - signed.timestamp) > MAX_SKEW_SECONDS:
        raise StaleRequestError(
            f"The call was signed at a time more than {MAX_SKEW_SECONDS // 60} minutes from "
            "central's clock; central's signed time is in this answer (VIC-Time): sign again "
            "with it."
        )
    message = signed_message(signed.kiosk_id, signed.timestamp, signed.nonce, method, target, body)
    try:
        Ed25519PublicKey.from_public_bytes(signing_key).verify(signed.signature, message)
    except (InvalidSignature, ValueError) as exc:
        raise UnauthenticatedRequestError(
            f"The call's signature is not {signed.kiosk_id}'s: nothing was done."
        ) from exc


class KioskRequestAuth(requests.auth.AuthBase):
    """``requests`` auth that signs every call with the kiosk's key (fresh time and nonce each,
    so a retried call is a new call, never a replay); the time is ``clock``'s (central's time
    as the kiosk measured it, :mod:`sync.clock`), else the kiosk's own."""

    def __init__(self, identity: Identity, clock: Clock | None = None):
        self.identity = identity
        self.clock = clock

    def __call__(self, prepared: requests.PreparedRequest) -> requests.PreparedRequest:
        body = prepared.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        prepared.headers["Authorization"] = authorization_header(
            self.identity,
            prepared.method or "GET",
            prepared.path_url,
            body,
            now=self.clock.now() if self.clock is not None else None,
        )
        return prepared
