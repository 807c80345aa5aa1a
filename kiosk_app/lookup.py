"""A villager's status look-up: the reference as people type it, and the check code of the slip.

References are ``DZH1-00042``: the village's Latin abbreviation and the kiosk's number, a hyphen,
five digits. At a touchscreen people type them in small letters, on the Cyrillic keyboard
("ДЗН1" for the look-alike letters, "ДЖ1" for the sound), without the hyphen or the zeros:
:func:`normalise_reference` reads all of these as the kiosk's own reference.

A reference is counted up, so the next one is easy to guess; the look-up therefore also asks for
the six-digit check code printed on the slip (:func:`new_check_code`), and it is this module —
not the screen — that compares it, in constant time, with the code the kiosk stored with the
request. A wrong code is answered exactly like an unknown reference, so guessing reveals
nothing, not even that the request exists.
"""

from __future__ import annotations

import hmac
import re
import secrets

from .errors import UnknownReferenceError

CHECK_CODE_DIGITS = 6
NUMBER_DIGITS = 5

# Cyrillic letters people use for the Latin ones they see on the slip: the look-alikes (Н for
# H, Р for P, С for C, В for B, У for Y, Х for X) and the sounds of the village abbreviations
# (Д for D, Ж for ZH, З for Z, Л for L, Я for YA...). A typed text is read both ways.
_LOOK_ALIKE = str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")
_SOUND = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Е": "E", "Ж": "ZH", "З": "Z", "И": "I",
    "Й": "Y", "К": "K", "Л": "L", "М": "M", "Н": "N", "О": "O", "П": "P", "Р": "R", "С": "S",
    "Т": "T", "У": "U", "Ф": "F", "Х": "H", "Ц": "TS", "Ч": "CH", "Ш": "SH", "Щ": "SHT",
    "Ъ": "A", "Ь": "Y", "Ю": "YU", "Я": "YA",
}  # fmt: skip


def new_check_code() -> str:
    """A random six-digit code for a new request's slip."""
    return f"{secrets.randbelow(10**CHECK_CODE_DIGITS):0{CHECK_CODE_DIGITS}d}"


def normalise_code(typed: str) -> str:
    """The digits of a typed check code ("482 107" → "482107")."""
    return re.sub(r"\D", "", typed or "")


def normalise_reference(typed: str, prefix: str) -> str | None:
    """The reference ``typed`` means at the kiosk whose references start ``prefix`` ("DZH1"),
    or ``None`` when it cannot be one of them.

    ``dzh1-42``, ``DZH100042``, ``ДЗН1-00042``, ``дж1 42`` and ``42`` all become ``DZH1-00042``.
    """
    text = re.sub(r"[\s\-–—_./]", "", (typed or "").upper())
    if not text:
        return None
    if text.isdigit():
        # Only the number: the prefix is this kiosk's (the screen shows it already typed). A
        # number typed together with the kiosk's digit ("100042") keeps its last five digits.
        if text.startswith(prefix[-1]) and len(text) == len(prefix[-1]) + NUMBER_DIGITS:
            text = text[len(prefix[-1]) :]
        return _with_number(prefix, text)
    letters = len(prefix.rstrip("0123456789"))
    kiosk_digits = prefix[letters:]
    for reading in _readings(text):
        head, digits = reading[:letters], reading[letters:]
        if head == prefix[:letters] and digits.startswith(kiosk_digits) and digits.isdigit():
            return _with_number(prefix, digits[len(kiosk_digits) :])
    return None


def _readings(text: str) -> list[str]:
    look_alike = text.translate(_LOOK_ALIKE)
    sound = "".join(_SOUND.get(character, character) for character in text)
    mixed = "".join(
        _SOUND.get(character, character) for character in look_alike
    )  # "ДЗН": Д and З by sound, Н by its look
    return list(dict.fromkeys((text, look_alike, sound, mixed)))


def _with_number(prefix: str, digits: str) -> str | None:
    if not digits or len(digits) > NUMBER_DIGITS or int(digits) == 0:
        return None
    return f"{prefix}-{int(digits):0{NUMBER_DIGITS}d}"


def find_request(store, typed_reference: str, typed_code: str, prefix: str) -> dict:
    """The request row whose slip carries this reference and check code.

    Raises :class:`UnknownReferenceError` — the same error, with the same words — when the
    reference is unknown, the code is wrong, or the request has no code (made before codes
    were printed: staff look it up on their panel)."""
    reference = normalise_reference(typed_reference, prefix)
    code = normalise_code(typed_code)
    row = store.request(reference) if reference else None
    stored = (row or {}).get("check_code") or ""
    if row is None or not stored or not hmac.compare_digest(stored, code):
        raise UnknownReferenceError(
            "No request with this reference and check code was made at this kiosk: check both "
            "on the slip."
        )
    return row
