"""The registry of record types: what each side may send the other, and what a body must hold.

Every record that travels in a bundle has a type named here (docs/protocol.md, "Record types").
For each type the registry says its direction (kiosk → central or central → kiosk), its version
and its body's fields with their checks (JSON type, length, range, choices, bounded size); the
checks are JSON Schema (draft 7), built from the fields below and compiled once per type into
plain Python by ``fastjsonschema`` (about 30 µs for a request's body, where the ``jsonschema``
library took 2 ms: a bundle of 1,000 requests must not wait seconds for its checks).

Both sides use it:

- a sender builds every record with :func:`make_record` (central: ``workflow.queue_record``; the
  kiosk: ``KioskStore.add_event``), which refuses a type the registry does not name, a type that
  goes the other way, or a body that does not pass its checks (:class:`RecordBodyError`, a bug);
- a receiver checks every arriving record with :func:`check_arrival` before its handler runs: an
  unknown type, a record of a newer version than this software knows, or a body that fails its
  checks is refused with a reason (:class:`sync.RecordRefused`), and the record is quarantined;
- each receiver holds its handlers in a :class:`Handlers` table, which refuses at start-up a
  table that misses a type of its direction or names a type the registry does not.

Adding a record type is one entry in ``RECORD_TYPES`` below (name, direction, version, fields,
a one-line summary), and one handler in the receiving side's table: ``central_api.records``
(``HANDLERS``) for kiosk → central, ``kiosk_app.exchange`` (``HANDLERS``) for central → kiosk.
tests/test_record_registry.py and the docs check fail until both are there and docs/protocol.md
lists it. Changing what a body means raises its ``version``; a receiver refuses versions newer
than it knows (update its software) and reads older ones.

Field helpers: ``text(max_length)``, ``integer(minimum, maximum)``, ``number()``, ``boolean()``,
``choice(*values)``, ``timestamp()``, ``obj(fields)``, ``array(item, max_items)``,
``mapping(value, max_properties)``, ``document(max_bytes)`` (free-form JSON checked elsewhere,
only bounded here); ``optional(field)`` and ``nullable(field)`` wrap any of them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import fastjsonschema
import orjson

from .bundle import new_record_id
from .errors import SyncError
from .inbound import RecordNotUnderstood, RecordRefused
from .states import FEE_METHODS, FEE_STATUSES, STATES


class Direction(enum.Enum):
    KIOSK_TO_CENTRAL = "kiosk → central"
    CENTRAL_TO_KIOSK = "central → kiosk"


UP = Direction.KIOSK_TO_CENTRAL
DOWN = Direction.CENTRAL_TO_KIOSK


class RecordBodyError(SyncError):
    """A sender tried to build a record the registry does not allow (a bug in the sender)."""

    code = "record_body"


# -- fields ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One field of a body: its JSON Schema, whether it must be present, a word on it."""

    schema: Mapping[str, Any]
    required: bool = True
    describe: str = ""


def _field(schema: dict, describe: str) -> Field:
    return Field(schema, True, describe)


def text(max_length: int = 200, min_length: int = 0) -> Field:
    schema: dict[str, Any] = {"type": "string", "maxLength": max_length}
    if min_length:
        schema["minLength"] = min_length
    return _field(schema, f"text ≤ {max_length}")


def integer(minimum: int = 0, maximum: int = 2**31 - 1) -> Field:
    return _field(
        {"type": "integer", "minimum": minimum, "maximum": maximum},
        f"integer {minimum}…{maximum}",
    )


def number(minimum: float = 0, maximum: float = 1e9) -> Field:
    return _field({"type": "number", "minimum": minimum, "maximum": maximum}, "number")


def boolean() -> Field:
    return _field({"type": "boolean"}, "true/false")


def choice(*values: str) -> Field:
    return _field({"enum": list(values)}, "one of " + ", ".join(values))


