"""Streams that heal by themselves: where a kiosk's streams stand, and what it gives back.

``POST /api/v1/kiosks/<id>/streams`` (message ``streams.positions``, sync/records.py) opens
every exchange: the kiosk says which of its bundles it sealed last, which central receipted
last, and which of central's bundles it applied last, each with its id. Central answers with
``streams.answer``:

- **uplink**: the newest bundle of this kiosk central holds. When that is behind what the kiosk
  holds receipts for, central has forgotten them (a restore): the kiosk sends them again, byte
  for byte, from what it keeps (kiosk_app.positions);
- **downlink**: the bundle central's stream continues after. When the kiosk applied bundles
  central no longer has, central takes the kiosk's last applied bundle as the end of its
  stream (a stand-in row: no bytes, acknowledged) and un-seals whatever it sealed since that
  could not fit the kiosk's chain, so the next bundle is the kiosk's next number and chains to
  what it holds: neither side refuses the other;
- **reconciliation**: while a numbering epoch waits for this kiosk (central_api.restore), the
  answer asks for its documents; the kiosk names them (number → SHA-256), central names those
  it lacks, and the kiosk posts each (``POST /api/v1/kiosks/<id>/documents``, ``document.held``).
  A document is taken only when its PAdES signature and QR statement verify under central's own
  document certificate; it then gets its record back, its request its state.

A kiosk holding bundles central never had is how central learns it was restored by other means
than ``deploy.backup`` (a copied database file, a snapshot): a new numbering epoch starts then.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from sync import GENESIS
from sync.records import message_problem

from . import kiosks as kiosk_registry
from . import restore
from .audit import record as audit_record
from .db import read, utc_now, write
from .db.schema import (
    documents,
    inbound_bundles,
    outbound_bundles,
    outbound_records,
    quarantined_records,
    requests,
)
from .errors import InvalidInputError, KioskRevokedError


def _checked(name: str, body) -> dict:
    problem = message_problem(name, body)
    if problem:
        raise InvalidInputError(problem)
    return body


def _active_kiosk(conn: Connection, kiosk_id: str) -> dict:
    kiosk = kiosk_registry.get_kiosk(conn, kiosk_id)
    if kiosk["revoked_at"]:
        raise KioskRevokedError(f"Kiosk {kiosk_id} was revoked: it may not exchange any more.")
    return kiosk


def report_positions(engine: Engine, kiosk_id: str, body) -> dict:
    """Compare a kiosk's stream positions with central's, heal the downlink, and say what
    central lacks; the ``streams.answer``."""
    positions = _checked("streams.positions", body)
    with read(engine) as conn:
        # The everyday case, at every exchange of every kiosk: nothing lost, no epoch waiting.
        # Answered from a read, so that it costs the database no write.
        _active_kiosk(conn, kiosk_id)
        uplink = uplink_head(conn, kiosk_id)
        if (
            positions["uplink"]["delivered"]["seq"] <= uplink["seq"]
            and not _downlink_forgotten(conn, kiosk_id, positions["downlink"]["applied"])
            and restore.open_epoch(conn) is None
            and positions["epoch_seen"] <= restore.current_epoch(conn)
        ):
            return {
                "uplink": {"central_has": uplink},
                "downlink": {"continues_after": downlink_head(conn, kiosk_id)},
                "reference_counter": reference_counter(conn, kiosk_id),
                "epoch": restore.epoch_in_use(conn),
                "numbering": "open",
                "report_documents": False,
            }
    with write(engine) as conn:
        _active_kiosk(conn, kiosk_id)
        kiosk_registry.touch(conn, kiosk_id)
        uplink = uplink_head(conn, kiosk_id)
        delivered = positions["uplink"]["delivered"]
        applied = positions["downlink"]["applied"]
        forgot_uplink = delivered["seq"] > uplink["seq"]
        forgot_downlink = _downlink_forgotten(conn, kiosk_id, applied)
        if (forgot_uplink or forgot_downlink) and restore.open_epoch(conn) is None:
            restore.start_epoch(
                conn,
                f"kiosk {kiosk_id} holds bundles central does not: central was restored by "
                "other means than deploy.backup",
            )
        restore.raise_above(conn, positions["epoch_seen"], f"kiosk {kiosk_id} saw it")
        if forgot_downlink:
            _continue_after(conn, kiosk_id, applied)
        answer = {
            "uplink": {"central_has": uplink},
            "downlink": {"continues_after": downlink_head(conn, kiosk_id)},
            "reference_counter": reference_counter(conn, kiosk_id),
            "epoch": restore.epoch_in_use(conn),
            "numbering": restore.status_in(conn)["numbering"],
            "report_documents": restore.kiosk_owes_report(conn, kiosk_id),
        }
        held = positions.get("documents")
        if held is not None and answer["report_documents"]:
            lacking = _lacking(conn, kiosk_id, held)
            answer["documents_lacking"] = lacking
            if not lacking:
                restore.note_reported(conn, kiosk_id, len(held))
                answer["report_documents"] = restore.kiosk_owes_report(conn, kiosk_id)
                answer["numbering"] = restore.status_in(conn)["numbering"]
                answer["epoch"] = restore.epoch_in_use(conn)
        return answer


def uplink_head(conn: Connection, kiosk_id: str) -> dict:
    """The newest bundle central holds from the kiosk, ``{"seq", "id"}`` (0 and GENESIS)."""
    row = conn.execute(
        select(inbound_bundles.c.seq, inbound_bundles.c.bundle_id)
        .where(inbound_bundles.c.sender == kiosk_id)
        .order_by(inbound_bundles.c.seq.desc())
        .limit(1)
    ).first()
    return {"seq": row.seq, "id": row.bundle_id} if row else {"seq": 0, "id": GENESIS}


_COUNTER = re.compile(r"-(\d+)$")


def _counter(reference) -> int:
    match = _COUNTER.search(str(reference or ""))
    return int(match.group(1)) if match else 0


def reference_counter(conn: Connection, kiosk_id: str) -> int:
    """The highest reference number central holds from the kiosk: of its requests (a kiosk's
    references share one prefix and a zero-padded number, so the longest, then the greatest, is
    the highest: one row through the kiosk's index) and of the request records it quarantined."""
    newest = conn.execute(
        select(requests.c.reference)
        .where(requests.c.kiosk_id == kiosk_id)
        .order_by(func.length(requests.c.reference).desc(), requests.c.reference.desc())
        .limit(1)
    ).scalar()
    refused = conn.execute(
        select(quarantined_records.c.record).where(
            quarantined_records.c.sender == kiosk_id,
            quarantined_records.c.type == "request.submitted",
        )
    ).scalars()
    counters = [_counter((json.loads(text).get("body") or {}).get("reference")) for text in refused]
    return max([_counter(newest), *counters])


def downlink_head(conn: Connection, kiosk_id: str) -> dict:
    """The bundle central's downlink to the kiosk continues after, ``{"seq", "id"}``."""
    row = conn.execute(
        select(outbound_bundles.c.seq, outbound_bundles.c.bundle_id)
        .where(outbound_bundles.c.kiosk_id == kiosk_id)
        .order_by(outbound_bundles.c.seq.desc())
        .limit(1)
    ).first()
    return {"seq": row.seq, "id": row.bundle_id} if row else {"seq": 0, "id": GENESIS}


def _downlink_forgotten(conn: Connection, kiosk_id: str, applied: dict) -> bool:
    """Did the kiosk apply a bundle of central's that central no longer holds as such?"""
    if applied["seq"] == 0:
        return False
    held = conn.execute(
        select(outbound_bundles.c.bundle_id).where(
            outbound_bundles.c.kiosk_id == kiosk_id, outbound_bundles.c.seq == applied["seq"]
        )
    ).scalar()
    return held != applied["id"]


def _continue_after(conn: Connection, kiosk_id: str, applied: dict) -> None:
    """Make the kiosk's last applied bundle the end of central's stream to it.

    Bundles central sealed that the kiosk never acknowledged cannot fit the kiosk's chain any
    more: they are un-sealed (their records wait again, and the kiosk takes a record it already
    holds as a duplicate). A stand-in row at the kiosk's seq carries its bundle id, so the next
    bundle sealed is seq + 1 with ``prev`` that id."""
    dead = conn.execute(
        select(outbound_bundles.c.seq).where(
            outbound_bundles.c.kiosk_id == kiosk_id,
            outbound_bundles.c.acknowledged_at.is_(None) | (outbound_bundles.c.seq >= applied["seq"]),
        )
    ).scalars().all()  # fmt: skip
    if dead:
        conn.execute(
            update(outbound_records)
            .where(outbound_records.c.kiosk_id == kiosk_id, outbound_records.c.bundle_seq.in_(dead))
            .values(bundle_seq=None)
        )
        conn.execute(
            delete(outbound_bundles).where(
                outbound_bundles.c.kiosk_id == kiosk_id, outbound_bundles.c.seq.in_(dead)
            )
        )
    now = utc_now()
    conn.execute(
        insert(outbound_bundles).values(
            kiosk_id=kiosk_id,
            seq=applied["seq"],
            bundle_id=applied["id"],
            data=b"",  # central lost the bytes; the kiosk holds the bundle
            record_count=0,
            created_at=now,
            acknowledged_at=now,
        )
    )
    audit_record(
        conn,
        "system",
        "downlink.continued",
        kiosk_id,
        {"after": applied["seq"], "bundle": applied["id"], "unsealed": sorted(dead)},
    )


def _lacking(conn: Connection, kiosk_id: str, held: dict) -> list[str]:
    """The numbers the kiosk holds that central has no record of (and has not refused)."""
    known = set(
        conn.execute(select(documents.c.number).where(documents.c.number.in_(list(held)))).scalars()
    )
    refused = restore.refused_numbers(conn, kiosk_id)
    return sorted(number for number in held if number not in known and number not in refused)


# -- documents given back -------------------------------------------------------------------------


def take_held_document(
    engine: Engine,
    kiosk_id: str,
    body,
    certificate_pem: bytes,
    timestamp_roots_pem: bytes | None = None,
) -> dict:
    """A document a kiosk holds, given back after a restore: verified by central's own
    signature, its record rebuilt, its request brought to the state the paper proves; the
    ``document.held_answer``."""
    from .documents import DocumentError, verify_pdf, verify_statement

    held = _checked("document.held", body)
    number = held["number"]
    try:
        pdf = base64.b64decode(held["pdf_b64"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInputError("pdf_b64 is not base64.") from exc
    sha = hashlib.sha256(pdf).hexdigest()
    try:
        proof = verify_pdf(pdf, certificate_pem, timestamp_roots_pem)
        code = verify_statement(proof.statement, certificate_pem).get("code") or None
        problem = None if proof.number == number else f"the signed PDF is {proof.number}"
    except DocumentError as exc:
        proof, problem = None, str(exc)
    with write(engine) as conn:
        _active_kiosk(conn, kiosk_id)
        parsed = restore.parse_number(number)
        if problem is None and parsed is None:
            problem = f"{number} is not an outgoing number"
        request = conn.execute(
            select(requests).where(requests.c.reference == held["reference"])
        ).mappings().first()  # fmt: skip
        if problem is None and request is not None and request["kiosk_id"] != kiosk_id:
            problem = f"request {held['reference']} belongs to {request['kiosk_id']}"
        if problem is not None:
            restore.note_refused(conn, kiosk_id, number, problem)
            audit_record(
                conn, f"kiosk:{kiosk_id}", "document.refused_back", number, {"reason": problem}
            )
            return {"number": number, "status": "refused", "reason": problem}
        known = conn.execute(select(documents).where(documents.c.number == number)).mappings()
        existing = known.first()
        if existing is not None:
            if existing["sha256"] != sha:
                reason = "central holds another document under this number"
                restore.note_refused(conn, kiosk_id, number, reason)
                return {"number": number, "status": "refused", "reason": reason}
            return {"number": number, "status": "known"}
        year, epoch, seq = parsed
        restore.raise_above(conn, epoch, f"kiosk {kiosk_id} holds {number}")
        kind = "refusal" if held.get("request_status") == "rejected" else "certificate"
        conn.execute(
            insert(documents).values(
                number=number,
                year=year,
                epoch=epoch,
                seq=seq,
                reference=held["reference"],
                pdf=pdf,
                sha256=sha,
                statement=proof.statement,
                issued_at=f"{proof.issued_on.isoformat()}T00:00:00Z",
                issued_by=f"kiosk:{kiosk_id} (given back)",
                kind=kind,
                verification_code=code,  # the paper's code, from its signed statement
            )
        )
        restore.rebuild_counters(conn)
        audit_record(
            conn,
            f"kiosk:{kiosk_id}",
            "document.given_back",
            number,
            {"reference": held["reference"], "sha256": sha, "kind": kind},
        )
        if request is not None:
            restore.catch_up_request(conn, dict(request), f"kiosk:{kiosk_id}")
        return {"number": number, "status": "restored"}
