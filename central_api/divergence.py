"""The divergence check: does a kiosk hold what central holds? (issue 7)

``POST /api/v1/kiosks/<id>/digest``: the kiosk sends, signed with its key, what it holds (its
outbound bundles, central's bundles it applied, its documents' hashes); :func:`compare_digest`
answers what differs and repairs what central can repair by itself, without a resync and without
deleting anything: receipts the kiosk lacks are returned, documents the kiosk lacks are queued
for it again (only when no copy is still on its way), and the bundles central lacks are named so
that the kiosk sends them again.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from sync import Identity, canonical_json
from sync.errors import BadSignatureError

from . import kiosks as kiosk_registry
from .db import write
from .db.schema import documents, inbound_bundles, outbound_bundles, outbound_records, requests
from .errors import InvalidInputError, KioskRevokedError
from .signed_time import check_challenge
from .workflow import queue_record

DIGEST_MAX_AGE_SECONDS = 600  # a signed digest older than this is refused (replay)


def sign_digest(identity: Identity, digest: dict) -> dict:
    """The request body a kiosk posts: its digest and an Ed25519 signature over it."""
    return {
        "digest": digest,
        "signature": base64.b64encode(identity.sign(canonical_json(digest))).decode(),
    }


def _verified_digest(conn, kiosk_id: str, body, identity: Identity) -> dict:
    if not isinstance(body, dict) or not isinstance(body.get("digest"), dict):
        raise InvalidInputError("Send {digest, signature} as JSON.")
    digest = body["digest"]
    kiosk = kiosk_registry.get_kiosk(conn, kiosk_id)
    if kiosk["revoked_at"]:
        raise KioskRevokedError(f"Kiosk {kiosk_id} was revoked: it may not exchange any more.")
    try:
        signature = base64.b64decode(str(body.get("signature", "")), validate=True)
        kiosk_registry.public_identity(kiosk).verifier().verify(signature, canonical_json(digest))
    except Exception as exc:  # binascii.Error, InvalidSignature
        raise BadSignatureError(
            "The digest is not signed by this kiosk's key: nothing was compared."
        ) from exc
    if digest.get("kiosk_id") != kiosk_id:
        raise InvalidInputError("The digest speaks for another kiosk.")
    if "challenge" in digest:  # central's own nonce: its clock judges, not the kiosk's
        check_challenge(identity, digest["challenge"], kiosk_id)
        return digest
    # A kiosk older than challenges: its own time, which must be within 10 minutes of central's.
    try:
        at = datetime.strptime(str(digest.get("at")), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError as exc:
        raise InvalidInputError("The digest has no valid 'at' time.") from exc
    if abs((datetime.now(UTC) - at).total_seconds()) > DIGEST_MAX_AGE_SECONDS:
        raise InvalidInputError(
            "The digest is too old or the kiosk's clock is far off (more than 10 minutes): "
            "check the kiosk's clock and run the check again."
        )
    return digest


def _pairs(value, width: int) -> list[list]:
    if not isinstance(value, list) or not all(
        isinstance(item, list) and len(item) >= width for item in value
    ):
        raise InvalidInputError("The digest's lists are not in the expected form.")
    return value


def compare_digest(engine: Engine, identity: Identity, kiosk_id: str, body, repair=True) -> dict:
    """Compare a kiosk's signed digest with what central holds; repair what central can."""
    with write(engine) as conn:
        digest = _verified_digest(conn, kiosk_id, body, identity)
        kiosk_outbound = _pairs(digest.get("outbound", []), 3)
        kiosk_inbound = _pairs(digest.get("inbound", []), 2)
        kiosk_documents = digest.get("documents") or {}
        if not isinstance(kiosk_documents, dict):
            raise InvalidInputError("The digest's documents are not a {number: sha256} map.")

        held_up = {
            row.seq: (row.bundle_id, bytes(row.receipt))
            for row in conn.execute(
                select(
                    inbound_bundles.c.seq, inbound_bundles.c.bundle_id, inbound_bundles.c.receipt
                ).where(inbound_bundles.c.sender == kiosk_id)
            )
        }
        missing_at_central, uplink_conflicts, receipts = [], [], []
        for seq, bundle, delivered in kiosk_outbound:
            if seq not in held_up:
                missing_at_central.append(seq)
            elif held_up[seq][0] != bundle:
                uplink_conflicts.append(seq)
            elif not delivered:
                receipts.append({"seq": seq, "receipt": base64.b64encode(held_up[seq][1]).decode()})

        sent_down = {
            row.seq: row.bundle_id
            for row in conn.execute(
                select(outbound_bundles.c.seq, outbound_bundles.c.bundle_id).where(
                    outbound_bundles.c.kiosk_id == kiosk_id
                )
            )
        }
        applied_down = {seq: bundle for seq, bundle, *_ in kiosk_inbound}
        downlink_conflicts = sorted(
            seq for seq, bundle in applied_down.items() if sent_down.get(seq, bundle) != bundle
        )
        unknown_to_central = sorted(set(applied_down) - set(sent_down))
        kiosk_lacks_bundles = sorted(set(sent_down) - set(applied_down))

        issued = {
            row.number: row.sha256
            for row in conn.execute(
                select(documents.c.number, documents.c.sha256)
                .join(requests, requests.c.reference == documents.c.reference)
                .where(requests.c.kiosk_id == kiosk_id)
            )
        }
        mismatched = sorted(
            number
            for number, sha in kiosk_documents.items()
            if number in issued and issued[number] != sha
        )
        lacking = sorted(set(issued) - set(kiosk_documents))
        requeued, in_flight = [], []
        for number in lacking:
            if _document_in_flight(conn, kiosk_id, number):
                in_flight.append(number)
            elif repair:
                _requeue_document(conn, kiosk_id, number)
                requeued.append(number)
        return {
            "kiosk_id": kiosk_id,
            "uplink": {
                "central_lacks": missing_at_central,
                "conflicts": uplink_conflicts,
                "receipts": receipts,
            },
            "downlink": {
                "kiosk_lacks": kiosk_lacks_bundles,
                "conflicts": downlink_conflicts,
                "unknown_to_central": unknown_to_central,
            },
            "documents": {
                "held_by_central": len(issued),
                "kiosk_lacks": lacking,
                "requeued": requeued,
                "in_flight": in_flight,
                "hash_mismatch": mismatched,
            },
        }


