"""No outgoing number twice, whatever is restored: numbering epochs and the kiosks' reports.

A restored central has forgotten whatever happened after its backup: documents issued, printed
and handed to villagers, the counters that numbered them. Central cannot know how far it is
behind, so after any restore it starts a new **numbering epoch** and gives no number until it
has heard from the kiosks (docs/operations.md, "Disasters: central restored from a backup"):

- the epoch is inside every number issued in it: ``2026-000017`` in epoch 1 (the first life of
  central), ``2026-2-000001`` after the first restore. A number of a new epoch cannot equal any
  number given before, whatever was forgotten, also when a kiosk holding the only copy of a
  paper never comes back;
- an epoch starts when ``central-api init`` finds the marker ``python -m deploy.backup
  restore`` leaves in the home (:func:`start_after_backup_restore`), or when a kiosk reports a
  bundle central does not hold (a restore by other means, :func:`start_epoch`);
- each kiosk active at that moment reports its streams and documents (central_api.streams);
  every document it holds proves itself by central's own signature and is rebuilt here, with its
  request's state; the epoch is *reconciled* when every such kiosk has reported or was forgone
  by the operator (``central-api restore forgo KIOSK --reason``), and only then are numbers
  given again (:func:`require_numbering`);
- a kiosk's document of an epoch at or above the one just opened, or a kiosk that saw one
  (``epoch_seen``), means central was restored from a backup older than one it had already been
  restored from: the new epoch moves above it before anything is numbered in it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from sync.states import OPEN_STATES

from .audit import record as audit_record
from .db import read, utc_now, write
from .db.schema import (
    documents,
    epoch_kiosks,
    kiosks,
    number_epochs,
    outgoing_series,
    requests,
)
from .errors import ConflictError, InvalidInputError, NotFoundError
from .workflow import move

# What `python -m deploy.backup restore` leaves in central's home; `central-api init` turns it
# into a new numbering epoch (and removes it).
RESTORE_MARKER = "restored-from-backup.json"

_NUMBER = re.compile(r"^(?P<year>\d{4})-(?:(?P<epoch>[1-9]\d{0,3})-)?(?P<seq>\d{6,})$")


class NumberingPausedError(ConflictError):
    """Central was restored and has not yet heard from every kiosk: no number is given."""

    code = "numbering_paused"
    http_status = 503


def format_number(year: int, epoch: int, seq: int) -> str:
    """``2026-000017`` in the first epoch, ``2026-2-000017`` in later ones."""
    return f"{year}-{seq:06d}" if epoch == 1 else f"{year}-{epoch}-{seq:06d}"


def parse_number(number: str) -> tuple[int, int, int] | None:
    """(year, epoch, seq) of an outgoing number, or None when it is not one."""
    match = _NUMBER.match(number or "")
    if match is None:
        return None
    return int(match["year"]), int(match["epoch"] or 1), int(match["seq"])


def current_epoch(conn: Connection) -> int:
    return conn.execute(select(func.max(number_epochs.c.epoch))).scalar() or 1


def open_epoch(conn: Connection) -> dict | None:
    """The newest epoch while it still waits for kiosks, else None."""
    row = (
        conn.execute(select(number_epochs).order_by(number_epochs.c.epoch.desc()).limit(1))
        .mappings()
        .first()
    )
    return dict(row) if row is not None and row["reconciled_at"] is None else None


def require_numbering(conn: Connection) -> int:
    """The epoch numbers are given in now; :class:`NumberingPausedError` while reconciling."""
    waiting = open_epoch(conn)
    if waiting is not None:
        missing = [row["kiosk_id"] for row in _waiting_kiosks(conn, waiting["epoch"])]
        raise NumberingPausedError(
            "Централата е възстановена от резервно копие и още не дава изходящи номера: чака "
            f"киоските {', '.join(missing)} да съобщят какво държат. "
            "Central was restored from a backup and gives no outgoing number until the kiosks "
            f"{', '.join(missing)} have reported what they hold (`central-api restore status`; "
            "a kiosk that will never come back: `central-api restore forgo KIOSK --reason ...`)."
        )
    return current_epoch(conn)


def next_number(conn: Connection, year: int) -> tuple[int, int, str]:
    """Take the next outgoing number of ``year`` in the current epoch: (epoch, seq, number).
    The UPDATE holds the counter's row lock until the transaction ends, so concurrent issuers
    queue and a rollback leaves no gap."""
    epoch = require_numbering(conn)
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        dialect.insert(outgoing_series)
        .values(year=year, epoch=epoch, last=0)
        .on_conflict_do_nothing(index_elements=["year", "epoch"])
    )
    seq = conn.execute(
        update(outgoing_series)
        .where(outgoing_series.c.year == year, outgoing_series.c.epoch == epoch)
        .values(last=outgoing_series.c.last + 1)
        .returning(outgoing_series.c.last)
    ).scalar_one()
    return epoch, seq, format_number(year, epoch, seq)


# -- starting an epoch ---------------------------------------------------------------------------


def start_epoch(
    conn: Connection, reason: str, backup_created: str | None = None, above: int = 0
) -> int:
    """Open a new numbering epoch (above ``above`` and every epoch known); its number. Every
    kiosk active now must report before it is reconciled; with none, it is reconciled at once."""
    epoch = max(current_epoch(conn), above) + 1
    now = utc_now()
    conn.execute(
        insert(number_epochs).values(
            epoch=epoch, started_at=now, reason=reason, backup_created=backup_created
        )
    )
    active = conn.execute(
        select(kiosks.c.id).where(kiosks.c.revoked_at.is_(None)).order_by(kiosks.c.id)
    ).scalars()
    for kiosk_id in active:
        conn.execute(insert(epoch_kiosks).values(epoch=epoch, kiosk_id=kiosk_id, documents=0))
    audit_record(
        conn, "system", "numbering.epoch_started", str(epoch), {"reason": reason, "at": now}
    )
    _finish_if_complete(conn, epoch)
    return epoch


def start_after_backup_restore(engine: Engine, home: Path) -> int | None:
    """Turn the marker a restore left in ``home`` into a new numbering epoch; its number, or
    None when there was no restore. The marker goes only after the epoch is committed."""
    marker = home / RESTORE_MARKER
    if not marker.exists():
        return None
    try:
        info = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {}
    created = str(info.get("backup_created") or "")[:40] or None
    with write(engine) as conn:
        epoch = start_epoch(
            conn, f"restored from the backup of {created or 'an unknown time'}", created
        )
    marker.unlink()
    return epoch


def raise_above(conn: Connection, seen: int, why: str) -> None:
    """A kiosk holds (or saw) a number of epoch ``seen``. At or above the epoch still waiting,
    that epoch would not be new: it moves above ``seen``. Above the epoch numbers are given in
    now, central forgot that epoch (restored by other means): a new epoch opens above it."""
    waiting = open_epoch(conn)
    if waiting is None:
        if seen > current_epoch(conn):
            start_epoch(conn, f"{why}: epoch {seen} was forgotten", above=seen)
        return
    if seen < waiting["epoch"]:
        return
    old, new = waiting["epoch"], seen + 1
    conn.execute(update(number_epochs).where(number_epochs.c.epoch == old).values(epoch=new))
    conn.execute(update(epoch_kiosks).where(epoch_kiosks.c.epoch == old).values(epoch=new))
    audit_record(conn, "system", "numbering.epoch_raised", str(new), {"from": old, "why": why})


def epoch_in_use(conn: Connection) -> int:
    """The newest epoch numbers were given in (what the kiosks are told and remember): an
    epoch still waiting is not told, or a kiosk's report of it would look like a witness."""
    reconciled = conn.execute(
        select(func.max(number_epochs.c.epoch)).where(number_epochs.c.reconciled_at.is_not(None))
    ).scalar()
    return reconciled or 1


