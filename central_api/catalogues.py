"""Which service catalogue is in force: the newest published one, else the built-in default.

Publishing a catalogue (``central-api catalogue publish FILE``, the office's catalogue page)
checks it with the format checks of :mod:`sync.catalogue`, stores it as a new version higher
than the one in force, and queues ``catalogue.updated`` for every active kiosk, so they all
offer the same services with the same fields at their next exchange. Choices of settlement
(``"options_from": "settlements"``) are filled from the municipality profile on publishing, and
again whenever the profile changes (:func:`refill_settlements`).
"""

from __future__ import annotations

import functools
import json

from sqlalchemy import Connection, func, insert, select

from sync.catalogue import CatalogueError, validate_catalogue
from sync.municipality import Municipality

from .audit import record as audit_record
from .catalogue import SETTLEMENTS, default_catalogue, with_settlements
from .db import utc_now
from .db.schema import catalogues, kiosks
from .errors import InvalidInputError
from .municipality import current_municipality


def current_catalogue(conn: Connection) -> dict:
    """The catalogue in force. Callers must not change it: it is shared within the process."""
    version = conn.execute(select(func.max(catalogues.c.version))).scalar()
    if version is None:
        return _default_shared(current_municipality(conn))
    data = conn.execute(select(catalogues.c.data).where(catalogues.c.version == version))
    text = data.scalar_one()
    if text not in _published:
        # Published versions never change, so each is parsed once per process (keyed by its
        # text: two databases in one process may both hold a version 2).
        _published[text] = json.loads(text)
    return _published[text]


_published: dict[str, dict] = {}


@functools.cache
def _default_shared(municipality: Municipality) -> dict:
    return default_catalogue(municipality)


def check_catalogue_file(data: bytes | str, municipality: Municipality) -> dict:
    """The catalogue in ``data`` (JSON) with its settlement choices filled, checked; an
    :class:`InvalidInputError` naming the service and field to fix."""
    try:
        catalogue = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"The catalogue is not valid JSON ({exc}).") from exc
    if not isinstance(catalogue, dict) or not isinstance(catalogue.get("services"), list):
        raise InvalidInputError(
            'A catalogue is {"format": 2, "version": n, "services": [...]} (docs/catalogue.md).'
        )
    filled = with_settlements(catalogue, municipality)
    try:
        validate_catalogue(filled)
    except CatalogueError as exc:
        raise InvalidInputError(f"The catalogue cannot be published: {exc.message}") from exc
    return filled


def publish_catalogue(conn: Connection, catalogue: dict, published_by: str = "admin") -> int:
    """Check ``catalogue``, store it as a new version (higher than the one in force) and send it
    to the kiosks; the version."""
    checked = check_catalogue_file(json.dumps(catalogue), current_municipality(conn))
    in_force = current_catalogue(conn)
    newest = conn.execute(select(func.max(catalogues.c.version))).scalar() or 0
    version = max(_whole(checked.get("version")), newest + 1, _whole(in_force.get("version")) + 1)
    data = {**checked, "version": version}
    conn.execute(
        insert(catalogues).values(
            version=version,
            data=json.dumps(data, ensure_ascii=False, sort_keys=True),
            published_at=utc_now(),
            published_by=published_by,
        )
    )
    from .workflow import queue_record

    active = conn.execute(select(kiosks.c.id).where(kiosks.c.revoked_at.is_(None))).scalars()
    for kiosk_id in active:
        queue_record(conn, kiosk_id, "catalogue.updated", data)
    audit_record(
        conn, published_by, "catalogue.published", str(version), {"services": len(data["services"])}
    )
    return version


def publish_from_file(conn: Connection, data: bytes | str, published_by: str = "admin") -> int:
    """Check the catalogue in ``data`` (JSON text of a file) and publish it; its version."""
    checked = check_catalogue_file(data, current_municipality(conn))
    return publish_catalogue(conn, checked, published_by)


def refill_settlements(conn: Connection, by: str = "admin") -> int | None:
    """After the municipality profile changed: publish the catalogue in force again if it has
    choices of settlement, so the kiosks offer the new settlements; the new version or None."""
    in_force = current_catalogue(conn)
    uses_settlements = any(
        field.get("options_from") == SETTLEMENTS
        for service in in_force["services"]
        for field in service["fields"]
    )
    if not uses_settlements:
        return None
    return publish_catalogue(conn, in_force, by)


def _whole(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
