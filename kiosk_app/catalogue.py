"""The kiosk's view of the service catalogue received from central.

Field validation is :func:`sync.catalogue.validate_fields` (shared with central) when that module
is present; until then a minimal local check (unknown and missing required fields) stands in.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import UnknownServiceError

try:  # the shared catalogue module is written in parallel; fall back while it is missing
    from sync import catalogue as _shared
except ImportError:  # pragma: no cover - depends on the checkout
    _shared = None


@dataclass(frozen=True)
class LocalFieldProblem:
    field: str
    code: str
    message: dict


def services_of(catalogue: dict | None) -> list[dict]:
    return list((catalogue or {}).get("services") or [])


def find_service(catalogue: dict | None, service_id: str) -> dict:
    """The catalogue entry of ``service_id``, or :class:`UnknownServiceError`."""
    found = None
    if _shared is not None and hasattr(_shared, "find_service") and catalogue:
        try:
            found = _shared.find_service(catalogue, service_id)
        except Exception:  # noqa: BLE001 - its error tree is not ours; fall back to a scan
            found = None
    if found is None:
        found = next(
            (service for service in services_of(catalogue) if service.get("id") == service_id),
            None,
        )
    if found is None:
        known = ", ".join(service.get("id", "?") for service in services_of(catalogue))
        raise UnknownServiceError(
            f"There is no service '{service_id}' in this kiosk's catalogue"
            + (f" (known: {known})." if known else "; sync or re-enroll to receive one.")
        )
    return found if isinstance(found, dict) else _as_dict(found)


def _as_dict(service) -> dict:
    to_json = getattr(service, "to_json", None)
    return to_json() if callable(to_json) else dict(service)


def field_summary(service: dict) -> list[dict]:
    """Each field's name, type and whether it is required (what `services --json` prints)."""
    return [
        {
            "name": field.get("name"),
            "type": field.get("type", "text"),
            "required": bool(field.get("required", False)),
        }
        for field in service.get("fields") or []
    ]


def check_catalogue(catalogue: dict) -> str | None:
    """None if ``catalogue`` follows the shared format, else what is wrong with it."""
    if not isinstance(catalogue, dict) or not isinstance(catalogue.get("services"), list):
        return "the catalogue has no list of services"
    if _shared is not None and hasattr(_shared, "validate_catalogue"):
        try:
            _shared.validate_catalogue(catalogue)
        except Exception as exc:  # noqa: BLE001 - CatalogueError; any failure means "refuse"
            return getattr(exc, "message", None) or str(exc)
    return None


def normalize_fields(service: dict, fields: dict) -> dict:
    """Canonical answers (trimmed, numbers without spaces, ISO dates) when the shared module is
    present; otherwise trimmed strings without the empty ones."""
    if _shared is not None and hasattr(_shared, "normalize_fields"):
        return dict(_shared.normalize_fields(service, fields))
    normal = {}
    for name, value in fields.items():
        value = value.strip() if isinstance(value, str) else value
        if value not in (None, ""):
            normal[name] = value
    return normal


def validate_fields(service: dict, fields: dict) -> list:
    """Problems with ``fields`` for ``service``: objects with field, code, message {bg, en}."""
    if _shared is not None and hasattr(_shared, "validate_fields"):
        return list(_shared.validate_fields(service, fields))
    problems = []
    known = {field.get("name") for field in service.get("fields") or []}
    for name in fields:
        if name not in known:
            problems.append(
                LocalFieldProblem(
                    name,
                    "unknown_field",
                    {"bg": f"Непознато поле „{name}“.", "en": f"Unknown field '{name}'."},
                )
            )
    for field in service.get("fields") or []:
        if field.get("required") and not str(fields.get(field.get("name"), "")).strip():
            name = field.get("name")
            problems.append(
                LocalFieldProblem(
                    name,
                    "required",
                    {"bg": f"Попълнете „{name}“.", "en": f"Fill in '{name}'."},
                )
            )
    return problems
