"""The service catalogue shipped with the software, as data (``services.json``), checked on
loading, and a summary for scripts.

The format and its validation live in ``sync.catalogue`` because the kiosks read the same data.
The catalogue names no settlement: a choice of settlement says ``"options_from":
"settlements"`` and :func:`with_settlements` fills its options from the municipality profile
(:mod:`central_api.municipality`) before the catalogue is checked, published or sent.
"""

from __future__ import annotations

import copy
import functools
import json
from importlib import resources

from sync.catalogue import validate_catalogue
from sync.municipality import Municipality

__all__ = ["default_catalogue", "catalogue_summary", "with_settlements"]

SETTLEMENTS = "settlements"


def default_catalogue(municipality: Municipality) -> dict:
    """A fresh copy of the catalogue shipped with the software, its settlement choices filled
    from ``municipality``, validated (``CatalogueError``)."""
    return copy.deepcopy(_shipped_catalogue(municipality))


def with_settlements(catalogue: dict, municipality: Municipality) -> dict:
    """A copy of ``catalogue`` whose choices marked ``"options_from": "settlements"`` offer the
    settlements of ``municipality``, in the profile's order (filled again on every change)."""
    options = [
        {
            "value": settlement.code,
            "label": {"bg": settlement.label("bg"), "en": settlement.label("en")},
        }
        for settlement in municipality.settlements
    ]
    filled = copy.deepcopy(catalogue)
    for service in filled.get("services") or []:
        for field in (service.get("fields") or []) if isinstance(service, dict) else []:
            if isinstance(field, dict) and field.get("options_from") == SETTLEMENTS:
                field["options"] = copy.deepcopy(options)
    return filled


@functools.cache
def _shipped_template() -> dict:
    text = resources.files(__package__).joinpath("services.json").read_text(encoding="utf-8")
    return json.loads(text)


@functools.cache
def _shipped_catalogue(municipality: Municipality) -> dict:
    # Filled and validated once per process and profile: every received request looks its
    # service up.
    catalogue = with_settlements(_shipped_template(), municipality)
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
