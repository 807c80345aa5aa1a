"""The kiosk's view of the service catalogue received from central.

The format and every answer check are the shared ones (:mod:`sync.catalogue`,
:mod:`sync.answers`), so the kiosk refuses exactly what central would refuse; here they are
only given the kiosk's errors.
"""

from __future__ import annotations

from sync import catalogue as shared

from .errors import UnknownServiceError

__all__ = [
    "check_catalogue",
    "find_service",
    "services_of",
]


def services_of(catalogue: dict | None) -> list[dict]:
    return list((catalogue or {}).get("services") or [])


def find_service(catalogue: dict | None, service_id: str) -> dict:
    """The catalogue entry of ``service_id``, or :class:`UnknownServiceError`."""
    try:
        return shared.find_service(catalogue or {}, service_id)
    except shared.UnknownServiceError as exc:
        known = ", ".join(service.get("id", "?") for service in services_of(catalogue))
        raise UnknownServiceError(
            f"There is no service '{service_id}' in this kiosk's catalogue"
            + (f" (known: {known})." if known else "; sync or re-enroll to receive one.")
        ) from exc


def check_catalogue(catalogue: dict) -> str | None:
    """None if ``catalogue`` follows the shared format, else what is wrong with it."""
    if not isinstance(catalogue, dict) or not isinstance(catalogue.get("services"), list):
        return "the catalogue has no list of services"
    try:
        shared.validate_catalogue(catalogue)
    except shared.CatalogueError as exc:
        return exc.message
    return None
