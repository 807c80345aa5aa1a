"""The service catalogue's format: what a catalogue must hold before anyone uses it.

Central checks a catalogue before it sends it (``catalogue.updated``); the kiosk checks a received
catalogue before it shows it. The format is described in ``docs/catalogue.md``; the data lives in
``central_api/catalogue/services.json``. Checking a villager's answers against a service is
:mod:`sync.answers`; its functions are re-exported here, where callers have always found them.

Errors::

    SyncError                        (sync.errors)
    └── CatalogueError               the catalogue itself is wrong (names service and field)
        └── UnknownServiceError      no service with that id in this catalogue
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from .answers import (
    FieldProblem,
    FormChecker,
    normalize_field,
    normalize_fields,
    validate_field,
    validate_fields,
)
from .errors import SyncError

__all__ = [
    "FORMAT_VERSION",
    "ISSUANCE_KINDS",
    "FIELD_TYPES",
    "TIER_IDS",
    "CatalogueError",
    "UnknownServiceError",
    "FieldProblem",
    "FormChecker",
    "AUTHORITY_LEVELS",
    "UNCONFIRMABLE",
    "validate_catalogue",
    "find_service",
    "find_guide",
    "guides_of",
    "validate_field",
    "validate_fields",
    "normalize_field",
    "normalize_fields",
    "tier_fee_cents",
    "describe_service",
]

FORMAT_VERSION = 2
FIELD_TYPES = frozenset(
    {
        "text",
        "textarea",
        "egn",
        "lnch",
        "personal_number",
        "date",
        "phone",
        "email",
        "choice",
        "boolean",
        "integer",
    }
)
TIER_IDS = ("ordinary", "fast", "express")
# How the municipality issues a service's document: ``generated`` by central from its registers,
# ``attached`` (made in another of the municipality's systems, uploaded by the clerk, then signed
# and numbered by central), ``in_person`` (printed on an official form and collected at the
# office named in ``collect``), ``filed`` (a declaration the villager files: nothing is issued,
# ``collect`` says what happens to it). A document is never written from the villager's answers.
ISSUANCE_KINDS = ("generated", "attached", "in_person", "filed")
PERSONAL_NUMBER_KINDS = ("egn", "lnch")
# A person's ``<name>_kind`` may also offer "birth_date": no number, the names and the birth date
# instead (the register finds the person by them); the number is then not asked.
BY_BIRTH_DATE = "birth_date"
# Who issues the document: the mayoralty where the kiosk stands, or the municipal centre (the
# request travels there and the document comes back, or is collected there).
AUTHORITY_LEVELS = ("mayoralty", "municipal_centre")
# The facts of a service an administrator may mark as not confirmed (``unconfirmed``).
UNCONFIRMABLE = (
    "register_code",
    "official_name",
    "legal_basis",
    "authority",
    "fee",
    "deadline",
    "steps",
)
# The earliest deadline a kiosk can keep: its request and the document travel by
# synchronisation, so "immediately" or within hours of the same day cannot be promised.
MIN_HOURS = 24

_SERVICE_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_REGISTER_CODE = re.compile(r"^[0-9]{1,6}$")

_SERVICE_KEYS = {
    "id",
    "register_code",
    "unconfirmed",
    "name",
    "official_name",
    "legal_basis",
    "authority",
    "summary",
    "bring",
    "tiers",
    "legal_deadline_working_days",
    "fields",
    "issuance",
    "collect",
    "source",
}
_GUIDE_KEYS = {"id", "name", "summary", "steps", "services", "unconfirmed", "source"}
_FIELD_KEYS = {
    "name",
    "type",
    "required",
    "required_if",
    "label",
    "help",
    "group",
    "max_length",
    "options",
    "options_from",
    "min",
    "max",
    "not_future",
}
# A choice whose options are the municipality's settlements says so ("options_from":
# "settlements"); central fills its options from the municipality profile before it checks or
# sends the catalogue, so kiosks always receive the options themselves.
OPTION_SOURCES = ("settlements",)
_TIER_KEYS = {"id", "name", "fee_eur", "fee_source", "deadline"}
_TYPE_OPTIONS = {
    "text": {"max_length"},
    "textarea": {"max_length"},
    "choice": {"options", "options_from"},
    "integer": {"min", "max"},
    "date": {"not_future"},
}


class CatalogueError(SyncError):
    """The catalogue does not follow the format; the message names the service and the field."""

    code = "catalogue_invalid"
    http_status = 422

    def __init__(self, message: str, service_id: str | None = None, field_name: str | None = None):
        super().__init__(message)
        self.service_id = service_id
        self.field_name = field_name


class UnknownServiceError(CatalogueError):
    code = "unknown_service"
    http_status = 404


# --------------------------------------------------------------------------- catalogue format


def _fail(message: str, service_id: str | None = None, field_name: str | None = None):
    where = ""
    if service_id is not None:
        where = f"service {service_id!r}"
        if field_name is not None:
            where += f", field {field_name!r}"
        where += ": "
    raise CatalogueError(
        f"The service catalogue is not valid. {where}{message} "
        "Correct services.json (see docs/catalogue.md) and publish it again.",
        service_id,
        field_name,
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_bilingual(value: Any, what: str, service_id, field_name=None) -> None:
    if not isinstance(value, Mapping) or set(value) != {"bg", "en"}:
        _fail(f"{what} must be an object with exactly 'bg' and 'en'.", service_id, field_name)
    for language in ("bg", "en"):
        text = value[language]
        if not isinstance(text, str) or not text.strip():
            _fail(f"{what}.{language} must be a non-empty string.", service_id, field_name)


def _check_deadline(deadline: Any, what: str, service_id) -> None:
    if not isinstance(deadline, Mapping) or len(deadline) != 1:
        _fail(
            f'{what} must be one of {{"working_days": n}}, {{"calendar_days": n}}, {{"hours": n}}.',
            service_id,
        )
    ((kind, amount),) = deadline.items()
    if kind == "immediate" or (kind == "hours" and _is_int(amount) and 0 < amount < MIN_HOURS):
        _fail(
            f"{what}: a kiosk's request and its document travel by synchronisation, so it "
            f"cannot promise {'immediately' if kind == 'immediate' else f'{amount} hours'}; "
            f'the earliest is the next working day ({{"working_days": 1}} or '
            f'{{"hours": {MIN_HOURS}}}).',
            service_id,
        )
    elif kind in ("working_days", "calendar_days", "hours"):
        if not _is_int(amount) or amount < 1:
            _fail(f"{what}: {kind!r} must be a whole number of at least 1.", service_id)
    else:
        _fail(f"{what}: unknown deadline kind {kind!r}.", service_id)


def _check_tiers(tiers: Any, service_id) -> None:
    if not isinstance(tiers, list) or not tiers:
        _fail("'tiers' must be a non-empty list.", service_id)
    seen = set()
    for tier in tiers:
        if not isinstance(tier, Mapping) or set(tier) != _TIER_KEYS:
            _fail(
                "each tier needs exactly 'id', 'name', 'fee_eur', 'fee_source' and 'deadline'.",
                service_id,
            )
        tier_id = tier["id"]
        if tier_id not in TIER_IDS:
            _fail(f"tier id {tier_id!r} is not one of {', '.join(TIER_IDS)}.", service_id)
        if tier_id in seen:
            _fail(f"tier {tier_id!r} appears twice.", service_id)
        seen.add(tier_id)
        _check_bilingual(tier["name"], f"tier {tier_id!r} name", service_id)
        fee = tier["fee_eur"]
        if (
            isinstance(fee, bool)
            or not isinstance(fee, int | float)
            or not math.isfinite(fee)
            or fee < 0
            or round(fee, 2) != fee
        ):
            _fail(f"tier {tier_id!r}: fee_eur must be a number of euro with cents.", service_id)
        source = tier["fee_source"]
        if not isinstance(source, str) or not source.strip():
            _fail(
                f"tier {tier_id!r}: 'fee_source' must say where the fee comes from (the "
                "council's ordinance and its article, or that it is an example).",
                service_id,
            )
        _check_deadline(tier["deadline"], f"tier {tier_id!r} deadline", service_id)


def _check_issuance(service: Mapping, service_id: str) -> None:
    issuance = service["issuance"]
    if issuance not in ISSUANCE_KINDS:
        _fail(f"'issuance' must be one of {', '.join(ISSUANCE_KINDS)}.", service_id)
    if issuance in ("in_person", "filed"):
        if "collect" not in service:
            _fail(
                f"a service with issuance {issuance!r} needs 'collect': where and when the document is "
                "collected, or what happens to a filed declaration.",
                service_id,
            )
        _check_bilingual(service["collect"], "collect", service_id)
    elif "collect" in service:
        _fail("'collect' applies only to an in_person or filed service.", service_id)


def _check_authority(service: Mapping, service_id: str) -> None:
    authority = service["authority"]
    if not isinstance(authority, Mapping) or set(authority) != {"level", "name"}:
        _fail('\'authority\' must be {"level", "name": {"bg", "en"}}.', service_id)
    if authority["level"] not in AUTHORITY_LEVELS:
        _fail(f"authority level must be one of {', '.join(AUTHORITY_LEVELS)}.", service_id)
    _check_bilingual(authority["name"], "authority name", service_id)


def _check_unconfirmed(entry: Mapping, entry_id: str) -> list:
    marks = entry.get("unconfirmed", [])
    if not isinstance(marks, list) or not all(mark in UNCONFIRMABLE for mark in marks):
        _fail(
            f"'unconfirmed' must list what is not confirmed, from {', '.join(UNCONFIRMABLE)}.",
            entry_id,
        )
    if len(set(marks)) != len(marks):
        _fail("'unconfirmed' names a fact twice.", entry_id)
    return marks


def _check_field(field: Any, service_id: str, names: list[str]) -> None:
    if not isinstance(field, Mapping):
        _fail("each field must be an object.", service_id)
    name = field.get("name")
    if not isinstance(name, str) or not _FIELD_NAME.match(name):
        _fail(f"field name {name!r} must be lower-case letters, digits and _.", service_id)
    unknown = set(field) - _FIELD_KEYS
    if unknown:
        _fail(f"unknown keys {sorted(unknown)}.", service_id, name)
    for key in ("type", "required", "label", "help", "group"):
        if key not in field:
            _fail(f"missing {key!r}.", service_id, name)
    field_type = field["type"]
    if field_type not in FIELD_TYPES:
        _fail(f"type {field_type!r} is not one of {sorted(FIELD_TYPES)}.", service_id, name)
    allowed_options = _TYPE_OPTIONS.get(field_type, set())
    for key in {"max_length", "options", "options_from", "min", "max", "not_future"} & set(field):
        if key not in allowed_options:
            _fail(f"{key!r} does not apply to type {field_type!r}.", service_id, name)
    if not isinstance(field["required"], bool):
        _fail("'required' must be true or false.", service_id, name)
    _check_bilingual(field["label"], "label", service_id, name)
    _check_bilingual(field["help"], "help", service_id, name)
    if not isinstance(field["group"], str) or not _FIELD_NAME.match(field["group"]):
        _fail("'group' must be a lower-case word such as 'applicant'.", service_id, name)
    if "max_length" in field and (not _is_int(field["max_length"]) or field["max_length"] < 1):
        _fail("'max_length' must be a whole number of at least 1.", service_id, name)
    for key in ("min", "max"):
        if key in field and not _is_int(field[key]):
            _fail(f"{key!r} must be a whole number.", service_id, name)
    if "min" in field and "max" in field and field["min"] > field["max"]:
        _fail("'min' is larger than 'max'.", service_id, name)
    if "not_future" in field and not isinstance(field["not_future"], bool):
        _fail("'not_future' must be true or false.", service_id, name)
    if "options_from" in field and field["options_from"] not in OPTION_SOURCES:
        _fail(f"'options_from' must be one of {list(OPTION_SOURCES)}.", service_id, name)
    if field_type == "choice":
        options = field.get("options")
        if not isinstance(options, list) or not options:
            _fail("a choice needs a non-empty 'options' list.", service_id, name)
        values = set()
        for option in options:
            if not isinstance(option, Mapping) or set(option) != {"value", "label"}:
                _fail("each option needs exactly 'value' and 'label'.", service_id, name)
            value = option["value"]
            if not isinstance(value, str) or not value or value != value.strip():
                _fail(
                    "option values must be non-empty strings without spaces around.",
                    service_id,
                    name,
                )
            if value in values:
                _fail(f"option {value!r} appears twice.", service_id, name)
            values.add(value)
            _check_bilingual(option["label"], f"option {value!r} label", service_id, name)
    names.append(name)


def _choice_values(field: Mapping) -> set[str]:
    if field["type"] == "boolean":
        return {"true", "false"}
    return {option["value"] for option in field.get("options", [])}


def _check_field_relations(fields: list, service_id: str) -> None:
    by_name = {field["name"]: field for field in fields}
    for field in fields:
        name = field["name"]
        if field["type"] == "personal_number":
            kind = by_name.get(f"{name}_kind")
            if kind is None or kind["type"] != "choice":
                _fail(
                    f"a personal_number needs a choice field {name + '_kind'!r}.", service_id, name
                )
            offered = _choice_values(kind)
            if offered not in (set(PERSONAL_NUMBER_KINDS), {*PERSONAL_NUMBER_KINDS, BY_BIRTH_DATE}):
                _fail(
                    f"{name + '_kind'!r} must offer 'egn' and 'lnch' (and may offer "
                    f"{BY_BIRTH_DATE!r}).",
                    service_id,
                    name,
                )
            if BY_BIRTH_DATE in offered and not {"first_name", "last_name", "birth_date"} <= set(
                by_name
            ):
                _fail(
                    f"{name + '_kind'!r} offers {BY_BIRTH_DATE!r}, so the form needs first_name, "
                    "last_name and birth_date.",
                    service_id,
                    name,
                )
        condition = field.get("required_if")
        if condition is None:
            continue
        if field["required"]:
            _fail("a field is either 'required' or 'required_if', not both.", service_id, name)
        if not isinstance(condition, Mapping) or set(condition) != {"field", "value"}:
            _fail('\'required_if\' must be {"field": name, "value": value}.', service_id, name)
        other = by_name.get(condition["field"])
        if other is None or other["type"] not in ("choice", "boolean"):
            _fail(
                "'required_if' must name a choice or boolean field of this form.", service_id, name
            )
        if condition["value"] not in _choice_values(other):
            _fail(f"'required_if' value {condition['value']!r} is not an option.", service_id, name)


def _check_service(service: Any, index: int) -> str:
    if not isinstance(service, Mapping):
        _fail(f"service number {index + 1} must be an object.")
    service_id = service.get("id")
    if not isinstance(service_id, str) or not _SERVICE_ID.match(service_id):
        _fail(f"service number {index + 1} has id {service_id!r}; use lower-case words with -.")
    unknown = set(service) - _SERVICE_KEYS
    if unknown:
        _fail(f"unknown keys {sorted(unknown)}.", service_id)
    missing = _SERVICE_KEYS - {"unconfirmed", "source", "collect"} - set(service)
    if missing:
        _fail(f"missing keys {sorted(missing)}.", service_id)
    marks = _check_unconfirmed(service, service_id)
    code = service["register_code"]
    if code is None:
        if "register_code" not in marks:
            _fail("register_code is null, so 'unconfirmed' must list 'register_code'.", service_id)
    elif not isinstance(code, str) or not _REGISTER_CODE.match(code):
        _fail("register_code must be the register's number as a string, or null.", service_id)
    if "source" in service and not isinstance(service["source"], str):
        _fail("'source' must be a string.", service_id)
    _check_bilingual(service["name"], "name", service_id)
    _check_bilingual(service["official_name"], "official_name", service_id)
    _check_bilingual(service["legal_basis"], "legal_basis", service_id)
    _check_authority(service, service_id)
    _check_bilingual(service["summary"], "summary", service_id)
    bring = service["bring"]
    if not isinstance(bring, Mapping) or set(bring) != {"bg", "en"}:
        _fail("'bring' must be an object with 'bg' and 'en' lists.", service_id)
    if not all(isinstance(bring[lang], list) for lang in ("bg", "en")) or len(bring["bg"]) != len(
        bring["en"]
    ):
        _fail("'bring' needs two lists of the same length.", service_id)
    for item in bring["bg"] + bring["en"]:
        if not isinstance(item, str) or not item.strip():
            _fail("each thing to bring must be a non-empty string.", service_id)
    _check_issuance(service, service_id)
    _check_tiers(service["tiers"], service_id)
    legal = service["legal_deadline_working_days"]
    if not _is_int(legal) or legal < 0:
        _fail("legal_deadline_working_days must be a whole number of at least 0.", service_id)
    fields = service["fields"]
    if not isinstance(fields, list) or not fields:
        _fail("'fields' must be a non-empty list.", service_id)
    names: list[str] = []
    for field in fields:
        _check_field(field, service_id, names)
        if names.count(names[-1]) > 1:
            _fail("the field name appears twice.", service_id, names[-1])
    _check_field_relations(fields, service_id)
    return service_id


def validate_catalogue(catalogue: dict) -> None:
    """Raise ``CatalogueError`` naming the first wrong service and field; return if all is well."""
    if not isinstance(catalogue, Mapping):
        _fail("the catalogue must be a JSON object.")
    unknown = set(catalogue) - {"format", "version", "services", "guides"}
    if unknown:
        _fail(f"unknown top-level keys {sorted(unknown)}.")
    if catalogue.get("format") != FORMAT_VERSION:
        _fail(f"'format' must be {FORMAT_VERSION}; this software reads no other.")
    version = catalogue.get("version")
    if not _is_int(version) or version < 1:
        _fail("'version' must be a whole number of at least 1.")
    services = catalogue.get("services")
    if not isinstance(services, list) or not services:
        _fail("'services' must be a non-empty list.")
    seen = set()
    for index, service in enumerate(services):
        service_id = _check_service(service, index)
        if service_id in seen:
            _fail("the service id appears twice.", service_id)
        seen.add(service_id)
    guides = catalogue.get("guides", [])
    if not isinstance(guides, list):
        _fail("'guides' must be a list.")
    for index, guide in enumerate(guides):
        guide_id = _check_guide(guide, index, seen)
        seen.add(guide_id)


def _check_guide(guide: Any, index: int, known: set[str]) -> str:
    """A guide is text the kiosk shows (what to do when…), with the services it points to; it
    takes no request."""
    if not isinstance(guide, Mapping):
        _fail(f"guide number {index + 1} must be an object.")
    guide_id = guide.get("id")
    if not isinstance(guide_id, str) or not _SERVICE_ID.match(guide_id):
        _fail(f"guide number {index + 1} has id {guide_id!r}; use lower-case words with -.")
    if guide_id in known:
        _fail("the id is already a service's or another guide's.", guide_id)
    unknown = set(guide) - _GUIDE_KEYS
    missing = _GUIDE_KEYS - {"unconfirmed", "source"} - set(guide)
    if unknown or missing:
        _fail(f"unknown keys {sorted(unknown)}, missing keys {sorted(missing)}.", guide_id)
    _check_unconfirmed(guide, guide_id)
    _check_bilingual(guide["name"], "name", guide_id)
    _check_bilingual(guide["summary"], "summary", guide_id)
    steps = guide["steps"]
    if (
        not isinstance(steps, Mapping)
        or set(steps) != {"bg", "en"}
        or not all(isinstance(steps[lang], list) and steps[lang] for lang in ("bg", "en"))
        or len(steps["bg"]) != len(steps["en"])
        or not all(isinstance(step, str) and step.strip() for step in steps["bg"] + steps["en"])
    ):
        _fail("'steps' needs two non-empty lists of texts of the same length.", guide_id)
    services = guide["services"]
    if not isinstance(services, list) or not all(sid in known for sid in services):
        _fail("'services' must list ids of services of this catalogue.", guide_id)
    if "source" in guide and not isinstance(guide["source"], str):
        _fail("'source' must be a string.", guide_id)
    return guide_id


def find_service(catalogue: dict, service_id: str) -> dict:
    """The service with this id; ``UnknownServiceError`` when the catalogue has none."""
    for service in catalogue.get("services", []):
        if isinstance(service, Mapping) and service.get("id") == service_id:
            return service
    raise UnknownServiceError(
        f"There is no service {service_id!r} in catalogue version {catalogue.get('version')}. "
        "Choose a service from the current list; if the kiosk's list is old, let it synchronise.",
        service_id,
    )


def guides_of(catalogue: Mapping | None) -> list[dict]:
    """The catalogue's guides (text the kiosk shows; no request), in their order."""
    return [g for g in (catalogue or {}).get("guides") or [] if isinstance(g, Mapping)]


