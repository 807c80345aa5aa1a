"""The signed-bundle protocol: what a receiver accepts, and every way it refuses."""

import struct
import uuid

import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sync
from sync import bundle as bundle_format
from sync.errors import (
    BadSignatureError,
    BundleTooLargeError,
    ChainBrokenError,
    DecompressedTooLargeError,
    DecryptionError,
    MalformedBundleError,
    NotABundleError,
    NotAReceiptError,
    ReceiptError,
    RevokedSenderError,
    SequenceConflictError,
    SequenceGapError,
    SyncError,
    TooManyRecordsError,
    TruncatedBundleError,
    UnknownSenderError,
    UnsupportedVersionError,
    WrongRecipientError,
)


def make_record(n=0, **body):
    body = body or {
        "reference": f"DZH1-{n:05d}",
        "fields": {
            "first_name": "Иванка",
            "personal_number_kind": "egn",
            "personal_number": "7523169263",
        },
    }
    return {
        "id": str(uuid.uuid4()),
        "type": "request.submitted",
        "at": "2026-11-25T09:00:00Z",
        "body": body,
    }


class MemoryLedger:
    """The smallest InboundLedger: a dict. Real ones live in the apps' databases."""

    def __init__(self):
        self.entries = {}

    def entry(self, sender, seq):
        return self.entries.get((sender, seq))

    def last_seq(self, sender):
        return max((seq for party, seq in self.entries if party == sender), default=0)

    def store(self, sender, entry):
        self.entries[(sender, entry.seq)] = entry


@pytest.fixture(scope="module")
def kiosk():
    return sync.Identity.generate("dzhulyunitsa-1")


@pytest.fixture(scope="module")
def central():
    return sync.Identity.generate("central")


@pytest.fixture(scope="module")
def central_keyring(kiosk):
    keyring = sync.Keyring()
    keyring.add(kiosk.public)
    return keyring


@pytest.fixture(scope="module")
def kiosk_keyring(central):
    keyring = sync.Keyring()
    keyring.add(central.public)
    return keyring


@pytest.fixture(scope="module")
def sealed(kiosk, central):
    return sync.seal_bundle(
        kiosk, central.public, 1, sync.GENESIS, [make_record(i) for i in range(3)]
    )


def test_round_trip_gives_back_the_records_in_order(kiosk, central, central_keyring):
    records = [make_record(i) for i in range(5)]
    data = sync.seal_bundle(kiosk, central.public, 1, sync.GENESIS, records)
    opened = sync.open_bundle(data, central, central_keyring)
    assert opened.records == records
    assert opened.sender.party_id == "dzhulyunitsa-1"
    assert opened.seq == 1 and opened.header["count"] == 5
    assert opened.bundle_id == sync.bundle_id(data)


def test_personal_data_is_not_readable_in_the_sealed_bytes(sealed):
    # Carried on a USB stick, the bundle must not show names or ЕГН, in any encoding.
    for secret in ("Иванка", "7523169263"):
        assert secret.encode("utf-8") not in sealed
        assert secret.encode("utf-16-le") not in sealed


def test_empty_bundle_round_trips(kiosk, central, central_keyring):
    data = sync.seal_bundle(kiosk, central.public, 1, sync.GENESIS, [])
    assert sync.open_bundle(data, central, central_keyring).records == []


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_single_byte_change_is_rejected(data, sealed, central, central_keyring):
    position = data.draw(st.integers(0, len(sealed) - 1), label="position")
    delta = data.draw(st.integers(1, 255), label="xor")
    tampered = bytearray(sealed)
    tampered[position] ^= delta
    with pytest.raises(SyncError):
        sync.open_bundle(bytes(tampered), central, central_keyring)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(min_value=0, max_value=10_000))
def test_any_truncation_is_rejected(cut, sealed, central, central_keyring):
    shortened = sealed[: cut % len(sealed)]
    with pytest.raises(SyncError):
        sync.open_bundle(shortened, central, central_keyring)


