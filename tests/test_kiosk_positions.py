"""The kiosk's side of the stream positions (kiosk_app.positions): what a restored central lost
goes again by itself, a stranger's bundle under the same number never, and the bytes of sent
bundles are kept for their configured time. Narrow: an in-memory central (tests/fixtures_kiosk)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kiosk_app import submission, sync_actions
from kiosk_app.exchange import drop_old_sent_bytes
from kiosk_app.store import store_for
from tests.fixtures_kiosk import VALID_FIELDS

SERVICE = "permanent-address-certificate"


def three_bundles(config, central) -> None:
    for _ in range(3):
        submission.submit_request(config, SERVICE, VALID_FIELDS)
        sync_actions.sync_now(config, transport=central)


def test_the_bundles_a_restored_central_lost_go_again_in_the_next_exchange(
    enrolled_kiosk, fake_central
):
    three_bundles(enrolled_kiosk, fake_central)
    kiosk_id = fake_central.kiosk.party_id
    # Central is restored from a backup holding only the first bundle.
    for seq in (2, 3):
        del fake_central.ledger.entries[(kiosk_id, seq)]
    report = sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert report.resent == [2, 3] and report.uploaded == [2, 3]
    assert fake_central.ledger.last_seq(kiosk_id) == 3
    again = sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert again.resent == [] and again.uploaded == []


def test_nothing_goes_again_when_central_holds_another_bundle_under_that_number(
    enrolled_kiosk, fake_central
):
    three_bundles(enrolled_kiosk, fake_central)
    kiosk_id = fake_central.kiosk.party_id
    del fake_central.ledger.entries[(kiosk_id, 3)]
    kept = fake_central.ledger.entries[(kiosk_id, 2)]
    fake_central.ledger.entries[(kiosk_id, 2)] = type(kept)(2, "ab" * 32, kept.receipt)
    report = sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert report.resent == [] and "not the one sealed here" in report.stream_conflict
    with store_for(enrolled_kiosk) as store:
        assert store.undelivered_bundles() == []  # nothing reopened for a stranger's stream


def test_a_sent_bundle_keeps_its_bytes_for_the_configured_days(enrolled_kiosk, fake_central):
    three_bundles(enrolled_kiosk, fake_central)
    soon = datetime.now(UTC) + timedelta(days=enrolled_kiosk.sent_bundle_days - 1)
    later = datetime.now(UTC) + timedelta(days=enrolled_kiosk.sent_bundle_days + 1)
    with store_for(enrolled_kiosk) as store:
        assert drop_old_sent_bytes(enrolled_kiosk, store, now=soon) == 0
        assert drop_old_sent_bytes(enrolled_kiosk, store, now=later) == 3
        assert store.outbound_bundle(1).data == b"" and store.last_outbound()[0] == 3
    assert enrolled_kiosk.sent_bundle_days == 90
