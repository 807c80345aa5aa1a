"""How long the kiosk keeps a villager's data (issue 16, "Personal data").

Only as long as it needs it: once a request has ended at central (delivered, rejected or
cancelled) and everything the kiosk had to say about it reached central, its personal data is
removed after the retention period (central's ``retention_days``, from the municipality's
records schedule; 30 days by default): the applicant's answers, the staff's notes, the clerk's
question and the answer to it, in the request and in every event of it, and the files (the
document's PDF, the file printer's copies, the slip). What stays is what the screens show
without naming anyone: the reference, the service, the states and the dates.
Mixed into :class:`KioskStore` (needs ``self.db``, ``events_of`` and ``documents``).
"""

from __future__ import annotations

import json
from pathlib import Path

from sync.states import CLOSED

from .clock import utc_now

EMPTY = {"fields": {}, "staff": None, "answer": ""}  # what a purged event body holds instead
PERSONAL_KEYS = tuple(EMPTY)
_ENDED = ", ".join(f"'{state}'" for state in sorted(CLOSED))
# Every uplink event of the request is at central (nothing would be lost by purging it).
_ALL_SENT = (
    "not exists (select 1 from events where direction = 'up' and delivered_at is null "
    "and events.reference = requests.reference)"
)


class RetentionMixin:
    def purge_personal_data(self, before: str, home: Path | None = None) -> list[str]:
        """Remove the personal data of requests that ended before ``before`` (and whose events
        all reached central); the files too, under the kiosk's ``home`` when given."""
        references = [
            row[0]
            for row in self.db.execute(
                f"select reference from requests where status in ({_ENDED}) "
                f"and purged_at is null and updated_at < ? and {_ALL_SENT}",
                [before],
            ).fetchall()
        ]
        now = utc_now()
        with self.db.atomic():
            for reference in references:
                self.db["requests"].update(
                    reference, {"fields": None, "staff": None, "question": None, "purged_at": now}
                )
                for event in self.events_of(reference):
                    body = dict(event["body"] or {})
                    if any(key in body for key in PERSONAL_KEYS):
                        body.update({key: EMPTY[key] for key in PERSONAL_KEYS if key in body})
                        self.db["events"].update(
                            event["id"],
                            {"body": json.dumps(body, ensure_ascii=False, sort_keys=True)},
                        )
        for reference in references:
            for document in self.documents(reference):
                Path(document["path"]).unlink(missing_ok=True)
                if home is not None:
                    for copy in (Path(home) / "printed").glob(f"{Path(document['path']).stem}*"):
                        copy.unlink(missing_ok=True)
            if home is not None:
                (Path(home) / "spool" / f"receipt-{reference}.pdf").unlink(missing_ok=True)
        if references and self.path != ":memory:":
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return references

    def personal_data_held(self) -> dict:
        """What the kiosk holds about villagers, for the staff panel: requests whose data it
        keeps (open ones, and ended ones waiting for the retention period) and the oldest."""
        open_count, ended_count, oldest = self.db.execute(
            f"select coalesce(sum(status not in ({_ENDED})), 0), "
            f"coalesce(sum(status in ({_ENDED})), 0), min(submitted_at) "
            "from requests where purged_at is null"
        ).fetchone()
        purged = self.db.execute(
            "select count(*) from requests where purged_at is not null"
        ).fetchone()[0]
        return {
            "with_personal_data": open_count + ended_count,
            "open": open_count,
            "ended_waiting_purge": ended_count,
            "purged": purged,
            "oldest_submitted_at": oldest,
        }
