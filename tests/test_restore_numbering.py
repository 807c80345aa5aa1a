"""Numbering epochs and stream positions at central (central_api.restore, central_api.streams):
the narrow cases behind tests/test_restore_disaster.py."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from central_api import bundles, kiosks, restore, streams
from central_api.db import read, write
from central_api.db.schema import documents, outbound_bundles
from central_api.workflow import queue_record
from sync import GENESIS, Identity, Keyring, open_bundle


def enrolled(central, village: str) -> Identity:
    with write(central.engine) as conn:
        token = kiosks.create_invite(conn, village)
        identity = Identity.generate("kiosk")
        kiosk = kiosks.enroll(conn, token, identity.public.to_json())
    return Identity(kiosk["id"], identity.signing, identity.encryption)


def positions(applied=(0, GENESIS), delivered=(0, GENESIS), epoch_seen=0, documents=None):
    body = {
        "uplink": {
            "sealed": {"seq": delivered[0], "id": delivered[1]},
            "delivered": {"seq": delivered[0], "id": delivered[1]},
        },
        "downlink": {"applied": {"seq": applied[0], "id": applied[1]}},
        "epoch_seen": epoch_seen,
    }
    if documents is not None:
        body["documents"] = documents
    return body


@pytest.mark.parametrize(
    ("number", "parts"),
    [
        ("2026-000017", (2026, 1, 17)),
        ("2026-2-000001", (2026, 2, 1)),
        ("2027-13-123456", (2027, 13, 123456)),
        ("2026-0-000001", None),
        ("MER1-00016", None),
    ],
)
def test_a_number_names_its_year_epoch_and_place(number, parts):
    assert restore.parse_number(number) == parts
    if parts:
        assert restore.format_number(*parts) == number


def test_a_restored_central_gives_no_number_until_every_kiosk_reported_or_was_forgone(central):
    merdanya = enrolled(central, "merdanya")
    enrolled(central, "kozarevets")
    with write(central.engine) as conn:
        assert restore.next_number(conn, 2026)[2] == "2026-000001"
        assert restore.start_epoch(conn, "restored from the backup of yesterday") == 2
    with write(central.engine) as conn, pytest.raises(restore.NumberingPausedError) as paused:
        restore.next_number(conn, 2026)
    assert "merdanya-1" in paused.value.message and "kozarevets-1" in paused.value.message

    answer = streams.report_positions(central.engine, merdanya.party_id, positions())
    assert (answer["numbering"], answer["report_documents"]) == ("paused", True)
    answer = streams.report_positions(central.engine, merdanya.party_id, positions(documents={}))
    assert (answer["documents_lacking"], answer["report_documents"]) == ([], False)
    assert answer["numbering"] == "paused"  # kozarevets-1 still owes its report

    state = restore.forgo_kiosk(central.engine, "kozarevets-1", "stolen", "admin:test")
    assert state["numbering"] == "open"
    with write(central.engine) as conn:
        assert restore.next_number(conn, 2026)[2] == "2026-2-000001"


def test_a_witness_of_a_forgotten_epoch_lifts_the_new_one_above_it(central):
    kiosk = enrolled(central, "merdanya")
    answer = streams.report_positions(central.engine, kiosk.party_id, positions(epoch_seen=1))
    assert (answer["epoch"], answer["numbering"]) == (1, "open")  # the everyday case
    with write(central.engine) as conn:
        restore.start_epoch(conn, "restored from an old backup")  # epoch 2
    # The kiosk saw epoch 2 before: central was restored once already and forgot it.
    answer = streams.report_positions(central.engine, kiosk.party_id, positions(epoch_seen=2))
    assert answer["epoch"] == 1  # an epoch still waiting is not named to the kiosks
    assert restore.status(central.engine)["epoch"] == 3
    streams.report_positions(central.engine, kiosk.party_id, positions(documents={}))
    with write(central.engine) as conn:
        assert restore.next_number(conn, 2026)[2] == "2026-3-000001"


def test_a_document_that_central_did_not_sign_is_refused_and_not_asked_for_again(central):
    kiosk = enrolled(central, "merdanya")
    with write(central.engine) as conn:
        restore.start_epoch(conn, "restored")
    forged = b"%PDF-1.4\n% not signed by anyone\n%%EOF\n"
    held = {
        "number": "2026-000004",
        "reference": "MER1-00001",
        "pdf_b64": base64.b64encode(forged).decode(),
    }
    answer = streams.take_held_document(
        central.engine, kiosk.party_id, held, central.document_certificate_pem()
    )
    assert answer["status"] == "refused"
    with read(central.engine) as conn:
        assert conn.execute(select(documents.c.number)).scalars().all() == []
    inventory = {"2026-000004": "0" * 64}
    answer = streams.report_positions(
        central.engine, kiosk.party_id, positions(documents=inventory)
    )
    assert answer["documents_lacking"] == [] and answer["numbering"] == "open"
    [report] = restore.status(central.engine)["kiosks"]
    assert report["refused"][0]["number"] == "2026-000004"


def test_the_downlink_continues_after_the_bundle_the_kiosk_applied_last(central):
    kiosk = enrolled(central, "merdanya")
    lost_id = "ab" * 32  # central sealed bundle 5 before the disaster and lost it since
    answer = streams.report_positions(central.engine, kiosk.party_id, positions((5, lost_id)))
    assert answer["downlink"]["continues_after"] == {"seq": 5, "id": lost_id}
    # Holding bundles central does not is how it learns it was restored by other means.
    assert answer["numbering"] == "paused" and restore.status(central.engine)["epoch"] == 2
    with write(central.engine) as conn:
        queue_record(conn, kiosk.party_id, "settings.updated", {"retention_days": 30})
    data = bundles.next_downlink(central.engine, central.identity, kiosk.party_id, 5)
    keyring = Keyring()
    keyring.add(central.identity.public)
    opened = open_bundle(data, kiosk, keyring)
    assert (opened.seq, opened.prev) == (6, lost_id)
    with read(central.engine) as conn:
        stand_in = conn.execute(
            select(outbound_bundles).where(outbound_bundles.c.seq == 5)
        ).mappings().one()  # fmt: skip
    assert stand_in["bundle_id"] == lost_id and stand_in["acknowledged_at"]


def test_central_seals_nothing_for_a_kiosk_ahead_of_it_before_hearing_where_it_stands(central):
    kiosk = enrolled(central, "merdanya")
    with write(central.engine) as conn:
        queue_record(conn, kiosk.party_id, "settings.updated", {"retention_days": 30})
    assert bundles.next_downlink(central.engine, central.identity, kiosk.party_id, 3) is None
    assert bundles.next_downlink(central.engine, central.identity, kiosk.party_id, 0)


def test_the_key_is_not_rotated_while_central_waits_for_kiosks_after_a_restore(central):
    from central_api.errors import InvalidInputError
    from central_api.key_rotation import rotate_signing_key

    enrolled(central, "merdanya")
    with write(central.engine) as conn:
        restore.start_epoch(conn, "restored")
    before = central.identity.public.display_fingerprint
    with pytest.raises(InvalidInputError, match="restore status"):
        rotate_signing_key(central)
    assert central.identity.public.display_fingerprint == before
