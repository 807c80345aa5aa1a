"""Narrow tests of the pieces `kiosk-app recover` stands on: the journal of references beside
the store, the outbound stream's floor, and the checks of central's recovery answer (the
end-to-end runs against a real central are in tests/test_kiosk_recover.py)."""

import pytest

from kiosk_app import submission, sync_actions
from kiosk_app.errors import KioskError, StoreBehindError
from kiosk_app.exchange import load_party, seal_pending
from kiosk_app.recovery import recover
from kiosk_app.store import store_for
from kiosk_app.store.references import ReferenceJournal
from kiosk_app.store.streams import OUTBOUND_FLOOR
from sync import GENESIS, Identity
from tests.fixtures_kiosk import VALID_FIELDS

SERVICE = "permanent-address-certificate"


def test_every_reference_is_journaled_beside_the_store(enrolled_kiosk):
    first = submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    second = submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    journal = ReferenceJournal.beside(str(enrolled_kiosk.db_path))
    assert journal.entries() == [(1, first), (2, second)]
    assert journal.path.parent == enrolled_kiosk.home and journal.path.stat().st_mode & 0o077 == 0


def test_a_store_behind_its_journal_numbers_nothing(enrolled_kiosk):
    submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    with store_for(enrolled_kiosk) as store:  # as if an older copy had been put back
        store.set_setting("reference_counter", 0)
    with pytest.raises(StoreBehindError, match="kiosk-app recover"):
        submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)


def test_a_submit_killed_after_taking_its_number_only_burns_that_number(enrolled_kiosk):
    first = submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    # Journaled, then the power went before the commit.
    with (
        store_for(enrolled_kiosk) as store,
        pytest.raises(RuntimeError),
        store.transaction(immediate=True),
    ):
        store.allocate_reference("DZH1")
        raise RuntimeError("power cut")
    third = submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    assert (first, third) == ("DZH1-00001", "DZH1-00003")  # 2 is a gap, never a second paper
    with store_for(enrolled_kiosk) as store:
        assert store.check_not_behind() == 3
        assert [row["reference"] for row in store.list_requests()] == [first, third]


def test_a_journal_from_before_kept_lines_still_finds_an_older_copy(enrolled_kiosk):
    submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    journal = ReferenceJournal.beside(str(enrolled_kiosk.db_path))
    journal.path.write_text("1 DZH1-00001\n2 DZH1-00002\n", encoding="utf-8")  # older software
    with store_for(enrolled_kiosk) as store:
        store.set_setting("reference_counter", 1)
    with pytest.raises(StoreBehindError, match="kiosk-app recover"):
        submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)


def test_a_half_written_journal_line_is_not_a_number(tmp_path):
    journal = ReferenceJournal(tmp_path / "references.log")
    journal.path.write_text("1 DZH1-00001\n2 DZH1-00002\n3", encoding="utf-8")
    assert journal.highest() == 3  # "3" alone: the number was given, its name cut short
    journal.path.write_text("1 DZH1-00001\nx\n", encoding="utf-8")
    assert journal.highest() == 1


def test_a_rebuilt_outbox_continues_after_centrals_last_bundle(enrolled_kiosk):
    with store_for(enrolled_kiosk) as store:
        store.set_setting(OUTBOUND_FLOOR, {"seq": 7, "bundle_id": "ab" * 32})
        assert store.last_outbound() == (7, "ab" * 32)
    submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    with store_for(enrolled_kiosk) as store:
        assert seal_pending(store, load_party(enrolled_kiosk, store)) == [8]


NOTHING_UP = {"central_has": {"seq": 0, "id": GENESIS}, "receipt": None}


class AnsweringCentral:
    def __init__(self, answer):
        self.answer = answer

    def fetch_recovery(self, kiosk_id):
        return self.answer


def test_recovery_refuses_a_central_key_the_kiosk_never_pinned(enrolled_kiosk):
    enrolled_kiosk.db_path.unlink()
    impostor = Identity.generate("central")
    answer = {"central": impostor.public.to_json(), "uplink": NOTHING_UP, "requests": []}
    with pytest.raises(KioskError, match="not the one this kiosk pinned"):
        recover(enrolled_kiosk, transport=AnsweringCentral(answer))
    assert not enrolled_kiosk.db_path.exists()  # nothing was made from an untrusted answer


