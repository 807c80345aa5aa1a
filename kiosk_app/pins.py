"""Staff PINs at the kiosk: the list of who may confirm identities, and the PIN check with its
lockout. No Qt: the touchscreen asks through :class:`kiosk_app.app.KioskApp`.

The list (``staff_id``, ``name``, ``pin_hash``) arrives from central in ``staff.updated`` and is
kept in the ``staff`` setting; only argon2 hashes are kept, never PINs. A hash is checked with
the parameters it carries (central's ``CENTRAL_ARGON2`` for central's lists); a PIN hashed here
takes the kiosk's own ``KIOSK_ARGON2`` (:class:`kiosk_app.config.KioskConfig`). Five wrong PINs in a row
lock staff confirmation for :data:`PIN_LOCK_MINUTES`; the count lives in the store, so a restart
does not reset it.
"""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import Argon2Error

from .bulletins import STAFF_SETTING
from .errors import KioskError, NotAllowedError
from .store import KioskStore, store_for

MAX_PIN_FAILURES = 5
PIN_LOCK_MINUTES = 15
PIN_LOCK_SETTING = "staff_pin_lock"  # {"failures": n, "locked_until": iso | None}

# Checks a hash with the parameters the hash carries, whatever they are.
_verifier = PasswordHasher()


class WrongPinError(KioskError):
    code = "wrong_pin"

    def __init__(self, message: str, attempts_left: int):
        super().__init__(message)
        self.attempts_left = attempts_left


class PinLockedError(KioskError):
    code = "pin_locked"

    def __init__(self, message: str, locked_until: str):
        super().__init__(message)
        self.locked_until = locked_until


def hash_pin(config, pin: str) -> str:
    """An argon2 hash of a staff PIN, at the kiosk's cost: what it keeps, never the PIN itself."""
    return PasswordHasher.from_parameters(config.argon2).hash(pin)


def provision_staff(config, staff: list[dict]) -> None:
    """Keep the staff list (``staff_id``, ``name``, ``pin`` or ``pin_hash``) with hashed PINs."""
    records = [
        {
            "staff_id": person["staff_id"],
            "name": person["name"],
            "pin_hash": person.get("pin_hash") or hash_pin(config, person["pin"]),
        }
        for person in staff
    ]
    with store_for(config) as store:
        store.set_setting(STAFF_SETTING, records)


def check_staff_pin(config, pin: str, now: dt.datetime) -> dict:
    """``{"staff_id", "name"}`` of the member of staff whose PIN this is; else
    :class:`WrongPinError` (with the attempts left) or :class:`PinLockedError` (until when)."""
    with store_for(config) as store:
        lock = store.get_setting(PIN_LOCK_SETTING) or {"failures": 0, "locked_until": None}
        until = lock.get("locked_until")
        if until and dt.datetime.fromisoformat(until) > now:
            raise PinLockedError(f"Staff confirmation is locked until {until}.", until)
        for person in store.get_setting(STAFF_SETTING) or []:
            try:
                _verifier.verify(person["pin_hash"], pin)
            except Argon2Error:
                continue
            store.set_setting(PIN_LOCK_SETTING, {"failures": 0, "locked_until": None})
            return {"staff_id": person["staff_id"], "name": person["name"]}
        failures = int(lock.get("failures") or 0) + 1
        if failures >= MAX_PIN_FAILURES:
            until = (now + dt.timedelta(minutes=PIN_LOCK_MINUTES)).isoformat()
            store.set_setting(PIN_LOCK_SETTING, {"failures": 0, "locked_until": until})
            raise PinLockedError(f"Too many wrong PINs: locked until {until}.", until)
        store.set_setting(PIN_LOCK_SETTING, {"failures": failures, "locked_until": None})
    left = MAX_PIN_FAILURES - failures
    raise WrongPinError(f"Wrong PIN; {left} attempts left.", left)


def known_staff(store: KioskStore, staff_id: str) -> None:
    """Refuse a member of staff this kiosk does not know (central's list, ``staff.updated``)."""
    known = {member["staff_id"] for member in store.get_setting(STAFF_SETTING, []) or []}
    if staff_id not in known:
        raise NotAllowedError(
            f"Служител {staff_id!r} не е в списъка на кметството. / "
            f"{staff_id!r} is not on this mayoralty's staff list."
        )
