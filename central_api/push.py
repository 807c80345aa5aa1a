"""Decisions pushed to kiosks in seconds, and the divergence check (issue 7).

Long-poll (``GET /api/v1/kiosks/<id>/downlink?after=N&wait=S``): when there is nothing for the
kiosk, the request is held until a record is queued for it or ``S`` seconds pass (at most
:data:`MAX_WAIT_SECONDS`), then answered exactly as without ``wait`` (200 with a bundle, or 204).

Why a short database poll inside the server, and not PostgreSQL LISTEN/NOTIFY: central runs on
SQLite as well as on PostgreSQL, and several ``serve`` processes share one database; the
database is the only thing they share, so "has something been queued for this kiosk?" is asked
of it. The question is one indexed read (:func:`has_downlink`) every :data:`POLL_SECONDS`,
made by the server on loopback to its database, never by the kiosk over the village line; a
clerk's commit is seen within one poll interval by whichever process holds the kiosk's request.
Cost: one cheap read per waiting kiosk per 150 ms (five kiosks: ~33 reads a second). Each waiting
kiosk holds one server thread, so ``serve --threads`` must exceed the number of kiosks online.
With many more kiosks, LISTEN/NOTIFY on PostgreSQL would replace the poll behind the same
function.

Divergence check (``POST /api/v1/kiosks/<id>/digest``): the kiosk sends, signed with its key,
what it holds (its outbound bundles, central's bundles it applied, its documents' hashes);
:func:`compare_digest` answers what differs and repairs what central can repair by itself, without
a resync and without deleting anything: receipts the kiosk lacks are returned, documents the
kiosk lacks are queued for it again (only when no copy is still on its way), and the bundles
central lacks are named so that the kiosk sends them again.
"""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime

from sqlalchemy import Engine, exists, select

from sync import Identity, canonical_json
from sync.errors import BadSignatureError

from . import bundles
from . import kiosks as kiosk_registry
from .db import read, write
from .db.schema import documents, inbound_bundles, outbound_bundles, outbound_records, requests
from .errors import InvalidInputError, KioskRevokedError
from .workflow import queue_record

MAX_WAIT_SECONDS = 30.0
POLL_SECONDS = 0.15
DIGEST_MAX_AGE_SECONDS = 600  # a signed digest older than this is refused (replay)


def has_downlink(engine: Engine, kiosk_id: str, after: int) -> bool:
    """Is there a bundle after ``after``, or a record still to seal, for this kiosk?"""
    with read(engine) as conn:
        bundle = conn.execute(
            select(
                exists().where(
                    outbound_bundles.c.kiosk_id == kiosk_id, outbound_bundles.c.seq > after
                )
            )
        ).scalar()
        if bundle:
            return True
        return bool(
            conn.execute(
                select(
                    exists().where(
                        outbound_records.c.kiosk_id == kiosk_id,
                        outbound_records.c.bundle_seq.is_(None),
                    )
                )
            ).scalar()
        )


def wait_for_downlink(
    engine: Engine,
    identity: Identity,
    kiosk_id: str,
    after: int,
    wait: float,
    poll: float = POLL_SECONDS,
) -> bytes | None:
    """:func:`central_api.bundles.next_downlink`, held up to ``wait`` seconds while empty."""
    deadline = time.monotonic() + max(0.0, min(float(wait), MAX_WAIT_SECONDS))
    data = bundles.next_downlink(engine, identity, kiosk_id, after)
    while data is None and time.monotonic() < deadline:
        time.sleep(min(poll, max(0.0, deadline - time.monotonic())))
        if has_downlink(engine, kiosk_id, after):
            data = bundles.next_downlink(engine, identity, kiosk_id, after)
    return data


def parse_wait(raw: str | None) -> float:
    if raw in (None, ""):
        return 0.0
    try:
        wait = float(raw)
    except ValueError as exc:
        raise InvalidInputError("'wait' must be a number of seconds.") from exc
    if wait < 0 or wait != wait:
        raise InvalidInputError("'wait' cannot be negative.")
    return min(wait, MAX_WAIT_SECONDS)


# -- divergence check -------------------------------------------------------------------


def sign_digest(identity: Identity, digest: dict) -> dict:
    """The request body a kiosk posts: its digest and an Ed25519 signature over it."""
    return {
        "digest": digest,
        "signature": base64.b64encode(identity.sign(canonical_json(digest))).decode(),
    }