def _document_records(conn, kiosk_id: str, number: str):
    """The ``document.issued`` records queued for this kiosk for document ``number``."""
    return conn.execute(
        select(outbound_records.c.bundle_seq).where(
            outbound_records.c.kiosk_id == kiosk_id,
            outbound_records.c.type == "document.issued",
            outbound_records.c.subject == number,
        )
    ).all()


def _document_in_flight(conn, kiosk_id: str, number: str) -> bool:
    """A copy queued, or in a bundle the kiosk has not acknowledged yet."""
    for row in _document_records(conn, kiosk_id, number):
        if row.bundle_seq is None:
            return True
        acknowledged = conn.execute(
            select(outbound_bundles.c.acknowledged_at).where(
                outbound_bundles.c.kiosk_id == kiosk_id,
                outbound_bundles.c.seq == row.bundle_seq,
            )
        ).scalar()
        if not acknowledged:
            return True
    return False


def _requeue_document(conn, kiosk_id: str, number: str) -> None:
    row = conn.execute(select(documents).where(documents.c.number == number)).mappings().first()
    queue_record(
        conn,
        kiosk_id,
        "document.issued",
        {
            "reference": row["reference"],
            "number": row["number"],
            "issued_at": row["issued_at"],
            "sha256": row["sha256"],
            "pdf_b64": base64.b64encode(bytes(row["pdf"])).decode(),
            "resent": True,
        },
        subject=row["number"],
    )
