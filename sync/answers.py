"""A villager's answers checked against a service of the catalogue (docs/catalogue.md).

Both sides share this module: the kiosk checks each field as the villager types
(:func:`validate_field`), and central checks every ``request.submitted`` again before it accepts
it. A wrong answer is not an exception: the checks return :class:`FieldProblem` values whose
bilingual message says how to put it right.

Field values are always strings on the form and on the wire. An empty or blank string means
"not given". A ``personal_number`` field (ЕГН or ЛНЧ) has a companion choice field named
``<name>_kind`` with the options ``egn`` and ``lnch``: some numbers pass both checksums, so the
person says which kind it is, as the paper forms ask. The kind may also be ``birth_date``: the
person has no number to hand and gives names and a birth date instead (fields required by
``required_if`` on that kind); the number is then not required.

:class:`FormChecker` is the one whole-form check: each service's field checks are prepared once
and kept by a caller that checks many forms of the same service (central, applying a bundle of
1,000 requests); :func:`validate_fields` prepares it for a single form (the kiosk's submit).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stdnum.bg import egn as _egn
from stdnum.bg import pnf as _pnf

__all__ = [
    "DEFAULT_MAX_LENGTH",
    "TRUE_WORDS",
    "FALSE_WORDS",
    "FieldProblem",
    "FormChecker",
    "validate_field",
    "validate_fields",
    "normalize_field",
    "normalize_fields",
]

DEFAULT_MAX_LENGTH = {"text": 200, "textarea": 2000}
TRUE_WORDS = frozenset({"true", "yes", "1", "да"})
FALSE_WORDS = frozenset({"false", "no", "0", "не"})

_DIGITS = re.compile(r"^[0-9]*$")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_BG_DATE = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_PHONE_SEPARATORS = re.compile(r"[\s\-./()]")
_NUMBER_SEPARATORS = re.compile(r"[\s\-.]")
# Control characters other than tab and newline have no business in a form answer.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n]")
_CONTROL_OR_LINE_BREAK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\r\n]")


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one answer. ``message`` has ``bg`` and ``en``, saying how to fix it."""

    field: str
    code: str
    message: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "code": self.code, "message": dict(self.message)}


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


def _egn_birth_date(number: str) -> _dt.date:
    """The birth date in ten clean digits, as ``stdnum.bg.egn.get_birth_date`` reads it (the
    month carries the century: +20 for the 1800s, +40 for the 2000s); ValueError when there is
    no such day. stdnum's own function cleans the number again character by character, which
    was most of the cost of checking a form at central; a test compares the two on every
    month and day."""
    year, month, day = 1900 + int(number[0:2]), int(number[2:4]), int(number[4:6])
    if month > 40:
        year, month = year + 100, month - 40
    elif month > 20:
        year, month = year - 100, month - 20
    return _dt.date(year, month, day)


def _check_egn(name: str, value: str, today: _dt.date) -> FieldProblem | None:
    number = _NUMBER_SEPARATORS.sub("", value)
    shape = _check_number_shape(name, number, "ЕГН", "egn")
    if shape:
        return shape
    try:
        born = _egn_birth_date(number)
    except ValueError:
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


def _by_birth_date(field: Mapping, others: Mapping | None) -> bool:
    """A ``personal_number`` whose ``<name>_kind`` says "birth_date": the person gives names and
    a birth date instead, so the number is not asked."""
    if field.get("type") != "personal_number" or not others:
        return False
    kind = others.get(f"{field['name']}_kind")
    return isinstance(kind, str) and kind.strip() == "birth_date"


def _required_now(field: Mapping, others: Mapping | None) -> bool:
    if field.get("required"):
        return not _by_birth_date(field, others)
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


