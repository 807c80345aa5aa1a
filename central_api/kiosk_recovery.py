"""What central holds from and for one kiosk, for `kiosk-app recover` (issue 18, finding 4).

``GET /api/v1/kiosks/<id>/recovery`` (a signed kiosk call, only for the calling kiosk) answers
with what a kiosk needs to rebuild a lost or damaged store from central's copy:

- ``uplink``, ``downlink`` and ``reference_counter`` as in the ``streams.answer`` every exchange
  gets (central_api.streams), with more:
- ``uplink``: the last bundle central holds from the kiosk (``central_has``: seq, id) and
  central's signed ``receipt`` for it, so that the kiosk continues its stream after it and can
  check the position with central's key;
- ``reference_counter``: the highest reference number central holds from the kiosk (its
  requests, and request records it quarantined), so that no reference is given twice;
- ``downlink``: the last bundle central sealed for the kiosk (``continues_after``; the kiosk fetches them all again
  from the first: central keeps them), and the bundles it no longer holds (``lost``: forgotten
  in a restore of central, their place in the stream taken by a stand-in without bytes,
  central_api.streams): the kiosk continues after each stand-in (``stand_ins``, seq and id);
- ``documents``: number → SHA-256 of every document central holds for the kiosk's requests
  (rebuilt from the kiosks' signed copies after a restore): what a lost bundle carried and
  central still knows, the kiosk asks for again (the divergence check's repair queues it);
- ``requests``: each of the kiosk's requests as central holds it now, without the applicant's
  fields (the kiosk does not need them again: central has them);
- the current catalogue, municipality profile and settings, as at enrollment.
"""

from __future__ import annotations

import base64

from sqlalchemy import Engine, func, select

from .catalogues import current_catalogue
from .db import read
from .db.schema import documents, inbound_bundles, outbound_bundles, requests
from .municipality import current_municipality
from .streams import downlink_head, reference_counter, uplink_head


def _positions(conn, kiosk_id: str) -> dict:
    """The stream positions in the shape of the ``streams.answer`` (central_api.streams), with
    what only a recovery needs: central's receipt for its newest uplink bundle, and the downlink
    bundles it no longer holds."""
    uplink = uplink_head(conn, kiosk_id)
    receipt = conn.execute(
        select(inbound_bundles.c.receipt).where(
            inbound_bundles.c.sender == kiosk_id, inbound_bundles.c.seq == uplink["seq"]
        )
    ).scalar()
    down = conn.execute(
        select(outbound_bundles.c.seq, outbound_bundles.c.bundle_id, func.length(outbound_bundles.c.data).label("size"))
        .where(outbound_bundles.c.kiosk_id == kiosk_id)
        .order_by(outbound_bundles.c.seq)
    ).all()  # fmt: skip
    last_down = down[-1].seq if down else 0
    held = {row.seq for row in down if row.size}
    return {
        "kiosk_id": kiosk_id,
        "uplink": {
            "central_has": uplink,
            "receipt": base64.b64encode(bytes(receipt)).decode() if receipt else None,
        },
        "downlink": {
            "continues_after": downlink_head(conn, kiosk_id),
            "lost": [seq for seq in range(1, last_down + 1) if seq not in held],
            "stand_ins": [{"seq": row.seq, "id": row.bundle_id} for row in down if not row.size],
        },
        "reference_counter": reference_counter(conn, kiosk_id),
    }


def recovery_view(engine: Engine, central_identity, kiosk_id: str, settings: dict) -> dict:
    """Everything :mod:`kiosk_app.recovery` needs, for the (authenticated) kiosk ``kiosk_id``."""
    with read(engine) as conn:
        positions = _positions(conn, kiosk_id)
        rows = conn.execute(
            select(
                requests.c.reference,
                requests.c.service,
                requests.c.status,
                requests.c.submitted_at,
                requests.c.updated_at,
                requests.c.fee_status,
                requests.c.fee_method,
                requests.c.fee_receipt_number,
                requests.c.fee_amount_cents,
                requests.c.question,
                requests.c.document_number,
            )
            .where(requests.c.kiosk_id == kiosk_id)
            .order_by(requests.c.id)
        ).mappings()
        held = [dict(row) for row in rows]
        issued = {
            row.number: row.sha256
            for row in conn.execute(
                select(documents.c.number, documents.c.sha256)
                .join(requests, requests.c.reference == documents.c.reference)
                .where(requests.c.kiosk_id == kiosk_id)
            )
        }
        catalogue = current_catalogue(conn)
        municipality = current_municipality(conn)
    return {
        **positions,
        "central": central_identity.public.to_json(),
        "requests": [
            {
                "reference": row["reference"],
                "service": row["service"],
                "status": row["status"],
                "submitted_at": row["submitted_at"] or row["updated_at"],
                "updated_at": row["updated_at"],
                "question": row["question"],
                "document_number": row["document_number"],
                "fee": {
                    "status": row["fee_status"],
                    "method": row["fee_method"],
                    "receipt_number": row["fee_receipt_number"],
                    "amount_cents": row["fee_amount_cents"],
                },
            }
            for row in held
        ],
        "documents": issued,
        "catalogue": catalogue,
        "municipality": municipality.to_json(),
        "settings": settings,
    }
