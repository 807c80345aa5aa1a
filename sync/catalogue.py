"""The service catalogue: its format, and the validation of a villager's answers against it.

Both sides share this module. Central checks a catalogue before it sends it
(``catalogue.updated``) and checks every ``request.submitted`` against it; the kiosk checks a
received catalogue before it shows it, and validates each field as the villager types. The format
is described in ``docs/catalogue.md``; the data lives in ``central_api/catalogue/services.json``.

Field values are always strings on the form and on the wire. An empty or blank string means
"not given". A ``personal_number`` field (ЕГН or ЛНЧ) has a companion choice field named
``<name>_kind`` with the options ``egn`` and ``lnch``: some numbers pass both checksums, so the
person says which kind it is, as the paper forms ask.

Errors::

    SyncError                        (sync.errors)
    └── CatalogueError               the catalogue itself is wrong (names service and field)
        └── UnknownServiceError      no service with that id in this catalogue

A villager's wrong answer is not an exception: ``validate_fields`` and ``validate_field`` return
``FieldProblem`` values whose bilingual message says how to put it right.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stdnum.bg import egn as _egn
from stdnum.bg import pnf as _pnf

from .errors import SyncError

__all__ = [
    "FORMAT_VERSION",
    "FIELD_TYPES",
    "TIER_IDS",
    "CatalogueError",
    "UnknownServiceError",
    "FieldProblem",
    "validate_catalogue",
    "find_service",
    "validate_field",
    "validate_fields",
    "normalize_field",
    "normalize_fields",
]

FORMAT_VERSION = 1
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
DEFAULT_MAX_LENGTH = {"text": 200, "textarea": 2000}
PERSONAL_NUMBER_KINDS = ("egn", "lnch")
TRUE_WORDS = frozenset({"true", "yes", "1", "да"})
FALSE_WORDS = frozenset({"false", "no", "0", "не"})

_SERVICE_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_REGISTER_CODE = re.compile(r"^[0-9]{1,6}$")
_DIGITS = re.compile(r"^[0-9]*$")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_BG_DATE = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_PHONE_SEPARATORS = re.compile(r"[\s\-./()]")
_NUMBER_SEPARATORS = re.compile(r"[\s\-.]")
# Control characters other than tab and newline have no business in a form answer.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n]")

_SERVICE_KEYS = {
    "id",
    "register_code",
    "unconfirmed",
    "name",
    "summary",
    "bring",
    "tiers",
    "legal_deadline_working_days",
    "fields",
    "source",
}
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
    "min",
    "max",
    "not_future",
}
_TYPE_OPTIONS = {
    "text": {"max_length"},
    "textarea": {"max_length"},
    "choice": {"options"},
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


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one answer. ``message`` has ``bg`` and ``en``, saying how to fix it."""

    field: str
    code: str
    message: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "code": self.code, "message": dict(self.message)}


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
            f'{what} must be one of {{"working_days": n}}, {{"hours": n}}, {{"immediate": true}}.',
            service_id,
        )
    ((kind, amount),) = deadline.items()
    if kind == "immediate":
        if amount is not True:
            _fail(f'{what}: "immediate" must be true.', service_id)
    elif kind in ("working_days", "hours"):
        if not _is_int(amount) or amount < 0 or (kind == "hours" and amount == 0):
            _fail(f"{what}: {kind!r} must be a whole number of at least 0 (hours: 1).", service_id)
    else:
        _fail(f"{what}: unknown deadline kind {kind!r}.", service_id)


def _check_tiers(tiers: Any, service_id) -> None:
    if not isinstance(tiers, list) or not tiers:
        _fail("'tiers' must be a non-empty list.", service_id)
    seen = set()
    for tier in tiers:
        if not isinstance(tier, Mapping) or set(tier) != {"id", "name", "fee_eur", "deadline"}:
            _fail("each tier needs exactly 'id', 'name', 'fee_eur' and 'deadline'.", service_id)
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
        _check_deadline(tier["deadline"], f"tier {tier_id!r} deadline", service_id)


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
    for key in {"max_length", "options", "min", "max", "not_future"} & set(field):
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
            if _choice_values(kind) != set(PERSONAL_NUMBER_KINDS):
                _fail(f"{name + '_kind'!r} must offer exactly 'egn' and 'lnch'.", service_id, name)
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
    missing = _SERVICE_KEYS - {"unconfirmed", "source"} - set(service)
    if missing:
        _fail(f"missing keys {sorted(missing)}.", service_id)
    code = service["register_code"]
    if code is None:
        if service.get("unconfirmed") is not True:
            _fail("register_code is null, so 'unconfirmed' must be true.", service_id)
    elif not isinstance(code, str) or not _REGISTER_CODE.match(code):
        _fail("register_code must be the register's number as a string, or null.", service_id)
    if "unconfirmed" in service and not isinstance(service["unconfirmed"], bool):
        _fail("'unconfirmed' must be true or false.", service_id)
    if "source" in service and not isinstance(service["source"], str):
        _fail("'source' must be a string.", service_id)
    _check_bilingual(service["name"], "name", service_id)
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
    unknown = set(catalogue) - {"format", "version", "services"}
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


