"""The kiosk database's schema, as named migrations recorded in ``_sqlite_migrations``.

Migrations are append-only: never edit one that has shipped, add the next one. Each runs in its
own transaction together with the record that it ran, so a crash mid-way leaves it pending.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("kiosk")


@migrations(name="0001_initial")
def initial(db: Database) -> None:
    db["settings"].create({"key": str, "value": str}, pk="key")
    db["requests"].create(
        {
            "reference": str,
            "service": str,
            "status": str,
            "fields": str,  # JSON; NULL once personal data is purged
            "staff": str,  # JSON or NULL
            "fee": str,  # JSON or NULL
            "question": str,  # the clerk's question while status is needs_info
            "submitted_at": str,
            "updated_at": str,
            "purged_at": str,
        },
        pk="reference",
        not_null={"service", "status", "submitted_at", "updated_at"},
    )
    db["events"].create(
        {
            "id": str,  # record id (UUID4), kept on every retry
            "reference": str,
            "type": str,
            "body": str,  # JSON
            "created_at": str,
            "direction": str,  # "up" (kiosk -> central) or "down" (central -> kiosk)
            "bundle_seq": int,  # outbound bundle holding it (up) / inbound bundle (down)
            "delivered_at": str,  # up: receipt held; down: applied
        },
        pk="id",
        not_null={"type", "body", "created_at", "direction"},
    )
    db["events"].create_index(["direction", "bundle_seq"])
    db["events"].create_index(["reference"])
    db["outbound_bundles"].create(
        {
            "seq": int,
            "bundle_id": str,
            "data": bytes,
            "record_count": int,
            "created_at": str,
            "delivered_at": str,
            "receipt": bytes,
        },
        pk="seq",
        not_null={"bundle_id", "data", "record_count", "created_at"},
    )
    db["inbound_ledger"].create(
        {
            "sender": str,
            "seq": int,
            "bundle_id": str,
            "receipt": bytes,
            "received_at": str,
            "receipt_sent_at": str,  # NULL until central acknowledged it over HTTP
        },
        pk=("sender", "seq"),
        not_null={"bundle_id", "receipt", "received_at"},
    )
    db["documents"].create(
        {
            "number": str,
            "reference": str,
            "sha256": str,
            "path": str,
            "issued_at": str,
            "received_at": str,
            "printed_at": str,
            "print_count": int,
            "last_print_error": str,
        },
        pk="number",
        not_null={"reference", "sha256", "path", "received_at"},
        defaults={"print_count": 0},
    )
    db["documents"].create_index(["reference"])
    db["catalogue"].create(
        {"id": int, "version": str, "services": str, "received_at": str},
        pk="id",
        not_null={"version", "services", "received_at"},
    )
    db["quarantine"].create(
        {
            "id": int,
            "record_id": str,
            "direction": str,
            "bundle_seq": int,
            "type": str,
            "reason": str,
            "record": str,  # JSON of the refused record (down) or NULL (up: central has it)
            "at": str,
        },
        pk="id",
        not_null={"record_id", "direction", "reason", "at"},
    )


@migrations(name="0002_document_print_state")
def document_print_state(db: Database) -> None:
    # printed | pending | spooled | failed: what the printing package made of the last attempt,
    # so a job still in CUPS or in the spool is not sent a second time.
    db["documents"].add_column("print_state", str)


@migrations(name="0003_document_revocation")
def document_revocation(db: Database) -> None:
    # A document central revoked is never handed over or reprinted at the kiosk.
    db["documents"].add_column("revoked_at", str)
    db["documents"].add_column("revoke_reason", str)


@migrations(name="0004_quarantine_waiting")
def quarantine_waiting(db: Database) -> None:
    # A record of a type (or version) this software did not know waits in the quarantine and
    # is applied once the software learns it (kiosk_app.waiting_room): `waiting` marks it,
    # `released_at` and `outcome` say when it left and how. Rows written by software older than
    # this migration are recognised by the reason it gave them.
    db["quarantine"].add_column("waiting", int, not_null_default=0)
    db["quarantine"].add_column("released_at", str)
    db["quarantine"].add_column("outcome", str)
    db.execute(
        "update quarantine set waiting = 1 where direction = 'down' and record is not null "
        "and (reason like 'record type % is unknown to this software%' "
        "or reason like '% is newer than version % known to this software%')"
    )


@migrations(name="0005_print_attempt")
def print_attempt(db: Database) -> None:
    # Print exactly once: what is being printed is recorded before it is sent (print_state
    # "sending" with the attempt's token, a file name of its own),
    # and CUPS's job id as soon as CUPS gives it, so that after a crash the job is looked up
    # instead of sent again.
    db["documents"].add_column("print_token", str)
    db["documents"].add_column("print_job_id", int)


@migrations(name="0006_catalogue_guides")
def catalogue_guides(db: Database) -> None:
    # Catalogue format 2 has guides beside the services (text the kiosk shows, no request):
    # kept with the catalogue they came in; NULL for a catalogue received before.
    db["catalogue"].add_column("guides", str)


@migrations(name="0007_request_check_code")
def request_check_code(db: Database) -> None:
    # The six digits printed on the slip beside the reference: a status look-up needs both, so
    # guessing the next reference shows nothing (kiosk_app.lookup). NULL for older requests.
    db["requests"].add_column("check_code", str)
