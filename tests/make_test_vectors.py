"""Writes docs/test-vectors/: fixed keys, a sealed bundle, its records and its receipt.

Run once (`python -m tests.make_test_vectors`); the files are committed and
tests/test_protocol_vectors.py checks that they still open. HPKE encryption is randomised, so
running this again makes different (equally valid) bundle bytes.
"""

import json
import pathlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

import sync

OUT = pathlib.Path(__file__).resolve().parent.parent / "docs" / "test-vectors"


def fixed_identity(party_id: str, seed: int) -> sync.Identity:
    return sync.Identity(
        party_id,
        Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32),
        X25519PrivateKey.from_private_bytes(bytes([seed + 1]) * 32),
    )


KIOSK = fixed_identity("dzhulyunitsa-1", 1)
CENTRAL = fixed_identity("central", 3)
RECORDS = [
    {
        "id": "7f0b5a5e-2c1d-4a59-9a55-0d7c7d0c1a01",
        "type": "request.submitted",
        "at": "2026-11-25T09:00:00Z",
        "body": {
            "reference": "DZH1-00001",
            "service": "permanent-address-certificate",
            "village": "dzhulyunitsa",
            "fields": {
                "first_name": "Иванка",
                "middle_name": "Петрова",
                "last_name": "Колева",
                "egn": "7523169263",
                "id_document_number": "645123456",
                "phone": "+359888123456",
            },
        },
    },
    {
        "id": "7f0b5a5e-2c1d-4a59-9a55-0d7c7d0c1a02",
        "type": "request.printed",
        "at": "2026-11-25T09:05:00Z",
        "body": {"reference": "DZH1-00000", "document_number": "2026-000001", "reprint": False},
    },
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for identity, name in ((KIOSK, "sender"), (CENTRAL, "recipient")):
        identity.save(OUT / name)
        (OUT / name / "public.json").write_text(
            json.dumps(identity.public.to_json(), indent=2) + "\n", encoding="utf-8"
        )
    data = sync.seal_bundle(
        KIOSK, CENTRAL.public, 1, sync.GENESIS, RECORDS, created="2026-11-25T09:10:00Z"
    )
    (OUT / "vector-1.vcb").write_bytes(data)
    receipt = sync.make_receipt(
        CENTRAL,
        sync.bundle_id(data),
        KIOSK.party_id,
        1,
        [{"id": r["id"], "status": "applied"} for r in RECORDS],
    )
    (OUT / "vector-1.vcr").write_bytes(receipt)
    expected = {"bundle_id": sync.bundle_id(data), "header_seq": 1, "records": RECORDS}
    (OUT / "vector-1.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
