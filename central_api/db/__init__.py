"""Engines and transactions for the central database (SQLite by default, PostgreSQL by URL).

SQLite runs in WAL mode; a writing transaction starts with ``BEGIN IMMEDIATE`` so that writers
queue up at the start instead of failing half-way. On PostgreSQL, rows that decide something
(the outgoing-number counter, a kiosk's stream) are locked with ``SELECT ... FOR UPDATE``.
Foreign errors (SQLAlchemy's) are translated at the callers that can say what went wrong.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from .schema import metadata

__all__ = ["metadata", "make_engine", "write", "read", "utc_now", "is_sqlite", "lock"]


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_sqlite(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite: WAL, foreign keys, a busy timeout, explicit BEGIN."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            # Kept open: a fresh connection re-reads the schema with a cold page cache, and
            # closing the last one checkpoints the WAL (~12 ms per request, measured).
            poolclass=QueuePool,
            pool_size=5,
            max_overflow=10,
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own is lazy).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection):
            mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
            connection.exec_driver_sql(f"BEGIN {mode}")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


@contextmanager
def write(engine: Engine):
    """One writing transaction: commits at the end, rolls back on any error."""
    with engine.begin() as conn:
        yield conn


@contextmanager
def read(engine: Engine):
    """A reading transaction (on SQLite a deferred one, which does not queue behind writers)."""
    with engine.connect().execution_options(sqlite_begin="DEFERRED") as conn, conn.begin():
        yield conn


def lock(statement, conn: Connection):
    """``statement`` with FOR UPDATE where the database has row locks (SQLite locks the file)."""
    return statement if is_sqlite(conn) else statement.with_for_update()