def test_a_cut_file_says_it_is_cut(sealed, central, central_keyring):
    with pytest.raises(TruncatedBundleError, match="cut short"):
        sync.open_bundle(sealed[:50], central, central_keyring)


def test_a_flipped_payload_byte_fails_the_signature(sealed, central, central_keyring):
    tampered = bytearray(sealed)
    tampered[len(sealed) - 100] ^= 1
    with pytest.raises(BadSignatureError, match="altered or damaged"):
        sync.open_bundle(bytes(tampered), central, central_keyring)


def test_something_else_entirely_is_not_a_bundle(central, central_keyring):
    with pytest.raises(NotABundleError):
        sync.open_bundle(b"<html>captive portal</html>" * 10, central, central_keyring)


def test_a_newer_format_version_asks_for_an_update(sealed, central, central_keyring):
    newer = sealed[:7] + b"\x02" + sealed[8:]
    with pytest.raises(UnsupportedVersionError, match="Update the software"):
        sync.open_bundle(newer, central, central_keyring)


def test_bundle_for_another_recipient_is_refused(kiosk, central_keyring):
    other_kiosk = sync.Identity.generate("merdanya-1")
    data = sync.seal_bundle(kiosk, other_kiosk.public, 1, sync.GENESIS, [make_record()])
    # Central holds the right key for the sender, but the header names another recipient.
    central = sync.Identity.generate("central")
    with pytest.raises(WrongRecipientError, match="addressed to merdanya-1"):
        sync.open_bundle(data, central, central_keyring)


def test_bundle_encrypted_to_an_old_key_cannot_be_decrypted(kiosk, central_keyring):
    stale_central = sync.Identity.generate("central")
    data = sync.seal_bundle(kiosk, stale_central.public, 1, sync.GENESIS, [make_record()])
    current_central = sync.Identity.generate("central")
    with pytest.raises(DecryptionError):
        sync.open_bundle(data, current_central, central_keyring)


def test_unknown_sender_is_refused_before_anything_is_parsed(central, central_keyring):
    stranger = sync.Identity.generate("dzhulyunitsa-1")
    data = sync.seal_bundle(stranger, central.public, 1, sync.GENESIS, [make_record()])
    with pytest.raises(UnknownSenderError, match="unknown key"):
        sync.open_bundle(data, central, central_keyring)


def test_revoked_sender_is_refused(kiosk, central, sealed):
    keyring = sync.Keyring()
    keyring.add(kiosk.public, revoked=True)
    with pytest.raises(RevokedSenderError, match="revoked"):
        sync.open_bundle(sealed, central, keyring)


def test_oversize_input_is_refused_by_its_length_alone(central, central_keyring):
    with pytest.raises(BundleTooLargeError):
        sync.open_bundle(b"\0" * (sync.MAX_BUNDLE_BYTES + 1), central, central_keyring)


def test_sealing_too_many_records_says_to_split(kiosk, central):
    with pytest.raises(TooManyRecordsError, match="split"):
        sync.seal_bundle(
            kiosk, central.public, 1, sync.GENESIS, [make_record()] * (sync.MAX_RECORDS + 1)
        )


def forge(kiosk, central, header_changes, plain):
    """A correctly signed bundle with a hand-made header and payload: what a hostile but
    enrolled sender could produce."""
    header = {
        "v": 1,
        "type": "bundle",
        "sender": kiosk.party_id,
        "recipient": central.party_id,
        "seq": 1,
        "prev": sync.GENESIS,
        "count": 1,
        "created": "2026-11-25T09:00:00Z",
        "suite": bundle_format.SUITE_NAME,
        "compression": "zstd",
        "plain_size": len(plain),
    }
    header.update(header_changes)
    header_bytes = sync.canonical_json(header)
    payload = bundle_format._SUITE.encrypt(
        zstandard.ZstdCompressor().compress(plain),
        central.public.encryption_public(),
        info=bundle_format.HPKE_INFO_PREFIX + header_bytes,
    )
    body = (
        bundle_format.BUNDLE_MAGIC
        + kiosk.fingerprint
        + struct.pack(">I", len(header_bytes))
        + header_bytes
        + struct.pack(">I", len(payload))
        + payload
    )
    return body + kiosk.sign(body)


