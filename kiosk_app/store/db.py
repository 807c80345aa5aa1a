"""The kiosk's local store: one SQLite file (WAL, synchronous=FULL) reached through sqlite-utils.

Every change is an event row (table ``events``), so the queue to central is also the kiosk's
history; ``requests``, ``documents`` and ``catalogue`` are the current state those events made.
A write that a person is told about (a submitted request) is committed before the call returns.

Open with :func:`open_store` (or ``KioskStore.open``); use as a context manager to close it.
A store object belongs to one thread: open one per thread (opening is cheap).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from sync.files import private_file, private_folder
from sync.records import UP, make_record

from ..errors import (
    DiskFullError,
    StoreBehindError,
    StoreDamagedError,
    StoreError,
    StoreMissingError,
)
from .clock import utc_now
from .migrations import migrations
from .references import ReferenceJournal
from .retention import RetentionMixin
from .streams import StreamsMixin

BUSY_TIMEOUT_MS = 10_000


def _dump(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _load(text):
    return None if text is None else json.loads(text)


DAMAGED = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
LOCKED = {"SQLITE_BUSY", "SQLITE_LOCKED"}
LOW_SPACE_BYTES = 1024 * 1024  # below this, an I/O error of SQLite's is the full disk's


def _disk_nearly_full(path) -> bool:
    try:
        found = os.statvfs(Path(path).absolute().parent)
    except OSError:
        return False
    return found.f_bavail * found.f_frsize < LOW_SPACE_BYTES


def translate_error(exc: sqlite3.Error, path) -> StoreError | DiskFullError:
    """SQLite's error in words that are true for it: full disk, damaged file, locked, other."""
    # sqlite_errorname is set on the errors SQLite itself raised (not on, say, a closed cursor).
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith("SQLITE_FULL") or "database or disk is full" in str(exc):
        return DiskFullError()
    if (name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) or not name) and _disk_nearly_full(
        path
    ):  # a -wal or -shm file that could not grow on a full disk
        return DiskFullError()
    if name in DAMAGED:
        return StoreDamagedError(
            f"Базата данни на киоска ({path}) е повредена: {exc}. Изпълнете `kiosk-app check "
            "--store`; ако не помогне, `kiosk-app recover` я възстановява от централата. / "
            f"The kiosk database ({path}) is damaged: {exc}. Run `kiosk-app check --store`; if "
            "that does not repair it, `kiosk-app recover` rebuilds it from central's copy "
            '(docs/guides/staff.md, "The kiosk says its database is damaged").'
        )
    if name in LOCKED:
        return StoreError(
            f"The kiosk database ({path}) is locked by another process: {exc}. Wait a minute; "
            "if it stays so, restart the kiosk (nothing already saved is lost)."
        )
    return StoreError(
        f"The kiosk database ({path}) failed: {exc}. Check that the file is readable by the "
        "kiosk's user and run `kiosk-app check --store`; if it cannot be read, `kiosk-app "
        "recover` rebuilds it from central's copy."
    )


def store_behind_error(why: str) -> StoreBehindError:
    return StoreBehindError(
        "Базата данни на киоска е по-стара от онова, което киоскът вече е направил (върнато "
        "старо копие): изпълнете `kiosk-app recover`. / The kiosk database is older than what "
        f"this kiosk already did ({why}): an older copy was put back. Nothing is numbered or "
        "sent until `kiosk-app recover` rebuilds it from central's copy."
    )


def store_missing_error(path) -> StoreMissingError:
    return StoreMissingError(
        f"Базата данни на киоска ({path}) липсва, а ключовете му са налице: не се създава нова "
        "празна. Възстановете я с `kiosk-app recover` (от копието в централата). / "
        f"The kiosk database ({path}) is missing while the kiosk's keys are there: an empty one "
        "is NOT made in its place. Rebuild it from central's copy with `kiosk-app recover` "
        '(docs/operations.md, "A kiosk\'s store is lost or damaged").'
    )


