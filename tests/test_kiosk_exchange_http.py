"""One exchange with central, against a fake central speaking the real protocol."""

from pathlib import Path

import pytest

from kiosk_app import queue_status, staff_actions, submission, sync_actions
from kiosk_app.exchange import exchange_with, load_party, seal_pending
from kiosk_app.store import store_for
from sync import Identity, Keyring, open_receipt
from sync.errors import CentralUnreachableError, NotAReceiptError, ReceiptError, UnknownSenderError
from tests.fixtures_kiosk import VALID_FIELDS, issued_document_record

SERVICE = "permanent-address-certificate"


def submit(config):
    return submission.submit_request(config, SERVICE, VALID_FIELDS)


def test_sync_delivers_the_request_and_marks_it_only_after_a_valid_receipt(
    enrolled_kiosk, fake_central
):
    reference = submit(enrolled_kiosk)
    report = sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert report.uploaded == [1] and report.delivered_events == 1
    assert [body["reference"] for body in fake_central.submitted()] == [reference]
    assert submission.request_status(enrolled_kiosk, reference).status == "received"
    assert queue_status.queue_state(enrolled_kiosk).queue_depth == 0
    assert queue_status.queue_state(enrolled_kiosk).last_exchange["ok"] is True


def test_central_down_loses_nothing_and_the_next_sync_sends_the_same_bytes(
    enrolled_kiosk, fake_central
):
    reference = submit(enrolled_kiosk)
    fake_central.down = True
    with pytest.raises(CentralUnreachableError):
        sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    state = queue_status.queue_state(enrolled_kiosk)
    assert (state.queue_depth, state.undelivered_bundles) == (1, 1)
    assert state.last_exchange["ok"] is False
    with store_for(enrolled_kiosk) as store:
        sealed = store.outbound_bundle(1).data
    fake_central.down = False
    sent = []
    original = fake_central.upload_bundle
    fake_central.upload_bundle = lambda data: sent.append(data) or original(data)
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert sent == [sealed]
    assert submission.request_status(enrolled_kiosk, reference).status == "received"


def test_a_captive_portal_page_is_not_a_receipt(enrolled_kiosk, fake_central):
    submit(enrolled_kiosk)
    fake_central.portal = True
    with pytest.raises(NotAReceiptError):
        sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert queue_status.queue_state(enrolled_kiosk).queue_depth == 1
    assert submission.list_requests(enrolled_kiosk)[0].status == "queued"


def test_a_receipt_signed_by_another_key_proves_nothing(enrolled_kiosk, fake_central):
    submit(enrolled_kiosk)
    impostor = Identity.generate("central")
    real_upload = fake_central.upload_bundle

    def forged(data):
        real_upload(data)
        receipt = open_receipt(real_upload(data), fake_central_keyring(fake_central))
        from sync import make_receipt

        return make_receipt(impostor, receipt.bundle_id, receipt.body["sender"], receipt.seq, [])

    fake_central.upload_bundle = forged
    with pytest.raises(ReceiptError):
        sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert queue_status.queue_state(enrolled_kiosk).queue_depth == 1


def fake_central_keyring(central):
    keyring = Keyring()
    keyring.add(central.identity.public)
    return keyring


def test_a_lost_receipt_is_recovered_by_resending_the_same_bundle(enrolled_kiosk, fake_central):
    submit(enrolled_kiosk)
    fake_central.lose_next_answer = True
    with pytest.raises(CentralUnreachableError):
        sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert queue_status.queue_state(enrolled_kiosk).queue_depth == 1
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert queue_status.queue_state(enrolled_kiosk).queue_depth == 0
    assert fake_central.uploads == 2
    assert len(fake_central.applications) == 1  # the second upload was a replay


def test_large_backlogs_go_as_several_bounded_bundles(enrolled_kiosk, fake_central):
    references = [submit(enrolled_kiosk) for _ in range(7)]
    with store_for(enrolled_kiosk) as store:
        assert seal_pending(store, load_party(enrolled_kiosk, store), max_records=3) == [1, 2, 3]
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert [body["reference"] for body in fake_central.submitted()] == references