# -- the kiosks' reports ------------------------------------------------------------------------


def paused_for(conn: Connection) -> list[str] | None:
    """While numbering is paused, the kiosks central waits for (what the office shows beside
    the approve button); None when numbers are given."""
    waiting = open_epoch(conn)
    if waiting is None:
        return None
    return [row["kiosk_id"] for row in _waiting_kiosks(conn, waiting["epoch"])]


def _waiting_kiosks(conn: Connection, epoch: int) -> list[dict]:
    return [
        dict(row)
        for row in conn.execute(
            select(epoch_kiosks).where(
                epoch_kiosks.c.epoch == epoch,
                epoch_kiosks.c.reported_at.is_(None),
                epoch_kiosks.c.forgone_at.is_(None),
            )
        ).mappings()
    ]


def kiosk_owes_report(conn: Connection, kiosk_id: str) -> bool:
    """Does the open epoch still wait for this kiosk's documents?"""
    waiting = open_epoch(conn)
    return waiting is not None and any(
        row["kiosk_id"] == kiosk_id for row in _waiting_kiosks(conn, waiting["epoch"])
    )


def note_refused(conn: Connection, kiosk_id: str, number: str, reason: str) -> None:
    """A document the kiosk offered did not prove itself; kept for the operator to look at."""
    waiting = open_epoch(conn)
    if waiting is None:
        return
    where = (epoch_kiosks.c.epoch == waiting["epoch"]) & (epoch_kiosks.c.kiosk_id == kiosk_id)
    held = conn.execute(select(epoch_kiosks.c.refused).where(where)).scalar()
    refused = json.loads(held) if held else []
    if all(item["number"] != number for item in refused):
        refused.append({"number": number, "reason": reason[:500]})
        conn.execute(
            update(epoch_kiosks)
            .where(where)
            .values(refused=json.dumps(refused, ensure_ascii=False))
        )