def test_zip_bomb_is_refused_without_unpacking_it(kiosk, central, central_keyring):
    bomb = b"\0" * (200 * 1024 * 1024)  # 200 MiB of zeros compresses to a few KiB
    data = forge(kiosk, central, {"plain_size": 1000}, bomb)
    assert len(data) < 100_000
    with pytest.raises(DecompressedTooLargeError, match="other than it declares"):
        sync.open_bundle(data, central, central_keyring)


def test_declared_huge_plain_size_is_refused_before_decrypting(kiosk, central, central_keyring):
    data = forge(kiosk, central, {"plain_size": sync.MAX_PLAIN_BYTES + 1}, b"{}")
    with pytest.raises(DecompressedTooLargeError):
        sync.open_bundle(data, central, central_keyring)


def test_declared_record_count_over_the_limit_is_refused(kiosk, central, central_keyring):
    data = forge(kiosk, central, {"count": sync.MAX_RECORDS + 1}, b'{"records":[]}')
    with pytest.raises(TooManyRecordsError):
        sync.open_bundle(data, central, central_keyring)


def test_record_count_that_lies_is_malformed(kiosk, central, central_keyring):
    plain = sync.canonical_json({"records": [make_record(), make_record()]})
    data = forge(kiosk, central, {"count": 1}, plain)
    with pytest.raises(MalformedBundleError, match="count"):
        sync.open_bundle(data, central, central_keyring)


def test_sender_cannot_claim_another_identity_in_the_header(kiosk, central, central_keyring):
    data = forge(kiosk, central, {"sender": "merdanya-1"}, b'{"records":[]}')
    with pytest.raises(WrongRecipientError, match="claims to come from"):
        sync.open_bundle(data, central, central_keyring)


# --- the stream: replay, conflict, gap, chain -------------------------------------------------


def stream(kiosk, central, count):
    bundles, prev = [], sync.GENESIS
    for seq in range(1, count + 1):
        data = sync.seal_bundle(kiosk, central.public, seq, prev, [make_record(seq)])
        bundles.append(data)
        prev = sync.bundle_id(data)
    return bundles


def apply_all(opened, record):
    return "applied"


def test_replayed_bundle_gets_the_same_receipt_and_is_not_applied_again(
    kiosk, central, central_keyring
):
    ledger, applied = MemoryLedger(), []
    first = stream(kiosk, central, 1)[0]

    def apply_record(opened, record):
        applied.append(record["id"])
        return "applied"

    once = sync.receive_bundle(first, central, central_keyring, ledger, apply_record)
    again = sync.receive_bundle(first, central, central_keyring, ledger, apply_record)
    assert again.replayed and not once.replayed
    assert again.receipt == once.receipt
    assert len(applied) == 1


def test_different_bundle_with_a_used_sequence_number_is_a_conflict(
    kiosk, central, central_keyring
):
    ledger = MemoryLedger()
    sync.receive_bundle(stream(kiosk, central, 1)[0], central, central_keyring, ledger, apply_all)
    other = sync.seal_bundle(kiosk, central.public, 1, sync.GENESIS, [make_record(99)])
    with pytest.raises(SequenceConflictError) as caught:
        sync.receive_bundle(other, central, central_keyring, ledger, apply_all)
    assert caught.value.http_status == 409


def test_reordered_bundles_report_the_gap(kiosk, central, central_keyring):
    ledger = MemoryLedger()
    first, second, third = stream(kiosk, central, 3)
    sync.receive_bundle(first, central, central_keyring, ledger, apply_all)
    with pytest.raises(SequenceGapError, match="before bundle 2:") as caught:
        sync.receive_bundle(third, central, central_keyring, ledger, apply_all)
    assert (caught.value.expected, caught.value.received) == (2, 3)
    # Delivering the missing one first lets the later one through.
    sync.receive_bundle(second, central, central_keyring, ledger, apply_all)
    assert not sync.receive_bundle(third, central, central_keyring, ledger, apply_all).replayed


