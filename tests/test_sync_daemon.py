"""The sync loop and what the kiosk refuses, against the in-memory central of fixtures_kiosk."""

from __future__ import annotations

import uuid

import pytest

from kiosk_app import queue_status, services, submission, sync_actions
from kiosk_app.daemon import DaemonSettings, SyncDaemon
from kiosk_app.exchange import KioskRevokedError
from kiosk_app.store import store_for
from sync import Identity, RecordRefused, bundle_id, seal_bundle
from sync.engine import Backoff
from sync.errors import RemoteRejectedError, UnknownSenderError
from tests.fixtures_kiosk import TEST_CATALOGUE, VALID_FIELDS

SERVICE = "permanent-address-certificate"


def submit(config) -> str:
    return submission.submit_request(config, SERVICE, VALID_FIELDS)


def test_full_jitter_pauses_stay_inside_a_doubling_window_up_to_the_cap():
    backoff = Backoff(base=1.0, cap=8.0, seed=7)
    ceilings = []
    for _ in range(8):
        ceilings.append(backoff.ceiling())
        assert 0 <= backoff.pause() <= ceilings[-1]
    assert ceilings == [1, 2, 4, 8, 8, 8, 8, 8]
    backoff.reset()
    assert backoff.ceiling() == 1.0
    # Seeded: the same pauses again, so a fault trial can be replayed.
    first = [Backoff(seed=3).pause() for _ in range(3)]
    assert first == [Backoff(seed=3).pause() for _ in range(3)]


def test_daemon_backs_off_while_central_is_down_and_delivers_when_it_returns(
    enrolled_kiosk, fake_central
):
    reference = submit(enrolled_kiosk)
    fake_central.down = True
    pauses = []

    def sleep(seconds):
        pauses.append(seconds)
        if len(pauses) == 4:
            fake_central.down = False

    settings = DaemonSettings(backoff_base=0.5, backoff_cap=2.0, until_idle=True, max_cycles=20)
    daemon = SyncDaemon(enrolled_kiosk, settings, transport=fake_central, sleep=sleep)
    report = daemon.run()
    assert report.failures == 4 and report.stopped_because == "idle"
    assert all(0 <= pause <= 2.0 for pause in pauses)
    assert submission.request_status(enrolled_kiosk, reference).status == "received"
    assert queue_status.queue_state(enrolled_kiosk).sync["state"] == "stopped"


def test_daemon_sends_a_large_backlog_as_bounded_bundles_and_reports_progress(
    enrolled_kiosk, fake_central
):
    references = [submit(enrolled_kiosk) for _ in range(7)]
    lines = []
    settings = DaemonSettings(max_records=3, until_idle=True, max_cycles=5)
    SyncDaemon(enrolled_kiosk, settings, transport=fake_central, on_progress=lines.append).run()
    assert [body["reference"] for body in fake_central.submitted()] == references
    assert len(fake_central.ledger.entries) == 3
    assert "upload: bundle 3/3" in lines


def test_a_record_central_refuses_is_quarantined_and_the_ones_behind_it_flow(
    enrolled_kiosk, fake_central
):
    first, second = submit(enrolled_kiosk), submit(enrolled_kiosk)
    refuse = {first}
    original = fake_central._apply

    def apply(opened, record):
        if record["body"].get("reference") in refuse:
            raise RecordRefused("Формулярът не е попълнен правилно: egn")
        return original(opened, record)

    fake_central._apply = apply
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert [body["reference"] for body in fake_central.submitted()] == [second]
    state = queue_status.queue_state(enrolled_kiosk)
    assert (state.queue_depth, state.quarantined, state.refused_downlink) == (0, 1, 0)
    [row] = queue_status.quarantined(enrolled_kiosk)
    assert row["direction"] == "up" and row["type"] == "request.submitted"
    assert "egn" in row["reason"]


def test_a_revoked_kiosk_stops_sending_says_so_and_keeps_its_data_for_export(
    enrolled_kiosk, fake_central, tmp_path
):
    reference = submit(enrolled_kiosk)

    def revoked(data):
        raise RemoteRejectedError(
            "Signed by dzhulyunitsa-1, whose key was revoked", "revoked_sender", 403
        )

    fake_central.upload_bundle = revoked
    report = SyncDaemon(enrolled_kiosk, DaemonSettings(max_cycles=5), transport=fake_central).run()
    assert report.stopped_because == "revoked"
    state = queue_status.queue_state(enrolled_kiosk)
    assert state.revoked and state.queue_depth == 1
    calls = []
    fake_central.upload_bundle = lambda data: calls.append(data)
    with pytest.raises(KioskRevokedError, match="revoked"):
        sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert calls == []
    exported = sync_actions.export_bundles(enrolled_kiosk, tmp_path / "stick")
    assert [path.suffix for path in exported] == [".vcb", ".vcm"]
    assert submission.request_status(enrolled_kiosk, reference).status == "queued"


