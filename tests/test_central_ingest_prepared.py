"""A bundle is opened and its requests checked before the write transaction; what changed in
between (a revoked kiosk, a new catalogue) is noticed inside it, and the bundle is judged anew."""

import copy

import pytest
from sqlalchemy import func, select

import sync
from central_api import bundles, kiosks
from central_api.catalogues import current_catalogue, publish_catalogue
from central_api.db import WalCheckpointer, write
from central_api.db.schema import requests


def count_requests(central) -> int:
    with central.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(requests)).scalar()


def test_a_prepared_bundle_is_applied_as_prepared(central, sim_kiosk):
    data = sim_kiosk.bundle([sim_kiosk.submitted() for _ in range(3)])
    prepared = bundles._prepare(central.engine, central.identity, data)
    assert prepared is not None
    assert [verdict[0] for verdict in prepared.checked[1]] == ["row", "row", "row"]

    received = bundles.receive(central.engine, central.identity, data)
    assert [result["status"] for result in received.results] == ["applied"] * 3
    assert count_requests(central) == 3


def test_a_kiosk_revoked_after_its_bundle_was_opened_is_still_refused(central, sim_kiosk):
    data = sim_kiosk.bundle([sim_kiosk.submitted()])
    prepared = bundles._prepare(central.engine, central.identity, data)
    assert prepared is not None
    with write(central.engine) as conn:
        kiosks.revoke(conn, sim_kiosk.kiosk_id, reason="stolen")

    with pytest.raises(sync.SyncError), write(central.engine) as conn:
        bundles._receive_in(conn, central.identity, data, prepared)
    assert count_requests(central) == 0


def test_a_catalogue_published_after_the_check_decides_instead(central, sim_kiosk):
    record = sim_kiosk.submitted()
    data = sim_kiosk.bundle([record])
    prepared = bundles._prepare(central.engine, central.identity, data)
    assert prepared.checked[1][0][0] == "row"  # fine by the catalogue of that moment
    with write(central.engine) as conn:
        catalogue = copy.deepcopy(current_catalogue(conn))
        service = next(s for s in catalogue["services"] if s["id"] == record["body"]["service"])
        next(f for f in service["fields"] if f["name"] == "email")["required"] = True
        publish_catalogue(conn, catalogue)

    with write(central.engine) as conn:
        received = bundles._receive_in(conn, central.identity, data, prepared)
    assert received.results[0]["status"] == "quarantined"
    assert "email" in received.results[0]["reason"]
    assert count_requests(central) == 0


def test_a_bundle_that_does_not_open_is_left_to_the_transaction_to_refuse(central, sim_kiosk):
    data = bytearray(sim_kiosk.bundle([sim_kiosk.submitted()]))
    data[-5] ^= 0xFF
    assert bundles._prepare(central.engine, central.identity, bytes(data)) is None
    with pytest.raises(sync.SyncError):
        bundles.receive(central.engine, central.identity, bytes(data))


def test_the_background_checkpointer_copies_the_log_into_the_database(tmp_path):
    from sqlalchemy import text

    from central_api.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    checkpointer = WalCheckpointer(engine, interval=0.05)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x TEXT)"))
    raw = engine.raw_connection()  # outside any transaction, as a checkpoint must be
    try:
        assert raw.cursor().execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 20_000
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    size_before = (tmp_path / "wal.db").stat().st_size
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (:x)"), [{"x": "я" * 500}] * 200)
    assert (tmp_path / "wal.db").stat().st_size == size_before  # still only in the log

    checkpointer.start()
    try:
        for _ in range(200):  # at most 10 s
            if (tmp_path / "wal.db").stat().st_size > size_before:
                break
            checkpointer._stopped.wait(0.05)
    finally:
        checkpointer.stop()
    assert (tmp_path / "wal.db").stat().st_size > size_before
    busy, logged, copied = checkpointer.checkpoint()
    assert (busy, copied) == (0, logged)
    engine.dispose()