def timestamp(strict: bool = False) -> Field:
    """An ISO-8601 time as the senders write it (``2026-11-25T09:10:11Z`` or with fractions).

    ``strict`` for a time the receiver stores or counts from; the others (a record's own ``at``)
    are informative, kiosk clocks are not trusted, and only their length is bounded."""
    if not strict:
        return _field({"type": "string", "maxLength": 40}, "time (informative)")
    return _field(
        {"type": "string", "maxLength": 40, "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"},
        "ISO-8601 time",
    )


def day() -> Field:
    return _field({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, "date YYYY-MM-DD")


def obj(fields: Mapping[str, Field], extra: bool = False) -> Field:
    return _field(_object_schema(fields, extra), "object")


def array(item: Field, max_items: int) -> Field:
    return _field(
        {"type": "array", "items": dict(item.schema), "maxItems": max_items},
        f"list of ≤ {max_items}",
    )


def mapping(value: Field, max_properties: int, key_length: int = 100) -> Field:
    return _field(
        {
            "type": "object",
            "maxProperties": max_properties,
            "propertyNames": {"maxLength": key_length},
            "additionalProperties": dict(value.schema),
        },
        f"name → value, ≤ {max_properties}",
    )


def document(max_bytes: int) -> Field:
    """Free-form JSON checked by its own module (a catalogue); only its size is bounded here."""
    return Field({"type": "object"}, True, f"JSON object ≤ {max_bytes} bytes")


def optional(inner: Field) -> Field:
    return Field(inner.schema, False, inner.describe + ", optional")


def nullable(inner: Field) -> Field:
    schema = dict(inner.schema)
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    else:
        schema = {"anyOf": [schema, {"type": "null"}]}
    return Field(schema, inner.required, inner.describe + " or null")


def _object_schema(fields: Mapping[str, Field], extra: bool) -> dict:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {name: dict(spec.schema) for name, spec in fields.items()},
        "required": [name for name, spec in fields.items() if spec.required],
    }
    if not extra:
        schema["additionalProperties"] = False
    return schema


# -- the registry ------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordType:
    name: str
    direction: Direction
    version: int
    fields: Mapping[str, Field]
    summary: str
    max_bytes: int = 64 * 1024  # the body's canonical JSON, a cheap first check
    extra: bool = False  # whether the body may hold fields not named here
    _validator: Any = field(default=None, compare=False, repr=False)

    @property
    def schema(self) -> dict:
        return _object_schema(self.fields, self.extra)

    def validator(self) -> Callable[[object], object]:
        """The compiled check of a body (raises ``fastjsonschema.JsonSchemaValueException``)."""
        if self._validator is None:
            schema = {"$schema": "http://json-schema.org/draft-07/schema#", **self.schema}
            object.__setattr__(self, "_validator", fastjsonschema.compile(schema))
        return self._validator

    def problem(self, body: object) -> str | None:
        """What is wrong with ``body`` for this type, in a sentence; None when it is right."""
        if not isinstance(body, dict):
            return f"{self.name}: the body is not a JSON object"
        size = len(orjson.dumps(body))
        if size > self.max_bytes:
            return f"{self.name}: the body is {size:,} bytes, more than {self.max_bytes:,}"
        try:
            self.validator()(body)
        except fastjsonschema.JsonSchemaValueException as error:
            message = "body" + error.message.removeprefix("data")
            return f"{self.name}: {message if len(message) <= 300 else message[:300] + '…'}"
        return None


_REFERENCE = text(40, 1)
_NAMES = obj({"bg": text(200, 1), "en": text(200, 1)})
_STAFF_ID = text(80, 1)
_FEE = obj(
    {
        "status": choice(*FEE_STATUSES),
        "method": optional(nullable(choice(*FEE_METHODS))),
        "receipt_number": optional(nullable(text(40))),
        "amount_cents": optional(nullable(integer(0, 10_000_000))),
    }
)
_ANSWER_VALUE = Field(
    {"anyOf": [{"type": "string", "maxLength": 5000}, {"type": ["boolean", "integer", "null"]}]}
)
_BILINGUAL = obj({"bg": text(20_000), "en": nullable(text(20_000))})
_PDF = text(24 * 1024 * 1024)
_SHA256 = _field({"type": "string", "pattern": "^[0-9a-f]{64}$"}, "hex SHA-256")
_PUBLIC_IDENTITY = obj(
    {"party_id": text(64, 1), "signing_key": text(100), "encryption_key": text(100)}, extra=True
)