def test_bundle_that_does_not_chain_to_its_predecessor_is_refused(kiosk, central, central_keyring):
    ledger = MemoryLedger()
    sync.receive_bundle(stream(kiosk, central, 1)[0], central, central_keyring, ledger, apply_all)
    unchained = sync.seal_bundle(kiosk, central.public, 2, "ab" * 32, [make_record()])
    with pytest.raises(ChainBrokenError):
        sync.receive_bundle(unchained, central, central_keyring, ledger, apply_all)


def test_one_refused_record_is_quarantined_and_the_rest_flow(kiosk, central, central_keyring):
    records = [make_record(1), make_record(2, bad=True), make_record(3)]
    data = sync.seal_bundle(kiosk, central.public, 1, sync.GENESIS, records)

    def apply_record(opened, record):
        if record["body"].get("bad"):
            raise sync.RecordRefused("service 'x' is not in the catalogue")
        return "applied"

    received = sync.receive_bundle(data, central, central_keyring, MemoryLedger(), apply_record)
    assert [r["status"] for r in received.results] == ["applied", "quarantined", "applied"]
    assert received.results[1]["reason"] == "service 'x' is not in the catalogue"


# --- receipts ---------------------------------------------------------------------------------


def test_receipt_proves_delivery_of_exactly_that_bundle(
    kiosk, central, central_keyring, kiosk_keyring
):
    first, second = stream(kiosk, central, 2)
    received = sync.receive_bundle(first, central, central_keyring, MemoryLedger(), apply_all)
    receipt = sync.open_receipt(received.receipt, kiosk_keyring)
    sync.check_receipt_for(receipt, sync.bundle_id(first), "dzhulyunitsa-1", "central")
    with pytest.raises(ReceiptError, match="another bundle"):
        sync.check_receipt_for(receipt, sync.bundle_id(second), "dzhulyunitsa-1", "central")


def test_captive_portal_answer_is_not_a_receipt(kiosk_keyring):
    with pytest.raises(NotAReceiptError, match="captive portal"):
        sync.open_receipt(b"<html><body>Welcome to free WiFi</body></html>", kiosk_keyring)


def test_forged_receipt_is_refused(kiosk, central, central_keyring, kiosk_keyring):
    impostor = sync.Identity.generate("central")
    forged = sync.make_receipt(impostor, "00" * 32, "dzhulyunitsa-1", 1, [])
    with pytest.raises(ReceiptError, match="cannot be trusted"):
        sync.open_receipt(forged, kiosk_keyring)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.integers(min_value=0), delta=st.integers(1, 255))
def test_any_single_byte_change_in_a_receipt_is_rejected(position, delta, central, kiosk_keyring):
    receipt = sync.make_receipt(
        central, "ab" * 32, "dzhulyunitsa-1", 7, [{"id": "x", "status": "applied"}]
    )
    tampered = bytearray(receipt)
    tampered[position % len(receipt)] ^= delta
    with pytest.raises(SyncError):
        sync.open_receipt(bytes(tampered), kiosk_keyring)


def test_fingerprint_is_shown_in_groups_people_can_compare(kiosk):
    shown = kiosk.public.display_fingerprint
    assert len(shown.split(" ")) == 8 and all(len(group) == 4 for group in shown.split(" "))
    assert shown.replace(" ", "").lower() == kiosk.fingerprint[:16].hex()


def test_error_tree_is_drawn_in_the_module_docstring():
    import inspect

    import sync.errors as errors

    classes = [
        c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, SyncError)
    ]
    assert len(classes) > 15
    for error_class in classes:
        assert error_class.__name__ in errors.__doc__
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes)), "every error has its own code"


def test_sequence_number_beyond_32_bits_is_malformed(kiosk, central, central_keyring):
    data = forge(kiosk, central, {"seq": 2**31}, b'{"records":[]}')
    with pytest.raises(MalformedBundleError, match="impossible values"):
        sync.open_bundle(data, central, central_keyring)