def refused_numbers(conn: Connection, kiosk_id: str) -> set[str]:
    waiting = open_epoch(conn)
    if waiting is None:
        return set()
    held = conn.execute(
        select(epoch_kiosks.c.refused).where(
            epoch_kiosks.c.epoch == waiting["epoch"], epoch_kiosks.c.kiosk_id == kiosk_id
        )
    ).scalar()
    return {item["number"] for item in json.loads(held)} if held else set()


def note_reported(conn: Connection, kiosk_id: str, documents_held: int) -> None:
    """The kiosk has given central every document it holds: one kiosk fewer to wait for."""
    waiting = open_epoch(conn)
    if waiting is None:
        return
    conn.execute(
        update(epoch_kiosks)
        .where(
            epoch_kiosks.c.epoch == waiting["epoch"],
            epoch_kiosks.c.kiosk_id == kiosk_id,
            epoch_kiosks.c.reported_at.is_(None),
        )
        .values(reported_at=utc_now(), documents=documents_held)
    )
    _finish_if_complete(conn, waiting["epoch"])


def _finish_if_complete(conn: Connection, epoch: int) -> None:
    if _waiting_kiosks(conn, epoch):
        return
    rebuild_counters(conn)
    now = utc_now()
    conn.execute(
        update(number_epochs).where(number_epochs.c.epoch == epoch).values(reconciled_at=now)
    )
    audit_record(conn, "system", "numbering.epoch_reconciled", str(epoch), {"at": now})


def rebuild_counters(conn: Connection) -> None:
    """Every counter at least as high as the highest number of its year and epoch on record
    (the documents the kiosks gave back included): the record of what was ever issued."""
    highest = conn.execute(
        select(documents.c.year, documents.c.epoch, func.max(documents.c.seq)).group_by(
            documents.c.year, documents.c.epoch
        )
    ).all()
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    for year, epoch, seq in highest:
        conn.execute(
            dialect.insert(outgoing_series)
            .values(year=year, epoch=epoch, last=seq)
            .on_conflict_do_nothing(index_elements=["year", "epoch"])
        )
        conn.execute(
            update(outgoing_series)
            .where(
                outgoing_series.c.year == year,
                outgoing_series.c.epoch == epoch,
                outgoing_series.c.last < seq,
            )
            .values(last=seq)
        )