def _missing(field: Mapping) -> FieldProblem:
    return _problem(
        field["name"],
        "required",
        f"Попълнете „{field['label']['bg']}“ — без него заявлението не може да се подаде.",
        f"Please fill in “{field['label']['en']}” — the request cannot be sent without it.",
    )


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
        return _missing(field) if _required_now(field, others) else None
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
    does not have are problems ("not on this form"), so that nothing extra is collected. The
    checks are :class:`FormChecker`'s, prepared here for one form; a caller checking many forms
    of one service keeps a FormChecker instead.
    """
    return FormChecker(service).check(fields, today=today)


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


def _unknown_field(name: Any) -> FieldProblem:
    shown = name if isinstance(name, str) else repr(name)
    return _problem(
        shown,
        "unknown_field",
        f"Полето „{shown}“ не е част от този формуляр и не може да се подаде.",
        f"The field “{shown}” is not on this form and cannot be sent.",
    )


def _quick_check(field: Mapping):
    """For a field whose check needs no other answer: ``check(answer, today)`` taking a stripped,
    non-empty answer; None for the rest, which go through :func:`validate_field`."""
    name, field_type = field["name"], field["type"]
    if field_type in ("text", "textarea"):
        limit = field.get("max_length", DEFAULT_MAX_LENGTH.get(field_type, 200))
        odd = _CONTROL if field_type == "textarea" else _CONTROL_OR_LINE_BREAK

        def check_text(value, _today):
            if len(value) > limit or odd.search(value):
                return _check_text(name, field, value)  # says which rule it breaks
            return None

        return check_text
    if field_type == "egn":
        return lambda value, today: _check_egn(name, value, today)
    if field_type == "lnch":
        return lambda value, _today: _check_lnch(name, value)
    if field_type == "date":
        return lambda value, today: _check_date(name, field, value, today)
    if field_type == "phone":
        return lambda value, today: (
            None if _normal_phone(value) else validate_field(field, value, today=today)
        )
    if field_type in ("email", "choice", "boolean", "integer"):
        return lambda value, today: validate_field(field, value, today=today)
    return None  # personal_number: the kind is another answer


class FormChecker:
    """The whole-form check of one service, prepared once for checking many forms.

    Each field's check is chosen once, and a form costs the answers it gives plus the fields
    that may be required, instead of every field of the service. The problems are those of
    :func:`validate_field` for each field given the whole form, in the order of the service's
    fields, then the answers to fields the service does not have (a property test holds it to
    exactly that).
    """

    def __init__(self, service: Mapping):
        self.service = service
        self._by_name: dict[str, tuple[int, Mapping, Any]] = {}
        # (index, name, the "fill it in" problem, None or the field when that is conditional)
        # (index, name, the "fill it in" problem) of the fields always required, and of those
        # required when another answer has some value, grouped by that condition (a field
        # standing for the condition, as _required_now reads it).
        self._required: list[tuple[int, str, FieldProblem]] = []
        self._required_if: dict[str, tuple[Mapping, list[tuple[int, str, FieldProblem]]]] = {}
        for index, field in enumerate(service["fields"]):
            self._by_name[field["name"]] = (index, field, _quick_check(field))
            entry = (index, field["name"], _missing(field))
            if field.get("required"):
                self._required.append(entry)
            elif field.get("required_if"):
                condition = field["required_if"]
                key = f"{condition['field']}={condition['value']}"
                self._required_if.setdefault(key, ({"required_if": condition}, []))[1].append(entry)

    def check(self, fields: Any, *, today: _dt.date | None = None) -> list[FieldProblem]:
        if not isinstance(fields, Mapping):
            return [
                _problem(
                    "",
                    "not_a_form",
                    "Заявлението не съдържа попълнени полета. Започнете отначало.",
                    "The request holds no answers. Please start again.",
                )
            ]
        today = today or _dt.date.today()
        found: list[tuple[int, FieldProblem]] = []
        unknown: list[FieldProblem] = []
        for name, value in fields.items():
            known = self._by_name.get(name)
            if known is None:
                unknown.append(_unknown_field(name))
                continue
            index, field, quick = known
            stripped = value.strip() if quick is not None and isinstance(value, str) else ""
            if stripped:
                problem = quick(stripped, today)
            else:
                problem = validate_field(field, value, others=fields, today=today)
            if problem is not None:
                found.append((index, problem))
        for index, name, missing in self._required:
            if name not in fields and not _by_birth_date(self._by_name[name][1], fields):
                found.append((index, missing))
        for condition, entries in self._required_if.values():
            if _required_now(condition, fields):
                found += [
                    (index, missing) for index, name, missing in entries if name not in fields
                ]
        if len(found) > 1:
            found.sort(key=lambda item: item[0])
        return [problem for _, problem in found] + unknown
