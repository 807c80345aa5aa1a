"""What a document says, as data: the canonical content whose hash the QR statement carries.

The PDF cannot hold a hash of its own bytes, so the statement signs the hash of the *content*:
the canonical JSON (``sync.canonical_json``: sorted keys, no spaces, UTF-8) of ::

    {"v": 1, "number": "2026-000017", "issued_on": "2026-03-02", "service": "<service id>",
     "village": "<village code>", "reference": "DZH1-00042", "fields": {<request fields>},
     "official": "<names>", "official_title": "<title>", "official_order": "<order or empty>"}

Anyone holding the request data (the central office, an auditor) can recompute it with
:func:`content_sha256` and compare it with the statement.
"""

from __future__ import annotations

import datetime
import hashlib

from sync import canonical_json

CONTENT_VERSION = 1

VILLAGES = {
    "dzhulyunitsa": "Джулюница",
    "dobri-dyal": "Добри дял",
    "kozarevets": "Козаревец",
    "dragizhevo": "Драгижево",
    "merdanya": "Мерданя",
    "lyaskovets": "Лясковец",
}


def village_name(village_code: str | None) -> str:
    return VILLAGES.get(village_code or "", village_code or "")


def document_content(
    *,
    number: str,
    issued_on: datetime.date,
    service: dict,
    request: dict,
    official: str,
    official_title: str,
    official_order: str = "",
) -> dict:
    return {
        "v": CONTENT_VERSION,
        "number": number,
        "issued_on": issued_on.isoformat(),
        "service": str(service["id"]),
        "village": request.get("village") or "",
        "reference": request.get("reference") or "",
        "fields": dict(request.get("fields") or {}),
        "official": official,
        "official_title": official_title,
        "official_order": official_order,
    }


def content_sha256(content: dict) -> str:
    """Hex SHA-256 of the canonical JSON of a :func:`document_content` dict."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


def holder_initials(fields: dict) -> str:
    """``"И. П. Д."`` from first, middle and last name: enough to match a paper, no more."""
    parts = [fields.get(key) for key in ("first_name", "middle_name", "last_name")]
    return " ".join(f"{part.strip()[0].upper()}." for part in parts if part and part.strip())


def full_name(fields: dict, prefix: str = "") -> str:
    parts = [fields.get(f"{prefix}{key}") for key in ("first_name", "middle_name", "last_name")]
    name = " ".join(part.strip() for part in parts if part and str(part).strip())
    return name or str(fields.get(f"{prefix}name") or fields.get(f"{prefix}full_name") or "")
