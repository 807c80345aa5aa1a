"""Which service catalogue is in force: the newest published one, else the built-in default.

Publishing a catalogue stores it as a new version and queues ``catalogue.updated`` for every
active kiosk, so they all offer the same services with the same fields.
"""

from __future__ import annotations

import functools
import json

from sqlalchemy import Connection, func, insert, select

from .catalogue import default_catalogue as built_in_catalogue
from .db import utc_now
from .db.schema import catalogues, kiosks
from .errors import InvalidInputError


def default_catalogue() -> dict:
    """The catalogue shipped with the software (central_api/catalogue/services.json)."""
    return built_in_catalogue()


def current_catalogue(conn: Connection) -> dict | None:
    """The catalogue in force. Callers must not change it: it is shared within the process."""
    version = conn.execute(select(func.max(catalogues.c.version))).scalar()
    if version is None:
        return _default_shared()
    if version not in _published:
        # Published versions never change, so each is parsed once per process.
        data = conn.execute(select(catalogues.c.data).where(catalogues.c.version == version))
        _published[version] = json.loads(data.scalar_one())
    return _published[version]


_published: dict[int, dict] = {}


@functools.cache
def _default_shared() -> dict | None:
    return default_catalogue()


def publish_catalogue(conn: Connection, catalogue: dict, published_by: str = "admin") -> int:
    """Store ``catalogue`` as a new version (higher than any before) and send it to the kiosks."""
    if not isinstance(catalogue, dict) or not isinstance(catalogue.get("services"), list):
        raise InvalidInputError("A catalogue is {'version': n, 'services': [...]}.")
    newest = conn.execute(select(func.max(catalogues.c.version))).scalar() or 0
    version = max(int(catalogue.get("version") or 0), newest + 1)
    data = {**catalogue, "version": version}
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
    return version
