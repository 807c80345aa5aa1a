"""What a document says, as data: the canonical content whose hash the QR statement carries.

The PDF cannot hold a hash of its own bytes, so the statement signs the hash of the *content*:
the canonical JSON (``sync.canonical_json``: sorted keys, no spaces, UTF-8) of ::

    {"v": 2, "number": "2026-000017", "issued_on": "2026-03-02", "service": "<service id>",
     "village": "<village code>", "reference": "DZH1-00042", "facts": {<what it states>},
     "official": "<names>", "official_title": "<title>", "official_order": "<order or empty>"}

``facts`` are what the document states, from the registers (or, for a refusal, the clerk's
decision; for an attached document, its SHA-256), never the request's answers.

Anyone holding the request data (the central office, an auditor) can recompute it with
:func:`content_sha256` and compare it with the statement.
"""

from __future__ import annotations

import datetime
import hashlib

from sync import canonical_json

CONTENT_VERSION = 2


def document_content(
    *,
    number: str,
    issued_on: datetime.date,
    service: dict,
    request: dict,
    facts: dict,
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
        "facts": facts,
        "official": official,
        "official_title": official_title,
        "official_order": official_order,
    }


def content_sha256(content: dict) -> str:
    """Hex SHA-256 of the canonical JSON of a :func:`document_content` dict."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


def holder_initials(names: str) -> str:
    """``"И. П. Д."`` from the registered names: enough to match a paper, no more."""
    return " ".join(f"{part[0].upper()}." for part in (names or "").split())