def test_central_holding_other_bundles_under_our_numbers_means_the_store_is_behind(
    enrolled_kiosk, fake_central
):
    from sync.errors import RemoteRejectedError

    submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)

    def conflict(data):
        raise RemoteRejectedError("bundle 1 differs", remote_code="sequence_conflict", status=409)

    fake_central.upload_bundle = conflict
    with pytest.raises(StoreBehindError, match="older copy"):
        sync_actions.sync_now(enrolled_kiosk, transport=fake_central)


def test_the_sync_loop_finds_an_older_copy_when_it_starts_even_without_the_journal(
    enrolled_kiosk, fake_central
):
    import shutil

    from kiosk_app.daemon import DaemonSettings, SyncDaemon

    submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    old = enrolled_kiosk.home / "old-kiosk.db"
    shutil.copy(enrolled_kiosk.db_path, old)
    submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    shutil.copy(old, enrolled_kiosk.db_path)  # the whole home put back from an old backup:
    (enrolled_kiosk.home / "references.log").unlink()  # the journal too

    settings = DaemonSettings(max_cycles=2, backoff_base=0.01, backoff_cap=0.01)
    report = SyncDaemon(enrolled_kiosk, settings, transport=fake_central).run()
    assert report.failures == 2 and "older copy" in report.last_error
    assert "central holds bundle 2 and reference number 2" in report.last_error
    assert len(fake_central.submitted()) == 2  # nothing was sent from the old copy


class CentralThatLostADocument(AnsweringCentral):
    """Central names a document for the kiosk's request that its downlink no longer brings and
    that it cannot send again (still on its way elsewhere): recovery must say so, by number."""

    def fetch_downlink(self, kiosk_id, after, wait=0):
        return None

    def challenge(self, kiosk_id):
        return "nonce"

    def post_digest(self, kiosk_id, body, repair=True):
        self.digest = body["digest"]
        return {"documents": {"requeued": []}}


def test_recovery_names_the_documents_central_holds_that_did_not_come(enrolled_kiosk, fake_central):
    enrolled_kiosk.db_path.unlink()
    request = {
        "reference": "DZH1-00001",
        "service": SERVICE,
        "status": "issued",
        "submitted_at": "2026-12-01T08:00:00Z",
        "updated_at": "2026-12-01T09:00:00Z",
        "question": None,
        "document_number": "2026-000003",
        "fee": {"status": "due", "method": None, "receipt_number": None, "amount_cents": None},
    }
    central = CentralThatLostADocument(
        {
            "central": fake_central.identity.public.to_json(),
            "uplink": NOTHING_UP,
            "downlink": {
                "continues_after": {"seq": 4, "id": "cd" * 32},
                "lost": [3, 4],
                "stand_ins": [{"seq": 4, "id": "cd" * 32}],
            },
            "reference_counter": 1,
            "requests": [request],
            "documents": {"2026-000003": "ab" * 32},
        }
    )
    report = recover(enrolled_kiosk, transport=central)
    assert report.downlink_lost == [3, 4]
    assert report.documents_sent_again == [] and report.documents_missing == ["2026-000003"]
    assert central.digest["documents"] == {}  # it asked for what it lacks
    assert any("2026-000003" in line and "did not arrive" in line for line in report.summary())
    with store_for(enrolled_kiosk) as store:  # the stand-in is where its downlink goes on
        assert store.last_applied(fake_central.identity.party_id) == (4, "cd" * 32)


def test_recovery_tells_a_submit_cut_off_from_a_request_lost_unsent(enrolled_kiosk, fake_central):
    lost = submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)  # a slip, never sent
    with (
        store_for(enrolled_kiosk) as store,
        pytest.raises(RuntimeError),
        store.transaction(immediate=True),
    ):
        store.allocate_reference("DZH1")  # the next number journaled, then the power went
        raise RuntimeError("power cut")
    enrolled_kiosk.db_path.unlink()
    central = CentralThatLostADocument(
        {
            "central": fake_central.identity.public.to_json(),
            "uplink": NOTHING_UP,
            "downlink": {"continues_after": {"seq": 0, "id": GENESIS}, "lost": [], "stand_ins": []},
            "requests": [],
            "documents": {},
        }
    )
    report = recover(enrolled_kiosk, transport=central)
    assert report.lost_unsent == [lost]  # its villager holds a slip: ask them to apply again
    assert report.never_submitted == ["DZH1-00002"]  # nobody holds a slip for it
    assert report.reference_counter == 2  # and it stays a gap
    assert any("DZH1-00002" in line and "no slip" in line for line in report.summary())
