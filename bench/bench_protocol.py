"""Seal + open throughput of bundles of 1, 100 and 1,000 realistic request records."""

import time
import uuid

import sync

SIZES = (1, 100, 1000)


def realistic_record(n: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "type": "request.submitted",
        "at": "2026-11-25T09:00:00Z",
        "body": {
            "reference": f"DZH1-{n:05d}",
            "service": "permanent-address-certificate",
            "catalogue_version": 1,
            "tier": "ordinary",
            "village": "dzhulyunitsa",
            "kiosk_id": "dzhulyunitsa-1",
            "submitted_at": "2026-11-25T09:00:00Z",
            "fields": {
                "first_name": "Иванка",
                "middle_name": "Петрова",
                "last_name": f"Колева{n}",
                "personal_number_kind": "egn",
                "personal_number": "7523169263",
                "id_document_date": "2021-03-04",
                "id_document_issuer": "МВР Велико Търново",
                "phone": "+359888123456",
                "correspondence_address": "с. Джулюница, ул. „Васил Левски“ 12",
                "purpose": "За представяне пред банка",
            },
            "staff": {"staff_id": "s-1", "id_document_number": f"64512{n:04d}"},
            "fee": {"status": "paid", "method": "cash", "receipt_number": f"К-{n}"},
        },
    }


def run() -> dict:
    sender = sync.Identity.generate("dzhulyunitsa-1")
    recipient = sync.Identity.generate("central")
    keyring = sync.Keyring()
    keyring.add(sender.public)
    results = {}
    for size in SIZES:
        records = [realistic_record(n) for n in range(size)]
        rounds = max(3, 3000 // size)
        start = time.perf_counter()
        for _ in range(rounds):
            data = sync.seal_bundle(sender, recipient.public, 1, sync.GENESIS, records)
            sync.open_bundle(data, recipient, keyring)
        elapsed = time.perf_counter() - start
        results[f"protocol_seal_open_records_per_s_{size}"] = round(size * rounds / elapsed, 1)
        results[f"protocol_bundle_bytes_{size}"] = len(data)
        print(
            f"seal+open, {size:>5} records/bundle: {size * rounds / elapsed:>10,.0f} records/s "
            f"({len(data):,} bytes per bundle, {len(data) / size:,.0f} bytes/record)"
        )
    return results


if __name__ == "__main__":
    run()
