"""The work queue: requests by state, village, service and due date, overdue first.

Paging is by keyset, not by OFFSET: a page is "the next 50 after (due date, id)", which the index
``ix_office_requests_queue`` on ``(due_date, id)`` answers by reading 50 rows, however deep into
100,000 requests the clerk has paged (requests without a due date follow, by id). Open requests sorted by due date
put the overdue ones first by themselves (their due dates are the earliest).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from flask import render_template, request
from sqlalchemy import Connection, func, or_, select, tuple_

from ..catalogues import current_catalogue
from ..db import read
from ..db.schema import register_persons, requests
from ..workflow import STATES
from .auth import engine
from .blueprint import bp
from .common import OPEN_STATES, today
from .roles import CLERKS, access

PAGE_SIZE = 50
REFERENCE = re.compile(r"^[A-Za-z]{3}\d+-\d*$|^[A-Za-z]{3}\d*$")


@dataclass
class QueueFilter:
    state: str = "open"  # open | all | one of STATES
    village: str = ""
    service: str = ""
    due_before: str = ""
    overdue_only: bool = False
    search: str = ""
    after: str = ""  # "<due key>|<id>" of the last row of the previous page

    @classmethod
    def from_args(cls, args) -> QueueFilter:
        state = args.get("state", "open")
        if state not in ("open", "all", *STATES):
            state = "open"
        due = args.get("due_before", "").strip()
        return cls(
            state=state,
            village=args.get("village", "").strip(),
            service=args.get("service", "").strip(),
            due_before=due if re.fullmatch(r"\d{4}-\d{2}-\d{2}", due) else "",
            overdue_only=args.get("overdue") == "1",
            search=args.get("q", "").strip()[:100],
            after=args.get("after", ""),
        )

    def query_args(self, **changes) -> dict:
        values = {
            "state": self.state,
            "village": self.village,
            "service": self.service,
            "due_before": self.due_before,
            "overdue": "1" if self.overdue_only else "",
            "q": self.search,
            **changes,
        }
        return {key: value for key, value in values.items() if value}


@dataclass
class QueuePage:
    rows: list[dict] = field(default_factory=list)
    total: int = 0
    next_after: str = ""


def _conditions(chosen: QueueFilter) -> list:
    conditions = []
    if chosen.state == "open" or chosen.overdue_only:
        conditions.append(requests.c.status.in_(OPEN_STATES))
    if chosen.state not in ("open", "all"):
        conditions.append(requests.c.status == chosen.state)
    if chosen.village:
        conditions.append(requests.c.village == chosen.village)
    if chosen.service:
        conditions.append(requests.c.service == chosen.service)
    if chosen.due_before:
        conditions.append(requests.c.due_date <= chosen.due_before)
    if chosen.overdue_only:
        conditions.append(requests.c.due_date < today())
    if chosen.search:
        conditions.append(_search_condition(chosen.search))
    return conditions


def _search_condition(text: str):
    """A reference (``DZH1-00042``, or its start) or part of a name in the form's fields."""
    if REFERENCE.match(text):
        return requests.c.reference.like(text.upper().replace("%", "") + "%")
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    # SQLite folds case for ASCII only: look for the name as typed and as a name is written.
    variants = {escaped, escaped.capitalize(), escaped.lower()}
    return or_(*(requests.c.fields.like(f"%{v}%", escape="\\") for v in variants))


COLUMNS = (
    requests.c.id,
    requests.c.reference,
    requests.c.service,
    requests.c.village,
    requests.c.kiosk_id,
    requests.c.status,
    requests.c.due_date,
    requests.c.created_at,
    requests.c.fields,
    requests.c.fee_status,
)
UNDATED = "-"


def _parse_after(after: str) -> tuple[str | None, int] | None:
    """``("2026-11-30", 1234)`` in the dated part, ``(None, 1234)`` among the undated."""
    due, _, last_id = (after or "").rpartition("|")
    if (
        not (last_id.isascii() and last_id.isdigit())
        or len(last_id) > 12
        or not (due == UNDATED or re.fullmatch(r"\d{4}-\d{2}-\d{2}", due))
    ):
        return None
    return (None if due == UNDATED else due), int(last_id)