RECORD_TYPES: dict[str, RecordType] = {
    spec.name: spec
    for spec in (
        # -- kiosk → central ---------------------------------------------------------------
        RecordType(
            "request.submitted",
            UP,
            1,
            {
                "reference": _REFERENCE,
                "service": text(80, 1),
                "catalogue_version": optional(nullable(Field({"type": ["integer", "string"]}))),
                "tier": optional(nullable(text(40))),
                "village": optional(nullable(text(80))),
                "kiosk_id": optional(nullable(text(64))),
                "fields": mapping(_ANSWER_VALUE, 200),
                "submitted_at": optional(nullable(timestamp(strict=True))),
                "staff": optional(
                    nullable(
                        obj(
                            {
                                "staff_id": _STAFF_ID,
                                "id_document_number": optional(nullable(text(40))),
                                # what staff saw that lets a request about another person
                                # go ahead (a power of attorney: its number, date, notary)
                                "authorisation": optional(nullable(text(500))),
                            }
                        )
                    )
                ),
                "fee": optional(nullable(_FEE)),
            },
            "a villager's request, made at the kiosk",
            max_bytes=512 * 1024,
        ),
        RecordType(
            "request.info_answered",
            UP,
            1,
            {
                "reference": _REFERENCE,
                "answer": text(5000),
                "staff_id": optional(_STAFF_ID),
                "at": optional(timestamp()),
            },
            "the villager's answer to a clerk's question",
        ),
        RecordType(
            "request.printed",
            UP,
            1,
            {
                "reference": _REFERENCE,
                "document_number": optional(text(60)),
                "reprint": optional(boolean()),
                "at": optional(timestamp()),
            },
            "the document was printed at the kiosk (again, when ``reprint``)",
        ),
        RecordType(
            "request.fee_paid",
            UP,
            1,
            {
                "reference": _REFERENCE,
                "method": choice(*FEE_METHODS),
                "receipt_number": text(40, 1),
                "staff_id": _STAFF_ID,
                "amount_cents": optional(nullable(integer(0, 10_000_000))),
                "at": timestamp(),
            },
            "the fee was paid at the mayoralty: way, cash-receipt number, member of staff",
        ),
        RecordType(
            "request.form_filed",
            UP,
            1,
            {"reference": _REFERENCE, "staff_id": _STAFF_ID, "at": timestamp()},
            "the villager's signed request form (printed at submission) is filed at the mayoralty",
        ),
        RecordType(
            "request.delivered",
            UP,
            1,
            {
                "reference": _REFERENCE,
                "staff_id": optional(nullable(_STAFF_ID)),
                "fee": optional(nullable(_FEE)),
                "at": optional(timestamp()),
                # For a request made without staff: the identity card checked at the hand-over.
                "id_document_number": optional(nullable(text(40))),
            },
            "staff handed the document over to the villager (central refuses it while the fee is "
            "due or before ``request.form_filed``)",
        ),
        RecordType(
            "kiosk.health",
            UP,
            1,
            {
                "queue_depth": integer(0, 10_000_000),
                "oldest_unsent_at": nullable(timestamp()),
                "printer_state": text(40),
                "printer_detail": optional(nullable(text(200))),
                "software_version": text(40),
                "audio_state": optional(choice("ready", "no-audio")),
                "at": optional(timestamp()),
            },
            "the kiosk's state for the fleet page: queue, printer, audio out, software version",
            max_bytes=4096,
        ),
        RecordType(
            "council.comment",
            UP,
            1,
            {
                "notice_id": text(64, 1),
                "text": text(4000, 1),
                "name": optional(nullable(text(200))),
                "at": timestamp(),
            },
            "a villager's comment on a council draft under public consultation (ЗНА чл. 26)",
            max_bytes=16 * 1024,
        ),
        # -- central → kiosk ---------------------------------------------------------------
        RecordType(
            "request.status_changed",
            DOWN,
            1,
            {
                "reference": _REFERENCE,
                "status": choice(*STATES),
                "by": optional(text(120)),
                "via": optional(text(20)),
                "at": optional(timestamp()),
                "reason": optional(nullable(text(5000))),
                "question": optional(nullable(text(5000))),
            },
            "a clerk (or central) moved the request to another state",
        ),
        RecordType(
            "request.fee_changed",
            DOWN,
            1,
            {
                "reference": _REFERENCE,
                "fee": _FEE,
                "by": optional(text(120)),
                "at": optional(timestamp()),
            },
            "a clerk recorded the fee as due (with its amount), paid or exempt",
        ),
        RecordType(
            "document.issued",
            DOWN,
            1,
            {
                "reference": _REFERENCE,
                "number": text(60, 1),
                "issued_at": optional(timestamp()),
                "sha256": _SHA256,
                "pdf_b64": _PDF,
                "resent": optional(boolean()),
            },
            "the signed document, to print at the kiosk",
            max_bytes=25 * 1024 * 1024,
        ),
        RecordType(
            "document.revoked",
            DOWN,
            1,
            {
                "reference": optional(nullable(_REFERENCE)),
                "number": text(60, 1),
                "reason": optional(nullable(text(2000))),
                "by": optional(text(120)),
                "at": optional(nullable(timestamp())),
            },
            "a clerk revoked a document: neither hand it over nor reprint it",
        ),
        RecordType(
            "catalogue.updated",
            DOWN,
            1,
            {
                "version": Field({"type": ["integer", "string"]}),
                "services": array(document(0), 500),
            },
            "a new catalogue of services (format: sync/catalogue.py, docs/catalogue.md)",
            max_bytes=8 * 1024 * 1024,
            extra=True,
        ),
        RecordType(
            "settings.updated",
            DOWN,
            1,
            {
                "version": optional(Field({"type": ["integer", "string"]})),
                "retention_days": optional(integer(1, 3650)),
                "at": optional(timestamp()),
            },
            "central's settings for the kiosk (retention of personal data)",
            extra=True,
        ),
        RecordType(
            "municipality.updated",
            DOWN,
            1,
            {
                "version": integer(1),
                "name": _NAMES,
                "official_name": _NAMES,
                "province": _NAMES,
                "verification_url": text(300, 1),
                "coat_of_arms": text(200),
                "coat_of_arms_data": text(400 * 1024),
                "settlements": array(document(0), 500),
                # The notice before personal data (sync.municipality.PRIVACY_KEYS).
                "privacy": optional(document(0)),
            },
            "the municipality profile: names, coat of arms, settlements (format: "
            "sync/municipality.py, docs/operations.md)",
            max_bytes=1024 * 1024,
        ),
        RecordType(
            "key.rotated",
            DOWN,
            1,
            {"new": _PUBLIC_IDENTITY, "previous": optional(text(100)), "at": optional(timestamp())},
            "central's new signing key, signed by the key pinned now",
        ),
        RecordType(
            "notice.published",
            DOWN,
            1,
            {
                "id": text(64, 1),
                "kind": optional(nullable(text(40))),
                "date": optional(nullable(text(40))),
                "published_at": optional(nullable(timestamp())),
                "title": _BILINGUAL,
                "body": _BILINGUAL,
                "pdf_name": optional(nullable(text(200))),
                "pdf_b64": optional(_PDF),
                "pdf_sha256": optional(_SHA256),
            },
            "a notice for the kiosk's notice board (with a PDF, when it has one)",
            max_bytes=25 * 1024 * 1024,
        ),
        RecordType(
            "staff.updated",
            DOWN,
            1,
            {
                "village": optional(text(80)),
                "staff": array(
                    obj(
                        {
                            "staff_id": _STAFF_ID,
                            "name": text(200),
                            "pin_hash": text(300),
                        }
                    ),
                    500,
                ),
                "at": optional(timestamp()),
            },
            "the village's mayoralty staff: names and PIN hashes, never PINs",
            max_bytes=512 * 1024,
        ),
    )
}


