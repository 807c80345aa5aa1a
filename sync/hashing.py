"""The cost of the argon2 hashes of office passwords and staff PINs: a setting of each side.

argon2 advises tuning its parameters to the hardware, so central (``CENTRAL_ARGON2``) and the
kiosk (``KIOSK_ARGON2``) each read one from their configuration: the name of one of
argon2-cffi's profiles (:data:`PROFILES`), or the three numbers,
``time_cost=3,memory_cost=65536,parallelism=4`` (memory in KiB; salt and hash lengths stay
the default profile's). Unset, it is RFC 9106's low-memory profile, argon2-cffi's own default.
A hash carries the parameters it was made with, and is checked with those: changing the setting
never locks anyone out, and a PIN hashed at central costs a kiosk what central chose.
"""

from __future__ import annotations

import dataclasses

from argon2 import Parameters, profiles

PROFILES = {
    "RFC_9106_LOW_MEMORY": profiles.RFC_9106_LOW_MEMORY,
    "RFC_9106_HIGH_MEMORY": profiles.RFC_9106_HIGH_MEMORY,
    "PRE_21_2": profiles.PRE_21_2,
    "CHEAPEST": profiles.CHEAPEST,  # for tests only: it protects nothing
}
DEFAULT_PROFILE = "RFC_9106_LOW_MEMORY"
NUMBERS = ("time_cost", "memory_cost", "parallelism")
_EXAMPLE = "time_cost=3,memory_cost=65536,parallelism=4"


def argon2_parameters(setting: str | None, name: str) -> Parameters:
    """The parameters the setting ``name`` (its text ``setting``) asks for; a ``ValueError``
    saying what to write instead when it names no profile or gives impossible numbers."""
    text = (setting or "").strip()
    if not text:
        return PROFILES[DEFAULT_PROFILE]
    if text in PROFILES:
        return PROFILES[text]
    if "=" not in text:
        raise ValueError(
            f"{name}={text!r}: няма такъв профил на argon2. Изберете един от "
            f"{', '.join(PROFILES)} или дайте числата, например {_EXAMPLE}. / "
            f"{name}={text!r}: no such argon2 profile. Choose one of {', '.join(PROFILES)} "
            f"or give the numbers, for example {_EXAMPLE}."
        )
    numbers = _numbers(text, name)
    low = {"time_cost": 1, "parallelism": 1, "memory_cost": 8 * numbers["parallelism"]}
    for key, least in low.items():
        if not least <= numbers[key] < 2**32:
            raise ValueError(
                f"{name}: {key}={numbers[key]} е извън допустимото: поне {least} "
                f"(memory_cost е в KiB, поне 8 на нишка). / {name}: {key}={numbers[key]} "
                f"is out of range: at least {least} (memory_cost is in KiB, 8 per lane at least)."
            )
    return dataclasses.replace(PROFILES[DEFAULT_PROFILE], **numbers)


def _numbers(text: str, name: str) -> dict[str, int]:
    numbers: dict[str, int] = {}
    for part in text.split(","):
        key, _, value = (piece.strip() for piece in part.partition("="))
        if key not in NUMBERS or key in numbers or not value.isdigit():
            raise ValueError(
                f"{name}={text!r}: не разбирам {part.strip()!r}. Напишете трите числа така: "
                f"{_EXAMPLE}. / {name}={text!r}: {part.strip()!r} is not understood. Write the "
                f"three numbers like this: {_EXAMPLE}."
            )
        numbers[key] = int(value)
    missing = [key for key in NUMBERS if key not in numbers]
    if missing:
        raise ValueError(
            f"{name}={text!r}: липсва {', '.join(missing)}. Дайте и трите: {_EXAMPLE}. / "
            f"{name}={text!r}: {', '.join(missing)} missing. Give all three: {_EXAMPLE}."
        )
    return numbers
