"""Central's clock is the one that counts: its signed time on every answer to a kiosk's call,
and the kiosk's measured offset from it (docs/protocol.md, "Central's time").

Every answer central gives to a signed kiosk call (errors too, the 401 "stale" one above all)
carries one header::

    VIC-Time: time="1764621000.123", nonce="q3Jm0d2uP8wA1b9sKx4eNg", signature="<base64>"

``nonce`` is the nonce of the kiosk's own call (its Authorization header), ``time`` central's
Unix time when it answered; the Ed25519 signature (central's bundle key) covers::

    VIC-TIME-1
    <central's party id>
    <time, as written>
    <nonce>

So the time is central's (the pinned key), and fresh (it answers the call the kiosk just made:
nobody can replay an older one). The kiosk takes ``offset = central − (sent + received) / 2``
(its error is at most half the round trip) and uses its own clock plus that offset to sign its
calls, for what villagers see and for date checks. A kiosk whose clock is a year off is
answered "stale" once, learns the offset from that very answer and calls again.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature

from .identity import Identity, PublicIdentity

TIME_HEADER = "VIC-Time"
CONTEXT = "VIC-TIME-1"
_PARAMETER = re.compile(r'(\w+)="([^"]*)"')
_TIME = re.compile(r"^\d{1,12}(\.\d{1,6})?$")


def _message(party_id: str, written_time: str, nonce: str) -> bytes:
    return "\n".join([CONTEXT, party_id, written_time, nonce]).encode("utf-8")


def time_header(identity: Identity, nonce: str, now: float | None = None) -> str:
    """The ``VIC-Time`` value central sends with its answer to the call that used ``nonce``."""
    written = f"{time.time() if now is None else now:.3f}"
    signature = base64.b64encode(identity.sign(_message(identity.party_id, written, nonce)))
    return f'time="{written}", nonce="{nonce}", signature="{signature.decode("ascii")}"'


def central_time(value: str | None, central: PublicIdentity, nonce: str) -> float | None:
    """Central's time from a ``VIC-Time`` value, when it is signed by ``central`` and answers
    the call made with ``nonce``; None otherwise (missing, garbled, forged or replayed)."""
    if not value or len(value) > 300:
        return None
    fields = dict(_PARAMETER.findall(value))
    written, answered = fields.get("time", ""), fields.get("nonce")
    if answered != nonce or not _TIME.match(written):
        return None
    try:
        signature = base64.b64decode(fields.get("signature", ""), validate=True)
        central.verifier().verify(signature, _message(central.party_id, written, nonce))
    except (InvalidSignature, ValueError):
        return None
    return float(written)


@dataclass
class Clock:
    """The kiosk's idea of central's time: its own clock plus the last measured offset.

    ``offset`` seconds (central minus kiosk), ``round_trip`` of the call it was measured on,
    ``measured_at`` central's Unix time then (None: never measured, the offset is 0).
    """

    offset: float = 0.0
    round_trip: float | None = None
    measured_at: float | None = None
    # Told of every measurement (the kiosk keeps it in its store).
    listener: Callable[[Clock], None] | None = field(default=None, compare=False, repr=False)

    def now(self) -> float:
        """Central's time as best known here (Unix seconds)."""
        return time.time() + self.offset

    def observe(self, central: float, sent: float, received: float) -> None:
        """Take a measurement: central said ``central`` between the kiosk's ``sent`` and
        ``received`` (its own clock); the shorter the round trip, the better."""
        self.offset = central - (sent + received) / 2
        self.round_trip = max(0.0, received - sent)
        self.measured_at = central
        if self.listener is not None:
            self.listener(self)

    def to_json(self) -> dict:
        return {
            "offset_seconds": round(self.offset, 3),
            "round_trip_seconds": None if self.round_trip is None else round(self.round_trip, 3),
            "measured_at": self.measured_at,
        }

    @classmethod
    def from_json(cls, data: dict | None) -> Clock:
        if not isinstance(data, dict):
            return cls()
        return cls(
            float(data.get("offset_seconds") or 0.0),
            data.get("round_trip_seconds"),
            data.get("measured_at"),
        )
