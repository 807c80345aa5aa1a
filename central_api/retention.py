"""Central's retention of personal data, by the municipality's records schedule (issue 16).

The schedule is configuration (``records-schedule.toml`` in ``$CENTRAL_HOME``, or the file
``CENTRAL_RECORDS_SCHEDULE`` names; the shipped example is deploy/profiles/records-schedule.toml),
never code. :func:`purge` removes, from every request that ended (delivered, rejected,
cancelled) longer ago than the schedule's period, what identifies the applicant: the answers
(``fields``), the staff's notes, the clerk's question and the answer to it, and the
attachments. It keeps what the law requires: the register of issued documents (``documents``:
number, date, request, hash and the signed copy) and the request's own line and history
(reference, service, states, dates), and the audit log, which is append-only.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, delete, func, select, update

from sync.states import CLOSED
from sync.wording import counted

from .audit import record as audit_record
from .db import write
from .db.schema import attachments, documents, requests
from .errors import InvalidInputError

FILE_NAME = "records-schedule.toml"
PURGED_FIELDS = "{}"


@dataclass(frozen=True)
class RecordsSchedule:
    personal_data_years: int
    kiosk_retention_days: int
    source: str


def schedule_path(config: dict) -> Path:
    named = config.get("RECORDS_SCHEDULE")
    return Path(named) if named else Path(config["CENTRAL_HOME"]) / FILE_NAME


def _positive(data: dict, table: str, key: str, source: Path) -> int:
    value = (data.get(table) or {}).get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidInputError(
            f"{source}: [{table}] {key} must be a whole number of at least 1 (it is {value!r})."
        )
    return value


def load_schedule(config: dict) -> RecordsSchedule:
    """The records schedule; InvalidInputError (naming the file) when absent or unusable."""
    path = schedule_path(config)
    if not path.is_file():
        raise InvalidInputError(
            f"No records schedule at {path}: copy deploy/profiles/records-schedule.toml there "
            "and set the periods of the municipality's schedule. Nothing was purged."
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInputError(f"The records schedule {path} cannot be read: {exc}") from exc
    return RecordsSchedule(
        personal_data_years=_positive(data, "requests", "personal_data_years", path),
        kiosk_retention_days=_positive(data, "kiosk", "retention_days", path),
        source=str(path),
    )


def kiosk_retention_days(config: dict) -> int:
    """Days a kiosk keeps a villager's data after the request ended: the records schedule's,
    when there is one, else the configuration's ``RETENTION_DAYS``."""
    if schedule_path(config).is_file():
        return load_schedule(config).kiosk_retention_days
    return int(config.get("RETENTION_DAYS", 30))


@dataclass
class PurgeReport:
    cutoff: str
    dry_run: bool
    references: list[str] = field(default_factory=list)
    attachments: int = 0
    documents_kept: int = 0

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run else "were"
        return [
            f"Requests that ended before {self.cutoff[:10]}: {len(self.references)} "
            f"{verb} cleared of personal data "
            f"({counted(self.attachments, 'attachment', 'en')}).",
            "The register of issued documents is kept: "
            f"{counted(self.documents_kept, 'document', 'en')}.",
        ]

    def to_json(self) -> dict:
        return asdict(self)


def purge(
    engine: Engine, schedule: RecordsSchedule, now: datetime | None = None, dry_run: bool = False
) -> PurgeReport:
    """Clear the personal data of requests that ended before the schedule's period."""
    moment = now or datetime.now(UTC)
    cutoff = (moment - timedelta(days=365 * schedule.personal_data_years)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    report = PurgeReport(cutoff=cutoff, dry_run=dry_run)
    with write(engine) as conn:
        due = select(requests.c.reference).where(
            requests.c.status.in_(sorted(CLOSED)),
            requests.c.updated_at < cutoff,
            requests.c.fields != PURGED_FIELDS,
        )
        report.references = sorted(conn.execute(due).scalars())
        if report.references:
            report.attachments = conn.execute(
                select(func.count())
                .select_from(attachments)
                .where(attachments.c.reference.in_(report.references))
            ).scalar()
        report.documents_kept = conn.execute(select(func.count()).select_from(documents)).scalar()
        if dry_run or not report.references:
            return report
        conn.execute(
            update(requests)
            .where(requests.c.reference.in_(report.references))
            .values(fields=PURGED_FIELDS, staff=None, question=None, answer=None)
        )
        conn.execute(delete(attachments).where(attachments.c.reference.in_(report.references)))
        audit_record(
            conn,
            "system",
            "retention.purged",
            None,
            {
                "cutoff": cutoff,
                "requests": len(report.references),
                "attachments": report.attachments,
                "schedule": schedule.source,
                "references": json.dumps(report.references[:1000]),
            },
        )
    return report