def catalogue(version: int) -> dict:
    return {**TEST_CATALOGUE, "version": version}


def test_an_older_catalogue_is_refused_as_a_rollback_and_shown_to_staff(
    enrolled_kiosk, fake_central
):
    fake_central.queue_downlink([{"type": "catalogue.updated", "body": catalogue(5)}])
    fake_central.queue_downlink([{"type": "catalogue.updated", "body": catalogue(3)}])
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert services.kiosk_info(enrolled_kiosk).catalogue_version == "5"
    state = queue_status.queue_state(enrolled_kiosk)
    assert state.refused_downlink == 1
    [row] = queue_status.quarantined(enrolled_kiosk)
    assert row["direction"] == "down" and "rollback refused" in row["reason"]


def test_a_bundle_signed_by_another_key_is_refused_recorded_once_and_nothing_applies(
    enrolled_kiosk, fake_central
):
    impostor = Identity.generate("central")
    record = {"id": str(uuid.uuid4()), "type": "catalogue.updated", "at": "x", "body": catalogue(9)}
    forged = seal_bundle(impostor, fake_central.kiosk, 1, "0" * 64, [record])
    fake_central.downlink.append(forged)
    for _ in range(2):
        with pytest.raises(UnknownSenderError):
            sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert services.kiosk_info(enrolled_kiosk).catalogue_version == "1"
    [row] = queue_status.quarantined(enrolled_kiosk)
    assert row["type"] == "bundle" and row["record_id"] == bundle_id(forged)
    assert "unknown_sender" in row["reason"]
    assert queue_status.queue_state(enrolled_kiosk).last_exchange["ok"] is False


def test_the_kiosk_follows_a_key_rotation_announced_under_the_old_key(enrolled_kiosk, fake_central):
    new_identity = Identity.generate("central")
    fake_central.queue_downlink(
        [{"type": "key.rotated", "body": {"new": new_identity.public.to_json(), "at": "x"}}]
    )
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert services.kiosk_info(enrolled_kiosk).central_fingerprint == (
        new_identity.public.display_fingerprint
    )
    fake_central.identity = new_identity  # central signs with the new key from now on
    fake_central.queue_downlink([{"type": "catalogue.updated", "body": catalogue(2)}])
    reference = submit(enrolled_kiosk)
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert services.kiosk_info(enrolled_kiosk).catalogue_version == "2"
    assert [body["reference"] for body in fake_central.submitted()] == [reference]


def test_a_key_rotation_from_an_impostor_never_reaches_the_kiosk(enrolled_kiosk, fake_central):
    impostor = Identity.generate("central")
    record = {
        "id": str(uuid.uuid4()),
        "type": "key.rotated",
        "at": "x",
        "body": {"new": impostor.public.to_json()},
    }
    fake_central.downlink.append(seal_bundle(impostor, fake_central.kiosk, 1, "0" * 64, [record]))
    pinned = services.kiosk_info(enrolled_kiosk).central_fingerprint
    with pytest.raises(UnknownSenderError):
        sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    assert services.kiosk_info(enrolled_kiosk).central_fingerprint == pinned


def test_the_daemon_of_a_revoked_kiosk_exits_with_its_own_status(enrolled_kiosk):
    from click.testing import CliRunner

    from kiosk_app.cli import EXIT_REVOKED, cli

    with store_for(enrolled_kiosk) as store:
        store.set_setting("revoked", {"at": "2026-11-25T09:00:00Z", "message": "revoked"})
    runner = CliRunner(env={"KIOSK_HOME": str(enrolled_kiosk.home)})
    result = runner.invoke(cli, ["sync", "--daemon"])
    assert result.exit_code == EXIT_REVOKED == 3
    assert "revoked this kiosk" in result.stderr and "Traceback" not in result.output


def test_two_processes_printing_at_once_print_a_document_once(enrolled_kiosk, fake_central):
    import threading

    from kiosk_app.exchange import ExchangeReport, apply_inbound, load_party, print_pending
    from tests.fixtures_kiosk import issued_document_record

    reference = submit(enrolled_kiosk)
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    data = fake_central.queue_downlink([issued_document_record(reference)])
    with store_for(enrolled_kiosk) as store:
        apply_inbound(
            enrolled_kiosk, store, load_party(enrolled_kiosk, store), data, ExchangeReport()
        )
    printed = []

    def printer():
        with store_for(enrolled_kiosk) as store:
            printed.extend(print_pending(enrolled_kiosk, store)[0])

    threads = [threading.Thread(target=printer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert printed == ["94-00-1/2026"]
    assert len(list((enrolled_kiosk.home / "printed").glob("*.pdf"))) == 1