def test_decision_and_document_arrive_are_printed_and_reported_back(enrolled_kiosk, fake_central):
    reference = submit(enrolled_kiosk)
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    fake_central.queue_downlink(
        [
            {
                "type": "request.status_changed",
                "body": {"reference": reference, "status": "approved", "by": "clerk", "at": "x"},
            },
            issued_document_record(reference),
        ]
    )
    report = sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert (report.downlink_bundles, report.applied, report.quarantined) == (1, 2, 0)
    assert report.printed == ["94-00-1/2026"]
    (ready,) = staff_actions.ready_documents(enrolled_kiosk)
    assert Path(ready.path).read_bytes().startswith(b"%PDF")
    assert ready.print_count == 1
    assert len(list((enrolled_kiosk.printed_dir).glob("*.pdf"))) == 1
    status = submission.request_status(enrolled_kiosk, reference)
    assert (status.status, status.document_ready) == ("printed", True)
    printed = [r for r in fake_central.records.values() if r["type"] == "request.printed"]
    assert [r["body"]["document_number"] for r in printed] == ["94-00-1/2026"]
    assert len(fake_central.kiosk_receipts) == 1


def test_a_written_refusal_is_printed_and_the_request_stays_refused(enrolled_kiosk, fake_central):
    reference = submit(enrolled_kiosk)
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    fake_central.queue_downlink(
        [
            {
                "type": "request.status_changed",
                "body": {"reference": reference, "status": "rejected", "by": "clerk", "at": "x"},
            },
            issued_document_record(reference, number="2026-000009"),
        ]
    )
    report = sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert report.printed == ["2026-000009"]
    status = submission.request_status(enrolled_kiosk, reference)
    assert (status.status, status.document_ready) == ("rejected", False)


def test_a_replayed_downlink_bundle_changes_nothing(enrolled_kiosk, fake_central):
    reference = submit(enrolled_kiosk)
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    fake_central.queue_downlink([issued_document_record(reference)])
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    # A confused central serves the same bundle again, whatever "after" says.
    fake_central.fetch_downlink = lambda kiosk_id, after, wait=0: fake_central.downlink[0]
    report = sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert (report.downlink_bundles, report.applied, report.printed) == (0, 0, [])
    assert len(staff_actions.ready_documents(enrolled_kiosk)) == 1
    assert fake_central.kiosk_receipts[-1] == fake_central.kiosk_receipts[0]


def test_a_document_with_a_wrong_hash_is_quarantined_and_the_rest_flows(
    enrolled_kiosk, fake_central
):
    first, second = submit(enrolled_kiosk), submit(enrolled_kiosk)
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    damaged = issued_document_record(first, number="1/2026")
    damaged["body"]["sha256"] = "0" * 64
    fake_central.queue_downlink([damaged, issued_document_record(second, number="2/2026")])
    report = sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert (report.applied, report.quarantined) == (1, 1)
    assert [d.number for d in staff_actions.ready_documents(enrolled_kiosk)] == ["2/2026"]
    with store_for(enrolled_kiosk) as store:
        (held,) = store.quarantined()
        assert "SHA-256" in held["reason"] and held["direction"] == "down"
    assert not list(enrolled_kiosk.documents_dir.glob("1_2026*"))


def test_a_downlink_bundle_not_signed_by_the_pinned_central_is_refused(
    enrolled_kiosk, fake_central
):
    reference = submit(enrolled_kiosk)
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    fake_central.identity = Identity.generate("central")  # someone else's key
    fake_central.queue_downlink([issued_document_record(reference)])
    with pytest.raises(UnknownSenderError):
        sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert staff_actions.ready_documents(enrolled_kiosk) == []


def test_needs_info_shows_the_question_and_the_answer_goes_up(enrolled_kiosk, fake_central):
    reference = submit(enrolled_kiosk)
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    fake_central.queue_downlink(
        [
            {
                "type": "request.status_changed",
                "body": {"reference": reference, "status": "needs_info", "question": "Кой етаж?"},
            }
        ]
    )
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert submission.request_status(enrolled_kiosk, reference).question == "Кой етаж?"
    submission.answer_question(enrolled_kiosk, reference, "Втори")
    with store_for(enrolled_kiosk) as store:
        exchange_with(enrolled_kiosk, store, fake_central)
    answers = [r for r in fake_central.records.values() if r["type"] == "request.info_answered"]
    assert [a["body"]["answer"] for a in answers] == ["Втори"]