def find_guide(catalogue: Mapping, guide_id: str) -> dict:
    """The guide with this id; ``UnknownServiceError`` when the catalogue has none."""
    for guide in guides_of(catalogue):
        if guide.get("id") == guide_id:
            return guide
    raise UnknownServiceError(
        f"There is no guide {guide_id!r} in catalogue version {catalogue.get('version')}.",
        guide_id,
    )


def tier_fee_cents(service: Mapping | None, tier: str | None) -> int | None:
    """The fee of ``service`` in ``tier``, in euro cents; None when the tier is not offered."""
    for option in (service or {}).get("tiers") or []:
        if isinstance(option, Mapping) and option.get("id") == tier:
            return round(float(option["fee_eur"]) * 100)
    return None


def describe_service(service: Mapping) -> dict:
    """What a script needs to fill in a request for ``service`` without reading the code
    (``kiosk-app services --json``): its id, names, tiers and, for each field, its type, whether
    it is required, when it becomes required (``required_if``: another field's answer), its
    options and its length limit. A ``personal_number`` field comes with its ``<name>_kind``
    companion (``egn`` or ``lnch``), as the screens ask it."""
    fields = []
    names = {field["name"] for field in service.get("fields") or []}
    for field in service.get("fields") or []:
        described = {
            "name": field["name"],
            "type": field["type"],
            "label": field.get("label"),
            "required": bool(field.get("required", False)),
            "required_if": dict(field["required_if"]) if field.get("required_if") else None,
            "options": _described_options(field),
            "max_length": field.get("max_length"),
        }
        fields.append(described)
        if field["type"] == "personal_number" and f"{field['name']}_kind" not in names:
            fields.append(
                {
                    "name": f"{field['name']}_kind",
                    "type": "choice",
                    "label": {"bg": "ЕГН или ЛНЧ", "en": "ЕГН (citizen) or ЛНЧ (foreigner)"},
                    "required": False,
                    "required_if": None,
                    "options": [{"value": "egn", "label": None}, {"value": "lnch", "label": None}],
                    "max_length": None,
                }
            )
    return {
        "id": service["id"],
        "name": service.get("name"),
        "tiers": [
            {"id": tier["id"], "fee_eur": tier["fee_eur"], "deadline": tier["deadline"]}
            for tier in service.get("tiers") or []
        ],
        "fields": fields,
    }


def _described_options(field: Mapping) -> list[dict] | None:
    if field["type"] == "boolean":
        return [{"value": "true", "label": None}, {"value": "false", "label": None}]
    if field["type"] != "choice":
        return None
    return [
        {"value": option["value"], "label": option.get("label")}
        for option in field.get("options", [])
    ]