# -- exchange messages --------------------------------------------------------------------------
# JSON that travels beside the bundles, over HTTP (docs/protocol.md, "Stream positions"): the
# kiosk says where its streams stand at the start of every exchange, and gives back the documents
# a restored central forgot. Checked by the same means as the records' bodies.

_BUNDLE_ID = _field({"type": "string", "pattern": "^[0-9a-f]{64}$"}, "hex bundle id")
_POSITION = obj({"seq": integer(0), "id": _BUNDLE_ID})
_NUMBER = text(60, 1)

EXCHANGE_MESSAGES: dict[str, RecordType] = {
    spec.name: spec
    for spec in (
        RecordType(
            "streams.positions",
            UP,
            1,
            {
                "uplink": obj({"sealed": _POSITION, "delivered": _POSITION}),
                "downlink": obj({"applied": _POSITION}),
                "epoch_seen": integer(0, 9999),
                "documents": optional(mapping(_SHA256, 100_000, key_length=60)),
            },
            "where the kiosk's streams stand (newest bundle sealed, newest with central's "
            "receipt, newest of central's applied) and, when central asks, the documents held",
            max_bytes=16 * 1024 * 1024,
        ),
        RecordType(
            "streams.answer",
            DOWN,
            1,
            {
                "uplink": obj({"central_has": _POSITION}),
                "downlink": obj({"continues_after": _POSITION}),
                "reference_counter": integer(0),
                "epoch": integer(1, 9999),
                "numbering": choice("open", "paused"),
                "report_documents": boolean(),
                "documents_lacking": optional(array(_NUMBER, 100_000)),
            },
            "central's newest bundle of the kiosk's, the bundle its downlink continues after, "
            "the highest reference number it holds from the kiosk, the numbering epoch, and "
            "whether (which) documents it wants back",
            max_bytes=16 * 1024 * 1024,
        ),
        RecordType(
            "document.held",
            UP,
            1,
            {
                "number": _NUMBER,
                "reference": _REFERENCE,
                "request_status": optional(choice(*STATES)),
                "pdf_b64": _PDF,
            },
            "a document the kiosk holds, given back to a restored central (its signature "
            "proves it)",
            max_bytes=25 * 1024 * 1024,
        ),
        RecordType(
            "document.held_answer",
            DOWN,
            1,
            {
                "number": _NUMBER,
                "status": choice("restored", "known", "refused"),
                "reason": optional(text(2000)),
            },
            "what central did with a document given back",
        ),
    )
}