class KioskStore(StreamsMixin, RetentionMixin):
    def __init__(self, db: Database, path: str = ":memory:"):
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: Path | str, create: bool = True) -> KioskStore:
        """Open and migrate the database at ``path``; ':memory:' works.

        The application opens through :func:`kiosk_app.store.store_for`, which passes
        ``create=False`` except at enrollment and recovery: a missing kiosk.db is then an error,
        never a silent new empty store."""
        if str(path) != ":memory:" and not create and not Path(path).is_file():
            raise store_missing_error(path)
        try:
            if str(path) == ":memory:":
                db = Database(memory=True)
            else:
                if not Path(path).parent.exists():
                    private_folder(Path(path).parent)
                private_file(Path(path))  # 0600 before SQLite writes; -wal/-shm inherit it
                db = Database(str(path))
                db.enable_wal()
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # FULL: a request the screen calls "queued" survives a power cut.
            db.execute("PRAGMA synchronous = FULL")
            # Purged personal data must not linger in free pages of the file.
            db.execute("PRAGMA secure_delete = ON")
            migrations.apply(db)
        except sqlite3.Error as exc:
            raise translate_error(exc, path) from exc
        return cls(db, str(path))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> KioskStore:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self, immediate: bool = False):
        """One atomic unit of work; sqlite errors leave as :class:`StoreError`.

        ``immediate`` takes the write lock at the start (BEGIN IMMEDIATE): use it when the work
        reads a value and writes the next one (the outbox sequence), so that two processes
        cannot both take the same number.
        """
        try:
            if immediate and not self.db.conn.in_transaction:
                self.db.execute("BEGIN IMMEDIATE")
                try:
                    yield self
                except BaseException:
                    self.db.rollback()
                    raise
                self.db.commit()
            else:
                with self.db.atomic():
                    yield self
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc

    def applied_migrations(self) -> list[str]:
        return [migration.name for migration in migrations.applied(self.db)]

    # -- settings ------------------------------------------------------------------------

    def get_setting(self, key: str, default=None):
        row = self.db.execute("select value from settings where key = ?", [key]).fetchone()
        return default if row is None else json.loads(row[0])

    def set_setting(self, key: str, value) -> None:
        self.db["settings"].upsert({"key": key, "value": _dump(value)}, pk="key")

    def check_not_behind(self) -> int:
        """The highest number given so far; StoreBehindError when the journal beside the store
        holds a higher number whose request was committed (an older copy of kiosk.db was put
        back). A higher number never committed (a submit killed half-way) is only skipped."""
        counter = int(self.get_setting("reference_counter", 0))
        journal = ReferenceJournal.beside(self.path)
        above = {number for number, _ in journal.entries() if number > counter}
        if above - journal.never_kept():
            raise store_behind_error(
                f"this kiosk gave out reference number {max(above)}, its database only knows up "
                f"to {counter}"
            )
        return max(above, default=counter)

    def allocate_reference(self, prefix: str) -> str:
        """The next reference ``<prefix>-<counter:05d>`` (call inside the submitting transaction,
        and :meth:`reference_kept` after its commit).

        Journaled beside the store before the commit (:mod:`kiosk_app.store.references`); a
        store whose counter is behind the journal is an older copy put back, and gives nothing
        out (:class:`StoreBehindError`) until `kiosk-app recover` has repaired it."""
        counter = self.check_not_behind() + 1
        reference = f"{prefix}-{counter:05d}"
        ReferenceJournal.beside(self.path).append(counter, reference)
        self.set_setting("reference_counter", counter)
        return reference

    def reference_kept(self, reference: str) -> None:
        """Journal that the request of ``reference`` (from :meth:`allocate_reference`) is
        committed: from now on a store without it is an older copy."""
        counter = int(reference.rsplit("-", 1)[1])
        ReferenceJournal.beside(self.path).keep(counter, reference)

    # -- events --------------------------------------------------------------------------

    def add_event(self, event_type: str, body: dict, reference: str | None = None) -> str:
        """Queue an uplink event (kiosk -> central); returns its record id.

        The type and body are checked against sync/records.py first (RecordBodyError: a bug)."""
        event_id = make_record(event_type, body, UP)["id"]
        self.db["events"].insert(
            {
                "id": event_id,
                "reference": reference,
                "type": event_type,
                "body": _dump(body),
                "created_at": body.get("at") or body.get("submitted_at") or utc_now(),
                "direction": "up",
            }
        )
        return event_id

    def add_downlink_event(self, record: dict, bundle_seq: int) -> bool:
        """Keep a record received from central; False if its id was already applied."""
        if self.event(record["id"]) is not None:
            return False
        body = record.get("body") or {}
        self.db["events"].insert(
            {
                "id": record["id"],
                "reference": body.get("reference") if isinstance(body, dict) else None,
                "type": record["type"],
                "body": _dump(_without_pdf(body)),
                "created_at": record.get("at") or utc_now(),
                "direction": "down",
                "bundle_seq": bundle_seq,
                "delivered_at": utc_now(),
            }
        )
        return True

    def event(self, event_id: str) -> dict | None:
        rows = list(self.db.query("select * from events where id = ?", [event_id]))
        return _event_row(rows[0]) if rows else None

    def events_of(self, reference: str) -> list[dict]:
        """The history of one request, both directions, in the order it happened here."""
        return [
            _event_row(row)
            for row in self.db.query(
                "select * from events where reference = ? order by rowid", [reference]
            )
        ]

    def pending_events(self, limit: int | None = None) -> list[dict]:
        """Uplink events not yet sealed into a bundle, oldest first."""
        sql = "select * from events where direction = 'up' and bundle_seq is null order by rowid"
        params: list = []
        if limit is not None:
            sql += " limit ?"
            params.append(limit)
        return [_event_row(row) for row in self.db.query(sql, params)]

    def withdraw_unsealed_event(self, event_id: str) -> bool:
        """Take back an uplink event that is still waiting in the outbox, not yet sealed into a
        bundle (so central has never seen it); False if it was sealed meanwhile (it stays)."""
        cursor = self.db.execute(
            "delete from events where id = ? and direction = 'up' and bundle_seq is null",
            [event_id],
        )
        return cursor.rowcount == 1

    def queue_state(self) -> dict:
        """How much waits for central: undelivered uplink events and the oldest one's time.
        The kiosk's own health reports are telemetry, not work waiting, and are not counted."""
        count, oldest = self.db.execute(
            "select count(*), min(created_at) from events "
            "where direction = 'up' and delivered_at is null and type != 'kiosk.health'"
        ).fetchone()
        bundles = self.db.execute(
            "select count(*) from outbound_bundles where delivered_at is null"
        ).fetchone()[0]
        return {"queue_depth": count, "oldest_unsent_at": oldest, "undelivered_bundles": bundles}

    # -- requests ------------------------------------------------------------------------

    def add_request(
        self,
        reference: str,
        service: str,
        fields: dict,
        staff=None,
        fee=None,
        at=None,
        check_code: str | None = None,
    ) -> None:
        at = at or utc_now()
        self.db["requests"].insert(
            {
                "reference": reference,
                "check_code": check_code,
                "service": service,
                "status": "queued",
                "fields": _dump(fields),
                "staff": _dump(staff),
                "fee": _dump(fee),
                "submitted_at": at,
                "updated_at": at,
            }
        )

    def request(self, reference: str) -> dict | None:
        rows = list(self.db.query("select * from requests where reference = ?", [reference]))
        return _request_row(rows[0]) if rows else None

    def list_requests(self, status: str | None = None) -> list[dict]:
        sql, params = "select * from requests", []
        if status:
            sql, params = sql + " where status = ?", [status]
        return [_request_row(row) for row in self.db.query(sql + " order by rowid", params)]

    def update_request(self, reference: str, **changes) -> None:
        for key in ("fields", "staff", "fee"):
            if key in changes:
                changes[key] = _dump(changes[key])
        changes["updated_at"] = utc_now()
        self.db["requests"].update(reference, changes)

    # -- documents -----------------------------------------------------------------------

    def add_document(self, number, reference, sha256, path, issued_at=None) -> bool:
        """Record an arrived document; False if this number is already held."""
        if self.document(number) is not None:
            return False
        self.db["documents"].insert(
            {
                "number": number,
                "reference": reference,
                "sha256": sha256,
                "path": str(path),
                "issued_at": issued_at,
                "received_at": utc_now(),
                "print_count": 0,
            }
        )
        return True

    def document(self, number: str) -> dict | None:
        rows = list(self.db.query("select * from documents where number = ?", [number]))
        return rows[0] if rows else None

    def documents(self, reference: str | None = None, to_print: bool = False) -> list[dict]:
        """Documents (of one request), oldest first; ``to_print``: never handed to the printer
        or the last attempt failed, and not revoked by central."""
        sql, clauses, params = "select * from documents", [], []
        if reference:
            clauses.append("reference = ?")
            params.append(reference)
        if to_print:
            # Never printed (or the last attempt failed), or an attempt that may have reached
            # the printer (sending, pending): that one is looked up, not sent again.
            clauses.append(
                "((printed_at is null and coalesce(print_state, 'failed') = 'failed') "
                "or print_state in ('sending', 'pending'))"
            )
            clauses.append("coalesce(revoked_at, '') = ''")  # a revoked document never prints
        if clauses:
            sql += " where " + " and ".join(clauses)
        return list(self.db.query(sql + " order by rowid", params))

    def revocation_of(self, number: str) -> dict | None:
        """The body of a ``document.revoked`` central sent for ``number`` (it may arrive before
        the document itself), or None."""
        for row in self.db.query(
            "select body from events where direction = 'down' and type = 'document.revoked' "
            "order by rowid"
        ):
            body = _load(row["body"]) or {}
            if isinstance(body, dict) and str(body.get("number") or "") == number:
                return body
        return None

    def mark_revoked(self, number: str, at: str, reason: str) -> None:
        self.db["documents"].update(number, {"revoked_at": at, "revoke_reason": reason})

    def mark_printed(self, number: str) -> None:
        self.db.execute(
            "update documents set printed_at = coalesce(printed_at, ?), "
            "print_count = print_count + 1, last_print_error = null, print_state = 'printed', "
            "print_token = null where number = ?",
            [utc_now(), number],
        )

    def begin_print(self, number: str, token: str) -> None:
        """Record, committed, that ``number`` is about to be sent to the printer as ``token``
        (its CUPS job title or its file name): after a crash the attempt is looked up."""
        with self.db.atomic():
            self.db.execute(
                "update documents set print_state = 'sending', print_token = ?, "
                "print_job_id = null, last_print_error = null where number = ?",
                [token, number],
            )

    def record_print_job(self, number: str, job_id: int) -> None:
        """CUPS took the attempt in progress as job ``job_id`` (committed at once)."""
        with self.db.atomic():
            self.db.execute(
                "update documents set print_job_id = ?, print_state = 'pending' "
                "where number = ? and print_state in ('sending', 'pending')",
                [job_id, number],
            )

    def mark_print_state(self, number: str, state: str, message: str = "") -> None:
        """pending / spooled / failed, with the printer's words for staff."""
        with self.db.atomic():
            self.db.execute(
                "update documents set print_state = ?, last_print_error = ? where number = ?",
                [state, message or None, number],
            )

    # -- catalogue -----------------------------------------------------------------------

    def set_catalogue(self, catalogue: dict) -> None:
        self.db["catalogue"].insert(
            {
                "version": str(catalogue.get("version", "")),
                "services": _dump(catalogue.get("services", [])),
                "guides": _dump(catalogue.get("guides", [])),
                "received_at": utc_now(),
            }
        )

    def catalogue(self) -> dict | None:
        """The newest catalogue received: ``{"version", "services", "guides"}``, or None."""
        row = self.db.execute(
            "select version, services, guides from catalogue order by id desc limit 1"
        ).fetchone()
        if row is None:
            return None
        return {
            "version": row[0],
            "services": json.loads(row[1]),
            "guides": json.loads(row[2] or "[]"),
        }


def _without_pdf(body):
    # The PDF lives in documents/; the event keeps the record's meaning, not a second copy.
    if isinstance(body, dict) and "pdf_b64" in body:
        return {key: value for key, value in body.items() if key != "pdf_b64"}
    return body


def _event_row(row: dict) -> dict:
    return {**row, "body": _load(row["body"])}


def _request_row(row: dict) -> dict:
    return {
        **row,
        "fields": _load(row["fields"]),
        "staff": _load(row["staff"]),
        "fee": _load(row["fee"]),
    }


def open_store(path: Path | str, create: bool = True) -> KioskStore:
    return KioskStore.open(path, create=create)
