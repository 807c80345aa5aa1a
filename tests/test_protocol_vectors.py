"""The committed test vectors in docs/test-vectors/ still open to what they promise."""

import json
import pathlib

import pytest

import sync
from sync.errors import BadSignatureError

VECTORS = pathlib.Path(__file__).resolve().parent.parent / "docs" / "test-vectors"


@pytest.fixture
def parties():
    sender = sync.Identity.load(VECTORS / "sender")
    recipient = sync.Identity.load(VECTORS / "recipient")
    return sender, recipient


def test_vector_bundle_opens_to_the_documented_records(parties):
    sender, recipient = parties
    keyring = sync.Keyring()
    keyring.add(sender.public)
    data = (VECTORS / "vector-1.vcb").read_bytes()
    expected = json.loads((VECTORS / "vector-1.json").read_text(encoding="utf-8"))
    opened = sync.open_bundle(data, recipient, keyring)
    assert opened.bundle_id == expected["bundle_id"] == sync.bundle_id(data)
    assert opened.records == expected["records"]
    assert opened.header["created"] == "2026-11-25T09:10:00Z"


def test_vector_receipt_acknowledges_the_vector_bundle(parties):
    sender, recipient = parties
    keyring = sync.Keyring()
    keyring.add(recipient.public)
    receipt = sync.open_receipt((VECTORS / "vector-1.vcr").read_bytes(), keyring)
    bundle_id = sync.bundle_id((VECTORS / "vector-1.vcb").read_bytes())
    sync.check_receipt_for(receipt, bundle_id, sender.party_id, recipient.party_id)


def test_public_keys_in_the_vectors_match_the_private_ones(parties):
    for identity, name in zip(parties, ("sender", "recipient"), strict=True):
        published = json.loads((VECTORS / name / "public.json").read_text(encoding="utf-8"))
        assert sync.PublicIdentity.from_json(published) == identity.public


def test_vector_signed_by_someone_else_is_refused(parties):
    _, recipient = parties
    keyring = sync.Keyring()
    keyring.add(sync.Identity.generate("dzhulyunitsa-1").public)
    data = bytearray((VECTORS / "vector-1.vcb").read_bytes())
    keyring._by_fingerprint[bytes(data[8:40])] = next(iter(keyring._by_fingerprint.values()))
    with pytest.raises(BadSignatureError):
        sync.open_bundle(bytes(data), recipient, keyring)
