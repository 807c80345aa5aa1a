"""Fixtures for the kiosk tests: a kiosk home, a test catalogue, and a fake central.

``FakeCentral`` speaks HttpTransport's methods (enroll, upload_bundle, fetch_downlink,
send_receipt) with a real central Identity and the real sync library, so exchange tests run the
true protocol without a server; switches make it misbehave (down, captive portal, lost answer).
"""

from __future__ import annotations

import base64
import hashlib
import uuid

import pytest

from kiosk_app.config import KioskConfig
from kiosk_app.enrollment import enroll
from sync import (
    GENESIS,
    Identity,
    Keyring,
    LedgerEntry,
    PublicIdentity,
    bundle_id,
    receive_bundle,
    seal_bundle,
)
from sync.errors import CentralUnreachableError


def lyaskovets_profile(version: int = 1) -> dict:
    """The shipped example profile as central sends it (``municipality`` in the answer)."""
    from central_api.municipality import load_municipality
    from tests.fixtures_central import LYASKOVETS_PROFILE

    return load_municipality(LYASKOVETS_PROFILE).with_version(version).to_json()


def _field(name, field_type="text", required=True, **extra):
    return {
        "name": name,
        "type": field_type,
        "required": required,
        "label": {"bg": name, "en": name},
        "help": {"bg": "Помощ.", "en": "Help."},
        "group": "applicant",
        **extra,
    }


# A small catalogue in the shared format (sync/catalogue.py), stable for the kiosk's tests.
TEST_CATALOGUE = {
    "format": 2,
    "version": 1,
    "services": [
        {
            "id": "permanent-address-certificate",
            "register_code": "2128",
            "name": {
                "bg": "Удостоверение за постоянен адрес",
                "en": "Permanent-address certificate",
            },
            "official_name": {
                "bg": "Издаване на удостоверение за постоянен адрес",
                "en": "Issuing a certificate of permanent address",
            },
            "legal_basis": {"bg": "чл. 106, ал. 1, т. 1 ЗГР", "en": "ЗГР art. 106(1) item 1"},
            "authority": {
                "level": "mayoralty",
                "name": {"bg": "Кметът на кметството", "en": "The mayor of the mayoralty"},
            },
            "summary": {"bg": "Удостоверение.", "en": "A certificate."},
            "bring": {"bg": ["Лична карта"], "en": ["Identity card"]},
            "tiers": [
                {
                    "id": "ordinary",
                    "name": {"bg": "Обикновена", "en": "Ordinary"},
                    "fee_eur": 2.56,
                    "fee_source": "An example fee (tests).",
                    "deadline": {"hours": 72},
                }
            ],
            "legal_deadline_working_days": 3,
            "issuance": "generated",
            "fields": [
                _field("first_name"),
                _field("middle_name"),
                _field("last_name"),
                _field("egn", "egn"),
                _field("id_document_number"),
                _field("phone", "phone"),
                _field("email", "email", required=False),
            ],
        }
    ],
}

VALID_FIELDS = {
    "first_name": "Иван",
    "middle_name": "Петров",
    "last_name": "Иванов",
    "egn": "7523169263",
    "id_document_number": "645123456",
    "phone": "0888123456",
}


class MemoryLedger:
    def __init__(self):
        self.entries: dict[tuple[str, int], LedgerEntry] = {}

    def entry(self, sender, seq):
        return self.entries.get((sender, seq))

    def last_seq(self, sender):
        return max((seq for (who, seq) in self.entries if who == sender), default=0)

    def store(self, sender, entry):
        self.entries[(sender, entry.seq)] = entry


