"""Officials: who signs the municipality's documents, under which title, for which services.

A certificate is signed by the mayor of the municipality, the mayor of a mayoralty, or an
official an order (заповед) authorises for that kind of document. An official is a record of its
own, linked to one web-office user: the names and the title exactly as they are printed under the
document ("Кмет на кметство <село>", "Длъжностно лице по гражданско състояние"), the order
that authorises them (number and date; the mayor needs none), and the services they may sign —
a list of catalogue ids, or all of them. Which official may sign which service is this data,
set by an administrator (``central-api officials add``, the office's officials page), never code.

A user who is not linked to an official cannot approve: :func:`signing_official` refuses, and
refuses too when the official is not authorised for the service, naming who is.
"""

from __future__ import annotations

import datetime
import json
import re

from sqlalchemy import Connection, insert, select, update

from .audit import record as audit_record
from .catalogues import current_catalogue
from .db import utc_now
from .db.schema import officials, users
from .errors import (
    ConflictError,
    InvalidInputError,
    NotAnOfficialError,
    NotAuthorisedError,
    NotFoundError,
)

ALL_SERVICES = "all"
_ORDER = re.compile(r"^\s*(?P<number>[^/]+?)\s*/\s*(?P<date>\S+)\s*$")
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


def parse_order(text: str | None) -> tuple[str | None, str | None]:
    """``'РД-09-112/2026-01-05'`` (or ``…/05.01.2026``) → (number, ISO date); empty → (None, None)."""
    if text is None or not text.strip():
        return None, None
    found = _ORDER.match(text)
    if found is None:
        raise InvalidInputError(
            f"Заповедта „{text}“ не е във вида „номер/дата“, например „РД-09-112/05.01.2026“. "
            f"The order {text!r} is not 'number/date', e.g. 'РД-09-112/05.01.2026'."
        )
    for date_format in _DATE_FORMATS:
        try:
            day = datetime.datetime.strptime(found["date"], date_format).date()
        except ValueError:
            continue
        return found["number"], day.isoformat()
    raise InvalidInputError(
        f"Датата на заповедта „{found['date']}“ не е дата: пишете ДД.ММ.ГГГГ или ГГГГ-ММ-ДД. "
        f"The order's date {found['date']!r} is not a date: write DD.MM.YYYY or YYYY-MM-DD."
    )


def parse_services(text: str) -> list[str] | None:
    """``'all'`` → None (every service); ``'a,b'`` → ['a', 'b']."""
    if text.strip().lower() == ALL_SERVICES:
        return None
    services = sorted({part.strip() for part in text.split(",") if part.strip()})
    if not services:
        raise InvalidInputError(
            "Посочете услугите, които длъжностното лице подписва (идентификатори през запетая), "
            "или „all“ за всички. Name the services (ids, comma-separated) or 'all'."
        )
    return services


def order_text(official: dict) -> str:
    """The authorising order as printed ("Заповед № РД-09-112/05.01.2026 г."), or ""."""
    if not official.get("order_number"):
        return ""
    day = datetime.date.fromisoformat(official["order_date"]).strftime("%d.%m.%Y")
    return f"Заповед № {official['order_number']}/{day} г."


def _service_name(catalogue: dict | None, service_id: str) -> str | None:
    for service in (catalogue or {}).get("services", []):
        if service["id"] == service_id:
            return service["name"]["bg"]
    return None


def _shaped(row) -> dict:
    official = dict(row)
    official["services"] = json.loads(official["services"]) if official["services"] else None
    official["order"] = order_text(official)
    return official