def find_requests(conn: Connection, chosen: QueueFilter, limit: int = PAGE_SIZE) -> QueuePage:
    """One page: requests with a due date by (due date, id), then those without one by id.

    Each part is read through an index in order (``ix_office_requests_queue`` on
    ``(due_date, id)``, the primary key), so a page costs ``limit`` rows at any depth.
    """
    conditions = _conditions(chosen)
    after = _parse_after(chosen.after)
    found: list[dict] = []
    if after is None or after[0] is not None:
        dated = [*conditions, requests.c.due_date.is_not(None)]
        if after is not None:
            dated.append(tuple_(requests.c.due_date, requests.c.id) > tuple_(*after))
        query = select(*COLUMNS).where(*dated).order_by(requests.c.due_date, requests.c.id)
        found = [dict(row) for row in conn.execute(query.limit(limit + 1)).mappings()]
    if len(found) <= limit:
        undated = [*conditions, requests.c.due_date.is_(None)]
        if after is not None and after[0] is None:
            undated.append(requests.c.id > after[1])
        query = select(*COLUMNS).where(*undated).order_by(requests.c.id)
        rest = limit + 1 - len(found)
        found += [dict(row) for row in conn.execute(query.limit(rest)).mappings()]
    total = conn.execute(select(func.count()).select_from(requests).where(*conditions)).scalar()
    page = QueuePage(rows=found[:limit], total=total)
    if len(found) > limit:
        last = found[limit - 1]
        page.next_after = f"{last['due_date'] or UNDATED}|{last['id']}"
    registered = register_names(conn, [_fields(row["fields"]) for row in page.rows])
    for row in page.rows:
        fields = _fields(row["fields"])
        row["applicant"] = registered.get(_number(fields)) or applicant_name(fields)
    return page


def _fields(fields_json: str | dict | None) -> dict:
    try:
        fields = json.loads(fields_json) if isinstance(fields_json, str) else fields_json or {}
    except ValueError:
        return {}
    return fields if isinstance(fields, dict) else {}


def _number(fields: dict) -> str:
    return str(fields.get("personal_number") or fields.get("egn") or "")


def register_names(conn: Connection, forms: list[dict]) -> dict[str, str]:
    """The register's names of the applicants of ``forms`` by their ЕГН or ЛНЧ: the forms ask
    for the number only, so the queue names people as the register does (one query a page)."""
    numbers = sorted({_number(fields) for fields in forms} - {""})
    if not numbers:
        return {}
    rows = conn.execute(
        select(
            register_persons.c.egn,
            register_persons.c.lnch,
            register_persons.c.first_name,
            register_persons.c.middle_name,
            register_persons.c.last_name,
        ).where(or_(register_persons.c.egn.in_(numbers), register_persons.c.lnch.in_(numbers)))
    )
    names = {}
    for row in rows:
        full = " ".join(part for part in (row.first_name, row.middle_name, row.last_name) if part)
        for number in (row.egn, row.lnch):
            if number:
                names[number] = full
    return names


def applicant_name(fields_json: str | dict | None) -> str:
    """The names typed on the form (a person who gave names and birth date, or is not in the
    register)."""
    fields = _fields(fields_json)
    parts = (fields.get(name) for name in ("first_name", "middle_name", "last_name"))
    return " ".join(str(part) for part in parts if part)


def services_offered(conn: Connection) -> list[dict]:
    catalogue = current_catalogue(conn) or {}
    return [s for s in catalogue.get("services", []) if isinstance(s, dict) and s.get("id")]


@bp.get("/queue")
@access(*CLERKS)
def queue():
    chosen = QueueFilter.from_args(request.args)
    with read(engine()) as conn:
        page = find_requests(conn, chosen)
        services = services_offered(conn)
    service_names = {s["id"]: s.get("name") for s in services}
    return render_template(
        "office/queue.html",
        chosen=chosen,
        page=page,
        states=STATES,
        services=services,
        service_names=service_names,
    )
