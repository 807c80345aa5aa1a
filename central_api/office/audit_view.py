"""The audit log for the auditor: filterable, newest first, with the hash chain's verification.

Each visit verifies the entries added since the last verified one
(:func:`central_api.audit.verify_since_checkpoint`), so a visit costs what is new, not the whole
log; the page's "verify the whole chain" button (``?verify=all``) walks it end to end. Either
way a break names the first broken entry.
"""

from __future__ import annotations

import json
import re

from flask import render_template, request
from sqlalchemy import select

from ..audit import verify_since_checkpoint
from ..db import read, write
from ..db.schema import audit_log
from ..errors import InvalidInputError
from .auth import engine
from .blueprint import bp
from .roles import access

PAGE_SIZE = 100
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def audit_filters(args) -> dict:
    chosen = {
        "actor": args.get("actor", "").strip()[:100],
        "action": args.get("action", "").strip()[:64],
        "subject": args.get("subject", "").strip()[:200],
        "since": args.get("since", "").strip(),
        "until": args.get("until", "").strip(),
    }
    for key in ("since", "until"):
        if not DATE.match(chosen[key]):
            chosen[key] = ""
    return chosen


def details_of(text: str | None) -> list[tuple[str, str, str]]:
    """(key, shown value, full value) of an entry's JSON details, long values shortened."""
    try:
        details = json.loads(text) if text else {}
    except ValueError:
        return [("?", text or "", text or "")]
    if not isinstance(details, dict):
        return [("", str(details), str(details))]
    shown = []
    for key, value in details.items():
        full = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        shown.append((key, full if len(full) <= 40 else full[:16] + "…" + full[-8:], full))
    return shown


def find_entries(conn, chosen: dict, before: int | None = None, limit: int = PAGE_SIZE):
    conditions = []
    if chosen["actor"]:
        conditions.append(audit_log.c.actor.like(_like(chosen["actor"]), escape="\\"))
    if chosen["action"]:
        conditions.append(audit_log.c.action == chosen["action"])
    if chosen["subject"]:
        conditions.append(audit_log.c.subject.like(_like(chosen["subject"]), escape="\\"))
    if chosen["since"]:
        conditions.append(audit_log.c.at >= chosen["since"])
    if chosen["until"]:
        conditions.append(audit_log.c.at < chosen["until"] + "T99")
    if before:
        conditions.append(audit_log.c.id < before)
    rows = [
        dict(row)
        for row in conn.execute(
            select(audit_log).where(*conditions).order_by(audit_log.c.id.desc()).limit(limit + 1)
        ).mappings()
    ]
    next_before = rows[limit - 1]["id"] if len(rows) > limit else None
    return rows[:limit], next_before


@bp.get("/audit")
@access("auditor")
def audit():
    chosen = audit_filters(request.args)
    before = request.args.get("before", "")
    if before and (not (before.isascii() and before.isdigit()) or len(before) > 18):
        raise InvalidInputError("'before' must be an entry number (digits only).")
    full = request.args.get("verify") == "all"
    with write(engine()) as conn:
        verification = verify_since_checkpoint(conn, full=full)
    with read(engine()) as conn:
        entries, next_before = find_entries(conn, chosen, int(before) if before else None)
        actions = list(
            conn.execute(
                select(audit_log.c.action).distinct().order_by(audit_log.c.action)
            ).scalars()
        )
    return render_template(
        "office/audit.html",
        chosen=chosen,
        entries=entries,
        next_before=next_before,
        actions=actions,
        verification=verification,
        filter_args={key: value for key, value in chosen.items() if value},
        details_of=details_of,
    )