class FakeCentral:
    """A central office in memory, behind HttpTransport's method names."""

    def __init__(self, identity: Identity | None = None, catalogue: dict | None = None):
        self.identity = identity or Identity.generate("central")
        self.catalogue = catalogue or TEST_CATALOGUE
        self.keyring = Keyring()
        self.ledger = MemoryLedger()
        self.records: dict[str, dict] = {}  # applied uplink records by id
        self.applications: list[str] = []  # record ids, once per application
        self.kiosk: PublicIdentity | None = None
        self.downlink: list[bytes] = []
        self.kiosk_receipts: list[bytes] = []
        self.uploads = 0
        self.down = False
        self.portal = False
        self.lose_next_answer = False
        self.municipality = lyaskovets_profile()

    # -- HttpTransport's methods ---------------------------------------------------------

    def enroll(self, token, public_identity, village=None):
        self._check_up()
        kiosk_id = "dzhulyunitsa-1"
        self.kiosk = PublicIdentity.from_json({**public_identity, "party_id": kiosk_id})
        self.keyring.add(self.kiosk)
        return {
            "kiosk_id": kiosk_id,
            "kiosk_no": 1,
            "village": "dzhulyunitsa",
            "central": self.identity.public.to_json(),
            "catalogue": self.catalogue,
            "municipality": self.municipality,
        }

    def upload_bundle(self, data: bytes) -> bytes:
        self._check_up()
        self.uploads += 1
        if self.portal:
            return b"<html><body>Welcome to the village Wi-Fi</body></html>"
        received = receive_bundle(data, self.identity, self.keyring, self.ledger, self._apply)
        if self.lose_next_answer:
            self.lose_next_answer = False
            raise CentralUnreachableError("the connection dropped before the answer arrived")
        return received.receipt

    def fetch_downlink(self, kiosk_id, after, wait=0):
        self._check_up()
        return self.downlink[after] if after < len(self.downlink) else None

    def send_receipt(self, data: bytes) -> None:
        self._check_up()
        self.kiosk_receipts.append(data)

    def post_streams(self, kiosk_id, positions):
        """This fake never forgets: it holds what the kiosk sent and continues its downlink."""
        self._check_up()
        seq = self.ledger.last_seq(kiosk_id)
        held = self.ledger.entry(kiosk_id, seq)
        counters = [int(r["reference"].rsplit("-", 1)[1]) for r in self.submitted()]
        return {
            "uplink": {"central_has": {"seq": seq, "id": held.bundle_id if held else GENESIS}},
            "downlink": {"continues_after": positions["downlink"]["applied"]},
            "reference_counter": max(counters, default=0),
            "epoch": 1,
            "numbering": "open",
            "report_documents": False,
        }

    def post_held_document(self, kiosk_id, held):
        raise AssertionError("this fake central never asks for documents back")

    # -- test helpers --------------------------------------------------------------------

    def _check_up(self):
        if self.down:
            raise CentralUnreachableError("Central (fake) cannot be reached.")

    def _apply(self, opened, record):
        if record["id"] in self.records:
            return "duplicate"
        self.records[record["id"]] = record
        self.applications.append(record["id"])
        return "applied"

    def queue_downlink(self, records: list[dict]) -> bytes:
        """Seal the next central -> kiosk bundle holding ``records`` (bodies or full records)."""
        full = [
            record
            if "id" in record
            else {"id": str(uuid.uuid4()), "at": "2026-11-25T10:00:00Z", **record}
            for record in records
        ]
        prev = bundle_id(self.downlink[-1]) if self.downlink else GENESIS
        data = seal_bundle(self.identity, self.kiosk, len(self.downlink) + 1, prev, full)
        self.downlink.append(data)
        return data

    def submitted(self) -> list[dict]:
        return [r["body"] for r in self.records.values() if r["type"] == "request.submitted"]


def issued_document_record(reference: str, number: str = "94-00-1/2026", pdf: bytes | None = None):
    pdf = pdf or b"%PDF-1.4\n% test certificate for " + reference.encode() + b"\n%%EOF\n"
    return {
        "type": "document.issued",
        "body": {
            "reference": reference,
            "number": number,
            "issued_at": "2026-11-25T10:00:00Z",
            "sha256": hashlib.sha256(pdf).hexdigest(),
            "pdf_b64": base64.b64encode(pdf).decode(),
        },
    }


@pytest.fixture
def kiosk_config(tmp_path):
    # The tests' KIOSK_ARGON2 (tests/conftest.py), as `kiosk-app` would read it.
    return KioskConfig(home=tmp_path / "kiosk", printer=None, argon2=KioskConfig.from_env().argon2)


@pytest.fixture
def fake_central():
    return FakeCentral()


@pytest.fixture
def enrolled_kiosk(kiosk_config, fake_central):
    """A kiosk enrolled with ``fake_central``; its config."""
    enroll(kiosk_config, "http://central.invalid", "invite-token", transport=fake_central)
    return kiosk_config
