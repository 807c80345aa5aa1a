"""The municipality's service catalogue, as data (``services.json``), checked on loading.

The format and its validation live in ``sync.catalogue`` because the kiosks read the same data;
this package only holds the municipality's own catalogue and a summary for scripts.
"""

from __future__ import annotations

import copy
import functools
import json
from importlib import resources

from sync.catalogue import validate_catalogue

__all__ = ["default_catalogue", "catalogue_summary"]


def default_catalogue() -> dict:
    """A fresh copy of the catalogue shipped with the software, validated (``CatalogueError``)."""
    return copy.deepcopy(_shipped_catalogue())


@functools.cache
def _shipped_catalogue() -> dict:
    # Parsed and validated once per process: every received request looks its service up.
    text = resources.files(__package__).joinpath("services.json").read_text(encoding="utf-8")
    catalogue = json.loads(text)
    validate_catalogue(catalogue)
    return catalogue


def catalogue_summary(catalogue: dict) -> list[dict]:
    """Each service's id and its fields' name, type and required flag (``services --json``)."""
    return [
        {
            "id": service["id"],
            "fields": [
                {"name": field["name"], "type": field["type"], "required": field["required"]}
                for field in service["fields"]
            ],
        }
        for service in catalogue["services"]
    ]