# --------------------------------------------------------------------------- answers


def _problem(field: str, code: str, bg: str, en: str) -> FieldProblem:
    return FieldProblem(field, code, {"bg": bg, "en": en})


def _digits_bg(count: int) -> str:
    return "1 цифра" if count == 1 else f"{count} цифри"


def _digits_en(count: int) -> str:
    return "1 digit" if count == 1 else f"{count} digits"


def _check_number_shape(name: str, number: str, label: str, prefix: str) -> FieldProblem | None:
    """Digits only, ten of them. ``label`` is ЕГН or ЛНЧ: the same word in both languages."""
    if not _DIGITS.match(number):
        return _problem(
            name,
            f"{prefix}_not_digits",
            f"{label} се състои само от цифри — махнете буквите и другите знаци.",
            f"The {label} is made of digits only — remove the letters and other signs.",
        )
    if len(number) != 10:
        return _problem(
            name,
            f"{prefix}_length",
            f"{label} трябва да има 10 цифри; вие въведохте {_digits_bg(len(number))}.",
            f"The {label} must have 10 digits; you entered {_digits_en(len(number))}.",
        )
    return None


def _check_egn(name: str, value: str, today: _dt.date) -> FieldProblem | None:
    number = _NUMBER_SEPARATORS.sub("", value)
    shape = _check_number_shape(name, number, "ЕГН", "egn")
    if shape:
        return shape
    try:
        born = _egn.get_birth_date(number)
    except Exception:
        day, month = number[4:6], int(number[2:4]) % 20
        return _problem(
            name,
            "egn_bad_date",
            f"Първите 6 цифри на ЕГН са датата на раждане, а такава дата няма: {day}.{month:02d}. "
            "Проверете ЕГН в личната карта.",
            f"The first 6 digits of the ЕГН are the birth date, and {day}.{month:02d} does not "
            "exist. Check the ЕГН on the identity card.",
        )
    if _egn.calc_check_digit(number[:-1]) != number[-1]:
        return _problem(
            name,
            "egn_checksum",
            "Контролната цифра не съвпада — проверете последната цифра в личната карта.",
            "The check digit does not match — check the last digit on the identity card.",
        )
    if born > today:
        shown = born.strftime("%d.%m.%Y")
        return _problem(
            name,
            "egn_future",
            f"Според този ЕГН датата на раждане е {shown}, в бъдещето. "
            "Проверете първите 6 цифри в личната карта.",
            f"This ЕГН gives a birth date of {shown}, which is in the future. "
            "Check the first 6 digits on the identity card.",
        )
    return None


def _check_lnch(name: str, value: str) -> FieldProblem | None:
    number = _NUMBER_SEPARATORS.sub("", value)
    shape = _check_number_shape(name, number, "ЛНЧ", "lnch")
    if shape:
        return shape
    if _pnf.calc_check_digit(number[:-1]) != number[-1]:
        return _problem(
            name,
            "lnch_checksum",
            "Контролната цифра не съвпада — проверете последната цифра в разрешението за пребиваване.",
            "The check digit does not match — check the last digit on the residence permit.",
        )
    return None


def _parse_date(value: str) -> tuple[int, int, int] | None:
    match = _ISO_DATE.match(value)
    if match:
        return int(match[1]), int(match[2]), int(match[3])
    match = _BG_DATE.match(value)
    if match:
        return int(match[3]), int(match[2]), int(match[1])
    return None


def _check_date(name: str, field: Mapping, value: str, today: _dt.date) -> FieldProblem | None:
    parts = _parse_date(value)
    if parts is None:
        return _problem(
            name,
            "date_format",
            "Напишете датата като ден.месец.година, например 05.03.1948.",
            "Write the date as day.month.year, for example 05.03.1948.",
        )
    year, month, day = parts
    try:
        when = _dt.date(year, month, day)
    except ValueError:
        return _problem(
            name,
            "date_impossible",
            f"Тази дата не съществува: {day:02d}.{month:02d}. Проверете деня и месеца.",
            f"This date does not exist: {day:02d}.{month:02d}. Check the day and the month.",
        )
    if field.get("not_future") and when > today:
        return _problem(
            name,
            "date_future",
            f"Датата {when:%d.%m.%Y} е в бъдещето. Проверете годината.",
            f"The date {when:%d.%m.%Y} is in the future. Check the year.",
        )
    if year < 1800:
        return _problem(
            name,
            "date_too_old",
            f"Годината {year} е твърде стара. Проверете годината.",
            f"The year {year} is too long ago. Check the year.",
        )
    return None


