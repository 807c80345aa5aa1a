"""Many kiosks at once, for the long-poll test and the scale bench (bench/bench_longpoll.py).

:func:`enroll_fleet` enrolls ``count`` kiosks the way the API does (an invite each, spent by
:func:`central_api.onboarding.enroll_kiosk`, welcome records and all), only in batches straight
on the database instead of one HTTP call each; every kiosk gets its own fresh keys.
:func:`long_poll` is a lightweight kiosk: one signed ``GET .../downlink?wait=S`` over aiohttp,
signed exactly as :class:`sync.request_auth.KioskRequestAuth` signs the real kiosk's calls.
"""

from __future__ import annotations

import time

import aiohttp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from central_api import kiosks, onboarding
from central_api.db import write
from sync import Identity
from sync.request_auth import authorization_header

VILLAGES = ("dzhulyunitsa", "dobri-dyal", "kozarevets", "dragizhevo", "merdanya")
BATCH = 250


def enroll_fleet(engine, count: int, villages=VILLAGES) -> list[Identity]:
    """``count`` newly enrolled kiosks' identities (keys in memory only)."""
    fleet: list[Identity] = []
    while len(fleet) < count:
        with write(engine) as conn:
            for index in range(len(fleet), min(count, len(fleet) + BATCH)):
                keys = Identity(
                    "pending", Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
                )
                village = villages[index % len(villages)]
                token = kiosks.create_invite(conn, village, created_by="admin:fleet")
                row = onboarding.enroll_kiosk(conn, token, keys.public.to_json())
                fleet.append(Identity(row["id"], keys.signing, keys.encryption))
    return fleet


async def long_poll(
    session: aiohttp.ClientSession, base_url: str, kiosk: Identity, after: int, wait: float
) -> tuple[int, bytes]:
    """One signed long-poll of ``kiosk``'s downlink: its HTTP status and body."""
    target = f"/api/v1/kiosks/{kiosk.party_id}/downlink?after={after}&wait={wait:g}"
    header = authorization_header(kiosk, "GET", target, b"", now=time.time())
    async with session.get(base_url + target, headers={"Authorization": header}) as answer:
        return answer.status, await answer.read()