def _verified_digest(conn, kiosk_id: str, body) -> dict:
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
        digest = _verified_digest(conn, kiosk_id, body)
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
    pattern = f'%"number": {json.dumps(number)}%'
    return conn.execute(
        select(outbound_records.c.bundle_seq).where(
            outbound_records.c.kiosk_id == kiosk_id,
            outbound_records.c.type == "document.issued",
            outbound_records.c.record.like(pattern),
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
    )


# -- key rotation --------------------------------------------------------------------------


def rotate_signing_key(central) -> dict:
    """Give central a new bundle-signing key, announced to every active kiosk under the old one.

    For each kiosk a ``key.rotated`` record is queued and everything pending is sealed at once
    with the OLD key, so the announcement reaches the kiosk in a bundle it trusts; bundles
    sealed afterwards carry the new key. The encryption key stays (bundles already sealed by
    kiosks to it still open). The old key files move to ``keys/retired-<fingerprint>/``.
    Running ``serve`` processes keep the key they loaded: restart them after rotating.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from .db.schema import kiosks as kiosk_table

    old = central.identity
    new = Identity(old.party_id, Ed25519PrivateKey.generate(), old.encryption)
    body = {
        "new": new.public.to_json(),
        "previous": old.public.display_fingerprint,
        "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    announced = []
    with write(central.engine) as conn:
        active = conn.execute(
            select(kiosk_table.c.id).where(kiosk_table.c.revoked_at.is_(None))
        ).all()
        for row in active:
            kiosk = bundles._lock_kiosk(conn, row.id)
            queue_record(conn, row.id, "key.rotated", body)
            while bundles.seal_pending(conn, old, kiosk) is not None:
                pass
            announced.append(row.id)
    # Files after the commit: should saving fail, kiosks know a key central does not use yet,
    # and they still accept the old one for receipts; the other order could strand them.
    retired = central.keys_folder / f"retired-{old.fingerprint.hex()[:16]}"
    old.save(retired)
    new.save(central.keys_folder)
    central._identity = new
    return {
        "previous": old.public.display_fingerprint,
        "fingerprint": new.public.display_fingerprint,
        "announced_to": announced,
        "retired_keys": str(retired),
    }


# -- HTTP ----------------------------------------------------------------------------------


def add_routes(bp) -> None:
    """Add the divergence check to the kiosk API blueprint (central_api.api)."""
    bp.add_url_rule("/kiosks/<kiosk_id>/digest", view_func=digest_view, methods=["POST"])


def digest_view(kiosk_id: str):
    from flask import current_app, jsonify, request

    from .errors import NotFoundError, RateLimitedError

    if "\x00" in kiosk_id:
        raise NotFoundError(f"No kiosk {kiosk_id!r}: see `central-api kiosk list`.")
    limiter = current_app.extensions.get("rate_limiter")
    if limiter is not None and not limiter.allow(f"kiosk-digest:{kiosk_id}"):
        raise RateLimitedError("Too many checks from this kiosk in a minute: wait and try again.")
    central = current_app.extensions["central"]
    body = request.get_json(silent=True)
    repair = request.args.get("repair", "1") not in ("0", "false", "no")
    return jsonify(compare_digest(central.engine, central.identity, kiosk_id, body, repair))


def main(argv: list[str] | None = None) -> int:
    """``python -m central_api.push rotate-key``: rotate the bundle-signing key of the central
    in $CENTRAL_HOME (or ``--home``), then restart the ``serve`` processes."""
    import argparse

    from .config import load_config
    from .context import Central

    parser = argparse.ArgumentParser(prog="python -m central_api.push")
    parser.add_argument("command", choices=["rotate-key"])
    parser.add_argument("--home", default=None, help="Central's data folder ($CENTRAL_HOME).")
    args = parser.parse_args(argv)
    overrides = {"CENTRAL_HOME": args.home} if args.home else {}
    central = Central.from_config(load_config(**overrides))
    try:
        result = rotate_signing_key(central)
    finally:
        central.dispose()
    print(f"Bundle-signing key rotated: {result['previous']} -> {result['fingerprint']}")
    print(
        f"Announced to {len(result['announced_to'])} kiosk(s); old key kept in "
        f"{result['retired_keys']}. Restart `central-api serve` now."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