def message_problem(name: str, body: object) -> str | None:
    """What is wrong with an exchange message ``body`` of kind ``name``; None when it is right."""
    return EXCHANGE_MESSAGES[name].problem(body)


def record_type(name: object) -> RecordType | None:
    return RECORD_TYPES.get(name) if isinstance(name, str) else None


def types_of(direction: Direction) -> frozenset[str]:
    return frozenset(name for name, spec in RECORD_TYPES.items() if spec.direction is direction)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def check_body(name: str, body: dict, direction: Direction) -> RecordType:
    """The sender's check: ``body`` is a right body of a ``direction`` record named ``name``."""
    spec = record_type(name)
    if spec is None:
        raise RecordBodyError(f"No record type {name!r} in sync/records.py: register it first.")
    if spec.direction is not direction:
        raise RecordBodyError(f"{name} goes {spec.direction.value}, not {direction.value}.")
    problem = spec.problem(body)
    if problem:
        raise RecordBodyError(f"Refusing to send a wrong record: {problem}")
    return spec


def make_record(name: str, body: dict, direction: Direction, at: str | None = None) -> dict:
    """A checked record ready for a bundle: ``{"id", "type", "v", "at", "body"}``."""
    spec = check_body(name, body, direction)
    return {
        "id": new_record_id(),
        "type": name,
        "v": spec.version,
        "at": at or _now(),
        "body": body,
    }