def _normal_phone(value: str) -> str | None:
    """``+359`` and 8 or 9 digits, or None when the value is not a Bulgarian number."""
    compact = _PHONE_SEPARATORS.sub("", value)
    if compact.startswith("+359"):
        national = compact[4:]
    elif compact.startswith("00359"):
        national = compact[5:]
    elif compact.startswith("0"):
        national = compact[1:]
    else:
        return None
    if national.startswith("0"):  # "+359 0888…": the trunk zero written twice
        national = national[1:]
    if not _DIGITS.match(national) or not 8 <= len(national) <= 9:
        return None
    return "+359" + national


def _option_values(field: Mapping) -> list[str]:
    return [option["value"] for option in field.get("options", [])]


def _check_text(name: str, field: Mapping, value: str) -> FieldProblem | None:
    limit = field.get("max_length", DEFAULT_MAX_LENGTH.get(field["type"], 200))
    if len(value) > limit:
        return _problem(
            name,
            "too_long",
            f"Текстът е твърде дълъг: {len(value)} знака при най-много {limit}. Съкратете го.",
            f"The text is too long: {len(value)} characters, at most {limit}. Please shorten it.",
        )
    if _CONTROL.search(value) or (field["type"] != "textarea" and _LINE_BREAK.search(value)):
        return _problem(
            name,
            "bad_characters",
            "Текстът съдържа невидими знаци или нов ред. Изтрийте го и го напишете отново.",
            "The text holds invisible characters or a line break. Delete it and type it again.",
        )
    return None


def _required_now(field: Mapping, others: Mapping | None) -> bool:
    if field.get("required"):
        return True
    condition = field.get("required_if")
    if not condition or others is None:
        return False
    answer = others.get(condition["field"])
    if not isinstance(answer, str):
        return False
    answer = answer.strip()
    if condition["value"] in ("true", "false"):
        answer = _normal_boolean(answer) or answer
    return answer == condition["value"]


def _normal_boolean(value: str) -> str | None:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return "true"
    if word in FALSE_WORDS:
        return "false"
    return None


def validate_field(
    field: Mapping,
    value: Any,
    *,
    others: Mapping[str, Any] | None = None,
    today: _dt.date | None = None,
) -> FieldProblem | None:
    """Check one answer as the villager types it; ``None`` when it is fine.

    ``others`` are the other answers of the form so far: they decide ``required_if`` and, for a
    ``personal_number``, whether the number is an ЕГН or an ЛНЧ (``<name>_kind``; while that is
    not chosen yet, either kind is accepted). ``today`` is for tests.
    """
    name = field["name"]
    if value is None:
        value = ""
    if not isinstance(value, str):
        return _problem(
            name,
            "not_text",
            "Отговорът трябва да е текст. Изтрийте полето и го попълнете отново.",
            "The answer must be text. Clear the field and fill it in again.",
        )
    value = value.strip()
    if not value:
        if _required_now(field, others):
            return _problem(
                name,
                "required",
                f"Попълнете „{field['label']['bg']}“ — без него заявлението не може да се подаде.",
                f"Please fill in “{field['label']['en']}” — the request cannot be sent without it.",
            )
        return None
    today = today or _dt.date.today()
    field_type = field["type"]
    if field_type in ("text", "textarea"):
        return _check_text(name, field, value)
    if field_type == "egn":
        return _check_egn(name, value, today)
    if field_type == "lnch":
        return _check_lnch(name, value)
    if field_type == "personal_number":
        kind = (others or {}).get(f"{name}_kind")
        kind = kind.strip() if isinstance(kind, str) else ""
        if kind == "egn":
            return _check_egn(name, value, today)
        if kind == "lnch":
            return _check_lnch(name, value)
        egn_problem = _check_egn(name, value, today)
        if egn_problem is None or _check_lnch(name, value) is None:
            return None
        return egn_problem
    if field_type == "date":
        return _check_date(name, field, value, today)
    if field_type == "phone":
        if _normal_phone(value) is None:
            return _problem(
                name,
                "phone_invalid",
                "Напишете български телефонен номер: 0 и още 8 или 9 цифри, например 0888123456.",
                "Enter a Bulgarian phone number: 0 and 8 or 9 more digits, e.g. 0888123456.",
            )
        return None
    if field_type == "email":
        if len(value) > 254 or not _EMAIL.match(value):
            return _problem(
                name,
                "email_invalid",
                "Напишете имейл адреса целия, например ivan@abv.bg, или оставете полето празно.",
                "Enter the whole e-mail address, for example ivan@abv.bg, or leave it empty.",
            )
        return None
    if field_type == "choice":
        if value not in _option_values(field):
            return _problem(
                name,
                "choice_invalid",
                "Изберете един от предложените отговори.",
                "Choose one of the answers offered.",
            )
        return None
    if field_type == "boolean":
        if _normal_boolean(value) is None:
            return _problem(
                name, "boolean_invalid", "Изберете „Да“ или „Не“.", "Choose “Yes” or “No”."
            )
        return None
    if field_type == "integer":
        return _check_integer(name, field, value)
    return _problem(  # only reachable with a catalogue that skipped validate_catalogue
        name,
        "unknown_type",
        "Това поле не може да се провери. Моля, обърнете се към служителя.",
        "This field cannot be checked. Please ask the member of staff.",
    )


