"""The municipality profile as this kiosk holds it: names, settlements, abbreviations, phones.

The kiosk has no municipality built in. Central sends its profile in the enrollment answer and,
whenever the administrator changes ``municipality.toml``, as a ``municipality.updated`` record
(:mod:`sync.municipality` is the shape and the checks). The newest version is kept in the store;
an older one is refused as a rollback. Screens, slips, receipts and references read it here.
"""

from __future__ import annotations

from sync import RecordRefused
from sync.municipality import Municipality, MunicipalityError

from .errors import EnrollmentError, NotEnrolledError
from .store import KioskStore

SETTING = "municipality"


def held(store: KioskStore) -> Municipality | None:
    """The profile this kiosk holds, or None before enrollment."""
    data = store.get_setting(SETTING)
    return Municipality.from_json(data) if data else None


def required(store: KioskStore) -> Municipality:
    municipality = held(store)
    if municipality is None:
        raise NotEnrolledError(
            "This kiosk holds no municipality profile: enroll it with "
            "`kiosk-app enroll --central URL --token TOKEN`."
        )
    return municipality


def from_enrollment(answer: dict, village: str) -> Municipality:
    """The profile in central's enrollment answer, checked, which must hold ``village``."""
    try:
        municipality = Municipality.from_json(answer.get("municipality"))
    except MunicipalityError as exc:
        raise EnrollmentError(
            f"Central's municipality profile is not usable ({exc.message}): update central."
        ) from exc
    if not municipality.has_settlement(village) or municipality.settlement(village).is_centre:
        raise EnrollmentError(f"Central named a village its profile does not hold ({village!r}).")
    return municipality


def apply_update(store: KioskStore, body: dict) -> Municipality:
    """Keep the profile of a ``municipality.updated`` record; RecordRefused when it is unusable,
    older than the one held, or no longer holds this kiosk's village."""
    try:
        offered = Municipality.from_json(body)
    except MunicipalityError as exc:
        raise RecordRefused(f"the municipality profile is not usable: {exc.message}") from exc
    current = held(store)
    if current is not None and offered.version < current.version:
        raise RecordRefused(
            f"rollback refused: municipality version {offered.version} is older than version "
            f"{current.version} held here"
        )
    enrollment = store.get_setting("enrollment") or {}
    village = enrollment.get("village")
    if village and not offered.has_settlement(village):
        raise RecordRefused(
            f"the municipality profile version {offered.version} no longer holds this kiosk's "
            f"village {village!r}"
        )
    store.set_setting(SETTING, offered.to_json())
    return offered