def check_arrival(record: dict, direction: Direction) -> tuple[RecordType, dict]:
    """The receiver's check of one record before its handler runs: (its type, its body).

    Raises :class:`sync.RecordRefused` with the reason (the record is quarantined) when the type
    goes the other way or the body fails its checks; :class:`sync.RecordNotUnderstood` (a
    RecordRefused) when the type is unknown or its version newer than this software knows: that
    record waits in the quarantine and is applied once the software is updated.
    """
    name = record.get("type")
    spec = record_type(name)
    if spec is None:
        shown = name if isinstance(name, str) and len(name) <= 64 else "(unreadable)"
        raise RecordNotUnderstood(
            f"record type {shown} is unknown to this software; it waits for an update"
        )
    if spec.direction is not direction:
        raise RecordRefused(f"{spec.name} goes {spec.direction.value}; it is not accepted here")
    version = record.get("v", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RecordRefused(f"{spec.name}: the record's version {version!r} is not a number")
    if version > spec.version:
        raise RecordNotUnderstood(
            f"{spec.name} version {version} is newer than version {spec.version} known to this "
            "software; it waits for an update"
        )
    body = record.get("body")
    problem = spec.problem(body)
    if problem:
        raise RecordRefused(problem)
    return spec, body


Handler = Callable[..., Any]


class Handlers(Mapping[str, Handler]):
    """A receiver's handlers, one per record type of its direction: no more, no fewer.

    Made once at import time; a missing or unknown type fails there, not at a kiosk in a village.
    """

    def __init__(self, direction: Direction, handlers: Mapping[str, Handler]):
        expected = types_of(direction)
        missing = sorted(expected - set(handlers))
        unknown = sorted(set(handlers) - expected)
        if missing or unknown:
            raise RecordBodyError(
                f"The handlers for {direction.value} records do not match sync/records.py: "
                f"missing {missing or 'none'}, not registered {unknown or 'none'}."
            )
        self.direction = direction
        self._handlers = dict(handlers)

    def __getitem__(self, name: str) -> Handler:
        return self._handlers[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._handlers)

    def __len__(self) -> int:
        return len(self._handlers)

    def handler_for(self, record: dict) -> tuple[Handler, dict]:
        """Check ``record`` on arrival (:func:`check_arrival`); its handler and body."""
        spec, body = check_arrival(record, self.direction)
        return self._handlers[spec.name], body


def markdown() -> str:
    """The registry as the table in docs/protocol.md ("Record types"); a test keeps them equal.
    After changing the registry: ``python -m sync.records`` prints the table to paste."""
    lines = [
        "| type | direction | version | body (`?`: optional) | meaning |",
        "|---|---|---|---|---|",
    ]
    for spec in RECORD_TYPES.values():
        fields = ", ".join(
            f"`{name}`" + ("" if item.required else "?") for name, item in spec.fields.items()
        )
        lines.append(
            f"| `{spec.name}` | {spec.direction.value} | {spec.version} | {fields} | "
            f"{spec.summary} |"
        )
    lines += [
        "",
        "Exchange messages (JSON over HTTP beside the bundles, checked the same way):",
        "",
        "| message | direction | version | body (`?`: optional) | meaning |",
        "|---|---|---|---|---|",
    ]
    for spec in EXCHANGE_MESSAGES.values():
        fields = ", ".join(
            f"`{name}`" + ("" if item.required else "?") for name, item in spec.fields.items()
        )
        lines.append(
            f"| `{spec.name}` | {spec.direction.value} | {spec.version} | {fields} | "
            f"{spec.summary} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
