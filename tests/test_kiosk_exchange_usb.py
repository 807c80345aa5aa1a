"""Bundles carried on a USB stick, both directions, with a central-side identity made here."""

import pytest

from kiosk_app import queue_status, staff_actions, submission, sync_actions
from sync import receive_bundle
from sync.errors import SequenceGapError
from sync.stick import receipt_file_name, write_atomically
from tests.fixtures_kiosk import VALID_FIELDS, issued_document_record

SERVICE = "permanent-address-certificate"


def central_imports(central, stick):
    """What `central-api bundle import` does with a stick: apply, answer with .vcr files."""
    answers = []
    for path in sorted(stick.glob("*-to-central-*.vcb")):
        received = receive_bundle(
            path.read_bytes(), central.identity, central.keyring, central.ledger, central._apply
        )
        seq = received.bundle.seq
        answer = stick / receipt_file_name(central.kiosk.party_id, "central", seq)
        write_atomically(answer, received.receipt)
        answers.append(answer)
    return answers


def test_requests_go_to_central_on_a_stick_and_the_receipts_come_back(
    enrolled_kiosk, fake_central, tmp_path
):
    stick = tmp_path / "stick"
    first, second = (submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS) for _ in "12")
    written = sync_actions.export_bundles(enrolled_kiosk, stick)
    assert [p.name for p in written] == [
        "dzhulyunitsa-1-to-central-000001.vcb",
        "dzhulyunitsa-1-to-central-positions.vcm",  # signed stream positions (sync.carried)
    ]
    # Exporting again writes the same bytes: a bundle is sealed once.
    assert sync_actions.export_bundles(enrolled_kiosk, stick) == written
    assert queue_status.queue_state(enrolled_kiosk).queue_depth == 2  # nothing delivered yet

    central_imports(fake_central, stick)
    assert sorted(b["reference"] for b in fake_central.submitted()) == [first, second]

    report = sync_actions.import_bundles(enrolled_kiosk, stick)
    assert (report.receipts_accepted, report.delivered_events) == (1, 2)
    assert queue_status.queue_state(enrolled_kiosk).queue_depth == 0
    assert submission.request_status(enrolled_kiosk, first).status == "received"

    again = sync_actions.import_bundles(enrolled_kiosk, stick)
    assert (again.receipts_accepted, again.receipts_already_held) == (0, 1)


def test_central_bundles_come_on_a_stick_and_importing_twice_is_harmless(
    enrolled_kiosk, fake_central, tmp_path
):
    reference = submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    stick = tmp_path / "stick"
    for number, records in enumerate(
        [
            [
                {
                    "type": "request.status_changed",
                    "body": {"reference": reference, "status": "approved"},
                }
            ],
            [issued_document_record(reference)],
        ],
        start=1,
    ):
        data = fake_central.queue_downlink(records)
        write_atomically(stick / f"central-to-dzhulyunitsa-1-{number:06d}.vcb", data)

    progress = []
    report = sync_actions.import_bundles(
        enrolled_kiosk, stick, progress=lambda *p: progress.append(p)
    )
    assert (report.bundles_applied, report.applied, report.printed) == (2, 2, ["94-00-1/2026"])
    assert progress == [(1, 2), (2, 2)]
    again = sync_actions.import_bundles(enrolled_kiosk, stick)
    assert (again.bundles_applied, again.bundles_replayed, again.printed) == (0, 2, [])
    assert len(list(enrolled_kiosk.printed_dir.glob("*.pdf"))) == 1

    # The kiosk's receipts and its request.printed go back on the next export.
    back = tmp_path / "back"
    names = sorted(p.name for p in sync_actions.export_bundles(enrolled_kiosk, back))
    assert names == [
        "central-to-dzhulyunitsa-1-000001.vcr",
        "central-to-dzhulyunitsa-1-000002.vcr",
        "dzhulyunitsa-1-to-central-000002.vcb",
        "dzhulyunitsa-1-to-central-positions.vcm",
    ]
    central_imports(fake_central, back)
    printed = [r for r in fake_central.records.values() if r["type"] == "request.printed"]
    assert len(printed) == 1


def test_a_bundle_out_of_order_is_refused_naming_the_missing_one(
    enrolled_kiosk, fake_central, tmp_path
):
    reference = submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    fake_central.queue_downlink([issued_document_record(reference, number="1/2026")])
    second = fake_central.queue_downlink([issued_document_record(reference, number="2/2026")])
    path = tmp_path / "central-to-dzhulyunitsa-1-000002.vcb"
    path.write_bytes(second)
    with pytest.raises(SequenceGapError) as caught:
        sync_actions.import_bundles(enrolled_kiosk, path)
    assert caught.value.message.startswith(path.name)
    assert staff_actions.ready_documents(enrolled_kiosk) == []