def forgo_kiosk(engine: Engine, kiosk_id: str, reason: str, actor: str) -> dict:
    """Stop waiting for a kiosk that will not come back (stolen, burnt): its papers keep their
    numbers of the old epoch, which the new epoch never gives again."""
    if not reason or not reason.strip():
        raise InvalidInputError("Say why this kiosk will not report (it goes into the audit log).")
    with write(engine) as conn:
        waiting = open_epoch(conn)
        if waiting is None:
            raise InvalidInputError("Central is not waiting for any kiosk: numbering is open.")
        where = (epoch_kiosks.c.epoch == waiting["epoch"]) & (epoch_kiosks.c.kiosk_id == kiosk_id)
        row = conn.execute(select(epoch_kiosks).where(where)).mappings().first()
        if row is None:
            raise NotFoundError(f"Epoch {waiting['epoch']} does not wait for kiosk {kiosk_id!r}.")
        if row["reported_at"] is None and row["forgone_at"] is None:
            conn.execute(
                update(epoch_kiosks)
                .where(where)
                .values(forgone_at=utc_now(), forgone_reason=reason.strip())
            )
            audit_record(
                conn, actor, "numbering.kiosk_forgone", kiosk_id, {"reason": reason.strip()}
            )
            _finish_if_complete(conn, waiting["epoch"])
    return status(engine)


def status(engine: Engine) -> dict:
    """Where numbering stands: the epoch, whether numbers are given, and each kiosk's report."""
    with read(engine) as conn:
        return status_in(conn)


def status_in(conn: Connection) -> dict:
    epoch = current_epoch(conn)
    row = conn.execute(select(number_epochs).where(number_epochs.c.epoch == epoch)).mappings()
    info = row.first()
    kiosks_of_epoch = [
        {
            "kiosk_id": item["kiosk_id"],
            "reported_at": item["reported_at"],
            "documents": item["documents"],
            "refused": json.loads(item["refused"]) if item["refused"] else [],
            "forgone_at": item["forgone_at"],
            "forgone_reason": item["forgone_reason"],
        }
        for item in conn.execute(
            select(epoch_kiosks)
            .where(epoch_kiosks.c.epoch == epoch)
            .order_by(epoch_kiosks.c.kiosk_id)
        ).mappings()
    ]
    return {
        "epoch": epoch,
        "numbering": "paused" if info is not None and info["reconciled_at"] is None else "open",
        "started_at": info["started_at"] if info else None,
        "reason": info["reason"] if info else None,
        "backup_created": info["backup_created"] if info else None,
        "reconciled_at": info["reconciled_at"] if info else None,
        "kiosks": kiosks_of_epoch,
    }


def forget_kiosk_rows(conn: Connection, kiosk_id: str) -> None:
    """A revoked kiosk is not waited for (central_api.kiosks.revoke calls this)."""
    waiting = open_epoch(conn)
    if waiting is None:
        return
    conn.execute(
        delete(epoch_kiosks).where(
            epoch_kiosks.c.epoch == waiting["epoch"],
            epoch_kiosks.c.kiosk_id == kiosk_id,
            epoch_kiosks.c.reported_at.is_(None),
        )
    )
    _finish_if_complete(conn, waiting["epoch"])


# -- requests behind their documents ------------------------------------------------------------


def catch_up_request(conn: Connection, request: dict, actor: str) -> dict:
    """A request central remembers as open while a document given back proves it was decided
    (central forgot the decision in a restore): move it to what the paper proves, issued or
    rejected, with an event saying why. Any other request is returned as it is."""
    if request["status"] not in OPEN_STATES:
        return request
    document = (
        conn.execute(
            select(documents.c.number, documents.c.kind)
            .where(documents.c.reference == request["reference"])
            .order_by(documents.c.id.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    if document is None:
        return request
    target = "rejected" if document["kind"] == "refusal" else "issued"
    changes = {"document_number": document["number"]} if target == "issued" else {}
    reason = f"restored: document {document['number']}, given back by the kiosk, proves it"
    move(conn, request, target, actor, "system", reason, changes=changes)
    return dict(
        conn.execute(select(requests).where(requests.c.id == request["id"])).mappings().one()
    )