def _check_integer(name: str, field: Mapping, value: str) -> FieldProblem | None:
    if not _DIGITS.match(value) or len(value) > 9:
        return _problem(
            name,
            "integer_invalid",
            "Напишете цяло число само с цифри, например 3.",
            "Enter a whole number using digits only, for example 3.",
        )
    number = int(value)
    low, high = field.get("min"), field.get("max")
    if (low is not None and number < low) or (high is not None and number > high):
        low_text = low if low is not None else 0
        high_text = f" до {high}" if high is not None else ""
        high_en = f" to {high}" if high is not None else ""
        return _problem(
            name,
            "integer_range",
            f"Напишете число от {low_text}{high_text}.",
            f"Enter a number from {low_text}{high_en}.",
        )
    return None


def validate_fields(
    service: Mapping, fields: Any, *, today: _dt.date | None = None
) -> list[FieldProblem]:
    """Every problem with a whole form's answers, in the order of the service's fields.

    Never raises on odd input: wrong types become problems too. Answers to fields the service
    does not have are problems ("not on this form"), so that nothing extra is collected.
    """
    if not isinstance(fields, Mapping):
        return [
            _problem(
                "",
                "not_a_form",
                "Заявлението не съдържа попълнени полета. Започнете отначало.",
                "The request holds no answers. Please start again.",
            )
        ]
    problems = []
    known = set()
    for field in service["fields"]:
        known.add(field["name"])
        problem = validate_field(field, fields.get(field["name"]), others=fields, today=today)
        if problem is not None:
            problems.append(problem)
    for name in fields:
        if name not in known:
            shown = name if isinstance(name, str) else repr(name)
            problems.append(
                _problem(
                    shown,
                    "unknown_field",
                    f"Полето „{shown}“ не е част от този формуляр и не може да се подаде.",
                    f"The field “{shown}” is not on this form and cannot be sent.",
                )
            )
    return problems


def normalize_field(field: Mapping, value: Any) -> Any:
    """The canonical form of one answer; a value that does not fit its type comes back stripped."""
    if not isinstance(value, str):
        return value
    value = value.strip()
    field_type = field["type"]
    if not value:
        return value
    if field_type in ("egn", "lnch", "personal_number"):
        compact = _NUMBER_SEPARATORS.sub("", value)
        return compact if _DIGITS.match(compact) else value
    if field_type == "phone":
        return _normal_phone(value) or value
    if field_type == "date":
        parts = _parse_date(value)
        if parts is None:
            return value
        try:
            return _dt.date(*parts).isoformat()
        except ValueError:
            return value
    if field_type == "boolean":
        return _normal_boolean(value) or value
    if field_type == "integer" and _DIGITS.match(value) and len(value) <= 9:
        return str(int(value))
    return value


def normalize_fields(service: Mapping, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Canonical answers: stripped, numbers without spaces, phones as ``+359…``, dates ISO.

    Empty answers are dropped (not given). Unknown names are kept, so that ``validate_fields``
    can still report them.
    """
    by_name = {field["name"]: field for field in service["fields"]}
    normal = {}
    for name, value in fields.items():
        field = by_name.get(name)
        if field is None:
            normal[name] = value.strip() if isinstance(value, str) else value
            continue
        value = normalize_field(field, value)
        if value is None or value == "":
            continue
        normal[name] = value
    return normal
