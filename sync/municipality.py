"""The municipality profile: who the municipality is and which settlements it has.

Both sides share it: central reads it from ``municipality.toml`` in its home (see
:mod:`central_api.municipality` and docs/operations.md, "The municipality profile") and sends it
to every kiosk (``municipality.updated``, at enrollment too); the kiosk checks what it receives
with :meth:`Municipality.from_json` and keeps it. No name of a municipality or a settlement is
written in the code: every screen, receipt, document and map takes it from here.

Errors::

    SyncError                        (sync.errors)
    └── MunicipalityError            the profile is wrong; the message names the key to fix
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .errors import SyncError

__all__ = [
    "SETTLEMENT_TYPES",
    "Municipality",
    "MunicipalityError",
    "Names",
    "Settlement",
]

# centre: the town that is the municipal centre, administered by the municipality itself;
# mayoralty: a settlement with its own elected mayor (кметство);
# deputy_mayor: a settlement with a mayor's deputy (кметски наместник) appointed by the mayor.
SETTLEMENT_TYPES = ("centre", "mayoralty", "deputy_mayor")
SETTLEMENT_KINDS = ("town", "village")
# A settlement's code is part of every kiosk id (``<code>-<n>``) and of the web office's URLs.
_CODE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_ABBREVIATION = re.compile(r"^[A-Z]{2,5}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()/-]{4,24}$")
COAT_OF_ARMS_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
# The notice the kiosk shows before it asks for personal data (GDPR art. 13), in the profile's
# [privacy] table: each a text in Bulgarian and English that the administrator words.
PRIVACY_KEYS = (
    "controller",  # who collects the data: the municipality, as controller, and its address
    "purpose",  # why
    "legal_basis",  # on what legal basis
    "kiosk_retention",  # how long the kiosk keeps it
    "municipality_retention",  # how long the municipality keeps it
    "rights",  # the villager's rights and where to complain
    "contact",  # the data protection officer
)
MAX_COAT_OF_ARMS_BYTES = 256 * 1024


class MunicipalityError(SyncError):
    code = "municipality_invalid"
    http_status = 400


@dataclass(frozen=True)
class Names:
    """A name in Bulgarian and in English."""

    bg: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.bg

    def to_json(self) -> dict:
        return {"bg": self.bg, "en": self.en}


@dataclass(frozen=True)
class Settlement:
    code: str
    name: Names
    type: str
    kind: str
    abbreviation: str
    latitude: float
    longitude: float
    phone: str = ""

    @property
    def is_centre(self) -> bool:
        return self.type == "centre"

    @property
    def label_bg(self) -> str:
        """``с. Горно Примерово`` / ``гр. Примерово``: how Bulgarian names a settlement in an
        address."""
        return f"{'гр.' if self.kind == 'town' else 'с.'} {self.name.bg}"

    def label(self, language: str) -> str:
        if language == "en":
            return f"{self.name.en} (town)" if self.kind == "town" else self.name.en
        return self.label_bg

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "name": self.name.to_json(),
            "type": self.type,
            "kind": self.kind,
            "abbreviation": self.abbreviation,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "phone": self.phone,
        }


@dataclass(frozen=True)
class Municipality:
    """One municipality: its names, province, coat of arms and settlements (in the file's order).

    ``version`` is 0 for a profile read from a file; central gives each profile it publishes a
    higher version, and a kiosk refuses an older one than it holds.
    """

    name: Names  # the municipality's own name: Примерово / Primerovo
    official_name: Names  # Община Примерово / Primerovo Municipality
    province: Names  # the province's name without "област": Примерна / Primerna
    verification_url: str
    settlements: tuple[Settlement, ...]
    coat_of_arms: str = ""  # the image's file name (beside municipality.toml at central)
    coat_of_arms_data: bytes = field(default=b"", repr=False)
    version: int = 0
    # (key, text) in PRIVACY_KEYS order; empty when the profile has no [privacy] table.
    privacy: tuple[tuple[str, Names], ...] = ()

    # -- look-ups -------------------------------------------------------------------------
    def settlement(self, code: str) -> Settlement:
        """The settlement with ``code``; :class:`MunicipalityError` naming the known codes."""
        for settlement in self.settlements:
            if settlement.code == code:
                return settlement
        raise MunicipalityError(
            f"{self.official_name.en} has no settlement {code!r}: use one of "
            f"{', '.join(s.code for s in self.settlements)}."
        )

    def has_settlement(self, code: str | None) -> bool:
        return any(settlement.code == code for settlement in self.settlements)

    @property
    def centre(self) -> Settlement:
        return next(s for s in self.settlements if s.is_centre)

    @property
    def villages(self) -> tuple[Settlement, ...]:
        """The settlements outside the centre: where the information centres (kiosks) are."""
        return tuple(s for s in self.settlements if not s.is_centre)

    def settlement_name(self, code: str | None, language: str = "bg") -> str:
        """The settlement's name, or the code itself for one the profile no longer holds."""
        if not code:
            return ""
        for settlement in self.settlements:
            if settlement.code == code:
                return settlement.name.get(language)
        return code

    @property
    def province_bg(self) -> str:
        return f"област {self.province.bg}"

    @property
    def verification_base(self) -> str:
        return self.verification_url.rstrip("/")

    @property
    def coat_of_arms_media_type(self) -> str:
        suffix = "." + self.coat_of_arms.rsplit(".", 1)[-1].lower() if self.coat_of_arms else ""
        return COAT_OF_ARMS_TYPES.get(suffix, "")

    # -- JSON (records, the database) ---------------------------------------------------------
    def to_json(self) -> dict:
        import base64

        return {
            "version": self.version,
            "name": self.name.to_json(),
            "official_name": self.official_name.to_json(),
            "province": self.province.to_json(),
            "verification_url": self.verification_url,
            "coat_of_arms": self.coat_of_arms,
            "coat_of_arms_data": base64.b64encode(self.coat_of_arms_data).decode("ascii"),
            "settlements": [settlement.to_json() for settlement in self.settlements],
            "privacy": {key: text.to_json() for key, text in self.privacy},
        }

    @classmethod
    def from_json(cls, data: Any) -> Municipality:
        """A profile from its JSON (a record's body, a stored version); checked as a file is."""
        import base64
        import binascii

        if not isinstance(data, Mapping):
            raise MunicipalityError("The municipality profile is not an object.")
        try:
            image = base64.b64decode(str(data.get("coat_of_arms_data") or ""), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MunicipalityError("coat_of_arms_data is not base64.") from exc
        version = data.get("version", 0)
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise MunicipalityError("version must be a whole number, 0 or more.")
        return from_mapping(data, coat_of_arms_data=image, version=version)

    def with_version(self, version: int) -> Municipality:
        from dataclasses import replace

        return replace(self, version=version)

    def same_content(self, other: Municipality) -> bool:
        """Equal but for the version: publishing it again would change nothing."""
        return self.with_version(0) == other.with_version(0)


# -- checking ---------------------------------------------------------------------------------
def _names(data: Mapping, key: str) -> Names:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise MunicipalityError(
            f"{key}: give the name in Bulgarian and English, e.g. "
            f'{key} = {{ bg = "...", en = "..." }}.'
        )
    found = {}
    for language in ("bg", "en"):
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            raise MunicipalityError(f"{key}.{language}: the name is missing or empty.")
        found[language] = text.strip()
    return Names(**found)


def _privacy(data: Any) -> tuple[tuple[str, Names], ...]:
    if not data:
        return ()
    if not isinstance(data, Mapping):
        raise MunicipalityError("[privacy]: must be a table of texts in Bulgarian and English.")
    unknown = sorted(set(data) - set(PRIVACY_KEYS))
    if unknown:
        raise MunicipalityError(
            f"[privacy]: unknown key(s) {', '.join(unknown)}; the table holds "
            f"{', '.join(PRIVACY_KEYS)}."
        )
    return tuple((key, _names(data, f"{key}") if key in data else _missing_privacy(key))
                 for key in PRIVACY_KEYS)  # fmt: skip


def _missing_privacy(key: str) -> Names:
    raise MunicipalityError(
        f"privacy.{key}: the notice before personal data needs it, in Bulgarian and English."
    )


def _text(data: Mapping, key: str, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise MunicipalityError(f"{key}: must be text in quotes.")
    if required and not value.strip():
        raise MunicipalityError(f"{key}: is missing or empty.")
    return value.strip()


def _coordinate(data: Mapping, key: str, where: str, low: float, high: float) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MunicipalityError(f"{where}.{key}: give a number in degrees (WGS84), e.g. 43.109.")
    if not low <= float(value) <= high:
        raise MunicipalityError(f"{where}.{key}: {value} is not between {low} and {high}.")
    return float(value)


def _settlement(data: Any, index: int) -> Settlement:
    where = f"settlements[{index}]"
    if not isinstance(data, Mapping):
        raise MunicipalityError(f"{where}: each settlement is a [[settlements]] table.")
    code = data.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        raise MunicipalityError(
            f"{where}.code: {code!r} is not usable; use lower-case Latin letters, digits and "
            'hyphens, e.g. "gorno-primerovo".'
        )
    where = f"settlement {code!r}"
    try:
        name = _names(data, "name")
    except MunicipalityError as exc:
        raise MunicipalityError(f"{where}: {exc.message}") from exc
    kind_of = data.get("type")
    if kind_of not in SETTLEMENT_TYPES:
        raise MunicipalityError(
            f"{where}.type: {kind_of!r} is not one of {', '.join(SETTLEMENT_TYPES)}."
        )
    kind = data.get("kind", "town" if kind_of == "centre" else "village")
    if kind not in SETTLEMENT_KINDS:
        raise MunicipalityError(f"{where}.kind: {kind!r} is not one of town, village.")
    abbreviation = data.get("abbreviation")
    if not isinstance(abbreviation, str) or not _ABBREVIATION.match(abbreviation):
        raise MunicipalityError(
            f"{where}.abbreviation: {abbreviation!r} is not usable; give 2 to 5 capital Latin "
            'letters, e.g. "DZH" (the start of its request references).'
        )
    phone = data.get("phone", "")
    if not isinstance(phone, str) or (phone and not _PHONE.match(phone)):
        raise MunicipalityError(f"{where}.phone: {phone!r} is not a phone number.")
    unknown = set(data) - {
        "code",
        "name",
        "type",
        "kind",
        "abbreviation",
        "latitude",
        "longitude",
        "phone",
    }
    if unknown:
        raise MunicipalityError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}.")
    return Settlement(
        code=code,
        name=name,
        type=kind_of,
        kind=kind,
        abbreviation=abbreviation,
        latitude=_coordinate(data, "latitude", where, -90, 90),
        longitude=_coordinate(data, "longitude", where, -180, 180),
        phone=phone.strip(),
    )


def from_mapping(data: Mapping, coat_of_arms_data: bytes = b"", version: int = 0) -> Municipality:
    """Check a profile given as plain data (parsed TOML or JSON) and build it."""
    municipality = data.get("municipality", data)
    if not isinstance(municipality, Mapping):
        raise MunicipalityError(
            "[municipality]: the table with the municipality's names is missing."
        )
    url = _text(municipality, "verification_url")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise MunicipalityError(
            f"verification_url: {url!r} is not a web address; give the public address where "
            'documents are checked, e.g. "https://verify.example.bg".'
        )
    raw_settlements = data.get("settlements")
    if not isinstance(raw_settlements, list) or not raw_settlements:
        raise MunicipalityError(
            "settlements: the profile has none; add one [[settlements]] table per settlement."
        )
    settlements = tuple(_settlement(item, index) for index, item in enumerate(raw_settlements))
    for attribute, what in (("code", "code"), ("abbreviation", "abbreviation")):
        seen: set[str] = set()
        for settlement in settlements:
            value = getattr(settlement, attribute)
            if value in seen:
                raise MunicipalityError(
                    f"settlement {settlement.code!r}.{what}: {value!r} is used twice; "
                    f"each settlement needs its own {what}."
                )
            seen.add(value)
    centres = [s.code for s in settlements if s.is_centre]
    if len(centres) != 1:
        raise MunicipalityError(
            'settlements: exactly one settlement must have type = "centre" (the municipal '
            f"centre); found {len(centres)}."
        )
    coat_of_arms = _text(municipality, "coat_of_arms", required=False)
    if coat_of_arms:
        suffix = "." + coat_of_arms.rsplit(".", 1)[-1].lower() if "." in coat_of_arms else ""
        if suffix not in COAT_OF_ARMS_TYPES or "/" in coat_of_arms or "\\" in coat_of_arms:
            raise MunicipalityError(
                f"coat_of_arms: {coat_of_arms!r} must be the file name of an .svg or .png image "
                "beside the profile."
            )
        if len(coat_of_arms_data) > MAX_COAT_OF_ARMS_BYTES:
            raise MunicipalityError(
                f"coat_of_arms: the image is larger than {MAX_COAT_OF_ARMS_BYTES // 1024} KiB; "
                "give a smaller one."
            )
    return Municipality(
        privacy=_privacy(data.get("privacy")),
        name=_names(municipality, "name"),
        official_name=_names(municipality, "official_name"),
        province=_names(municipality, "province"),
        verification_url=url,
        settlements=settlements,
        coat_of_arms=coat_of_arms,
        coat_of_arms_data=coat_of_arms_data if coat_of_arms else b"",
        version=version,
    )