def add_official(
    conn: Connection,
    *,
    user_name: str,
    names: str,
    title: str,
    order: str | None,
    services: str,
    by: str,
) -> dict:
    """Link ``user_name`` to an official who signs ``services`` ('all' or ids) under ``title``."""
    names, title = " ".join(names.split()), " ".join(title.split())
    if not names or not title:
        raise InvalidInputError(
            "Длъжностното лице има нужда от имена и длъжност, както се отпечатват под документа. "
            "An official needs names and a title, as printed under the document."
        )
    user = conn.execute(select(users).where(users.c.name == user_name)).mappings().first()
    if user is None or user["disabled"]:
        raise NotFoundError(
            f"Няма активен потребител „{user_name}“: добавете го с `central-api user add`. "
            f"No active user {user_name!r}: add one with `central-api user add`."
        )
    if user["role"] not in ("clerk", "admin"):
        raise InvalidInputError(
            f"„{user_name}“ е {user['role']}: само служители и администратори подписват. "
            f"{user_name} is an {user['role']}: only clerks and administrators sign."
        )
    order_number, order_date = parse_order(order)
    service_ids = parse_services(services)
    catalogue = current_catalogue(conn)
    unknown = [sid for sid in service_ids or () if _service_name(catalogue, sid) is None]
    if unknown:
        raise InvalidInputError(
            f"Няма такива услуги в каталога: {', '.join(unknown)}. "
            f"No such services in the catalogue: {', '.join(unknown)}."
        )
    if find_official(conn, user_name) is not None:
        raise ConflictError(
            f"„{user_name}“ вече е длъжностно лице; премахнете го първо. "
            f"{user_name} is already an official; remove them first."
        )
    values = dict(
        user_name=user_name,
        names=names,
        title=title,
        order_number=order_number,
        order_date=order_date,
        services=json.dumps(service_ids, ensure_ascii=False) if service_ids else None,
        created_at=utc_now(),
        created_by=by,
    )
    conn.execute(insert(officials).values(**values))
    audit_record(
        conn,
        by,
        "official.added",
        user_name,
        {"names": names, "title": title, "order": order, "services": service_ids or "all"},
    )
    return find_official(conn, user_name)


def remove_official(conn: Connection, user_name: str, by: str) -> dict:
    official = find_official(conn, user_name)
    if official is None:
        raise NotFoundError(f"„{user_name}“ не е длъжностно лице. {user_name} is not an official.")
    conn.execute(
        update(officials)
        .where(officials.c.id == official["id"])
        .values(removed_at=utc_now(), removed_by=by)
    )
    audit_record(conn, by, "official.removed", user_name, {"names": official["names"]})
    return official


def find_official(conn: Connection, user_name: str) -> dict | None:
    row = (
        conn.execute(
            select(officials).where(
                officials.c.user_name == user_name, officials.c.removed_at.is_(None)
            )
        )
        .mappings()
        .first()
    )
    return _shaped(row) if row else None


def list_officials(conn: Connection) -> list[dict]:
    rows = conn.execute(
        select(officials).where(officials.c.removed_at.is_(None)).order_by(officials.c.names)
    ).mappings()
    return [_shaped(row) for row in rows]


def may_sign(official: dict, service_id: str) -> bool:
    return official["services"] is None or service_id in official["services"]


def signing_official(conn: Connection, user_name: str, service_id: str) -> dict:
    """The official ``user_name`` is, if they may sign ``service_id``; else a refusal that says
    who may (names and titles)."""
    official = find_official(conn, user_name)
    catalogue = current_catalogue(conn)
    service = _service_name(catalogue, service_id) or service_id
    if official is None:
        raise NotAnOfficialError(
            f"„{user_name}“ не е длъжностно лице и не може да одобрява и подписва документи. "
            f"{_who_may(conn, service_id, service)} "
            f"{user_name} is not an official and cannot approve: an administrator links users "
            "to officials (`central-api officials add`)."
        )
    if not may_sign(official, service_id):
        raise NotAuthorisedError(
            f"{official['names']} ({official['title']}) няма право да подписва „{service}“. "
            f"{_who_may(conn, service_id, service)} "
            f"{official['names']} is not authorised to sign this service."
        )
    return official


def _who_may(conn: Connection, service_id: str, service: str) -> str:
    allowed = [o for o in list_officials(conn) if may_sign(o, service_id)]
    if not allowed:
        return (
            f"Никое длъжностно лице не е упълномощено за „{service}“: администраторът трябва да "
            "добави такова."
        )
    who = "; ".join(f"{o['names']}, {o['title']}" for o in allowed)
    return f"Може да подпише: {who}."
