"""Central's signed time on its answers to kiosk calls (:mod:`sync.clock`): the kiosk measures
its clock's offset from it, and a kiosk refused for a stale time learns central's from the
refusal itself. Both servers (the WSGI API and the long-poll service) add it.

Also the divergence check's challenge (:func:`issue_challenge`): a nonce central signs with its
time, which the kiosk puts into its signed digest, so that ``kiosk-app check`` is judged by
central's clock alone, whatever the kiosk's says."""

from __future__ import annotations

import base64
import json
import secrets
import time

from cryptography.exceptions import InvalidSignature

from sync import canonical_json
from sync.clock import TIME_HEADER, time_header
from sync.errors import SyncError
from sync.identity import Identity
from sync.request_auth import parse_authorization

from .errors import InvalidInputError

__all__ = ["TIME_HEADER", "check_challenge", "issue_challenge", "signed_time_for"]


def signed_time_for(identity: Identity, authorization: str | None) -> str | None:
    """The ``VIC-Time`` value answering a call with this Authorization header; None when the
    call carries no readable nonce (nobody to answer)."""
    try:
        nonce = parse_authorization(authorization).nonce
    except SyncError:
        return None
    return time_header(identity, nonce)


# -- the divergence check's challenge ------------------------------------------------------

CHALLENGE_CONTEXT = b"VIC-CHALLENGE-1\n"
CHALLENGE_MAX_AGE_SECONDS = 600


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_challenge(identity: Identity, kiosk_id: str, now: float | None = None) -> str:
    """A nonce from central for ``kiosk_id``'s signed digest: central's time and a random part,
    signed by central, so that only central's clock judges the digest's freshness."""
    body = canonical_json(
        {
            "kiosk": kiosk_id,
            "issued": int(time.time() if now is None else now),
            "nonce": secrets.token_urlsafe(12),
        }
    )
    return f"{_b64(body)}.{_b64(identity.sign(CHALLENGE_CONTEXT + body))}"


def check_challenge(identity: Identity, token: object, kiosk_id: str, now=None) -> None:
    """Refuse (InvalidInputError) a challenge central did not sign, one issued to another
    kiosk, or one older than ten minutes by central's own clock."""
    try:
        encoded_body, encoded_signature = str(token).split(".")
        body = _unb64(encoded_body)
        identity.public.verifier().verify(_unb64(encoded_signature), CHALLENGE_CONTEXT + body)
        claims = json.loads(body)
        issued, kiosk = float(claims["issued"]), claims["kiosk"]
    except (ValueError, KeyError, TypeError, InvalidSignature) as exc:
        raise InvalidInputError(
            "The digest's challenge is not one central gave: ask for a new one "
            "(GET /api/v1/kiosks/<id>/challenge) and run the check again."
        ) from exc
    if kiosk != kiosk_id:
        raise InvalidInputError("The digest's challenge was given to another kiosk.")
    age = (time.time() if now is None else now) - issued
    if not 0 <= age <= CHALLENGE_MAX_AGE_SECONDS:
        raise InvalidInputError(
            "The digest's challenge is more than 10 minutes old: run the check again."
        )
