"""The hash-chained audit log: appends chain, any edit/deletion/reordering is found and named,
concurrent writers never fork the chain (SQLite and PostgreSQL)."""

import multiprocessing

import pytest
import sqlalchemy as sa

from central_api import audit
from central_api.db.schema import audit_log, metadata


def make_engine(url):
    engine = sa.create_engine(url)
    metadata.create_all(engine, tables=[audit_log])
    return engine


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'central.db'}")
    yield engine
    engine.dispose()


def append_entries(engine, count, actor="clerk:ivanova"):
    for n in range(count):
        with engine.begin() as conn:
            audit.record(
                conn,
                actor=actor,
                action="document.issued",
                subject=f"2026-{n:06d}",
                details={"reference": f"DZH1-{n:05d}", "по": "заявление"},
            )


def verify(engine, **kwargs):
    with engine.connect() as conn:
        return audit.verify_chain(conn, **kwargs)


def test_appended_entries_form_an_intact_chain(engine):
    append_entries(engine, 5)
    result = verify(engine)
    assert result.ok and result.checked == 5 and result.first_broken_id is None
    with engine.connect() as conn:
        rows = conn.execute(sa.select(audit_log).order_by(audit_log.c.id)).mappings().all()
    assert rows[0]["prev_hash"] == audit.GENESIS
    assert [row["prev_hash"] for row in rows[1:]] == [row["hash"] for row in rows[:-1]]


def test_record_also_takes_positional_arguments_and_returns_the_entry(engine):
    with engine.begin() as conn:
        entry = audit.record(conn, "system", "key.created", "documents", {"algorithm": "ES256"})
    assert entry["prev_hash"] == audit.GENESIS and len(entry["hash"]) == 64
    assert verify(engine).ok


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor", "clerk:somebody-else"),
        ("action", "document.revoked"),
        ("subject", "2026-999999"),
        ("details", '{"reference":"DZH1-99999"}'),
        ("details", "not json"),
        ("at", "2020-01-01T00:00:00Z"),
        ("hash", "f" * 64),
    ],
)
def test_editing_any_field_of_an_entry_names_that_entry(engine, column, value):
    append_entries(engine, 6)
    with engine.begin() as conn:
        conn.execute(audit_log.update().where(audit_log.c.id == 3).values({column: value}))
    result = verify(engine)
    assert not result.ok
    assert result.first_broken_id in (3, 4) if column == "hash" else result.first_broken_id == 3
    assert result.checked == result.first_broken_id - 1
    assert "Entry" in result.reason


def test_deleting_a_middle_entry_names_the_one_after_it(engine):
    append_entries(engine, 6)
    with engine.begin() as conn:
        conn.execute(audit_log.delete().where(audit_log.c.id == 4))
    result = verify(engine)
    assert (result.ok, result.first_broken_id) == (False, 5)
    assert "deleted, inserted or reordered" in result.reason


def test_reordering_entries_is_found(engine):
    append_entries(engine, 6)
    with engine.begin() as conn:
        rows = {
            row["id"]: dict(row)
            for row in conn.execute(sa.select(audit_log).where(audit_log.c.id.in_([2, 5])))
            .mappings()
            .all()
        }
        for target, source in ((2, 5), (5, 2)):
            values = {key: value for key, value in rows[source].items() if key != "id"}
            conn.execute(audit_log.update().where(audit_log.c.id == target).values(values))
    result = verify(engine)
    assert (result.ok, result.first_broken_id) == (False, 2)


def test_rewriting_an_entry_with_a_fresh_hash_still_breaks_the_next(engine):
    # A forger who recomputes the edited entry's own hash is caught by its successor.
    append_entries(engine, 5)
    with engine.begin() as conn:
        row = conn.execute(sa.select(audit_log).where(audit_log.c.id == 2)).mappings().one()
        new_hash = audit.entry_hash(
            row["prev_hash"], row["at"], "clerk:forger", row["action"], row["subject"], None
        )
        conn.execute(
            audit_log.update()
            .where(audit_log.c.id == 2)
            .values(actor="clerk:forger", details=None, hash=new_hash)
        )
    result = verify(engine)
    assert (result.ok, result.first_broken_id) == (False, 3)


def test_entries_cut_from_the_end_are_found_against_a_kept_head(engine):
    append_entries(engine, 5)
    with engine.connect() as conn:
        kept = audit.head(conn)
    with engine.begin() as conn:
        conn.execute(audit_log.delete().where(audit_log.c.id >= 4))
    assert verify(engine).ok  # the chain alone cannot see a cut tail
    result = verify(engine, expected_head=kept)
    assert not result.ok and "removed from the end" in result.reason


def test_an_entry_rolled_back_with_its_action_leaves_no_trace(engine):
    append_entries(engine, 2)
    with pytest.raises(RuntimeError), engine.begin() as conn:
        audit.record(conn, actor="clerk:ivanova", action="request.approved", subject="X")
        raise RuntimeError("the decision failed")
    assert verify(engine).checked == 2


def _append_in_process(url, actor, count):
    engine = sa.create_engine(url, connect_args={"timeout": 30} if url.startswith("sqlite") else {})
    append_entries(engine, count, actor=actor)
    engine.dispose()


def run_concurrent_writers(url, writers=4, each=25):
    context = multiprocessing.get_context("fork")
    processes = [
        context.Process(target=_append_in_process, args=(url, f"kiosk:{n}", each))
        for n in range(writers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert [process.exitcode for process in processes] == [0] * writers


def test_concurrent_writers_on_sqlite_never_fork_the_chain(tmp_path):
    url = f"sqlite:///{tmp_path / 'central.db'}"
    engine = make_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    engine.dispose()
    run_concurrent_writers(url)
    result = verify(make_engine(url))
    assert result.ok and result.checked == 100, result.reason


@pytest.mark.postgres
def test_concurrent_writers_on_postgresql_never_fork_the_chain(postgres_database):
    engine = make_engine(postgres_database)
    engine.dispose()
    run_concurrent_writers(postgres_database)
    engine = make_engine(postgres_database)
    result = verify(engine)
    engine.dispose()
    assert result.ok and result.checked == 100, result.reason


@pytest.mark.postgres
def test_edits_are_found_on_postgresql(postgres_database):
    engine = make_engine(postgres_database)
    append_entries(engine, 4)
    with engine.begin() as conn:
        conn.execute(audit_log.update().where(audit_log.c.id == 2).values(subject="forged"))
    assert verify(engine).first_broken_id == 2
    engine.dispose()
