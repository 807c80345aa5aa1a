"""The exchange's messages carried on a USB stick, at central (sync.carried, kiosk_app.usb).

A kiosk that never goes online brings its stream positions and the documents a restored central
asked back as signed files; ``central-api bundle import`` hands each to :func:`take_carried`,
which does what the HTTP calls do (central_api.streams) and, for the positions, signs the
answer for the stick's way back: what central lacks, and where its downlink continues.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from sync import Identity
from sync.carried import open_message, positions_file_name, seal_message

from . import kiosks as kiosk_registry
from . import streams
from .db import read
from .errors import InvalidInputError


@dataclass(frozen=True)
class Carried:
    kiosk_id: str
    name: str
    result: dict  # the streams.answer, or the document.held_answer
    answer_file: tuple[str, bytes] | None = None  # (file name, signed answer) for the stick


def take_carried(
    engine: Engine,
    identity: Identity,
    data: bytes,
    certificate_pem: bytes,
    timestamp_roots_pem: bytes | None = None,
) -> Carried:
    """Take one carried message (a sync.SyncError or CentralError when it is not right)."""
    with read(engine) as conn:
        keyring = kiosk_registry.keyring(conn)
    carried = open_message(data, keyring, identity.party_id)
    kiosk_id = carried.signer.party_id
    if carried.name == "streams.positions":
        answer = streams.report_positions(engine, kiosk_id, carried.message)
        signed = seal_message(identity, kiosk_id, "streams.answer", answer)
        return Carried(
            kiosk_id,
            carried.name,
            answer,
            (positions_file_name(identity.party_id, kiosk_id), signed),
        )
    if carried.name == "document.held":
        result = streams.take_held_document(
            engine, kiosk_id, carried.message, certificate_pem, timestamp_roots_pem
        )
        return Carried(kiosk_id, carried.name, result)
    raise InvalidInputError(
        f"A {carried.name} message is not for central: the file was put on the wrong stick."
    )
